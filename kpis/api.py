"""KPI REST API (managers and admins): definitions, stored values by period and scope, targets."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from icity.pagination import StandardPagination
from icity.roles import HasRole, Role

from . import services
from .definitions import all_kpis, get_kpi
from .definitions.base import SCOPES
from .forms import parse_month
from .models import Snapshot, Target
from .serializers import KpiSerializer, SnapshotSerializer, TargetSerializer

Managers = HasRole.of(Role.MANAGER, Role.ADMIN)


def _month(name: str, text: str):
    try:
        return parse_month(text)
    except ValueError:
        raise ValidationError({name: ["Enter a month as YYYY-MM."]}) from None


class KpiDefinitionsView(APIView):
    permission_classes = [Managers]

    @extend_schema(responses={200: KpiSerializer(many=True)})
    def get(self, request):
        return Response(KpiSerializer(all_kpis(), many=True).data)


VALUE_FILTERS = {"code", "from", "to", "scope_kind", "scope_key", "page", "page_size"}


class SnapshotPageSerializer(serializers.Serializer):
    """The schema of the paginated answer (an APIView is not paginated by drf-spectacular itself)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SnapshotSerializer(many=True)


class KpiValuesView(APIView):
    """Stored monthly values. Filters: code, from/to (YYYY-MM), scope_kind ("" = overall), scope_key."""

    permission_classes = [Managers]

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, description="A KPI code, e.g. HD01."),
            OpenApiParameter("from", str, description="First month, YYYY-MM."),
            OpenApiParameter("to", str, description="Last month, YYYY-MM."),
            OpenApiParameter("scope_kind", str, enum=["", *SCOPES], description="Empty (default): overall values."),
            OpenApiParameter("scope_key", str, description="One scope's key (team id, department id, channel…)."),
        ],
        responses={200: SnapshotPageSerializer},
    )
    def get(self, request):
        params = request.query_params
        unknown = sorted(set(params) - VALUE_FILTERS)
        if unknown:
            raise ValidationError({"filters": [f"Unknown filter: {', '.join(unknown)}."]})
        rows = Snapshot.objects.all()
        if "code" in params:
            if get_kpi(params["code"]) is None:
                raise ValidationError({"code": ["Unknown KPI code."]})
            rows = rows.filter(code=params["code"])
        if "from" in params:
            rows = rows.filter(month__gte=_month("from", params["from"]))
        if "to" in params:
            rows = rows.filter(month__lte=_month("to", params["to"]))
        scope_kind = params.get("scope_kind", "")
        if scope_kind and scope_kind not in SCOPES:
            raise ValidationError({"scope_kind": ["Unknown scope."]})
        rows = rows.filter(scope_kind=scope_kind)
        if "scope_key" in params:
            if not scope_kind or len(params["scope_key"]) > 64:
                raise ValidationError({"scope_key": ["Give scope_kind with scope_key (at most 64 characters)."]})
            rows = rows.filter(scope_key=params["scope_key"])
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows.order_by("code", "month", "scope_key"), request, view=self)
        return paginator.get_paginated_response(SnapshotSerializer(page, many=True).data)


class KpiTargetsView(APIView):
    """Targets per KPI and year; managers set them (POST replaces the year's target)."""

    permission_classes = [Managers]

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("code", str)],
        responses={200: TargetSerializer(many=True)},
    )
    def get(self, request):
        rows = Target.objects.order_by("year", "code")
        if "year" in request.query_params:
            try:
                rows = rows.filter(year=int(request.query_params["year"]))
            except ValueError:
                raise ValidationError({"year": ["Enter a year."]}) from None
        if "code" in request.query_params:
            rows = rows.filter(code=request.query_params["code"])
        return Response(TargetSerializer(rows, many=True).data)

    @extend_schema(request=TargetSerializer, responses={200: TargetSerializer})
    def post(self, request):
        serializer = TargetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            target = services.target_set(user=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return Response(TargetSerializer(target).data, status=status.HTTP_200_OK)
