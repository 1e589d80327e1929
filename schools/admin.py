from django import forms
from django.contrib import admin

from .models import Appointment, CollectionPoint, ReconJob, ReturnCampaign, School, Slot
from .services.loans import CampaignError, return_campaign_stages


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl", "quota"]
    search_fields = ["code", "name_fr", "name_nl"]
    filter_horizontal = ["contacts"]


@admin.register(CollectionPoint)
class CollectionPointAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_nl", "address", "is_active"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["point", "starts_at", "capacity", "booked"]
    list_filter = ["point"]
    readonly_fields = ["booked"]


@admin.register(ReconJob)
class ReconJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "asset", "step", "certificate_number", "intake_at", "closed_at"]
    list_filter = ["step"]
    raw_id_fields = ["asset"]
    readonly_fields = ["certificate_number", "qa_by", "qa_at", "step", "closed_at"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    # Pupils are deliberately not in the admin: their records go through the logged pages.
    list_display = ["code", "slot", "status"]
    list_filter = ["status"]
    readonly_fields = ["code", "slot", "pupil", "allocation", "status", "booked_by"]


class ReturnCampaignAdminForm(forms.ModelForm):
    class Meta:
        model = ReturnCampaign
        fields = ["name", "deadline", "stages", "is_active"]

    def clean_stages(self):
        # The same rule as the page and the API: a stage the sweep cannot read would stop every campaign's reminders.
        try:
            return return_campaign_stages(self.cleaned_data["stages"])
        except CampaignError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(ReturnCampaign)
class ReturnCampaignAdmin(admin.ModelAdmin):
    """For corrections only: logistics start, pause and resume campaigns on /schools/returns/campaigns/."""

    form = ReturnCampaignAdminForm
    list_display = ["name", "deadline", "stages", "is_active", "created_by"]
    list_filter = ["is_active"]
    readonly_fields = ["created_by", "created_at"]
