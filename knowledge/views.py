"""The help centre for every employee: browse, search, read, rate; suggestions on the new-ticket form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tickets.models import Category

from . import services
from .access import get_article_for_user, is_agent, published_for, readable_for
from .forms import VoteForm
from .models import LANGUAGES, ArticleFile, Translation, Vote, pick_translation
from .search import search

PAGE_SIZE = 20
SUGGESTION_LIMIT = 5
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'none'; script-src 'none'"


def with_translations(articles):
    """Every translation in one extra query (no N+1 on lists)."""
    fields = ("id", "article_id", "language", "title", "summary", "updated_at")
    return articles.prefetch_related(Prefetch("translations", queryset=Translation.objects.only(*fields)))


def shown(articles) -> list:
    """Attach the reader's translation to each article as ``.text``."""
    language = get_language() or "fr"
    items = list(articles)
    for article in items:
        article.text = pick_translation(article.translations.all(), language)
    return [article for article in items if article.text is not None]


@login_required
def help_centre(request):
    visible = published_for(request.user)
    category_id = request.GET.get("category", "")
    category = None
    if category_id.isdigit():
        category = Category.objects.filter(pk=int(category_id)).first()
    context = {"query": "", "category": category}
    if category is not None:
        articles = with_translations(visible.filter(category=category).order_by("-updated_at", "-pk"))
        page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = shown(page.object_list)
        context |= {"page": page, "query_string": f"category={category.pk}"}
    else:
        counts = visible.filter(category__isnull=False).values("category").annotate(total=Count("pk")).order_by()
        totals = {row["category"]: row["total"] for row in counts}
        categories = list(Category.objects.filter(pk__in=totals).select_related("parent").order_by("name_fr"))
        for item in categories:
            item.total = totals[item.pk]
        context |= {
            "categories": categories,
            "popular": shown(with_translations(visible.order_by("-view_count", "-pk"))[:6]),
            "recent": shown(with_translations(visible.order_by("-updated_at", "-pk"))[:6]),
        }
    return render(request, "knowledge/help_centre.html", context)


@login_required
def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    hits = search(request.user, query, limit=PAGE_SIZE) if query else []
    return render(request, "knowledge/search.html", {"query": query, "hits": hits})


@require_GET
@login_required
def suggest(request):
    """Up to five published articles for what the person typed; JSON of plain text (the script uses textContent)."""
    query = request.GET.get("q", "").strip()[:200]
    session_key = request.GET.get("session", "")
    hits = search(request.user, query, limit=SUGGESTION_LIMIT, snippets=False) if len(query) >= 3 else []
    if hits:
        services.suggestions_record(
            user=request.user, session_key=session_key, article_ids=[hit.article_id for hit in hits]
        )
    key = services.parse_session_key(session_key)
    results = []
    for hit in hits:
        url = hit.translation.get_absolute_url()
        if key is not None:
            url += f"&from=suggestion&session={key}"
        results.append(
            {"id": hit.article_id, "title": hit.translation.title, "summary": hit.translation.summary, "url": url}
        )
    return JsonResponse({"results": results})


@login_required
def article_detail(request, article_id: int):
    article = get_article_for_user(request.user, article_id)
    translations = list(article.translations.all())
    wanted = request.GET.get("lang", "")
    reader_language = get_language() or "fr"
    translation = pick_translation(translations, wanted if wanted in LANGUAGES else reader_language)
    if translation is None:
        raise Http404
    if article.is_published:
        session_key = request.GET.get("session", "") if request.GET.get("from") == "suggestion" else ""
        services.article_record_view(article=article, user=request.user, session_key=session_key)
    others = [item for item in translations if item.pk != translation.pk]
    voted = Vote.objects.filter(
        version__translation=translation, version__number=translation.version, user=request.user
    ).exists()
    related = (
        published_for(request.user)
        .filter(Q(category_id=article.category_id) | Q(tags__in=article.tags.all()))
        .exclude(pk=article.pk)
        .distinct()
        .order_by("-view_count", "-pk")
    )
    context = {
        "article": article,
        "text": translation,
        "others": others,
        "not_in_reader_language": translation.language != reader_language and not wanted,
        "tags": list(article.tags.all()),
        "files": list(article.files.only("id", "original_name", "size", "content_type", "thumbnail")),
        "related": shown(with_translations(related)[:5]),
        "vote_form": None if voted or not article.is_published else VoteForm(),
        "voted": voted,
        "agent": is_agent(request.user),
    }
    return render(request, "knowledge/article.html", context)


@require_POST
@login_required
def article_vote(request, article_id: int):
    article = get_article_for_user(request.user, article_id)
    if not article.is_published:
        raise Http404
    translation = Translation.objects.filter(article=article, language=request.POST.get("language", "")).first()
    form = VoteForm(request.POST)
    if translation is None or not form.is_valid():
        messages.error(request, _("Choose yes or no."))
        return redirect(article)
    try:
        services.article_vote(
            article=article,
            translation=translation,
            user=request.user,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for your answer."))
    return redirect(translation.get_absolute_url())


def _file_for_user(user, file_id: int) -> ArticleFile:
    item = ArticleFile.objects.filter(pk=file_id).only("id", "article_id", "file", "thumbnail", "original_name")
    item = item.first()
    if item is None or not readable_for(user).filter(pk=item.article_id).exists():
        raise Http404
    return item


def _harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-store"
    response._csp_exempt = True
    return response


@login_required
def file_download(request, file_id: int):
    item = _file_for_user(request.user, file_id)
    return _harden(
        FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type or "application/octet-stream",
        )
    )


@login_required
def file_image(request, file_id: int):
    """An image shown in an article: the PNG Pillow re-encoded at upload, never the uploaded bytes."""
    item = _file_for_user(request.user, file_id)
    if not item.thumbnail:
        raise Http404
    return _harden(FileResponse(item.thumbnail.open("rb"), content_type="image/png"))
