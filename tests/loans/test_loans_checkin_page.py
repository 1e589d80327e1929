"""Issue #5, returns at the desk: scan the units, then grade each one on its own row and confirm once.

Two steps, no script: step 1 resolves the scanned codes (unknown codes and units on no loan are
refused on the spot, naming them); step 2 has one row per unit with its own condition, next
status, missing parts and notes; the confirmation calls ``loan_check_in`` once (one transaction).
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset, AssetEvent
from icity.roles import Role
from loans import services
from loans.models import Loan, LoanLine, Receipt
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, laptop_model, terms

pytestmark = pytest.mark.django_db

URL = "/equipment/loans/check-in/"


def lend(borrower, *models):
    return services.loan_check_out(
        actor=None,
        borrower=borrower,
        assets=[make_asset(model=model) for model in models],
        due_date=timezone.localdate() + timedelta(days=30),
        terms=terms(),
        accepted_name="X",
    )


def scan(client, codes, site, **extra):
    return client.post(URL, {"codes": "\n".join(codes), "site": site.pk, "step": "check", **extra})


def confirm(client, codes, site, rows: list[dict], *, total: int | None = None):
    """Post step 2 as the browser would: hidden codes and site, the management form, one row per unit."""
    data = {
        "codes": " ".join(codes),
        "site": site.pk,
        "step": "confirm",
        "form-TOTAL_FORMS": str(len(rows) if total is None else total),
        "form-INITIAL_FORMS": str(len(rows)),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return client.post(URL, data)


def row(line, condition="b", next_status="in_stock", missing="", notes=""):
    return {
        "line": line.pk,
        "condition": condition,
        "next_status": next_status,
        "missing_parts": missing,
        "notes": notes,
    }


def returned_nothing(*loans):
    assert not LoanLine.objects.filter(state=LoanLine.State.RETURNED).exists()
    assert not Receipt.objects.filter(kind=Receipt.Kind.RETURN).exists()
    for loan in loans:
        loan.refresh_from_db()
        assert loan.status == Loan.Status.ACTIVE


def test_the_reverse_url_is_the_check_in_page():
    assert reverse("assets:loan-checkin") == URL


def test_step_2_has_one_row_per_scanned_unit_with_labels_naming_it(client, logistics, requester):
    loan = lend(requester, dock_model(), dock_model())
    first, second = [line.asset for line in loan.lines.order_by("pk")]
    client.force_login(logistics)
    site = SiteFactory()
    # A tag in lower case, the label's QR code URL, the same unit twice: two rows, in scan order.
    response = scan(client, [second.tag.lower(), f"https://icity.example/a/{first.tag}/", second.tag], site)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [form.row.tag for form in formset] == [second.tag, first.tag]
    page = response.content.decode()
    for index, asset in enumerate([second, first]):
        for field in ("condition", "next_status", "missing_parts", "notes"):
            assert re.search(rf'<label class="visually-hidden" for="id_form-{index}-{field}">[^<]*{asset.tag}', page)
        assert f'<th scope="row">{asset.tag}' in page
    assert loan.reference in page and requester.get_full_name() in page
    # Nothing is returned until the second step is confirmed.
    returned_nothing(loan)


def test_two_units_checked_in_with_their_own_grade_and_next_status_in_one_submission(client, logistics, requester):
    loan = lend(requester, dock_model(), dock_model())
    first, second = loan.lines.order_by("pk")
    codes = [first.asset.tag, second.asset.tag]
    site = SiteFactory()
    client.force_login(logistics)
    assert scan(client, codes, site).status_code == 200
    response = confirm(
        client,
        codes,
        site,
        [
            row(first, condition="a", next_status="in_stock", notes="Clean"),
            row(second, condition="d", next_status="in_repair", missing="power supply", notes="Cracked casing"),
        ],
    )
    assert response.status_code == 302 and response.url == loan.get_absolute_url()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.return_condition, first.next_status, first.missing_parts, first.return_notes) == (
        "a",
        "in_stock",
        "",
        "Clean",
    )
    assert (second.return_condition, second.next_status, second.missing_parts, second.return_notes) == (
        "d",
        "in_repair",
        "power supply",
        "Cracked casing",
    )
    assets = {asset.pk: asset for asset in Asset.objects.filter(pk__in=[first.asset_id, second.asset_id])}
    assert (assets[first.asset_id].status, assets[first.asset_id].condition) == ("in_stock", "a")
    assert (assets[second.asset_id].status, assets[second.asset_id].condition) == ("in_repair", "d")
    assert {assets[first.asset_id].site_id, assets[second.asset_id].site_id} == {site.pk}
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED
    assert Receipt.objects.filter(loan=loan, kind=Receipt.Kind.RETURN).count() == 1  # one service call


def test_units_from_several_loans_return_together_and_the_page_comes_back(client, logistics):
    loans = [lend(make_user(), dock_model()), lend(make_user(), dock_model())]
    lines = [loan.lines.get() for loan in loans]
    codes = [line.asset.tag for line in lines]
    site = SiteFactory()
    client.force_login(logistics)
    response = confirm(client, codes, site, [row(lines[0]), row(lines[1], next_status="in_repair")])
    assert response.status_code == 302 and response.url == URL
    assert all(loan.lines.get().state == LoanLine.State.RETURNED for loan in loans)


def test_a_laptop_is_only_offered_reconditioning_and_always_goes_there(client, logistics, requester):
    loan = lend(requester, laptop_model(), dock_model())
    laptop, dock = loan.lines.order_by("pk")
    codes = [laptop.asset.tag, dock.asset.tag]
    site = SiteFactory()
    client.force_login(logistics)
    forms = scan(client, codes, site).context["formset"].forms
    assert [value for value, _label in forms[0].fields["next_status"].choices] == ["reconditioning"]
    assert forms[0].initial["next_status"] == "reconditioning"
    assert len(forms[1].fields["next_status"].choices) == 3
    # A tampered choice for the laptop is refused, nothing saved.
    response = confirm(client, codes, site, [row(laptop, next_status="in_stock"), row(dock)])
    assert response.status_code == 400
    returned_nothing(loan)
    response = confirm(client, codes, site, [row(laptop, next_status="reconditioning", condition="c"), row(dock)])
    assert response.status_code == 302
    assert Asset.objects.get(pk=laptop.asset_id).status == "reconditioning"
    assert Asset.objects.get(pk=dock.asset_id).status == "in_stock"


def test_unknown_codes_and_units_on_no_loan_are_named_and_nothing_is_saved(client, logistics, requester):
    loan = lend(requester, dock_model())
    in_stock = make_asset(model=dock_model())
    codes = [loan.lines.get().asset.tag, "IC-999999", in_stock.tag]
    site = SiteFactory()
    client.force_login(logistics)
    for response in (scan(client, codes, site), confirm(client, codes, site, [row(loan.lines.get())] * 3)):
        assert response.status_code == 400
        errors = " ".join(response.context["form"].errors["codes"])
        assert "IC-999999" in errors and in_stock.tag in errors and loan.lines.get().asset.tag not in errors
    returned_nothing(loan)


@pytest.mark.parametrize(
    "tamper",
    [
        {"condition": "z"},
        {"condition": ""},
        {"next_status": "disposed"},
        {"missing_parts": "x" * 300},
        {"line": "not-a-number"},
        {"line": "other"},  # a line of another loan, not among the scanned units
    ],
)
def test_bad_rows_are_form_errors_and_nothing_is_saved(client, logistics, requester, tamper):
    loan = lend(requester, dock_model(), dock_model())
    other = lend(make_user(), dock_model()).lines.get()
    first, second = loan.lines.order_by("pk")
    codes = [first.asset.tag, second.asset.tag]
    client.force_login(logistics)
    bad = {**row(second), **tamper}
    if bad["line"] == "other":
        bad["line"] = other.pk
    response = confirm(client, codes, SiteFactory(), [row(first), bad])
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors
    assert 'role="alert"' in response.content.decode()
    returned_nothing(loan)
    assert other.loan.lines.get().state == LoanLine.State.OPEN


@pytest.mark.parametrize("total", [1, 3, 0])
def test_a_row_count_other_than_the_scanned_units_is_refused(client, logistics, requester, total):
    loan = lend(requester, dock_model(), dock_model())
    first, second = loan.lines.order_by("pk")
    client.force_login(logistics)
    response = confirm(
        client, [first.asset.tag, second.asset.tag], SiteFactory(), [row(first), row(second)], total=total
    )
    assert response.status_code == 400
    returned_nothing(loan)


def test_a_unit_returned_by_someone_else_between_the_two_steps_is_refused(client, logistics, requester):
    loan = lend(requester, dock_model(), dock_model())
    first, second = loan.lines.order_by("pk")
    codes = [first.asset.tag, second.asset.tag]
    site = SiteFactory()
    client.force_login(logistics)
    assert scan(client, codes, site).status_code == 200
    services.loan_check_in(actor=logistics, site=site, items=[services.ReturnItem(line=second.pk)])
    events = AssetEvent.objects.count()
    response = confirm(client, codes, site, [row(first), row(second, condition="d")])
    assert response.status_code == 400
    assert second.asset.tag in " ".join(response.context["form"].errors["codes"])
    first.refresh_from_db()
    assert first.state == LoanLine.State.OPEN
    assert AssetEvent.objects.count() == events


def test_a_unit_returned_and_lent_again_between_the_steps_is_refused(client, logistics, requester):
    loan = lend(requester, dock_model())
    line = loan.lines.get()
    site = SiteFactory()
    services.loan_check_in(actor=logistics, site=site, items=[services.ReturnItem(line=line.pk)])
    again = services.loan_check_out(actor=None, borrower=make_user(), assets=[line.asset_id])
    client.force_login(logistics)
    response = confirm(client, [line.asset.tag], site, [row(line)])  # the row still names the old line
    assert response.status_code == 400
    assert again.lines.get().state == LoanLine.State.OPEN


def test_going_back_to_the_scan_keeps_the_codes(client, logistics, requester):
    loan = lend(requester, dock_model())
    tag = loan.lines.get().asset.tag
    client.force_login(logistics)
    response = client.post(URL, {"codes": tag, "site": SiteFactory().pk, "step": "edit"})
    assert response.status_code == 200 and response.context["formset"] is None
    assert tag in response.content.decode()
    returned_nothing(loan)


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT, Role.MANAGER, Role.SCHOOL_CONTACT])
def test_only_logistics_and_admins_check_in(client, role, requester):
    loan = lend(requester, dock_model())
    line = loan.lines.get()
    site = SiteFactory()
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403
    assert scan(client, [line.asset.tag], site).status_code == 403
    assert confirm(client, [line.asset.tag], site, [row(line)]).status_code == 403
    returned_nothing(loan)
    client.logout()
    assert client.get(URL).status_code == 302  # to the sign-in page
    client.force_login(make_user(Role.ADMIN))
    assert confirm(client, [line.asset.tag], site, [row(line)]).status_code == 302


@pytest.mark.parametrize("units", [3, 15])
def test_step_2_query_count_does_not_grow_with_the_units(client, logistics, django_assert_max_num_queries, units):
    loans = [lend(make_user(), dock_model(), laptop_model()) for _ in range(units // 2 + 1)]
    codes = [line.asset.tag for loan in loans for line in loan.lines.all()][:units]
    site = SiteFactory()
    client.force_login(logistics)
    scan(client, codes, site)  # warm per-process caches (content types, sessions)
    with django_assert_max_num_queries(14):
        response = scan(client, codes, site)
    assert len(response.context["formset"].forms) == units


def test_codes_resolve_in_bulk_by_the_same_rules_as_one_by_one():
    from assets.services import resolve_code, resolve_codes

    unique = make_asset(serial="SN-UNIQUE")
    make_asset(serial="SN-TWICE"), make_asset(serial="SN-TWICE")
    codes = [unique.tag.lower(), f"https://icity.example/equipment/a/{unique.tag}/", "SN-UNIQUE", "SN-TWICE", "NOPE"]
    found = resolve_codes(codes)
    assert found == {code: resolve_code(code) for code in codes}
    assert [found[code] for code in codes] == [unique, unique, unique, None, None]
