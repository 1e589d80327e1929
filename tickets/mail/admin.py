"""Admin for the email channel: mailboxes, the intake log, and the quarantine with retry/discard."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .intake import quarantine_discard, quarantine_retry
from .models import InboundMessage, Mailbox, QuarantinedMessage
from .parser import decode_bytes

RAW_PREVIEW_CHARS = 200_000


class MailboxForm(forms.ModelForm):
    # Write-only: the stored password is never sent back to the browser.
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Stored encrypted and never shown again. Leave empty to keep the current one; with none, "
            "the password comes from the EMAIL_IMAP_PASSWORDS setting."
        ),
    )
    clear_imap_password = forms.BooleanField(label=_("Forget the stored IMAP password"), required=False)

    def clean_imap_password(self) -> str:
        return self.cleaned_data["imap_password"] or self.initial.get("imap_password", "")

    def clean(self):
        data = super().clean()
        if data.get("clear_imap_password"):
            data["imap_password"] = ""
        return data

    class Meta:
        model = Mailbox
        fields = [
            "address",
            "team",
            "enabled",
            "imap_host",
            "imap_port",
            "imap_tls",
            "imap_user",
            "imap_password",
            "clear_imap_password",
            "imap_folder",
        ]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["address", "team", "imap_host", "enabled", "last_polled_at", "last_error"]
    list_filter = ["enabled", "team"]
    search_fields = ["address", "imap_host"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "status", "reason", "ticket"]
    list_filter = ["status", "mailbox"]
    search_fields = ["message_id", "sender", "subject"]
    list_select_related = ["ticket"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "sender", "subject", "short_error", "attempts"]
    list_select_related = ["inbound"]
    search_fields = ["inbound__sender", "inbound__subject", "inbound__message_id", "error"]
    fields = ["message_id", "sender", "subject", "created_at", "attempts", "error", "raw_message"]
    readonly_fields = fields
    actions = ["retry", "discard"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Message-ID"))
    def message_id(self, obj):
        return obj.inbound.message_id

    @admin.display(description=_("sender"))
    def sender(self, obj):
        return obj.inbound.sender

    @admin.display(description=_("subject"))
    def subject(self, obj):
        return obj.inbound.subject

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return obj.inbound.reason

    @admin.display(description=_("raw message"))
    def raw_message(self, obj):
        # Shown as escaped text in a <pre>: a hostile message is only ever characters here.
        text = decode_bytes(bytes(obj.raw[:RAW_PREVIEW_CHARS]), "utf-8-or-cp1252")
        return format_html("<pre>{}</pre>", text)

    @admin.action(description=_("Retry the selected messages"))
    def retry(self, request, queryset):
        outcomes = [quarantine_retry(quarantined=item).status for item in queryset]
        still = outcomes.count("quarantined")
        done = len(outcomes) - still
        self.message_user(
            request,
            ngettext("%(count)d message handled.", "%(count)d messages handled.", done) % {"count": done},
            messages.SUCCESS,
        )
        if still:
            self.message_user(
                request,
                ngettext("%(count)d message is still quarantined.", "%(count)d messages are still quarantined.", still)
                % {"count": still},
                messages.WARNING,
            )

    @admin.action(description=_("Discard the selected messages"))
    def discard(self, request, queryset):
        count = 0
        for item in queryset:
            quarantine_discard(quarantined=item, actor=request.user)
            count += 1
        self.message_user(
            request, ngettext("%(count)d message discarded.", "%(count)d messages discarded.", count) % {"count": count}
        )
