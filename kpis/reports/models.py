"""The monthly report to the City: a draft built from the stored snapshots, comments, approval, the archive.

Imported by ``kpis.models`` so Django registers these models with the kpis app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REPORT_LANGUAGES = ("fr", "nl")


class ReportRecipient(models.Model):
    """Who receives the approved report (set in the admin), in which language."""

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), unique=True)
    language = models.CharField(
        _("language"), max_length=2, choices=[("fr", _("French")), ("nl", _("Dutch"))], default="fr"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class MonthlyReport(models.Model):
    """One month's report. A draft is rebuilt on demand; once sent it never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported on."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    prepared_at = models.DateTimeField(_("prepared"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    recipients = models.TextField(_("sent to"), blank=True, help_text=_("The recipient list when it was sent."))

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="kpis_report_month_first_day"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="kpis_report_sent_is_approved",
            ),
        ]
        indexes = [models.Index(fields=["status", "-month"], name="kpis_report_status_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ReportComment(models.Model):
    """A manager's comment on one domain of a report, printed under that domain's figures."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="comments"
    )
    domain = models.CharField(_("domain"), max_length=20)
    text = models.TextField(_("comment"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        constraints = [models.UniqueConstraint(fields=["report", "domain"], name="kpis_report_comment_one_per_domain")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.domain}"


class ReportFile(models.Model):
    """A built file of a report (PDF or XLSX, French or Dutch). Served only through a permission check."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    report = models.ForeignKey(MonthlyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=4, choices=Kind)
    language = models.CharField(_("language"), max_length=2)
    content = models.BinaryField(_("content"))
    built_at = models.DateTimeField(_("built"))

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "language"], name="kpis_report_file_unique"),
            models.CheckConstraint(condition=Q(language__in=REPORT_LANGUAGES), name="kpis_report_file_language"),
        ]

    def __str__(self) -> str:
        return self.filename

    MIMETYPES = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    @property
    def filename(self) -> str:
        prefix = {"fr": "rapport-icity", "nl": "verslag-icity"}[self.language]
        return f"{prefix}-{self.report.month:%Y-%m}.{self.kind}"

    @property
    def mimetype(self) -> str:
        return self.MIMETYPES[self.kind]
