from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Category

from .models import ArticleStatus, Audience, Language

TAG_HELP = _("Separate tags with commas, e.g. vpn, telework.")


class ArticleMetaForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True).order_by("name_fr"), required=False
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.STAFF)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500, help_text=TAG_HELP)
    review_by = forms.DateField(
        label=_("Review by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The owner is reminded by email when this date passes."),
    )

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, help_text=_("One sentence shown in lists and suggestions.")
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: # heading, **bold**, - list, [link](https://…), ![image](file address). No HTML."),
    )


class ArticleNewForm(ArticleMetaForm, TranslationForm):
    pass


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ArticleStatus.choices)


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FileForm(forms.Form):
    file = forms.FileField(label=_("Image or document"))


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *ArticleStatus.choices], required=False)
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
