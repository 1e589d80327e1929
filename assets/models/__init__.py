from .assets import Asset, AssetEvent, AssetStatus, Condition, TagCounter
from .catalogue import Category, Manufacturer, ProductModel
from .deliveries import DeliveryRun, Recovery
from .imports import ImportBatch
from .kits import Kit, KitItem
from .loans import BorrowerKind, Loan, LoanExtension, LoanLine, LoanPolicy, LoanTerms, Receipt
from .requests import Delivery, EquipmentRequest, PreparedItem, RequestLine
from .stock import StockLevel, StockMovement
from .stocktake import Stocktake, StocktakeScan

__all__ = [
    "BorrowerKind",
    "Loan",
    "LoanExtension",
    "LoanLine",
    "LoanPolicy",
    "LoanTerms",
    "Receipt",
    "Delivery",
    "EquipmentRequest",
    "PreparedItem",
    "RequestLine",
    "DeliveryRun",
    "Recovery",
    "Asset",
    "AssetEvent",
    "AssetStatus",
    "Category",
    "Condition",
    "ImportBatch",
    "Kit",
    "KitItem",
    "Manufacturer",
    "ProductModel",
    "StockLevel",
    "StockMovement",
    "Stocktake",
    "StocktakeScan",
    "TagCounter",
]
