from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("surveys", api.SurveyViewSet, basename="survey")
router.register("survey-campaigns", api.CampaignViewSet, basename="survey-campaign")
router.register("csat-follow-ups", api.CsatFollowUpViewSet, basename="csat-follow-up")

urlpatterns = [
    *router.urls,
    path("csat-results/", api.CsatResultsView.as_view(), name="csat-results"),
    path("survey-answers/<str:token>/", api.AnswerView.as_view(), name="survey-answer"),
]
