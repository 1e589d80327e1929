from django.contrib import admin

from .models import Campaign, Choice, Question, Section, Survey


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "title_nl", "created_at"]
    search_fields = ["title_fr", "title_nl", "title_en"]
    inlines = [SectionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text_fr", "kind", "required", "section"]
    list_filter = ["kind"]
    list_select_related = ["section"]
    inlines = [ChoiceInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    # Invitations and responses are not in the admin: they would let anyone
    # with admin access look for who answered what.
    list_display = ["name", "status", "opens_at", "closes_at", "anonymous"]
    list_filter = ["status", "anonymous"]
    readonly_fields = ["status", "launched_at", "closed_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            # Answers were given under the announced anonymity and audience: they stay.
            fields += ["survey", "anonymous", "audience_kind", "audience_params"]
        return fields
