"""Every inventory page and endpoint, for every role: who may read, who may change, who gets nothing."""

import pytest
from django.urls import reverse

from assets.models import ImportBatch
from assets.services import stocktake_start
from tests.assets.factories import make_asset, quantity_model, stock_of
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

READ, MANAGE = "read", "manage"


@pytest.fixture
def objects(logistics):
    from django.core.files.base import ContentFile

    asset = make_asset(tag="IC-424242")
    model, site = quantity_model(), SiteFactory()
    stock_of(model, site, 3)
    stocktake = stocktake_start(actor=logistics, site=site)
    batch = ImportBatch(kind="assets", original_name="a.csv", headers=["tag"], created_by=logistics)
    batch.file.save("a.csv", ContentFile(b"tag\nIC-1\n"))
    return {"asset": asset, "level": model.stock_levels.get(), "stocktake": stocktake, "batch": batch}


def pages(objects):
    tag = objects["asset"].tag
    return [
        ("assets:list", [], READ),
        ("assets:scan", [], READ),
        ("assets:stock", [], READ),
        ("assets:export", [], READ),
        ("assets:detail", [tag], READ),
        ("assets:stock-level", [objects["level"].pk], READ),
        ("assets:logistics", [], MANAGE),
        ("assets:create", [], MANAGE),
        ("assets:edit", [tag], MANAGE),
        ("assets:stock-move", [], MANAGE),
        ("assets:stocktakes", [], MANAGE),
        ("assets:stocktake", [objects["stocktake"].pk], MANAGE),
        ("assets:imports", [], MANAGE),
        ("assets:import", [objects["batch"].pk], MANAGE),
    ]


POSTS = [
    ("assets:status", "tag", {"status-status": "in_repair"}),
    ("assets:move", "tag", {"move-site": ""}),
    ("assets:bulk", None, {"status": "in_repair"}),
    ("assets:stocktake-confirm", "stocktake", {}),
]


@pytest.mark.parametrize("role", ["logistics", "admin_user", "agent", "requester", "school_contact", "anonymous"])
def test_every_page_for_every_role(client, request, objects, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for name, args, level in pages(objects):
        status = client.get(reverse(name, args=args)).status_code
        if role == "anonymous":
            expected = 302
        elif role in ("logistics", "admin_user"):
            expected = 200
        elif role == "agent":
            expected = 200 if level == READ else 403
        elif name == "assets:detail":
            expected = 404  # not their unit: it does not exist for them
        else:
            expected = 403
        assert status == expected, (role, name, status)


@pytest.mark.parametrize("role", ["agent", "requester", "school_contact"])
def test_no_change_for_roles_other_than_logistics(client, request, objects, role):
    client.force_login(request.getfixturevalue(role))
    for name, arg, data in POSTS:
        args = [] if arg is None else [objects["asset"].tag if arg == "tag" else objects[arg].pk]
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    objects["asset"].refresh_from_db()
    assert objects["asset"].status == "in_stock"


API = [
    ("/api/v1/assets/", {"logistics": 200, "agent": 200, "requester": 200, "school_contact": 200}),
    ("/api/v1/categories/", {"logistics": 200, "agent": 200, "requester": 200, "school_contact": 200}),
    ("/api/v1/product-models/", {"logistics": 200, "agent": 200, "requester": 200, "school_contact": 200}),
    ("/api/v1/kits/", {"logistics": 200, "agent": 200, "requester": 200, "school_contact": 200}),
    ("/api/v1/stock-levels/", {"logistics": 200, "agent": 200, "requester": 403, "school_contact": 403}),
    ("/api/v1/stock-movements/", {"logistics": 200, "agent": 200, "requester": 403, "school_contact": 403}),
]


@pytest.mark.parametrize("role", ["logistics", "agent", "requester", "school_contact", "anonymous"])
def test_every_endpoint_for_every_role(client, request, objects, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for url, expected in API:
        response = client.get(url)
        assert response.status_code == (403 if role == "anonymous" else expected[role]), (role, url)
        if url == "/api/v1/assets/" and role in ("requester", "school_contact"):
            assert response.json()["count"] == 0  # they hold nothing
    detail = client.get(f"/api/v1/assets/{objects['asset'].pk}/")
    assert detail.status_code == {"logistics": 200, "agent": 200}.get(role, 403 if role == "anonymous" else 404)
