import json
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets.services import resolve_code
from icity.roles import role_required

from . import services
from .access import (
    SCHOOL_ROLES,
    STAFF_ROLES,
    appointments_for,
    get_pupil_for_user,
    is_programme_staff,
    pupils_for,
    schools_for,
)
from .certificates import wipe_certificate_pdf
from .forms import (
    CleaningForm,
    ImageForm,
    ImportForm,
    JobOpenForm,
    PupilCreateForm,
    PupilFilterForm,
    PupilForm,
    RefuseForm,
    RouteForm,
    SlotChoiceForm,
    SlotGenerateForm,
    TestsForm,
    WipeForm,
)
from .imports import pupil_import
from .models import Allocation, Appointment, Pupil, ReconJob, ReconStep, Slot
from .models.programme import EligibilityReason
from .models.reconditioning import OPEN_STEPS
from .services import ProgrammeError, SlotPlan

PAGE_SIZE = 50


# --- Panels and asset section -----------------------------------------------------------------------


def school_panel(request) -> dict:
    counts = dict(pupils_for(request.user).values_list("status").annotate(n=Count("pk")).order_by())
    upcoming = appointments_for(request.user).filter(
        status=Appointment.Status.BOOKED, slot__starts_at__gte=timezone.now()
    )
    return {
        "pupil_count": sum(counts.values()),
        "pending_count": counts.get(Pupil.Status.PENDING, 0),
        "approved_count": counts.get(Pupil.Status.APPROVED, 0),
        "upcoming_count": upcoming.count(),
    }


def programme_panel(request) -> dict:
    steps = dict(ReconJob.objects.filter(closed_at__isnull=True).values_list("step").annotate(n=Count("pk")).order_by())
    return {
        "pending_pupils": Pupil.objects.filter(status=Pupil.Status.PENDING).count(),
        "ready_devices": services.ready_devices().count(),
        "open_jobs": sum(steps.values()),
        "qa_jobs": steps.get(ReconStep.QA, 0),
        "today_appointments": Appointment.objects.filter(
            status=Appointment.Status.BOOKED, slot__starts_at__date=timezone.localdate()
        ).count(),
    }


def asset_section(request, asset) -> dict:
    if not is_programme_staff(request.user):
        return {"jobs": []}
    jobs = list(ReconJob.objects.filter(asset=asset).select_related("qa_by").order_by("-intake_at")[:10])
    return {"jobs": jobs}


# --- Pupils (school contacts and programme staff) ---------------------------------------------------


@role_required(*SCHOOL_ROLES)
def home(request):
    schools = schools_for(request.user).order_by("code")
    form = PupilFilterForm(request.GET or None, schools=schools)
    queryset = pupils_for(request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            queryset = queryset.filter(
                Q(last_name__istartswith=term)
                | Q(first_name__istartswith=term)
                | Q(reference__iexact=term)
                | Q(class_name__iexact=term)
            )
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["school"]:
            queryset = queryset.filter(school=data["school"])
    queryset = queryset.select_related("school").annotate(
        device=Count("allocations", filter=Q(allocations__status__in=Allocation.ACTIVE)),
        booked=Count("appointments", filter=Q(appointments__status=Appointment.Status.BOOKED)),
    )
    page = Paginator(queryset.order_by("school__code", "last_name", "first_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/home.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "schools": schools,
            "is_staff": is_programme_staff(request.user),
        },
    )


@role_required(*SCHOOL_ROLES)
def pupil_create(request):
    schools = schools_for(request.user).order_by("code")
    form = PupilCreateForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.PUPIL_FIELDS}
        try:
            pupil = services.pupil_register(actor=request.user, school=form.cleaned_data["school"], data=data)
        except ProgrammeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Pupil registered; the programme team will review the request."))
            return redirect(pupil)
    return render(request, "schools/pupil_form.html", {"form": form, "title": _("Register a pupil")})


@role_required(*SCHOOL_ROLES)
def pupil_edit(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    if pupil.anonymised_at:
        raise Http404
    form = PupilForm(request.POST or None, instance=pupil)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.PUPIL_FIELDS}
        try:
            services.pupil_update(actor=request.user, pupil=pupil, data=data)
        except ProgrammeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Pupil updated."))
            return redirect(pupil)
    return render(request, "schools/pupil_form.html", {"form": form, "title": _("Edit pupil"), "pupil": pupil})


@role_required(*SCHOOL_ROLES)
def pupil_detail(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    services.pupil_log_access(user=request.user, pupil=pupil)
    allocation = (
        pupil.allocations.filter(status__in=Allocation.ACTIVE).select_related("asset__model__manufacturer").first()
    )
    appointment = pupil.appointments.filter(status=Appointment.Status.BOOKED).select_related("slot__point").first()
    events = pupil.events.select_related("actor").order_by("-at", "-pk")[:50]
    slot_form = None
    days, several_points = [], False
    if allocation and allocation.status == Allocation.Status.RESERVED:
        slot_form = SlotChoiceForm(slots=bookable_slots())
        days, several_points = slot_days(bookable_slots()[:200])
    context = {
        "pupil": pupil,
        "allocation": allocation,
        "appointment": appointment,
        "events": events,
        "is_staff": is_programme_staff(request.user),
        "refuse_form": RefuseForm(),
        "slot_form": slot_form,
        "days": days,
        "several_points": several_points,
        "access_log": pupil.access_logs.select_related("user").order_by("-at")[:20]
        if is_programme_staff(request.user)
        else None,
        "new_link": request.session.pop(f"schools-link-{pupil.pk}", None),
    }
    return render(request, "schools/pupil_detail.html", context)


@require_POST
@role_required(*STAFF_ROLES)
def pupil_approve(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    try:
        services.pupil_approve(actor=request.user, pupil=pupil)
        messages.success(request, _("Pupil approved."))
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(pupil)


@require_POST
@role_required(*STAFF_ROLES)
def pupil_refuse(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the refusal."))
        return redirect(pupil)
    try:
        services.pupil_refuse(actor=request.user, pupil=pupil, reason=form.cleaned_data["reason"])
        messages.success(request, _("Request refused."))
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(pupil)


@role_required(*SCHOOL_ROLES)
def pupil_export(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    data = services.pupil_export(actor=request.user, pupil=pupil)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="pupil-{pupil.pk}.json"'
    return response


@require_POST
@role_required(*SCHOOL_ROLES)
def pupil_link(request, pk: int):
    """Issue a fresh guardian link; shown once to the school contact to pass on (by SMS, on paper)."""
    pupil = get_pupil_for_user(request.user, pk=pk)
    if pupil.anonymised_at or not pupil.allocations.filter(status=Allocation.Status.RESERVED).exists():
        messages.error(request, _("A booking link is only useful once a device is reserved."))
        return redirect(pupil)
    _link, token = services.guardian_link_issue(actor=request.user, pupil=pupil)
    request.session[f"schools-link-{pupil.pk}"] = settings.SITE_URL + reverse("schools:guardian", args=[token])
    messages.success(request, _("A new booking link was created; older links no longer work."))
    return redirect(pupil)


def slot_days(slots) -> tuple[list, bool]:
    """Free slots grouped by local day, and whether they are at more than one collection point."""
    days: dict = {}
    points = set()
    for slot in slots:
        days.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)
        points.add(slot.point_id)
    return list(days.items()), len(points) > 1


def bookable_slots():
    now = timezone.now()
    return (
        Slot.objects.filter(
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=settings.SCHOOLS_BOOKING_DAYS_AHEAD),
            booked__lt=F("capacity"),
            point__is_active=True,
        )
        .select_related("point")
        .order_by("starts_at", "point_id")
    )


@require_POST
@role_required(*SCHOOL_ROLES)
def pupil_book(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    form = SlotChoiceForm(request.POST, slots=bookable_slots())
    if not form.is_valid():
        messages.error(request, _("Choose a free time slot."))
        return redirect(pupil)
    current = pupil.appointments.filter(status=Appointment.Status.BOOKED).first()
    try:
        if current:
            services.appointment_move(actor=request.user, appointment=current, slot=form.cleaned_data["slot"])
            messages.success(request, _("Appointment moved."))
        else:
            services.appointment_book(actor=request.user, pupil=pupil, slot=form.cleaned_data["slot"])
            messages.success(request, _("Appointment booked."))
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(pupil)


@require_POST
@role_required(*SCHOOL_ROLES)
def pupil_cancel(request, pk: int):
    pupil = get_pupil_for_user(request.user, pk=pk)
    current = pupil.appointments.filter(status=Appointment.Status.BOOKED).first()
    if current is None:
        raise Http404
    services.appointment_cancel(actor=request.user, appointment=current)
    messages.success(request, _("Appointment cancelled."))
    return redirect(pupil)


@role_required(*SCHOOL_ROLES)
def pupil_import_view(request):
    schools = schools_for(request.user).order_by("code")
    form = ImportForm(request.POST or None, request.FILES or None, schools=schools)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            form.add_error("file", _("The file is larger than 2 MB."))
        else:
            report = pupil_import(
                actor=request.user,
                school=form.cleaned_data["school"],
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            if report.ok and not report.dry_run:
                messages.success(request, _("%(count)d pupils registered.") % {"count": report.created})
                return redirect("schools:home")
    context = {"form": form, "report": report, "eligibility_values": EligibilityReason.choices}
    return render(request, "schools/import.html", context)


# --- Programme staff: overview, allocation, reports ----------------------------------------------


@role_required(*STAFF_ROLES)
def programme(request):
    return render(
        request,
        "schools/programme.html",
        {
            "panel": programme_panel(request),
            "schools": services.school_report(),
            "green": green_figures(),
            "pending": Pupil.objects.filter(status=Pupil.Status.PENDING)
            .select_related("school")
            .order_by("registered_at", "pk")[:20],
        },
    )


def green_figures() -> dict:
    return {
        "reconditioned": ReconJob.objects.filter(step=ReconStep.READY).values("asset").distinct().count(),
        "second_life": Allocation.objects.filter(status__in=["handed_over", "returned"])
        .values("asset")
        .distinct()
        .count(),
    }


@require_POST
@role_required(*STAFF_ROLES)
def allocation_run(request):
    made = services.allocation_run(actor=request.user)
    messages.success(request, _("%(count)d devices allocated.") % {"count": made})
    return redirect("schools:programme")


@require_POST
@role_required(*STAFF_ROLES)
def allocation_release(request, pk: int):
    allocation = Allocation.objects.filter(pk=pk).select_related("pupil").first()
    if allocation is None:
        raise Http404
    try:
        services.allocation_release(actor=request.user, allocation=allocation, reason="released by staff")
        messages.success(request, _("Device released back to the pool."))
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(allocation.pupil)


# --- Reconditioning ---------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def job_board(request):
    columns = {step: [] for step in OPEN_STEPS}
    open_jobs = (
        ReconJob.objects.filter(closed_at__isnull=True)
        .select_related("asset__model__manufacturer", "technician")
        .order_by("updated_at", "pk")
    )
    counts = dict(open_jobs.values_list("step").annotate(n=Count("pk")).order_by())
    # At most 30 cards per column; the counts say how many there are in all.
    for step in OPEN_STEPS:
        columns[step] = list(open_jobs.filter(step=step)[:30])
    board = [(ReconStep(step).label, step, counts.get(step, 0), columns[step]) for step in OPEN_STEPS]
    return render(
        request,
        "schools/job_board.html",
        {"board": board, "throughput": throughput(), "form": JobOpenForm()},
    )


def throughput(weeks: int = 8) -> list[dict]:
    since = timezone.now() - timedelta(weeks=weeks)
    rows = (
        ReconJob.objects.filter(closed_at__gte=since)
        .annotate(week=TruncWeek("closed_at"))
        .values("week")
        .annotate(
            ready=Count("pk", filter=Q(step=ReconStep.READY)),
            other=Count("pk", filter=~Q(step=ReconStep.READY)),
        )
        .order_by("-week")
    )
    return list(rows)


@require_POST
@role_required(*STAFF_ROLES)
def job_open(request):
    form = JobOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scan or type the asset tag."))
        return redirect("schools:jobs")
    asset = resolve_code(form.cleaned_data["code"])
    if asset is None:
        messages.error(request, _("No device with this tag or serial number."))
        return redirect("schools:jobs")
    try:
        job = services.recon_job_open(
            actor=request.user,
            asset=asset,
            source=form.cleaned_data["source"],
            serial_seen=form.cleaned_data["serial_seen"],
            condition=form.cleaned_data["condition"],
            notes=form.cleaned_data["notes"],
        )
    except ProgrammeError as error:
        messages.error(request, error.message)
        return redirect("schools:jobs")
    return redirect(job)


STEP_FORMS = {
    ReconStep.WIPE: WipeForm,
    ReconStep.TESTS: TestsForm,
    ReconStep.IMAGE: ImageForm,
    ReconStep.CLEANING: CleaningForm,
}


def _get_job(pk: int) -> ReconJob:
    job = (
        ReconJob.objects.select_related("asset__model__manufacturer", "technician", "wipe_operator", "qa_by")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404
    return job


def _apply_step(job: ReconJob, form, user) -> ReconJob:
    data = form.cleaned_data
    if job.step == ReconStep.WIPE:
        return services.recon_record_wipe(
            actor=user,
            job=job,
            method=data["method"],
            tool=data["tool"],
            result=data["result"],
            verification=data["verification"],
        )
    if job.step == ReconStep.TESTS:
        return services.recon_record_tests(actor=user, job=job, battery_health=data["battery_health"], checks=data)
    if job.step == ReconStep.IMAGE:
        return services.recon_record_image(
            actor=user, job=job, os_image=data["os_image"], os_version=data["os_version"]
        )
    return services.recon_record_cleaning(actor=user, job=job, cosmetic_grade=data["cosmetic_grade"])


@role_required(*STAFF_ROLES)
def job_detail(request, pk: int):
    job = _get_job(pk)
    form_class = STEP_FORMS.get(job.step)
    form = form_class(request.POST or None, prefix="step") if form_class else None
    if request.method == "POST":
        if form is None or not form.is_valid():
            return render(request, "schools/job_detail.html", _job_context(job, form), status=400)
        try:
            _apply_step(job, form, request.user)
        except ProgrammeError as error:
            form.add_error(None, error.message)
            return render(request, "schools/job_detail.html", _job_context(job, form), status=400)
        messages.success(request, _("Step recorded."))
        return redirect(job)
    return render(request, "schools/job_detail.html", _job_context(job, form))


def _job_context(job, form) -> dict:
    return {"job": job, "form": form, "route_form": RouteForm(prefix="route"), "open": job.closed_at is None}


@require_POST
@role_required(*STAFF_ROLES)
def job_qa(request, pk: int):
    job = _get_job(pk)
    try:
        services.recon_qa_sign_off(actor=request.user, job=job)
        messages.success(request, _("QA signed off: the device is ready for the programme."))
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(job)


@require_POST
@role_required(*STAFF_ROLES)
def job_route(request, pk: int):
    job = _get_job(pk)
    form = RouteForm(request.POST, prefix="route")
    if not form.is_valid():
        messages.error(request, _("Choose where the device goes and give the reason."))
        return redirect(job)
    try:
        services.recon_route(
            actor=request.user, job=job, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The device left the bench."))
    except ProgrammeError as error:
        messages.error(request, error.message)
    return redirect(job)


@role_required(*STAFF_ROLES)
def job_certificate(request, pk: int):
    job = _get_job(pk)
    if not job.certificate_number:
        raise Http404
    response = HttpResponse(wipe_certificate_pdf(job), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{job.certificate_number}.pdf"'
    return response


# --- Slots and appointments (staff) ----------------------------------------------------------------


@role_required(*STAFF_ROLES)
def slots(request):
    form = SlotGenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        breaks = ((data["break_start"], data["break_end"]),) if data.get("break_start") else ()
        plan = SlotPlan(
            start_date=data["start_date"],
            end_date=data["end_date"],
            day_start=data["day_start"],
            day_end=data["day_end"],
            length_minutes=data["length_minutes"],
            capacity=data["capacity"],
            breaks=breaks,
        )
        try:
            created = services.slots_generate(point=data["point"], plan=plan)
        except ProgrammeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d slots created.") % {"count": created})
            return redirect("schools:slots")
    upcoming = Slot.objects.filter(starts_at__gte=timezone.now()).select_related("point").order_by("starts_at")
    page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "schools/slots.html", {"form": form, "page": page})


@role_required(*STAFF_ROLES)
def appointments(request):
    day = timezone.localdate()
    try:
        if request.GET.get("day"):
            day = date.fromisoformat(request.GET["day"])
    except ValueError:
        pass
    rows = (
        Appointment.objects.filter(slot__starts_at__date=day)
        .select_related("slot__point", "pupil__school", "allocation__asset")
        .order_by("slot__starts_at", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/appointments.html",
        {"page": page, "day": day, "previous": day - timedelta(days=1), "next": day + timedelta(days=1)},
    )
