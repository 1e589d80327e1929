"""Issue #5: "report a problem" next to each unit a borrower holds opens a ticket linked to that unit.

``assets`` offers the link through ``assets.hooks`` (it never imports ``tickets``); the ticket
form preselects the unit only when the person holds it and says nothing about anyone else's.
"""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assets import hooks
from assets.models import Asset
from assets.services import asset_assign
from loans import services as loans
from tests.assets.factories import make_asset
from tests.factories import make_user
from tests.loans.loan_factories import dock_model, terms
from tickets.models import Category, Ticket

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db


def lend(borrower, count: int = 1):
    return loans.loan_check_out(
        actor=None,
        borrower=borrower,
        assets=[make_asset(model=dock_model()) for _ in range(count)],
        due_date=timezone.localdate() + timedelta(days=30),
        terms=terms(),
        accepted_name="X",
    )


def report_links(page: str) -> dict[str, str]:
    """{tag in the URL: accessible name} of every "Report a problem" link on the page."""
    found = re.findall(r'<a class="report-problem" href="/[^"]*\?asset=([^"]+)" aria-label="([^"]+)"', page)
    return dict(found)


@pytest.fixture
def equipment_category(team):
    return CategoryFactory(default_team=team, for_equipment=True)


def test_my_equipment_offers_report_a_problem_for_each_unit_named_by_its_tag(client, requester):
    loan = lend(requester, count=2)
    assigned = make_asset()
    asset_assign(actor=None, asset=assigned, holder=requester)
    lend(make_user())
    client.force_login(requester)
    page = client.get(reverse("assets:mine")).content.decode()
    tags = sorted([line.asset.tag for line in loan.lines.all()] + [assigned.tag])
    links = report_links(page)
    assert sorted(links) == tags
    assert all(tag in name for tag, name in links.items())


def test_the_borrowers_loan_page_offers_the_link_and_logistics_does_not_see_it(client, requester, logistics):
    loan = lend(requester)
    tag = loan.lines.get().asset.tag
    client.force_login(requester)
    assert list(report_links(client.get(loan.get_absolute_url()).content.decode())) == [tag]
    client.force_login(logistics)
    assert report_links(client.get(loan.get_absolute_url()).content.decode()) == {}


def test_without_a_helpdesk_there_is_no_link(client, requester, monkeypatch):
    monkeypatch.setattr(hooks, "_problem_report", None)
    loan = lend(requester)
    client.force_login(requester)
    assert report_links(client.get(reverse("assets:mine")).content.decode()) == {}
    assert report_links(client.get(loan.get_absolute_url()).content.decode()) == {}


def test_borrower_reports_a_problem_and_the_ticket_is_linked_to_the_unit(client, requester, equipment_category):
    loan = lend(requester)
    asset = loan.lines.get().asset
    client.force_login(requester)
    page = client.get(reverse("assets:mine")).content.decode()
    url = re.search(r'<a class="report-problem" href="([^"]+)"', page).group(1)

    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["asset"] == asset.pk
    assert form.initial["category"] == equipment_category.pk
    assert asset.tag in form.initial["title"]
    assert re.search(rf'<option value="{asset.pk}" selected>', response.content.decode())

    data = {
        "category": form.initial["category"],
        "title": form.initial["title"],
        "description": "The dock no longer charges the laptop.",
        "impact": "low",
        "urgency": "medium",
        "asset": form.initial["asset"],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    ticket = Ticket.objects.get(requester=requester)
    assert list(ticket.linked_assets.all()) == [asset]
    assert ticket.category == equipment_category


def test_the_unit_may_be_given_by_id_too(client, requester):
    asset = lend(requester).lines.get().asset
    client.force_login(requester)
    response = client.get(reverse("tickets:new"), {"asset": asset.pk})
    assert response.context["form"].initial["asset"] == asset.pk
    # No category is marked for equipment problems: the requester chooses one.
    assert "category" not in response.context["form"].initial


@pytest.mark.parametrize("by", ["pk", "tag"])
def test_someone_elses_unit_in_the_url_is_ignored_and_cannot_be_submitted(client, requester, category, by):
    theirs = lend(make_user()).lines.get().asset
    client.force_login(requester)
    response = client.get(reverse("tickets:new"), {"asset": getattr(theirs, by)})
    assert response.status_code == 200
    assert "asset" not in response.context["form"].initial
    assert "title" not in response.context["form"].initial
    main = response.content.decode().split("<main", 1)[1]
    assert theirs.tag not in main  # (the language switcher echoes the URL the person typed; that says nothing)

    response = client.post(
        reverse("tickets:new") + f"?asset={theirs.tag}",
        {
            "category": category.pk,
            "title": "Problem",
            "description": "Broken.",
            "impact": "low",
            "urgency": "medium",
            "asset": theirs.pk,
        },
    )
    assert response.status_code == 400
    assert "asset" in response.context["form"].errors
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", ["", "IC-999999", "999999", "9" * 40, "²", "not a tag", "x" * 500])
def test_unknown_values_are_ignored(client, requester, value):
    client.force_login(requester)
    response = client.get(reverse("tickets:new"), {"asset": value})
    assert response.status_code == 200
    assert "asset" not in response.context["form"].initial


def test_a_returned_unit_is_no_longer_offered(client, requester, logistics):
    loan = lend(requester)
    line = loan.lines.get()
    loans.loan_check_in(actor=logistics, site=line.asset.site or make_asset().site, items=[loans.ReturnItem(line=line)])
    client.force_login(requester)
    assert report_links(client.get(reverse("assets:mine")).content.decode()) == {}
    response = client.get(reverse("tickets:new"), {"asset": line.asset.tag})
    assert "asset" not in response.context["form"].initial


def test_one_category_at_most_is_for_equipment(team):
    CategoryFactory(default_team=team, for_equipment=True)
    with pytest.raises(IntegrityError):
        CategoryFactory(default_team=team, for_equipment=True)


def test_my_equipment_queries_do_not_grow_with_the_units_and_their_links(client, requester):
    client.force_login(requester)
    # Warm the per-process caches (content types, session) an earlier test on this worker may have cleared.
    client.get(reverse("assets:mine"))
    counts = []
    for units in (2, 20):
        lend(requester, count=units // 2)
        lend(requester, count=units // 2)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("assets:mine")).content.decode()
        counts.append(len(queries))
    assert len(report_links(page)) == Asset.objects.filter(holder=requester).count() == 22
    assert counts[0] == counts[1]


def test_the_api_opens_a_ticket_about_a_unit_the_requester_holds(client, requester, equipment_category):
    asset = lend(requester).lines.get().asset
    theirs = lend(make_user()).lines.get().asset
    client.force_login(requester)
    body = {"title": "Dock", "description": "No power.", "category": equipment_category.pk}
    response = client.post("/api/v1/tickets/", {**body, "asset": theirs.tag}, content_type="application/json")
    assert response.status_code == 400 and not Ticket.objects.exists()
    response = client.post("/api/v1/tickets/", {**body, "asset": asset.tag}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["linked_assets"] == [{"tag": asset.tag, "model": asset.model.name}]
    assert Category.objects.filter(for_equipment=True).count() == 1
