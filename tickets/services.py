"""Helpdesk workflows. Each public function is one transaction and one story.

Changes to a ticket lock its row (``select_for_update``) so that two agents,
or an agent and a sweep, never interleave; every change writes an immutable
timeline event; every message goes through the outbox with a dedupe key.
"""

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Asset
from icity.models import User
from icity.outbox import message_to_user, notify, notify_many, notify_user
from icity.roles import Role

from . import sla
from .access import can_manage, is_agent
from .models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    AgentPreference,
    Attachment,
    Category,
    Channel,
    Comment,
    Kind,
    NotificationKind,
    ReferenceCounter,
    SlaPolicy,
    Status,
    Team,
    Ticket,
    TimelineEvent,
)
from .uploads import as_files, check_upload

S = Status
# The lifecycle. Anything not listed is refused with TransitionError.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CANCELLED, S.MERGED}),
    S.IN_PROGRESS: frozenset({S.WAITING_REQUESTER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CANCELLED, S.MERGED}),
    S.WAITING_REQUESTER: frozenset({S.IN_PROGRESS, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CANCELLED, S.MERGED}),
    S.WAITING_THIRD_PARTY: frozenset({S.IN_PROGRESS, S.WAITING_REQUESTER, S.RESOLVED, S.CANCELLED, S.MERGED}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
    S.MERGED: frozenset(),
}
# What a requester may do on their own ticket (everything else is for agents).
REQUESTER_TRANSITIONS = {(S.RESOLVED, S.CLOSED), (S.RESOLVED, S.IN_PROGRESS)} | {
    (status, S.CANCELLED) for status in OPEN_STATUSES
}


class TransitionError(ValidationError):
    pass


def priority_for(*, impact: str, urgency: str) -> int:
    return int(settings.TICKETS_PRIORITY_MATRIX[impact][urgency])


def sla_targets(priority: int) -> tuple[int, int]:
    policy = SlaPolicy.targets().get(int(priority))
    if policy is not None:
        return policy
    default = settings.TICKETS_DEFAULT_SLA_MINUTES[int(priority)]
    return default["first_response"], default["resolution"]


def _schedule_sla(ticket: Ticket) -> list[str]:
    """Recompute due and warning times from opening time, priority and time paused."""
    first_response, resolution = sla_targets(ticket.priority)
    paused = ticket.sla_paused_minutes
    warn = settings.TICKETS_SLA_WARNING_PERCENT / 100
    start = ticket.created_at
    ticket.first_response_due = sla.add_business_minutes(start, first_response + paused)
    ticket.first_response_warn_at = sla.add_business_minutes(start, math.ceil(first_response * warn) + paused)
    ticket.resolution_due = sla.add_business_minutes(start, resolution + paused)
    ticket.resolution_warn_at = sla.add_business_minutes(start, math.ceil(resolution * warn) + paused)
    ticket.first_response_warned = ticket.first_response_breached = False
    ticket.resolution_warned = ticket.resolution_breached = False
    return [
        "first_response_due",
        "first_response_warn_at",
        "resolution_due",
        "resolution_warn_at",
        "first_response_warned",
        "first_response_breached",
        "resolution_warned",
        "resolution_breached",
    ]


def _next_reference(now: datetime) -> str:
    """HD-YYYY-NNNNNN, numbered per Brussels year (``ReferenceCounter.take``: no lock held until commit)."""
    year = timezone.localtime(now).year
    (number,) = ReferenceCounter.take(year)
    return f"HD-{year}-{number:06d}"


def _event(ticket: Ticket, actor, field: str, old="", new="", *, at: datetime | None = None) -> TimelineEvent:
    event = _new_event(ticket, actor, field, old, new, at=at)
    event.save(force_insert=True)
    return event


def _new_event(ticket: Ticket, actor, field: str, old="", new="", *, at: datetime | None = None) -> TimelineEvent:
    """An unsaved timeline event (``bulk_create`` several in one INSERT)."""
    return TimelineEvent(
        ticket=ticket,
        actor=actor,
        field=field,
        old_value=str(old if old is not None else "")[:255],
        new_value=str(new if new is not None else "")[:255],
        created_at=at or timezone.now(),
    )


def _url(ticket: Ticket) -> str:
    return settings.SITE_URL + ticket.get_absolute_url()


def _context(ticket: Ticket, **extra) -> dict:
    return {"reference": ticket.reference, "title": ticket.title, "url": _url(ticket), **extra}


def _muted(user, kind: str) -> bool:
    if hasattr(user, "muted_kinds"):  # read with the user (``_least_loaded_agent``)
        return kind in (user.muted_kinds or [])
    preference = AgentPreference.objects.filter(user=user).first()
    return preference is not None and kind in preference.muted


def _agent_message(user, kind: str, *, dedupe_key: str, template: str, context: dict) -> dict | None:
    """The message to an agent for ``notify_many``, or None when they are inactive or muted this kind."""
    if user is None or not user.is_active or _muted(user, kind):
        return None
    return message_to_user(user=user, dedupe_key=dedupe_key, template=template, context=context)


def _notify_agent(user, kind: str, *, dedupe_key: str, template: str, context: dict) -> None:
    message = _agent_message(user, kind, dedupe_key=dedupe_key, template=template, context=context)
    if message is not None:
        notify(**message)


def _lock(ticket: Ticket) -> Ticket:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("requester", "team", "assignee").get(pk=ticket.pk)
    )


def _least_loaded_agent(team: Team) -> User | None:
    """The available agent member with the fewest open tickets (ties: the oldest account), in one query.

    Each member's load is a correlated COUNT(*) on the (assignee, status) index: PostgreSQL
    answers it from the index alone (index-only scan), however many open tickets an agent
    holds. The member's muted notification kinds come along, so telling them costs no query.
    """
    away = AgentPreference.objects.filter(available=False).values("user_id")
    load = (
        Ticket.objects.filter(assignee=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(count=Count("*"))
        .values("count")
    )
    muted = AgentPreference.objects.filter(user=OuterRef("pk")).values("muted")
    return (
        team.members.filter(is_active=True, groups__name=Role.AGENT)
        .exclude(pk__in=away)
        .annotate(open_load=Coalesce(Subquery(load), 0), muted_kinds=Subquery(muted))
        .order_by("open_load", "pk")
        .first()
    )


def _search_text(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


# Opening -----------------------------------------------------------------


@transaction.atomic
def ticket_open(
    *,
    requester: User,
    opened_by: User,
    title: str,
    description: str,
    category: Category | None = None,
    impact: str = "low",
    urgency: str = "medium",
    channel: str = Channel.WEB,
    kind: str | None = None,
    uploads: Iterable = (),
    follow_up_of: Ticket | None = None,
    assets: Iterable[Asset] = (),
    now: datetime | None = None,
    team: Team | None = None,
) -> Ticket:
    """Open a ticket: number it, route it, start its SLA clocks, tell the people concerned.

    ``assets``: equipment concerned; only units the requester holds (whoever opens the ticket).
    """
    now = now or timezone.now()
    checked = [check_upload(upload) for upload in uploads]  # refuse before anything is written
    assets = list(assets)
    if any(asset.holder_id != requester.pk for asset in assets):
        raise ValidationError(_("You can only link equipment the requester holds."), code="asset")
    team = team or (category.default_team if category else None)
    ticket = Ticket(
        reference=_next_reference(now),
        requester=requester,
        opened_by=opened_by,
        channel=channel,
        kind=kind or (category.kind if category else Kind.INCIDENT),
        title=title.strip(),
        description=description.strip(),
        category=category,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact=impact, urgency=urgency),
        team=team,
        follow_up_of=follow_up_of,
        created_at=now,
        updated_at=now,
    )
    if team and team.auto_assign and settings.TICKETS_AUTO_ASSIGN:
        ticket.assignee = _least_loaded_agent(team)
    _schedule_sla(ticket)
    ticket.search_document = _search_text(ticket.reference, ticket.title, ticket.description)
    # Field checks only: the database enforces the constraints and the unique reference.
    ticket.full_clean(
        exclude=["reference", "requester", "opened_by", "category", "team", "assignee", "follow_up_of"],
        validate_unique=False,
        validate_constraints=False,
    )
    ticket.save()
    events = [_new_event(ticket, opened_by, "created", "", ticket.reference, at=now)]
    if follow_up_of is not None:
        ticket.related.add(follow_up_of)
        events.append(_new_event(follow_up_of, opened_by, "follow_up", "", ticket.reference, at=now))
    for item in checked:
        _store_attachment(ticket=ticket, uploaded_by=opened_by, checked=item, comment=None, internal=False)
    if assets:
        ticket.linked_assets.add(*assets)
        events.extend(_new_event(ticket, opened_by, "asset", "", asset.tag, at=now) for asset in assets)
    # The keys name a ticket created in this transaction: they cannot exist yet, so one INSERT, no savepoint.
    messages = [
        message_to_user(
            user=requester,
            dedupe_key=f"ticket:{ticket.pk}:opened",
            template="tickets_opened",
            context=_context(ticket, description=ticket.description),
        )
    ]
    if ticket.assignee:
        events.append(_new_event(ticket, None, "assignee", "", ticket.assignee, at=now))
        messages.append(_assigned_message(ticket))
    elif team:
        messages.extend(_team_new_messages(ticket))
    TimelineEvent.objects.bulk_create(events)
    notify_many([message for message in messages if message is not None])
    return ticket


def _assigned_message(ticket: Ticket) -> dict | None:
    return _agent_message(
        ticket.assignee,
        NotificationKind.ASSIGNED,
        dedupe_key=f"ticket:{ticket.pk}:assigned:{ticket.assignee_id}:{timezone.now():%Y%m%d%H%M%S%f}",
        template="tickets_assigned",
        context=_context(ticket, priority=f"P{ticket.priority}"),
    )


def _notify_assigned(ticket: Ticket) -> None:
    message = _assigned_message(ticket)
    if message is not None:
        notify(**message)


def _notify_team_new(ticket: Ticket) -> None:
    # One by one, each in its savepoint: a team set again may find its earlier keys queued.
    for message in _team_new_messages(ticket):
        if message is not None:
            notify(**message)


def _team_new_messages(ticket: Ticket) -> list[dict | None]:
    team = ticket.team
    context = _context(ticket, team=team.name, priority=f"P{ticket.priority}")
    if team.email:
        return [
            {
                "dedupe_key": f"ticket:{ticket.pk}:new-unassigned:team",
                "template": "tickets_new_unassigned",
                "to_email": team.email,
                "language": settings.LANGUAGE_CODE,
                "context": {"recipient_name": team.name, **context},
            }
        ]
    members = team.members.filter(is_active=True, groups__name=Role.AGENT).annotate(
        muted_kinds=Subquery(AgentPreference.objects.filter(user=OuterRef("pk")).values("muted"))
    )
    return [
        _agent_message(
            member,
            NotificationKind.NEW_UNASSIGNED,
            dedupe_key=f"ticket:{ticket.pk}:new-unassigned:{member.pk}",
            template="tickets_new_unassigned",
            context=context,
        )
        for member in members
    ]


# Status ------------------------------------------------------------------


def _apply_status(
    ticket: Ticket, actor, to_status: str, *, now: datetime, note: str = "", automatic: bool = False
) -> list[str]:
    """Move a locked ticket to ``to_status`` after checking the table; return changed fields."""
    old = ticket.status
    if to_status not in TRANSITIONS.get(old, ()):
        raise TransitionError(
            _("A ticket cannot go from “%(old)s” to “%(new)s”.")
            % {"old": Status(old).label, "new": Status(to_status).label if to_status in Status.values else to_status},
            code="transition",
        )
    changed = ["status", "updated_at"]
    ticket.status = to_status
    ticket.updated_at = now
    # SLA pause: the clock stops while waiting and restarts with the time paused added.
    if old in PAUSED_STATUSES and to_status not in PAUSED_STATUSES and ticket.sla_paused_since:
        ticket.sla_paused_minutes += sla.business_minutes_between(ticket.sla_paused_since, now)
        ticket.sla_paused_since = None
        changed += ["sla_paused_minutes", "sla_paused_since"]
        if to_status in OPEN_STATUSES:
            changed += _schedule_sla(ticket)
    elif to_status in PAUSED_STATUSES and old not in PAUSED_STATUSES:
        ticket.sla_paused_since = now
        changed.append("sla_paused_since")
    if to_status == S.WAITING_REQUESTER:
        ticket.waiting_reminder_at = sla.add_business_days(now, settings.TICKETS_WAITING_REMINDER_BUSINESS_DAYS)
        ticket.waiting_autoresolve_at = sla.add_business_days(now, settings.TICKETS_WAITING_AUTORESOLVE_BUSINESS_DAYS)
        ticket.waiting_reminded = False
        changed += ["waiting_reminder_at", "waiting_autoresolve_at", "waiting_reminded"]
    elif old == S.WAITING_REQUESTER:
        ticket.waiting_reminder_at = ticket.waiting_autoresolve_at = None
        changed += ["waiting_reminder_at", "waiting_autoresolve_at"]
    if to_status == S.RESOLVED:
        ticket.resolved_at = now
        changed.append("resolved_at")
    elif to_status == S.CLOSED:
        ticket.closed_at = now
        changed.append("closed_at")
    elif old == S.RESOLVED and to_status == S.IN_PROGRESS:
        ticket.resolved_at = None
        changed += ["resolved_at"]
    _event(ticket, actor, "status", old, to_status, at=now)
    if to_status == S.WAITING_REQUESTER:
        notify_user(
            user=ticket.requester,
            dedupe_key=f"ticket:{ticket.pk}:waiting:{now:%Y%m%d%H%M%S%f}",
            template="tickets_waiting",
            context=_context(ticket, note=note),
        )
    elif to_status == S.RESOLVED:
        notify_user(
            user=ticket.requester,
            dedupe_key=f"ticket:{ticket.pk}:resolved:{now:%Y%m%d%H%M%S%f}",
            template="tickets_resolved",
            context=_context(ticket, note=note, automatic=automatic, reopen_days=settings.TICKETS_REOPEN_WINDOW_DAYS),
        )
    return changed


def _check_may_transition(actor, ticket: Ticket, to_status: str) -> None:
    if is_agent(actor) and can_manage(actor, ticket):
        return
    if ticket.requester_id == actor.pk and (ticket.status, to_status) in REQUESTER_TRANSITIONS:
        return
    raise TransitionError(_("You may not change the status of this ticket."), code="forbidden")


@transaction.atomic
def ticket_transition(*, ticket: Ticket, actor: User, to_status: str, note: str = "") -> Ticket:
    """Change status along the transition table (a forbidden move raises TransitionError)."""
    if to_status == S.MERGED:
        raise TransitionError(_("Use merge to merge a ticket into another."), code="transition")
    ticket = _lock(ticket)
    _check_may_transition(actor, ticket, to_status)
    now = timezone.now()
    changed = _apply_status(ticket, actor, to_status, now=now, note=note)
    if note.strip():
        comment = Comment.objects.create(ticket=ticket, author=actor, body=note.strip(), created_at=now)
        ticket.search_document = _search_text(ticket.search_document, comment.body)
        changed.append("search_document")
        if actor.pk != ticket.requester_id and ticket.first_response_at is None:
            ticket.first_response_at = now
            changed.append("first_response_at")
    ticket.save(update_fields=sorted(set(changed)))
    return ticket


# Assignment, team, priority ----------------------------------------------


def _require_manage(actor, ticket: Ticket) -> None:
    if not can_manage(actor, ticket):
        raise ValidationError(_("You may not change ticket %(reference)s.") % {"reference": ticket.reference})


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> Ticket:
    ticket = _lock(ticket)
    _require_manage(actor, ticket)
    if assignee is not None and not is_agent(assignee):
        raise ValidationError(_("Only agents can be assigned tickets."))
    if assignee == ticket.assignee:
        return ticket
    now = timezone.now()
    _event(ticket, actor, "assignee", ticket.assignee or "", assignee or "", at=now)
    ticket.assignee = assignee
    ticket.updated_at = now
    changed = ["assignee", "updated_at"]
    if assignee is not None and ticket.status == S.NEW:
        changed += _apply_status(ticket, actor, S.IN_PROGRESS, now=now)
    ticket.save(update_fields=sorted(set(changed)))
    if assignee is not None and assignee != actor:
        _notify_assigned(ticket)
    return ticket


@transaction.atomic
def ticket_set_team(*, ticket: Ticket, actor: User, team: Team | None) -> Ticket:
    ticket = _lock(ticket)
    _require_manage(actor, ticket)
    if team == ticket.team:
        return ticket
    _event(ticket, actor, "team", ticket.team or "", team or "")
    ticket.team = team
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["team", "updated_at"])
    if team is not None and ticket.assignee_id is None:
        _notify_team_new(ticket)
    return ticket


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, actor: User, impact: str, urgency: str) -> Ticket:
    """Change impact and urgency; the priority and the SLA due times follow."""
    ticket = _lock(ticket)
    _require_manage(actor, ticket)
    priority = priority_for(impact=impact, urgency=urgency)
    changed = ["impact", "urgency", "priority", "updated_at"]
    if impact != ticket.impact:
        _event(ticket, actor, "impact", ticket.impact, impact)
    if urgency != ticket.urgency:
        _event(ticket, actor, "urgency", ticket.urgency, urgency)
    if priority != ticket.priority:
        _event(ticket, actor, "priority", ticket.priority, priority)
        ticket.priority = priority
        changed += _schedule_sla(ticket)
    ticket.impact, ticket.urgency, ticket.updated_at = impact, urgency, timezone.now()
    ticket.save(update_fields=sorted(set(changed)))
    return ticket


@transaction.atomic
def ticket_set_category(*, ticket: Ticket, actor: User, category: Category | None) -> Ticket:
    ticket = _lock(ticket)
    _require_manage(actor, ticket)
    if category != ticket.category:
        _event(ticket, actor, "category", ticket.category or "", category or "")
        ticket.category = category
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=["category", "updated_at"])
    return ticket


@transaction.atomic
def ticket_watch(*, ticket: Ticket, actor: User, user: User, watching: bool) -> None:
    """Add or remove a watcher (agents for anyone; a requester only themselves)."""
    if user != actor and not can_manage(actor, ticket):
        raise ValidationError(_("You may not change the watchers of this ticket."))
    if watching:
        ticket.watchers.add(user)
        _event(ticket, actor, "watcher", "", user)
    else:
        ticket.watchers.remove(user)
        _event(ticket, actor, "watcher", user, "")


@transaction.atomic
def ticket_link(*, ticket: Ticket, actor: User, other: Ticket) -> None:
    if other.pk == ticket.pk:
        raise ValidationError(_("A ticket cannot be related to itself."))
    _require_manage(actor, ticket)
    ticket.related.add(other)
    _event(ticket, actor, "related", "", other.reference)
    _event(other, actor, "related", "", ticket.reference)


@transaction.atomic
def ticket_link_asset(*, ticket: Ticket, actor: User, asset: Asset) -> None:
    """Link equipment to a ticket (agents who may change it; requesters only at opening)."""
    ticket = _lock(ticket)
    _require_manage(actor, ticket)
    if ticket.linked_assets.filter(pk=asset.pk).exists():
        raise ValidationError(_("This equipment is already linked to the ticket."), code="asset")
    ticket.linked_assets.add(asset)
    _event(ticket, actor, "asset", "", asset.tag)


@transaction.atomic
def ticket_unlink_asset(*, ticket: Ticket, actor: User, asset: Asset) -> None:
    ticket = _lock(ticket)
    _require_manage(actor, ticket)
    if not ticket.linked_assets.filter(pk=asset.pk).exists():
        raise ValidationError(_("This equipment is not linked to the ticket."), code="asset")
    ticket.linked_assets.remove(asset)
    _event(ticket, actor, "asset", asset.tag, "")


# Conversation --------------------------------------------------------------


def _store_attachment(*, ticket: Ticket, uploaded_by: User, checked, comment, internal: bool) -> Attachment:
    file, thumbnail = as_files(checked)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        uploaded_by=uploaded_by,
        is_internal=internal,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
    )
    attachment.file.save("upload", file, save=False)
    if thumbnail is not None:
        attachment.thumbnail.save("thumbnail", thumbnail, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        if attachment.thumbnail:
            attachment.thumbnail.delete(save=False)
        raise
    _event(ticket, uploaded_by, "attachment" if not internal else "internal_attachment", "", checked.original_name)
    return attachment


def _reply_may_reopen(ticket: Ticket, now: datetime) -> bool:
    window = timedelta(days=settings.TICKETS_REOPEN_WINDOW_DAYS)
    return ticket.status == S.RESOLVED and ticket.resolved_at is not None and now - ticket.resolved_at <= window


@transaction.atomic
def comment_add(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    time_spent_minutes: int = 0,
    uploads: Iterable = (),
) -> Comment:
    """Add a public reply or an internal note, with files; react to who wrote it.

    A requester's reply reopens a ticket resolved within the reopen window and
    resumes one waiting on them; on a closed ticket (or a resolved one past the
    window) it opens a new ticket linked to the old one instead.
    """
    body = (body or "").strip()
    uploads = list(uploads)
    if not body and not uploads:
        raise ValidationError(_("Write a message or attach a file."), code="empty")
    staff_author = is_agent(author) and author.pk != ticket.requester_id
    if not staff_author and author.pk != ticket.requester_id and not ticket.watchers.filter(pk=author.pk).exists():
        # A support manager reads their teams' tickets but does not write on them.
        raise ValidationError(_("Only the requester, followers and agents can reply to this ticket."), code="forbidden")
    agent = staff_author and can_manage(author, ticket)
    if staff_author and not agent and ticket.status not in FINAL_STATUSES:
        raise ValidationError(_("Only agents of this ticket's team can reply to it."), code="forbidden")
    if internal and not agent:
        raise ValidationError(_("Only agents handling this ticket can write internal notes."), code="forbidden")
    if time_spent_minutes and not agent:
        time_spent_minutes = 0
    checked = [check_upload(upload) for upload in uploads]
    ticket = _lock(ticket)
    now = timezone.now()
    from_requester = not staff_author
    if ticket.status in FINAL_STATUSES or (ticket.status == S.RESOLVED and not _reply_may_reopen(ticket, now)):
        if not from_requester or ticket.status in (S.MERGED, S.CANCELLED):
            raise ValidationError(_("This ticket is finished; it takes no more replies."), code="finished")
        follow_up = ticket_open(
            requester=ticket.requester,
            opened_by=author,
            title=(_("Follow-up: %(title)s") % {"title": ticket.title})[:200],
            description=body or ticket.title,
            category=ticket.category,
            impact=ticket.impact,
            urgency=ticket.urgency,
            kind=ticket.kind,
            uploads=uploads,
            follow_up_of=ticket,
        )
        return Comment(ticket=follow_up, author=author, body=body, created_at=now)

    comment = Comment.objects.create(
        ticket=ticket,
        author=author,
        body=body,
        is_internal=internal,
        time_spent_minutes=max(int(time_spent_minutes or 0), 0),
        created_at=now,
    )
    for item in checked:
        _store_attachment(ticket=ticket, uploaded_by=author, checked=item, comment=comment, internal=internal)
    changed = ["updated_at", "search_document"]
    ticket.updated_at = now
    ticket.search_document = _search_text(ticket.search_document, body)
    if comment.time_spent_minutes:
        ticket.time_spent_minutes += comment.time_spent_minutes
        changed.append("time_spent_minutes")
        _event(ticket, author, "time_spent", "", comment.time_spent_minutes, at=now)

    if from_requester:
        if ticket.status in (S.RESOLVED, S.WAITING_REQUESTER):
            changed += _apply_status(ticket, author, S.IN_PROGRESS, now=now)
    elif not internal and ticket.first_response_at is None:
        ticket.first_response_at = now
        changed.append("first_response_at")
    ticket.save(update_fields=sorted(set(changed)))

    if internal:
        return comment
    context = _context(ticket, author=author.get_full_name() or author.email, body=body)
    if from_requester:
        if ticket.assignee_id and ticket.assignee_id != author.pk:
            _notify_agent(
                ticket.assignee,
                NotificationKind.REQUESTER_REPLY,
                dedupe_key=f"ticket:{ticket.pk}:comment:{comment.pk}:assignee",
                template="tickets_requester_reply",
                context=context,
            )
    elif ticket.requester_id != author.pk:
        notify_user(
            user=ticket.requester,
            dedupe_key=f"ticket:{ticket.pk}:comment:{comment.pk}:requester",
            template="tickets_reply",
            context=context,
        )
    skip = {author.pk, ticket.requester_id, ticket.assignee_id if from_requester else None}
    for watcher in ticket.watchers.exclude(pk__in=[pk for pk in skip if pk]):
        _notify_agent(
            watcher,
            NotificationKind.WATCHED,
            dedupe_key=f"ticket:{ticket.pk}:comment:{comment.pk}:watcher:{watcher.pk}",
            template="tickets_watcher_activity",
            context=context,
        )
    return comment


@transaction.atomic
def attachment_add(*, ticket: Ticket, uploaded_by: User, upload, internal: bool = False) -> Attachment:
    """Attach a file to a ticket outside a reply (API)."""
    agent = can_manage(uploaded_by, ticket)
    if internal and not agent:
        raise ValidationError(_("Only agents handling this ticket can add internal files."), code="forbidden")
    if ticket.status in FINAL_STATUSES:
        raise ValidationError(_("This ticket is finished; it takes no more files."), code="finished")
    checked = check_upload(upload)
    ticket = _lock(ticket)
    attachment = _store_attachment(
        ticket=ticket, uploaded_by=uploaded_by, checked=checked, comment=None, internal=internal
    )
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["updated_at"])
    return attachment


# Merge -------------------------------------------------------------------


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User) -> Ticket:
    """Merge ``source`` into ``target``: its conversation and files move, a pointer stays."""
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."))
    # Lock both in id order so that two opposite merges cannot deadlock.
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    _require_manage(actor, source)
    if target.status not in FINAL_STATUSES:
        _require_manage(actor, target)
    if target.status in FINAL_STATUSES:
        raise ValidationError(
            _("Ticket %(reference)s is finished; merge into an open ticket.") % {"reference": target.reference}
        )
    now = timezone.now()
    moved_comments = Comment.objects.filter(ticket=source).update(ticket=target)
    moved_files = Attachment.objects.filter(ticket=source).update(ticket=target)
    changed = _apply_status(source, actor, S.MERGED, now=now)
    source.merged_into = target
    source.save(update_fields=sorted({*changed, "merged_into"}))
    # The source's requester keeps following the conversation on the target.
    target.watchers.add(source.requester_id)
    target.related.add(source)
    target.search_document = _search_text(target.search_document, source.search_document)
    target.time_spent_minutes += source.time_spent_minutes
    target.updated_at = now
    target.save(update_fields=["search_document", "time_spent_minutes", "updated_at"])
    _event(source, actor, "merged_into", "", target.reference, at=now)
    _event(target, actor, "merged_from", "", f"{source.reference} ({moved_comments}/{moved_files})", at=now)
    return target


# Bulk --------------------------------------------------------------------

BULK_ACTIONS = ("assign", "team", "status", "priority")


def ticket_bulk_update(*, actor: User, ticket_ids: Iterable[int], action: str, value) -> tuple[list[str], list[str]]:
    """Apply one action to many tickets, each checked and changed on its own.

    Returns (references changed, references refused). One refusal does not
    undo the others: each ticket is its own transaction.
    """
    if action not in BULK_ACTIONS:
        raise ValidationError(_("Unknown bulk action."))
    done, refused = [], []
    for ticket in Ticket.objects.filter(pk__in=list(ticket_ids)).order_by("pk"):
        if not can_manage(actor, ticket):
            refused.append(ticket.reference)
            continue
        try:
            if action == "assign":
                ticket_assign(ticket=ticket, actor=actor, assignee=value)
            elif action == "team":
                ticket_set_team(ticket=ticket, actor=actor, team=value)
            elif action == "status":
                ticket_transition(ticket=ticket, actor=actor, to_status=value)
            else:
                impact, urgency = value
                ticket_set_priority(ticket=ticket, actor=actor, impact=impact, urgency=urgency)
        except ValidationError:
            refused.append(ticket.reference)
        else:
            done.append(ticket.reference)
    return done, refused


@transaction.atomic
def preference_update(*, user: User, muted: list[str], available: bool) -> AgentPreference:
    muted = sorted({kind for kind in muted if kind in NotificationKind.values})
    preference, _created = AgentPreference.objects.update_or_create(
        user=user, defaults={"muted": muted, "available": available}
    )
    return preference
