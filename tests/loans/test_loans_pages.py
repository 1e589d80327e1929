"""Must show 4 (pages): borrowers see only their loans and receipts, managers approve only their reports,
only logistics checks out and in. Bad input is a form error with nothing saved. Lists have query ceilings."""

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from icity.roles import Role
from loans import services
from loans.models import DeliveryRun, EquipmentRequest, Loan, Recovery
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, telework_kit, terms

pytestmark = pytest.mark.django_db


def lend(borrower, **kwargs):
    return services.loan_check_out(
        actor=None,
        borrower=borrower,
        assets=[make_asset(model=dock_model())],
        terms=terms(),
        accepted_name="X",
        **kwargs,
    )


def test_my_equipment_shows_my_loans_due_dates_and_receipts_only(client, requester):
    mine, theirs = lend(requester), lend(make_user())
    client.force_login(requester)
    page = client.get(reverse("assets:mine")).content.decode()
    my_tag = mine.lines.get().asset.tag
    assert my_tag in page and theirs.lines.get().asset.tag not in page
    assert reverse("assets:receipt", args=[mine.receipts.get().pk]) in page
    assert mine.reference in page


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("assets:mine"))
    assert response.status_code == 302


def test_borrowers_see_their_loan_and_receipt_but_not_someone_elses(client, requester):
    mine, theirs = lend(requester), lend(make_user())
    client.force_login(requester)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    receipt = client.get(reverse("assets:receipt", args=[mine.receipts.get().pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Disposition"].startswith("attachment;")
    assert client.get(reverse("assets:receipt", args=[theirs.receipts.get().pk])).status_code == 404


@pytest.mark.parametrize(
    "name", ["assets:loans", "assets:loan-checkout", "assets:loan-checkin", "assets:board", "assets:recoveries"]
)
def test_logistics_pages_refuse_requesters_and_serve_logistics(client, requester, logistics, name):
    client.force_login(requester)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(logistics)
    assert client.get(reverse(name)).status_code == 200


def test_only_logistics_declares_a_loss(client, requester, logistics):
    loan = lend(requester)
    client.force_login(requester)
    assert client.post(reverse("assets:loan-lost", args=[loan.pk]), {"note": "lost"}).status_code == 403
    client.force_login(logistics)
    # A malformed ticket reference is refused with the reason; nothing is recorded.
    client.post(reverse("assets:loan-lost", args=[loan.pk]), {"note": "Stolen", "ticket_reference": "HD-1"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    client.post(reverse("assets:loan-lost", args=[loan.pk]), {"note": "Stolen", "ticket_reference": "hd-2026-000123"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.LOST
    # The loan page links the loss to its ticket.
    page = client.get(reverse("assets:loan", args=[loan.pk])).content.decode()
    assert f'<a href="{reverse("tickets:detail", args=["HD-2026-000123"])}">HD-2026-000123</a>' in page


def test_the_api_refuses_a_malformed_ticket_reference_for_a_loss(logistics, requester):
    from rest_framework.test import APIClient

    loan = lend(requester)
    client = APIClient()
    client.force_authenticate(logistics)
    url = f"/api/v1/loans/{loan.pk}/declare-lost/"
    response = client.post(url, {"note": "Stolen", "ticket_reference": "<b>1</b>"}, format="json")
    assert response.status_code == 400 and "ticket_reference" in response.json()
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    response = client.post(url, {"note": "Stolen", "ticket_reference": "HD-2026-000123"}, format="json")
    assert response.status_code == 200, response.content
    assert loan.lines.get().loss_ticket == "HD-2026-000123"


def test_a_borrower_extends_their_own_loan_from_the_page(client, requester):
    loan = lend(requester, due_date=timezone.localdate() + timedelta(days=5))
    client.force_login(requester)
    client.post(reverse("assets:loan-extend", args=[loan.pk]), {"reason": "Still teleworking"})
    loan.refresh_from_db()
    assert loan.extensions == 1
    other = make_user()
    client.force_login(other)
    assert client.post(reverse("assets:loan-extend", args=[loan.pk]), {"reason": "x"}).status_code == 404


def test_desk_check_out_form_creates_one_loan_even_when_submitted_twice(client, logistics, requester):
    terms()
    asset = make_asset(model=dock_model())
    client.force_login(logistics)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "borrower": requester.email,
        "codes": asset.tag,
        "accepted_name": "Jan",
        "accept_terms": "on",
    }
    first = client.post(reverse("assets:loan-checkout"), data)
    second = client.post(reverse("assets:loan-checkout"), data)
    assert first.status_code == 302 and second.status_code == 302
    assert Loan.objects.count() == 1


def test_check_out_with_bad_input_shows_errors_and_saves_nothing(client, logistics):
    terms()
    client.force_login(logistics)
    response = client.post(
        reverse("assets:loan-checkout"),
        {"idempotency_key": str(uuid.uuid4()), "borrower": "nobody@example.org", "codes": "NOPE-1"},
    )
    assert response.status_code == 400
    assert Loan.objects.count() == 0


def test_check_in_page_returns_scanned_units(client, logistics, requester):
    loan = lend(requester)
    asset = loan.lines.get().asset
    client.force_login(logistics)
    scanned = {"codes": asset.tag, "site": SiteFactory().pk}
    step_2 = client.post(reverse("assets:loan-checkin"), {**scanned, "step": "check"})
    assert step_2.status_code == 200 and asset.tag in step_2.content.decode()
    rows = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-line": loan.lines.get().pk}
    rows |= {"form-0-condition": "b", "form-0-next_status": "in_stock"}
    response = client.post(reverse("assets:loan-checkin"), {**scanned, **rows, "step": "confirm"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED
    client.force_login(requester)
    assert client.post(reverse("assets:loan-checkin"), {"codes": asset.tag}).status_code == 403


def test_request_form_creates_one_request_even_when_submitted_twice(client, requester):
    kit, _site, _items = telework_kit()
    client.force_login(requester)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "reason": "Telework",
        "delivery": "desk",
        f"kit_{kit.pk}": "1",
    }
    assert client.post(reverse("assets:request-create"), data).status_code == 302
    assert client.post(reverse("assets:request-create"), data).status_code == 302
    assert EquipmentRequest.objects.count() == 1


def test_request_form_with_home_delivery_and_no_address_is_a_form_error(client, requester):
    kit, _site, _items = telework_kit()
    client.force_login(requester)
    response = client.post(
        reverse("assets:request-create"),
        {"idempotency_key": str(uuid.uuid4()), "reason": "x", "delivery": "home", f"kit_{kit.pk}": "1"},
    )
    assert response.status_code == 400 and EquipmentRequest.objects.count() == 0


def test_managers_decide_only_on_their_own_reports_requests(client):
    boss, other_boss = make_user(Role.MANAGER), make_user(Role.MANAGER)
    person = make_user(manager=boss)
    kit, _site, items = telework_kit()
    items["laptop"].requires_approval = True
    items["laptop"].save()
    request = services.request_submit(
        actor=person, requester=person, lines=[services.Wanted(kit=kit)], reason="New starter"
    )
    client.force_login(other_boss)
    assert client.get(request.get_absolute_url()).status_code == 404
    assert client.post(reverse("assets:request-decide", args=[request.pk]), {"decision": "approve"}).status_code == 404
    client.force_login(boss)
    assert client.get(request.get_absolute_url()).status_code == 200
    client.post(reverse("assets:request-decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == EquipmentRequest.Status.SUBMITTED


def test_only_logistics_prepares_and_hands_over_and_a_double_hand_over_makes_one_loan(client, requester, logistics):
    kit, site, items = telework_kit()
    terms()
    request = services.request_submit(
        actor=requester, requester=requester, lines=[services.Wanted(kit=kit)], reason="x"
    )
    codes = "\n".join(unit.tag for unit in items["units"])
    client.force_login(requester)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Pick list" not in page
    response = client.post(
        reverse("assets:request-prepare", args=[request.pk]), {"codes": codes, "stock_site": site.pk}
    )
    assert response.status_code == 403
    client.force_login(logistics)
    assert "Pick list" in client.get(request.get_absolute_url()).content.decode()
    client.post(reverse("assets:request-prepare", args=[request.pk]), {"codes": codes, "stock_site": site.pk})
    request.refresh_from_db()
    assert request.status == EquipmentRequest.Status.READY
    data = {"idempotency_key": str(uuid.uuid4()), "accepted_name": "Marie", "accept_terms": "on"}
    client.post(reverse("assets:request-hand-over", args=[request.pk]), data)
    client.post(reverse("assets:request-hand-over", args=[request.pk]), data)
    assert Loan.objects.filter(request=request).count() == 1


def test_other_requesters_cannot_see_a_request(client, requester):
    kit, _site, _items = telework_kit()
    request = services.request_submit(
        actor=requester, requester=requester, lines=[services.Wanted(kit=kit)], reason="x"
    )
    client.force_login(make_user())
    assert client.get(request.get_absolute_url()).status_code == 404
    assert client.post(reverse("assets:request-cancel", args=[request.pk])).status_code == 404


def test_board_plans_a_run_moves_it_and_prints_the_day_sheet(client, logistics):
    client.force_login(logistics)
    day = timezone.localdate()
    response = client.post(
        reverse("assets:run-create"),
        {
            "idempotency_key": str(uuid.uuid4()),
            "kind": "delivery",
            "date": day.isoformat(),
            "window_start": "09:00",
            "window_end": "11:00",
            "address": "Boulevard Anspach 6, 1000 Bruxelles",
            "assignee": logistics.email,
        },
    )
    assert response.status_code == 302
    run = DeliveryRun.objects.get()
    page = client.get(reverse("assets:board") + f"?date={day.isoformat()}").content.decode()
    assert "Boulevard Anspach 6" in page
    client.post(reverse("assets:run-status", args=[run.pk]), {"status": "failed", "reason": ""})
    run.refresh_from_db()
    assert run.status == "planned"  # a failure needs a reason
    client.post(reverse("assets:run-status", args=[run.pk]), {"status": "failed", "reason": "Nobody home"})
    run.refresh_from_db()
    assert run.status == "failed"
    sheet = client.get(reverse("assets:day-sheet") + f"?date={day.isoformat()}&assignee={logistics.pk}")
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(sheet.content)).pages)
    assert "Boulevard Anspach 6" in text and "09:00" in text


def test_a_run_window_ending_before_it_starts_is_a_form_error(client, logistics):
    client.force_login(logistics)
    response = client.post(
        reverse("assets:run-create"),
        {
            "idempotency_key": str(uuid.uuid4()),
            "kind": "pick_up",
            "date": timezone.localdate().isoformat(),
            "window_start": "11:00",
            "window_end": "09:00",
            "address": "x",
        },
    )
    assert response.status_code == 400 and DeliveryRun.objects.count() == 0


def test_recovery_page_starts_a_recovery_with_a_pick_up(client, logistics):
    person = make_user(site=SiteFactory())
    lend(person)
    client.force_login(logistics)
    response = client.post(reverse("assets:recoveries"), {"person": person.email, "reason": "telework_end"})
    assert response.status_code == 302
    recovery = Recovery.objects.get(person=person)
    assert recovery.runs.get().kind == DeliveryRun.Kind.RECOVERY


def _loans(count: int, borrower=None):
    for _ in range(count):
        services.loan_check_out(
            actor=None,
            borrower=borrower or make_user(),
            assets=[make_asset(model=dock_model())],
            due_date=timezone.localdate() + timedelta(days=1),
        )
    Loan.objects.update(due_date=timezone.localdate() - timedelta(days=3))


@pytest.mark.parametrize("count", [5, 50])
def test_overdue_list_query_count_does_not_grow(client, logistics, django_assert_max_num_queries, count):
    _loans(count)
    client.force_login(logistics)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assets:loans") + "?view=overdue")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_my_equipment_query_count_does_not_grow(client, requester, django_assert_max_num_queries, count):
    _loans(count, borrower=requester)
    client.force_login(requester)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("assets:mine"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_request_list_query_count_does_not_grow(client, logistics, django_assert_max_num_queries, count):
    kit, _site, _items = telework_kit(laptops=0, headsets=0)
    for _ in range(count):
        person = make_user()
        services.request_submit(actor=person, requester=person, lines=[services.Wanted(kit=kit)], reason="x")
    client.force_login(logistics)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assets:requests") + "?scope=prepare").status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_board_query_count_does_not_grow(client, logistics, django_assert_max_num_queries, count):
    day = timezone.localdate()
    for index in range(count):
        services.delivery_plan(
            actor=None,
            kind="delivery",
            day=day,
            window_start=timezone.datetime(2026, 1, 1, 9).time(),
            window_end=timezone.datetime(2026, 1, 1, 10).time(),
            address=f"Rue {index}",
            assignee=logistics,
            person=make_user(),
        )
    client.force_login(logistics)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assets:board")).status_code == 200


def test_the_asset_page_shows_its_loans_to_logistics(client, logistics, requester):
    loan = lend(requester)
    client.force_login(logistics)
    page = client.get(loan.lines.get().asset.get_absolute_url()).content.decode()
    assert loan.reference in page


def test_home_panels_show_what_to_return_and_what_to_approve(client, requester):
    loan = lend(requester, due_date=timezone.localdate() + timedelta(days=3))
    client.force_login(requester)
    page = client.get(reverse("icity:role-home", args=["requester"])).content.decode()
    assert loan.reference in page


def test_logistics_returns_stock_items_from_the_loan_page(client, requester, logistics):
    from assets.models import StockLevel
    from tests.assets.factories import quantity_model, stock_of

    headset, bag, site = quantity_model(), quantity_model(), SiteFactory()
    stock_of(headset, site, 3)
    stock_of(bag, site, 1)
    loan = services.loan_check_out(
        actor=logistics,
        borrower=requester,
        assets=[make_asset(model=dock_model())],
        stock=[
            services.StockItem(model=headset, site=site, quantity=2),
            services.StockItem(model=bag, site=site, quantity=1),
        ],
    )
    headset_line, bag_line = loan.lines.filter(asset__isnull=True).order_by("pk")
    url = reverse("assets:loan-return-items", args=[loan.pk])

    # The borrower sees no form and may not post it.
    client.force_login(requester)
    assert "loan-return-items" not in client.get(reverse("assets:loan", args=[loan.pk])).content.decode()
    assert client.post(url, {"lines": [headset_line.pk], "site": site.pk}).status_code == 403

    client.force_login(logistics)
    page = client.get(reverse("assets:loan", args=[loan.pk])).content.decode()
    assert url in page and f"2 × {headset}" in page
    # Nothing ticked, or a line that is not one of this loan's open stock lines: refused, nothing saved.
    for data in ({"site": site.pk}, {"lines": [loan.lines.get(asset__isnull=False).pk], "site": site.pk}):
        client.post(url, data)
        assert StockLevel.objects.get(model=headset, site=site).quantity == 1
        assert loan.lines.filter(state="open").count() == 3

    client.post(url, {"lines": [headset_line.pk], "site": site.pk, "notes": "Both fine"})
    headset_line.refresh_from_db()
    loan.refresh_from_db()
    assert headset_line.state == "returned" and headset_line.return_notes == "Both fine"
    assert StockLevel.objects.get(model=headset, site=site).quantity == 3
    assert loan.status == Loan.Status.PARTIALLY_RETURNED
    assert loan.receipts.filter(kind="return").count() == 1
