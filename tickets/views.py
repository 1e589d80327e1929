"""Staff portal (every employee) and agent workspace. Thin: look up, validate, call a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets.models import Asset
from icity.files import serve_file
from icity.models import User
from icity.roles import Role, has_role, role_required
from icity.text import is_id
from loans.models import LoanLine

from . import hooks, services
from .access import (
    agent_team_ids,
    can_manage,
    get_attachment_for_user,
    get_ticket_for_user,
    is_agent,
    queue_tickets,
    reads_as_staff,
    reads_queue,
    visible_tickets,
)
from .forms import (
    AssetTagForm,
    BulkForm,
    CommentForm,
    PreferenceForm,
    ReferenceForm,
    TicketOpenForm,
    TicketUpdateForm,
    TransitionForm,
    held_assets,
)
from .models import (
    OPEN_STATUSES,
    AgentPreference,
    Attachment,
    CannedResponse,
    Category,
    Comment,
    Status,
    Ticket,
)
from .queries import (
    COUNT_CAP,
    ORDERINGS,
    REFERENCE,
    QueueFilterForm,
    count_badge,
    filter_queue,
    queue_rows,
    saved_view_counts,
    saved_views,
)

PAGE_SIZE = 50
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'none'; script-src 'none'"


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# Home-page panels -----------------------------------------------------------


ASSET_SECTION_ROLES = (Role.AGENT, Role.LOGISTICS, Role.ADMIN)
ASSET_SECTION_LIMIT = 20


def asset_tickets_section(request, asset) -> dict:
    """The asset page's "Linked tickets" (registered in apps.py): helpdesk and logistics staff only.

    Requesters may see the page of a unit they hold, never other people's tickets about it.
    """
    if not has_role(request.user, *ASSET_SECTION_ROLES):
        return {"visible": False}
    tickets = (
        Ticket.objects.filter(linked_assets=asset)
        .select_related("requester")
        .only(
            "reference",
            "title",
            "status",
            "created_at",
            "requester__first_name",
            "requester__last_name",
            "requester__email",
        )
        .order_by("-created_at", "-pk")
    )
    return {
        "visible": True,
        "tickets": list(tickets[:ASSET_SECTION_LIMIT]),
        "links": is_agent(request.user),
    }


def requester_panel(request) -> dict:
    mine = Ticket.objects.filter(requester=request.user, status__in=[*OPEN_STATUSES, Status.RESOLVED])
    return {
        "open_count": mine.count(),
        "tickets": list(mine.order_by("-updated_at").only("reference", "title", "status", "updated_at")[:5]),
    }


def agent_panel(request) -> dict:
    counts = saved_view_counts(request.user)
    views = saved_views(request.user)
    return {
        "views": [
            (key, views[key][0], count_badge(counts.get(key, 0)))
            for key in ("mine", "unassigned", "breaching", "waiting")
        ]
    }


# Staff portal -----------------------------------------------------------------


@login_required
def my_tickets(request):
    tab = request.GET.get("tab", "open")
    if tab not in ("open", "closed", "watching"):
        tab = "open"
    if tab == "watching":
        tickets = request.user.watched_tickets.all()
    else:
        tickets = Ticket.objects.filter(requester=request.user)
        tickets = (
            tickets.filter(status__in=[*OPEN_STATUSES, Status.RESOLVED])
            if tab == "open"
            else tickets.exclude(status__in=[*OPEN_STATUSES, Status.RESOLVED])
        )
    query = request.GET.get("q", "").strip()[:200]
    if query:
        # Own tickets only and no comments: a requester's search never touches internal notes.
        tickets = tickets.filter(
            Q(reference__iexact=query) | Q(title__icontains=query) | Q(description__icontains=query)
        )
    paginator = Paginator(tickets.select_related("assignee", "team").order_by("-updated_at", "-pk"), PAGE_SIZE)
    # Count at most COUNT_CAP rows: someone holding thousands of tickets is not made to wait for the total.
    paginator.count = min(tickets.order_by()[: COUNT_CAP + 1].count(), COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "tickets/my_tickets.html", {"page": page, "tab": tab, "query": query})


def problem_report_url(asset: Asset) -> str:
    """The target of "Report a problem" next to a unit on the borrower's pages (see ``assets.hooks``).

    Built from the tag alone: the borrower's pages call it once per unit, without a query.
    """
    return f"{reverse('tickets:new')}?{urlencode({'asset': asset.tag})}"


def ticket_reference_url(reference: str) -> str:
    """Where a ticket reference written on a loan (a loss or theft) leads (see ``assets.hooks``)."""
    reference = reference.strip().upper()
    return reverse("tickets:detail", args=[reference]) if REFERENCE.match(reference) else ""


def _reported_asset(request) -> Asset | None:
    """``?asset=<tag or id>``: a unit the person holds, or None.

    Anything else (someone else's unit, a unit that does not exist) is ignored
    silently, so that the page never tells whether a tag or id exists.
    """
    value = request.GET.get("asset", "").strip()[:40]
    if not value:
        return None
    match = Q(tag=value.upper())
    if is_id(value):  # an id that fits a bigint
        match |= Q(pk=int(value))
    return held_assets(request.user).filter(match).first()


def _initial_for(asset: Asset | None, *, agent: bool) -> dict:
    if asset is None:
        return {}
    initial = {
        "asset": asset.tag if agent else asset.pk,  # agents get a tag field, requesters a choice
        "title": _("Problem with %(tag)s (%(model)s)") % {"tag": asset.tag, "model": asset.model.name},
    }
    category = Category.objects.filter(for_equipment=True, is_active=True).only("pk").first()
    if category is not None:
        initial["category"] = category.pk
    return initial


@login_required
def ticket_new(request):
    agent = is_agent(request.user)
    initial = _initial_for(_reported_asset(request), agent=agent) if request.method == "GET" else {}
    form = TicketOpenForm(request.POST or None, request.FILES or None, agent=agent, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_open(
                requester=data.get("requester_email") or request.user,
                opened_by=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                impact=data["impact"],
                urgency=data["urgency"],
                channel=data.get("channel") or "web",
                uploads=data["attachments"],
                assets=[data["asset"]] if data.get("asset") else [],
            )
        except ValidationError as error:
            field = "asset" if error.code == "asset" else None
            form.add_error("attachments" if error.code in ("too_large", "type", "empty", "image") else field, error)
        else:
            hooks.ticket_opened(request, ticket)
            messages.success(request, _("Ticket %(reference)s is registered.") % {"reference": ticket.reference})
            return redirect(ticket)
    categories = Category.objects.filter(is_active=True).order_by("name_fr")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "categories": categories, "sections": hooks.new_form_sections(request)}
    return render(request, "tickets/new.html", context, status=status)


def _conversation(ticket: Ticket, *, internal: bool):
    comments = Comment.objects.filter(ticket=ticket).select_related("author")
    attachments = Attachment.objects.only(
        "id", "comment_id", "original_name", "size", "thumbnail", "is_internal", "content_type"
    )
    if not internal:
        comments = comments.filter(is_internal=False)
        attachments = attachments.filter(is_internal=False)
    return list(comments.order_by("created_at", "pk").prefetch_related(Prefetch("attachments", queryset=attachments)))


@login_required
def ticket_detail(request, reference: str):
    ticket = get_ticket_for_user(request.user, reference)
    agent = is_agent(request.user)
    if ticket.status == Status.MERGED and ticket.merged_into_id and not agent:
        messages.info(
            request, _("This ticket was merged into %(reference)s.") % {"reference": ticket.merged_into.reference}
        )
    loose = ticket.attachments.filter(comment__isnull=True).order_by("created_at")
    if not reads_as_staff(request.user, ticket):
        loose = loose.filter(is_internal=False)
    context = {
        "ticket": ticket,
        "comments": _conversation(ticket, internal=reads_as_staff(request.user, ticket)),
        "loose_attachments": list(loose),
        "is_requester": ticket.requester_id == request.user.pk,
        "is_watching": ticket.watchers.filter(pk=request.user.pk).exists(),
        "now": timezone.now(),
    }
    if reads_as_staff(request.user, ticket):
        context["reader_only"] = not agent  # a support manager reading their team's ticket
        request.nav_current = reverse("tickets:queue")  # the menu marks the queue, not "My tickets"
        return render(request, "tickets/agent_detail.html", {**context, **_agent_context(request, ticket)})
    context["comment_form"] = CommentForm()
    context["linked_assets"] = list(ticket.linked_assets.select_related("model").order_by("tag"))
    return render(request, "tickets/detail.html", context)


def _agent_context(request, ticket: Ticket) -> dict:
    language = get_language() or "fr"
    canned = list(
        CannedResponse.objects.filter(Q(team__isnull=True) | Q(team_id=ticket.team_id), is_active=True).order_by(
            "title"
        )
    )
    for item in canned:
        item.rendered = item.render(ticket=ticket, agent=request.user, language=language)
    return {
        "manageable": can_manage(request.user, ticket),
        "comment_form": CommentForm(agent=True, canned=canned),
        "canned": canned,
        "transition_form": TransitionForm(current=ticket.status),
        "update_form": TicketUpdateForm(
            initial={
                "impact": ticket.impact,
                "urgency": ticket.urgency,
                "category": ticket.category_id,
                "team": ticket.team_id,
                "assignee": ticket.assignee_id,
            }
        ),
        "timeline": list(ticket.timeline.select_related("actor").order_by("-created_at", "-pk")[:100]),
        "other_tickets": list(
            Ticket.objects.filter(requester_id=ticket.requester_id)
            .exclude(pk=ticket.pk)
            .only("reference", "title", "status", "created_at")
            .order_by("-created_at")[:5]
        ),
        "related": list(ticket.related.only("reference", "title", "status").order_by("-pk")[:20]),
        "watchers": list(ticket.watchers.only("first_name", "last_name", "email")),
        "sla_state": ticket.sla_state(),
        "linked_assets": linked_assets(ticket),
        "sections": hooks.agent_sections(request, ticket),
    }


def linked_assets(ticket: Ticket) -> list:
    """The ticket's equipment with model, holder and current open loan: two queries whatever the count."""
    open_lines = LoanLine.objects.filter(state=LoanLine.State.OPEN).select_related("loan")
    assets = list(
        ticket.linked_assets.select_related("model", "holder")
        .prefetch_related(Prefetch("loan_lines", queryset=open_lines, to_attr="open_lines"))
        .order_by("tag")
    )
    for asset in assets:
        asset.open_loan = asset.open_lines[0].loan if asset.open_lines else None
    return assets


def _canned_text(request, ticket: Ticket, canned_id: str) -> str:
    if not canned_id or not is_id(canned_id):
        return ""
    item = CannedResponse.objects.filter(
        Q(team__isnull=True) | Q(team_id=ticket.team_id), pk=int(canned_id), is_active=True
    ).first()
    return item.render(ticket=ticket, agent=request.user, language=get_language() or "fr") if item else ""


@require_POST
@login_required
def ticket_comment(request, reference: str):
    ticket = get_ticket_for_user(request.user, reference)
    agent = is_agent(request.user) and request.user.pk != ticket.requester_id
    form = CommentForm(request.POST, request.FILES, agent=agent, canned=CannedResponse.objects.filter(is_active=True))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(ticket)
    data = form.cleaned_data
    body = data.get("body", "")
    if agent and data.get("canned") and not body.strip():
        body = _canned_text(request, ticket, data["canned"])
    try:
        comment = services.comment_add(
            ticket=ticket,
            author=request.user,
            body=body,
            internal=bool(data.get("internal")),
            time_spent_minutes=data.get("time_spent") or 0,
            uploads=data["attachments"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(ticket)
    if comment.ticket.pk != ticket.pk:
        messages.success(
            request,
            _("Ticket %(old)s was closed, so we opened %(new)s with your message.")
            % {"old": ticket.reference, "new": comment.ticket.reference},
        )
        return redirect(comment.ticket)
    messages.success(request, _("Your message was added."))
    return redirect(ticket)


@require_POST
@login_required
def ticket_transition(request, reference: str):
    ticket = get_ticket_for_user(request.user, reference)
    to_status = request.POST.get("status", "")
    if to_status not in Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(ticket)
    try:
        services.ticket_transition(
            ticket=ticket, actor=request.user, to_status=to_status, note=request.POST.get("note", "")[:20000]
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {"status": Status(to_status).label})
    return redirect(ticket)


@require_POST
@login_required
def ticket_watch(request, reference: str):
    ticket = get_ticket_for_user(request.user, reference)
    watching = request.POST.get("watch") == "1"
    email = request.POST.get("email", "").strip().lower()[:254]
    person = request.user
    if email and is_agent(request.user):
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            messages.error(request, _("No active account has this email address."))
            return redirect(ticket)
    if not watching or is_agent(request.user):
        try:
            services.ticket_watch(ticket=ticket, actor=request.user, user=person, watching=watching)
        except ValidationError as error:
            messages.error(request, _errors(error))
    return redirect(ticket)


@login_required
def attachment_download(request, attachment_id: int):
    attachment = get_attachment_for_user(request.user, attachment_id)
    response = serve_file(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    return _harden(response)


@login_required
def attachment_thumbnail(request, attachment_id: int):
    attachment = get_attachment_for_user(request.user, attachment_id)
    if not attachment.thumbnail:
        raise Http404
    # Pixels Pillow re-encoded at upload, never the uploaded bytes.
    return _harden(
        serve_file(attachment.thumbnail, filename="thumbnail.png", content_type="image/png", as_attachment=False)
    )


def _harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-store"
    response._csp_exempt = True
    return response


# Agent workspace ----------------------------------------------------------------


@login_required
def queue(request):
    """The agent queue; a support manager reads the same page for the teams they lead."""
    if not reads_queue(request.user):
        raise PermissionDenied
    agent = is_agent(request.user)
    form = QueueFilterForm(request.GET or None, user=request.user)
    data = form.valid_data() if request.GET else {}
    base = queue_tickets(request.user)
    tickets = filter_queue(base, data, request.user)
    view = data.get("view") or "open"
    views = saved_views(request.user)
    counts = saved_view_counts(request.user, base=None if agent else base)
    paginator = Paginator(queue_rows(tickets), PAGE_SIZE)
    capped = False
    if view in counts and not any(value for key, value in data.items() if key not in ("view", "sort")):
        # A plain saved view: its (bounded) count is already known.
        paginator.count = min(counts[view], COUNT_CAP)
        capped = counts[view] > COUNT_CAP
    else:
        # Filtered or searched: count at most COUNT_CAP rows; beyond that, refine the filters.
        counted = tickets.order_by()[: COUNT_CAP + 1].count()
        paginator.count = min(counted, COUNT_CAP)
        capped = counted > COUNT_CAP
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = request.GET.copy()
    sort_params.pop("sort", None)
    sort_params.pop("page", None)
    now = timezone.now()
    rows = [(ticket, ticket.sla_state(now)) for ticket in page.object_list]
    return render(
        request,
        "tickets/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "view": view,
            "views": [
                (key, label, count_badge(counts.get(key)))
                for key, (label, _q) in views.items()
                # A support manager is not assigned tickets nor a member of the teams they lead.
                if agent or key not in ("mine", "unassigned")
            ],
            "query_string": params.urlencode(),
            "sort_query": sort_params.urlencode(),
            "sort": data.get("sort") or "priority",
            "bulk_form": BulkForm() if agent else None,
            "orderings": ORDERINGS,
            "capped": capped,
            "reader_only": not agent,
        },
    )


@require_POST
@role_required(Role.AGENT)
def queue_bulk(request):
    form = BulkForm(request.POST)
    back_query = request.POST.get("back", "")
    back = reverse("tickets:queue") + ("?" + back_query if back_query and back_query.isascii() else "")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    done, refused = services.ticket_bulk_update(
        actor=request.user,
        ticket_ids=form.cleaned_data["tickets"],
        action=form.cleaned_data["action"],
        value=form.value(),
    )
    if done:
        messages.success(request, _("Changed: %(list)s.") % {"list": ", ".join(done)})
    if refused:
        messages.error(
            request, _("Not changed (not allowed or not possible): %(list)s.") % {"list": ", ".join(refused)}
        )
    return redirect(back)


def _managed_ticket(request, reference: str) -> Ticket:
    ticket = get_ticket_for_user(request.user, reference)
    if not can_manage(request.user, ticket):
        raise Http404
    return ticket


@require_POST
@role_required(Role.AGENT)
def ticket_update(request, reference: str):
    ticket = _managed_ticket(request, reference)
    form = TicketUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(ticket)
    data = form.cleaned_data
    try:
        if (data["impact"], data["urgency"]) != (ticket.impact, ticket.urgency):
            ticket = services.ticket_set_priority(
                ticket=ticket, actor=request.user, impact=data["impact"], urgency=data["urgency"]
            )
        if data["category"] != ticket.category:
            ticket = services.ticket_set_category(ticket=ticket, actor=request.user, category=data["category"])
        if data["assignee"] != ticket.assignee:
            ticket = services.ticket_assign(ticket=ticket, actor=request.user, assignee=data["assignee"])
        if data["team"] != ticket.team:
            ticket = services.ticket_set_team(ticket=ticket, actor=request.user, team=data["team"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Ticket updated."))
    return redirect(ticket)


@require_POST
@role_required(Role.AGENT)
def ticket_take(request, reference: str):
    ticket = _managed_ticket(request, reference)
    try:
        services.ticket_assign(ticket=ticket, actor=request.user, assignee=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(ticket)


@require_POST
@role_required(Role.AGENT)
def ticket_merge(request, reference: str):
    ticket = _managed_ticket(request, reference)
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a reference like HD-2026-000123."))
        return redirect(ticket)
    target = get_object_or_404(visible_tickets(request.user), reference=form.cleaned_data["reference"])
    try:
        services.ticket_merge(source=ticket, target=target, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(ticket)
    messages.success(request, _("Merged into %(reference)s.") % {"reference": target.reference})
    return redirect(target)


@require_POST
@role_required(Role.AGENT)
def ticket_link(request, reference: str):
    ticket = _managed_ticket(request, reference)
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a reference like HD-2026-000123."))
        return redirect(ticket)
    other = get_object_or_404(visible_tickets(request.user), reference=form.cleaned_data["reference"])
    try:
        services.ticket_link(ticket=ticket, actor=request.user, other=other)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(ticket)


@require_POST
@role_required(Role.AGENT)
def ticket_asset(request, reference: str):
    """Link (scan a tag) or unlink (``unlink=1``) one unit of equipment."""
    ticket = _managed_ticket(request, reference)
    form = AssetTagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an asset tag like IC-000123."))
        return redirect(ticket)
    asset = Asset.objects.filter(tag=form.cleaned_data["tag"]).first()
    if asset is None:
        messages.error(request, _("No equipment has the tag %(tag)s.") % {"tag": form.cleaned_data["tag"]})
        return redirect(ticket)
    try:
        if request.POST.get("unlink") == "1":
            services.ticket_unlink_asset(ticket=ticket, actor=request.user, asset=asset)
            messages.success(request, _("%(tag)s is no longer linked.") % {"tag": asset.tag})
        else:
            services.ticket_link_asset(ticket=ticket, actor=request.user, asset=asset)
            messages.success(request, _("%(tag)s is linked to this ticket.") % {"tag": asset.tag})
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(ticket)


@role_required(Role.AGENT)
def preferences(request):
    preference = AgentPreference.objects.filter(user=request.user).first()
    muted = preference.muted if preference else []
    initial = {
        "notifications": [
            kind for kind, _label in PreferenceForm.base_fields["notifications"].choices if kind not in muted
        ],
        "available": preference.available if preference else True,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["notifications"])
        all_kinds = [kind for kind, _label in form.fields["notifications"].choices]
        services.preference_update(
            user=request.user,
            muted=[kind for kind in all_kinds if kind not in wanted],
            available=form.cleaned_data["available"],
        )
        messages.success(request, _("Your preferences are saved."))
        return redirect("tickets:preferences")
    return render(request, "tickets/preferences.html", {"form": form, "team_count": len(agent_team_ids(request.user))})
