"""Hand-built records for the logistics, fleet and school KPI tests.

Rows are created directly (not through the services) so each test states
exactly the timestamps it needs: the services stamp "now".
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from assets.models import Asset, AssetEvent, Category, Manufacturer, ProductModel
from kpis.definitions.base import Period
from loans.models import Loan, LoanLine
from tests.factories import SiteFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = ZoneInfo("UTC")

# March 2026 holds the change to summer time (Sunday 29 March): April starts at 22:00 UTC on 31 March.
MARCH = Period(date(2026, 3, 1))
APRIL = Period(date(2026, 4, 1))
# October 2026 holds the change back to winter time (Sunday 25 October): November starts at 23:00 UTC.
OCTOBER = Period(date(2026, 10, 1))
NOVEMBER = Period(date(2026, 11, 1))
EMPTY = Period(date(2025, 1, 1))

# 31 March 23:30 Brussels (21:30 UTC) is March; 1 April 00:30 Brussels (22:30 UTC) is April.
LAST_OF_MARCH = datetime(2026, 3, 31, 21, 30, tzinfo=UTC)
FIRST_OF_APRIL = datetime(2026, 4, 1, 0, 30, tzinfo=BRUSSELS)
# 31 October 23:30 Brussels (22:30 UTC) is October; 1 November 00:30 Brussels (23:30 UTC on 31 Oct) is November.
LAST_OF_OCTOBER = datetime(2026, 10, 31, 22, 30, tzinfo=UTC)
FIRST_OF_NOVEMBER = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


def category(code: str) -> Category:
    names = {"laptop": ("Portable", "Laptop"), "headset": ("Casque", "Headset"), "dock": ("Station", "Dock")}
    fr, nl = names.get(code, (code, code))
    return Category.objects.get_or_create(code=code, defaults={"name_fr": fr, "name_nl": nl})[0]


def product(code: str = "laptop", *, quantity: bool = False, weight=None, carbon=None) -> ProductModel:
    maker = Manufacturer.objects.get_or_create(name="Maker")[0]
    return ProductModel.objects.create(
        manufacturer=maker,
        category=category(code),
        name=f"{code} {ProductModel.objects.count()}",
        tracking=ProductModel.Tracking.QUANTITY if quantity else ProductModel.Tracking.UNIT,
        weight_kg=None if weight is None else Decimal(weight),
        embodied_carbon_kg=None if carbon is None else Decimal(carbon),
    )


def asset(
    model: ProductModel, *, created: datetime | None = None, status: str = "in_stock", site=None, **fields
) -> Asset:
    site = site or SiteFactory(code="hq")
    return Asset.objects.create(
        tag=f"IC-{Asset.objects.count() + 1:06d}",
        model=model,
        status=status,
        site=site,
        created_at=created or local(date(2020, 1, 1)),
        **fields,
    )


def status_change(unit: Asset, old: str, new: str, at: datetime) -> AssetEvent:
    return AssetEvent.objects.create(asset=unit, kind=AssetEvent.Kind.STATUS, old_value=old, new_value=new, at=at)


def loan(*, started: datetime, due: date | None = None, borrower=None, pupil: bool = False, **fields) -> Loan:
    kind = "pupil" if pupil else "user"
    return Loan.objects.create(
        borrower_kind=kind,
        borrower=borrower,
        borrower_label="Someone",
        started_at=started,
        due_date=due,
        **fields,
    )


def line(the_loan: Loan, model: ProductModel, *, unit: Asset | None = None, quantity: int = 1, **fields) -> LoanLine:
    stock_site = None if unit is not None else SiteFactory(code="hq")
    return LoanLine.objects.create(
        loan=the_loan, model=model, asset=unit, quantity=quantity, stock_site=stock_site, **fields
    )


def returned(the_line: LoanLine, at: datetime, *, condition: str = "b", missing: str = "") -> LoanLine:
    the_line.state = LoanLine.State.RETURNED
    the_line.returned_at = at
    the_line.return_condition = condition
    the_line.missing_parts = missing
    the_line.save()
    return the_line


def overall(values):
    [value] = [value for value in values if value.scope_kind == ""]
    return value


def scoped(values, kind: str) -> dict:
    return {value.scope_key: value for value in values if value.scope_kind == kind}


def pupil_loan(*, started: datetime, unit: Asset, school=None, due: date | None = None) -> LoanLine:
    """A pupil's device loan, linked to the pupil (and so to the school) as the hand-over station does."""
    from schools.models import Allocation, PupilLoan
    from tests.schools.factories import PupilFactory

    pupil = PupilFactory(school=school) if school is not None else PupilFactory()
    allocation = Allocation.objects.create(pupil=pupil, asset=unit, status=Allocation.Status.HANDED_OVER)
    the_loan = loan(started=started, due=due, pupil=True)
    PupilLoan.objects.create(pupil=pupil, loan=the_loan, allocation=allocation, created_at=started)
    return line(the_loan, unit.model, unit=unit)
