"""The monthly report's workflow: prepare the draft, comment, approve (and send, once).

On the 2nd business day of a month the beat job prepares the draft for the
month just ended from the stored snapshots. Managers comment per domain and
approve; approval locks the report row, rebuilds the files with the approval
line, marks it sent and queues one email per recipient through the outbox
(dedupe key per month and address), so two approvals at the same moment send
it once.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.outbox import notify
from tickets import sla

from ..definitions.base import BRUSSELS, DOMAINS, Period
from .build import build_pdf, build_xlsx
from .models import REPORT_LANGUAGES, MonthlyReport, ReportComment, ReportFile, ReportRecipient

ATTACHMENT_KIND = "kpis.report_file"
COMMENT_MAX = 2000


def second_business_day(month: date) -> date:
    """The second working day (SLA calendar: weekends, Belgian holidays, closure days) of ``month``."""
    day, found = month.replace(day=1), 0
    while True:
        if sla.is_working_day(day):
            found += 1
            if found == 2:
                return day
        day += timedelta(days=1)


def _today(now=None) -> date:
    return timezone.localtime(now or timezone.now(), BRUSSELS).date()


BUILDERS = {"pdf": build_pdf, "xlsx": build_xlsx}


def _build_file(report: MonthlyReport, kind: str, language: str, *, approved: tuple | None = None) -> ReportFile:
    comments = dict(report.comments.values_list("domain", "text"))
    content = BUILDERS[kind](month=report.month, language=language, comments=comments, approved=approved)
    row, _created = ReportFile.objects.update_or_create(
        report=report, kind=kind, language=language, defaults={"content": content, "built_at": timezone.now()}
    )
    return row


def _build_files(report: MonthlyReport, *, approved: tuple | None = None) -> None:
    for language in REPORT_LANGUAGES:
        for kind in BUILDERS:
            _build_file(report, kind, language, approved=approved)


def report_file_current(*, report: MonthlyReport, kind: str, language: str) -> ReportFile | None:
    """The file to download. A draft's file commented on since it was built is rebuilt first (that one file:
    saving a comment stays quick); a sent report's files never change."""
    if kind not in BUILDERS or language not in REPORT_LANGUAGES:
        return None
    row = ReportFile.objects.filter(report=report, kind=kind, language=language).first()
    if not report.is_draft:
        return row
    last_comment = report.comments.order_by("-updated_at").values_list("updated_at", flat=True).first()
    if row is None or (last_comment is not None and last_comment > row.built_at):
        row = _build_file(report, kind, language)
    return row


@transaction.atomic
def report_prepare(*, month: date) -> MonthlyReport:
    """Create (or rebuild) the draft for ``month``. A sent report is never rebuilt."""
    month = Period.of(month).month
    MonthlyReport.objects.get_or_create(month=month, defaults={"prepared_at": timezone.now()})
    report = MonthlyReport.objects.select_for_update().get(month=month)
    if not report.is_draft:
        return report
    report.prepared_at = timezone.now()
    report.save(update_fields=["prepared_at"])
    _build_files(report)
    return report


def report_prepare_due(*, now=None) -> MonthlyReport | None:
    """The daily beat job: from the 2nd business day on, make sure last month's draft exists."""
    today = _today(now)
    if today < second_business_day(today.replace(day=1)):
        return None
    previous = Period.of(today).previous().month
    if MonthlyReport.objects.filter(month=previous).exists():
        return None
    return report_prepare(month=previous)


@transaction.atomic
def report_comment_save(*, user, report: MonthlyReport, domain: str, text: str) -> MonthlyReport:
    """Set (or clear, with empty text) the comment on one domain of a draft.

    The draft's files are rebuilt when next downloaded (``report_file_current``) and on approval.
    """
    if domain not in DOMAINS:
        raise ValidationError(_("Unknown domain."), code="domain")
    text = text.strip()
    if len(text) > COMMENT_MAX:
        raise ValidationError(_("A comment is at most %(max)d characters.") % {"max": COMMENT_MAX}, code="length")
    locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_draft:
        raise ValidationError(_("This report was already sent; it can no longer change."), code="sent")
    if text:
        ReportComment.objects.update_or_create(
            report=locked, domain=domain, defaults={"text": text, "author": user, "updated_at": timezone.now()}
        )
    else:
        ReportComment.objects.filter(report=locked, domain=domain).delete()
        # A removed comment must also leave the files: date the change like an edit.
        locked.files.update(built_at=timezone.now() - timedelta(days=3650))
    return locked


def report_approve(*, user, report: MonthlyReport) -> bool:
    """Approve a draft and send it to the recipients. Returns False when it had been sent already."""
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if not locked.is_draft:
            return False
        recipients = list(ReportRecipient.objects.filter(is_active=True).order_by("email"))
        if not recipients:
            raise ValidationError(
                _("No recipient is set: add the City's recipients in the administration first."), code="recipients"
            )
        now = timezone.now()
        name = user.get_full_name() or user.email
        _build_files(locked, approved=(name, now))
        locked.status, locked.approved_by, locked.approved_at = MonthlyReport.Status.SENT, user, now
        locked.recipients = "\n".join(str(recipient) for recipient in recipients)
        locked.save(update_fields=["status", "approved_by", "approved_at", "recipients"])
        files = {(row.kind, row.language): row.pk for row in locked.files.all()}
        for recipient in recipients:
            language = recipient.language if recipient.language in REPORT_LANGUAGES else "fr"
            notify(
                dedupe_key=f"kpis-report:{locked.month:%Y-%m}:{recipient.email.lower()}",
                template="kpis_report",
                to_email=recipient.email,
                language=language,
                context={
                    "recipient_name": recipient.name,
                    "month": f"{locked.month:%Y-%m}",
                    "month_start": locked.month.isoformat(),
                    "approved_by": name,
                },
                attachments=[
                    {"kind": ATTACHMENT_KIND, "id": files[("pdf", language)]},
                    {"kind": ATTACHMENT_KIND, "id": files[("xlsx", language)]},
                ],
            )
    return True


def report_file_attachment(file_id: int):
    """The outbox's attachment provider: (filename, bytes, mimetype), or None when the file is gone."""
    row = ReportFile.objects.select_related("report").filter(pk=file_id).first()
    if row is None:
        return None
    return row.filename, bytes(row.content), row.mimetype


def report_url(report: MonthlyReport) -> str:
    return reverse("kpis_reports:detail", kwargs={"month": f"{report.month:%Y-%m}"})
