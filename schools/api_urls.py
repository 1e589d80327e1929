from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("schools", api.SchoolViewSet, basename="school")
router.register("pupils", api.PupilViewSet, basename="pupil")
router.register("reconditioning-jobs", api.ReconJobViewSet, basename="recon-job")
router.register("slots", api.SlotViewSet, basename="slot")
router.register("appointments", api.AppointmentViewSet, basename="appointment")
router.register("return-campaigns", api.ReturnCampaignViewSet, basename="return-campaign")

urlpatterns = [*router.urls]
