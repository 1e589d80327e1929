"""Tickets ↔ equipment: who may link what, what the pages and the API show, query ceilings."""

from datetime import date

import pytest
from django.urls import reverse

from assets.models import Asset
from loans.models import Loan, LoanLine
from tests.assets.factories import make_asset
from tests.factories import make_user
from tickets import services
from tickets.models import Ticket

from .factories import open_ticket

pytestmark = pytest.mark.django_db


def held(user, **fields) -> Asset:
    asset = make_asset(**fields)
    Asset.objects.filter(pk=asset.pk).update(status="on_loan", holder=user, site=None)
    asset.refresh_from_db()
    return asset


def lend(asset: Asset, *, due: date | None = date(2027, 1, 15)) -> Loan:
    loan = Loan.objects.create(borrower=asset.holder, borrower_label=asset.holder.email, due_date=due)
    LoanLine.objects.create(loan=loan, model=asset.model, asset=asset)
    return loan


def _open_form(category, **extra):
    return {
        "category": category.pk,
        "title": "Écran noir",
        "description": "Plus rien ne s'affiche.",
        "impact": "low",
        "urgency": "medium",
        **extra,
    }


def test_requester_links_own_equipment_when_opening(client, requester, category):
    laptop = held(requester)
    client.force_login(requester)
    page = client.get(reverse("tickets:new"))
    assert laptop.tag in page.content.decode()
    response = client.post(reverse("tickets:new"), _open_form(category, asset=laptop.pk))
    assert response.status_code == 302
    ticket = Ticket.objects.get(requester=requester)
    assert list(ticket.linked_assets.all()) == [laptop]
    assert ticket.timeline.filter(field="asset", new_value=laptop.tag).exists()


def test_requester_cannot_link_someone_elses_equipment(client, requester, category):
    other = held(make_user())
    client.force_login(requester)
    response = client.post(reverse("tickets:new"), _open_form(category, asset=other.pk))
    assert response.status_code == 400
    assert "asset" in response.context["form"].errors
    assert not Ticket.objects.exists()
    # The API applies the same rule.
    response = client.post(
        "/api/v1/tickets/",
        {"title": "x", "description": "y", "category": category.pk, "asset": other.tag},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_agent_opening_on_behalf_links_the_requesters_device_by_tag(client, requester, team_agent, category):
    laptop = held(requester)
    agents_own = held(team_agent)
    client.force_login(team_agent)
    page = client.get(reverse("tickets:new")).content.decode()
    assert 'name="asset"' in page and agents_own.tag not in page  # a tag field, not the agent's devices

    # Someone else's device (here the agent's own), or a tag nobody has: form errors, nothing saved.
    for tag, code in [(agents_own.tag, None), ("IC-999999", "unknown")]:
        form = _open_form(category, requester_email=requester.email, asset=tag)
        response = client.post(reverse("tickets:new"), form)
        assert response.status_code == 400
        assert response.context["form"].has_error("asset", code)
    assert not Ticket.objects.exists()

    form = _open_form(category, requester_email=requester.email, asset=f" {laptop.tag.lower()} ")
    response = client.post(reverse("tickets:new"), form)
    assert response.status_code == 302
    ticket = Ticket.objects.get(requester=requester)
    assert ticket.opened_by == team_agent
    assert list(ticket.linked_assets.all()) == [laptop]


def test_service_refuses_equipment_the_requester_does_not_hold(requester, category):
    other = held(make_user())
    with pytest.raises(services.ValidationError):
        open_ticket(requester, category=category, assets=[other])
    assert not Ticket.objects.exists()


def test_api_create_links_own_equipment(client, requester, category):
    laptop = held(requester)
    client.force_login(requester)
    response = client.post(
        "/api/v1/tickets/",
        {"title": "x", "description": "y", "category": category.pk, "asset": laptop.tag.lower()},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["linked_assets"] == [{"tag": laptop.tag, "model": laptop.model.name}]


def test_agent_links_and_unlinks_any_equipment(client, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    somebody_elses = held(make_user())
    loan = lend(somebody_elses)
    client.force_login(team_agent)
    url = reverse("tickets:asset", args=[ticket.reference])
    client.post(url, {"tag": somebody_elses.tag.lower()})
    assert list(ticket.linked_assets.all()) == [somebody_elses]
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert somebody_elses.tag in page
    assert somebody_elses.holder.email in page or somebody_elses.holder.get_full_name() in page
    assert loan.get_absolute_url() in page
    client.post(url, {"tag": somebody_elses.tag, "unlink": "1"})
    assert not ticket.linked_assets.exists()
    assert ticket.timeline.filter(field="asset", old_value=somebody_elses.tag).exists()


def test_requester_cannot_link_after_opening(client, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    laptop = held(requester)
    client.force_login(requester)
    assert client.post(reverse("tickets:asset", args=[ticket.reference]), {"tag": laptop.tag}).status_code == 403
    response = client.post(
        f"/api/v1/tickets/{ticket.reference}/link-asset/", {"tag": laptop.tag}, content_type="application/json"
    )
    assert response.status_code == 403
    with pytest.raises(services.ValidationError):
        services.ticket_link_asset(ticket=ticket, actor=requester, asset=laptop)
    assert not ticket.linked_assets.exists()


def test_api_link_and_unlink(client, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    asset = held(make_user())
    client.force_login(team_agent)
    base = f"/api/v1/tickets/{ticket.reference}/"
    response = client.post(base + "link-asset/", {"tag": asset.tag}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["linked_assets"][0]["tag"] == asset.tag
    assert client.post(base + "link-asset/", {"tag": asset.tag}, content_type="application/json").status_code == 400
    assert client.post(base + "link-asset/", {"tag": "IC-NOPE"}, content_type="application/json").status_code == 400
    response = client.post(base + "unlink-asset/", {"tag": asset.tag}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["linked_assets"] == []


def test_asset_page_linked_tickets_only_for_staff(client, requester, team_agent, category):
    requester_b = make_user()
    laptop = held(requester)
    ticket_a = open_ticket(requester, category=category, title="Secret de A", assets=[laptop])
    # The unit changes hands: B now holds it and may see its page, never A's ticket.
    Asset.objects.filter(pk=laptop.pk).update(holder=requester_b)
    client.force_login(requester_b)
    page = client.get(laptop.get_absolute_url())
    assert page.status_code == 200
    assert ticket_a.reference not in page.content.decode()
    assert "Secret de A" not in page.content.decode()
    client.force_login(team_agent)
    page = client.get(laptop.get_absolute_url()).content.decode()
    assert ticket_a.reference in page
    logistics = make_user("logistics")
    client.force_login(logistics)
    assert ticket_a.reference in client.get(laptop.get_absolute_url()).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_linked_assets_query_ceiling(client, django_assert_max_num_queries, rows, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    owner = make_user()
    assets = [held(owner) for _ in range(rows)]
    for asset in assets[::2]:
        lend(asset)
    ticket.linked_assets.add(*assets)
    client.force_login(team_agent)
    with django_assert_max_num_queries(22):
        response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["linked_assets"]) == rows
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 200
    for asset in assets[:3]:
        Ticket.objects.get(pk=open_ticket(requester, category=category).pk).linked_assets.add(asset)
    with django_assert_max_num_queries(20):
        assert client.get(assets[0].get_absolute_url()).status_code == 200
