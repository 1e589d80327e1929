"""Must show 3: any sequence of check-out, partial return, return, extension and loss keeps the invariants."""

import contextlib

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.models import Asset, AssetStatus, StockLevel
from loans import services
from loans.models import Loan, LoanLine
from tests.assets.factories import make_asset, quantity_model, stock_of
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, laptop_model

STOCK = 4

operation = st.one_of(
    st.tuples(
        st.just("check_out"),
        st.lists(st.integers(0, 3), min_size=0, max_size=3),
        st.integers(0, 1),
        st.integers(0, 2),
    ),
    st.tuples(st.just("return_some"), st.integers(0, 20), st.integers(0, 3)),
    st.tuples(st.just("return_all"), st.integers(0, 20)),
    st.tuples(st.just("extend"), st.integers(0, 20)),
    st.tuples(st.just("lose"), st.integers(0, 20), st.booleans()),
)


def check_invariants(assets, level, headset):
    for asset in Asset.objects.filter(pk__in=[a.pk for a in assets]):
        open_lines = list(LoanLine.objects.filter(asset=asset, state="open").select_related("loan"))
        assert len(open_lines) <= 1
        assert (asset.status == AssetStatus.ON_LOAN) == bool(open_lines), asset.status
        if open_lines:
            assert asset.holder_id == open_lines[0].loan.borrower_id
        else:
            assert asset.holder_id is None or asset.status == AssetStatus.LOST
        lost = LoanLine.objects.filter(asset=asset, state="lost").exists()
        assert (asset.status == AssetStatus.LOST) == lost
    level.refresh_from_db()
    assert level.quantity == level.movements.aggregate(total=Sum("delta"))["total"]
    out = LoanLine.objects.filter(model=headset, state__in=["open", "lost", "given"]).aggregate(n=Sum("quantity"))["n"]
    assert level.quantity + (out or 0) == STOCK
    for loan in Loan.objects.prefetch_related("lines"):
        states = {line.state for line in loan.lines.all()}
        if "open" in states:
            assert loan.is_open and loan.closed_at is None
        else:
            assert not loan.is_open and loan.closed_at is not None
            assert (loan.status == Loan.Status.LOST) == ("lost" in states)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, max_size=12))
def test_any_sequence_of_loan_operations_keeps_the_invariants(ops):
    site = SiteFactory()
    dock = dock_model()
    assets = [make_asset(model=dock, site=site) for _ in range(3)] + [make_asset(model=laptop_model(), site=site)]
    headset = quantity_model()
    stock_of(headset, site, STOCK)
    level = StockLevel.objects.get(model=headset, site=site)
    people = [make_user(), make_user()]
    loans: list[Loan] = []
    for op in ops:
        with contextlib.suppress(services.InventoryError):
            if op[0] == "check_out":
                _name, indexes, person, quantity = op
                stock = [services.StockItem(model=headset, site=site, quantity=quantity)] if quantity else []
                loans.append(
                    services.loan_check_out(
                        actor=None,
                        borrower=people[person],
                        assets=sorted({assets[i].pk for i in indexes}),
                        stock=stock,
                    )
                )
            elif not loans:
                continue
            elif op[0] == "return_some":
                loan = loans[op[1] % len(loans)]
                lines = list(loan.lines.filter(state="open").order_by("pk"))
                if lines:
                    line = lines[op[2] % len(lines)]
                    services.loan_check_in(actor=None, site=site, items=[services.ReturnItem(line=line)])
            elif op[0] == "return_all":
                loan = loans[op[1] % len(loans)]
                services.loan_check_in(
                    actor=None,
                    site=site,
                    items=[services.ReturnItem(line=line) for line in loan.lines.filter(state="open")],
                )
            elif op[0] == "extend":
                services.loan_extend(actor=None, loan=loans[op[1] % len(loans)], reason="property")
            elif op[0] == "lose":
                loan = loans[op[1] % len(loans)]
                first = loan.lines.filter(state="open").order_by("pk").first()
                lines = [first] if (op[2] and first) else None
                services.loan_declare_lost(actor=None, loan=loan, lines=lines, ticket_reference="HD-1")
        check_invariants(assets, level, headset)
