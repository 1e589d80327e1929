"""Article search: PostgreSQL full text in three languages plus trigram titles; a simple fallback on SQLite.

On PostgreSQL each translation carries a weighted ``tsvector`` built with its
own language's configuration (``kb_french``, ``kb_dutch``, ``kb_english``: the
stock ones with ``unaccent`` in front of the stemmer, see migration 0002). A
query is parsed with all three configurations and each row is matched with its
own, so "reinitialiser mot de passe" finds "Réinitialiser votre mot de passe"
and "wachtwoord" finds the Dutch text whatever the interface language. Words
are OR-ed and ranked (more words matched ranks higher); the last word is a
prefix, for suggestions while typing. A misspelt word still finds close titles
through ``word_similarity`` on an unaccented title with a trigram index.

Only published articles of the reader's audience are ever searched.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import get_language

from .access import audiences_for
from .models import ArticleStatus, Translation
from .rendering import SNIPPET_CLOSE, SNIPPET_OPEN, excerpt, highlight, unaccent

CONFIGS = {"fr": "kb_french", "nl": "kb_dutch", "en": "kb_english"}
MAX_WORDS = 8
MIN_PREFIX = 3
MAX_QUERY = 200
WORD = re.compile(r"\w+", re.UNICODE)
HEADLINE_OPTIONS = f"StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, MaxWords=28, MinWords=10, MaxFragments=1"


@dataclass
class Hit:
    article_id: int
    translation: Translation
    score: float
    snippet: str = ""  # sanitised HTML: escaped text with <mark> only


def query_words(query: str) -> list[str]:
    return WORD.findall((query or "")[:MAX_QUERY])[:MAX_WORDS]


def tsquery_text(words: list[str], operator: str = " | ") -> str:
    """``'a' & 'b' & 'c':*``: the words come from ``\\w+`` so they hold no quote or operator."""
    if len(words) > 1 and len(words[-1]) < MIN_PREFIX:
        words = words[:-1]  # still typing: a one- or two-letter prefix matches half the index
    parts = [f"'{word}'" for word in words]
    if parts and len(words[-1]) >= MIN_PREFIX:
        parts[-1] += ":*"
    return operator.join(parts)


def search(user, query: str, *, limit: int = 10, snippets: bool = True, language: str | None = None) -> list[Hit]:
    """Published articles of the person's audience, best first; of each article the text in the
    reader's language is preferred when it matches about as well as another language's."""
    words = query_words(query)
    if not words or not user.is_authenticated:
        return []
    if connection.vendor == "postgresql":
        reader = language or get_language() or "fr"
        ranked = _ranked_postgres(words, audiences_for(user), limit, reader)
    else:
        ranked = _ranked_fallback(words, audiences_for(user), limit)
    if not ranked:
        return []
    translations = Translation.objects.in_bulk([translation_id for translation_id, _ in ranked])
    hits = [Hit(translations[tid].article_id, translations[tid], score) for tid, score in ranked if tid in translations]
    if snippets:
        _add_snippets(hits, words)
    return hits


# Ranking reads every matching text, so a very common word would rank thousands: at most
# CANDIDATES texts are ranked (the GIN scan's first ones). A help centre rarely gets near it.
CANDIDATES = 600
_SQL = """
WITH q AS (
  SELECT to_tsquery('kb_french', %(tsq)s) AS qfr, to_tsquery('kb_dutch', %(tsq)s) AS qnl,
         to_tsquery('kb_english', %(tsq)s) AS qen
)
SELECT c.id, c.article_id,
  (c.language = %(reader)s)::int * 0.2
  + 2 * ts_rank(c.search_vector, CASE c.language WHEN 'fr' THEN q.qfr WHEN 'nl' THEN q.qnl ELSE q.qen END)
  + word_similarity(%(plain)s, c.title_plain) AS score
FROM q, (
  SELECT t.id, t.article_id, t.language, t.search_vector, t.title_plain
  FROM knowledge_translation t JOIN knowledge_article a ON a.id = t.article_id, q
  WHERE a.status = %(status)s AND a.audience = ANY(%(audiences)s) AND ({match})
  LIMIT %(candidates)s
) c
ORDER BY score DESC, c.id
LIMIT %(limit)s
"""
# One GIN scan on the OR of the three languages' queries, each row then checked against its own language's.
_WORDS = (
    "t.search_vector @@ (q.qfr || q.qnl || q.qen) AND t.search_vector @@ "
    "CASE t.language WHEN 'fr' THEN q.qfr WHEN 'nl' THEN q.qnl ELSE q.qen END"
)
_ALL_WORDS_SQL = _SQL.format(match=_WORDS)
_TITLE_SQL = _SQL.format(match="t.title_plain %%> %(plain)s")


def _best_per_article(rows, limit: int) -> list[tuple[int, float]]:
    seen: set[int] = set()
    ranked = []
    for translation_id, article_id, score in rows:
        if article_id in seen:
            continue
        seen.add(article_id)
        ranked.append((translation_id, float(score)))
        if len(ranked) == limit:
            break
    return ranked


def _ranked_postgres(words: list[str], audiences: list[str], limit: int, reader: str) -> list[tuple[int, float]]:
    """Texts holding every word first; when too few, texts holding any word; then titles close to the query (typos)."""
    params = {
        "plain": unaccent(" ".join(words)),
        "status": ArticleStatus.PUBLISHED,
        "audiences": [str(value) for value in audiences],
        "limit": limit * 3,  # a few languages of the same article may match
        "candidates": CANDIDATES,
        "reader": reader,
    }
    rows: list = []
    with connection.cursor() as cursor:
        for sql, operator in ((_ALL_WORDS_SQL, " & "), (_ALL_WORDS_SQL, " | "), (_TITLE_SQL, " | ")):
            if operator == " | " and sql is _ALL_WORDS_SQL and len(words) == 1:
                continue  # one word: "any" is "every"
            cursor.execute(sql, {**params, "tsq": tsquery_text(words, operator)})
            rows += cursor.fetchall()
            if len({row[1] for row in rows}) >= limit:
                break
    return _best_per_article(rows, limit)


def _ranked_fallback(words: list[str], audiences: list[str], limit: int) -> list[tuple[int, float]]:
    """SQLite (the zero-setup default): contains-matching on unaccented words, scored in Python, bounded."""
    from django.db.models import Q

    folded = [unaccent(word) for word in words if len(word) >= 2] or [unaccent(words[0])]
    match = Q()
    for word in folded:
        match |= Q(title_plain__contains=word) | Q(plain_text__icontains=word) | Q(summary__icontains=word)
    rows = (
        Translation.objects.filter(match, article__status=ArticleStatus.PUBLISHED, article__audience__in=audiences)
        .values_list("id", "article_id", "title_plain", "plain_text", "summary")
        .order_by("-article__view_count", "id")[:500]
    )
    scored = []
    for translation_id, article_id, title, text, summary in rows:
        body = unaccent(f"{summary} {text}")
        score = sum(2.0 for word in folded if word in title) + sum(1.0 for word in folded if word in body)
        scored.append((translation_id, article_id, score))
    scored.sort(key=lambda row: (-row[2], row[0]))
    return _best_per_article(scored, limit)


def _add_snippets(hits: list[Hit], words: list[str]) -> None:
    if connection.vendor == "postgresql":
        sql = """
            SELECT t.id, ts_headline(
                (CASE t.language WHEN 'fr' THEN 'kb_french' WHEN 'nl' THEN 'kb_dutch' ELSE 'kb_english' END)::regconfig,
                left(t.plain_text, 4000),
                to_tsquery((CASE t.language WHEN 'fr' THEN 'kb_french' WHEN 'nl' THEN 'kb_dutch'
                            ELSE 'kb_english' END)::regconfig, %(tsq)s),
                %(options)s)
            FROM knowledge_translation t WHERE t.id = ANY(%(ids)s)
        """
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {"tsq": tsquery_text(words), "options": HEADLINE_OPTIONS, "ids": [hit.translation.pk for hit in hits]},
            )
            headlines = dict(cursor.fetchall())
    else:
        headlines = {hit.translation.pk: excerpt(hit.translation.plain_text, words) for hit in hits}
    for hit in hits:
        hit.snippet = highlight(headlines.get(hit.translation.pk) or hit.translation.summary)
