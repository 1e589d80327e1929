"""The hand-over station (tablet at the collection point), returns and return campaigns. Logistics only.

From "find the appointment" to "receipt" takes four page interactions: open the
station, search (or tap today's appointment), submit the hand-over form, and the
receipt page shows.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from icity.roles import role_required
from loans.models import LoanTerms

from .access import STAFF_ROLES
from .forms import HandoverForm, ReturnCampaignForm, ReturnForm, StationSearchForm
from .models import Appointment, PupilLoan, ReturnCampaign
from .services import ProgrammeError
from .services import loans as loan_services

STATION_LIMIT = 60
CAMPAIGN_PAGE_SIZE = 25


@role_required(*STAFF_ROLES)
def station(request):
    form = StationSearchForm(request.GET or None)
    rows = Appointment.objects.filter(status=Appointment.Status.BOOKED).select_related(
        "slot__point", "pupil__school", "allocation__asset"
    )
    term = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if term:
        rows = rows.filter(
            Q(code__iexact=term) | Q(pupil__last_name__istartswith=term) | Q(pupil__first_name__istartswith=term)
        )
    else:
        rows = rows.filter(slot__starts_at__date=timezone.localdate())
    rows = list(rows.order_by("slot__starts_at", "pk")[:STATION_LIMIT])
    if term and len(rows) == 1:
        return redirect("schools:handover", pk=rows[0].pk)
    return render(request, "schools/station.html", {"form": form, "rows": rows, "term": term})


@role_required(*STAFF_ROLES)
def handover(request, pk: int):
    appointment = (
        Appointment.objects.select_related("slot__point", "pupil__school", "allocation__asset__model")
        .filter(pk=pk, status=Appointment.Status.BOOKED)
        .first()
    )
    if appointment is None:
        raise Http404
    pupil = appointment.pupil
    terms = LoanTerms.current(LoanTerms.Audience.PUPIL_GUARDIAN)
    form = HandoverForm(request.POST or None, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = loan_services.handover_complete(
                actor=request.user,
                appointment=appointment,
                scanned_code=data["code"],
                identity_checked=data["identity_checked"],
                accepted_name=data["accepted_name"],
                accept_terms=data["accept_terms"],
                idempotency_key=data["idempotency_key"],
            )
        except ProgrammeError as error:
            form.add_error(None, error.message)
        else:
            if data["email_receipt"]:
                loan_services.handover_email_receipt(pupil_loan=link)
            return redirect("schools:handover-receipt", pk=link.pk)
    with translation.override(pupil.language):
        terms_text = terms.text_in(pupil.language) if terms else ""
    return render(
        request,
        "schools/handover.html",
        {
            "appointment": appointment,
            "pupil": pupil,
            "terms": terms,
            "terms_text": terms_text,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@role_required(*STAFF_ROLES)
def handover_receipt(request, pk: int):
    link = (
        PupilLoan.objects.select_related("pupil__school", "loan__terms", "allocation__asset__model")
        .filter(pk=pk)
        .first()
    )
    if link is None:
        raise Http404
    receipt = link.loan.receipts.filter(kind="hand_over").order_by("-pk").first()
    lines = link.loan.lines.select_related("asset", "model__manufacturer")
    return render(request, "schools/handover_receipt.html", {"link": link, "receipt": receipt, "lines": lines})


@role_required(*STAFF_ROLES)
def returns(request):
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [code.strip() for code in data["codes"].splitlines() if code.strip()]
        site = data["school"].site if data["school"] and data["school"].site else None
        site = site or _collection_site()
        items = [
            loan_services.PupilReturn(code=code, condition=data["condition"], missing_parts=data["missing_parts"])
            for code in dict.fromkeys(codes)
        ]
        try:
            done = loan_services.pupil_returns_check_in(
                actor=request.user,
                site=site,
                returns=items,
                notes=_("Collected from %(school)s") % {"school": data["school"].name} if data["school"] else "",
            )
        except ProgrammeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(count)d devices returned and sent to reconditioning.") % {"count": len(done)}
            )
            return redirect("schools:returns")
    return render(request, "schools/returns.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*STAFF_ROLES)
def return_campaigns(request):
    """The campaigns that remind guardians to bring devices back, and the form to start one."""
    form = ReturnCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = loan_services.return_campaign_create(
                actor=request.user, name=data["name"], deadline=data["deadline"], stages=data["stages"]
            )
        except loan_services.CampaignError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Return campaign “%(name)s” created.") % {"name": campaign.name})
            # The form posts to "#new-campaign" (so errors show in view); the message is at the top.
            return redirect(reverse("schools:return-campaigns") + "#main")
    page = Paginator(loan_services.return_campaigns_listed(), CAMPAIGN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/return_campaigns.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*STAFF_ROLES)
def return_campaign_active(request, pk: int, active: bool):
    campaign = ReturnCampaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404
    campaign = loan_services.return_campaign_set_active(actor=request.user, campaign=campaign, active=active)
    if active:
        messages.success(request, _("Campaign “%(name)s” resumed.") % {"name": campaign.name})
    else:
        messages.success(request, _("Campaign “%(name)s” paused: no reminder goes out.") % {"name": campaign.name})
    # Back to the same page of the list, at the row that changed.
    page = request.POST.get("page", "")
    query = f"?page={page}" if page.isdecimal() else ""
    return redirect(f"{reverse('schools:return-campaigns')}{query}#campaign-{campaign.pk}")


def _collection_site():
    from .models import CollectionPoint

    point = CollectionPoint.objects.filter(is_active=True, site__isnull=False).select_related("site").first()
    if point is None:
        raise Http404
    return point.site
