from .deliveries import DeliveryRun, Recovery
from .loans import BorrowerKind, Loan, LoanExtension, LoanLine, LoanPolicy, LoanTerms, Receipt
from .requests import Delivery, EquipmentRequest, PreparedItem, RequestLine

__all__ = [
    "BorrowerKind",
    "Delivery",
    "DeliveryRun",
    "EquipmentRequest",
    "Loan",
    "LoanExtension",
    "LoanLine",
    "LoanPolicy",
    "LoanTerms",
    "PreparedItem",
    "Receipt",
    "Recovery",
    "RequestLine",
]
