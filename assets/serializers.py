from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from icity.models import Site

from .models import (
    Asset,
    AssetEvent,
    AssetStatus,
    Category,
    Condition,
    Kit,
    KitItem,
    ProductModel,
    StockLevel,
    StockMovement,
)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name_fr", "name_nl"]


class ProductModelSerializer(serializers.ModelSerializer):
    manufacturer_name = serializers.CharField(source="manufacturer.name", read_only=True)

    class Meta:
        model = ProductModel
        fields = [
            "id",
            "manufacturer",
            "manufacturer_name",
            "category",
            "name",
            "tracking",
            "cpu",
            "ram_gb",
            "storage_gb",
            "specs",
            "requestable",
            "requires_approval",
            "is_active",
        ]

    def validate(self, attrs):
        # The database refuses it too (product_model_approval_only_if_requestable): say why here.
        current = self.instance
        requestable = attrs.get("requestable", current.requestable if current else False)
        requires_approval = attrs.get("requires_approval", current.requires_approval if current else False)
        if requires_approval and not requestable:
            raise serializers.ValidationError(
                {"requires_approval": _("Only a model staff may request can need the manager's approval.")}
            )
        return attrs


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class AssetSerializer(serializers.ModelSerializer):
    """Read shape. Status, holder and site change only through the status and move actions."""

    model_name = serializers.SerializerMethodField()
    category = serializers.CharField(source="model.category.code", read_only=True)
    site_code = serializers.CharField(source="site.code", read_only=True, default=None)
    holder = UserRefSerializer(read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "tag",
            "model",
            "model_name",
            "category",
            "serial",
            "status",
            "condition",
            "site",
            "site_code",
            "location",
            "holder",
            "purchase_date",
            "purchase_price",
            "supplier",
            "procurement_contract",
            "procurement_order",
            "warranty_end",
            "notes",
            "updated_at",
        ]
        read_only_fields = fields

    def get_model_name(self, asset) -> str:
        return f"{asset.model.manufacturer.name} {asset.model.name}"


class AssetCreateSerializer(serializers.Serializer):
    tag = serializers.CharField(required=False, allow_blank=True, max_length=40)
    model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.filter(tracking="unit"))
    serial = serializers.CharField(required=False, allow_blank=True, max_length=100)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    location = serializers.CharField(required=False, allow_blank=True, max_length=100)
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    purchase_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    supplier = serializers.CharField(required=False, allow_blank=True, max_length=150)
    procurement_contract = serializers.CharField(required=False, allow_blank=True, max_length=60)
    procurement_order = serializers.CharField(required=False, allow_blank=True, max_length=60)
    warranty_end = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class AssetDetailsSerializer(serializers.Serializer):
    """The only fields a PATCH may change."""

    serial = serializers.CharField(required=False, allow_blank=True, max_length=100)
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    purchase_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    supplier = serializers.CharField(required=False, allow_blank=True, max_length=150)
    procurement_contract = serializers.CharField(required=False, allow_blank=True, max_length=60)
    procurement_order = serializers.CharField(required=False, allow_blank=True, max_length=60)
    warranty_end = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class AssetStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AssetStatus.choices)
    holder = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AssetMoveSerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    location = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AssetEventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True)

    class Meta:
        model = AssetEvent
        fields = ["id", "kind", "at", "actor", "old_value", "new_value", "note"]
        read_only_fields = fields


class StockLevelSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True)
    site_code = serializers.CharField(source="site.code", read_only=True)
    is_low = serializers.BooleanField(read_only=True)

    class Meta:
        model = StockLevel
        fields = ["id", "model", "model_name", "site", "site_code", "quantity", "minimum", "is_low", "updated_at"]
        read_only_fields = fields


class StockMovementSerializer(serializers.ModelSerializer):
    model = serializers.IntegerField(source="level.model_id", read_only=True)
    site = serializers.IntegerField(source="level.site_id", read_only=True)

    class Meta:
        model = StockMovement
        fields = ["id", "level", "model", "site", "kind", "delta", "balance", "reason", "other_site", "actor", "at"]
        read_only_fields = fields


class StockMoveInputSerializer(serializers.Serializer):
    model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.filter(tracking="quantity"))
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    kind = serializers.ChoiceField(choices=["receipt", "issue", "return", "adjustment", "transfer"])
    quantity = serializers.IntegerField(min_value=-100000, max_value=100000)
    to_site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class KitItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = KitItem
        fields = ["model", "quantity"]


class KitSerializer(serializers.ModelSerializer):
    items = KitItemSerializer(many=True, read_only=True)

    class Meta:
        model = Kit
        fields = ["id", "code", "name_fr", "name_nl", "description", "requestable", "items"]
        read_only_fields = fields
