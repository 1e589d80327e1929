from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from icity.roles import HasRole, Role

from . import services
from .models import Campaign, Question, Section, Survey
from .results import campaign_results
from .serializers import (
    AnswerFormSerializer,
    AnswerResultSerializer,
    AnswerSubmitSerializer,
    CampaignCreateSerializer,
    CampaignResultsSerializer,
    CampaignSerializer,
    SurveyCreateSerializer,
    SurveySerializer,
    UnusableSerializer,
)

ManagerOnly = HasRole.of(Role.MANAGER)


class SurveyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Survey definitions with their sections, questions and choices (managers only)."""

    serializer_class = SurveySerializer
    permission_classes = [ManagerOnly]
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "title_fr"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return Survey.objects.prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("position").prefetch_related("choices"))
                ),
            )
        )

    @extend_schema(request=SurveyCreateSerializer, responses={201: SurveySerializer})
    def create(self, request, *args, **kwargs):
        serializer = SurveyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        sections = data.pop("sections")
        survey = services.survey_create(texts=data, sections=sections, by=request.user)
        return Response(SurveySerializer(self.get_queryset().get(pk=survey.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: SurveySerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = services.survey_copy(survey=self.get_object(), by=request.user)
        return Response(SurveySerializer(self.get_queryset().get(pk=copy.pk)).data, status=status.HTTP_201_CREATED)


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns (managers only). Launch and close are actions, never writable fields."""

    serializer_class = CampaignSerializer
    permission_classes = [ManagerOnly]
    filterset_fields = ["status", "anonymous", "survey"]
    ordering_fields = ["opens_at", "closes_at", "name"]
    ordering = ["-opens_at"]

    def get_queryset(self):
        return Campaign.objects.with_counts()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return OrderingFilter().filter_queryset(self.request, queryset, self)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CampaignCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            campaign = services.campaign_create(by=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def launch(self, request, pk=None):
        try:
            services.campaign_launch(campaign=self.get_object())
        except DjangoValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CampaignSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.campaign_close(campaign=self.get_object())
        return Response(CampaignSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses={200: CampaignResultsSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        return Response(CampaignResultsSerializer(campaign_results(self.get_object())).data)


def _unusable(error: services.InvitationUnusable) -> Response:
    code = status.HTTP_404_NOT_FOUND if error.reason == "unknown" else status.HTTP_410_GONE
    return Response({"reason": error.reason, "detail": error.message}, status=code)


class AnswerView(APIView):
    """Answer a survey with the token from the invitation email (no account needed)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response._has_been_logged = True  # the path holds the token (see views.keep_tokens_out_of_logs)
        return response

    @extend_schema(responses={200: AnswerFormSerializer, 404: UnusableSerializer, 410: UnusableSerializer})
    def get(self, request, token: str):
        try:
            invitation = services.invitation_for_token(token)
        except services.InvitationUnusable as error:
            return _unusable(error)
        language = invitation.user.language or "fr"
        campaign = invitation.campaign
        sections = services.survey_questions(campaign.survey)
        data = {
            "survey_title": campaign.survey.title_in(language),
            "closes_at": campaign.closes_at,
            "anonymous": campaign.anonymous,
            "language": language,
            "sections": [
                {
                    "id": section.pk,
                    "title": section.title_in(language),
                    "questions": [
                        {
                            "id": question.pk,
                            "kind": question.kind,
                            "required": question.required,
                            "text": question.text_in(language),
                            "choices": [
                                {"id": choice.pk, "label": choice.label_in(language)} for choice in question.choice_list
                            ],
                        }
                        for question in section.question_list
                    ],
                }
                for section in sections
            ],
        }
        return Response(AnswerFormSerializer(data).data)

    @extend_schema(
        request=AnswerSubmitSerializer,
        responses={
            201: AnswerResultSerializer,
            400: OpenApiResponse(description="Answers with errors, by question id."),
            404: UnusableSerializer,
            410: UnusableSerializer,
        },
    )
    def post(self, request, token: str):
        serializer = AnswerSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.response_submit(token=token, raw=serializer.validated_data["answers"])
        except services.InvitationUnusable as error:
            return _unusable(error)
        except DjangoValidationError as error:
            return Response({"answers": error.message_dict}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"status": "answered"}, status=status.HTTP_201_CREATED)
