"""HD16-HD18 (post-ticket ratings) and SV01-SV05 (survey campaigns) on hand-built rows."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest

from surveys.models import Answer, Campaign, CsatFollowUp, Invitation, Question, Response, Section, Survey, TicketRating
from tests.factories import DepartmentFactory, make_user
from tests.tickets.factories import TeamFactory

from .builders import APRIL, EMPTY, FEB, MARCH, local, overall, scoped, ticket

pytestmark = pytest.mark.django_db


def rating(requester, team, invited, answered=None, score=None, follow_up_closed=None):
    row = TicketRating.objects.create(
        ticket=ticket(requester, invited - timedelta(days=1), team=team),
        requester=requester,
        team=team,
        status="answered" if answered else "invited",
        token=TicketRating.new_token(),
        invited_at=invited,
        expires_at=invited + timedelta(days=30),
        rating=score,
        answered_at=answered,
    )
    if follow_up_closed is not None:
        CsatFollowUp.objects.create(
            rating=row, ticket=row.ticket, team=team, status="closed", created_at=answered, closed_at=follow_up_closed
        )
    return row


@pytest.fixture
def ratings():
    requester = make_user()
    t1, t2 = TeamFactory(), TeamFactory()
    # 5 at 23:30 CEST on 31 March: March.
    rating(requester, t1, local(2026, 3, 10, 9, 0), local(2026, 3, 31, 23, 30), 5)
    # 1 at 00:30 CEST on 1 April (22:30 UTC on 31 March): April; follow-up closed Fri 3 Apr, due Wed 8 Apr
    # 17:00 (5 x 9 business hours from Wed 1 Apr 08:00, skipping Easter Monday 6 Apr): on time.
    rating(requester, t1, local(2026, 3, 10, 9, 0), local(2026, 4, 1, 0, 30), 1, local(2026, 4, 3, 12, 0))
    # 2 on Tue 3 Mar 10:00: follow-up due Tue 10 Mar 10:00, closed 12 Mar: late.
    rating(requester, t1, local(2026, 3, 2, 9, 0), local(2026, 3, 3, 10, 0), 2, local(2026, 3, 12, 10, 0))
    rating(requester, t2, local(2026, 3, 2, 9, 0), local(2026, 3, 4, 10, 0), 4)
    # Invited 28 Feb 23:30 CET (February), never answered.
    rating(requester, t2, local(2026, 2, 28, 23, 30))
    # 1 on 5 Mar, follow-up closed the next day: on time.
    rating(requester, t2, local(2026, 3, 5, 9, 0), local(2026, 3, 5, 10, 0), 1, local(2026, 3, 6, 10, 0))
    return {"t1": t1, "t2": t2}


def test_hd16_share_of_4_and_5_ratings(ratings):
    # March ratings: 5, 2, 4, 1 -> 2 of 4.
    assert overall("HD16", MARCH) == Decimal("50.00")
    assert scoped("HD16", MARCH, "team", ratings["t1"].pk) == Decimal("50.00")
    assert overall("HD16", APRIL) == Decimal("0.00")
    assert overall("HD16", EMPTY) is None


def test_hd17_ratings_received_per_invitation_sent(ratings):
    # 4 ratings received in March; 5 invitations sent in March (one was sent in February).
    assert overall("HD17", MARCH) == Decimal("80.00")
    assert overall("HD17", FEB) == Decimal("0.00")
    assert overall("HD17", EMPTY) is None


def test_hd18_low_scores_followed_up_within_5_business_days(ratings):
    # March low scores: the 2 (late) and the 1 of 5 March (on time).
    assert overall("HD18", MARCH) == Decimal("50.00")
    assert overall("HD18", APRIL) == Decimal("100.00")
    assert overall("HD18", EMPTY) is None


def campaign(survey, closed_at, scores: dict, invited: int, answered: int, department=None):
    c = Campaign.objects.create(
        survey=survey,
        name=f"Campagne {closed_at:%Y-%m}",
        status="closed",
        opens_at=closed_at - timedelta(days=20),
        closes_at=closed_at,
        closed_at=closed_at,
    )
    for index in range(invited):
        Invitation.objects.create(campaign=c, user=make_user(), status="answered" if index < answered else "pending")
    questions = {q.section.title_en: q for q in Question.objects.filter(section__survey=survey, kind="rating")}
    questions["nps"] = Question.objects.get(section__survey=survey, kind="nps")
    for key, numbers in scores.items():
        for number in numbers:
            response = Response.objects.create(campaign=c, anonymous=True, department=department)
            Answer.objects.create(
                response=response, campaign=c, department=department, question=questions[key], number=number
            )
    return c


@pytest.fixture
def surveys():
    survey = Survey.objects.create(title_fr="Enquête", title_nl="Enquête", title_en="Survey")
    for position, (fr, en, key) in enumerate(
        [
            ("Helpdesk", "Helpdesk", "helpdesk"),
            ("Matériel", "Hardware", "hardware"),
            ("Applications", "Applications", "applications"),
        ],
        1,
    ):
        section = Section.objects.create(
            survey=survey, position=position, title_fr=fr, title_nl=fr, title_en=en, key=key
        )
        Question.objects.create(section=section, position=1, kind="rating", text_fr="Note", text_nl="Score")
    Question.objects.create(
        section=survey.sections.get(position=1), position=2, kind="nps", text_fr="NPS", text_nl="NPS"
    )
    department = DepartmentFactory()
    campaign(survey, local(2026, 1, 15, 12, 0), {"Helpdesk": [5, 5], "nps": [10, 10]}, invited=2, answered=2)
    # Closed 31 Mar 23:30 CEST: the campaign of March. No Applications answers.
    campaign(
        survey,
        local(2026, 3, 31, 23, 30),
        {"Helpdesk": [5, 4, 3, 1], "Hardware": [5, 5], "nps": [10, 9, 7, 3, 0]},
        invited=4,
        answered=3,
        department=department,
    )
    # Closed 1 Apr 00:30 CEST: April's.
    campaign(survey, local(2026, 4, 1, 0, 30), {"Helpdesk": [1]}, invited=10, answered=1)
    return {"department": department}


def test_sv01_sv03_section_csat_of_the_latest_closed_campaign(surveys):
    assert overall("SV01", FEB) == Decimal("100.00")  # January's campaign still the latest
    assert overall("SV01", MARCH) == Decimal("50.00")  # 5 and 4 of 5, 4, 3, 1
    assert scoped("SV01", MARCH, "department", surveys["department"].pk) == Decimal("50.00")
    assert overall("SV01", APRIL) == Decimal("0.00")
    assert overall("SV02", MARCH) == Decimal("100.00")
    assert overall("SV03", MARCH) is None  # no Applications answers
    assert overall("SV01", EMPTY) is None  # no campaign closed yet


def test_sv01_sv03_read_sections_by_key_not_by_title(surveys):
    survey = Survey.objects.get(title_en="Survey")
    # Reworded titles keep their KPI: March's Helpdesk CSAT is still 2 good of 4.
    survey.sections.filter(key="helpdesk").update(title_fr="Support", title_nl="Ondersteuning", title_en="Support")
    assert overall("SV01", MARCH) == Decimal("50.00")
    # A section titled "Hardware" but without the key is not the hardware section.
    survey.sections.filter(key="hardware").update(key="")
    assert overall("SV02", MARCH) is None


def test_section_key_backfill_recognises_the_known_titles(db):
    from django.apps import apps

    migration = importlib.import_module("surveys.migrations.0003_section_key")
    survey = Survey.objects.create(title_fr="Enquête", title_nl="Enquête")
    titles = [("Helpdesk", ""), ("Matériel", ""), ("Divers", "Applications"), ("Autre", "Helpdesk"), ("Divers", "")]
    for position, (fr, en) in enumerate(titles, 1):
        Section.objects.create(survey=survey, position=position, title_fr=fr, title_nl=fr, title_en=en)
    migration.backfill_keys(apps, None)
    keys = list(survey.sections.order_by("position").values_list("key", flat=True))
    # The second "Helpdesk" of the survey stays without a key (one per survey).
    assert keys == ["helpdesk", "hardware", "applications", "", ""]


def test_sv04_net_promoter_score(surveys):
    # 10, 9 promoters; 3, 0 detractors; 7 passive: (2 - 2) / 5.
    assert overall("SV04", MARCH) == Decimal("0.00")
    assert overall("SV04", FEB) == Decimal("100.00")
    assert overall("SV04", APRIL) is None  # April's campaign had no NPS answer
    assert overall("SV04", EMPTY) is None


def test_sv05_response_rate(surveys):
    assert overall("SV05", MARCH) == Decimal("75.00")
    assert overall("SV05", APRIL) == Decimal("10.00")
    assert overall("SV05", EMPTY) is None
