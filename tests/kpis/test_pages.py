"""The managers' KPI pages: who may open them, what they show, bad input, query ceilings."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from icity.roles import Role
from kpis.definitions import all_kpis
from kpis.models import ManualEntry, Recompute, Snapshot, Target
from kpis.reading import months_back
from kpis.services import current_month
from tests.factories import make_user
from tests.tickets.factories import TeamFactory

pytestmark = pytest.mark.django_db
PAGES = [
    ("kpis:dashboard", []),
    ("kpis:annual", []),
    ("kpis:detail", ["HD07"]),
    ("kpis:manual", ["MN01"]),
]


def seed(months: int = 13, teams: int = 3):
    """Stored rows as the snapshot job leaves them: every KPI, overall and per team."""
    now = timezone.now()
    team_ids = [TeamFactory().pk for _ in range(teams)]
    rows = []
    for month in months_back(current_month(), months):
        for index, kpi in enumerate(all_kpis()):
            value = Decimal(40 + index + month.month)
            rows.append(Snapshot(code=kpi.code, month=month, value=value, computed_at=now, is_final=True))
            if "team" in kpi.scopes:
                for team_id in team_ids:
                    rows.append(
                        Snapshot(
                            code=kpi.code,
                            month=month,
                            scope_kind="team",
                            scope_key=str(team_id),
                            scope_label=f"Team {team_id}",
                            value=value / 2,
                            computed_at=now,
                            is_final=True,
                        )
                    )
    Snapshot.objects.bulk_create(rows)
    return team_ids


@pytest.mark.parametrize("url_name,args", PAGES)
@pytest.mark.parametrize("role", ["requester", "agent", "logistics", "school_contact"])
def test_other_roles_are_refused(client, request, role, url_name, args):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(url_name, args=args)).status_code == 403


@pytest.mark.parametrize("url_name,args", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name, args):
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("url_name,args", PAGES)
@pytest.mark.parametrize("role", ["manager", "admin_user"])
def test_managers_and_admins_open_every_page(client, request, role, url_name, args):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(url_name, args=args)).status_code == 200


@pytest.mark.parametrize("role", ["requester", "agent", "logistics", "school_contact"])
def test_other_roles_cannot_post_targets_entries_or_recomputes(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("kpis:target", args=["HD07"]), {"year": 2026, "target": 90}).status_code == 403
    assert client.post(reverse("kpis:manual", args=["MN03"]), {"month": "2026-01", "value": 3}).status_code == 403
    assert client.post(reverse("kpis:recompute"), {"month": "2026-01", "reason": "x"}).status_code == 403
    assert not Target.objects.exists() and not ManualEntry.objects.exists() and not Recompute.objects.exists()


def test_unknown_kpi_is_404_and_a_computed_kpi_has_no_entry_form(client, manager):
    client.force_login(manager)
    assert client.get(reverse("kpis:detail", args=["XX99"])).status_code == 404
    assert client.get(reverse("kpis:manual", args=["HD01"])).status_code == 404


def test_dashboard_shows_tiles_with_status_words_and_reads_few_queries(client, manager, django_assert_max_num_queries):
    seed()
    last = months_back(current_month(), 2)[0]
    Target.objects.create(code="HD07", year=last.year, target=Decimal(10), amber_band=Decimal(5))
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("kpis:dashboard"))
    html = response.content.decode()
    assert html.count('class="kpi-tile"') == len(all_kpis())
    # HD07 is a "higher" KPI above its target: the status is in words (the user reads French).
    assert 'kpi-status-green">Objectif atteint<' in html
    assert html.count("<svg") >= len(all_kpis())


def test_dashboard_filters_by_team_where_a_kpi_allows(client, manager, django_assert_max_num_queries):
    team_ids = seed(teams=2)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("kpis:dashboard"), {"scope": f"team:{team_ids[0]}"})
    html = response.content.decode()
    assert 'class="kpi-note"' in html  # HD01 by team yes, HD13 by team no: a note says so
    assert f'value="team:{team_ids[0]}" selected' in html


def test_dashboard_ignores_a_filter_outside_the_allow_list(client, manager):
    client.force_login(manager)
    response = client.get(reverse("kpis:dashboard"), {"scope": "requester:1"})
    assert response.status_code == 200
    assert 'class="kpi-note"' not in response.content.decode()


def test_kpi_page_has_chart_table_breakdown_and_records_link(client, django_assert_max_num_queries):
    seed(months=24)
    client.force_login(make_user(Role.MANAGER, Role.AGENT))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("kpis:detail", args=["HD01"]))
    html = response.content.decode()
    assert '<svg class="chart"' in html and "<table>" in html
    assert html.count("<tr>") >= 24
    last = months_back(current_month(), 2)[0]
    period_end = months_back(current_month(), 1)[0]
    assert f"/tickets/queue/?created_from={last.isoformat()}" in html
    assert "created_to=" in html and period_end
    assert "Team " in html  # the breakdown by team


def test_manager_sets_a_target_and_bad_input_saves_nothing(client, manager):
    client.force_login(manager)
    url = reverse("kpis:target", args=["HD07"])
    client.post(url, {"year": 2026, "target": "90", "amber_band": "5"})
    target = Target.objects.get(code="HD07", year=2026)
    assert (target.target, target.amber_band, target.updated_by) == (Decimal(90), Decimal(5), manager)
    client.post(url, {"year": 2026, "target": "95", "amber_band": "-1"})
    client.post(url, {"year": "abc", "target": "95", "amber_band": "1"})
    target.refresh_from_db()
    assert target.target == Decimal(90) and Target.objects.count() == 1
    html = client.get(reverse("kpis:detail", args=["HD07"])).content.decode()
    assert 'name="target" value="90"' in html and 'name="amber_band" value="5"' in html


def test_manager_enters_a_manual_value_with_history(client, manager):
    client.force_login(manager)
    url = reverse("kpis:manual", args=["MN02"])
    client.post(url, {"month": "2026-01", "value": "3", "amount": "12500.50", "note": "Marchés <b>"})
    client.post(url, {"month": "2026-01", "value": "4", "amount": "13000"})
    assert client.post(url, {"month": "2999-01", "value": "4"}).status_code == 200  # form error
    assert client.post(url, {"month": "janvier", "value": "4"}).status_code == 200
    assert ManualEntry.objects.filter(code="MN02").count() == 2
    assert Snapshot.objects.get(code="MN02", month=date(2026, 1, 1)).value == 4
    html = client.get(url).content.decode()
    assert "Marchés &lt;b&gt;" in html


def test_manager_recomputes_a_month_with_a_reason(client, manager):
    client.force_login(manager)
    month = months_back(current_month(), 2)[0]
    response = client.post(
        reverse("kpis:recompute"), {"month": month.strftime("%Y-%m"), "reason": "Correction", "code": "HD01"}
    )
    assert response.status_code == 302
    log = Recompute.objects.get()
    assert (log.user, log.reason, log.month) == (manager, "Correction", month)
    client.post(reverse("kpis:recompute"), {"month": month.strftime("%Y-%m"), "reason": ""})
    assert Recompute.objects.count() == 1


def test_annual_page_shows_year_value_and_change(client, manager, django_assert_max_num_queries):
    now = timezone.now()
    for year, values in ((2024, [10, 10]), (2025, [12, 12])):
        for month, value in zip((1, 2), values, strict=True):
            Snapshot.objects.create(
                code="HD01", month=date(year, month, 1), value=value, computed_at=now, is_final=True
            )
            Snapshot.objects.create(
                code="HD07", month=date(year, month, 1), value=Decimal(50), numerator=1, denominator=2, computed_at=now
            )
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("kpis:annual"), {"year": 2025})
    html = response.content.decode()
    assert "+20.0 %" in html or "+20,0 %" in html  # 24 tickets against 20


def test_a_manager_who_is_not_an_agent_follows_the_records_to_their_teams_queue(client, manager):
    # Managers read their teams' tickets (issue 18), so the records link is theirs too.
    client.force_login(manager)
    html = client.get(reverse("kpis:detail", args=["HD01"])).content.decode()
    assert 'href="/tickets/queue/?' in html or 'href="/tickets/queue/"' in html
    assert "réservée aux agents" not in html
    html = client.get(reverse("kpis:detail", args=["HD16"])).content.decode()
    assert 'href="/surveys/csat/"' in html


def test_manual_entry_history_reads_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    for month in range(1, 11):
        ManualEntry.objects.create(code="MN03", month=date(2025, month, 1), value=month, entered_by=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("kpis:manual", args=["MN03"]))
    assert response.content.decode().count("<tr>") == 11
