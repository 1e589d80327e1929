from rest_framework import serializers

from .models import Appointment, Pupil, ReconJob, ReturnCampaign, School, Slot
from .services import PUPIL_FIELDS


class SchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "code", "name_fr", "name_nl", "address", "quota"]
        read_only_fields = fields


class PupilSerializer(serializers.ModelSerializer):
    """Writable: the registration fields only. Status and decisions go through their own actions."""

    class Meta:
        model = Pupil
        fields = [
            "id",
            "school",
            *PUPIL_FIELDS,
            "status",
            "refusal_reason",
            "registered_at",
            "decided_at",
            "closed_at",
            "anonymised_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "refusal_reason",
            "registered_at",
            "decided_at",
            "closed_at",
            "anonymised_at",
        ]
        extra_kwargs = {"guardian_email": {"required": False}, "guardian_phone": {"required": False}}

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"].queryset = schools
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["school"].read_only = True

    def validate(self, attrs):
        email = attrs.get("guardian_email", getattr(self.instance, "guardian_email", ""))
        phone = attrs.get("guardian_phone", getattr(self.instance, "guardian_phone", ""))
        if not email and not phone:
            raise serializers.ValidationError("Give the guardian's email address or phone number.")
        return attrs


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class ReconJobSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="asset.tag", read_only=True)

    class Meta:
        model = ReconJob
        fields = [
            "id",
            "asset",
            "asset_tag",
            "step",
            "source",
            "technician",
            "intake_at",
            "intake_condition",
            "wipe_method",
            "wipe_tool",
            "wipe_result",
            "wipe_verification",
            "wipe_operator",
            "wiped_at",
            "certificate_number",
            "battery_health",
            "screen_ok",
            "keyboard_ok",
            "ports_ok",
            "webcam_mic_ok",
            "storage_ok",
            "os_image",
            "os_version",
            "cosmetic_grade",
            "qa_by",
            "qa_at",
            "outcome_reason",
            "closed_at",
        ]
        read_only_fields = fields


class SlotSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Slot
        fields = ["id", "point", "starts_at", "ends_at", "capacity", "booked", "free"]
        read_only_fields = fields


class AppointmentSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "code", "pupil", "slot", "starts_at", "status", "created_at"]
        read_only_fields = fields


class BookSerializer(serializers.Serializer):
    pupil = serializers.IntegerField()
    slot = serializers.IntegerField()


class MoveSerializer(serializers.Serializer):
    slot = serializers.IntegerField()


class ReturnCampaignSerializer(serializers.ModelSerializer):
    """Read: a campaign with its stages as text and the devices still out. ``is_active`` only moves
    through the ``pause`` and ``resume`` actions; nothing else of a campaign changes after creation."""

    stages_text = serializers.CharField(read_only=True)
    devices_out = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReturnCampaign
        fields = ["id", "name", "deadline", "stages", "stages_text", "is_active", "devices_out", "created_at"]
        read_only_fields = fields


class ReturnCampaignCreateSerializer(serializers.Serializer):
    """The only writable fields of a new campaign; the service checks them again."""

    name = serializers.CharField(max_length=100)
    deadline = serializers.DateField()
    stages = serializers.ListField(
        child=serializers.IntegerField(min_value=-ReturnCampaign.STAGE_LIMIT, max_value=ReturnCampaign.STAGE_LIMIT),
        allow_empty=False,
        max_length=2 * ReturnCampaign.STAGE_LIMIT + 1,
        help_text="Days from the deadline: negative before it, positive after it, 0 on it. No duplicates.",
    )
