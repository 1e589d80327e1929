from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from icity.models import User
from icity.text import is_id

from .models import Category, Channel, Level, NotificationKind, Status, Team
from .queries import agent_choices, category_choices, team_choices
from .services import TRANSITIONS

IMPACT_CHOICES = [
    (Level.LOW, _("Only me")),
    (Level.MEDIUM, _("Several colleagues or my whole team")),
    (Level.HIGH, _("A whole department, a site or the public")),
]
URGENCY_CHOICES = [
    (Level.LOW, _("It can wait a few days")),
    (Level.MEDIUM, _("It slows my work down")),
    (Level.HIGH, _("I cannot work at all")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _attachment_help_text() -> str:
    return _("Screenshots (PNG, JPEG), PDF, office documents or text; at most %(size)s each.") % {
        "size": filesizeformat(settings.TICKETS_ATTACHMENT_MAX_BYTES)
    }


# Formatted when shown, in the reader's language (a "%" at import time would freeze French).
_attachment_help = lazy(_attachment_help_text, str)


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        help_text=_attachment_help(),
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category: Category) -> str:
        if category.parent_id:
            return f"{category.parent.name} › {category.name}"
        return category.name


class AssetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, asset: Asset) -> str:
        return f"{asset.tag} – {asset.model.name}"


class AssetTagField(forms.CharField):
    """A device by its tag (agents type or scan it): the unit, or a clear error."""

    def __init__(self, **kwargs):
        super().__init__(max_length=40, **kwargs)

    def clean(self, value):
        tag = super().clean(value).strip().upper()
        if not tag:
            return None
        asset = Asset.objects.filter(tag=tag).select_related("model").first()
        if asset is None:
            raise forms.ValidationError(_("No equipment has the tag %(tag)s."), params={"tag": tag}, code="unknown")
        return asset


def held_assets(user: User):
    """The units a person holds, for the "equipment concerned" choice (tag + model name)."""
    return Asset.objects.filter(holder=user).select_related("model").order_by("tag")


class TicketOpenForm(forms.Form):
    category = CategoryChoiceField(label=_("What is it about?"), queryset=Category.objects.none())
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("In a few words, e.g. “Printer on 2nd floor jams”.")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("What happens, since when, what you already tried, any error message."),
    )
    impact = forms.ChoiceField(label=_("Who is affected?"), choices=IMPACT_CHOICES, widget=forms.RadioSelect)
    urgency = forms.ChoiceField(label=_("How urgent is it?"), choices=URGENCY_CHOICES, widget=forms.RadioSelect)
    asset = AssetChoiceField(
        label=_("Equipment concerned"),
        queryset=Asset.objects.none(),
        required=False,
        empty_label=_("None, or not listed"),
        help_text=_("One of the devices you hold, if the problem is about it."),
    )
    attachments = attachments_field()

    def __init__(self, *args, agent: bool = False, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True)
            .select_related("parent", "default_team")  # the opening routes to the team: no query for it
            .order_by("parent__name_fr", "name_fr")
        )
        self.user = user
        if user is not None:
            self.fields["asset"].queryset = held_assets(user)
        self.initial.setdefault("impact", Level.LOW)
        self.initial.setdefault("urgency", Level.MEDIUM)
        if agent:
            self.fields["requester_email"] = forms.EmailField(
                label=_("On behalf of (email)"),
                required=False,
                help_text=_("Leave empty to open the ticket for yourself."),
            )
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"), choices=Channel.choices, initial=Channel.WEB, required=False
            )
            # On behalf of someone, the devices to choose from are theirs, not the agent's: the agent
            # types or scans the tag, and ``clean`` checks that the requester holds it.
            self.fields["asset"] = AssetTagField(
                label=_("Equipment concerned (tag)"),
                required=False,
                help_text=_("The tag of a device the requester holds, e.g. IC-000123."),
            )
            self.order_fields([*(name for name in self.fields if name != "attachments"), "attachments"])

    def clean_requester_email(self) -> User | None:
        email = (self.cleaned_data.get("requester_email") or "").strip().lower()
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this email address."))
        return user

    def clean(self):
        data = super().clean()
        asset = data.get("asset")
        requester = data.get("requester_email") or self.user
        # Opened on behalf of someone: the equipment must be theirs, not the agent's.
        if asset is not None and (requester is None or asset.holder_id != requester.pk):
            self.add_error("asset", _("Choose one of the devices the requester holds."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20000
    )
    attachments = attachments_field()

    def __init__(self, *args, agent: bool = False, canned=(), **kwargs):
        super().__init__(*args, **kwargs)
        if agent:
            self.fields["canned"] = forms.ChoiceField(
                label=_("Canned response"),
                required=False,
                choices=[("", "—"), *[(str(item.pk), item.title) for item in canned]],
            )
            self.fields["internal"] = forms.BooleanField(
                label=_("Internal note (never shown to the requester)"), required=False
            )
            self.fields["time_spent"] = forms.IntegerField(
                label=_("Time spent (minutes)"), required=False, min_value=0, max_value=24 * 60
            )
            self.order_fields(["canned", "body", "internal", "time_spent", "attachments"])


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    note = forms.CharField(
        label=_("Message to the requester (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [status for status in Status if status in TRANSITIONS[current] and status != Status.MERGED]
        self.fields["status"].choices = [(status.value, status.label) for status in allowed]


class TicketUpdateForm(forms.Form):
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *category_choices()]
        self.fields["team"].choices = [("", "—"), *team_choices()]
        self.fields["assignee"].choices = [("", "—"), *agent_choices()]

    def clean(self):
        data = super().clean()
        # Ids were checked against the choices; turn them into objects for the services.
        data["category"] = Category.objects.filter(pk=data.get("category")).first() if data.get("category") else None
        data["team"] = Team.objects.filter(pk=data.get("team")).first() if data.get("team") else None
        data["assignee"] = User.objects.filter(pk=data.get("assignee")).first() if data.get("assignee") else None
        return data


class AssetTagForm(forms.Form):
    tag = forms.CharField(label=_("Asset tag"), max_length=40, help_text=_("Scan or type the label, e.g. IC-000123."))

    def clean_tag(self) -> str:
        return self.cleaned_data["tag"].strip().upper()


class ReferenceForm(forms.Form):
    reference = forms.RegexField(label=_("Ticket reference"), regex=r"^HD-\d{4}-\d{6}$", max_length=20)


BULK_ACTION_CHOICES = [
    ("assign", _("Assign to")),
    ("team", _("Move to team")),
    ("status", _("Change status")),
    ("priority", _("Set impact and urgency")),
]


class BulkForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(label=_("Tickets"), coerce=int, choices=[])
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTION_CHOICES)
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in Status if s != Status.MERGED], required=False
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "—"), *agent_choices()]
        self.fields["team"].choices = [("", "—"), *team_choices()]
        ids = self.data.getlist("tickets") if hasattr(self.data, "getlist") else self.data.get("tickets", [])
        self.fields["tickets"].choices = [(value, value) for value in ids if is_id(str(value))][:200]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        if action == "priority" and not (data.get("impact") and data.get("urgency")):
            self.add_error("impact", _("Choose an impact and an urgency."))
        data["assignee"] = User.objects.filter(pk=data.get("assignee")).first() if data.get("assignee") else None
        data["team"] = Team.objects.filter(pk=data.get("team")).first() if data.get("team") else None
        return data

    def value(self):
        data = self.cleaned_data
        return {
            "assign": data.get("assignee"),
            "team": data.get("team"),
            "status": data.get("status"),
            "priority": (data.get("impact"), data.get("urgency")),
        }[data["action"]]


class PreferenceForm(forms.Form):
    notifications = forms.MultipleChoiceField(
        label=_("Send me an email when"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    available = forms.BooleanField(label=_("Available for automatic assignment"), required=False)
