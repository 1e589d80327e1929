from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, Department, Heartbeat, Notification, Site, User
from .outbox import outbox_retry
from .tokens import user_log_out_everywhere


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "department", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "department", "language"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["department"]
    autocomplete_fields = ["manager"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "language", "phone", "department", "site", "manager")},
        ),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "password1", "password2")}),
    )
    actions = ["log_out_everywhere"]

    @admin.action(description=_("Sign out everywhere (end sessions and API tokens)"))
    def log_out_everywhere(self, request, queryset):
        for user in queryset:
            user_log_out_everywhere(user=user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d person is signed out everywhere.", "%(count)d people are signed out everywhere.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl"]
    search_fields = ["code", "name_fr", "name_nl"]
    ordering = ["code"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["code", "name_fr", "name_nl", "address"]
    ordering = ["code"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["dedupe_key", "to_email", "template", "language", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template", "language"]
    search_fields = ["dedupe_key", "to_email"]
    ordering = ["-created_at"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["retry"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Retry sending the selected messages"))
    def retry(self, request, queryset):
        count = outbox_retry(notification_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are seen and revoked here; they are made by their owner only."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user"]
    ordering = ["-created_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
