import uuid
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assets import hooks
from assets.forms import UserByEmailField
from assets.models import Condition, Kit, ProductModel
from icity.models import Site

from .models import Delivery, DeliveryRun, LoanLine, Recovery
from .services import REST_BACKORDER, REST_CANCEL, LineChange, available_now, kits_available


class IdempotentForm(forms.Form):
    """A form that creates something carries a one-time key: a double submit creates it once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


def _available(count: int) -> str:
    if count <= 0:
        return _("None in stock now: it will be ordered or wait for a return.")
    return ngettext("%(count)d available now", "%(count)d available now", count) % {"count": count}


def _codes(text: str) -> list[str]:
    return [code for code in text.replace(",", "\n").split() if code.strip()]


class RequestForm(IdempotentForm):
    for_person = forms.ModelChoiceField(
        label=_("For"),
        queryset=None,
        required=False,
        empty_label=_("Myself"),
        help_text=_("Managers may ask for a team member."),
    )
    reason = forms.CharField(label=_("Why do you need it?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    wanted_by = forms.DateField(label=_("Wanted by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices, initial=Delivery.DESK)
    delivery_site = forms.ModelChoiceField(label=_("City site"), queryset=Site.objects.order_by("code"), required=False)
    delivery_address = forms.CharField(
        label=_("Home address"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["for_person"].queryset = user.reports.filter(is_active=True).order_by("last_name", "first_name")
        if not self.fields["for_person"].queryset.exists():
            del self.fields["for_person"]
        # Only what staff may ask for (the school programme's pupil pack is not), with what is in stock now.
        self.kits = list(Kit.objects.filter(requestable=True).prefetch_related("items").order_by("code"))
        self.models = list(
            ProductModel.objects.filter(requestable=True, is_active=True)
            .select_related("manufacturer", "category")
            .order_by("category__code", "name")
        )
        self.detail_names = list(self.fields)
        item_ids = {model.pk for model in self.models} | {
            item.model_id for kit in self.kits for item in kit.items.all()
        }
        available = available_now(item_ids)
        packs = kits_available(self.kits, available)
        self.item_groups = []
        if self.kits:
            self.item_groups.append({"legend": _("Packs"), "names": []})
        for kit in self.kits:
            name = f"kit_{kit.pk}"
            self.fields[name] = forms.IntegerField(
                label=kit.name,
                min_value=0,
                max_value=20,
                required=False,
                initial=0,
                help_text=_available(packs[kit.pk]),
            )
            self.item_groups[0]["names"].append(name)
        for model in self.models:
            name = f"model_{model.pk}"
            self.fields[name] = forms.IntegerField(
                label=str(model),
                min_value=0,
                max_value=20,
                required=False,
                initial=0,
                help_text=_available(available[model.pk]),
            )
            if not self.item_groups or self.item_groups[-1].get("category") != model.category_id:
                self.item_groups.append({"legend": model.category.name, "category": model.category_id, "names": []})
            self.item_groups[-1]["names"].append(name)

    def detail_fields(self):
        return [self[name] for name in self.detail_names if not self[name].is_hidden]

    def groups(self):
        return [
            {"legend": group["legend"], "fields": [self[name] for name in group["names"]]} for group in self.item_groups
        ]

    def wanted(self) -> list[tuple]:
        data = self.cleaned_data
        items = [(kit, None, data.get(f"kit_{kit.pk}") or 0) for kit in self.kits]
        items += [(None, model, data.get(f"model_{model.pk}") or 0) for model in self.models]
        return [item for item in items if item[2]]

    def clean_wanted_by(self):
        value = self.cleaned_data["wanted_by"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The wanted-by date cannot be in the past."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("delivery") == Delivery.HOME and not (data.get("delivery_address") or "").strip():
            self.add_error("delivery_address", _("Give the delivery address."))
        if data.get("delivery") == Delivery.SITE and not data.get("delivery_site"):
            self.add_error("delivery_site", _("Choose the site to deliver to."))
        if not self.errors and not self.wanted():
            raise forms.ValidationError(_("Choose at least one item."))
        return data


@dataclass
class Shortage:
    """A request line the stock cannot fill now, with what could replace it."""

    line: object
    available: int
    substitutes: list  # [(ProductModel, available)]

    @property
    def missing(self) -> int:
        return max(self.line.quantity - self.available, 0)


class DecideForm(forms.Form):
    """Approve or refuse; for each line stock cannot fill, a substitute model or a partial quantity."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason (required to refuse)"), required=False, max_length=1000)

    def __init__(self, *args, shortages: list[Shortage] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.shortages = list(shortages)
        for shortage in self.shortages:
            line, prefix = shortage.line, f"line_{shortage.line.pk}"
            item = line.kit.name if line.kit_id else str(line.model)
            self.fields[f"{prefix}_quantity"] = forms.IntegerField(
                label=_("%(item)s: how many to hand over") % {"item": item},
                min_value=1,
                max_value=line.quantity,
                initial=max(min(line.quantity, shortage.available), 1),
            )
            if shortage.substitutes:
                self.fields[f"{prefix}_substitute"] = forms.TypedChoiceField(
                    label=_("%(item)s: substitute model") % {"item": item},
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", _("No substitute"))]
                    + [
                        (model.pk, _("%(model)s (%(count)d in stock)") % {"model": model, "count": count})
                        for model, count in shortage.substitutes
                    ],
                )
            self.fields[f"{prefix}_rest"] = forms.ChoiceField(
                label=_("%(item)s: the items not handed over") % {"item": item},
                required=False,
                choices=[
                    ("", "—"),
                    (REST_BACKORDER, _("Keep them for later (a new request, prepared when stock comes in)")),
                    (REST_CANCEL, _("Cancel them (give a reason)")),
                ],
            )
            self.fields[f"{prefix}_rest_reason"] = forms.CharField(
                label=_("%(item)s: reason for cancelling the rest") % {"item": item}, required=False, max_length=500
            )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the refusal."))
        return data

    def changes(self) -> list[LineChange]:
        """The approver's changes, for lines where something differs from what was asked."""
        changes = []
        substitutes = {model.pk: model for shortage in self.shortages for model, _count in shortage.substitutes}
        for shortage in self.shortages:
            prefix = f"line_{shortage.line.pk}"
            quantity = self.cleaned_data.get(f"{prefix}_quantity") or shortage.line.quantity
            substitute = substitutes.get(self.cleaned_data.get(f"{prefix}_substitute"))
            if substitute is None and quantity == shortage.line.quantity:
                continue
            changes.append(
                LineChange(
                    line_id=shortage.line.pk,
                    quantity=quantity,
                    substitute=substitute,
                    rest=self.cleaned_data.get(f"{prefix}_rest") or "",
                    reason=self.cleaned_data.get(f"{prefix}_rest_reason") or "",
                )
            )
        return changes


class PrepareForm(forms.Form):
    codes = forms.CharField(
        label=_("Scanned units"),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        required=False,
        help_text=_("Scan each unit's label; one tag or serial number per line."),
    )
    stock_site = forms.ModelChoiceField(label=_("Issue stock items from"), queryset=Site.objects.order_by("code"))

    def clean_codes(self):
        return _codes(self.cleaned_data["codes"])


class HandOverForm(IdempotentForm):
    accepted_name = forms.CharField(label=_("Borrower's name, typed by the borrower"), max_length=200)
    accept_terms = forms.BooleanField(label=_("The borrower read and accepts the loan terms"))


class CheckOutForm(IdempotentForm):
    borrower = UserByEmailField(label=_("Borrower's email address"))
    codes = forms.CharField(
        label=_("Scanned units"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_("Scan each unit's label; one tag or serial number per line."),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the item's policy decides."),
    )
    permanent = forms.BooleanField(label=_("Permanent assignment (no due date)"), required=False)
    accepted_name = forms.CharField(label=_("Borrower's name, typed by the borrower"), max_length=200)
    accept_terms = forms.BooleanField(label=_("The borrower read and accepts the loan terms"))

    def clean_codes(self):
        codes = _codes(self.cleaned_data["codes"])
        if not codes:
            raise forms.ValidationError(_("Scan at least one unit."))
        return codes

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return value


class CheckInScanForm(forms.Form):
    """Returns, step 1: scan the units that came back (a keyboard-wedge scanner types each code + Enter)."""

    codes = forms.CharField(
        label=_("Returned units"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_("Scan each returned unit; one tag or serial number per line."),
    )
    site = forms.ModelChoiceField(label=_("Received at"), queryset=Site.objects.order_by("code"))

    def clean_codes(self):
        codes = _codes(self.cleaned_data["codes"])
        if not codes:
            raise forms.ValidationError(_("Scan at least one unit."))
        return codes


@dataclass(frozen=True)
class ReturnRow:
    """One scanned unit on its open loan line (asset, model and loan loaded)."""

    line: LoanLine
    always_recondition: bool  # its policy sends it to reconditioning whatever is chosen (laptops: wipe)

    @property
    def tag(self) -> str:
        return self.line.asset.tag


class ReturnLineForm(forms.Form):
    """Returns, step 2: one unit's grade, where it goes next, missing parts and notes."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    next_status = forms.ChoiceField(label=_("Goes to"), choices=LoanLine.NextStatus.choices)
    missing_parts = forms.CharField(label=_("Missing parts"), required=False, max_length=255)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, row: ReturnRow, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row
        tag = row.tag
        # Each row's controls are named after its unit: in a table a screen reader hears which one.
        self.fields["condition"].label = _("Condition of %(tag)s") % {"tag": tag}
        self.fields["next_status"].label = _("Where %(tag)s goes next") % {"tag": tag}
        self.fields["missing_parts"].label = _("Missing parts of %(tag)s") % {"tag": tag}
        self.fields["notes"].label = _("Notes on %(tag)s") % {"tag": tag}
        self.initial.setdefault("line", row.line.pk)
        self.initial.setdefault("condition", row.line.asset.condition or Condition.B)
        if row.always_recondition:
            recondition = LoanLine.NextStatus.RECONDITIONING
            self.fields["next_status"].choices = [(recondition.value, recondition.label)]
            self.fields["next_status"].help_text = _("Always goes to reconditioning (data wipe).")
            self.initial["next_status"] = recondition

    def clean_line(self):
        if self.cleaned_data["line"] != self.row.line.pk:
            raise forms.ValidationError(
                _("%(tag)s changed since it was scanned: scan it again.") % {"tag": self.row.tag}, code="line"
            )
        return self.row.line


class BaseReturnFormSet(forms.BaseFormSet):
    """One form per scanned unit, in scan order; the rows come from the server, never from the form."""

    def __init__(self, *args, rows: list[ReturnRow], **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def initial_form_count(self) -> int:
        return len(self.rows)

    def total_form_count(self) -> int:
        return len(self.rows)

    def get_form_kwargs(self, index):
        # Every row is required: an untouched row is still a unit that came back.
        return {"row": self.rows[index], "empty_permitted": False}

    def clean(self):
        # A posted form count other than the scanned units' is refused, never padded or cut.
        if self.is_bound:
            posted = self.management_form.cleaned_data.get("TOTAL_FORMS")
            if posted != len(self.rows):
                raise forms.ValidationError(_("The list of units changed: scan them again."), code="count")


ReturnFormSet = forms.formset_factory(ReturnLineForm, formset=BaseReturnFormSet, extra=0)


class ReturnStockItemsForm(forms.Form):
    """Stock items (headsets, bags...) have no tag to scan: logistics ticks the lines that came back."""

    lines = forms.TypedMultipleChoiceField(
        label=_("Items returned"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )
    site = forms.ModelChoiceField(label=_("Received at"), queryset=Site.objects.order_by("code"))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000)

    def __init__(self, *args, open_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(line.pk, f"{line.quantity} × {line.model}") for line in open_lines]
        self.fields["lines"].error_messages["required"] = _("Tick the items that came back.")


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need it longer?"), max_length=1000)


class LostForm(forms.Form):
    ticket_reference = forms.CharField(
        label=_("Ticket reference"),
        required=False,
        max_length=40,
        help_text=_("The helpdesk ticket about the loss or theft, e.g. HD-2026-000123."),
    )
    note = forms.CharField(label=_("What happened?"), max_length=1000)

    def clean_ticket_reference(self) -> str:
        return clean_ticket_reference(self.cleaned_data["ticket_reference"])


def clean_ticket_reference(value: str) -> str:
    """A loss's ticket reference, upper-cased; refused when the helpdesk says it is malformed."""
    reference = value.strip().upper()
    if reference and hooks.ticket_links_enabled() and not hooks.ticket_url(reference):
        raise forms.ValidationError(_("Enter a ticket reference like HD-2026-000123."), code="reference")
    return reference


class RunForm(IdempotentForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=DeliveryRun.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    window_start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    window_end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.order_by("code"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assignee = UserByEmailField(label=_("Assignee's email address"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The time window must end after it starts."))
        if not data.get("site") and not (data.get("address") or "").strip():
            self.add_error("address", _("Give a site or an address."))
        return data


class RunStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=DeliveryRun.Status.choices)
    reason = forms.CharField(label=_("Reason for failure"), required=False, max_length=1000)
    move_back = forms.BooleanField(label=_("Move back"), required=False)


class AnyUserByEmailField(forms.EmailField):
    """A user picked by email address, active or not (someone who left still holds equipment)."""

    def clean(self, value):
        email = super().clean(value)
        user = get_user_model().objects.filter(email__iexact=email).first() if email else None
        if email and user is None:
            raise forms.ValidationError(_("No user has this email address."))
        return user


class RecoveryForm(forms.Form):
    person = AnyUserByEmailField(label=_("Person's email address"))
    reason = forms.ChoiceField(label=_("Reason"), choices=Recovery.Reason.choices)
    date = forms.DateField(label=_("Pick-up date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label=_("Pick-up address"), required=False, max_length=500)
