"""Agents write, review and publish articles; the knowledge panel on the agent's ticket page."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from icity.roles import Role, role_required
from tickets.access import get_ticket_for_user
from tickets.models import Status

from . import services
from .access import is_agent
from .forms import ArticleMetaForm, ArticleNewForm, FileForm, ManageFilterForm, TransitionForm, TranslationForm
from .models import LANGUAGES, Article, LinkSource, TicketArticle, Translation, Version, Vote
from .search import search
from .views import PAGE_SIZE, shown, with_translations


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@role_required(Role.AGENT)
def manage_list(request):
    form = ManageFilterForm(request.GET or None)
    articles = Article.objects.all()
    if form.is_valid():
        if form.cleaned_data["status"]:
            articles = articles.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            articles = articles.filter(translations__title__icontains=form.cleaned_data["q"]).distinct()
    articles = with_translations(articles.select_related("owner").order_by("-updated_at", "-pk"))
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = shown(page.object_list)
    return render(request, "knowledge/manage_list.html", {"page": page, "form": form})


@role_required(Role.AGENT)
def article_new(request):
    form = ArticleNewForm(request.POST or None, initial={"language": get_language() or "fr"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                author=request.user,
                language=data["language"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                category=data["category"],
                audience=data["audience"],
                tags=data["tags"],
                review_by=data["review_by"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("knowledge:edit", article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/article_new.html", {"form": form}, status=status)


def _stats(article: Article) -> dict:
    votes = Vote.objects.filter(version__translation__article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    links = list(
        TicketArticle.objects.filter(article=article)
        .select_related("ticket")
        .only("source", "created_at", "ticket__reference", "ticket__title", "ticket__status")
        .order_by("-created_at")[:20]
    )
    return {"views": article.view_count, **votes, "links": links, "link_count": article.ticket_links.count()}


@role_required(Role.AGENT)
def article_edit(request, article_id: int):
    article = get_object_or_404(Article.objects.select_related("owner", "published_by", "category"), pk=article_id)
    translations = {item.language: item for item in article.translations.all()}
    language = request.GET.get("lang") or request.POST.get("language") or next(iter(translations), "fr")
    if language not in LANGUAGES:
        language = "fr"
    current = translations.get(language)
    meta_form = ArticleMetaForm(
        initial={
            "category": article.category_id,
            "audience": article.audience,
            "tags": ", ".join(tag.name for tag in article.tags.all()),
            "review_by": article.review_by,
        },
        prefix="meta",
    )
    text_initial = {"language": language}
    if current is not None:
        text_initial |= {"title": current.title, "summary": current.summary, "body": current.body}
    text_form = TranslationForm(request.POST or None, initial=text_initial)
    if request.method == "POST" and "meta-audience" in request.POST:
        meta_form = ArticleMetaForm(request.POST, prefix="meta")
        text_form = TranslationForm(initial=text_initial)
        if meta_form.is_valid():
            data = meta_form.cleaned_data
            services.article_update(
                article=article,
                actor=request.user,
                category=data["category"],
                audience=data["audience"],
                tags=data["tags"],
                review_by=data["review_by"],
            )
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('knowledge:edit', args=[article.pk])}?lang={language}")
    elif request.method == "POST" and text_form.is_valid():
        data = text_form.cleaned_data
        try:
            services.translation_save(
                article=article,
                language=data["language"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                author=request.user,
            )
        except ValidationError as error:
            text_form.add_error(None, error)
        else:
            messages.success(request, _("Saved as a new version."))
            return redirect(f"{reverse('knowledge:edit', args=[article.pk])}?lang={data['language']}")
    context = {
        "article": article,
        "translations": translations,
        "language": language,
        "current": current,
        "meta_form": meta_form,
        "text_form": text_form,
        "file_form": FileForm(),
        "files": list(article.files.order_by("created_at")),
        "stats": _stats(article),
        "can_publish": article.owner_id != request.user.pk,
        "kb_languages": LANGUAGES,
    }
    return render(request, "knowledge/article_edit.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@role_required(Role.AGENT)
def article_status(request, article_id: int):
    article = get_object_or_404(Article, pk=article_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown state."))
        return redirect("knowledge:edit", article.pk)
    try:
        article = services.article_transition(article=article, actor=request.user, to=form.cleaned_data["to"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("The article is now: %(status)s.") % {"status": article.get_status_display()})
    return redirect("knowledge:edit", article.pk)


@require_POST
@role_required(Role.AGENT)
def article_file(request, article_id: int):
    article = get_object_or_404(Article, pk=article_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.article_file_add(
                article=article, uploaded_by=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": item.original_name})
    else:
        messages.error(request, _("Choose a file."))
    return redirect("knowledge:edit", article.pk)


@role_required(Role.AGENT)
def history(request, article_id: int):
    article = get_object_or_404(Article, pk=article_id)
    versions = (
        Version.objects.filter(translation__article=article)
        .select_related("author", "translation")
        .only("number", "title", "created_at", "translation__language", "author__first_name", "author__last_name")
        .order_by("translation__language", "-number")
    )
    page = Paginator(versions, 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/history.html", {"article": article, "page": page})


@role_required(Role.AGENT)
def version_diff(request, version_id: int):
    version = get_object_or_404(Version.objects.select_related("translation__article", "author"), pk=version_id)
    previous = (
        Version.objects.filter(translation=version.translation, number__lt=version.number).order_by("-number").first()
    )
    before = previous.body.splitlines() if previous else []
    lines = []
    for line in difflib.unified_diff(before, version.body.splitlines(), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        kind = "add" if line.startswith("+") else "del" if line.startswith("-") else "hunk" if line[:2] == "@@" else ""
        lines.append((kind, line))
    context = {
        "version": version,
        "previous": previous,
        "article": version.translation.article,
        "title_changed": previous is not None and previous.title != version.title,
        "lines": lines,
    }
    return render(request, "knowledge/diff.html", context)


@require_POST
@role_required(Role.AGENT)
def version_restore(request, version_id: int):
    version = get_object_or_404(Version.objects.select_related("translation__article"), pk=version_id)
    try:
        services.version_restore(version=version, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Version %(number)s is restored as a new version.") % {"number": version.number})
    article = version.translation.article
    return redirect(f"{reverse('knowledge:edit', args=[article.pk])}?lang={version.translation.language}")


# The panel on the agent's ticket page -----------------------------------------------------------


def agent_panel(request, ticket) -> dict:
    """Registered with tickets.hooks: the articles linked to the ticket and the knowledge actions."""
    if not is_agent(request.user):
        return {"visible": False}
    links = (
        TicketArticle.objects.filter(ticket=ticket)
        .select_related("article")
        .order_by("source", "created_at")
        .only("source", "article_id", "article__status")
    )
    links = list(links)
    articles = {
        article.pk: article
        for article in shown(with_translations(Article.objects.filter(pk__in={link.article_id for link in links})))
    }
    rows = [(link, articles[link.article_id]) for link in links if link.article_id in articles]
    query = request.GET.get("kb", "").strip()[:200]
    return {
        "visible": True,
        "ticket": ticket,
        "seen": [(link, article) for link, article in rows if link.source == LinkSource.SUGGESTION],
        "other_links": [(link, article) for link, article in rows if link.source != LinkSource.SUGGESTION],
        "kb_query": query,
        "kb_hits": search(request.user, query, limit=5, snippets=False) if query else [],
        "can_draft": ticket.status in (Status.RESOLVED, Status.CLOSED),
    }


@require_POST
@role_required(Role.AGENT)
def reply_link(request, reference: str):
    """Record the article on the ticket and give the reply text in the requester's language."""
    ticket = get_ticket_for_user(request.user, reference)
    article_id = request.POST.get("article", "")
    if not article_id.isdigit():
        raise Http404
    from .access import published_for

    article = get_object_or_404(published_for(request.user), pk=int(article_id))
    text = services.article_link_for_reply(ticket=ticket, article=article, actor=request.user)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"text": text})
    messages.success(request, _("Copy this into your reply: %(text)s") % {"text": text})
    return redirect(ticket)


@require_POST
@role_required(Role.AGENT)
def draft_from_ticket(request, reference: str):
    ticket = get_ticket_for_user(request.user, reference)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        messages.error(request, _("Only a resolved ticket can become an article."))
        return redirect(ticket)
    article = services.article_draft_from_ticket(ticket=ticket, author=request.user)
    messages.success(request, _("A draft article was created from %(reference)s.") % {"reference": ticket.reference})
    return redirect("knowledge:edit", article.pk)


def translation_for(article: Article, language: str) -> Translation | None:
    return article.translations.filter(language=language).first()
