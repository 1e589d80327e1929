"""Who may see and change which ticket. Every page and endpoint goes through here.

- A requester sees the tickets they requested and the ones they watch, and
  never internal notes or internal attachments.
- An agent sees every ticket (the helpdesk works as one desk) but may change
  only tickets of their teams, unteamed tickets and tickets assigned to them,
  and nothing in a final status.
- A support manager (manager role) reads every ticket of the teams they lead:
  queue, ticket pages with internal notes, attachments. They answer for the
  service but change nothing unless they are also agents.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from icity.roles import Role, has_role

from .models import FINAL_STATUSES, Attachment, Ticket


def is_agent(user) -> bool:
    return has_role(user, Role.AGENT)


def led_team_ids(user) -> set[int]:
    """The helpdesk teams a support manager leads (empty for anyone else)."""
    if not user.is_authenticated or not has_role(user, Role.MANAGER):
        return set()
    cached = getattr(user, "_led_team_ids", None)
    if cached is None:
        cached = set(user.led_helpdesk_teams.values_list("id", flat=True))
        user._led_team_ids = cached
    return cached


def reads_queue(user) -> bool:
    """Agents work the queue; support managers read it for the teams they lead."""
    return is_agent(user) or has_role(user, Role.MANAGER)


def visible_tickets(user) -> QuerySet[Ticket]:
    if not user.is_authenticated:
        return Ticket.objects.none()
    if is_agent(user):
        return Ticket.objects.all()
    watched = Ticket.watchers.through.objects.filter(ticket_id=OuterRef("pk"), user_id=user.pk)
    mine = Q(requester=user) | Exists(watched)
    teams = led_team_ids(user)
    return Ticket.objects.filter(mine | Q(team_id__in=teams) if teams else mine)


def queue_tickets(user) -> QuerySet[Ticket]:
    """The queue's rows: every ticket for an agent, the led teams' tickets for a support manager."""
    if is_agent(user):
        return Ticket.objects.all()
    return Ticket.objects.filter(team_id__in=led_team_ids(user))


def reads_as_staff(user, ticket: Ticket) -> bool:
    """Sees the ticket as the helpdesk does (internal notes, the agent page)."""
    if ticket.requester_id == user.pk and not is_agent(user):
        return False
    return is_agent(user) or (ticket.team_id is not None and ticket.team_id in led_team_ids(user))


def get_ticket_for_user(user, reference: str) -> Ticket:
    queryset = visible_tickets(user).select_related(
        "requester", "requester__department", "opened_by", "category", "team", "assignee", "merged_into"
    )
    try:
        return queryset.get(reference=reference)
    except Ticket.DoesNotExist:
        raise Http404 from None


def agent_team_ids(user) -> set[int]:
    cached = getattr(user, "_helpdesk_team_ids", None)
    if cached is None:
        cached = set(user.helpdesk_teams.values_list("id", flat=True))
        user._helpdesk_team_ids = cached
    return cached


def touchable_filter(user) -> Q:
    """The tickets an agent may change, as a filter (used by bulk actions and counts)."""
    return (Q(team__isnull=True) | Q(team_id__in=agent_team_ids(user)) | Q(assignee=user)) & ~Q(
        status__in=FINAL_STATUSES
    )


def can_manage(user, ticket: Ticket) -> bool:
    if not is_agent(user) or ticket.status in FINAL_STATUSES:
        return False
    return ticket.team_id is None or ticket.team_id in agent_team_ids(user) or ticket.assignee_id == user.pk


def visible_attachments(user, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    if not reads_as_staff(user, ticket):
        attachments = attachments.filter(is_internal=False)
    return attachments


def get_attachment_for_user(user, attachment_id: int) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("ticket").get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    if not visible_tickets(user).filter(pk=attachment.ticket_id).exists():
        raise Http404
    if attachment.is_internal and not reads_as_staff(user, attachment.ticket):
        raise Http404
    return attachment
