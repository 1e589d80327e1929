"""The monthly report to the City: draft on the 2nd business day, files that standard readers open, approval once."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from icity.models import Notification
from icity.outbox import outbox_drain
from icity.roles import Role
from kpis.definitions import all_kpis
from kpis.models import MonthlyReport, ReportRecipient, Snapshot, Target
from kpis.reports import services
from tests.factories import make_user

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
MARCH = date(2026, 3, 1)
EVIL = '=HYPERLINK("http://evil.example","click")'


def snapshots():
    """LG04 for 13 months (March 2025 … March 2026: 10, 11, … 22), LG08 for March, and a target."""
    now = timezone.now()
    for number in range(13):
        year, index = divmod(2 + number, 12)
        when = date(2025 + year, index + 1, 1)
        Snapshot.objects.create(code="LG04", month=when, value=Decimal(10 + number), computed_at=now, is_final=True)
    Snapshot.objects.create(
        code="LG08", month=MARCH, value=Decimal("12.5"), numerator=5, denominator=40, computed_at=now, is_final=True
    )
    Target.objects.create(code="LG08", year=2026, target=Decimal("10"), amber_band=Decimal("5"))


@pytest.fixture
def recipients():
    ReportRecipient.objects.create(name="Cabinet de l'échevin", email="echevin@brucity.example", language="fr")
    ReportRecipient.objects.create(name="Kabinet van de schepen", email="schepen@brucity.example", language="nl")
    ReportRecipient.objects.create(name="Former", email="former@brucity.example", is_active=False)


@pytest.mark.parametrize(
    "month, expected",
    [
        (date(2026, 12, 1), date(2026, 12, 2)),  # Tuesday 1st, Wednesday 2nd
        (date(2027, 1, 1), date(2027, 1, 5)),  # New Year's Day (Friday), weekend, Monday 4th is the first
        (date(2026, 11, 1), date(2026, 11, 3)),  # Sunday 1st (All Saints), Monday 2nd is the first
        (date(2026, 8, 1), date(2026, 8, 4)),  # Saturday 1st
    ],
)
def test_second_business_day(month, expected):
    assert services.second_business_day(month) == expected


def test_the_daily_job_prepares_last_months_draft_once_from_the_second_business_day():
    snapshots()
    # Thursday 2 April 2026 is the 2nd business day (Wednesday 1st is the first).
    assert services.report_prepare_due(now=datetime(2026, 4, 1, 12, tzinfo=BRUSSELS)) is None
    report = services.report_prepare_due(now=datetime(2026, 4, 2, 6, 40, tzinfo=BRUSSELS))
    assert report.month == MARCH and report.is_draft
    assert services.report_prepare_due(now=datetime(2026, 4, 3, 6, 40, tzinfo=BRUSSELS)) is None
    assert MonthlyReport.objects.count() == 1
    assert sorted(report.files.values_list("kind", "language")) == [
        ("pdf", "fr"),
        ("pdf", "nl"),
        ("xlsx", "fr"),
        ("xlsx", "nl"),
    ]


def _file(report, kind, language) -> bytes:
    """The file as downloaded (a draft commented on since is rebuilt first)."""
    report.refresh_from_db()
    return bytes(services.report_file_current(report=report, kind=kind, language=language).content)


def test_the_pdf_opens_with_a_standard_reader_in_french_and_dutch():
    snapshots()
    report = services.report_prepare(month=MARCH)
    services.report_comment_save(
        user=make_user(Role.MANAGER), report=report, domain="logistics", text="Pic de retours <b>fin mars</b>."
    )
    for language, month_name, draft in (("fr", "mars 2026", "Brouillon"), ("nl", "maart 2026", "Ontwerp")):
        reader = PdfReader(io.BytesIO(_file(report, "pdf", language)))
        # One page (at least) per domain, each starting on a new page.
        assert len(reader.pages) >= len({kpi.domain for kpi in all_kpis()})
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert month_name in text and draft in text
        assert "LG04" in text and "LG08" in text
        assert "Pic de retours <b>fin mars</b>." in text  # the comment, as text (escaped, not markup)
    french = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(_file(report, "pdf", "fr"))).pages
    )
    assert "12,5 %" in french and "Proche de l'objectif" in french  # LG08: 12.5 against 10 (lower is better), band 5


def test_the_xlsx_has_one_sheet_per_domain_native_charts_and_neutralised_text():
    snapshots()
    report = services.report_prepare(month=MARCH)
    services.report_comment_save(user=make_user(Role.MANAGER), report=report, domain="logistics", text=EVIL)
    workbook = load_workbook(io.BytesIO(_file(report, "xlsx", "nl")))
    assert len(workbook.sheetnames) == len({kpi.domain for kpi in all_kpis()})
    sheet = workbook["Logistiek"]
    assert len(sheet._charts) >= 1  # LG04 has 13 months of history (openpyxl reads charts back)
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "'" + EVIL in values and EVIL not in values
    assert "LG04" in values and 22.0 in values
    french = load_workbook(io.BytesIO(_file(report, "xlsx", "fr")))
    assert "Logistique" in french.sheetnames


def test_approval_sends_one_email_per_recipient_with_both_files_once(recipients, settings):
    snapshots()
    manager = make_user(Role.MANAGER, first_name="Claire", last_name="Dubois")
    report = services.report_prepare(month=MARCH)
    assert services.report_approve(user=manager, report=report) is True
    assert services.report_approve(user=manager, report=report) is False  # approved twice: sent once
    report.refresh_from_db()
    assert report.status == "sent" and report.approved_by == manager and report.approved_at is not None
    assert "former@" not in report.recipients
    rows = Notification.objects.filter(template="kpis_report")
    assert rows.count() == 2
    outbox_drain()
    assert sorted(message.to[0] for message in mail.outbox) == ["echevin@brucity.example", "schepen@brucity.example"]
    dutch = next(message for message in mail.outbox if message.to == ["schepen@brucity.example"])
    names = sorted(name for name, _content, _type in dutch.attachments)
    assert names == ["verslag-icity-2026-03.pdf", "verslag-icity-2026-03.xlsx"]
    pdf = next(content for name, content, _type in dutch.attachments if name.endswith(".pdf"))
    assert "Goedgekeurd door Claire Dubois" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # A sent report never changes: no rebuild, no comment.
    before = _file(report, "pdf", "fr")
    services.report_prepare(month=MARCH)
    assert _file(report, "pdf", "fr") == before
    with pytest.raises(ValidationError) as refused:
        services.report_comment_save(user=manager, report=report, domain="logistics", text="Too late")
    assert refused.value.code == "sent"


def test_approval_without_recipients_is_refused_and_nothing_changes():
    report = services.report_prepare(month=MARCH)
    with pytest.raises(ValidationError) as refused:
        services.report_approve(user=make_user(Role.MANAGER), report=report)
    assert refused.value.code == "recipients"
    report.refresh_from_db()
    assert report.is_draft and not Notification.objects.exists()


# ------------------------------------------------------------------------------ pages


@pytest.fixture
def draft():
    snapshots()
    return services.report_prepare(month=MARCH)


def urls(report):
    month = f"{report.month:%Y-%m}"
    return {
        "get": [
            reverse("kpis_reports:list"),
            reverse("kpis_reports:detail", args=[month]),
            reverse("kpis_reports:download", args=[month, "pdf", "fr"]),
        ],
        "post": [
            reverse("kpis_reports:comment", args=[month]),
            reverse("kpis_reports:approve", args=[month]),
            reverse("kpis_reports:prepare"),
        ],
    }


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT, Role.LOGISTICS, Role.SCHOOL_CONTACT])
def test_every_other_role_is_refused(client, draft, recipients, role):
    client.force_login(make_user(role))
    for url in urls(draft)["get"]:
        assert client.get(url).status_code == 403, url
    for url in urls(draft)["post"]:
        assert client.post(url, {"domain": "logistics", "text": "x"}).status_code == 403, url
    draft.refresh_from_db()
    assert draft.is_draft and not draft.comments.exists() and not Notification.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, draft):
    for url in urls(draft)["get"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_a_manager_comments_approves_and_downloads(client, draft, recipients, role, django_assert_max_num_queries):
    user = make_user(role)
    client.force_login(user)
    month = "2026-03"
    page = client.get(reverse("kpis_reports:detail", args=[month]))
    assert page.status_code == 200 and "LG04" in page.content.decode()
    response = client.post(
        reverse("kpis_reports:comment", args=[month]), {"domain": "logistics", "text": "<script>x</script>"}
    )
    assert response.status_code == 302
    page = client.get(reverse("kpis_reports:detail", args=[month])).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert client.post(reverse("kpis_reports:approve", args=[month])).status_code == 302
    draft.refresh_from_db()
    assert not draft.is_draft and draft.approved_by == user
    download = client.get(reverse("kpis_reports:download", args=[month, "xlsx", "nl"]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="verslag-icity-2026-03.xlsx"'
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("kpis_reports:list"))
    assert listing.status_code == 200 and "verslag" not in listing.content.decode()


def test_bad_input_is_refused(client, draft):
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("kpis_reports:detail", args=["2026-13"])).status_code == 404
    assert client.get(reverse("kpis_reports:detail", args=["march"])).status_code == 404
    assert client.get(reverse("kpis_reports:detail", args=["2025-01"])).status_code == 404
    assert client.get(reverse("kpis_reports:download", args=["2026-03", "exe", "fr"])).status_code == 404
    assert client.get(reverse("kpis_reports:download", args=["2026-03", "pdf", "de"])).status_code == 404
    client.post(reverse("kpis_reports:comment", args=["2026-03"]), {"domain": "nowhere", "text": "x"})
    client.post(reverse("kpis_reports:comment", args=["2026-03"]), {"domain": "logistics", "text": "x" * 2001})
    assert not draft.comments.exists()
    assert client.get(reverse("kpis_reports:approve", args=["2026-03"])).status_code == 405


# ------------------------------------------------------------------------------ API (archive, read-only)


def test_api_lists_reports_with_their_files_for_managers(client, draft, django_assert_max_num_queries):
    client.force_login(make_user(Role.MANAGER))
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/kpis/reports/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["month"] == "2026-03" and row["status"] == "draft" and row["approved_by"] is None
    assert {(file["kind"], file["language"]) for file in row["files"]} == {
        ("pdf", "fr"),
        ("pdf", "nl"),
        ("xlsx", "fr"),
        ("xlsx", "nl"),
    }
    assert client.get("/api/v1/kpis/reports/2026-03/").json()["month"] == "2026-03"
    download = client.get(row["files"][0]["url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert client.get("/api/v1/kpis/reports/2026-02/").status_code == 404
    assert client.get("/api/v1/kpis/reports/2026-03/files/pdf-de/").status_code == 404
    assert client.post("/api/v1/kpis/reports/").status_code == 405


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT, Role.LOGISTICS, Role.SCHOOL_CONTACT])
def test_api_refuses_every_other_role(client, draft, role):
    client.force_login(make_user(role))
    for url in ("/api/v1/kpis/reports/", "/api/v1/kpis/reports/2026-03/", "/api/v1/kpis/reports/2026-03/files/pdf-fr/"):
        assert client.get(url).status_code == 403, url


def test_api_needs_authentication(client, draft):
    assert client.get("/api/v1/kpis/reports/").status_code in (401, 403)
