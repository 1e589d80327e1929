"""Demo KPI figures: the last 13 months snapshotted from the demo data, the month so far, and targets.

Runs after every other seeder (they create the tickets, loans and surveys the
figures are computed from). Idempotent: final months are kept, targets only
created when missing.
"""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection

from .definitions.base import Period
from .models import Target
from .reading import months_back
from .services import current_month, kpis_snapshot_month

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
}


def seed_kpis(*, rng: random.Random, stdout=None, **kwargs) -> None:
    this_month = current_month()
    if connection.vendor == "postgresql":
        # The other seeders bulk-inserted thousands of rows a moment ago: without fresh
        # statistics the planner picks the wrong timeline index (40 s a month instead of 0.1 s).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket, tickets_timelineevent, tickets_comment")
    manager = get_user_model().objects.filter(email="manager@icity.example").first()
    for year in (this_month.year - 1, this_month.year):
        for code, (target, band) in DEMO_TARGETS.items():
            Target.objects.get_or_create(
                code=code,
                year=year,
                defaults={"target": Decimal(target), "amber_band": Decimal(band), "updated_by": manager},
            )
    for month in months_back(Period(this_month).previous().month, 13):
        kpis_snapshot_month(month=month)
    kpis_snapshot_month(month=this_month)
    if stdout is not None:
        stdout.write("KPIs: 13 months and the month so far snapshotted, targets set.")
