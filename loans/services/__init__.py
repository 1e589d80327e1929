"""Loans and logistics workflows: requests, preparation, hand-over, returns, extensions, losses, deliveries.

Every function is one transaction. Asset rows are locked (``select_for_update``)
in id order before their status changes, and statuses change only through the
inventory's transition rules (``services._apply_status``), so an asset's status
always agrees with its loans. The partial unique constraint on ``LoanLine``
(one open line per asset) is the last line of defence: two people scanning the
same laptop at once get one loan and one refusal.

The schools app calls ``loan_check_out`` and ``loan_check_in`` for pupils
(``borrower_kind="pupil"``, no user account) and links its pupil to the loan.
"""

from assets.services import InventoryError

from .common import LoanError, _In, _tell, _url, policy_for
from .deliveries import (
    RUN_NEXT,
    delivery_plan,
    delivery_set_status,
    recovery_start,
    recovery_sweep,
    run_moves_back,
    user_deactivate,
)
from .handover import StockItem, loan_check_out, loan_hand_over
from .requests import (
    REST_BACKORDER,
    REST_CANCEL,
    LineChange,
    Wanted,
    available_now,
    kits_available,
    request_cancel,
    request_decide,
    request_needs,
    request_prepare,
    request_start_preparing,
    request_submit,
    substitutes_for,
)
from .returns import ReturnItem, extensions_allowed, loan_check_in, loan_declare_lost, loan_extend, loan_write_off

__all__ = [
    "REST_BACKORDER",
    "REST_CANCEL",
    "LineChange",
    "substitutes_for",
    "available_now",
    "kits_available",
    "RUN_NEXT",
    "run_moves_back",
    "InventoryError",
    "LoanError",
    "ReturnItem",
    "StockItem",
    "Wanted",
    "_In",
    "_tell",
    "_url",
    "delivery_plan",
    "delivery_set_status",
    "extensions_allowed",
    "loan_check_in",
    "loan_check_out",
    "loan_declare_lost",
    "loan_extend",
    "loan_hand_over",
    "loan_write_off",
    "policy_for",
    "recovery_start",
    "recovery_sweep",
    "request_cancel",
    "request_decide",
    "request_needs",
    "request_prepare",
    "request_start_preparing",
    "request_submit",
    "user_deactivate",
]
