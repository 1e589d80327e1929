from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("equipment-requests", api.EquipmentRequestViewSet, basename="equipment-request")
router.register("loans", api.LoanViewSet, basename="loan")
router.register("delivery-runs", api.DeliveryRunViewSet, basename="delivery-run")

urlpatterns = [*router.urls]
