from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assets.models import Condition

from .models import CollectionPoint, CosmeticGrade, Pupil, ReconJob, School, Slot, WipeMethod
from .services import PUPIL_FIELDS
from .services.loans import CampaignError, return_campaign_stages


class PupilForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = list(PUPIL_FIELDS)
        widgets = {"guardian_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def clean(self):
        data = super().clean()
        if not data.get("guardian_email") and not data.get("guardian_phone"):
            raise forms.ValidationError(_("Give the guardian's email address or phone number."))
        return data


class SchoolChoiceForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()


class PupilCreateForm(PupilForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())

    class Meta(PupilForm.Meta):
        fields = ["school", *PUPIL_FIELDS]

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()
        if schools is not None and len(schools) == 1:
            self.fields["school"].initial = schools[0]


class PupilFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, reference or class"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Pupil.Status.choices])
    school = forms.ModelChoiceField(label=_("School"), required=False, queryset=School.objects.none())

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), max_length=255)


class ImportForm(SchoolChoiceForm):
    file = forms.FileField(label=_("CSV or XLSX file"))
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file without saving anything"), required=False, initial=True
    )


class JobOpenForm(forms.Form):
    code = forms.CharField(label=_("Asset tag or serial number"), max_length=100)
    source = forms.ChoiceField(label=_("Source"), choices=ReconJob.Source.choices)
    serial_seen = forms.CharField(label=_("Serial number read on the unit"), max_length=100, required=False)
    condition = forms.ChoiceField(label=_("Condition at intake"), choices=Condition.choices, initial=Condition.B)
    notes = forms.CharField(label=_("Intake notes"), max_length=255, required=False)


class WipeForm(forms.Form):
    method = forms.ChoiceField(label=_("Wipe method"), choices=WipeMethod.choices)
    tool = forms.CharField(label=_("Wipe tool"), max_length=100)
    result = forms.ChoiceField(label=_("Result"), choices=ReconJob.WipeResult.choices)
    verification = forms.CharField(label=_("Verification"), max_length=255)


class TestsForm(forms.Form):
    battery_health = forms.IntegerField(label=_("Battery health (%)"), min_value=0, max_value=100, required=False)
    screen_ok = forms.BooleanField(label=_("Screen OK"), required=False)
    keyboard_ok = forms.BooleanField(label=_("Keyboard OK"), required=False)
    ports_ok = forms.BooleanField(label=_("Ports OK"), required=False)
    webcam_mic_ok = forms.BooleanField(label=_("Webcam and microphone OK"), required=False)
    storage_ok = forms.BooleanField(label=_("Storage health OK"), required=False)


class ImageForm(forms.Form):
    os_image = forms.CharField(label=_("OS image"), max_length=100)
    os_version = forms.CharField(label=_("OS version"), max_length=50)


class CleaningForm(forms.Form):
    cosmetic_grade = forms.ChoiceField(label=_("Cosmetic grade"), choices=CosmeticGrade.choices)


class RouteForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Send to"),
        choices=[("repair", _("Repair")), ("parts", _("Parts")), ("disposal", _("Disposal"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)


class SlotGenerateForm(forms.Form):
    point = forms.ModelChoiceField(label=_("Collection point"), queryset=CollectionPoint.objects.filter(is_active=True))
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    day_start = forms.TimeField(label=_("Opens at"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    day_end = forms.TimeField(label=_("Closes at"), initial="17:00", widget=forms.TimeInput(attrs={"type": "time"}))
    length_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=5, max_value=240, initial=15)
    capacity = forms.IntegerField(label=_("Places per slot"), min_value=1, max_value=50, initial=4)
    break_start = forms.TimeField(
        label=_("Break from"), required=False, initial="12:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    break_end = forms.TimeField(
        label=_("Break until"), required=False, initial="13:00", widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        if data.get("day_start") and data.get("day_end") and data["day_end"] <= data["day_start"]:
            raise forms.ValidationError(_("The closing time must be after the opening time."))
        if bool(data.get("break_start")) != bool(data.get("break_end")):
            raise forms.ValidationError(_("Give both ends of the break, or neither."))
        return data


def _slot_label(slot) -> str:
    places = ngettext("%(count)d place left", "%(count)d places left", slot.free) % {"count": slot.free}
    when = date_format(timezone.localtime(slot.starts_at), "SHORT_DATETIME_FORMAT")
    return f"{when} – {slot.point.name} · {places}"


class SlotChoiceForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("Time slot"), queryset=Slot.objects.none(), empty_label=None)

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots if slots is not None else Slot.objects.none()
        self.fields["slot"].label_from_instance = _slot_label


class StationSearchForm(forms.Form):
    q = forms.CharField(label=_("Booking code or pupil's name"), required=False, max_length=100)


class HandoverForm(forms.Form):
    code = forms.CharField(
        label=_("Scan the device"),
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    identity_checked = forms.BooleanField(label=_("I checked the guardian's identity document"))
    accepted_name = forms.CharField(label=_("Guardian's name, typed by the guardian"), max_length=200)
    accept_terms = forms.BooleanField(label=_("The guardian accepts the loan agreement above"))
    email_receipt = forms.BooleanField(label=_("Email the receipt to the guardian"), required=False, initial=True)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    codes = forms.CharField(
        label=_("Scan the devices (one per line)"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        max_length=5000,
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.B)
    missing_parts = forms.CharField(label=_("Missing parts"), max_length=255, required=False)
    school = forms.ModelChoiceField(
        label=_("Collected from a school (leave empty for a return at the counter)"),
        queryset=School.objects.order_by("code"),
        required=False,
    )


class ReturnCampaignForm(forms.Form):
    """Stages are typed as text ("-14, -3, 7"); the service checks them again, the form says what is wrong."""

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example: End of school year 2027."))
    deadline = forms.DateField(label=_("Return deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    stages = forms.CharField(
        label=_("Reminder days"),
        max_length=200,
        initial="-14, -3, 7",
        help_text=_(
            "Days counted from the deadline, separated by commas. A minus sign means before the deadline "
            "(-14: two weeks before), no sign means after it (7: a week after), 0 is the deadline itself. "
            "From -90 to 90."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the campaign a name."))
        return name

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The return deadline is in the past."))
        return deadline

    def clean_stages(self) -> list[int]:
        tokens = [token.strip() for token in self.cleaned_data["stages"].replace(";", ",").split(",")]
        tokens = [token for token in tokens if token]
        days = []
        for token in tokens:
            # "+7" and the typographic minus (pasted from a document) are accepted; anything else is not a number.
            normal = token.replace("\u2212", "-").replace("\u2013", "-")
            if not normal.lstrip("+-").isdecimal() or normal.count("-") + normal.count("+") > 1:
                raise forms.ValidationError(
                    _("“%(value)s” is not a whole number of days. Example: -14, -3, 7") % {"value": token}
                )
            days.append(int(normal))
        try:
            return return_campaign_stages(days)
        except CampaignError as error:
            raise forms.ValidationError(error.message) from error
