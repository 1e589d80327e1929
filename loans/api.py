"""REST API for equipment requests, loans and deliveries: the same scoping as the pages (``loans.views``).

Reads are viewsets scoped to the user; every change is an explicit input
serializer and one service call. Status, borrower and owner fields are never
writable.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assets.access import MANAGE_ROLES
from assets.models import Asset, Condition, Kit, ProductModel
from assets.services import InventoryError
from icity.lists import FilteredListViewSet
from icity.models import Site
from icity.roles import HasRole

from . import services
from .forms import clean_ticket_reference
from .models import Delivery, DeliveryRun, EquipmentRequest, Loan, LoanLine, LoanTerms, RequestLine
from .views import is_logistics, loans_for, requests_for


def _refuse(error: InventoryError):
    raise ValidationError({"detail": error.message, "errors": error.errors})


def _user_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="email", queryset=get_user_model().objects.all(), **kwargs)


# --- Output serializers --------------------------------------------------------------------------


class LoanLineSerializer(serializers.ModelSerializer):
    tag = serializers.CharField(source="asset.tag", default=None, read_only=True)
    serial = serializers.CharField(source="asset.serial", default=None, read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)

    class Meta:
        model = LoanLine
        fields = [
            "id",
            "asset",
            "tag",
            "serial",
            "model",
            "model_name",
            "quantity",
            "state",
            "returned_at",
            "return_condition",
            "missing_parts",
            "next_status",
            "loss_ticket",
        ]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    borrower_email = serializers.EmailField(source="borrower.email", default=None, read_only=True)
    terms_version = serializers.CharField(source="terms.version", default=None, read_only=True)
    lines = LoanLineSerializer(many=True, read_only=True)

    class Meta:
        model = Loan
        fields = [
            "id",
            "reference",
            "borrower_kind",
            "borrower",
            "borrower_email",
            "borrower_label",
            "status",
            "started_at",
            "due_date",
            "extensions",
            "closed_at",
            "terms_version",
            "accepted_name",
            "accepted_at",
            "request",
            "lines",
        ]
        read_only_fields = fields


class RequestLineSerializer(serializers.Serializer):
    kit = serializers.PrimaryKeyRelatedField(queryset=Kit.objects.all(), required=False, allow_null=True)
    model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.all(), required=False, allow_null=True)
    quantity = serializers.IntegerField(min_value=1, max_value=20, default=1)

    def validate(self, data):
        if bool(data.get("kit")) == bool(data.get("model")):
            raise ValidationError("Each line is one kit or one model.")
        return data


class RequestLineOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestLine
        fields = ["kit", "model", "quantity"]
        read_only_fields = fields


class EquipmentRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    requester_email = serializers.EmailField(source="requester.email", read_only=True)
    lines = RequestLineOutSerializer(many=True, read_only=True)

    class Meta:
        model = EquipmentRequest
        fields = [
            "id",
            "reference",
            "requester",
            "requester_email",
            "created_by",
            "status",
            "reason",
            "wanted_by",
            "delivery",
            "delivery_site",
            "delivery_address",
            "approver",
            "decided_at",
            "refusal_reason",
            "ready_at",
            "created_at",
            "lines",
        ]
        read_only_fields = fields


class DeliveryRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryRun
        fields = [
            "id",
            "kind",
            "status",
            "date",
            "window_start",
            "window_end",
            "site",
            "address",
            "person",
            "assignee",
            "request",
            "recovery",
            "notes",
            "failure_reason",
        ]
        read_only_fields = fields


# --- Input serializers ---------------------------------------------------------------------------


class RequestInputSerializer(serializers.Serializer):
    requester = _user_field(required=False, help_text="Email of a team member (managers only); yourself by default.")
    lines = RequestLineSerializer(many=True)
    reason = serializers.CharField(max_length=2000)
    wanted_by = serializers.DateField(required=False, allow_null=True)
    delivery = serializers.ChoiceField(choices=Delivery.choices, default=Delivery.DESK)
    delivery_site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    delivery_address = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class LineChangeSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=1000)
    substitute = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    rest = serializers.ChoiceField(
        choices=[services.REST_CANCEL, services.REST_BACKORDER], required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DecideInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    # When stock is short: a substitute model of the same category, or fewer items (the rest cancelled or kept).
    lines = LineChangeSerializer(many=True, required=False, default=list, max_length=50)


class PrepareInputSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=100), max_length=200)
    stock_site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())


class HandOverInputSerializer(serializers.Serializer):
    accepted_name = serializers.CharField(max_length=200)
    accept_terms = serializers.BooleanField()
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class CheckOutInputSerializer(serializers.Serializer):
    borrower = _user_field()
    assets = serializers.SlugRelatedField(slug_field="tag", queryset=Asset.objects.all(), many=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    permanent = serializers.BooleanField(default=False)
    accepted_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)

    def validate_due_date(self, value):
        if value and value < timezone.localdate():
            raise ValidationError("The due date cannot be in the past.")
        return value


class ReturnInputSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    condition = serializers.ChoiceField(choices=Condition.choices, required=False, allow_blank=True, default="")
    next_status = serializers.ChoiceField(choices=LoanLine.NextStatus.choices, default=LoanLine.NextStatus.STOCK)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    missing_parts = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class CheckInInputSerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    items = ReturnInputSerializer(many=True)


class ExtendInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class LostInputSerializer(serializers.Serializer):
    lines = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)
    ticket_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)

    def validate_ticket_reference(self, value: str) -> str:
        try:
            return clean_ticket_reference(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class RunInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeliveryRun.Kind.choices)
    date = serializers.DateField()
    window_start = serializers.TimeField()
    window_end = serializers.TimeField()
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    assignee = _user_field(required=False, allow_null=True)
    person = _user_field(required=False, allow_null=True)
    request = serializers.PrimaryKeyRelatedField(
        queryset=EquipmentRequest.objects.all(), required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class RunStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryRun.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    move_back = serializers.BooleanField(
        required=False, default=False, help_text="Required to move a run back (failed → planned)."
    )


# --- Viewsets ------------------------------------------------------------------------------------


class EquipmentRequestFilter(django_filters.FilterSet):
    class Meta:
        model = EquipmentRequest
        fields = ["status", "delivery"]


class EquipmentRequestViewSet(FilteredListViewSet):
    """Equipment requests: your own, those you approve, all of them for logistics."""

    serializer_class = EquipmentRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = EquipmentRequestFilter
    ordering_fields = ["created_at", "wanted_by", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return requests_for(self.request.user).select_related("requester").prefetch_related("lines")

    @extend_schema(request=RequestInputSerializer, responses={201: EquipmentRequestSerializer})
    def create(self, request):
        serializer = RequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            created = services.request_submit(
                actor=request.user,
                requester=data.get("requester") or request.user,
                lines=[
                    services.Wanted(kit=line.get("kit"), model=line.get("model"), quantity=line["quantity"])
                    for line in data["lines"]
                ],
                reason=data["reason"],
                wanted_by=data.get("wanted_by"),
                delivery=data["delivery"],
                delivery_site=data.get("delivery_site"),
                delivery_address=data["delivery_address"],
                idempotency_key=data.get("idempotency_key"),
            )
        except InventoryError as error:
            _refuse(error)
        return Response(
            EquipmentRequestSerializer(self.get_queryset().get(pk=created.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DecideInputSerializer, responses=EquipmentRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        equipment_request = self.get_object()
        if equipment_request.approver_id != request.user.pk:
            raise NotFound
        serializer = DecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            data = serializer.validated_data
            services.request_decide(
                actor=request.user,
                request=equipment_request,
                approve=data["approve"],
                reason=data["reason"],
                changes=[
                    services.LineChange(
                        line_id=row["line"],
                        quantity=row["quantity"],
                        substitute=row["substitute"],
                        rest=row["rest"],
                        reason=row["reason"],
                    )
                    for row in data["lines"]
                ],
            )
        except InventoryError as error:
            _refuse(error)
        return Response(EquipmentRequestSerializer(self.get_queryset().get(pk=equipment_request.pk)).data)

    @extend_schema(request=None, responses=EquipmentRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        equipment_request = self.get_object()
        mine = request.user.pk in (equipment_request.requester_id, equipment_request.created_by_id)
        if not (mine or is_logistics(request.user)):
            raise NotFound
        try:
            services.request_cancel(actor=request.user, request=equipment_request)
        except InventoryError as error:
            _refuse(error)
        return Response(EquipmentRequestSerializer(self.get_queryset().get(pk=equipment_request.pk)).data)

    @extend_schema(request=PrepareInputSerializer, responses=EquipmentRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[HasRole.of(*MANAGE_ROLES)])
    def prepare(self, request, pk=None):
        equipment_request = self.get_object()
        serializer = PrepareInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.request_prepare(actor=request.user, request=equipment_request, **serializer.validated_data)
        except InventoryError as error:
            _refuse(error)
        return Response(EquipmentRequestSerializer(self.get_queryset().get(pk=equipment_request.pk)).data)

    @extend_schema(request=HandOverInputSerializer, responses={201: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="hand-over", permission_classes=[HasRole.of(*MANAGE_ROLES)])
    def hand_over(self, request, pk=None):
        equipment_request = self.get_object()
        serializer = HandOverInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            loan = services.loan_hand_over(actor=request.user, request=equipment_request, **serializer.validated_data)
        except InventoryError as error:
            _refuse(error)
        return Response(LoanSerializer(_loan_queryset().get(pk=loan.pk)).data, status=status.HTTP_201_CREATED)


def _loan_queryset():
    return Loan.objects.select_related("borrower", "terms").prefetch_related("lines__asset", "lines__model")


class LoanFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Loan
        fields = ["status", "borrower_kind"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value:
            return queryset.filter(status__in=Loan.OPEN_STATUSES, due_date__lt=today)
        return queryset.exclude(status__in=Loan.OPEN_STATUSES, due_date__lt=today)


class LoanViewSet(FilteredListViewSet):
    """Loans: borrowers see their own; logistics sees and changes all (check-out, check-in, loss)."""

    serializer_class = LoanSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = LoanFilter
    ordering_fields = ["due_date", "started_at", "id"]
    ordering = ["-started_at", "-id"]

    def get_queryset(self):
        return (
            loans_for(self.request.user)
            .select_related("borrower", "terms")
            .prefetch_related("lines__asset", "lines__model")
        )

    @extend_schema(request=CheckOutInputSerializer, responses={201: LoanSerializer})
    @action(detail=False, methods=["post"], url_path="check-out", permission_classes=[HasRole.of(*MANAGE_ROLES)])
    def check_out(self, request):
        serializer = CheckOutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        terms = LoanTerms.current() if data["accepted_name"] else None
        try:
            loan = services.loan_check_out(
                actor=request.user,
                borrower=data["borrower"],
                assets=[asset.pk for asset in data["assets"]],
                due_date=data.get("due_date"),
                use_policy_due_date=not data["permanent"],
                terms=terms,
                accepted_name=data["accepted_name"],
                witnessed_by=request.user if data["accepted_name"] else None,
                idempotency_key=data.get("idempotency_key"),
            )
        except InventoryError as error:
            _refuse(error)
        return Response(LoanSerializer(_loan_queryset().get(pk=loan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CheckInInputSerializer, responses=LoanSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="check-in", permission_classes=[HasRole.of(*MANAGE_ROLES)])
    def check_in(self, request):
        serializer = CheckInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            loans = services.loan_check_in(
                actor=request.user,
                site=data["site"],
                items=[services.ReturnItem(**item) for item in data["items"]],
            )
        except InventoryError as error:
            _refuse(error)
        return Response(LoanSerializer(_loan_queryset().filter(pk__in=[loan.pk for loan in loans]), many=True).data)

    @extend_schema(request=ExtendInputSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        loan = self.get_object()
        serializer = ExtendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.loan_extend(actor=request.user, loan=loan, reason=serializer.validated_data["reason"])
        except InventoryError as error:
            _refuse(error)
        return Response(LoanSerializer(_loan_queryset().get(pk=loan.pk)).data)

    @extend_schema(request=LostInputSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="declare-lost", permission_classes=[HasRole.of(*MANAGE_ROLES)])
    def declare_lost(self, request, pk=None):
        loan = self.get_object()
        serializer = LostInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.loan_declare_lost(actor=request.user, loan=loan, **serializer.validated_data)
        except InventoryError as error:
            _refuse(error)
        return Response(LoanSerializer(_loan_queryset().get(pk=loan.pk)).data)


class DeliveryRunFilter(django_filters.FilterSet):
    class Meta:
        model = DeliveryRun
        fields = ["date", "kind", "status", "assignee"]


class DeliveryRunViewSet(FilteredListViewSet):
    """Deliveries, pick-ups and recoveries on the board: logistics only."""

    serializer_class = DeliveryRunSerializer
    permission_classes = [HasRole.of(*MANAGE_ROLES)]
    filterset_class = DeliveryRunFilter
    ordering_fields = ["date", "window_start", "id"]
    ordering = ["date", "window_start", "id"]

    def get_queryset(self):
        return DeliveryRun.objects.all()

    @extend_schema(request=RunInputSerializer, responses={201: DeliveryRunSerializer})
    def create(self, request):
        serializer = RunInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            run = services.delivery_plan(
                actor=request.user,
                kind=data["kind"],
                day=data["date"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                site=data.get("site"),
                address=data["address"],
                assignee=data.get("assignee"),
                person=data.get("person"),
                request=data.get("request"),
                notes=data["notes"],
                idempotency_key=data.get("idempotency_key"),
            )
        except InventoryError as error:
            _refuse(error)
        return Response(DeliveryRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RunStatusInputSerializer, responses=DeliveryRunSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        run = self.get_object()
        serializer = RunStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            run = services.delivery_set_status(actor=request.user, run=run, **serializer.validated_data)
        except InventoryError as error:
            _refuse(error)
        return Response(DeliveryRunSerializer(run).data)
