from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from icity.roles import HasRole, Role

from . import services
from .csat_results import DIMENSION_LABELS, csat_over_time
from .models import Campaign, CsatFollowUp, Question, Section, Survey
from .results import HiddenDepartment, campaign_results, department_key
from .serializers import (
    AnswerFormSerializer,
    AnswerResultSerializer,
    AnswerSubmitSerializer,
    CampaignCreateSerializer,
    CampaignResultsSerializer,
    CampaignSerializer,
    CsatFollowUpSerializer,
    CsatOverTimeSerializer,
    SurveyCreateSerializer,
    SurveySerializer,
    UnusableSerializer,
    csat_cell_data,
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

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "department",
                str,
                description="Limit the figures to one shown department: a ``key`` from ``departments`` "
                "(an id, or ``none``). Departments below the anonymity threshold are refused (400).",
            )
        ],
        responses={200: CampaignResultsSerializer, 400: OpenApiResponse(description="Department not shown.")},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        campaign = self.get_object()
        try:
            results = campaign_results(campaign, department=department_key(request.query_params.get("department", "")))
        except HiddenDepartment:
            return Response(
                {"department": [_("Not one of the departments shown for this campaign.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(CampaignResultsSerializer(results).data)


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


class CsatResultsView(APIView):
    """CSAT over time from post-ticket ratings, overall and by team, category or agent (managers only).

    Cells with fewer ratings than SURVEYS_CSAT_MIN_GROUP_SIZE are hidden (``hidden: true``, no numbers).
    """

    permission_classes = [ManagerOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(DIMENSION_LABELS), description="Breakdown (default: overall)."),
            OpenApiParameter("months", int, description="How many months back, 1 to 24 (default 12)."),
        ],
        responses={200: CsatOverTimeSerializer},
    )
    def get(self, request):
        try:
            months = int(request.query_params.get("months", 12))
        except ValueError:
            return Response({"months": ["A number from 1 to 24."]}, status=status.HTTP_400_BAD_REQUEST)
        by = request.query_params.get("by", "overall")
        if by not in DIMENSION_LABELS:
            return Response({"by": [f"One of: {', '.join(DIMENSION_LABELS)}."]}, status=status.HTTP_400_BAD_REQUEST)
        data = csat_over_time(by=by, months=months)
        return Response(
            {
                "by": data.by,
                "min_group_size": data.min_group_size,
                "overall": [csat_cell_data(cell) for cell in data.overall],
                "groups": [
                    {"id": group.id, "name": group.name, "months": [csat_cell_data(cell) for cell in group.cells]}
                    for group in data.groups
                ],
            }
        )


class CsatFollowUpFilter(filters.FilterSet):
    class Meta:
        model = CsatFollowUp
        fields = ["status", "team", "lead"]


class CsatFollowUpViewSet(viewsets.ReadOnlyModelViewSet):
    """Follow-ups of low post-ticket ratings (1 or 2) and their closure (managers only)."""

    serializer_class = CsatFollowUpSerializer
    permission_classes = [ManagerOnly]
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = CsatFollowUpFilter
    ordering_fields = ["created_at", "closed_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return CsatFollowUp.objects.select_related("ticket", "rating", "team")
