"""REST API: the same scoping as the pages (tickets.access), writable fields allow-listed."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from assets.models import Asset
from icity.files import serve_file
from icity.parsers import FormParser, JSONParser, MultiPartParser
from icity.text import is_id

from . import services
from .access import can_manage, get_attachment_for_user, get_ticket_for_user, is_agent, reads_as_staff, visible_tickets
from .models import Attachment, Category, Comment, Team
from .queries import ORDERINGS, QueueFilterForm, filter_queue, queue_rows
from .serializers import (
    AssetTagSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CategorySerializer,
    CommentCreateSerializer,
    CommentSerializer,
    TeamSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketListSerializer,
    TicketUpdateSerializer,
    TimelineEventSerializer,
    TransitionSerializer,
)
from .views import _harden


def _drf_error(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": error.messages})


FILTER_PARAMETERS = [
    OpenApiParameter("view", str, description="Saved view: open, mine, unassigned, breaching, waiting, all"),
    OpenApiParameter("q", str, description="Full-text search (reference, title, description, comments for agents)"),
    OpenApiParameter("status", str, many=True),
    OpenApiParameter("team", int),
    OpenApiParameter("assignee", str, description="me, none or a user id"),
    OpenApiParameter("category", int),
    OpenApiParameter("priority", int, many=True),
    OpenApiParameter("sla", str, enum=["breached", "at_risk", "ok", "paused"]),
    OpenApiParameter("requester", str),
    OpenApiParameter("department", int),
    OpenApiParameter("created_from", OpenApiTypes.DATE),
    OpenApiParameter("created_to", OpenApiTypes.DATE),
    OpenApiParameter("sort", str, enum=sorted(ORDERINGS)),
]


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "reference"
    lookup_value_regex = r"HD-\d{4}-\d{6}"
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return TicketListSerializer if self.action == "list" else TicketDetailSerializer

    def get_queryset(self):
        return visible_tickets(self.request.user)

    def get_object(self):
        return get_ticket_for_user(self.request.user, self.kwargs["reference"])

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request, *args, **kwargs):
        user = request.user
        if is_agent(user):
            data = QueueFilterForm(request.query_params or None, user=user).valid_data() if request.query_params else {}
            data["view"] = data.get("view") or "all"
            # Newest first by default: an index scan on created_at, not a sort of every ticket.
            data["sort"] = data.get("sort") or "-created"
            tickets = filter_queue(visible_tickets(user), data, user)
        else:
            tickets = visible_tickets(user).order_by("-updated_at", "-pk")
            text = request.query_params.get("q", "").strip()[:200]
            if text:
                tickets = tickets.filter(
                    Q(reference__iexact=text) | Q(title__icontains=text) | Q(description__icontains=text)
                )
        page = self.paginate_queryset(queue_rows(tickets))
        return self.get_paginated_response(TicketListSerializer(page, many=True).data)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketDetailSerializer})
    def create(self, request):
        serializer = TicketCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        asset = data.pop("asset", None)
        try:
            ticket = services.ticket_open(
                requester=request.user, opened_by=request.user, assets=[asset] if asset else [], **data
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TicketDetailSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateSerializer, responses=TicketDetailSerializer)
    def partial_update(self, request, reference=None):
        ticket = self.get_object()
        if not can_manage(request.user, ticket):
            raise PermissionDenied
        serializer = TicketUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if "impact" in data or "urgency" in data:
                ticket = services.ticket_set_priority(
                    ticket=ticket,
                    actor=request.user,
                    impact=data.get("impact", ticket.impact),
                    urgency=data.get("urgency", ticket.urgency),
                )
            if "category" in data:
                ticket = services.ticket_set_category(ticket=ticket, actor=request.user, category=data["category"])
            if "assignee" in data:
                ticket = services.ticket_assign(ticket=ticket, actor=request.user, assignee=data["assignee"])
            if "team" in data:
                ticket = services.ticket_set_team(ticket=ticket, actor=request.user, team=data["team"])
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TicketDetailSerializer(get_ticket_for_user(request.user, ticket.reference)).data)

    @extend_schema(request=TransitionSerializer, responses=TicketDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, reference=None):
        ticket = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.ticket_transition(
                ticket=ticket,
                actor=request.user,
                to_status=serializer.validated_data["status"],
                note=serializer.validated_data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TicketDetailSerializer(get_ticket_for_user(request.user, ticket.reference)).data)

    @extend_schema(methods=["get"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["post"], request=CommentCreateSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, reference=None):
        ticket = self.get_object()
        agent = reads_as_staff(request.user, ticket)  # sees internal notes
        if request.method == "POST":
            serializer = CommentCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                comment = services.comment_add(
                    ticket=ticket,
                    author=request.user,
                    body=serializer.validated_data["body"],
                    internal=serializer.validated_data["internal"],
                    time_spent_minutes=serializer.validated_data["time_spent_minutes"],
                )
            except DjangoValidationError as error:
                raise _drf_error(error) from error
            if comment.pk is None:
                # The ticket was closed: the message opened a linked follow-up ticket instead.
                return Response(
                    {"follow_up_ticket": TicketDetailSerializer(comment.ticket).data}, status=status.HTTP_201_CREATED
                )
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        attachments = Attachment.objects.all() if agent else Attachment.objects.filter(is_internal=False)
        comments = Comment.objects.filter(ticket=ticket).select_related("author")
        if not agent:
            comments = comments.filter(is_internal=False)
        comments = comments.order_by("created_at", "pk").prefetch_related(Prefetch("attachments", queryset=attachments))
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, reference=None):
        ticket = self.get_object()
        if request.method == "POST":
            serializer = AttachmentUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                attachment = services.attachment_add(
                    ticket=ticket,
                    uploaded_by=request.user,
                    upload=serializer.validated_data["file"],
                    internal=serializer.validated_data["internal"],
                )
            except DjangoValidationError as error:
                raise _drf_error(error) from error
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        attachments = ticket.attachments.order_by("created_at")
        if not reads_as_staff(request.user, ticket):
            attachments = attachments.filter(is_internal=False)
        page = self.paginate_queryset(attachments)
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    def _asset_action(self, request, service):
        ticket = self.get_object()
        if not can_manage(request.user, ticket):
            raise PermissionDenied
        serializer = AssetTagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = Asset.objects.filter(tag=serializer.validated_data["tag"].strip().upper()).first()
        if asset is None:
            raise ValidationError({"tag": [_("No equipment has this tag.")]})
        try:
            service(ticket=ticket, actor=request.user, asset=asset)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
        return Response(TicketDetailSerializer(get_ticket_for_user(request.user, ticket.reference)).data)

    @extend_schema(request=AssetTagSerializer, responses=TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="link-asset")
    def link_asset(self, request, reference=None):
        """Agents: link a unit of equipment by its tag."""
        return self._asset_action(request, services.ticket_link_asset)

    @extend_schema(request=AssetTagSerializer, responses=TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="unlink-asset")
    def unlink_asset(self, request, reference=None):
        """Agents: remove a unit of equipment from the ticket."""
        return self._asset_action(request, services.ticket_unlink_asset)

    @extend_schema(responses=TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, reference=None):
        ticket = self.get_object()
        if not reads_as_staff(request.user, ticket):
            raise Http404
        events = ticket.timeline.select_related("actor").order_by("created_at", "pk")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)


class AttachmentViewSet(viewsets.GenericViewSet):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        if not is_id(str(pk)):
            raise Http404
        attachment = get_attachment_for_user(request.user, int(pk))
        response = serve_file(
            attachment.file,
            filename=attachment.original_name,
            content_type=attachment.content_type or "application/octet-stream",
        )
        return _harden(response)


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    queryset = Team.objects.order_by("name")
    filter_backends = []


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    queryset = Category.objects.filter(is_active=True).order_by("name_fr")
    filter_backends = []
