"""Admin for the monthly report: the recipient list, and a read-only view of reports (the pages do the work)."""

from django.contrib import admin

from .models import MonthlyReport, ReportRecipient


@admin.register(ReportRecipient)
class ReportRecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "language", "is_active"]
    list_filter = ["language", "is_active"]
    search_fields = ["name", "email"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["month", "status", "approved_by", "approved_at"]
    list_filter = ["status"]
    list_select_related = ["approved_by"]
    ordering = ["-month"]
    readonly_fields = ["month", "status", "prepared_at", "approved_by", "approved_at", "recipients"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
