"""The guardian's booking page: a private link, no account, French or Dutch, phone-sized.

The link is the only key: it shows this one pupil's booking and nothing else, and
stops working once expired or used to cancel. Unknown, expired and revoked links
all get the same "no longer valid" page.
"""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from loans.models import LoanTerms

from . import services
from .forms import SlotChoiceForm
from .models import Allocation, Appointment, GuardianLanguage
from .services import ProgrammeError, SlotFull
from .views import bookable_slots, slot_days


def _language(request, pupil) -> str:
    wanted = request.POST.get("lang") or request.GET.get("lang")
    return wanted if wanted in GuardianLanguage.values else pupil.language


def _render(request, template: str, context: dict, language: str, status: int = 200) -> HttpResponse:
    with translation.override(language):
        body = render_to_string(template, {**context, "language": language}, request=request)
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request) -> HttpResponse:
    language = request.GET.get("lang") if request.GET.get("lang") in GuardianLanguage.values else "fr"
    return _render(request, "schools/guardian_invalid.html", {}, language, status=404)


@never_cache
@csrf_protect
def guardian_booking(request, token: str):
    link = services.guardian_link_find(token)
    if link is None:
        return _invalid(request)
    pupil = link.pupil
    language = _language(request, pupil)
    here = reverse("schools:guardian", args=[token])
    allocation = pupil.allocations.filter(status=Allocation.Status.RESERVED).first()
    appointment = pupil.appointments.filter(status=Appointment.Status.BOOKED).select_related("slot__point").first()
    error = ""
    status = 200
    if request.method == "POST":
        # Messages from the services come out in the guardian's language.
        with translation.override(language):
            error, status, response = _act(request, link, appointment, language, here)
        if response is not None:
            return response
    days, several_points = slot_days(bookable_slots()[:200] if allocation else [])
    # What the guardian will sign at the collection point: the pupil-device agreement, read ahead.
    terms = LoanTerms.current(LoanTerms.Audience.PUPIL_GUARDIAN) if allocation else None
    context = {
        "terms": terms,
        "terms_text": terms.text_in(language) if terms else "",
        "pupil": pupil,
        "school": pupil.school,
        "allocation": allocation,
        "appointment": appointment,
        "days": days,
        "several_points": several_points,
        "error": error,
        "done": request.GET.get("done") == "1",
        "here": here,
    }
    return _render(request, "schools/guardian.html", context, language, status=status)


def _act(request, link, appointment, language: str, here: str) -> tuple[str, int, HttpResponse | None]:
    action = request.POST.get("action")
    try:
        if action == "cancel" and appointment:
            services.appointment_cancel(actor=None, appointment=appointment, link=link)
            page = _render(request, "schools/guardian_cancelled.html", {"pupil": link.pupil}, language)
            return "", 200, page
        form = SlotChoiceForm(request.POST, slots=bookable_slots())
        if action in ("book", "move") and form.is_valid():
            slot = form.cleaned_data["slot"]
            if appointment:
                services.appointment_move(actor=None, appointment=appointment, slot=slot)
            else:
                services.appointment_book(actor=None, pupil=link.pupil, slot=slot)
            return "", 302, redirect(f"{here}?lang={language}&done=1")
        return gettext("Choose one of the free time slots."), 400, None
    except SlotFull as refused:
        return refused.message, 409, None
    except ProgrammeError as refused:
        return refused.message, 400, None
