from django.contrib import admin

from .models import Attachment, CannedResponse, Category, SlaPolicy, Team, Ticket, TimelineEvent


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "name_nl", "name_en", "email", "lead", "auto_assign", "second_level"]
    search_fields = ["name", "name_nl", "name_en"]
    autocomplete_fields = ["lead", "members"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_nl", "parent", "default_team", "kind", "for_equipment", "is_active"]
    list_filter = ["kind", "is_active", "for_equipment", "default_team"]
    search_fields = ["name_fr", "name_nl"]
    list_select_related = ["parent", "default_team"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["priority", "first_response_minutes", "resolution_minutes"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "is_active"]
    list_filter = ["team", "is_active"]
    search_fields = ["title"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the agent workspace so that they reach the timeline."""

    list_display = ["reference", "title", "status", "priority", "team", "assignee", "created_at"]
    list_filter = ["status", "priority", "team"]
    search_fields = ["reference", "title"]
    list_select_related = ["team", "assignee"]
    readonly_fields = [field.name for field in Ticket._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "field", "old_value", "new_value", "actor", "created_at"]
    readonly_fields = ["ticket", "actor", "created_at", "field", "old_value", "new_value"]
    list_select_related = ["ticket", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "created_at"]
    readonly_fields = ["ticket", "comment", "uploaded_by", "original_name", "content_type", "size", "sha256"]
    exclude = ["file", "thumbnail"]
    list_select_related = ["ticket"]


from .mail.admin import InboundMessageAdmin, MailboxAdmin, QuarantinedMessageAdmin  # noqa: E402, F401  (email channel)
