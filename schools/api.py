"""REST API for the school programme: the same scoping as the pages (see ``schools.access``)."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from icity.roles import HasRole

from . import services
from .access import SCHOOL_ROLES, STAFF_ROLES, appointments_for, pupils_for, schools_for
from .models import Pupil, PupilAccessLog, ReconJob, Slot
from .serializers import (
    AppointmentSerializer,
    BookSerializer,
    MoveSerializer,
    PupilSerializer,
    ReconJobSerializer,
    RefuseSerializer,
    ReturnCampaignCreateSerializer,
    ReturnCampaignSerializer,
    SchoolSerializer,
    SlotSerializer,
)
from .services import loans as loan_services


def _refuse(error: services.ProgrammeError):
    raise ValidationError({"detail": error.message})


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolSerializer
    permission_classes = [HasRole.of(*SCHOOL_ROLES)]

    def get_queryset(self):
        return schools_for(self.request.user).order_by("code")


class PupilFilter(django_filters.FilterSet):
    class Meta:
        model = Pupil
        fields = ["school", "status", "class_name"]


class PupilViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PupilSerializer
    permission_classes = [HasRole.of(*SCHOOL_ROLES)]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    filterset_class = PupilFilter
    ordering_fields = ["last_name", "registered_at", "id"]

    def get_queryset(self):
        return pupils_for(self.request.user).order_by("school_id", "last_name", "first_name", "id")

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("schools", schools_for(self.request.user))
        return super().get_serializer(*args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        pupil = self.get_object()
        services.pupil_log_access(user=request.user, pupil=pupil, action=PupilAccessLog.Action.API)
        return Response(self.get_serializer(pupil).data)

    def perform_create(self, serializer):
        data = {name: serializer.validated_data.get(name, "") for name in services.PUPIL_FIELDS}
        try:
            serializer.instance = services.pupil_register(
                actor=self.request.user, school=serializer.validated_data["school"], data=data
            )
        except services.ProgrammeError as error:
            _refuse(error)

    def perform_update(self, serializer):
        data = {name: value for name, value in serializer.validated_data.items() if name in services.PUPIL_FIELDS}
        try:
            serializer.instance = services.pupil_update(actor=self.request.user, pupil=serializer.instance, data=data)
        except services.ProgrammeError as error:
            _refuse(error)

    @extend_schema(request=None, responses=PupilSerializer)
    @action(detail=True, methods=["post"], permission_classes=[HasRole.of(*STAFF_ROLES)])
    def approve(self, request, pk=None):
        try:
            pupil = services.pupil_approve(actor=request.user, pupil=self.get_object())
        except services.ProgrammeError as error:
            _refuse(error)
        return Response(self.get_serializer(pupil).data)

    @extend_schema(request=RefuseSerializer, responses=PupilSerializer)
    @action(detail=True, methods=["post"], permission_classes=[HasRole.of(*STAFF_ROLES)])
    def refuse(self, request, pk=None):
        payload = RefuseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            pupil = services.pupil_refuse(
                actor=request.user, pupil=self.get_object(), reason=payload.validated_data["reason"]
            )
        except services.ProgrammeError as error:
            _refuse(error)
        return Response(self.get_serializer(pupil).data)


class ReconJobViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReconJobSerializer
    permission_classes = [HasRole.of(*STAFF_ROLES)]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    filterset_fields = ["step", "source"]
    ordering_fields = ["intake_at", "updated_at", "id"]

    def get_queryset(self):
        return ReconJob.objects.select_related("asset").order_by("-intake_at", "-id")


class SlotViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SlotSerializer
    permission_classes = [HasRole.of(*SCHOOL_ROLES)]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_fields = ["point"]

    def get_queryset(self):
        return Slot.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at", "id")


class AppointmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AppointmentSerializer
    permission_classes = [HasRole.of(*SCHOOL_ROLES)]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_fields = ["status", "pupil"]

    def get_queryset(self):
        return appointments_for(self.request.user).select_related("slot").order_by("-created_at", "-id")

    @extend_schema(request=BookSerializer, responses={201: AppointmentSerializer})
    def create(self, request):
        payload = BookSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pupil = pupils_for(request.user).filter(pk=payload.validated_data["pupil"]).first()
        if pupil is None:
            raise NotFound
        if not Slot.objects.filter(pk=payload.validated_data["slot"]).exists():
            raise ValidationError({"slot": "Unknown slot."})
        try:
            appointment = services.appointment_book(
                actor=request.user, pupil=pupil, slot=payload.validated_data["slot"]
            )
        except services.ProgrammeError as error:
            _refuse(error)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MoveSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not Slot.objects.filter(pk=payload.validated_data["slot"]).exists():
            raise ValidationError({"slot": "Unknown slot."})
        try:
            appointment = services.appointment_move(
                actor=request.user, appointment=self.get_object(), slot=payload.validated_data["slot"]
            )
        except services.ProgrammeError as error:
            _refuse(error)
        return Response(AppointmentSerializer(appointment).data)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        try:
            appointment = services.appointment_cancel(actor=request.user, appointment=self.get_object())
        except services.ProgrammeError as error:
            _refuse(error)
        return Response(AppointmentSerializer(appointment).data)


class ReturnCampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Return campaigns for programme staff: list, read, create, pause and resume (no other change)."""

    serializer_class = ReturnCampaignSerializer
    permission_classes = [HasRole.of(*STAFF_ROLES)]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return loan_services.return_campaigns_listed()

    def _read(self, campaign):
        return self.get_queryset().get(pk=campaign.pk)

    @extend_schema(request=ReturnCampaignCreateSerializer, responses={201: ReturnCampaignSerializer})
    def create(self, request):
        payload = ReturnCampaignCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            campaign = loan_services.return_campaign_create(actor=request.user, **payload.validated_data)
        except loan_services.CampaignError as error:
            raise ValidationError({error.field or "detail": [error.message]}) from error
        return Response(self.get_serializer(self._read(campaign)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReturnCampaignSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        campaign = loan_services.return_campaign_set_active(
            actor=request.user, campaign=self.get_object(), active=False
        )
        return Response(self.get_serializer(self._read(campaign)).data)

    @extend_schema(request=None, responses=ReturnCampaignSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        campaign = loan_services.return_campaign_set_active(actor=request.user, campaign=self.get_object(), active=True)
        return Response(self.get_serializer(self._read(campaign)).data)
