from django.contrib import admin

from .models import Appointment, CollectionPoint, ReconJob, ReturnCampaign, School, Slot


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


@admin.register(ReturnCampaign)
class ReturnCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "deadline", "stages", "is_active"]
