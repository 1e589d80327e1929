from datetime import datetime
from zoneinfo import ZoneInfo

from tests.tickets.factories import CategoryFactory, TeamFactory, make_agent, open_ticket
from tickets.models import Ticket

CLOSED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def closed_ticket(requester, *, closed_at=CLOSED_AT, team=None, lead=None, agent=None, category=None):
    team = team or TeamFactory(lead=lead)
    category = category or CategoryFactory(default_team=team)
    agent = agent or make_agent(team)
    ticket = open_ticket(requester, category=category)
    Ticket.objects.filter(pk=ticket.pk).update(
        status="closed", resolved_at=closed_at, closed_at=closed_at, team=team, assignee=agent
    )
    ticket.refresh_from_db()
    return ticket
