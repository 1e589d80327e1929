from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("product-models", api.ProductModelViewSet, basename="product-model")
router.register("kits", api.KitViewSet, basename="kit")
router.register("assets", api.AssetViewSet, basename="asset")
router.register("stock-levels", api.StockLevelViewSet, basename="stock-level")
router.register("stock-movements", api.StockMovementViewSet, basename="stock-movement")

urlpatterns = [*router.urls]
