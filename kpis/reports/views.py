"""Pages of the monthly report to the City (/kpis/reports/): managers and admins only."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from icity.roles import Role, role_required

from ..definitions.base import DOMAINS, Period
from . import services
from .build import DOMAIN_NAMES, month_name, sections_for, shown, status_label
from .models import REPORT_LANGUAGES, MonthlyReport

REPORT_ROLES = (Role.MANAGER, Role.ADMIN)
PAGE_SIZE = 24


class CommentForm(forms.Form):
    domain = forms.ChoiceField(choices=[(domain, domain) for domain in DOMAINS], widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _report(month: str) -> MonthlyReport:
    """The report of a "YYYY-MM" month, or 404 (the month is parsed, never trusted)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise Http404 from None
    report = MonthlyReport.objects.select_related("approved_by").filter(month=first).first()
    if report is None:
        raise Http404
    return report


@require_GET
@role_required(*REPORT_ROLES)
def report_list(request):
    reports = MonthlyReport.objects.select_related("approved_by").order_by("-month")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kpis/reports/list.html", {"page": page, "languages": REPORT_LANGUAGES})


@require_GET
@role_required(*REPORT_ROLES)
def report_detail(request, month: str):
    report = _report(month)
    comments = dict(report.comments.values_list("domain", "text"))
    sections = []
    for section in sections_for(report.month, comments):
        rows = [
            {
                "code": row.kpi.code,
                "name": row.kpi.name,
                "value": shown(row.value, row.kpi),
                "previous": shown(row.previous, row.kpi),
                "target": shown(row.target.target, row.kpi) if row.target else "—",
                "status": row.status,
                "status_label": status_label(row.status) or "—",
            }
            for row in section.rows
        ]
        sections.append(
            {"domain": section.domain, "name": DOMAIN_NAMES[section.domain], "rows": rows, "comment": section.comment}
        )
    files = {(row.kind, row.language): row for row in report.files.only("kind", "language", "built_at")}
    downloads = [
        {"kind": kind, "language": language, "built_at": files[(kind, language)].built_at}
        for language in REPORT_LANGUAGES
        for kind in ("pdf", "xlsx")
        if (kind, language) in files
    ]
    return render(
        request,
        "kpis/reports/detail.html",
        {"report": report, "month_name": month_name(report.month), "sections": sections, "downloads": downloads},
    )


@require_POST
@role_required(*REPORT_ROLES)
def report_comment(request, month: str):
    report = _report(month)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The comment was not saved: it is at most %(max)d characters.") % {"max": services.COMMENT_MAX}
        )
        return redirect(services.report_url(report))
    try:
        services.report_comment_save(
            user=request.user, report=report, domain=form.cleaned_data["domain"], text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(services.report_url(report))
    messages.success(request, _("Comment saved."))
    return redirect(services.report_url(report) + f"#domain-{form.cleaned_data['domain']}")


@require_POST
@role_required(*REPORT_ROLES)
def report_approve(request, month: str):
    report = _report(month)
    try:
        sent = services.report_approve(user=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(services.report_url(report))
    if sent:
        messages.success(request, _("Report approved and sent to the City."))
    else:
        messages.info(request, _("This report had already been approved and sent."))
    return redirect(services.report_url(report))


@require_POST
@role_required(*REPORT_ROLES)
def report_prepare(request):
    """Prepare (or rebuild) last month's draft now, without waiting for the 2nd business day."""
    last_month = Period.of(services._today()).previous().month
    report = services.report_prepare(month=last_month)
    if report.is_draft:
        messages.success(request, _("The draft for %(month)s is ready.") % {"month": month_name(last_month)})
    else:
        messages.info(request, _("The report for %(month)s was already sent.") % {"month": month_name(last_month)})
    return redirect(services.report_url(report))


@require_GET
@role_required(*REPORT_ROLES)
def report_download(request, month: str, kind: str, language: str):
    report = _report(month)
    row = services.report_file_current(report=report, kind=kind, language=language)
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.content), content_type=row.mimetype)
    response["Content-Disposition"] = f'attachment; filename="{row.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
