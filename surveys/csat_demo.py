"""Demo data: months of post-ticket ratings on the demo tickets, a few open follow-ups.

Idempotent: does nothing once any TicketRating exists. Tickets closed in the
last two days are left for the beat sweep to invite.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets.models import Status, Team, Ticket

from .models import CsatFollowUp, TicketRating
from .services import csat_in_sample

COMMENTS_GOOD = ["Rapide et efficace, merci !", "Snel opgelost, bedankt.", "Très aimable au téléphone."]
COMMENTS_BAD = [
    "Trois relances avant d'avoir une réponse.",
    "Het probleem is niet echt opgelost.",
    "Personne ne m'a prévenu que le ticket était clôturé.",
]
OPEN_FOLLOW_UPS = 3


@transaction.atomic
def seed_csat(*, rng: random.Random, stdout=None, **kwargs) -> None:
    if TicketRating.objects.exists():
        return
    now = timezone.now()
    tickets = list(
        Ticket.objects.filter(
            status=Status.CLOSED, closed_at__lte=now - timedelta(days=2), closed_at__gte=now - timedelta(days=365)
        )
        .only("id", "requester_id", "team_id", "category_id", "assignee_id", "closed_at")
        .order_by("closed_at", "id")
    )
    leads = dict(Team.objects.values_list("id", "lead_id"))
    # Each team has its own mood so that the breakdown shows differences; things improve over the year.
    mood = {team_id: rng.uniform(-0.6, 0.4) for team_id in leads}
    last_invited: dict[int, object] = {}
    repeat = timedelta(days=settings.SURVEYS_CSAT_REPEAT_DAYS)
    ratings = []
    for ticket in tickets:
        invited_at = ticket.closed_at + timedelta(hours=settings.SURVEYS_CSAT_DELAY_HOURS)
        row = TicketRating(
            ticket_id=ticket.pk,
            requester_id=ticket.requester_id,
            team_id=ticket.team_id,
            category_id=ticket.category_id,
            agent_id=ticket.assignee_id,
            considered_at=invited_at,
        )
        if not csat_in_sample(ticket.pk, settings.SURVEYS_CSAT_SAMPLING_PERCENT):
            row.status = TicketRating.Status.NOT_SAMPLED
        elif ticket.requester_id in last_invited and invited_at - last_invited[ticket.requester_id] < repeat:
            row.status = TicketRating.Status.RECENTLY_ASKED
        else:
            last_invited[ticket.requester_id] = invited_at
            row.token = TicketRating.new_token()
            row.invited_at = invited_at
            row.expires_at = invited_at + timedelta(days=settings.SURVEYS_CSAT_VALID_DAYS)
            row.status = TicketRating.Status.INVITED
            if rng.random() < 0.65:
                progress = 1 - (now - ticket.closed_at).days / 365
                score = 4.0 + mood.get(ticket.team_id, 0) + 0.5 * progress + rng.gauss(0, 1.0)
                row.rating = max(1, min(5, round(score)))
                row.answered_at = invited_at + timedelta(hours=rng.uniform(0.2, 72))
                row.status = TicketRating.Status.ANSWERED
                if rng.random() < 0.3:
                    row.comment = rng.choice(COMMENTS_BAD if row.rating <= 2 else COMMENTS_GOOD)
        ratings.append(row)
    TicketRating.objects.bulk_create(ratings, batch_size=2000)
    low = [row for row in ratings if row.status == TicketRating.Status.ANSWERED and row.rating <= 2]
    low.sort(key=lambda row: row.answered_at)
    follow_ups = []
    for index, row in enumerate(low):
        still_open = index >= len(low) - OPEN_FOLLOW_UPS
        closed_at = min(row.answered_at + timedelta(days=rng.uniform(0.5, 6)), now)
        follow_ups.append(
            CsatFollowUp(
                rating_id=row.pk,
                ticket_id=row.ticket_id,
                team_id=row.team_id,
                lead_id=leads.get(row.team_id),
                created_at=row.answered_at,
                status=CsatFollowUp.Status.OPEN if still_open else CsatFollowUp.Status.CLOSED,
                closed_at=None if still_open else closed_at,
                closed_by_id=None if still_open else leads.get(row.team_id),
                note="" if still_open else "Demandeur rappelé, solution expliquée.",
            )
        )
    CsatFollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    if stdout:
        answered = sum(1 for row in ratings if row.status == TicketRating.Status.ANSWERED)
        stdout.write(
            f"surveys: {len(ratings)} closed tickets considered for CSAT, {answered} ratings, "
            f"{len(follow_ups)} follow-ups ({min(OPEN_FOLLOW_UPS, len(follow_ups))} open)\n"
        )
