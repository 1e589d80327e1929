from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("surveys", api.SurveyViewSet, basename="survey")
router.register("survey-campaigns", api.CampaignViewSet, basename="survey-campaign")

urlpatterns = [
    *router.urls,
    path("survey-answers/<str:token>/", api.AnswerView.as_view(), name="survey-answer"),
]
