from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from assets.models import Asset
from icity.models import User

from .models import Attachment, Category, Comment, Level, Status, Team, Ticket, TimelineEvent


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class TeamSerializer(serializers.ModelSerializer):
    # `name` stays the French name integrations key on; `display_name` follows Accept-Language.
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "name_nl", "name_en", "display_name", "email"]
        read_only_fields = fields


@extend_schema_serializer(component_name="TicketCategory")
class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    guidance = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "name_fr", "name_nl", "parent", "kind", "default_team", "guidance"]
        read_only_fields = fields


class TicketListSerializer(serializers.ModelSerializer):
    requester = PersonSerializer(read_only=True)
    assignee = PersonSerializer(read_only=True)
    team = serializers.CharField(source="team.name", default=None, read_only=True)
    category = serializers.CharField(source="category.name", default=None, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "reference",
            "title",
            "status",
            "priority",
            "kind",
            "requester",
            "assignee",
            "team",
            "category",
            "created_at",
            "updated_at",
            "resolution_due",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="TicketLinkedAsset")
class LinkedAssetSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model.name", read_only=True)

    class Meta:
        model = Asset
        fields = ["tag", "model"]
        read_only_fields = fields


class TicketDetailSerializer(TicketListSerializer):
    class Meta(TicketListSerializer.Meta):
        fields = [
            *TicketListSerializer.Meta.fields,
            "description",
            "channel",
            "impact",
            "urgency",
            "first_response_due",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "time_spent_minutes",
            "merged_into",
            "linked_assets",
        ]
        read_only_fields = fields

    merged_into = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    linked_assets = serializers.SerializerMethodField()

    def get_linked_assets(self, ticket) -> list[dict]:
        assets = ticket.linked_assets.select_related("model").order_by("tag")
        return LinkedAssetSerializer(assets, many=True).data


class TicketCreateSerializer(serializers.Serializer):
    """Writable fields are listed here and nowhere else: no status, requester or team."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True).select_related("default_team")
    )
    impact = serializers.ChoiceField(choices=Level.choices, default=Level.LOW)
    urgency = serializers.ChoiceField(choices=Level.choices, default=Level.MEDIUM)
    asset = serializers.CharField(
        max_length=40, required=False, help_text="Tag of one unit the requester holds (equipment concerned)."
    )

    def validate_asset(self, tag: str) -> Asset:
        user = self.context["request"].user
        asset = Asset.objects.filter(tag=tag.strip().upper(), holder=user).first()
        if asset is None:
            raise serializers.ValidationError(_("Choose one of the devices you hold."))
        return asset


class AssetTagSerializer(serializers.Serializer):
    tag = serializers.CharField(max_length=40)


class TicketUpdateSerializer(serializers.Serializer):
    """Agents only: triage fields, each applied through its service."""

    impact = serializers.ChoiceField(choices=Level.choices, required=False)
    urgency = serializers.ChoiceField(choices=Level.choices, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "is_internal", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return f"{settings.SITE_URL}/api/v1/ticket-attachments/{attachment.pk}/download/"


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "is_internal", "time_spent_minutes", "created_at", "attachments"]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(default=False)
    time_spent_minutes = serializers.IntegerField(default=0, min_value=0, max_value=24 * 60)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True)

    class Meta:
        model = TimelineEvent
        fields = ["id", "actor", "created_at", "field", "old_value", "new_value"]
        read_only_fields = fields
