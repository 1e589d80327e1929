from rest_framework.routers import SimpleRouter

from .api import AttachmentViewSet, CategoryViewSet, TeamViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("ticket-attachments", AttachmentViewSet, basename="ticket-attachment")
router.register("ticket-teams", TeamViewSet, basename="ticket-team")
router.register("ticket-categories", CategoryViewSet, basename="ticket-category")

urlpatterns = [*router.urls]
