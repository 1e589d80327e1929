import mimetypes
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Upper
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icity.files import serve_file
from icity.lists import PAGE_SIZE, page_of, query_without_page
from icity.roles import role_required
from icity.text import is_id

from . import exports, imports, labels, services
from .access import (
    MANAGE_ROLES,
    READ_ROLES,
    assets_for,
    can_manage_inventory,
    can_read_inventory,
    get_asset_for_user,
    search_filter,
)
from .forms import (
    SORTS,
    AssetCreateForm,
    AssetDetailsForm,
    AssetFilterForm,
    BulkChangeForm,
    ImportMappingForm,
    ImportUploadForm,
    MinimumForm,
    MoveForm,
    ScanForm,
    StatusChangeForm,
    StockFilterForm,
    StockMoveForm,
    StocktakeStartForm,
)
from .hooks import asset_sections
from .models import Asset, AssetEvent, AssetStatus, ImportBatch, ProductModel, StockLevel, StockMovement, Stocktake

SMALL_RESULT = 5000
HISTORY_LIMIT = 100
LIST_RELATED = ("model__manufacturer", "model__category", "site", "holder")


# --- Home-page panels -----------------------------------------------------------------------------


def requester_panel(request) -> dict:
    held = list(Asset.objects.filter(holder=request.user).select_related("model__manufacturer").order_by("tag")[:5])
    return {"held_assets": held}


def logistics_panel(request) -> dict:
    low = StockLevel.objects.filter(quantity__lt=F("minimum")).count()
    counts = dict(Asset.objects.values_list("status").annotate(n=Count("pk")).order_by())
    today = timezone.localdate()
    warranty = Asset.objects.filter(
        warranty_end__gte=today, warranty_end__lte=today + timedelta(days=services.WARRANTY_WINDOW_DAYS)
    ).count()
    open_stocktakes = Stocktake.objects.filter(status=Stocktake.Status.OPEN).count()
    return {
        "low_stock_count": low,
        "in_stock_count": counts.get(AssetStatus.IN_STOCK, 0),
        "on_loan_count": counts.get(AssetStatus.ON_LOAN, 0),
        "repair_count": counts.get(AssetStatus.IN_REPAIR, 0) + counts.get(AssetStatus.RECONDITIONING, 0),
        "warranty_count": warranty,
        "open_stocktakes": open_stocktakes,
    }


# --- My equipment ----------------------------------------------------------------------------------


@login_required
def my_equipment(request):
    held = (
        Asset.objects.filter(holder=request.user)
        .select_related("model__manufacturer", "model__category")
        .order_by("model__category__code", "tag")
    )
    return render(request, "assets/my_equipment.html", {"assets": held})


@role_required(*MANAGE_ROLES)
def logistics(request):
    return render(request, "assets/logistics.html", {"view": logistics_panel(request)})


# --- Asset list, export, bulk change ---------------------------------------------------------------


def filtered_assets(request) -> tuple[AssetFilterForm, QuerySet[Asset]]:
    form = AssetFilterForm(request.GET or None)
    queryset = assets_for(request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(search_filter(data["q"]))
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        for name in ("model", "site"):
            if data[name]:
                queryset = queryset.filter(**{f"{name}_id": data[name]})
        if data["category"]:
            queryset = queryset.filter(model__category_id=data["category"])
        if data["holder"]:
            queryset = queryset.filter(holder__email__iexact=data["holder"].strip())
        if data["procurement"]:
            queryset = queryset.filter(procurement_contract__iexact=data["procurement"].strip())
        if data["warranty"]:
            today = timezone.localdate()
            if data["warranty"] == "expired":
                queryset = queryset.filter(warranty_end__lt=today)
            else:
                queryset = queryset.filter(
                    warranty_end__gte=today, warranty_end__lte=today + timedelta(days=int(data["warranty"]))
                )
        order = SORTS.get(data["sort"] or "tag", SORTS["tag"])
    else:
        order = SORTS["tag"]
    return form, queryset.order_by(*order)


@role_required(*READ_ROLES)
def asset_list(request):
    form, queryset = filtered_assets(request)
    # Page through ids only (an index scan, cheap even at a deep offset), then load those 50 rows
    # with their model, site and holder in one query.
    ids = queryset.values_list("pk", flat=True)
    paginator = Paginator(ids, PAGE_SIZE)
    if form.is_bound and form.is_valid() and form.cleaned_data["q"] and paginator.count <= SMALL_RESULT:
        # A search that matches few rows: sorting them beats walking the whole tag index in
        # order until 50 matches turn up, which PostgreSQL picks for, say, one holder's units.
        # Tags are stored upper-case, so Upper(tag) sorts the same but keeps the index out.
        tag_order = {"tag": Upper("tag"), "-tag": Upper("tag").desc()}.get(form.cleaned_data["sort"] or "tag")
        if tag_order is not None:
            paginator.object_list = ids.order_by(tag_order, "pk")
    page = paginator.get_page(request.GET.get("page"))
    rows = Asset.objects.select_related(*LIST_RELATED).in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return render(
        request,
        "assets/asset_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_manage": can_manage_inventory(request.user),
            "bulk_form": BulkChangeForm(),
            "layouts": labels.LAYOUTS.values(),
            # One reverse() for the page, not one per row.
            "detail_prefix": reverse("assets:detail", args=["-"])[:-2],
        },
    )


@role_required(*MANAGE_ROLES)
@require_POST
def asset_bulk_change(request):
    form = BulkChangeForm(request.POST)
    ids = [int(value) for value in request.POST.getlist("asset") if is_id(value)]
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("assets:list")
    if not ids:
        messages.error(request, _("Select at least one asset."))
        return redirect(back)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        count = services.asset_bulk_change(
            actor=request.user,
            asset_ids=ids,
            status=data["status"],
            site=data["site"],
            location=data["location"] if data["site"] else None,
            note=data["note"],
        )
    except services.InventoryError as error:
        messages.error(request, error.message)
        for detail in error.errors[:20]:
            messages.error(request, detail)
        return redirect(back)
    messages.success(request, _("%(count)d asset(s) changed.") % {"count": count})
    return redirect(back)


@role_required(*READ_ROLES)
@require_GET
def asset_export(request):
    _form, queryset = filtered_assets(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "xlsx":
        response = StreamingHttpResponse(
            exports.stream_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="assets-{stamp}.xlsx"'
        return response
    response = StreamingHttpResponse(exports.stream_csv(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assets-{stamp}.csv"'
    return response


@role_required(*READ_ROLES)
def asset_labels(request):
    """A PDF of labels: one asset (?tag=), the ticked rows of a list, or a whole filtered list (max 2,000)."""
    source = request.POST if request.method == "POST" else request.GET
    queryset = assets_for(request.user).select_related("model__manufacturer")
    ids = [int(value) for value in source.getlist("asset") if is_id(value)]
    tags = [tag for tag in source.getlist("tag") if tag]
    if ids:
        queryset = queryset.filter(pk__in=ids).order_by("tag")
    elif tags:
        queryset = queryset.filter(tag__in=tags).order_by("tag")
    else:
        _form, queryset = filtered_assets(request)
        queryset = queryset.select_related("model__manufacturer")
    assets = list(queryset[:2000])
    if not assets:
        raise Http404
    pdf = labels.render_labels(assets, layout_key=source.get("layout", labels.DEFAULT_LAYOUT))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="asset-labels.pdf"'
    return response


@login_required
def model_photo(request, pk: int):
    """A catalogue photo, as a download (never served inline from the media folder)."""
    model = get_object_or_404(ProductModel, pk=pk)
    if not model.photo:
        raise Http404
    name = model.photo.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return serve_file(model.photo, filename=name, content_type=content_type)


# --- One asset -------------------------------------------------------------------------------------


@login_required
def asset_detail(request, tag: str):
    asset = get_asset_for_user(request.user, tag=tag)
    events_query = AssetEvent.objects.filter(asset=asset).select_related("actor").order_by("-at", "-id")
    show_all = request.GET.get("history") == "all"
    events = list(events_query if show_all else events_query[: HISTORY_LIMIT + 1])
    more = not show_all and len(events) > HISTORY_LIMIT
    can_manage = can_manage_inventory(request.user)
    sections = []
    for section in asset_sections():
        sections.append({"template": section.template, **section.context(request, asset)})
    context = {
        "asset": asset,
        "events": events[:HISTORY_LIMIT] if more else events,
        "more_history": more,
        "can_manage": can_manage,
        "can_read_inventory": can_read_inventory(request.user),
        "sections": sections,
        "qr_url": labels.asset_url(asset),
    }
    if can_manage:
        context["status_form"] = StatusChangeForm(asset=asset, prefix="status")
        context["move_form"] = MoveForm(prefix="move", initial={"site": asset.site_id, "location": asset.location})
    return render(request, "assets/asset_detail.html", context)


@role_required(*MANAGE_ROLES)
@require_POST
def asset_status(request, tag: str):
    asset = get_asset_for_user(request.user, tag=tag)
    form = StatusChangeForm(request.POST, asset=asset, prefix="status")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.asset_change_status(
                actor=request.user,
                asset=asset,
                status=data["status"],
                holder=data["holder"],
                site=data["site"],
                note=data["note"],
            )
        except services.InventoryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Status changed."))
            return redirect(asset)
    return render(
        request, "assets/asset_action.html", {"asset": asset, "form": form, "title": _("Change status")}, status=400
    )


@role_required(*MANAGE_ROLES)
@require_POST
def asset_move(request, tag: str):
    asset = get_asset_for_user(request.user, tag=tag)
    form = MoveForm(request.POST, prefix="move")
    if form.is_valid():
        data = form.cleaned_data
        services.asset_move(
            actor=request.user, asset=asset, site=data["site"], location=data["location"], note=data["note"]
        )
        messages.success(request, _("Location changed."))
        return redirect(asset)
    return render(request, "assets/asset_action.html", {"asset": asset, "form": form, "title": _("Move")}, status=400)


@role_required(*MANAGE_ROLES)
def asset_edit(request, tag: str):
    asset = get_asset_for_user(request.user, tag=tag)
    form = AssetDetailsForm(request.POST or None, instance=Asset.objects.get(pk=asset.pk))
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.asset_update_details(actor=request.user, asset=asset, changes=changes)
            except services.InventoryError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Details saved."))
                return redirect(asset)
        status = 400
    else:
        status = 200
    return render(
        request, "assets/asset_action.html", {"asset": asset, "form": form, "title": _("Edit details")}, status=status
    )


@role_required(*MANAGE_ROLES)
def asset_create(request):
    form = AssetCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                asset = services.asset_create(actor=request.user, **data)
            except services.InventoryError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Asset %(tag)s registered.") % {"tag": asset.tag})
                return redirect(asset)
        return render(request, "assets/asset_create.html", {"form": form}, status=400)
    return render(request, "assets/asset_create.html", {"form": form})


@role_required(*READ_ROLES)
def scan(request):
    """A USB scanner types the code and Enter into the field; the camera script fills it the same way."""
    form = ScanForm(request.GET or None)
    not_found = None
    if form.is_bound and form.is_valid():
        asset = services.resolve_code(form.cleaned_data["code"])
        if asset is not None:
            return redirect(asset)
        not_found = form.cleaned_data["code"]
    return render(request, "assets/scan.html", {"form": form, "not_found": not_found}, status=404 if not_found else 200)


# --- Stock -----------------------------------------------------------------------------------------


@role_required(*READ_ROLES)
def stock_list(request):
    form = StockFilterForm(request.GET or None)
    levels = StockLevel.objects.select_related("model__manufacturer", "model__category", "site")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["site"]:
            levels = levels.filter(site=form.cleaned_data["site"])
        if form.cleaned_data["category"]:
            levels = levels.filter(model__category=form.cleaned_data["category"])
        if form.cleaned_data["low"]:
            levels = levels.filter(quantity__lt=F("minimum"))
    levels = levels.order_by("model__category__code", "model__name", "site__code")
    page = page_of(request, levels)
    return render(
        request,
        "assets/stock_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_manage": can_manage_inventory(request.user),
        },
    )


@role_required(*MANAGE_ROLES)
def stock_move(request):
    form = StockMoveForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.stock_move(
                    actor=request.user,
                    model=data["model"],
                    site=data["site"],
                    kind=data["kind"],
                    quantity=data["quantity"],
                    reason=data["reason"],
                    to_site=data["to_site"],
                )
            except services.InventoryError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Movement recorded."))
                return redirect("assets:stock")
        return render(request, "assets/stock_move.html", {"form": form}, status=400)
    return render(request, "assets/stock_move.html", {"form": form})


@role_required(*READ_ROLES)
def stock_level(request, pk: int):
    level = get_object_or_404(StockLevel.objects.select_related("model__manufacturer", "site"), pk=pk)
    movements = StockMovement.objects.filter(level=level).select_related("actor", "other_site").order_by("-at", "-id")
    page = page_of(request, movements)
    can_manage = can_manage_inventory(request.user)
    form = MinimumForm(request.POST or None, initial={"minimum": level.minimum}) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            services.stock_set_minimum(
                actor=request.user, model=level.model, site=level.site, minimum=form.cleaned_data["minimum"]
            )
            messages.success(request, _("Minimum level saved."))
            return redirect("assets:stock-level", pk=level.pk)
    return render(
        request, "assets/stock_level.html", {"level": level, "page": page, "form": form, "can_manage": can_manage}
    )


# --- Stocktake -------------------------------------------------------------------------------------


@role_required(*MANAGE_ROLES)
def stocktake_list(request):
    form = StocktakeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stocktake = services.stocktake_start(actor=request.user, site=form.cleaned_data["site"])
        except services.InventoryError as error:
            form.add_error(None, error.message)
        else:
            return redirect("assets:stocktake", pk=stocktake.pk)
    stocktakes = (
        Stocktake.objects.select_related("site", "started_by")
        .annotate(scan_count=Count("scans"))
        .order_by("-started_at")
    )
    page = page_of(request, stocktakes)
    return render(
        request, "assets/stocktake_list.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@role_required(*MANAGE_ROLES)
def stocktake_detail(request, pk: int):
    stocktake = get_object_or_404(Stocktake.objects.select_related("site", "started_by", "closed_by"), pk=pk)
    form = ScanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scan = services.stocktake_scan(actor=request.user, stocktake=stocktake, code=form.cleaned_data["code"])
            except services.InventoryError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                if scan.asset_id is None:
                    messages.warning(request, _("Unknown code %(code)s recorded.") % {"code": scan.code})
                else:
                    messages.success(request, _("%(tag)s scanned.") % {"tag": scan.code})
                return redirect("assets:stocktake", pk=stocktake.pk)
        else:
            status = 400
    result = services.stocktake_result(stocktake)
    return render(
        request,
        "assets/stocktake_detail.html",
        {"stocktake": stocktake, "form": ScanForm() if status == 200 else form, "result": result},
        status=status,
    )


@role_required(*MANAGE_ROLES)
@require_POST
def stocktake_confirm(request, pk: int):
    stocktake = get_object_or_404(Stocktake, pk=pk)
    try:
        if request.POST.get("action") == "cancel":
            services.stocktake_cancel(actor=request.user, stocktake=stocktake)
            messages.success(request, _("Stocktake cancelled."))
        else:
            services.stocktake_confirm(
                actor=request.user,
                stocktake=stocktake,
                missing_ids=[int(value) for value in request.POST.getlist("missing") if is_id(value)],
                unexpected_ids=[int(value) for value in request.POST.getlist("unexpected") if is_id(value)],
            )
            messages.success(request, _("Stocktake confirmed; the adjustments are in each asset's history."))
    except services.InventoryError as error:
        messages.error(request, error.message)
    return redirect("assets:stocktake", pk=stocktake.pk)


# --- Import ----------------------------------------------------------------------------------------


@role_required(*MANAGE_ROLES)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                headers, _rows = imports.read_table(data)
            except imports.ImportFileError as error:
                form.add_error("file", error.message)
            else:
                upload.seek(0)
                batch = ImportBatch.objects.create(
                    kind=form.cleaned_data["kind"],
                    file=upload,
                    original_name=upload.name[:255],
                    headers=headers,
                    mapping=imports.guess_mapping(form.cleaned_data["kind"], headers),
                    created_by=request.user,
                )
                return redirect("assets:import", pk=batch.pk)
        return render(request, "assets/import_upload.html", {"form": form, "batches": _recent_imports()}, status=400)
    return render(request, "assets/import_upload.html", {"form": form, "batches": _recent_imports()})


def _recent_imports():
    return ImportBatch.objects.select_related("created_by").order_by("-created_at")[:20]


@role_required(*MANAGE_ROLES)
def import_detail(request, pk: int):
    batch = get_object_or_404(ImportBatch, pk=pk)
    targets = imports.targets_for(batch.kind)
    form = ImportMappingForm(
        request.POST or None, targets=targets, headers=batch.headers, initial_mapping=batch.mapping
    )
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "apply":
                imports.import_apply(actor=request.user, batch=batch)
                messages.success(request, _("Import applied."))
                return redirect("assets:import", pk=batch.pk)
            if form.is_valid():
                imports.import_dry_run(batch=batch, mapping=form.mapping())
                return redirect("assets:import", pk=batch.pk)
            status = 400
        except services.InventoryError as error:
            messages.error(request, error.message)
            status = 400
        except imports.ImportFileError as error:
            messages.error(request, error.message)
            status = 400
        batch.refresh_from_db()
    return render(request, "assets/import_detail.html", {"batch": batch, "form": form}, status=status)
