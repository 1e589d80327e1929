"""Demo data for the KPIs: 24 months of history behind the figures, then the snapshots, targets and reports.

Runs after every other seeder. It adds dated records through the real models
(tickets spread back two years, loans and returns, requests, deliveries and
pick-ups, a stock ledger, pupil hand-overs and collection appointments,
reconditioning jobs and certified disposals), so every monthly figure is a
real computation; then it snapshots the 24 past months and the month so far,
sets targets, and prepares two sent reports and one draft. Idempotent: a
database that already has a monthly report is left alone.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from assets.models import Asset, AssetEvent, ProductModel, StockLevel, StockMovement
from icity.models import Site
from loans.models import DeliveryRun, EquipmentRequest, Loan, LoanLine, RequestLine

from .definitions.base import BRUSSELS, Period
from .reports.models import MonthlyReport, ReportRecipient

MONTHS = 24
# kg per unit, kg CO2e to make one (typical manufacturers' product carbon footprints).
GREEN_FIGURES = {
    "laptop": ("1.60", "310"),
    "desktop": ("5.50", "420"),
    "monitor": ("4.80", "380"),
    "dock": ("0.90", "45"),
    "tablet": ("0.50", "120"),
    "phone": ("0.20", "60"),
}
# Targets a support manager would set (unit of each KPI; amber band in the same unit).
DEMO_TARGETS = {
    "HD03": ("40", "10"),
    "HD05": ("4", "2"),
    "HD06": ("90", "5"),
    "HD07": ("85", "5"),
    "HD08": ("16", "8"),
    "HD10": ("5", "3"),
    "HD11": ("60", "10"),
    "HD14": ("50", "10"),
    "HD16": ("85", "5"),
    "SV01": ("80", "5"),
    "SV05": ("40", "10"),
    "LG03": ("90", "5"),
    "LG08": ("5", "3"),
    "LG10": ("90", "5"),
    "LG12": ("8", "4"),
    "FL02": ("30", "10"),
    "SC02": ("85", "10"),
    "SC04": ("90", "5"),
}


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))), tzinfo=BRUSSELS)


def _months(today: date) -> list[Period]:
    periods = [Period.of(today).previous()]
    while len(periods) < MONTHS:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def seed_kpis(*, rng: random.Random, stdout=None, **kwargs) -> None:
    if MonthlyReport.objects.exists():  # seeded before: final months and reports are kept
        return
    now = timezone.now()
    today = timezone.localtime(now, BRUSSELS).date()
    months = _months(today)
    with transaction.atomic():
        _green_figures()
        _backdate_fleet(rng, now)
        _older_tickets(rng, now)
        _logistics(rng, months, now)
        _stock_ledger(rng, months)
        _schools(rng, months, now)
        _disposals(rng, months)
    _snapshots_targets_reports(months, today, stdout)


def _green_figures() -> None:
    for code, (weight, carbon) in GREEN_FIGURES.items():
        ProductModel.objects.filter(category__code=code, weight_kg__isnull=True).update(
            weight_kg=Decimal(weight), embodied_carbon_kg=Decimal(carbon)
        )


def _backdate_fleet(rng: random.Random, now: datetime) -> None:
    """The demo fleet was registered over the years, not today: FL01 has a history."""
    assets = list(Asset.objects.only("pk", "created_at", "purchase_date"))
    for asset in assets:
        bought = asset.purchase_date or (now - timedelta(days=rng.randint(200, 2400))).date()
        asset.created_at = min(asset.created_at, datetime.combine(bought, time(9), tzinfo=BRUSSELS))
    Asset.objects.bulk_update(assets, ["created_at"], batch_size=500)
    AssetEvent.objects.filter(kind=AssetEvent.Kind.CREATED).update(at=timezone.now() - timedelta(days=730))


def _older_tickets(rng: random.Random, now: datetime) -> None:
    """The tickets demo covers the last year; add the year before it (same generator)."""
    from tickets.demo import generate_tickets
    from tickets.models import OPEN_STATUSES, Ticket, TimelineEvent

    generate_tickets(count=220, rng=rng, now=now - timedelta(days=365))
    generate_tickets(count=120, rng=rng, now=now - timedelta(days=540))
    # Generated "a year ago", their open ones were dealt with since.
    stale = list(Ticket.objects.filter(status__in=OPEN_STATUSES, created_at__lt=now - timedelta(days=300)))
    for ticket in stale:
        ticket.status = "closed"
        ticket.resolved_at = ticket.created_at + timedelta(hours=rng.randint(2, 120))
        ticket.closed_at = ticket.updated_at = ticket.resolved_at + timedelta(days=5)
        ticket.sla_paused_since = ticket.waiting_reminder_at = ticket.waiting_autoresolve_at = None
    Ticket.objects.bulk_update(
        stale,
        [
            "status",
            "resolved_at",
            "closed_at",
            "updated_at",
            "sla_paused_since",
            "waiting_reminder_at",
            "waiting_autoresolve_at",
        ],
        batch_size=500,
    )
    # The timeline says when each ticket was resolved (the helpdesk KPIs read it).
    have = set(TimelineEvent.objects.filter(field="status", new_value="resolved").values_list("ticket_id", flat=True))
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                ticket_id=pk,
                actor_id=assignee,
                field="status",
                old_value="in_progress",
                new_value="resolved",
                created_at=resolved,
            )
            for pk, assignee, resolved in Ticket.objects.filter(resolved_at__isnull=False).values_list(
                "pk", "assignee_id", "resolved_at"
            )
            if pk not in have
        ],
        batch_size=2000,
    )


def _logistics(rng: random.Random, months: list[Period], now: datetime) -> None:
    """Loans and returns of a pool of laptops and docks, with their requests, and the delivery runs."""
    User = get_user_model()
    staff = list(User.objects.filter(is_active=True, department__isnull=False).order_by("pk")[:120])
    manager = User.objects.filter(email="manager@icity.example").first()
    models = list(ProductModel.objects.filter(tracking="unit", category__code__in=["laptop", "dock", "monitor"]))
    sites = list(Site.objects.filter(kind__in=["office", "icity_desk"]))
    desk = Site.objects.filter(kind="icity_desk").first() or sites[0]
    if not staff or not models or not sites:
        return
    start = months[0].start
    pool = [
        Asset(
            tag=f"IC-9{index:05d}",
            model=rng.choice(models),
            manufacturer_id=None,
            site=desk,
            status="in_stock",
            condition="b",
            created_at=start - timedelta(days=rng.randint(60, 1500)),
            purchase_date=(start - timedelta(days=rng.randint(60, 2000))).date(),
        )
        for index in range(90)
    ]
    for asset in pool:
        asset.manufacturer_id = asset.model.manufacturer_id
    pool = Asset.objects.bulk_create(pool)
    for asset in pool:
        moment = start + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 8))
        while moment < now - timedelta(days=2):
            borrower = rng.choice(staff)
            started = moment
            length = rng.choice([20, 30, 45, 60, 90, 120])
            due = (started + timedelta(days=length)).date()
            back = started + timedelta(days=int(length * rng.uniform(0.6, 1.4)), hours=rng.randint(0, 6))
            request = None
            if rng.random() < 0.6:
                created = started - timedelta(days=rng.randint(3, 12))
                request = EquipmentRequest.objects.create(
                    requester=borrower,
                    created_by=borrower,
                    reason="Demo",
                    status="closed",
                    approver=manager,
                    decided_at=created + timedelta(days=rng.randint(0, 2)) if rng.random() < 0.5 else None,
                    created_at=created,
                    updated_at=started,
                )
                RequestLine.objects.create(request=request, model=asset.model)
            still_out = back >= now
            loan = Loan.objects.create(
                borrower=borrower,
                borrower_label=borrower.get_full_name() or borrower.email,
                request=request,
                status="active" if still_out else "returned",
                started_at=started,
                due_date=due,
                closed_at=None if still_out else back,
            )
            line = LoanLine(loan=loan, model=asset.model, asset=asset)
            if not still_out:
                line.state, line.returned_at, line.returned_to = "returned", back, desk
                line.return_condition = rng.choices(["a", "b", "c", "d"], weights=[30, 45, 17, 8])[0]
                line.missing_parts = "Chargeur" if rng.random() < 0.05 else ""
            line.save()
            if still_out:
                Asset.objects.filter(pk=asset.pk).update(status="on_loan", holder=borrower, site=None)
                break
            moment = back + timedelta(days=rng.randint(3, 40))
    runs = []
    for period in months:
        for _ in range(rng.randint(6, 12)):
            day = period.month + timedelta(days=rng.randint(0, (period.last_day - period.month).days))
            if day.weekday() >= 5:
                day -= timedelta(days=2)
            status = rng.choices(["done", "failed", "planned"], weights=[86, 9, 5])[0]
            runs.append(
                DeliveryRun(
                    kind=rng.choice(["delivery", "pick_up"]),
                    status=status,
                    date=day,
                    window_start=time(9),
                    window_end=time(11),
                    site=rng.choice(sites),
                    failure_reason="Personne sur place / Niemand aanwezig" if status == "failed" else "",
                    created_at=datetime.combine(day, time(8), tzinfo=BRUSSELS) - timedelta(days=3),
                    # Most runs are done within their window; a few the next morning (late for LG10).
                    done_at=None
                    if status != "done"
                    else datetime.combine(day, time(10, rng.randint(0, 59)), tzinfo=BRUSSELS)
                    + timedelta(days=1 if rng.random() < 0.06 else 0),
                )
            )
    DeliveryRun.objects.bulk_create(runs)


def _stock_ledger(rng: random.Random, months: list[Period]) -> None:
    """Two years of one stock item's ledger (webcams at the depot), crossing its minimum now and then."""
    model = ProductModel.objects.filter(tracking="quantity", category__code="webcam").first()
    site = Site.objects.filter(code="depot").first()
    if model is None or site is None or StockLevel.objects.filter(model=model, site=site).exists():
        return
    level = StockLevel.objects.create(model=model, site=site, quantity=0, minimum=10)
    balance, moves = 0, []
    for period in months:
        for week in range(4):
            day = period.month + timedelta(days=week * 7 + 1)
            if balance < 12 or rng.random() < 0.2:
                delta, kind = rng.choice([20, 30]), "receipt"
            else:
                delta, kind = -min(balance, rng.randint(3, 9)), "issue"
            if delta == 0:
                continue
            balance += delta
            moves.append(
                StockMovement(level=level, kind=kind, delta=delta, balance=balance, at=_at(day, rng), reason="Demo")
            )
    StockMovement.objects.bulk_create(moves)
    StockLevel.objects.filter(pk=level.pk).update(quantity=balance, low_alert_armed=balance >= 10)


def _schools(rng: random.Random, months: list[Period], now: datetime) -> None:
    """Pupil PCs over two school years: reconditioned, booked, handed over, brought back in June."""
    from schools.models import (
        Allocation,
        Appointment,
        CollectionPoint,
        Pupil,
        PupilLoan,
        ReconJob,
        School,
        Slot,
    )

    schools = list(School.objects.order_by("code"))
    point = CollectionPoint.objects.first()
    laptop = ProductModel.objects.filter(tracking="unit", category__code="laptop").first()
    desk = Site.objects.filter(kind="icity_desk").first()
    if not schools or point is None or laptop is None:
        return
    # LG09 reads the return campaigns the schools demo creates (this year's and last year's).
    number = 0
    for period in months:
        if period.month.month in (7, 8):
            continue  # summer holidays: no hand-overs
        for _ in range(rng.randint(2, 5)):
            number += 1
            school = rng.choice(schools)
            day = period.month + timedelta(days=rng.randint(1, 25))
            handed = _at(day, rng)
            pupil = Pupil.objects.create(
                school=school,
                reference=f"H{number:05d}",
                first_name=f"Élève{number}",
                last_name="Historique",
                class_name="6A",
                guardian_name="Parent",
                guardian_email=f"parent{number}@parents.example",
                eligibility="no_device",
                status="approved",
                registered_at=handed - timedelta(days=20),
                decided_at=handed - timedelta(days=15),
            )
            asset = Asset.objects.create(
                tag=f"IC-8{number:05d}",
                model=laptop,
                site=desk,
                status="in_stock",
                condition="b",
                created_at=handed - timedelta(days=900),
                purchase_date=(handed - timedelta(days=1500)).date(),
            )
            wiped = handed - timedelta(days=rng.randint(5, 20))
            ReconJob.objects.create(
                asset=asset,
                step="ready",
                source="returned",
                intake_at=wiped - timedelta(days=2),
                wipe_method="purge",
                wipe_tool="Demo wipe",
                wipe_result="passed",
                wiped_at=wiped,
                certificate_number=f"WC-{wiped:%Y}-H{number:04d}",
                closed_at=wiped + timedelta(days=1),
            )
            school_year_end = date(day.year if day.month <= 6 else day.year + 1, 6, 30)
            returned = datetime.combine(school_year_end, time(10), tzinfo=BRUSSELS) - timedelta(
                days=rng.randint(-12, 20)
            )
            back = returned < now and rng.random() < 0.9
            allocation = Allocation.objects.create(
                pupil=pupil,
                asset=asset,
                status="returned" if back else "handed_over",
                created_at=handed - timedelta(days=10),
                ended_at=returned if back else None,
            )
            slot, _created = Slot.objects.get_or_create(
                point=point, starts_at=handed, defaults={"ends_at": handed + timedelta(minutes=15), "capacity": 4}
            )
            if rng.random() < 0.15:  # missed a first appointment, came to the next one
                missed, _created = Slot.objects.get_or_create(
                    point=point,
                    starts_at=handed - timedelta(days=2),
                    defaults={"ends_at": handed - timedelta(days=2) + timedelta(minutes=15), "capacity": 4},
                )
                Appointment.objects.create(
                    code=f"HN{number:05d}", slot=missed, pupil=pupil, allocation=allocation, status="no_show"
                )
            Appointment.objects.create(
                code=f"HD{number:05d}", slot=slot, pupil=pupil, allocation=allocation, status="done"
            )
            loan = Loan.objects.create(
                borrower_kind="pupil",
                borrower_label=pupil.full_name,
                status="returned" if back else "active",
                started_at=handed,
                due_date=school_year_end,
                closed_at=returned if back else None,
            )
            LoanLine.objects.create(
                loan=loan,
                model=laptop,
                asset=asset,
                state="returned" if back else "open",
                returned_at=returned if back else None,
                return_condition="b" if back else "",
            )
            PupilLoan.objects.create(pupil=pupil, loan=loan, allocation=allocation, created_at=handed)
            if not back:
                Asset.objects.filter(pk=asset.pk).update(status="on_loan", site=None)


def _disposals(rng: random.Random, months: list[Period]) -> None:
    from schools.models import ReconJob

    model = ProductModel.objects.filter(tracking="unit", category__code="desktop").first()
    depot = Site.objects.filter(code="depot").first()
    if model is None:
        return
    for index, period in enumerate(months):
        for extra in range(rng.randint(0, 3)):
            at = _at(period.month + timedelta(days=rng.randint(2, 26)), rng)
            asset = Asset.objects.create(
                tag=f"IC-7{index:03d}{extra:02d}",
                model=model,
                site=depot,
                status="disposed",
                condition="d",
                created_at=at - timedelta(days=2600),
                purchase_date=(at - timedelta(days=2600)).date(),
            )
            certified = rng.random() < 0.85
            ReconJob.objects.create(
                asset=asset,
                step="disposal",
                intake_at=at - timedelta(days=5),
                outcome_reason="Fin de vie / Einde levensduur",
                wipe_method="purge" if certified else "",
                wipe_result="passed" if certified else "",
                wiped_at=at - timedelta(days=3) if certified else None,
                certificate_number=f"WC-{at:%Y}-D{index:02d}{extra}" if certified else None,
                closed_at=at,
            )
            AssetEvent.objects.create(asset=asset, kind="status", old_value="retired", new_value="disposed", at=at)


def _snapshots_targets_reports(months: list[Period], today: date, stdout) -> None:
    from .models import Target
    from .reports import services as report_services
    from .services import kpis_snapshot_month

    User = get_user_model()
    manager = User.objects.filter(email="manager@icity.example").first()
    # Thousands of rows were bulk-inserted a moment ago: without fresh statistics the planner
    # picks the wrong timeline index for the per-ticket subqueries (PostgreSQL: 40 s a month
    # instead of 0.1 s; SQLite, which keeps no statistics until ANALYZE: 1.2 s instead of 0.07 s
    # for HD07 alone, 2 of the demo's 3.5 minutes).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE tickets_ticket, tickets_timelineevent, tickets_comment, assets_loanline")
        else:
            cursor.execute("ANALYZE")
    for year in sorted({months[0].month.year, today.year}):
        for code, (target, band) in DEMO_TARGETS.items():
            Target.objects.get_or_create(
                code=code,
                year=year,
                defaults={"target": Decimal(target), "amber_band": Decimal(band), "updated_by": manager},
            )
    for period in months:
        kpis_snapshot_month(month=period.month)
    kpis_snapshot_month(month=today.replace(day=1))
    ReportRecipient.objects.get_or_create(
        email="cabinet.echevin@bruxelles.example",
        defaults={"name": "Cabinet de l'échevin de l'Informatique", "language": "fr"},
    )
    ReportRecipient.objects.get_or_create(
        email="kabinet.schepen@brussel.example", defaults={"name": "Kabinet van de schepen van IT", "language": "nl"}
    )
    if manager is None:
        return
    for period in months[-3:-1]:
        report = MonthlyReport.objects.create(month=period.month, prepared_at=timezone.now())
        report_services.report_approve(user=manager, report=report)
    report_services.report_prepare(month=months[-1].month)
    if stdout is not None:
        stdout.write(f"  kpis: {len(months)} months of history snapshotted, 2 reports sent and 1 draft")
