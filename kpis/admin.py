from django.contrib import admin

from .models import ManualEntry, Recompute, Snapshot, Target


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Read-only: values come from the snapshot job and the recompute form, never typed here."""

    list_display = ["code", "month", "scope_kind", "scope_label", "value", "is_final", "computed_at"]
    list_filter = ["is_final", "scope_kind", "code"]
    search_fields = ["code", "scope_label"]
    date_hierarchy = "month"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recompute)
class RecomputeAdmin(admin.ModelAdmin):
    list_display = ["month", "created_at", "user", "values_changed", "reason"]
    list_select_related = ["user"]
    readonly_fields = ["month", "created_at", "user", "values_changed", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "target", "amber_band", "updated_by", "updated_at"]
    list_filter = ["year"]
    search_fields = ["code"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ManualEntry)
class ManualEntryAdmin(admin.ModelAdmin):
    """History of hand-typed values: enter new ones through the KPI page (it updates the snapshot)."""

    list_display = ["code", "month", "value", "amount", "entered_by", "entered_at"]
    list_filter = ["code"]
    readonly_fields = ["code", "month", "value", "amount", "note", "entered_by", "entered_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
