"""Bulk data for the loans benchmark: N loans of which M active, one unit per loan (bulk inserts).

Used by ``manage.py seed_loans_bench``. Active loans hold distinct units that are set on loan to
their borrower, so the invariants hold; closed loans reuse units (no open line). Due dates spread
from 90 days overdue to a year ahead; ``reminder_offset`` is filled as if every earlier sweep had run
(steady state) unless ``cold`` is asked for.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from assets.demo import bulk_seed_assets, ensure_catalogue
from assets.models import Asset, AssetStatus

from .models import Loan, LoanLine
from .sweeps import current_offset

BATCH = 5000


def _lend_units(holders: list[tuple[int, int]]) -> None:
    """One UPDATE … FROM (VALUES …) per batch: bulk_update's CASE WHEN is quadratic on 5,000 rows."""
    table = Asset._meta.db_table
    if connection.vendor != "postgresql":
        for unit, borrower in holders:
            Asset.objects.filter(pk=unit).update(status=AssetStatus.ON_LOAN, holder_id=borrower)
        return
    values = ", ".join(["(%s, %s)"] * len(holders))
    params = [value for pair in holders for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = 'on_loan', holder_id = v.holder "  # noqa: S608  (no user input)
            f"FROM (VALUES {values}) AS v(id, holder) WHERE {table}.id = v.id",
            params,
        )


def seed_loans_bench(*, loans: int, active: int, rng: random.Random, cold: bool = False, stdout=None) -> int:
    existing = Loan.objects.count()
    if existing >= loans:
        return 0
    User = get_user_model()
    people_needed = max(loans // 20, 100)
    have = User.objects.filter(email__endswith="@bench.icity.example").count()
    if have < people_needed:
        password = make_password(None)
        managers = list(User.objects.filter(email__endswith="@icity.example").values_list("pk", flat=True)[:20])
        User.objects.bulk_create(
            [
                User(
                    email=f"borrower{n}@bench.icity.example",
                    first_name="Bench",
                    last_name=f"Borrower {n}",
                    language=rng.choice(["fr", "fr", "nl", "en"]),
                    password=password,
                    manager_id=rng.choice(managers) if managers else None,
                )
                for n in range(have, people_needed)
            ],
            batch_size=BATCH,
        )
    people = list(User.objects.filter(email__endswith="@bench.icity.example").values_list("pk", flat=True))
    ensure_catalogue()
    active_now = Loan.objects.filter(status__in=Loan.OPEN_STATUSES).count()
    active_wanted = max(active - active_now, 0)
    free = Asset.objects.filter(status=AssetStatus.IN_STOCK, holder__isnull=True)
    # The inventory's bulk seeder spreads units over every status; add until enough are in stock.
    while free.count() < active_wanted:
        bulk_seed_assets(count=int((active_wanted - free.count()) * 2.5) + 1000, rng=rng)
    units = list(free.order_by("pk").values_list("pk", "model_id")[:active_wanted])
    any_units = list(Asset.objects.order_by("pk").values_list("pk", "model_id")[:20000])
    today = timezone.localdate()
    now = timezone.now()
    offsets = [-7, -1, 0, 1, 7, 30]
    to_make = loans - existing
    made = 0
    while made < to_make:
        size = min(BATCH, to_make - made)
        batch, lines_for, holders = [], [], []
        for _ in range(size):
            borrower = rng.choice(people)
            is_active = units and made < active_wanted
            if is_active:
                unit, model = units.pop()
                due = today + timedelta(days=rng.randint(-90, 365))
                started = now - timedelta(days=rng.randint(30, 400))
                offset = None if cold else current_offset(due, today - timedelta(days=1), offsets)
                batch.append(
                    Loan(
                        borrower_id=borrower,
                        borrower_label=f"Bench Borrower {borrower}",
                        status=Loan.Status.ACTIVE,
                        started_at=started,
                        due_date=due,
                        reminder_offset=offset,
                    )
                )
                lines_for.append((unit, model, LoanLine.State.OPEN))
                holders.append((unit, borrower))
            else:
                unit, model = rng.choice(any_units)
                started = now - timedelta(days=rng.randint(400, 2000))
                batch.append(
                    Loan(
                        borrower_id=borrower,
                        borrower_label=f"Bench Borrower {borrower}",
                        status=Loan.Status.RETURNED,
                        started_at=started,
                        due_date=(started + timedelta(days=180)).date(),
                        closed_at=started + timedelta(days=rng.randint(10, 200)),
                    )
                )
                lines_for.append((unit, model, LoanLine.State.RETURNED))
            made += 1
        with transaction.atomic():
            created = Loan.objects.bulk_create(batch)
            LoanLine.objects.bulk_create(
                [
                    LoanLine(
                        loan_id=loan.pk,
                        asset_id=unit,
                        model_id=model,
                        state=state,
                        returned_at=loan.closed_at if state == LoanLine.State.RETURNED else None,
                    )
                    for loan, (unit, model, state) in zip(created, lines_for, strict=True)
                ]
            )
            if holders:
                _lend_units(holders)
        if stdout is not None:
            stdout.write(f"  {existing + made} loans")
    return made
