"""The person's own API tokens: list with last use, make one, revoke one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .tokens import api_token_issue, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("Where you use it, e.g. “reporting script”.")
    )


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = request.user.api_tokens.order_by("-created_at")
    status = 400 if request.method == "POST" and new_key is None else 200
    return render(request, "icity/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}, status=status)


@require_POST
@login_required
def token_revoke(request, pk: int):
    if api_token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("The token is revoked: it no longer opens the API."))
    else:
        messages.error(request, _("This token does not exist or is already revoked."))
    return redirect("icity:tokens")
