"""Survey workflows: one function per action, one transaction each."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icity.models import User
from icity.outbox import notify_user
from tickets.models import Status as TicketStatus
from tickets.models import Team, Ticket

from .audiences import get_audience
from .models import (
    Answer,
    Campaign,
    Choice,
    CsatFollowUp,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    TicketRating,
)

TEXT_MAX_LENGTH = 5000


class InvitationUnusable(Exception):
    """A token that cannot be used (any more); ``reason`` picks the page shown."""

    MESSAGES = {
        "unknown": gettext_lazy("This survey link is not valid."),
        "answered": gettext_lazy("You have already answered this survey. Thank you!"),
        "opted_out": gettext_lazy("You chose not to take part in this survey."),
        "not_open": gettext_lazy("This survey is not open yet."),
        "closed": gettext_lazy("This survey is closed."),
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


# --- Survey definitions ---------------------------------------------------


def survey_is_locked(survey: Survey) -> bool:
    """A survey that has been sent keeps its questions: answers point at them."""
    return survey.campaigns.exclude(status=Campaign.Status.DRAFT).exists()


@transaction.atomic
def question_add(
    *,
    section: Section,
    kind: str,
    required: bool,
    texts: dict[str, str],
    choices: list[dict[str, str]] | None = None,
) -> Question:
    """Add a question at the end of a section, with its choices for choice questions."""
    Section.objects.select_for_update().get(pk=section.pk)  # positions are assigned one at a time
    if survey_is_locked(section.survey):
        raise ValidationError(_("This survey has been sent: copy it to change it."))
    if kind not in Question.Kind.values:
        raise ValidationError(_("Unknown question type."))
    choices = choices or []
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(choices) < 2:
        raise ValidationError(_("A choice question needs at least two choices."))
    last = section.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = Question.objects.create(
        section=section,
        position=last + 1,
        kind=kind,
        required=required,
        text_fr=texts["fr"],
        text_nl=texts["nl"],
        text_en=texts.get("en", ""),
    )
    if question.has_choices:
        Choice.objects.bulk_create(
            Choice(
                question=question,
                position=index,
                label_fr=choice["fr"],
                label_nl=choice["nl"],
                label_en=choice.get("en", ""),
            )
            for index, choice in enumerate(choices, start=1)
        )
    return question


@transaction.atomic
def survey_create(*, texts: dict[str, str], sections: list[dict], by=None) -> Survey:
    """A survey with its sections, questions and choices, all or nothing.

    ``texts`` holds title_fr/nl/en and intro_fr/nl/en; each section has
    ``title_fr/nl/en`` and ``questions`` (kind, required, text_fr/nl/en,
    choices: [{"label_fr", "label_nl", "label_en"}]).
    """
    survey = Survey.objects.create(
        **{key: texts.get(key, "") for key in ("title_fr", "title_nl", "title_en", "intro_fr", "intro_nl", "intro_en")},
        created_by=by,
    )
    for section_data in sections:
        section = section_add(
            survey=survey,
            titles={language: section_data.get(f"title_{language}", "") for language in ("fr", "nl", "en")},
            key=section_data.get("key", ""),
        )
        for question_data in section_data.get("questions", []):
            question_add(
                section=section,
                kind=question_data["kind"],
                required=question_data.get("required", True),
                texts={language: question_data.get(f"text_{language}", "") for language in ("fr", "nl", "en")},
                choices=[
                    {language: choice.get(f"label_{language}", "") for language in ("fr", "nl", "en")}
                    for choice in question_data.get("choices", [])
                ],
            )
    return survey


@transaction.atomic
def survey_copy(*, survey: Survey, by) -> Survey:
    """A new survey with the same sections, questions and choices.

    Copied questions remember their source, so that a campaign on the copy can
    be compared with a campaign on the original.
    """
    copy = Survey.objects.create(
        title_fr=_copy_title(survey.title_fr, "fr"),
        title_nl=_copy_title(survey.title_nl, "nl"),
        title_en=_copy_title(survey.title_en, "en") if survey.title_en else "",
        intro_fr=survey.intro_fr,
        intro_nl=survey.intro_nl,
        intro_en=survey.intro_en,
        copied_from=survey,
        created_by=by,
    )
    sections = survey.sections.order_by("position").prefetch_related("questions__choices")
    for section in sections:
        new_section = Section.objects.create(
            survey=copy,
            position=section.position,
            title_fr=section.title_fr,
            title_nl=section.title_nl,
            title_en=section.title_en,
            key=section.key,
        )
        for question in section.questions.all():
            new_question = Question.objects.create(
                section=new_section,
                position=question.position,
                kind=question.kind,
                required=question.required,
                text_fr=question.text_fr,
                text_nl=question.text_nl,
                text_en=question.text_en,
                copied_from=question,
            )
            Choice.objects.bulk_create(
                Choice(
                    question=new_question,
                    position=choice.position,
                    label_fr=choice.label_fr,
                    label_nl=choice.label_nl,
                    label_en=choice.label_en,
                )
                for choice in question.choices.all()
            )
    return copy


@transaction.atomic
def section_add(*, survey: Survey, titles: dict[str, str], key: str = "") -> Section:
    Survey.objects.select_for_update().get(pk=survey.pk)  # positions are assigned one at a time
    if survey_is_locked(survey):
        raise ValidationError(_("This survey has been sent: copy it to change it."))
    last = survey.sections.order_by("-position").values_list("position", flat=True).first() or 0
    return Section.objects.create(
        survey=survey,
        position=last + 1,
        title_fr=titles["fr"],
        title_nl=titles["nl"],
        title_en=titles.get("en", ""),
        key=key,
    )


def _copy_title(title: str, language: str) -> str:
    suffix = {"fr": " (copie)", "nl": " (kopie)", "en": " (copy)"}[language]
    return (title + suffix)[:200]


# --- Campaigns ------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    survey: Survey,
    name: str,
    audience_kind: str,
    audience_params: dict,
    opens_at: datetime,
    closes_at: datetime,
    anonymous: bool,
    min_group_size: int = 5,
    reminder_after_days: int = 7,
    max_reminders: int = 2,
    previous: Campaign | None = None,
    by=None,
) -> Campaign:
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The closing date must be after the opening date.")})
    if min_group_size < 2:
        raise ValidationError({"min_group_size": _("The minimum group size must be at least 2.")})
    try:
        params = get_audience(audience_kind).clean(audience_params)
    except ValidationError as error:
        raise ValidationError({"audience_params": error.messages}) from None
    return Campaign.objects.create(
        survey=survey,
        name=name,
        audience_kind=audience_kind,
        audience_params=params,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        min_group_size=min_group_size,
        reminder_after_days=reminder_after_days,
        max_reminders=max_reminders,
        previous=previous,
        created_by=by,
    )


@transaction.atomic
def campaign_launch(*, campaign: Campaign, now: datetime | None = None) -> int:
    """Open a draft campaign: one invitation per person in the audience.

    The emails go out in batches from the sweep (``campaigns_sweep``), once
    the opening date has come. Returns the number of invitations.
    """
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("Only a draft campaign can be launched."))
    if campaign.closes_at <= now:
        raise ValidationError(_("The closing date has passed."))
    if not Question.objects.filter(section__survey_id=campaign.survey_id).exists():
        raise ValidationError(_("The survey has no question."))
    users = get_audience(campaign.audience_kind).users(campaign.audience_params)
    Invitation.objects.bulk_create(
        (Invitation(campaign=campaign, user_id=user_id) for user_id in users.values_list("id", flat=True)),
        batch_size=1000,
        ignore_conflicts=True,
    )
    campaign.status = Campaign.Status.OPEN
    campaign.launched_at = now
    campaign.save(update_fields=["status", "launched_at"])
    return campaign.invitations.count()


@transaction.atomic
def campaign_close(*, campaign: Campaign, now: datetime | None = None) -> Campaign:
    """Stop answers and reminders; unfinished drafts are discarded."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        return campaign
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = now
    if campaign.closes_at > now:
        campaign.closes_at = max(now, campaign.opens_at + timedelta(seconds=1))
    campaign.save(update_fields=["status", "closed_at", "closes_at"])
    campaign.invitations.exclude(draft={}).update(draft={})
    return campaign


@dataclass
class SweepResult:
    invited: int = 0
    reminded: int = 0
    closed: int = 0


def campaigns_sweep(*, now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """What is due now: close expired campaigns, send invitations and reminders.

    Safe to run twice at once: rows are claimed with SKIP LOCKED and every
    message has a dedupe key (one per invitation, one per reminder number).
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.SURVEYS_INVITATION_BATCH
    result = SweepResult()
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN, closes_at__lte=now):
        campaign_close(campaign=campaign, now=now)
        result.closed += 1
    open_campaigns = Campaign.objects.filter(status=Campaign.Status.OPEN, opens_at__lte=now, closes_at__gt=now)
    for campaign in open_campaigns:
        result.invited += _send_invitations(campaign=campaign, now=now, batch_size=batch_size)
        result.reminded += _send_reminders(campaign=campaign, now=now, batch_size=batch_size)
    return result


def _message_context(invitation: Invitation, campaign: Campaign) -> dict:
    language = invitation.user.language
    return {
        "survey_title": campaign.survey.title_in(language),
        "campaign_name": campaign.name,
        "answer_url": settings.SITE_URL + reverse("surveys:answer", args=[invitation.token]),
        "opt_out_url": settings.SITE_URL + reverse("surveys:opt-out", args=[invitation.token]),
        "closes_on": timezone.localtime(campaign.closes_at).strftime("%d/%m/%Y"),
        "anonymous": campaign.anonymous,
    }


@transaction.atomic
def _send_invitations(*, campaign: Campaign, now: datetime, batch_size: int) -> int:
    batch = list(
        Invitation.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(campaign=campaign, sent_at__isnull=True, status=Invitation.Status.PENDING, user__is_active=True)
        .order_by("id")[:batch_size]
    )
    for invitation in batch:
        notify_user(
            user=invitation.user,
            dedupe_key=f"survey-invitation:{invitation.pk}",
            template="surveys_invitation",
            context=_message_context(invitation, campaign),
        )
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in batch]).update(sent_at=now)
    return len(batch)


@transaction.atomic
def _send_reminders(*, campaign: Campaign, now: datetime, batch_size: int) -> int:
    due_before = now - timedelta(days=campaign.reminder_after_days)
    batch = list(
        Invitation.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .annotate(last_contact=Coalesce("last_reminded_at", "sent_at"))
        .filter(
            campaign=campaign,
            status=Invitation.Status.PENDING,
            user__is_active=True,
            sent_at__isnull=False,
            reminders_sent__lt=campaign.max_reminders,
            last_contact__lte=due_before,
        )
        .order_by("id")[:batch_size]
    )
    for invitation in batch:
        number = invitation.reminders_sent + 1
        notify_user(
            user=invitation.user,
            dedupe_key=f"survey-invitation:{invitation.pk}:reminder-{number}",
            template="surveys_reminder",
            context=_message_context(invitation, campaign),
        )
        invitation.reminders_sent = number
        invitation.last_reminded_at = now
        invitation.save(update_fields=["reminders_sent", "last_reminded_at"])
    return len(batch)


# --- Answering ------------------------------------------------------------


def invitation_for_token(token: str, *, lock: bool = False, now: datetime | None = None) -> Invitation:
    """The usable invitation behind a token, or ``InvitationUnusable`` saying why not."""
    now = now or timezone.now()
    queryset = Invitation.objects.select_related("campaign__survey", "user")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token=token).first() if token and len(token) <= 64 else None
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.status == Invitation.Status.ANSWERED:
        raise InvitationUnusable("answered")
    if invitation.status == Invitation.Status.OPTED_OUT:
        raise InvitationUnusable("opted_out")
    campaign = invitation.campaign
    if campaign.status == Campaign.Status.CLOSED or now >= campaign.closes_at:
        raise InvitationUnusable("closed")
    if campaign.status != Campaign.Status.OPEN or now < campaign.opens_at:
        raise InvitationUnusable("not_open")
    return invitation


def survey_questions(survey: Survey) -> list[Section]:
    """Sections in order, each with ``question_list`` (and their choices) loaded."""
    sections = list(survey.sections.order_by("position"))
    questions = Question.objects.filter(section__survey=survey).order_by("section_id", "position")
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question__section__survey=survey).order_by("position"):
        choices.setdefault(choice.question_id, []).append(choice)
    by_section: dict[int, list[Question]] = {}
    for question in questions:
        question.choice_list = choices.get(question.pk, [])
        by_section.setdefault(question.section_id, []).append(question)
    for section in sections:
        section.question_list = by_section.get(section.pk, [])
    return sections


def clean_answer(question: Question, raw, *, partial: bool = False) -> tuple[object, str | None]:
    """Turn one submitted value into what the draft stores, or an error message.

    ``partial`` (saving for later, going back) accepts missing answers.
    """
    required = question.required and not partial
    if isinstance(raw, list) and question.kind != Question.Kind.MULTIPLE:
        raw = raw[0] if raw else None
    if raw in (None, "", []):
        return None, (_("Please answer this question.") if required else None)
    if question.is_scored:
        low, high = question.scale[0], question.scale[-1]
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            return None, _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
        return value, None
    if question.kind == Question.Kind.TEXT:
        text = str(raw).strip()
        if len(text) > TEXT_MAX_LENGTH:
            return None, _("Please keep your answer under %(max)s characters.") % {"max": TEXT_MAX_LENGTH}
        if not text:
            return None, (_("Please answer this question.") if required else None)
        return text, None
    valid = {choice.pk for choice in question.choice_list}
    values = raw if isinstance(raw, list) else [raw]
    try:
        picked = sorted({int(value) for value in values})
    except (TypeError, ValueError):
        picked = [None]
    if not picked or any(value not in valid for value in picked):
        return None, _("Choose one of the proposed answers.")
    if question.kind == Question.Kind.SINGLE:
        if len(picked) != 1:
            return None, _("Choose only one answer.")
        return picked[0], None
    return picked, None


def clean_answers(
    questions: list[Question], raw: dict, *, partial: bool = False
) -> tuple[dict[str, object], dict[str, str]]:
    if not isinstance(raw, dict):
        raw = {}
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        value, error = clean_answer(question, raw.get(str(question.pk)), partial=partial)
        if error:
            errors[str(question.pk)] = error
        elif value is not None:
            values[str(question.pk)] = value
    return values, errors


@transaction.atomic
def invitation_save_section(*, token: str, section: Section, raw: dict, partial: bool = False) -> dict[str, str]:
    """Store one page's answers in the draft. Returns errors (nothing saved if any)."""
    invitation = invitation_for_token(token, lock=True)
    questions = section.question_list
    values, errors = clean_answers(questions, raw, partial=partial)
    if errors:
        return errors
    draft = {key: value for key, value in invitation.draft.items() if key not in {str(q.pk) for q in questions}}
    draft.update(values)
    invitation.draft = draft
    invitation.save(update_fields=["draft"])
    return {}


@transaction.atomic
def response_submit(*, token: str, raw: dict | None = None, now: datetime | None = None) -> Response:
    """Store the answers and use up the invitation, in one transaction.

    ``raw`` (API) replaces the draft; the HTML pages build the draft page by
    page and submit it. For an anonymous campaign the response gets no user,
    no invitation and only the date, so it cannot be linked back.
    """
    now = now or timezone.now()
    invitation = invitation_for_token(token, lock=True, now=now)
    campaign = invitation.campaign
    sections = survey_questions(campaign.survey)
    questions = [question for section in sections for question in section.question_list]
    values, errors = clean_answers(questions, invitation.draft if raw is None else raw)
    if errors:
        raise ValidationError(errors)
    user = invitation.user
    response = Response.objects.create(
        campaign=campaign,
        anonymous=campaign.anonymous,
        user=None if campaign.anonymous else user,
        department_id=user.department_id,
        language="" if campaign.anonymous else (user.language or "")[:2],
        submitted_on=None if campaign.anonymous else timezone.localdate(now),
    )
    rows = []
    for question in questions:
        value = values.get(str(question.pk))
        if value is None:
            continue
        common = {"response": response, "campaign": campaign, "department_id": user.department_id}
        if question.is_scored:
            rows.append(Answer(question=question, number=value, **common))
        elif question.kind == Question.Kind.TEXT:
            rows.append(Answer(question=question, text=value, **common))
        else:
            for choice_id in value if isinstance(value, list) else [value]:
                rows.append(Answer(question=question, choice_id=choice_id, **common))
    Answer.objects.bulk_create(rows)
    invitation.status = Invitation.Status.ANSWERED
    invitation.draft = {}
    invitation.save(update_fields=["status", "draft"])
    return response


@transaction.atomic
def invitation_opt_out(*, token: str) -> Invitation:
    """No more reminders for this campaign; the link stops working."""
    invitation = invitation_for_token(token, lock=True)
    invitation.status = Invitation.Status.OPTED_OUT
    invitation.draft = {}
    invitation.save(update_fields=["status", "draft"])
    return invitation


# --- Post-ticket CSAT -----------------------------------------------------


class CsatUnusable(Exception):
    """A CSAT link that cannot be used (any more); ``reason`` picks the page shown."""

    MESSAGES = {
        "unknown": gettext_lazy("This rating link is not valid."),
        "answered": gettext_lazy("You have already rated this ticket. Thank you!"),
        "expired": gettext_lazy("This rating link has expired."),
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


def csat_in_sample(ticket_id: int, percent: int) -> bool:
    """Deterministic sampling: the same ticket always gets the same answer."""
    digest = hashlib.sha256(f"csat:{ticket_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


@dataclass
class CsatSweepResult:
    invited: int = 0
    skipped: int = 0


def csat_sweep(*, now: datetime | None = None, batch_size: int | None = None) -> CsatSweepResult:
    """Consider tickets closed at least the delay ago that were never considered.

    Each ticket gets one ``TicketRating`` row (unique on ticket): invited, or
    skipped (not in the sample, or its requester was asked within the repeat
    interval). A ticket is therefore considered once, whatever runs twice.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.SURVEYS_CSAT_DELAY_HOURS)
    horizon = cutoff - timedelta(days=settings.SURVEYS_CSAT_MAX_AGE_DAYS)
    tickets = list(
        Ticket.objects.filter(
            status=TicketStatus.CLOSED, closed_at__lte=cutoff, closed_at__gt=horizon, csat_rating__isnull=True
        )
        .select_related("requester")
        .order_by("closed_at", "id")[: batch_size or settings.SURVEYS_CSAT_BATCH]
    )
    result = CsatSweepResult()
    for ticket in tickets:
        status = ticket_rating_consider(ticket=ticket, now=now)
        if status == TicketRating.Status.INVITED:
            result.invited += 1
        elif status is not None:  # None: an overlapping sweep decided it first; not ours to count
            result.skipped += 1
    return result


@transaction.atomic
def ticket_rating_consider(*, ticket: Ticket, now: datetime | None = None) -> str | None:
    """Decide for one closed ticket: invite its requester or skip. Returns the status (None if done before)."""
    now = now or timezone.now()
    # The requester's row serialises decisions for one person (two sweeps, two tickets).
    requester = User.objects.select_for_update().get(pk=ticket.requester_id)
    if TicketRating.objects.filter(ticket=ticket).exists():
        return None
    status = TicketRating.Status.INVITED
    if (
        not csat_in_sample(ticket.pk, settings.SURVEYS_CSAT_SAMPLING_PERCENT)
        or not requester.is_active
        or not requester.email
    ):
        status = TicketRating.Status.NOT_SAMPLED
    elif TicketRating.objects.filter(
        requester=requester, invited_at__gt=now - timedelta(days=settings.SURVEYS_CSAT_REPEAT_DAYS)
    ).exists():
        status = TicketRating.Status.RECENTLY_ASKED
    rating = TicketRating(
        ticket=ticket,
        requester=requester,
        team_id=ticket.team_id,
        category_id=ticket.category_id,
        agent_id=ticket.assignee_id,
        status=status,
        considered_at=now,
    )
    if status == TicketRating.Status.INVITED:
        rating.token = TicketRating.new_token()
        rating.invited_at = now
        rating.expires_at = now + timedelta(days=settings.SURVEYS_CSAT_VALID_DAYS)
    rating.save()
    if status == TicketRating.Status.INVITED:
        notify_user(
            user=requester,
            dedupe_key=f"csat:{ticket.pk}",
            template="surveys_csat_invitation",
            context={
                "reference": ticket.reference,
                "ticket_title": ticket.title,
                "rate_url": settings.SITE_URL + reverse("surveys:csat", args=[rating.token]),
                "valid_until": timezone.localtime(rating.expires_at).strftime("%d/%m/%Y"),
            },
        )
    return status


def ticket_rating_for_token(token: str, *, lock: bool = False, now: datetime | None = None) -> TicketRating:
    """The rating invitation behind a token, or ``CsatUnusable`` saying why it cannot be used."""
    now = now or timezone.now()
    queryset = TicketRating.objects.select_related("ticket", "requester")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    rating = queryset.filter(token=token).first() if token and len(token) <= 64 else None
    if rating is None:
        raise CsatUnusable("unknown")
    if rating.status == TicketRating.Status.ANSWERED:
        raise CsatUnusable("answered")
    if rating.status != TicketRating.Status.INVITED:
        raise CsatUnusable("unknown")
    if now >= rating.expires_at:
        raise CsatUnusable("expired")
    return rating


COMMENT_MAX_LENGTH = 2000


@transaction.atomic
def ticket_rating_submit(*, token: str, rating: int, comment: str = "", now: datetime | None = None) -> TicketRating:
    """Store the rating (1-5) and use up the link; 1 or 2 opens a follow-up for the team lead."""
    now = now or timezone.now()
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}}
        )
    row = ticket_rating_for_token(token, lock=True, now=now)
    row.rating = rating
    row.comment = comment
    row.answered_at = now
    row.status = TicketRating.Status.ANSWERED
    row.save(update_fields=["rating", "comment", "answered_at", "status"])
    if rating <= 2:
        _follow_up_open(row=row, now=now)
    return row


def _follow_up_open(*, row: TicketRating, now: datetime) -> CsatFollowUp:
    team = Team.objects.select_related("lead").filter(pk=row.team_id).first()
    lead = team.lead if team else None
    follow_up, created = CsatFollowUp.objects.get_or_create(
        ticket_id=row.ticket_id, defaults={"rating": row, "team": team, "lead": lead, "created_at": now}
    )
    if created and lead is not None and lead.is_active and lead.email:
        notify_user(
            user=lead,
            dedupe_key=f"csat:{row.ticket_id}:follow-up",
            template="surveys_csat_follow_up",
            context={
                "reference": row.ticket.reference,
                "ticket_title": row.ticket.title,
                "rating": row.rating,
                "comment": row.comment,
                "team": team.name,
                "follow_up_url": settings.SITE_URL + reverse("surveys:follow-up-detail", args=[follow_up.pk]),
            },
        )
    return follow_up


@transaction.atomic
def csat_follow_up_close(*, follow_up: CsatFollowUp, by, note: str, now: datetime | None = None) -> CsatFollowUp:
    """The team lead (or a manager) records what was done and closes the follow-up."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done before closing.")})
    if len(note) > COMMENT_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note under %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}})
    locked = CsatFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.status == CsatFollowUp.Status.CLOSED:
        raise ValidationError(_("This follow-up is already closed."))
    locked.status = CsatFollowUp.Status.CLOSED
    locked.closed_at = now
    locked.closed_by = by
    locked.note = note
    locked.save(update_fields=["status", "closed_at", "closed_by", "note"])
    return locked
