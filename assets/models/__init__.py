from .assets import Asset, AssetEvent, AssetStatus, Condition, TagCounter
from .catalogue import Category, Manufacturer, ProductModel
from .imports import ImportBatch
from .kits import Kit, KitItem
from .stock import StockLevel, StockMovement
from .stocktake import Stocktake, StocktakeScan

__all__ = [
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
