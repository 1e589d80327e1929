from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import Category as AssetCategory
from icity.models import Department
from tickets.models import Team

from .models import Campaign, Question, Survey
from .results import department_value


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title_fr", "title_nl", "title_en", "intro_fr", "intro_nl", "intro_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ["intro_fr", "intro_nl", "intro_en"]}


class SectionForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    title_nl = forms.CharField(label=_("Title (Dutch)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)

    def titles(self) -> dict[str, str]:
        return {language: self.cleaned_data[f"title_{language}"] for language in ("fr", "nl", "en")}


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    text_fr = forms.CharField(label=_("Question (French)"), max_length=500)
    text_nl = forms.CharField(label=_("Question (Dutch)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    choices_fr = forms.CharField(
        label=_("Choices (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice questions: one choice per line, in the same order in every language."),
    )
    choices_nl = forms.CharField(label=_("Choices (Dutch)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    choices_en = forms.CharField(label=_("Choices (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("kind") not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            data["choices"] = []
            return data
        lines = {
            language: [line.strip() for line in (data.get(f"choices_{language}") or "").splitlines() if line.strip()]
            for language in ("fr", "nl", "en")
        }
        if len(lines["fr"]) < 2:
            self.add_error("choices_fr", _("A choice question needs at least two choices."))
        elif len(lines["nl"]) != len(lines["fr"]):
            self.add_error("choices_nl", _("Give as many Dutch choices as French ones."))
        elif lines["en"] and len(lines["en"]) != len(lines["fr"]):
            self.add_error("choices_en", _("Give as many English choices as French ones, or none."))
        else:
            data["choices"] = [
                {"fr": fr, "nl": nl, "en": lines["en"][index] if lines["en"] else ""}
                for index, (fr, nl) in enumerate(zip(lines["fr"], lines["nl"], strict=True))
            ]
        return data

    def texts(self) -> dict[str, str]:
        return {language: self.cleaned_data[f"text_{language}"] for language in ("fr", "nl", "en")}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.order_by("-created_at"))
    name = forms.CharField(label=_("Name"), max_length=200)
    audience_kind = forms.ChoiceField(label=_("Audience"), choices=Campaign.AudienceKind.choices)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.order_by("name_fr"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for the audience “Departments”."),
    )
    tickets_from = forms.DateField(
        label=_("Tickets opened from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for the audience “People who had tickets in a period”."),
    )
    tickets_to = forms.DateField(
        label=_("Tickets opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Handled by the teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional; none ticked: all teams."),
    )
    equipment_categories = forms.ModelMultipleChoiceField(
        label=_("Equipment categories"),
        queryset=AssetCategory.objects.order_by("name_fr"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for the audience “People holding equipment”; none ticked: any equipment."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    anonymous = forms.BooleanField(
        label=_("Anonymous: answers are never linked to a person"), required=False, initial=True
    )
    min_group_size = forms.IntegerField(label=_("Minimum group size for breakdowns"), min_value=2, initial=5)
    reminder_after_days = forms.IntegerField(
        label=_("Remind non-respondents after (days)"), min_value=1, max_value=60, initial=7
    )
    max_reminders = forms.IntegerField(label=_("Maximum number of reminders"), min_value=0, max_value=5, initial=2)
    previous = forms.ModelChoiceField(
        label=_("Previous campaign, for trends"), queryset=Campaign.objects.order_by("-opens_at"), required=False
    )

    def audience_params(self) -> dict:
        if self.cleaned_data["audience_kind"] == Campaign.AudienceKind.DEPARTMENTS:
            return {"departments": [department.pk for department in self.cleaned_data["departments"]]}
        if self.cleaned_data["audience_kind"] == Campaign.AudienceKind.TICKET_REQUESTERS:
            start, end = self.cleaned_data.get("tickets_from"), self.cleaned_data.get("tickets_to")
            return {
                "opened_from": start.isoformat() if start else None,
                "opened_to": end.isoformat() if end else None,
                "teams": [team.pk for team in self.cleaned_data["teams"]],
            }
        if self.cleaned_data["audience_kind"] == Campaign.AudienceKind.EQUIPMENT_HOLDERS:
            return {"categories": [category.pk for category in self.cleaned_data["equipment_categories"]]}
        return {}


class CommentFilterForm(forms.Form):
    question = forms.TypedChoiceField(label=_("Question"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(label=_("Contains"), required=False, max_length=100)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", _("All questions"))] + [(q.pk, q.text) for q in questions]


class ResultsFilterForm(forms.Form):
    """The results page's department filter: only the departments the page shows can be chosen."""

    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (department_value(key), label) for key, label, _size in departments
        ]


class CsatRatingForm(forms.Form):
    RATINGS = [
        (5, _("5 — Very satisfied")),
        (4, _("4 — Satisfied")),
        (3, _("3 — Neither satisfied nor dissatisfied")),
        (2, _("2 — Dissatisfied")),
        (1, _("1 — Very dissatisfied")),
    ]

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with how your ticket was handled?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What went well, or what could we do better?"),
    )


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: called the requester, explained the delay, replaced the device."),
    )
