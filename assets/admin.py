from django.contrib import admin

from .models import (
    Asset,
    AssetEvent,
    Category,
    ImportBatch,
    Kit,
    KitItem,
    Manufacturer,
    ProductModel,
    StockLevel,
    StockMovement,
    Stocktake,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl"]
    search_fields = ["code", "name_fr", "name_nl"]
    ordering = ["code"]


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    ordering = ["name"]


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "manufacturer",
        "category",
        "tracking",
        "requestable",
        "requires_approval",
        "weight_kg",
        "embodied_carbon_kg",
        "is_active",
    ]
    list_filter = ["tracking", "category", "requestable", "is_active"]
    list_select_related = ["manufacturer", "category"]
    search_fields = ["name", "manufacturer__name"]
    ordering = ["manufacturer__name", "name"]


class KitItemInline(admin.TabularInline):
    model = KitItem
    autocomplete_fields = ["model"]
    extra = 1


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl", "requestable"]
    inlines = [KitItemInline]
    ordering = ["code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and ledgers are written by services only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ["tag", "model", "serial", "status", "site", "holder"]
    list_filter = ["status", "model__category"]
    list_select_related = ["model__manufacturer", "site", "holder"]
    search_fields = ["tag", "serial"]
    ordering = ["tag"]


@admin.register(AssetEvent)
class AssetEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "asset", "kind", "old_value", "new_value", "actor"]
    list_select_related = ["asset", "actor"]
    ordering = ["-at"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["model", "site", "quantity", "minimum"]
    list_select_related = ["model__manufacturer", "site"]
    ordering = ["model__name"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "level", "kind", "delta", "balance", "reason", "actor"]
    list_select_related = ["level", "actor"]
    ordering = ["-at"]


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdmin):
    list_display = ["site", "status", "started_at", "started_by"]
    ordering = ["-started_at"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "status", "created_at", "created_by"]
    ordering = ["-created_at"]
