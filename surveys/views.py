from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from icity.models import Department
from icity.roles import Role, has_role, role_required
from icity.text import is_id

from . import exports, services
from .csat_results import DIMENSION_LABELS, MAX_MONTHS, csat_over_time
from .forms import (
    CampaignForm,
    CommentFilterForm,
    CsatRatingForm,
    FollowUpCloseForm,
    QuestionForm,
    ResultsFilterForm,
    SectionForm,
    SurveyForm,
)
from .models import Campaign, CsatFollowUp, Question, Section, Survey
from .results import HiddenDepartment, comments_queryset, department_key, visible_department_ids
from .results import campaign_results as compute_results

PAGE_SIZE = 25


def _campaigns_with_counts():
    return Campaign.objects.select_related("survey").with_counts()


def _get_survey(request, pk: int) -> Survey:
    # Every manager runs surveys for the whole department: no finer scoping.
    return get_object_or_404(Survey, pk=pk)


def _get_campaign(request, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("survey", "previous"), pk=pk)


def manager_panel(request) -> dict:
    campaigns = list(
        _campaigns_with_counts()
        .filter(status__in=[Campaign.Status.OPEN, Campaign.Status.CLOSED])
        .order_by("-opens_at")[:5]
    )
    for campaign in campaigns:
        campaign.rate = round(100 * campaign.answered / campaign.invited, 1) if campaign.invited else None
    return {"survey_campaigns": campaigns}


# --- Manager pages --------------------------------------------------------


@role_required(Role.MANAGER)
def dashboard(request):
    campaigns = Paginator(_campaigns_with_counts().order_by("-opens_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for campaign in campaigns:
        campaign.rate = round(100 * campaign.answered / campaign.invited, 1) if campaign.invited else None
    surveys = Survey.objects.annotate(campaign_count=Count("campaigns")).order_by("-created_at")[:PAGE_SIZE]
    return render(request, "surveys/dashboard.html", {"campaigns": campaigns, "surveys": surveys})


@role_required(Role.MANAGER)
def survey_list(request):
    surveys = Paginator(
        Survey.objects.annotate(campaign_count=Count("campaigns")).order_by("-created_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "surveys/survey_list.html", {"surveys": surveys})


@role_required(Role.MANAGER)
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = form.save(commit=False)
        survey.created_by = request.user
        survey.save()
        messages.success(request, _("Survey created. Add its sections and questions."))
        return redirect(survey)
    return render(request, "surveys/survey_form.html", {"form": form})


@role_required(Role.MANAGER)
def survey_detail(request, pk: int):
    survey = _get_survey(request, pk)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "sections": services.survey_questions(survey),
            "locked": services.survey_is_locked(survey),
            "section_form": SectionForm(),
            "preview_languages": settings.LANGUAGES,
        },
    )


@role_required(Role.MANAGER)
@require_POST
def section_add(request, pk: int):
    survey = _get_survey(request, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(survey=survey, titles=form.titles())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(survey)
        messages.success(request, _("Section added."))
        return redirect(survey)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "sections": services.survey_questions(survey),
            "locked": services.survey_is_locked(survey),
            "section_form": form,
            "preview_languages": settings.LANGUAGES,
        },
        status=400,
    )


@role_required(Role.MANAGER)
def question_add(request, pk: int):
    section = get_object_or_404(Section.objects.select_related("survey"), pk=pk)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_add(
                    section=section,
                    kind=form.cleaned_data["kind"],
                    required=form.cleaned_data["required"],
                    texts=form.texts(),
                    choices=form.cleaned_data["choices"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Question added."))
                return redirect(section.survey)
        status = 400
    return render(request, "surveys/question_form.html", {"form": form, "section": section}, status=status)


@role_required(Role.MANAGER)
@require_POST
def survey_copy(request, pk: int):
    copy = services.survey_copy(survey=_get_survey(request, pk), by=request.user)
    messages.success(request, _("Survey copied. You can now change the copy."))
    return redirect(copy)


@role_required(Role.MANAGER)
def survey_preview(request, pk: int, language: str):
    survey = _get_survey(request, pk)
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        sections = services.survey_questions(survey)
        _localise(sections, language)
        return render(
            request,
            "surveys/preview.html",
            {
                "survey": survey,
                "survey_title": survey.title_in(language),
                "intro": survey.intro_in(language),
                "sections": sections,
                "preview_language": language,
                "preview_languages": settings.LANGUAGES,
            },
        )


@role_required(Role.MANAGER)
def campaign_create(request):
    initial = {}
    if is_id(request.GET.get("survey", "")):
        initial["survey"] = request.GET["survey"]
    form = CampaignForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    survey=data["survey"],
                    name=data["name"],
                    audience_kind=data["audience_kind"],
                    audience_params=form.audience_params(),
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    anonymous=data["anonymous"],
                    min_group_size=data["min_group_size"],
                    reminder_after_days=data["reminder_after_days"],
                    max_reminders=data["max_reminders"],
                    previous=data["previous"],
                    by=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    if field == "audience_params":
                        field = {
                            Campaign.AudienceKind.TICKET_REQUESTERS: "tickets_from",
                            Campaign.AudienceKind.EQUIPMENT_HOLDERS: "equipment_categories",
                        }.get(data["audience_kind"], "departments")
                    form.add_error(field, errors)
            else:
                messages.success(request, _("Campaign created as a draft. Launch it when ready."))
                return redirect(campaign)
        status = 400
    return render(request, "surveys/campaign_form.html", {"form": form}, status=status)


@role_required(Role.MANAGER)
def campaign_detail(request, pk: int):
    campaign = _get_campaign(request, pk)
    counts = dict(campaign.invitations.values_list("status").annotate(n=Count("*")).order_by())
    invited = sum(counts.values())
    sent = campaign.invitations.filter(sent_at__isnull=False).count()
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "invited": invited,
            "sent": sent,
            "answered": counts.get("answered", 0),
            "opted_out": counts.get("opted_out", 0),
            "rate": round(100 * counts.get("answered", 0) / invited, 1) if invited else None,
        },
    )


@role_required(Role.MANAGER)
@require_POST
def campaign_launch(request, pk: int):
    campaign = _get_campaign(request, pk)
    try:
        count = services.campaign_launch(campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Campaign launched: %(count)s invitations will be sent.") % {"count": count})
    return redirect(campaign)


@role_required(Role.MANAGER)
@require_POST
def campaign_close(request, pk: int):
    campaign = services.campaign_close(campaign=_get_campaign(request, pk))
    messages.success(request, _("Campaign closed."))
    return redirect(campaign)


@role_required(Role.MANAGER)
def campaign_results(request, pk: int):
    campaign = _get_campaign(request, pk)
    status = 200
    try:
        results = compute_results(campaign, department=department_key(request.GET.get("department", "")))
    except HiddenDepartment:
        # Not one of the departments shown (too small, or no such department): the whole campaign instead.
        results, status = compute_results(campaign), 400
    form = ResultsFilterForm(request.GET or None, departments=results.visible_departments)
    form.is_valid()
    return render(
        request, "surveys/results.html", {"campaign": campaign, "results": results, "form": form}, status=status
    )


@role_required(Role.MANAGER)
def campaign_comments(request, pk: int):
    campaign = _get_campaign(request, pk)
    text_questions = list(
        Question.objects.filter(section__survey_id=campaign.survey_id, kind=Question.Kind.TEXT).order_by(
            "section__position", "position"
        )
    )
    form = CommentFilterForm(request.GET or None, questions=text_questions)
    question_id, search = None, ""
    if form.is_valid():
        question_id, search = form.cleaned_data["question"], form.cleaned_data["q"]
    comments = Paginator(comments_queryset(campaign, question_id=question_id, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = visible_department_ids(campaign)
    names = {department.pk: department.name for department in _departments(shown)}
    for comment in comments:
        comment.department_label = names.get(comment.department_id, "") if comment.department_id in shown else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/comments.html",
        {"campaign": campaign, "form": form, "comments": comments, "query": query.urlencode()},
    )


def _departments(ids):
    return Department.objects.filter(pk__in=[pk for pk in ids if pk])


@role_required(Role.MANAGER)
def campaign_export(request, pk: int, fmt: str):
    campaign = _get_campaign(request, pk)
    if fmt == "csv":
        return exports.responses_csv(campaign)
    if fmt == "xlsx":
        return exports.responses_xlsx(campaign)
    raise Http404


@role_required(Role.MANAGER)
def campaign_comments_export(request, pk: int):
    return exports.comments_csv(_get_campaign(request, pk))


# --- Answering by token (no login) ----------------------------------------


def keep_tokens_out_of_logs(view):
    """Django logs every 4xx response with its path; here the path holds the
    token, and a log line saying when a token was refused or corrected would
    help link people to answers. Mark these responses as already logged."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._has_been_logged = True
        return response

    return wrapped


def _localise(sections, language: str) -> None:
    for section in sections:
        section.label = section.title_in(language)
        for question in section.question_list:
            question.label = question.text_in(language)
            for choice in question.choice_list:
                choice.label_text = choice.label_in(language)


def _unusable(request, error: services.InvitationUnusable):
    status = 404 if error.reason == "unknown" else 410
    return render(
        request, "surveys/answer_unusable.html", {"reason": error.reason, "message": error.message}, status=status
    )


def _answer_language(request, invitation) -> str:
    # The invitee's language, unless they picked one with the switcher.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and invitation.user.language:
        translation.activate(invitation.user.language)
        request.LANGUAGE_CODE = invitation.user.language
    return translation.get_language()[:2]


@never_cache
@keep_tokens_out_of_logs
def answer(request, token: str):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnusable as error:
        return _unusable(request, error)
    language = _answer_language(request, invitation)
    sections = services.survey_questions(invitation.campaign.survey)
    _localise(sections, language)
    return render(
        request,
        "surveys/answer_start.html",
        {
            "invitation": invitation,
            "campaign": invitation.campaign,
            "survey_title": invitation.campaign.survey.title_in(language),
            "intro": invitation.campaign.survey.intro_in(language),
            "sections": sections,
            "resume": bool(invitation.draft),
            "token": token,
        },
    )


@never_cache
@keep_tokens_out_of_logs
def answer_section(request, token: str, step: int):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnusable as error:
        return _unusable(request, error)
    language = _answer_language(request, invitation)
    sections = services.survey_questions(invitation.campaign.survey)
    if not 1 <= step <= len(sections):
        raise Http404
    _localise(sections, language)
    section = sections[step - 1]
    errors: dict[str, str] = {}
    values = invitation.draft
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        raw = {
            str(question.pk): (
                request.POST.getlist(f"q{question.pk}")
                if question.kind == Question.Kind.MULTIPLE
                else request.POST.get(f"q{question.pk}")
            )
            for question in section.question_list
        }
        partial = action in ("previous", "save")
        try:
            errors = services.invitation_save_section(token=token, section=section, raw=raw, partial=partial)
        except services.InvitationUnusable as error:
            return _unusable(request, error)
        if not errors:
            if action == "previous" and step > 1:
                return redirect("surveys:answer-section", token=token, step=step - 1)
            if action == "save":
                return render(request, "surveys/answer_saved.html", {"token": token, "campaign": invitation.campaign})
            if step < len(sections):
                return redirect("surveys:answer-section", token=token, step=step + 1)
            try:
                services.response_submit(token=token)
            except services.InvitationUnusable as error:
                return _unusable(request, error)
            except ValidationError:
                messages.error(request, _("Some required questions are not answered yet."))
                return redirect("surveys:answer-section", token=token, step=1)
            return redirect("surveys:answer-done")
        values = {**invitation.draft, **{key: value for key, value in raw.items() if value not in (None, "", [])}}
        status = 400
    for question in section.question_list:
        question.value = values.get(str(question.pk))
        question.error = errors.get(str(question.pk))
        if question.kind == Question.Kind.MULTIPLE:
            question.value = [str(value) for value in (question.value or [])]
        elif question.value is not None:
            question.value = str(question.value)
    return render(
        request,
        "surveys/answer_section.html",
        {
            "campaign": invitation.campaign,
            "survey_title": invitation.campaign.survey.title_in(language),
            "section": section,
            "step": step,
            "steps": len(sections),
            "errors": errors,
            "token": token,
            "is_last": step == len(sections),
        },
        status=status,
    )


def answer_done(request):
    return render(request, "surveys/answer_done.html")


@never_cache
@keep_tokens_out_of_logs
def opt_out(request, token: str):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnusable as error:
        return _unusable(request, error)
    _answer_language(request, invitation)
    if request.method == "POST":
        try:
            services.invitation_opt_out(token=token)
        except services.InvitationUnusable as error:
            return _unusable(request, error)
        return render(request, "surveys/opt_out_done.html")
    return render(request, "surveys/opt_out.html", {"campaign": invitation.campaign, "token": token})


# --- Post-ticket CSAT -------------------------------------------------------


def _csat_unusable(request, error: services.CsatUnusable):
    status = 404 if error.reason == "unknown" else 410
    return render(
        request, "surveys/csat_unusable.html", {"reason": error.reason, "message": error.message}, status=status
    )


@never_cache
@keep_tokens_out_of_logs
def csat_answer(request, token: str):
    try:
        rating = services.ticket_rating_for_token(token)
    except services.CsatUnusable as error:
        return _csat_unusable(request, error)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and rating.requester.language:
        translation.activate(rating.requester.language)
        request.LANGUAGE_CODE = rating.requester.language
    form = CsatRatingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ticket_rating_submit(
                    token=token, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except services.CsatUnusable as error:
                return _csat_unusable(request, error)
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return redirect("surveys:csat-done")
        status = 400
    return render(request, "surveys/csat_answer.html", {"form": form, "ticket": rating.ticket}, status=status)


def csat_done(request):
    return render(request, "surveys/csat_done.html")


@role_required(Role.MANAGER)
def csat_results(request):
    try:
        months = int(request.GET.get("months", 12))
    except ValueError:
        months = 12
    by = request.GET.get("by", "overall")
    data = csat_over_time(by=by, months=months)
    return render(
        request,
        "surveys/csat_results.html",
        {"data": data, "dimensions": DIMENSION_LABELS.items(), "months": min(max(months, 1), MAX_MONTHS)},
    )


def follow_ups_for(user):
    """The follow-ups a user may see: managers all of them, a team lead those addressed to them."""
    queryset = CsatFollowUp.objects.select_related("ticket", "team", "lead", "rating")
    if has_role(user, Role.MANAGER):
        return queryset
    return queryset.filter(lead=user)


@role_required(Role.AGENT, Role.MANAGER)
def follow_up_list(request):
    status = request.GET.get("status", CsatFollowUp.Status.OPEN)
    queryset = follow_ups_for(request.user).order_by("-created_at", "-id")
    if status in CsatFollowUp.Status.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/follow_up_list.html",
        {"page": page, "status": status, "statuses": CsatFollowUp.Status.choices, "query": f"status={status}"},
    )


@role_required(Role.AGENT, Role.MANAGER)
def follow_up_detail(request, pk: int):
    follow_up = get_object_or_404(follow_ups_for(request.user), pk=pk)
    form = FollowUpCloseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if follow_up.lead_id != request.user.pk and not has_role(request.user, Role.MANAGER):
            raise Http404
        if form.is_valid():
            try:
                services.csat_follow_up_close(follow_up=follow_up, by=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, _("The follow-up is closed."))
                return redirect("surveys:follow-up-detail", pk=follow_up.pk)
        status = 400
    return render(request, "surveys/follow_up_detail.html", {"follow_up": follow_up, "form": form}, status=status)
