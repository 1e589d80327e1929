"""KPI workflows: snapshot a month, set a target, enter a manual value.

A month's snapshot is computed outside the write transaction (the queries can
take seconds on a big database) and written in one short transaction that
locks the month's rows. Final values are written once: a second run of the
monthly job finds them and changes nothing; only a deliberate recompute by a
manager overwrites them, and that is logged with who and why.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .definitions import all_kpis, get_kpi
from .definitions.base import BRUSSELS, Kpi, Period, Value
from .models import ManualEntry, Recompute, Snapshot, Target

LOCK_NAMESPACE = 14014  # pg advisory lock key space of the KPI snapshots


@dataclass
class SnapshotResult:
    month: date
    final: bool
    computed: list[str]  # codes computed and written
    skipped: list[str]  # codes already final, left untouched
    values: int  # rows written


def current_month(now=None) -> date:
    return timezone.localtime(now or timezone.now(), BRUSSELS).date().replace(day=1)


def _rows(kpi: Kpi, period: Period, values: list[Value], *, final: bool, now) -> list[Snapshot]:
    seen = set()
    rows = []
    for value in values:
        key = (value.scope_kind, value.scope_key if value.scope_kind else "")
        if key in seen:  # one row per scope, whatever a definition returns
            continue
        seen.add(key)
        rows.append(
            Snapshot(
                code=kpi.code,
                month=period.month,
                scope_kind=key[0],
                scope_key=key[1][:64],
                scope_label=value.scope_label[:200],
                value=value.value,
                numerator=value.numerator,
                denominator=value.denominator,
                computed_at=now,
                is_final=final,
            )
        )
    return rows


def _manual_values(kpi: Kpi, period: Period) -> list[Value]:
    entry = ManualEntry.objects.filter(code=kpi.code, month=period.month).order_by("-entered_at", "-pk").first()
    if entry is None:
        return []
    return [Value(entry.value)]


def kpis_snapshot_month(
    *, month: date, recompute: bool = False, user=None, reason: str = "", codes: list[str] | None = None
) -> SnapshotResult:
    """Compute and store every KPI of ``month`` (overall and per scope).

    A month that is over is stored as final, once: codes that already have
    final rows are skipped unless ``recompute`` (a manager, with a reason,
    logged in Recompute). The month in progress is stored as provisional
    ("so far") and replaced on every run. Future months are refused.
    """
    period = Period.of(month)
    now = timezone.now()
    if period.month > current_month(now):
        raise ValidationError(_("A month in the future has no figures yet."), code="future")
    if recompute and not reason.strip():
        raise ValidationError(_("Say why the month is recomputed."), code="reason")
    final = period.end <= now
    kpis = [kpi for kpi in all_kpis() if codes is None or kpi.code in codes]
    already_final = set()
    if final and not recompute:
        already_final = set(
            Snapshot.objects.filter(month=period.month, is_final=True).values_list("code", flat=True).distinct()
        )
    todo = [kpi for kpi in kpis if kpi.code not in already_final]
    computed = {}
    for kpi in todo:
        values = kpi.compute(period) if kpi.compute is not None else _manual_values(kpi, period)
        computed[kpi.code] = _rows(kpi, period, values, final=final, now=now)
    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two first runs of a month have no rows to lock yet: serialise on the month.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, period.month.toordinal()])
        # Lock the month's rows so two runs (the beat job and a manager's recompute)
        # serialise; the second then sees the first one's final rows.
        locked = list(Snapshot.objects.select_for_update().filter(month=period.month).values_list("code", "is_final"))
        if final and not recompute:
            done = {code for code, is_final in locked if is_final}
            computed = {code: rows for code, rows in computed.items() if code not in done}
        Snapshot.objects.filter(month=period.month, code__in=list(computed)).delete()
        for rows in computed.values():
            written += len(Snapshot.objects.bulk_create(rows))
        if recompute:
            Recompute.objects.create(month=period.month, user=user, reason=reason.strip(), values_changed=written)
    return SnapshotResult(period.month, final, sorted(computed), sorted(already_final), written)


def kpis_refresh(*, now=None) -> list[SnapshotResult]:
    """The hourly job: the month in progress "so far", and last month if its final run was missed."""
    this_month = current_month(now)
    previous = Period.of(this_month).previous().month
    return [kpis_snapshot_month(month=previous), kpis_snapshot_month(month=this_month)]


def target_set(*, code: str, year: int, target: Decimal, amber_band: Decimal, user) -> Target:
    """Set (or change) the target of a KPI for a year."""
    kpi = get_kpi(code)
    if kpi is None:
        raise ValidationError(_("Unknown KPI."), code="code")
    if amber_band < 0:
        raise ValidationError(_("The amber band cannot be negative."), code="amber_band")
    with transaction.atomic():
        row = Target.objects.select_for_update().filter(code=code, year=year).first()
        if row is None:
            return Target.objects.create(code=code, year=year, target=target, amber_band=amber_band, updated_by=user)
        row.target, row.amber_band, row.updated_by = target, amber_band, user
        row.save(update_fields=["target", "amber_band", "updated_by", "updated_at"])
        return row


@transaction.atomic
def manual_entry_save(
    *, code: str, month: date, value: Decimal, amount: Decimal | None = None, note: str = "", user
) -> ManualEntry:
    """Record a hand-typed value (a new history row) and make it the month's figure."""
    kpi = get_kpi(code)
    if kpi is None or kpi.compute is not None:
        raise ValidationError(_("This KPI is not entered by hand."), code="code")
    period = Period.of(month)
    if period.month > current_month():
        raise ValidationError(_("A month in the future has no figures yet."), code="future")
    entry = ManualEntry.objects.create(
        code=code, month=period.month, value=value, amount=amount, note=note.strip(), entered_by=user
    )
    Snapshot.objects.select_for_update().filter(code=code, month=period.month).delete()
    Snapshot.objects.create(
        code=code,
        month=period.month,
        value=value,
        computed_at=timezone.now(),
        is_final=period.end <= timezone.now(),
    )
    return entry
