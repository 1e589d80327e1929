"""Stored KPI figures: monthly snapshots, the recompute log, targets and manual entries.

The dashboard, the KPI pages, the API and the monthly report read these rows,
never the live computations: a month's final values are what was sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One KPI value for one month and one scope (scope_kind "" = overall)."""

    code = models.CharField(_("KPI"), max_length=8)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    scope_kind = models.CharField(_("scope"), max_length=20, blank=True, default="")
    scope_key = models.CharField(_("scope key"), max_length=64, blank=True, default="")
    scope_label = models.CharField(_("scope label"), max_length=200, blank=True, default="")
    # None means "no data" (an empty denominator, no event), never 0.
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    # Final: the month is over and the value was snapshotted; provisional: the
    # current month "so far", refreshed hourly and replaced by the final one.
    is_final = models.BooleanField(_("final"), default=False)

    class Meta:
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        constraints = [
            models.UniqueConstraint(fields=["code", "month", "scope_kind", "scope_key"], name="kpis_snapshot_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="kpis_snapshot_month_first_day"),
            models.CheckConstraint(
                condition=~Q(scope_kind="") | Q(scope_key=""), name="kpis_snapshot_overall_has_no_key"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "scope_kind"], name="kpis_snap_month_scope"),
            models.Index(fields=["code", "scope_kind", "month"], name="kpis_snap_code_scope_month"),
        ]

    def __str__(self):
        scope = f" {self.scope_kind}={self.scope_key}" if self.scope_kind else ""
        return f"{self.code} {self.month:%Y-%m}{scope}: {self.value}"


class Recompute(models.Model):
    """A snapshot run that overwrote final values: who, when, which month and why."""

    month = models.DateField(_("month"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    values_changed = models.PositiveIntegerField(_("values changed"), default=0)

    class Meta:
        verbose_name = _("KPI recompute")
        verbose_name_plural = _("KPI recomputes")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="kpis_recompute_month_first_day")]
        indexes = [models.Index(fields=["month", "created_at"], name="kpis_recompute_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.created_at:%Y-%m-%d %H:%M}"


class Target(models.Model):
    """A manager's target for one KPI and one year, with an amber band.

    With direction "higher" a value >= target is green, >= target - amber_band
    amber, below red; "lower" mirrors it. The band is an absolute amount in the
    KPI's unit (percentage points for percent KPIs).
    """

    code = models.CharField(_("KPI"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    amber_band = models.DecimalField(_("amber band"), max_digits=18, decimal_places=4, default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="kpis_target_unique"),
            models.CheckConstraint(condition=Q(amber_band__gte=0), name="kpis_target_amber_band_positive"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="kpis_target_year_range"),
        ]

    def __str__(self):
        return f"{self.code} {self.year}: {self.target}"


class ManualEntry(models.Model):
    """A value typed by a manager for a hand-entered KPI (MN01-MN03) and a month.

    Every save is a new row: the latest per (code, month) is the current value,
    the older ones are the history (who typed what, when).
    """

    code = models.CharField(_("KPI"), max_length=8)
    month = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    # MN01/MN02: the amount excl. VAT of the contracts counted in value.
    amount = models.DecimalField(_("amount excl. VAT"), max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("manual KPI entry")
        verbose_name_plural = _("manual KPI entries")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="kpis_manual_month_first_day"),
            models.CheckConstraint(condition=Q(value__gte=0), name="kpis_manual_value_positive"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="kpis_manual_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["code", "month", "entered_at"], name="kpis_manual_code_month")]

    def __str__(self):
        return f"{self.code} {self.month:%Y-%m}: {self.value}"


# The monthly report to the City (its own module, registered with this app).
from .reports.models import MonthlyReport, ReportComment, ReportFile, ReportRecipient  # noqa: E402, F401
