"""REST API for the inventory: the same scoping as the pages (see ``assets.access``)."""

import django_filters
from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from icity.lists import FILTER_BACKENDS, FilteredListViewSet
from icity.roles import HasRole

from . import services
from .access import MANAGE_ROLES, READ_ROLES, assets_for, can_manage_inventory
from .models import Asset, AssetEvent, AssetStatus, Category, Kit, ProductModel, StockLevel, StockMovement
from .serializers import (
    AssetCreateSerializer,
    AssetDetailsSerializer,
    AssetEventSerializer,
    AssetMoveSerializer,
    AssetSerializer,
    AssetStatusSerializer,
    CategorySerializer,
    KitSerializer,
    ProductModelSerializer,
    StockLevelSerializer,
    StockMoveInputSerializer,
    StockMovementSerializer,
)


class ReadOrManage(BasePermission):
    """Anyone signed in may read; only logistics and admins may write."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or can_manage_inventory(request.user)


def _refuse(error: services.InventoryError):
    raise ValidationError({"detail": error.message, "errors": error.errors})


class CategoryViewSet(viewsets.ModelViewSet):
    serializer_class = CategorySerializer
    permission_classes = [ReadOrManage]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [OrderingFilter]
    ordering_fields = ["code"]

    def get_queryset(self):
        return Category.objects.order_by("code")


class ProductModelFilter(django_filters.FilterSet):
    class Meta:
        model = ProductModel
        fields = ["category", "manufacturer", "tracking", "requestable", "is_active"]


class ProductModelViewSet(viewsets.ModelViewSet):
    serializer_class = ProductModelSerializer
    permission_classes = [ReadOrManage]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = FILTER_BACKENDS
    filterset_class = ProductModelFilter
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return ProductModel.objects.select_related("manufacturer").order_by("manufacturer__name", "name")


class KitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KitSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Kit.objects.prefetch_related("items").order_by("code")


class AssetFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    category = django_filters.NumberFilter(field_name="model__category")
    procurement_contract = django_filters.CharFilter(lookup_expr="iexact")
    warranty_before = django_filters.DateFilter(field_name="warranty_end", lookup_expr="lte")
    q = django_filters.CharFilter(method="search", label="Search tag, serial or holder email")

    class Meta:
        model = Asset
        fields = ["status", "model", "category", "site", "holder", "procurement_contract", "warranty_before"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(
            Q(tag__istartswith=value) | Q(serial__iexact=value) | Q(holder__email__istartswith=value)
        )


class AssetViewSet(FilteredListViewSet):
    """Units. Requesters see only what they hold; agents read all; logistics and admins change."""

    serializer_class = AssetSerializer
    permission_classes = [ReadOrManage]
    filterset_class = AssetFilter
    ordering_fields = ["tag", "status", "warranty_end", "purchase_date", "updated_at"]
    ordering = ["tag"]

    def get_queryset(self):
        return assets_for(self.request.user).select_related("model__manufacturer", "model__category", "site", "holder")

    @extend_schema(request=AssetCreateSerializer, responses={201: AssetSerializer})
    def create(self, request):
        serializer = AssetCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            asset = services.asset_create(actor=request.user, **serializer.validated_data)
        except services.InventoryError as error:
            _refuse(error)
        return Response(AssetSerializer(self.get_queryset().get(pk=asset.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssetDetailsSerializer, responses=AssetSerializer)
    def partial_update(self, request, pk=None):
        asset = self.get_object()
        serializer = AssetDetailsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        unknown = set(request.data) - set(serializer.fields)
        if unknown:
            raise ValidationError({"detail": f"Not writable here: {', '.join(sorted(unknown))}"})
        try:
            services.asset_update_details(actor=request.user, asset=asset, changes=serializer.validated_data)
        except services.InventoryError as error:
            _refuse(error)
        return Response(AssetSerializer(self.get_queryset().get(pk=asset.pk)).data)

    @extend_schema(responses=AssetEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        asset = self.get_object()
        events = AssetEvent.objects.filter(asset=asset).select_related("actor").order_by("-at", "-id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(AssetEventSerializer(page, many=True).data)

    @extend_schema(request=AssetStatusSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        asset = self.get_object()
        serializer = AssetStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.asset_change_status(
                actor=request.user,
                asset=asset,
                status=data["status"],
                holder=data.get("holder"),
                site=data.get("site"),
                note=data.get("note", ""),
            )
        except services.InventoryError as error:
            _refuse(error)
        return Response(AssetSerializer(self.get_queryset().get(pk=asset.pk)).data)

    @extend_schema(request=AssetMoveSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        asset = self.get_object()
        serializer = AssetMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.asset_move(
            actor=request.user,
            asset=asset,
            site=data["site"],
            location=data.get("location", ""),
            note=data.get("note", ""),
        )
        return Response(AssetSerializer(self.get_queryset().get(pk=asset.pk)).data)


class StockLevelFilter(django_filters.FilterSet):
    low = django_filters.BooleanFilter(method="filter_low", label="Below minimum")

    class Meta:
        model = StockLevel
        fields = ["model", "site", "low"]

    def filter_low(self, queryset, name, value):
        return queryset.filter(quantity__lt=F("minimum")) if value else queryset.filter(quantity__gte=F("minimum"))


class StockLevelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StockLevelSerializer
    permission_classes = [HasRole.of(*READ_ROLES)]
    filter_backends = FILTER_BACKENDS
    filterset_class = StockLevelFilter
    ordering_fields = ["quantity", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return StockLevel.objects.select_related("model", "site")


class StockMovementFilter(django_filters.FilterSet):
    model = django_filters.NumberFilter(field_name="level__model")
    site = django_filters.NumberFilter(field_name="level__site")

    class Meta:
        model = StockMovement
        fields = ["level", "model", "site", "kind"]


class StockMovementViewSet(FilteredListViewSet):
    """The stock ledger (read), and POST to record a movement (logistics and admins)."""

    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter
    ordering_fields = ["at", "id"]
    ordering = ["-id"]

    def get_permissions(self):
        roles = MANAGE_ROLES if self.request.method not in SAFE_METHODS else READ_ROLES
        return [HasRole.of(*roles)()]

    def get_queryset(self):
        return StockMovement.objects.select_related("level")

    @extend_schema(request=StockMoveInputSerializer, responses={201: StockMovementSerializer(many=True)})
    def create(self, request):
        serializer = StockMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            movements = services.stock_move(
                actor=request.user,
                model=data["model"],
                site=data["site"],
                kind=data["kind"],
                quantity=data["quantity"],
                reason=data.get("reason", ""),
                to_site=data.get("to_site"),
            )
        except services.InventoryError as error:
            _refuse(error)
        return Response(StockMovementSerializer(movements, many=True).data, status=status.HTTP_201_CREATED)
