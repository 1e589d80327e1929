"""Issue 18: the deliveries board's status control starts at the run's current status, and a move
back needs an explicit choice and is refused unless it is an allowed transition."""

import re
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from loans import services
from loans.models import DeliveryRun
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

S = DeliveryRun.Status
DAY = date(2026, 12, 7)


def make_run(status: str, *, reason: str = "") -> DeliveryRun:
    return DeliveryRun.objects.create(
        kind=DeliveryRun.Kind.DELIVERY,
        date=DAY,
        window_start=time(9),
        window_end=time(11),
        site=SiteFactory(),
        status=status,
        failure_reason=reason or ("Nobody home" if status == S.FAILED else ""),
        done_at=timezone.now() if status == S.DONE else None,
    )


def board(client) -> str:
    return client.get(reverse("assets:board") + f"?date={DAY.isoformat()}").content.decode()


def selected_options(page: str, run: DeliveryRun) -> list[str]:
    select = re.search(rf'<select name="status" id="status-{run.pk}">(.*?)</select>', page, re.S)
    return re.findall(r'<option value="(\w+)" selected>', select.group(1)) if select else []


@pytest.mark.parametrize("status", [S.PLANNED, S.EN_ROUTE, S.FAILED])
def test_the_control_preselects_the_current_status(client, logistics, status):
    run = make_run(status)
    client.force_login(logistics)
    assert selected_options(board(client), run) == [status]


def test_a_finished_run_has_no_control_left(client, logistics):
    run = make_run(S.DONE)
    client.force_login(logistics)
    page = board(client)
    assert f'id="status-{run.pk}"' not in page
    assert "Done" in page


def test_the_control_offers_only_the_current_status_and_the_allowed_next_ones(client, logistics):
    run = make_run(S.EN_ROUTE)
    client.force_login(logistics)
    select = re.search(rf'<select name="status" id="status-{run.pk}">(.*?)</select>', board(client), re.S).group(1)
    assert re.findall(r'<option value="(\w+)"', select) == [S.EN_ROUTE, S.DONE, S.FAILED]


def test_saving_the_preselected_status_changes_nothing(client, logistics):
    run = make_run(S.EN_ROUTE)
    client.force_login(logistics)
    response = client.post(reverse("assets:run-status", args=[run.pk]), {"status": S.EN_ROUTE}, follow=True)
    run.refresh_from_db()
    assert run.status == S.EN_ROUTE
    assert "Nothing changed" in response.content.decode()


# Every move back, per state: refused unless it is an allowed transition and explicitly chosen.
BACKWARDS = [
    (S.EN_ROUTE, S.PLANNED, False),
    (S.DONE, S.PLANNED, False),
    (S.DONE, S.EN_ROUTE, False),
    (S.FAILED, S.EN_ROUTE, False),
    (S.FAILED, S.PLANNED, True),
]


@pytest.mark.parametrize(("old", "new", "allowed"), BACKWARDS)
def test_a_move_back_without_the_explicit_choice_is_refused(client, logistics, old, new, allowed):
    run = make_run(old)
    client.force_login(logistics)
    response = client.post(reverse("assets:run-status", args=[run.pk]), {"status": new}, follow=True)
    run.refresh_from_db()
    assert run.status == old
    expected = "must be confirmed" if allowed else "cannot go from"
    assert expected in response.content.decode()


@pytest.mark.parametrize(("old", "new", "allowed"), BACKWARDS)
def test_a_move_back_with_the_explicit_choice_happens_only_if_allowed(client, logistics, old, new, allowed):
    run = make_run(old)
    client.force_login(logistics)
    client.post(reverse("assets:run-status", args=[run.pk]), {"status": new, "move_back": "on"})
    run.refresh_from_db()
    assert run.status == (new if allowed else old)


def test_the_move_back_checkbox_shows_only_where_a_move_back_is_allowed(client, logistics):
    failed, en_route = make_run(S.FAILED), make_run(S.EN_ROUTE)
    client.force_login(logistics)
    page = board(client)
    forms = {run.pk: re.search(rf'id="status-{run.pk}">.*?</form>', page, re.S).group(0) for run in (failed, en_route)}
    assert 'name="move_back"' in forms[failed.pk]
    assert 'name="move_back"' not in forms[en_route.pk]


def test_the_service_and_the_api_refuse_a_move_back_that_is_not_confirmed(client, logistics):
    run = make_run(S.FAILED)
    with pytest.raises(services.LoanError):
        services.delivery_set_status(actor=logistics, run=run, status=S.PLANNED)
    client.force_login(logistics)
    url = f"/api/v1/delivery-runs/{run.pk}/status/"
    response = client.post(url, {"status": S.PLANNED}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, {"status": S.PLANNED, "move_back": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == S.PLANNED


def test_forward_moves_need_no_confirmation(logistics):
    run = make_run(S.PLANNED)
    services.delivery_set_status(actor=logistics, run=run, status=S.EN_ROUTE)
    run.refresh_from_db()
    assert run.done_at is None
    before = timezone.now()
    services.delivery_set_status(actor=logistics, run=run, status=S.DONE)
    run.refresh_from_db()
    assert run.status == S.DONE
    assert before <= run.done_at <= timezone.now()  # when it was marked done: LG10 compares its day
