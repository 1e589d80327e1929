"""KPI REST API (managers and admins only, allow-listed filters) and the /metrics endpoint."""

import hmac
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from icity.models import Notification
from kpis.definitions import all_kpis
from kpis.models import Snapshot, Target
from tests.factories import make_user
from tickets.models import TimelineEvent

from .builders import ticket

pytestmark = pytest.mark.django_db
OTHERS = ["requester", "agent", "logistics", "school_contact"]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_403_everywhere(request, role):
    client = api(request.getfixturevalue(role))
    for path in ("/api/v1/kpis/definitions/", "/api/v1/kpis/values/", "/api/v1/kpis/targets/"):
        assert client.get(path).status_code == 403
    assert client.post("/api/v1/kpis/targets/", {"code": "HD07", "year": 2026, "target": 1}).status_code == 403
    assert not Target.objects.exists()


def test_anonymous_is_refused():
    assert api().get("/api/v1/kpis/definitions/").status_code in (401, 403)


@pytest.mark.parametrize("role", ["manager", "admin_user"])
def test_managers_read_definitions_values_and_targets(request, role, django_assert_max_num_queries):
    now = timezone.now()
    for month in (date(2026, 1, 1), date(2026, 2, 1)):
        Snapshot.objects.create(
            code="HD07", month=month, value=Decimal("87.5"), numerator=7, denominator=8, computed_at=now, is_final=True
        )
        Snapshot.objects.create(
            code="HD07", month=month, scope_kind="team", scope_key="4", scope_label="N1", value=None, computed_at=now
        )
    client = api(request.getfixturevalue(role))
    definitions = client.get("/api/v1/kpis/definitions/").json()
    assert len(definitions) == len(all_kpis())
    assert {"code": "MN01", "entered_by_hand": True}.items() <= next(
        d for d in definitions if d["code"] == "MN01"
    ).items()
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/kpis/values/", {"code": "HD07", "from": "2026-02", "to": "2026-02"}).json()
    assert [(row["month"], row["value"], row["is_final"]) for row in body["results"]] == [
        ("2026-02-01", "87.5000", True)
    ]
    scoped = client.get("/api/v1/kpis/values/", {"code": "HD07", "scope_kind": "team", "scope_key": "4"}).json()
    assert [row["value"] for row in scoped["results"]] == [None, None]  # no data is null, never 0


@pytest.mark.parametrize(
    "params",
    [
        {"code": "XX01"},
        {"from": "2026-13"},
        {"to": "march"},
        {"scope_kind": "requester"},
        {"scope_key": "4"},
        {"order_by": "value"},
    ],
)
def test_bad_filters_are_400(manager, params):
    assert api(manager).get("/api/v1/kpis/values/", params).status_code == 400


def test_manager_sets_a_target_through_the_api_and_bad_input_saves_nothing(manager):
    client = api(manager)
    response = client.post(
        "/api/v1/kpis/targets/", {"code": "HD07", "year": 2026, "target": "90", "amber_band": "5"}, format="json"
    )
    assert response.status_code == 200
    assert Target.objects.get(code="HD07", year=2026).updated_by == manager
    for bad in (
        {"code": "XX01", "year": 2026, "target": "1"},
        {"code": "HD07", "year": 1900, "target": "1"},
        {"code": "HD07", "year": 2026, "target": "1", "amber_band": "-2"},
        {"code": "HD07", "year": 2026},
    ):
        assert client.post("/api/v1/kpis/targets/", bad, format="json").status_code == 400
    assert Target.objects.get().target == Decimal(90)
    assert client.get("/api/v1/kpis/targets/", {"year": 2026}).json()[0]["code"] == "HD07"
    assert client.get("/api/v1/kpis/targets/", {"year": "x"}).status_code == 400


def test_metrics_is_404_without_a_configured_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_requires_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-token").status_code == 401


def test_metrics_compares_the_token_in_constant_time(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    with mock.patch("kpis.metrics.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    compare.assert_called_once_with(b"wrong", b"s3cret-token")


def test_metrics_exposes_the_gauges_in_prometheus_text(client, settings, django_assert_max_num_queries):
    settings.METRICS_TOKEN = "s3cret-token"
    requester = make_user()
    now = timezone.now()
    open_ticket = ticket(requester, now - timedelta(hours=3))
    ticket(requester, now - timedelta(hours=2), status="cancelled")
    TimelineEvent.objects.create(ticket=open_ticket, field="sla_resolution", new_value="breached", created_at=now)
    TimelineEvent.objects.create(
        ticket=open_ticket, field="sla_resolution", new_value="breached", created_at=now - timedelta(days=2)
    )
    Notification.objects.create(
        recipient=requester,
        to_email="a@example.org",
        template="tickets_waiting",
        dedupe_key="k1",
        created_at=now - timedelta(seconds=90),
    )
    with django_assert_max_num_queries(4):
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE icity_tickets_backlog gauge\nicity_tickets_backlog 1\n" in text
    assert "icity_loans_overdue 0\n" in text
    assert "icity_sla_breaches_today 1\n" in text
    lag = float(text.split("\nicity_outbox_lag_seconds ")[1].split("\n")[0])
    assert 89 <= lag < 600
