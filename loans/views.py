"""Pages for equipment requests, loans, returns, the deliveries board and recoveries.

Thin: each view checks the role, finds the object through a scoped lookup
(404 for what the user may not see), calls one service and renders.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assets import hooks
from assets.access import MANAGE_ROLES
from assets.models import Asset
from assets.services import InventoryError, resolve_code, resolve_codes
from icity.lists import choice, page_of
from icity.roles import has_role, role_required
from icity.text import is_id

from . import forms, receipts, services
from .models import DeliveryRun, EquipmentRequest, Loan, LoanLine, LoanTerms, Receipt, Recovery

R = EquipmentRequest.Status


# --- Scoped lookups ------------------------------------------------------------------------------


def is_logistics(user) -> bool:
    return has_role(user, *MANAGE_ROLES)


def loans_for(user) -> QuerySet[Loan]:
    if is_logistics(user):
        return Loan.objects.all()
    if not user.is_authenticated:
        return Loan.objects.none()
    return Loan.objects.filter(borrower=user)


def requests_for(user) -> QuerySet[EquipmentRequest]:
    if is_logistics(user):
        return EquipmentRequest.objects.all()
    if not user.is_authenticated:
        return EquipmentRequest.objects.none()
    return EquipmentRequest.objects.filter(Q(requester=user) | Q(created_by=user) | Q(approver=user))


def get_loan_for_user(user, pk: int) -> Loan:
    loan = (
        loans_for(user)
        .select_related("borrower", "terms", "checked_out_by", "witnessed_by", "request")
        .filter(pk=pk)
        .first()
    )
    if loan is None:
        raise Http404
    return loan


def get_request_for_user(user, pk: int) -> EquipmentRequest:
    request = (
        requests_for(user)
        .select_related("requester", "created_by", "approver", "delivery_site", "prepared_by", "backorder_of")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _open_lines():
    return Prefetch(
        "lines",
        queryset=LoanLine.objects.select_related("asset", "model__manufacturer", "model__category").order_by("pk"),
    )


def _show_error(request, error: InventoryError) -> None:
    messages.error(request, error.message)
    for detail in error.errors:
        messages.error(request, detail)


# --- My equipment --------------------------------------------------------------------------------


@login_required
def my_equipment(request):
    today = timezone.localdate()
    loans = list(
        Loan.objects.filter(borrower=request.user, status__in=Loan.OPEN_STATUSES)
        .prefetch_related(_open_lines(), Prefetch("receipts", queryset=Receipt.objects.defer("pdf").order_by("pk")))
        .order_by("due_date", "pk")
    )
    for loan in loans:
        loan.overdue_days = loan.days_overdue(today)
    requests = list(
        EquipmentRequest.objects.filter(requester=request.user)
        .exclude(status__in=[R.CLOSED, R.CANCELLED])
        .order_by("-created_at")[:20]
    )
    past = list(
        Loan.objects.filter(borrower=request.user)
        .exclude(status__in=Loan.OPEN_STATUSES)
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.defer("pdf").order_by("pk")))
        .order_by("-closed_at")[:10]
    )
    # Units assigned outside a loan (before loans existed, or by the inventory's own assignment).
    other = list(
        Asset.objects.filter(holder=request.user)
        .exclude(loan_lines__state=LoanLine.State.OPEN)
        .select_related("model__manufacturer", "model__category")
        .order_by("tag")
    )
    return render(
        request,
        "loans/mine.html",
        {"loans": loans, "requests": requests, "past": past, "other": other, "today": today},
    )


# --- Requests ------------------------------------------------------------------------------------


@login_required
def request_list(request):
    queryset = requests_for(request.user).select_related("requester", "approver")
    scope = request.GET.get("scope", "")
    if scope == "approve":
        queryset = queryset.filter(approver=request.user, status=R.PENDING_APPROVAL)
    elif scope == "prepare" and is_logistics(request.user):
        queryset = queryset.filter(status__in=[R.SUBMITTED, R.PREPARING, R.READY, R.OUT_FOR_DELIVERY])
    elif not is_logistics(request.user):
        queryset = queryset.filter(Q(requester=request.user) | Q(created_by=request.user) | Q(approver=request.user))
    status = choice(request, "status", R.values)
    if status:
        queryset = queryset.filter(status=status)
    page = page_of(request, queryset.order_by("-created_at", "-pk"))
    return render(
        request,
        "loans/request_list.html",
        {
            "page": page,
            "scope": scope,
            "status": status,
            "statuses": R.choices,
            "logistics": is_logistics(request.user),
        },
    )


@login_required
def request_create(request):
    form = forms.RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_submit(
                actor=request.user,
                requester=data.get("for_person") or request.user,
                lines=[services.Wanted(kit=kit, model=model, quantity=qty) for kit, model, qty in form.wanted()],
                reason=data["reason"],
                wanted_by=data["wanted_by"],
                delivery=data["delivery"],
                delivery_site=data["delivery_site"],
                delivery_address=data["delivery_address"],
                idempotency_key=data["idempotency_key"],
            )
        except InventoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your request %(ref)s was sent.") % {"ref": created.reference})
            return redirect(created)
    return render(request, "loans/request_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def request_detail(request, pk: int):
    return _request_page(request, get_request_for_user(request.user, pk))


def _shortages(lines) -> list[forms.Shortage]:
    """The lines stock cannot fill now, with in-stock models of the same category (a few grouped queries)."""
    model_ids = {line.model_id for line in lines if line.model_id}
    kits = [line.kit for line in lines if line.kit_id]
    kit_items = {kit.pk: list(kit.items.all()) for kit in kits}
    model_ids |= {item.model_id for items in kit_items.values() for item in items}
    available = services.available_now(model_ids)
    packs = services.kits_available(kits, available) if kits else {}
    shortages = []
    for line in lines:
        count = packs.get(line.kit_id, 0) if line.kit_id else available.get(line.model_id, 0)
        if count >= line.quantity:
            continue
        substitutes = services.substitutes_for(line.model, quantity=1) if line.model_id else []
        shortages.append(forms.Shortage(line=line, available=count, substitutes=substitutes))
    return shortages


def _request_page(request, equipment_request, *, prepare_form=None, decide_form=None, status: int = 200):
    """The request's page; after a failed "prepare", with the scanned codes and the site kept."""
    lines = list(
        equipment_request.lines.select_related("kit", "model__manufacturer", "asked_model__manufacturer")
        .prefetch_related("kit__items")
        .order_by("pk")
    )
    prepared = list(equipment_request.prepared_items.select_related("asset", "model__manufacturer").order_by("pk"))
    logistics = is_logistics(request.user)
    context = {
        "req": equipment_request,
        "lines": lines,
        "prepared": prepared,
        "logistics": logistics,
        "can_decide": equipment_request.approver_id == request.user.pk
        and equipment_request.status == R.PENDING_APPROVAL,
        "can_cancel": equipment_request.status not in (R.HANDED_OVER, R.CLOSED, R.REFUSED, R.CANCELLED)
        and (logistics or request.user.pk in (equipment_request.requester_id, equipment_request.created_by_id)),
        "loans": list(equipment_request.loans.order_by("pk")),
        "runs": list(equipment_request.runs.select_related("assignee").order_by("date", "window_start")),
        "steps": _steps(equipment_request),
    }
    if context["can_decide"]:
        context["shortages"] = _shortages(lines)
        context["decide_form"] = decide_form or forms.DecideForm(shortages=context["shortages"])
    if logistics and equipment_request.status in (R.SUBMITTED, R.PREPARING):
        context["needs"] = _needs_rows(equipment_request)
        context["prepare_form"] = prepare_form or forms.PrepareForm()
    if logistics and equipment_request.status in (R.READY, R.OUT_FOR_DELIVERY):
        context["hand_over_form"] = forms.HandOverForm()
        context["terms"] = LoanTerms.current()
    return render(request, "loans/request_detail.html", context, status=status)


def _needs_rows(equipment_request) -> list[dict]:
    from assets.models import ProductModel

    needs = services.request_needs(equipment_request)
    models = ProductModel.objects.select_related("manufacturer").in_bulk(needs)
    return [{"model": models[pk], "quantity": qty} for pk, qty in sorted(needs.items())]


def _steps(equipment_request) -> list[dict]:
    order = [R.SUBMITTED, R.PREPARING, R.READY, R.HANDED_OVER, R.CLOSED]
    if equipment_request.approver_id:
        order.insert(0, R.PENDING_APPROVAL)
    status = equipment_request.status
    if status == R.OUT_FOR_DELIVERY:
        status = R.READY
    current = order.index(status) if status in order else -1
    return [
        {"label": R(step).label, "done": index < current, "current": index == current}
        for index, step in enumerate(order)
    ]


@login_required
@require_POST
def request_decide(request, pk: int):
    equipment_request = get_request_for_user(request.user, pk)
    shortages = []
    if equipment_request.approver_id == request.user.pk and equipment_request.status == R.PENDING_APPROVAL:
        shortages = _shortages(
            list(
                equipment_request.lines.select_related("kit", "model__manufacturer")
                .prefetch_related("kit__items")
                .order_by("pk")
            )
        )
    form = forms.DecideForm(request.POST, shortages=shortages)
    if not form.is_valid():
        messages.error(request, _("Check the decision: some fields are not valid."))
        return _request_page(request, equipment_request, decide_form=form, status=400)
    try:
        services.request_decide(
            actor=request.user,
            request=equipment_request,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
            changes=form.changes() if form.cleaned_data["decision"] == "approve" else None,
        )
    except InventoryError as error:
        if equipment_request.approver_id != request.user.pk:
            raise Http404 from error
        _show_error(request, error)
    return redirect(equipment_request)


@login_required
@require_POST
def request_cancel(request, pk: int):
    equipment_request = get_request_for_user(request.user, pk)
    if not is_logistics(request.user) and request.user.pk not in (
        equipment_request.requester_id,
        equipment_request.created_by_id,
    ):
        raise Http404
    try:
        services.request_cancel(actor=request.user, request=equipment_request)
    except InventoryError as error:
        _show_error(request, error)
    return redirect(equipment_request)


@role_required(*MANAGE_ROLES)
@require_POST
def request_start(request, pk: int):
    equipment_request = get_request_for_user(request.user, pk)
    try:
        services.request_start_preparing(actor=request.user, request=equipment_request)
    except InventoryError as error:
        _show_error(request, error)
    return redirect(equipment_request)


@role_required(*MANAGE_ROLES)
@require_POST
def request_prepare(request, pk: int):
    equipment_request = get_request_for_user(request.user, pk)
    form = forms.PrepareForm(request.POST)
    if form.is_valid():
        try:
            services.request_prepare(
                actor=request.user,
                request=equipment_request,
                codes=form.cleaned_data["codes"],
                stock_site=form.cleaned_data["stock_site"],
            )
            messages.success(request, _("Prepared: the requester has been told."))
            return redirect(equipment_request)
        except InventoryError as error:
            _show_error(request, error)
    else:
        messages.error(request, _("Choose the site to issue stock from."))
    # Nothing was prepared: the page comes back with what was scanned and the site chosen, so that
    # fixing one code does not mean scanning the whole pack again.
    equipment_request.refresh_from_db()
    return _request_page(request, equipment_request, prepare_form=form, status=400)


@role_required(*MANAGE_ROLES)
@require_POST
def request_hand_over(request, pk: int):
    equipment_request = get_request_for_user(request.user, pk)
    form = forms.HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The borrower must type their name and accept the loan terms."))
        return redirect(equipment_request)
    try:
        loan = services.loan_hand_over(
            actor=request.user,
            request=equipment_request,
            accepted_name=form.cleaned_data["accepted_name"],
            accept_terms=form.cleaned_data["accept_terms"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except InventoryError as error:
        _show_error(request, error)
        return redirect(equipment_request)
    messages.success(request, _("Handed over: loan %(ref)s.") % {"ref": loan.reference})
    return redirect(loan)


# --- Loans ---------------------------------------------------------------------------------------


LOAN_FILTERS = {
    "open": Q(status__in=Loan.OPEN_STATUSES),
    "overdue": Q(status__in=Loan.OPEN_STATUSES),
    "due_soon": Q(status__in=Loan.OPEN_STATUSES),
    "returned": Q(status=Loan.Status.RETURNED),
    "lost": Q(status__in=[Loan.Status.LOST, Loan.Status.WRITTEN_OFF]),
}


def loan_queryset(view: str, *, today: date) -> QuerySet[Loan]:
    queryset = Loan.objects.filter(LOAN_FILTERS.get(view, LOAN_FILTERS["open"]))
    if view == "overdue":
        return queryset.filter(due_date__lt=today).order_by("due_date", "pk")
    if view == "due_soon":
        return queryset.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7)).order_by("due_date", "pk")
    if view in ("returned", "lost"):
        return queryset.order_by("-closed_at", "-pk")
    return queryset.order_by("due_date", "pk")


@role_required(*MANAGE_ROLES)
def loan_list(request):
    today = timezone.localdate()
    view = choice(request, "view", LOAN_FILTERS, default="overdue")
    # Count and slice the bare loans (the partial index on open due dates serves both), then count
    # the page's open lines in one grouped query: a join in the paginator's COUNT would scan them all.
    page = page_of(request, loan_queryset(view, today=today))
    open_counts = dict(
        LoanLine.objects.filter(loan_id__in=[loan.pk for loan in page], state=LoanLine.State.OPEN)
        .values("loan_id")
        .annotate(n=Count("pk"))
        .values_list("loan_id", "n")
    )
    for loan in page:
        loan.overdue_days = loan.days_overdue(today)
        loan.open_count = open_counts.get(loan.pk, 0)
    views = [
        ("overdue", _("Overdue")),
        ("due_soon", _("Due within 7 days")),
        ("open", _("All open")),
        ("returned", _("Returned")),
        ("lost", _("Lost")),
    ]
    return render(request, "loans/loan_list.html", {"page": page, "view": view, "views": views})


@login_required
def loan_detail(request, pk: int):
    loan = get_loan_for_user(request.user, pk)
    lines = list(loan.lines.select_related("asset", "model__manufacturer", "returned_to", "received_by").order_by("pk"))
    logistics = is_logistics(request.user)
    allowed, days = services.extensions_allowed(loan) if loan.is_open else (0, 0)
    open_stock_lines = [line for line in lines if line.asset_id is None and line.state == LoanLine.State.OPEN]
    return render(
        request,
        "loans/loan_detail.html",
        {
            "return_items_form": forms.ReturnStockItemsForm(open_lines=open_stock_lines)
            if logistics and open_stock_lines
            else None,
            "loan": loan,
            "lines": lines,
            "logistics": logistics,
            "receipts": list(loan.receipts.defer("pdf").order_by("pk")),
            "extensions": list(loan.extension_log.select_related("by").order_by("pk")),
            "can_extend": loan.is_open and loan.due_date is not None and loan.extensions < allowed,
            "extension_days": days,
            "extend_form": forms.ExtendForm(),
            "lost_form": forms.LostForm() if logistics and loan.is_open else None,
            "overdue_days": loan.days_overdue(timezone.localdate()),
            "problem_reports": hooks.problem_reports_enabled(),
        },
    )


@role_required(*MANAGE_ROLES)
@require_POST
def loan_return_items(request, pk: int):
    """Return the loan's stock items (no tag to scan) that logistics ticked; units go through check-in."""
    loan = get_loan_for_user(request.user, pk)
    open_lines = loan.lines.filter(asset__isnull=True, state=LoanLine.State.OPEN).select_related("model")
    form = forms.ReturnStockItemsForm(request.POST, open_lines=list(open_lines))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(loan)
    data = form.cleaned_data
    items = [services.ReturnItem(line=line_id, notes=data["notes"]) for line_id in data["lines"]]
    try:
        services.loan_check_in(actor=request.user, site=data["site"], items=items)
    except InventoryError as error:
        _show_error(request, error)
    else:
        messages.success(request, _("%(count)d line(s) returned to stock.") % {"count": len(items)})
    return redirect(loan)


@login_required
@require_POST
def loan_extend(request, pk: int):
    loan = get_loan_for_user(request.user, pk)
    form = forms.ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the extension."))
        return redirect(loan)
    try:
        loan = services.loan_extend(actor=request.user, loan=loan, reason=form.cleaned_data["reason"])
    except InventoryError as error:
        _show_error(request, error)
    else:
        messages.success(request, _("Extended until %(date)s.") % {"date": loan.due_date})
    return redirect(loan)


@role_required(*MANAGE_ROLES)
@require_POST
def loan_declare_lost(request, pk: int):
    loan = get_loan_for_user(request.user, pk)
    form = forms.LostForm(request.POST)
    if not form.is_valid():
        if "note" in form.errors:
            messages.error(request, _("Say what happened."))
        for error in form.errors.get("ticket_reference", []):
            messages.error(request, error)
        return redirect(loan)
    line_ids = [int(value) for value in request.POST.getlist("lines") if is_id(value)] or None
    try:
        services.loan_declare_lost(actor=request.user, loan=loan, lines=line_ids, **form.cleaned_data)
    except InventoryError as error:
        _show_error(request, error)
    else:
        messages.success(request, _("Recorded as lost or stolen."))
    return redirect(loan)


@role_required(*MANAGE_ROLES)
def loan_check_out(request):
    form = forms.CheckOutForm(request.POST or None)
    terms = LoanTerms.current()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assets, unknown = [], []
        for code in data["codes"]:
            asset = resolve_code(code)
            (assets.append(asset.pk) if asset else unknown.append(code))
        if unknown:
            form.add_error("codes", _("Unknown tag or serial: %(codes)s") % {"codes": ", ".join(unknown)})
        elif terms is None:
            form.add_error(None, _("No loan terms are published yet: ask an administrator."))
        else:
            try:
                loan = services.loan_check_out(
                    actor=request.user,
                    borrower=data["borrower"],
                    assets=assets,
                    due_date=data["due_date"],
                    use_policy_due_date=not data["permanent"],
                    terms=terms,
                    accepted_name=data["accepted_name"],
                    witnessed_by=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except InventoryError as error:
                form.add_error(None, error.message)
                for detail in error.errors:
                    form.add_error(None, detail)
            else:
                messages.success(request, _("Lent: loan %(ref)s.") % {"ref": loan.reference})
                return redirect(loan)
    return render(request, "loans/checkout.html", {"form": form, "terms": terms}, status=400 if form.errors else 200)


def _returns_for(codes: list[str]) -> tuple[list[forms.ReturnRow], list[str]]:
    """The open loan line of each scanned unit, in scan order, and the codes that are on no loan.

    A fixed number of queries whatever the number of codes (a scanning session can be long).
    A unit scanned twice counts once.
    """
    assets = resolve_codes(codes)
    lines = {
        line.asset_id: line
        for line in LoanLine.objects.filter(asset__in=[a for a in assets.values() if a], state=LoanLine.State.OPEN)
        .select_related("asset", "model__manufacturer", "model__category", "loan__borrower")
        .order_by("pk")
    }
    recondition: dict[int, bool] = {}
    rows, problems, seen = [], [], set()
    for code in codes:
        asset = assets.get(code)
        line = lines.get(asset.pk) if asset else None
        if line is None:
            if code not in problems:
                problems.append(code)
            continue
        if line.pk in seen:
            continue
        seen.add(line.pk)
        if line.model.category_id not in recondition:  # one policy lookup per category, not per unit
            recondition[line.model.category_id] = services.policy_for(line.model).always_recondition
        rows.append(forms.ReturnRow(line=line, always_recondition=recondition[line.model.category_id]))
    return rows, problems


def _check_in_page(request, *, scan, formset=None, errors=(), status=200):
    context = {"form": scan, "formset": formset, "errors": list(errors), "failed": status == 400}
    if formset is not None:
        context["codes"] = " ".join(scan.cleaned_data["codes"])
        context["site"] = scan.cleaned_data["site"]
    return render(request, "loans/checkin.html", context, status=status)


@role_required(*MANAGE_ROLES)
def loan_check_in(request):
    """Returns in two steps, no script needed: scan the units, then grade each one and confirm.

    Step 2 posts the scanned codes back with one row per unit; the codes are resolved
    again, so a unit returned by someone else in between, or a row that does not match
    the units scanned, is refused before anything is saved. One service call, one transaction.
    """
    if request.method != "POST":
        return _check_in_page(request, scan=forms.CheckInScanForm())
    scan = forms.CheckInScanForm(request.POST)
    if not scan.is_valid():
        return _check_in_page(request, scan=scan, status=400)
    rows, problems = _returns_for(scan.cleaned_data["codes"])
    if problems:
        scan.add_error("codes", _("Not out on any loan: %(codes)s") % {"codes": ", ".join(problems)})
        return _check_in_page(request, scan=scan, status=400)
    step = request.POST.get("step", "")
    if step == "edit":  # back to the scan, to add or remove units
        return _check_in_page(request, scan=scan)
    if step != "confirm":
        return _check_in_page(request, scan=scan, formset=forms.ReturnFormSet(rows=rows))
    formset = forms.ReturnFormSet(request.POST, rows=rows)
    if not formset.is_valid():
        return _check_in_page(request, scan=scan, formset=formset, status=400)
    items = [
        services.ReturnItem(
            line=row["line"].pk,
            condition=row["condition"],
            next_status=row["next_status"],
            notes=row["notes"],
            missing_parts=row["missing_parts"],
        )
        for row in formset.cleaned_data
    ]
    try:
        loans = services.loan_check_in(actor=request.user, site=scan.cleaned_data["site"], items=items)
    except InventoryError as error:
        return _check_in_page(request, scan=scan, formset=formset, errors=[error.message, *error.errors], status=400)
    messages.success(request, _("%(count)d unit(s) returned.") % {"count": len(items)})
    return redirect(loans[0]) if len(loans) == 1 else redirect("assets:loan-checkin")


@login_required
@require_GET
def receipt_download(request, pk: int):
    receipt = Receipt.objects.filter(pk=pk, loan__in=loans_for(request.user)).first()
    if receipt is None:
        raise Http404
    response = HttpResponse(bytes(receipt.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Deliveries board and recoveries -------------------------------------------------------------


def _day(request) -> date:
    """The day asked for, or today with a message when the date is not a real one (2026-13-45)."""
    raw = request.GET.get("date") or ""
    try:
        day = parse_date(raw[:10]) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if raw and day is None:
        messages.warning(request, _("“%(value)s” is not a date; showing today.") % {"value": raw[:40]})
    return day or timezone.localdate()


@role_required(*MANAGE_ROLES)
def board(request):
    day = _day(request)
    runs = list(
        DeliveryRun.objects.filter(date=day)
        .select_related("site", "assignee", "person", "request")
        .order_by("window_start", "pk")
    )
    counts = dict.fromkeys(DeliveryRun.Kind.values, 0)
    status_counts = dict.fromkeys(DeliveryRun.Status.values, 0)
    for run in runs:
        counts[run.kind] += 1
        status_counts[run.status] += 1
        # The status control offers where the run is now (preselected) and where it may go next.
        run.status_choices = [
            (value, label)
            for value, label in DeliveryRun.Status.choices
            if value == run.status or value in services.RUN_NEXT[run.status]
        ]
        run.can_move_back = any(services.run_moves_back(run.status, value) for value in services.RUN_NEXT[run.status])
    assignees = sorted({run.assignee for run in runs if run.assignee}, key=lambda user: user.pk)
    return render(
        request,
        "loans/board.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "runs": runs,
            "kind_counts": [(label, counts[value]) for value, label in DeliveryRun.Kind.choices],
            "status_counts": [(label, status_counts[value]) for value, label in DeliveryRun.Status.choices],
            "assignees": assignees,
        },
    )


@role_required(*MANAGE_ROLES)
def run_create(request):
    form = forms.RunForm(request.POST or None, initial={"date": _day(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.delivery_plan(
                actor=request.user,
                kind=data["kind"],
                day=data["date"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                site=data["site"],
                address=data["address"],
                assignee=data["assignee"],
                notes=data["notes"],
                idempotency_key=data["idempotency_key"],
            )
        except InventoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Planned."))
            return redirect(f"{_board_url()}?date={run.date.isoformat()}")
    return render(request, "loans/run_form.html", {"form": form}, status=400 if form.errors else 200)


def _board_url() -> str:
    from django.urls import reverse

    return reverse("assets:board")


@role_required(*MANAGE_ROLES)
@require_POST
def run_status(request, pk: int):
    run = DeliveryRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    form = forms.RunStatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] == run.status:
        messages.info(
            request, _("Nothing changed: the run is already “%(status)s”.") % {"status": run.get_status_display()}
        )
    elif form.is_valid():
        try:
            services.delivery_set_status(
                actor=request.user,
                run=run,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                move_back=form.cleaned_data["move_back"],
            )
        except InventoryError as error:
            _show_error(request, error)
    return redirect(f"{_board_url()}?date={run.date.isoformat()}")


@role_required(*MANAGE_ROLES)
@require_GET
def day_sheet(request):
    day = _day(request)
    runs = DeliveryRun.objects.filter(date=day).select_related("site", "person", "assignee")
    assignee_id = request.GET.get("assignee", "")
    label = _("Unassigned")
    if is_id(assignee_id):
        runs = runs.filter(assignee_id=int(assignee_id))
        user = get_user_model().objects.filter(pk=int(assignee_id)).first()
        label = (user.get_full_name() or user.email) if user else label
    else:
        runs = runs.filter(assignee__isnull=True)
    pdf = receipts.day_sheet_pdf(
        day=day, assignee_label=label, runs=list(runs.order_by("window_start", "pk")), language=request.LANGUAGE_CODE
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="day-sheet-{day.isoformat()}-{assignee_id or "none"}.pdf"'
    return response


@role_required(*MANAGE_ROLES)
def recovery_list(request):
    form = forms.RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recovery = services.recovery_start(
                actor=request.user,
                person=data["person"],
                reason=data["reason"],
                day=data["date"],
                address=data["address"],
            )
        except InventoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Recovery started for %(name)s.") % {"name": recovery.person})
            return redirect("assets:recoveries")
    recoveries = (
        Recovery.objects.filter(status=Recovery.Status.OPEN)
        .select_related("person")
        .annotate(open_lines=Count("person__loans__lines", filter=Q(person__loans__lines__state=LoanLine.State.OPEN)))
        .order_by("started_at", "pk")
    )
    page = page_of(request, recoveries)
    return render(request, "loans/recoveries.html", {"form": form, "page": page}, status=400 if form.errors else 200)
