import re
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Language
from .outbox import notify


class LoginEmailField(forms.CharField):
    """Any valid address, accents included (``élodie.dupré@…``), compared case-insensitively.

    Django's EmailValidator and the browser's ``type=email`` accept only ASCII
    before the ``@``; internationalised addresses (RFC 6531) are valid and in use,
    so the login form checks the shape only and leaves the rest to the password.
    """

    widget = forms.TextInput

    def to_python(self, value):
        value = unicodedata.normalize("NFC", super().to_python(value) or "").strip()
        return value.lower()

    def validate(self, value):
        super().validate(value)
        if value and not LOGIN_EMAIL.fullmatch(value):
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid")


LOGIN_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@.]+")


class LoginForm(AuthenticationForm):
    username = LoginEmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "email", "autofocus": True, "inputmode": "email", "autocapitalize": "none"}
        ),
    )
    error_messages = {
        "invalid_login": _("That email address and password do not match. Check both and try again."),
        "inactive": _("This account is inactive. Contact the helpdesk."),
    }


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset emails go through the outbox like every other message."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        user = context["user"]
        notify(
            dedupe_key=f"password-reset:{user.pk}:{context['token']}",
            template="password_reset",
            to_email=to_email,
            recipient=user,
            language=user.language,
            context={
                "recipient_name": user.get_full_name() or user.email,
                "reset_url": "{}://{}{}".format(
                    context["protocol"],
                    context["domain"],
                    reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}),
                ),
            },
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
