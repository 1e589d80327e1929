"""Campaign results, aggregated in the database.

One GROUP BY over the campaign's answers (question, department, score,
choice) feeds every distribution and every department breakdown; the
covering index ``survey_answer_aggregate`` lets PostgreSQL read it without
touching the table. Breakdown groups smaller than the campaign's minimum group
size are hidden, and so is the next smallest group when the hidden remainder
alone would still be small enough to be worked out by subtraction.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from icity.cache import read_through
from icity.models import Department

from . import metrics
from .models import Answer, Campaign, Invitation, Question, Response, Section
from .services import survey_questions


class HiddenDepartment(Exception):
    """The department asked for is not shown: too few respondents, or none at all."""


# The results of every department together (a department key may be None: "no department").
ALL_DEPARTMENTS = object()


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class GroupScore:
    label: str
    respondents: int
    answers: int
    mean: float | None
    csat: float | None
    nps: float | None


@dataclass
class QuestionResult:
    question: Question
    answers: int = 0
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    csat: float | None = None
    nps: float | None = None
    groups: list[GroupScore] = field(default_factory=list)
    previous: "QuestionResult | None" = None

    @property
    def headline(self) -> float | None:
        if self.question.kind == Question.Kind.NPS:
            return self.nps
        return self.csat

    @property
    def trend_size(self) -> float | None:
        return None if self.trend is None else abs(self.trend)

    @property
    def trend(self) -> float | None:
        if self.previous is None or self.headline is None or self.previous.headline is None:
            return None
        return round(self.headline - self.previous.headline, 2)


@dataclass
class CampaignResults:
    campaign: Campaign
    invited: int
    responded: int
    opted_out: int
    response_rate: float | None
    sections: list[Section]
    questions: dict[int, QuestionResult]
    visible_departments: list[tuple[int | None, str, int]]
    hidden_respondents: int
    previous: "CampaignResults | None" = None
    # ALL_DEPARTMENTS, or the key (a department id, None for "no department") the figures are limited to.
    department: object = ALL_DEPARTMENTS

    @property
    def filtered(self) -> bool:
        return self.department is not ALL_DEPARTMENTS

    @property
    def department_label(self) -> str:
        return next((label for key, label, _size in self.visible_departments if key == self.department), "")


NO_DEPARTMENT = "none"  # how "no department" is written in a filter


def department_key(value: str):
    """The department a ``?department=`` value asks for: ALL_DEPARTMENTS (empty), None ("none")
    or an id. Anything else raises ``HiddenDepartment``; so does a department not shown,
    when ``campaign_results`` gets it."""
    if not value:
        return ALL_DEPARTMENTS
    if value == NO_DEPARTMENT:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise HiddenDepartment
    return int(value)


def department_value(key) -> str:
    """The inverse of ``department_key`` for one department key."""
    return NO_DEPARTMENT if key is None else str(key)


def visible_groups(sizes: dict, min_size: int) -> tuple[set, int]:
    """Which groups may be shown, and how many respondents are in hidden ones."""
    hidden = {key for key, size in sizes.items() if size < min_size}
    shown = sorted((size, str(key)) for key, size in sizes.items() if key not in hidden)
    hidden_total = sum(sizes[key] for key in hidden)
    keys_by_str = {str(key): key for key in sizes}
    # Complementary suppression: a small hidden remainder could be derived
    # from the total minus the shown groups, so hide more until it is not small.
    while 0 < hidden_total < min_size and shown:
        size, key = shown.pop(0)
        hidden.add(keys_by_str[key])
        hidden_total += size
    return {key for key in sizes if key not in hidden}, hidden_total


def answer_tallies(campaign: Campaign) -> list[tuple]:
    """(question, department, score, choice, count) for every answer group of a campaign.

    A closed campaign's answers can no longer change, so its tallies are
    cached; the hiding rules are still applied afresh on every read.
    """

    def compute() -> list[tuple]:
        return list(
            Answer.objects.filter(campaign=campaign)
            .values_list("question_id", "department_id", "number", "choice_id")
            .annotate(n=Count("*"))
            .order_by()
        )

    if campaign.status != Campaign.Status.CLOSED:
        return compute()
    return read_through(f"surveys:tallies:{campaign.pk}", compute, settings.SURVEYS_RESULTS_CACHE_SECONDS)


def campaign_results(campaign: Campaign, *, with_previous: bool = True, department=ALL_DEPARTMENTS) -> CampaignResults:
    """Everything the results page shows. The previous campaign (``with_previous``)
    is computed without its department breakdown, which the page does not show.

    ``department`` limits every figure to one of the departments the page shows
    (raises ``HiddenDepartment`` for any other: a hidden group stays hidden).
    Invitations record no department, so a filtered result has no response rate.
    """
    filtered = department is not ALL_DEPARTMENTS
    invitation_counts = dict(
        Invitation.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("*")).order_by()
    )
    invited = sum(invitation_counts.values())
    # Department sizes feed the breakdown, which is not shown for the previous campaign.
    if with_previous or not invited or filtered:
        sizes = dict(
            Response.objects.filter(campaign=campaign).values_list("department_id").annotate(n=Count("*")).order_by()
        )
        responded = sum(sizes.values())
    else:
        sizes = {}
        responded = invitation_counts.get(Invitation.Status.ANSWERED, 0)
    shown, hidden_total = visible_groups(sizes, campaign.min_group_size)
    if filtered and department not in shown:
        raise HiddenDepartment
    names = {}
    if shown:
        names = {department.pk: department.name for department in Department.objects.filter(pk__in=shown)}
    visible_departments = sorted(
        ((key, names.get(key) or _("No department"), sizes[key]) for key in shown), key=lambda item: item[1]
    )
    if filtered:
        responded = sizes[department]

    if with_previous:
        sections = survey_questions(campaign.survey)
        questions = [question for section in sections for question in section.question_list]
    else:  # the previous campaign only lends its scores to the trend
        sections = []
        questions = list(Question.objects.filter(section__survey_id=campaign.survey_id, kind__in=["rating", "nps"]))
        for question in questions:
            question.choice_list = []
    scores: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))  # q -> dept -> score -> n
    choice_counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for question_id, department_id, number, choice_id, count in answer_tallies(campaign):
        if filtered and department_id != department:
            continue
        if number is not None:
            scores[question_id][department_id][number] += count
        elif choice_id is not None:
            choice_counts[question_id][choice_id] += count
    results: dict[int, QuestionResult] = {}
    for question in questions:
        result = QuestionResult(question=question)
        if question.is_scored:
            by_department = scores.get(question.pk, {})
            overall: dict[int, int] = defaultdict(int)
            for distribution in by_department.values():
                for score, count in distribution.items():
                    overall[score] += count
            _fill_scores(result, overall, question)
            # One department's results have no breakdown: it would be the same figures again.
            for key, label, respondents in [] if filtered else visible_departments:
                distribution = by_department.get(key, {})
                result.groups.append(
                    GroupScore(
                        label=label,
                        respondents=respondents,
                        answers=sum(distribution.values()),
                        mean=metrics.mean(distribution),
                        csat=metrics.csat_percent(distribution) if question.kind == Question.Kind.RATING else None,
                        nps=metrics.nps(distribution) if question.kind == Question.Kind.NPS else None,
                    )
                )
        elif question.has_choices:
            counts = choice_counts.get(question.pk, {})
            # A multiple choice is read as "share of respondents who ticked it".
            base = responded if question.kind == Question.Kind.MULTIPLE else sum(counts.values())
            result.answers = base
            result.bars = [
                Bar(choice.label, counts.get(choice.pk, 0), metrics.percent(counts.get(choice.pk, 0), base) or 0)
                for choice in question.choice_list
            ]
        results[question.pk] = result

    for section in sections:
        section.results = [results[question.pk] for question in section.question_list]
    outcome = CampaignResults(
        campaign=campaign,
        invited=invited,
        responded=invitation_counts.get(Invitation.Status.ANSWERED, 0) if invited and not filtered else responded,
        opted_out=invitation_counts.get(Invitation.Status.OPTED_OUT, 0),
        response_rate=None,
        sections=sections,
        questions=results,
        visible_departments=visible_departments,
        hidden_respondents=hidden_total,
        department=department,
    )
    if not filtered:
        outcome.response_rate = metrics.percent(outcome.responded, invited)
    if with_previous and campaign.previous_id:
        try:
            previous = campaign_results(campaign.previous, with_previous=False, department=department)
        except HiddenDepartment:  # too few of that department answered last time: no trend
            previous = None
        outcome.previous = previous
        by_previous_id = previous.questions if previous else {}
        for result in results.values():
            question = result.question
            match = by_previous_id.get(question.pk) or by_previous_id.get(question.copied_from_id)
            if match is not None and match.question.kind == question.kind:
                result.previous = match
    return outcome


def _fill_scores(result: QuestionResult, overall: dict[int, int], question: Question) -> None:
    total = sum(overall.values())
    result.answers = total
    result.bars = [
        Bar(str(score), overall.get(score, 0), metrics.percent(overall.get(score, 0), total) or 0)
        for score in question.scale
    ]
    result.mean = metrics.mean(overall)
    if question.kind == Question.Kind.RATING:
        result.csat = metrics.csat_percent(overall)
    else:
        result.nps = metrics.nps(overall)


def comments_queryset(campaign: Campaign, *, question_id: int | None = None, search: str = ""):
    """Free-text answers, in random (response id) order: never the order they came in."""
    queryset = (
        Answer.objects.filter(campaign=campaign, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .select_related("question")
        .order_by("question__section__position", "question__position", "response_id")
    )
    if question_id:
        queryset = queryset.filter(question_id=question_id)
    if search:
        queryset = queryset.filter(text__icontains=search)
    return queryset


def visible_department_ids(campaign: Campaign) -> set:
    sizes = dict(
        Response.objects.filter(campaign=campaign).values_list("department_id").annotate(n=Count("*")).order_by()
    )
    shown, _hidden = visible_groups(sizes, campaign.min_group_size)
    return shown
