from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icity.cache import read_through
from icity.models import Site

from .models import Asset, AssetStatus, Category, ProductModel, StockMovement
from .services import allowed_next_statuses

SORTS = {
    "tag": ("tag",),
    "-tag": ("-tag",),
    "model": ("model__name", "tag"),
    "status": ("status", "tag"),
    "site": ("site__code", "tag"),
    "warranty": ("warranty_end", "tag"),
    "-purchased": ("-purchase_date", "tag"),
    "-updated": ("-updated_at", "-pk"),
}
SORT_LABELS = {
    "tag": _("Tag (A–Z)"),
    "-tag": _("Tag (Z–A)"),
    "model": _("Model"),
    "status": _("Status"),
    "site": _("Site"),
    "warranty": _("Warranty end"),
    "-purchased": _("Newest purchase"),
    "-updated": _("Recently changed"),
}
WARRANTY_CHOICES = [
    ("", _("Any")),
    ("30", _("Ends within 30 days")),
    ("60", _("Ends within 60 days")),
    ("90", _("Ends within 90 days")),
    ("expired", _("Expired")),
]


def site_choices_queryset():
    return Site.objects.order_by("code")


class UserByEmailField(forms.EmailField):
    """An active user picked by email address (clear error when unknown)."""

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this email address."))
        return user


CHOICES_CACHE_SECONDS = 60


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """Categories, unit-tracked models and sites for the list's selects, cached for a minute.

    Read on every list page; caching them saves three queries a request. A new
    site or model shows up in the selects within a minute (filtering by its id
    works at once: the fields accept any id).
    """
    key = f"assets:filter-choices:{get_language()}"

    def compute():
        return {
            "category": [(obj.pk, str(obj)) for obj in Category.objects.order_by("code")],
            "model": [
                (obj.pk, str(obj))
                for obj in ProductModel.objects.filter(tracking=ProductModel.Tracking.UNIT)
                .select_related("manufacturer")
                .order_by("manufacturer__name", "name")
            ],
            "site": [(obj.pk, str(obj)) for obj in site_choices_queryset()],
        }

    return read_through(key, compute, CHOICES_CACHE_SECONDS)


def _id_select(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=2**63 - 1, widget=forms.Select)


class AssetFilterForm(forms.Form):
    """The list's filters: ids for category, model and site, choices from ``filter_choices``."""

    q = forms.CharField(label=_("Search tag, serial or holder"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *AssetStatus.choices])
    category = _id_select(_("Category"))
    model = _id_select(_("Model"))
    site = _id_select(_("Site"))
    holder = forms.CharField(label=_("Holder (email)"), required=False, max_length=254)
    warranty = forms.ChoiceField(label=_("Warranty"), required=False, choices=WARRANTY_CHOICES)
    procurement = forms.CharField(label=_("Procurement contract"), required=False, max_length=60)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        for name in ("category", "model", "site"):
            self.fields[name].widget.choices = [("", _("Any")), *choices[name]]


class BulkChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), required=False, choices=[("", _("Keep")), *AssetStatus.choices])
    site = _id_select(_("New site"))
    location = forms.CharField(label=_("Sub-location"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].widget.choices = [("", _("Keep")), *filter_choices()["site"]]

    def clean_site(self):
        site_id = self.cleaned_data["site"]
        if site_id is None:
            return None
        site = Site.objects.filter(pk=site_id).first()
        if site is None:
            raise forms.ValidationError(_("Unknown site."))
        return site

    def clean(self):
        data = super().clean()
        if not data.get("status") and not data.get("site"):
            raise forms.ValidationError(_("Choose a new status or a new location."))
        if data.get("status") == AssetStatus.ON_LOAN:
            raise forms.ValidationError(_("Units are lent one at a time, to a named person: use the asset page."))
        return data


class AssetCreateForm(forms.ModelForm):
    tag = forms.CharField(
        label=_("Asset tag"),
        required=False,
        max_length=40,
        help_text=_("Leave empty to generate the next IC-NNNNNN tag, or scan an existing label."),
    )

    class Meta:
        model = Asset
        fields = [
            "tag",
            "model",
            "serial",
            "site",
            "location",
            "condition",
            "purchase_date",
            "purchase_price",
            "supplier",
            "procurement_contract",
            "procurement_order",
            "warranty_end",
            "notes",
        ]
        widgets = {
            "purchase_date": forms.DateInput(attrs={"type": "date"}),
            "warranty_end": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = (
            ProductModel.objects.filter(tracking=ProductModel.Tracking.UNIT, is_active=True)
            .select_related("manufacturer")
            .order_by("manufacturer__name", "name")
        )
        self.fields["site"].required = True
        self.fields["site"].queryset = site_choices_queryset()

    def validate_unique(self):
        # The service checks tag and serial (the tag may be generated there).
        return None


class AssetDetailsForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = [
            "serial",
            "condition",
            "purchase_date",
            "purchase_price",
            "supplier",
            "procurement_contract",
            "procurement_order",
            "warranty_end",
            "notes",
        ]
        widgets = {
            "purchase_date": forms.DateInput(attrs={"type": "date"}),
            "warranty_end": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self):
        return None


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    holder = UserByEmailField(label=_("Holder (email)"), required=False, help_text=_("Required when lending the unit."))
    site = forms.ModelChoiceField(label=_("Site"), required=False, queryset=site_choices_queryset())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, asset: Asset, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AssetStatus.choices)
        self.fields["status"].choices = [(value, labels[value]) for value in allowed_next_statuses(asset.status)]


class MoveForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=site_choices_queryset())
    location = forms.CharField(label=_("Sub-location"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Scan or type a tag or serial number"), max_length=300)


class StockFilterForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), required=False, queryset=site_choices_queryset())
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.order_by("code"))
    low = forms.BooleanField(label=_("Only below minimum"), required=False)


MOVE_KINDS = [
    (StockMovement.Kind.RECEIPT, _("Receipt (delivery from a supplier)")),
    (StockMovement.Kind.ISSUE, _("Issue (handed out)")),
    (StockMovement.Kind.RETURN, _("Return (given back)")),
    (StockMovement.Kind.ADJUSTMENT, _("Adjustment (count correction, with reason)")),
    ("transfer", _("Transfer to another site")),
]


class StockMoveForm(forms.Form):
    model = forms.ModelChoiceField(label=_("Model"), queryset=ProductModel.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=site_choices_queryset())
    kind = forms.ChoiceField(label=_("Movement"), choices=MOVE_KINDS)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        help_text=_("For an adjustment, a negative number lowers the stock."),
        min_value=-100000,
        max_value=100000,
    )
    to_site = forms.ModelChoiceField(label=_("Transfer to"), required=False, queryset=site_choices_queryset())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = (
            ProductModel.objects.filter(tracking=ProductModel.Tracking.QUANTITY)
            .select_related("manufacturer")
            .order_by("manufacturer__name", "name")
        )


class MinimumForm(forms.Form):
    minimum = forms.IntegerField(label=_("Minimum level"), min_value=0, max_value=100000)


class StocktakeStartForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=site_choices_queryset())


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file contains"), choices=[("assets", _("Assets")), ("stock", _("Stock levels"))]
    )
    file = forms.FileField(
        label=_("CSV or XLSX file"), help_text=_("At most 5 MB; the first row holds the column names.")
    )

    def clean_file(self):
        from .imports import MAX_IMPORT_BYTES, ImportFileError, sniff_format

        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        head = upload.read(4096)
        upload.seek(0)
        try:
            upload.detected_format = sniff_format(head)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from error
        return upload


class ImportMappingForm(forms.Form):
    def __init__(
        self, *args, targets: list[tuple[str, str, bool]], headers: list[str], initial_mapping: dict, **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *[(header, header) for header in headers]]
        for name, label, required in targets:
            self.fields[name] = forms.ChoiceField(
                label=label, required=required, choices=choices, initial=initial_mapping.get(name, "")
            )

    def mapping(self) -> dict:
        return {name: column for name, column in self.cleaned_data.items() if column}
