import sys
from pathlib import Path

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import LanguageForm
from .health import public_status, system_health
from .registry import panels_for
from .roles import Role, home_roles

ROLE_HOME_TITLES = {
    Role.REQUESTER: Role.REQUESTER.label,
    Role.AGENT: Role.AGENT.label,
    Role.LOGISTICS: Role.LOGISTICS.label,
    Role.MANAGER: Role.MANAGER.label,
    Role.SCHOOL_CONTACT: Role.SCHOOL_CONTACT.label,
    Role.ADMIN: Role.ADMIN.label,
}


@login_required
def home(request):
    roles = home_roles(request.user)
    if not roles:
        return render(request, "icity/no_role.html", status=403)
    return redirect("icity:role-home", role=roles[0])


@login_required
def role_home(request, role: str):
    roles = home_roles(request.user)
    if role not in roles:
        raise Http404
    panels = []
    for panel in panels_for(role):
        panels.append({"template": panel.template, **panel.context(request)})
    return render(
        request,
        "icity/home.html",
        {
            "role": role,
            "role_label": Role(role).label,
            "home_tabs": [(held, Role(held).label) for held in roles],
            "panels": panels,
        },
    )


@require_POST
def set_language(request):
    """Switch language; a signed-in user's choice is saved on their profile."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=False,
            samesite="Lax",
        )
    return response


@never_cache
@require_GET
def healthz(request):
    """Status code for load balancers and compose; the figures only for staff or with ``HEALTHZ_TOKEN``."""
    report = system_health()
    status = 200 if report["ok"] else 503
    if _may_see_health_figures(request):
        return JsonResponse(report, status=status)
    return HttpResponse(public_status(report), status=status, content_type="text/plain; charset=utf-8")


def _may_see_health_figures(request) -> bool:
    try:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return True
    except DatabaseError:  # the database is down: /healthz still answers, without figures
        pass
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and constant_time_compare(given, token)


def _mail_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


@staff_member_required
def mail_outbox(request):
    """Development mailbox: the messages the file backend wrote under var/mail/."""
    mail_dir = _mail_dir()
    files = (
        sorted(mail_dir.glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True) if mail_dir.exists() else []
    )
    return render(
        request,
        "icity/mail_outbox.html",
        {"files": [{"name": path.name, "size": path.stat().st_size} for path in files[:200]], "mail_dir": mail_dir},
    )


@staff_member_required
def mail_message(request, name: str):
    path = _mail_dir() / name
    if "/" in name or not name.endswith(".log") or not path.is_file():
        raise Http404
    return HttpResponse(path.read_bytes(), content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": gettext("Bad request: the address or the data holds characters it cannot.")}, status=400
        )
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


DATABASE_DOWN_RETRY_AFTER = 30


def server_error(request):
    """A database outage is a 503 with ``Retry-After`` (JSON for the API); anything else the plain 500 page.

    Rendered without the site layout or context processors: they read the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    return render(request, "500.html", status=500)


def database_unavailable(request) -> HttpResponse:
    retry_after = DATABASE_DOWN_RETRY_AFTER
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": gettext("The service is temporarily unavailable: the database cannot be reached.")}, status=503
        )
    else:
        html = render_to_string("503.html", {"retry_after": retry_after})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def admin_health_panel(request) -> dict:
    return {"health": system_health()}


def favicon(request):
    """Browsers ask /favicon.ico on pages without a <link rel=icon> (PDFs, files)."""
    return redirect(static("icity/favicon.ico"), permanent=True)
