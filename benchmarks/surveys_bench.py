"""Benchmark: the results page of a campaign with 500,000 answers, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icity_surveys \
        .venv/bin/python benchmarks/surveys_bench.py [--answers 500000] [--requests 60]

Loads (once) a survey of 3 sections and 13 questions, a campaign with the
requested number of answers spread over 12 departments, and a previous
campaign (a fifth of the size) for the trend; then renders the results page
(and the results API) through the full Django stack as a signed-in manager and
prints p50/p95/max. The data stays in the database for the next run; pass
--reset to rebuild it.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
os.environ.setdefault("OUTBOX_POKE_ON_COMMIT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from icity.models import Department, User  # noqa: E402
from icity.roles import Role  # noqa: E402
from surveys import services  # noqa: E402
from surveys.models import Answer, Campaign, Invitation, Question, Response, Section, Survey  # noqa: E402
from surveys.results import campaign_results  # noqa: E402

BENCH_TITLE = "Benchmark survey"
MANAGER_EMAIL = "bench-manager@icity.example"


def build_survey() -> Survey:
    survey = Survey.objects.create(title_fr=BENCH_TITLE, title_nl=BENCH_TITLE, title_en=BENCH_TITLE)
    layout = {
        "Helpdesk": ["rating", "rating", "rating", "nps", "text"],
        "Matériel": ["rating", "single", "multiple", "rating"],
        "Applications": ["rating", "rating", "rating", "text"],
    }
    for position, (title, kinds) in enumerate(layout.items(), start=1):
        section = Section.objects.create(survey=survey, position=position, title_fr=title, title_nl=title)
        for index, kind in enumerate(kinds, start=1):
            choices = (
                [{"fr": f"Choix {n}", "nl": f"Keuze {n}"} for n in range(1, 5)]
                if kind in ("single", "multiple")
                else []
            )
            services.question_add(
                section=section,
                kind=kind,
                required=kind != "text",
                texts={"fr": f"{title} question {index}", "nl": f"{title} vraag {index}"},
                choices=choices,
            )
    return survey


def fill(campaign: Campaign, answers_wanted: int, departments: list[int], rng: random.Random) -> int:
    sections = services.survey_questions(campaign.survey)
    questions = [question for section in sections for question in section.question_list]
    made = 0
    batch_responses, batch_answers = [], []
    while made < answers_wanted:
        department = rng.choice(departments)
        response = Response(
            campaign=campaign,
            anonymous=True,
            department_id=department,
        )
        batch_responses.append(response)
        common = {"response": response, "campaign": campaign, "department_id": department}
        for question in questions:
            if question.kind == Question.Kind.RATING:
                batch_answers.append(
                    Answer(question=question, number=rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5]), **common)
                )
            elif question.kind == Question.Kind.NPS:
                batch_answers.append(Answer(question=question, number=rng.randint(0, 10), **common))
            elif question.kind == Question.Kind.SINGLE:
                batch_answers.append(Answer(question=question, choice=rng.choice(question.choice_list), **common))
            elif question.kind == Question.Kind.MULTIPLE:
                batch_answers.append(Answer(question=question, choice=question.choice_list[0], **common))
                batch_answers.append(Answer(question=question, choice=rng.choice(question.choice_list[1:]), **common))
            elif rng.random() < 0.2:
                batch_answers.append(Answer(question=question, text="Un commentaire de test.", **common))
        if len(batch_answers) >= 20000:
            made += _flush(batch_responses, batch_answers)
            print(f"  {campaign.name}: {made} answers", flush=True)
    made += _flush(batch_responses, batch_answers)
    return made


def _flush(responses: list, answers: list) -> int:
    with transaction.atomic():
        Response.objects.bulk_create(responses, batch_size=5000)
        Answer.objects.bulk_create(answers, batch_size=5000)
    count = len(answers)
    responses.clear()
    answers.clear()
    return count


def load(answers: int, reset: bool) -> Campaign:
    existing = Campaign.objects.filter(name="Benchmark campaign").first()
    if existing and not reset:
        return existing
    if existing:
        for campaign in Campaign.objects.filter(name__startswith="Benchmark"):
            Answer.objects.filter(campaign=campaign).delete()
            campaign.delete()
        Survey.objects.filter(title_fr=BENCH_TITLE).delete()
    rng = random.Random(2020)
    departments = []
    for index in range(12):
        department, _ = Department.objects.get_or_create(
            code=f"bench-{index}", defaults={"name_fr": f"Département {index}", "name_nl": f"Departement {index}"}
        )
        departments.append(department.pk)
    survey = build_survey()
    now = timezone.now()
    previous = Campaign.objects.create(
        survey=survey,
        name="Benchmark previous campaign",
        status=Campaign.Status.CLOSED,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=370),
    )
    campaign = Campaign.objects.create(
        survey=survey,
        name="Benchmark campaign",
        status=Campaign.Status.CLOSED,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=10),
        previous=previous,
    )
    start = time.perf_counter()
    fill(previous, answers // 5, departments, rng)
    fill(campaign, answers, departments, rng)
    # Invitations for the response rate: one per response plus 30% non-respondents.
    respondents = Response.objects.filter(campaign=campaign).count()
    people = _bench_people(int(respondents * 1.3))
    Invitation.objects.bulk_create(
        (
            Invitation(
                campaign=campaign,
                user_id=user_id,
                status=Invitation.Status.ANSWERED if index < respondents else Invitation.Status.PENDING,
                sent_at=campaign.opens_at,
            )
            for index, user_id in enumerate(people)
        ),
        batch_size=5000,
    )
    print(f"Loaded in {time.perf_counter() - start:.0f} s")
    with connection.cursor() as cursor:
        # Fresh bulk loads: update the visibility map and statistics (autovacuum would, later).
        cursor.execute("VACUUM (ANALYZE) surveys_answer")
        cursor.execute("VACUUM (ANALYZE) surveys_response")
        cursor.execute("VACUUM (ANALYZE) surveys_invitation")
    return campaign


def _bench_people(count: int) -> list[int]:
    have = list(User.objects.filter(email__startswith="bench-person-").order_by("id").values_list("id", flat=True))
    if len(have) < count:
        User.objects.bulk_create(
            (User(email=f"bench-person-{index}@brucity.example", password="!") for index in range(len(have), count)),
            batch_size=5000,
        )
        have = list(User.objects.filter(email__startswith="bench-person-").order_by("id").values_list("id", flat=True))
    return have[:count]


def measure(client: Client, url: str, requests: int) -> list[float]:
    for _ in range(3):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    print(
        f"{name:<22} n={len(ordered)}  p50={statistics.median(ordered):6.1f} ms  "
        f"p95={p95:6.1f} ms  max={ordered[-1]:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    if not settings.DATABASE_IS_POSTGRES:
        sys.exit("Run this benchmark on PostgreSQL: set DATABASE_URL=postgres://...")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    campaign = load(args.answers, args.reset)
    total = Answer.objects.filter(campaign=campaign).count()
    print(f"Campaign {campaign.pk}: {total} answers, {Response.objects.filter(campaign=campaign).count()} responses")
    manager, _ = User.objects.get_or_create(email=MANAGER_EMAIL, defaults={"first_name": "Bench"})
    from django.contrib.auth.models import Group

    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    client = Client()
    client.force_login(manager)
    page = reverse("surveys:campaign-results", args=[campaign.pk])
    api = reverse("survey-campaign-results", args=[campaign.pk])
    # Open campaign: every request aggregates the 500,000 answers (and the previous
    # campaign's, which is closed and so cached after the first request).
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.OPEN, closes_at=timezone.now() + timedelta(days=1)
    )
    report("open: page (HTML)", measure(client, page, args.requests))
    report("open: API (JSON)", measure(client, api, args.requests))
    # Filtered on the largest department shown: same aggregate, fewer rows kept.
    largest = campaign_results(campaign).visible_departments
    department = max(largest, key=lambda item: item[2])[0] if largest else None
    if department is not None:
        report("open: page, one department", measure(client, f"{page}?department={department}", args.requests))
    # For scale: a page with a few small queries, on the same machine at the same time.
    report("baseline: survey list", measure(client, reverse("surveys:survey-list"), args.requests))
    # Closed campaign: tallies cached; hiding rules and the rest computed per request.
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED, closes_at=timezone.now())
    report("closed: page (HTML)", measure(client, page, args.requests))
    report("closed: API (JSON)", measure(client, api, args.requests))
    if department is not None:
        report("closed: page, one department", measure(client, f"{page}?department={department}", args.requests))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('survey_answer_aggregate'))")
        print(f"Index survey_answer_aggregate: {cursor.fetchone()[0]}; load average: {os.getloadavg()}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT question_id, department_id, number, choice_id, COUNT(*) "
            "FROM surveys_answer WHERE campaign_id = %s "
            "GROUP BY 1, 2, 3, 4",
            [campaign.pk],
        )
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
