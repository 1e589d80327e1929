from rest_framework import serializers

from .definitions.base import SCOPES, UNITS


class KpiSerializer(serializers.Serializer):
    code = serializers.CharField()
    domain = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.ChoiceField(choices=UNITS)
    direction = serializers.ChoiceField(choices=["higher", "lower", "none"])
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=SCOPES))
    yearly = serializers.CharField()
    entered_by_hand = serializers.SerializerMethodField()

    def get_entered_by_hand(self, kpi) -> bool:
        return kpi.compute is None


class SnapshotSerializer(serializers.Serializer):
    code = serializers.CharField()
    month = serializers.DateField()
    scope_kind = serializers.CharField(help_text="Empty for the overall value.")
    scope_key = serializers.CharField()
    scope_label = serializers.CharField()
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True, help_text="null: no data.")
    numerator = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    is_final = serializers.BooleanField()
    computed_at = serializers.DateTimeField()


class TargetSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=8)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    target = serializers.DecimalField(max_digits=18, decimal_places=4)
    amber_band = serializers.DecimalField(max_digits=18, decimal_places=4, min_value=0, default=0)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_code(self, value: str) -> str:
        from .definitions import get_kpi

        if get_kpi(value) is None:
            raise serializers.ValidationError("Unknown KPI code.")
        return value
