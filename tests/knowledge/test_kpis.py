"""KB01 and KB02 computed directly, on hand-worked values."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from knowledge.models import DeflectionSession, SuggestionEvent, Version, Vote
from kpis.definitions.base import BRUSSELS, Period
from kpis.definitions.knowledge import compute_deflection, compute_helpful
from tests.factories import make_user
from tests.tickets.factories import CategoryFactory, open_ticket

MARCH = Period(date(2026, 3, 1))
IN_MARCH = datetime(2026, 3, 10, 9, tzinfo=BRUSSELS)
IN_APRIL = datetime(2026, 4, 1, 0, 30, tzinfo=BRUSSELS)


def _session(user, article, *, opened: bool, ticket=None, at=IN_MARCH):
    session = DeflectionSession.objects.create(key=uuid.uuid4(), user=user, started_at=at, ticket=ticket)
    if ticket is not None:
        session.submitted_at = at
        session.save()
    SuggestionEvent.objects.create(session=session, article=article, shown_at=at, opened_at=at if opened else None)
    return session


def test_deflection_hand_worked(published, requester):
    article = published()
    other = make_user()
    # requester: 3 forms opened an article, 2 abandoned, 1 submitted -> 2/3 = 66.7 %
    _session(requester, article, opened=True)
    _session(requester, article, opened=True)
    _session(requester, article, opened=True, ticket=open_ticket(requester))
    # shown but never opened: not a form "after an article was opened" -> ignored
    _session(requester, article, opened=False)
    # other person, other department: 1 opened, submitted -> 0/1
    _session(other, article, opened=True, ticket=open_ticket(other))
    # April: outside the period
    _session(requester, article, opened=True, at=IN_APRIL)
    values = compute_deflection(MARCH)
    overall = values[0]
    assert (overall.numerator, overall.denominator, overall.value) == (Decimal(2), Decimal(4), Decimal("50.0"))
    by_department = {value.scope_key: value for value in values[1:]}
    assert by_department[str(requester.department_id)].value == Decimal("66.7")
    assert by_department[str(other.department_id)].value == Decimal("0.0")
    assert {value.scope_kind for value in values[1:]} == {"department"}


def test_deflection_without_data_is_none(db):
    assert compute_deflection(MARCH)[0].value is None


def test_helpful_hand_worked(published, agent):
    category = CategoryFactory()
    with_category = published(category=category)
    without = published(title="Autre")
    voters = [make_user() for _ in range(5)]
    version_a = Version.objects.get(translation__article=with_category)
    version_b = Version.objects.get(translation__article=without)
    # category: 2 yes, 1 no -> 66.7 %; overall with the other article: 3 yes of 5 -> 60 %
    for user, helpful in zip(voters[:3], (True, True, False), strict=True):
        Vote.objects.create(version=version_a, user=user, helpful=helpful, created_at=IN_MARCH)
    Vote.objects.create(version=version_b, user=voters[3], helpful=True, created_at=IN_MARCH)
    Vote.objects.create(version=version_b, user=voters[4], helpful=False, created_at=IN_MARCH)
    Vote.objects.create(version=version_b, user=agent, helpful=False, created_at=IN_APRIL)
    values = compute_helpful(MARCH)
    assert (values[0].numerator, values[0].denominator, values[0].value) == (3, 5, Decimal("60.0"))
    assert len(values) == 2
    assert (values[1].scope_kind, values[1].scope_key, values[1].value) == (
        "category",
        str(category.pk),
        Decimal("66.7"),
    )


def test_helpful_without_votes_is_none(db):
    assert compute_helpful(MARCH)[0].value is None
