"""Markdown to safe HTML, plain text for snippets, unaccented text for matching.

Two layers: markdown-it in its ``js-default`` preset never passes raw HTML
through (``<script>`` comes out as text) and refuses ``javascript:``,
``vbscript:``, ``file:`` and most ``data:`` links; nh3 (ammonia) then keeps only
an allow-list of tags and attributes and http/https/mailto or relative URLs.
Whatever an author writes, what reaches a reader has nothing a browser runs.
"""

import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("js-default", {"linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Highlight markers for ts_headline and the fallback excerpt; stripped from every saved text.
SNIPPET_OPEN = "\u27e6"
SNIPPET_CLOSE = "\u27e7"


def render_markdown(source: str) -> str:
    """Sanitised HTML for an article body. ``h1`` becomes ``h2``: the page owns its only ``h1``."""
    raw = _markdown.render(source or "")
    raw = re.sub(r"<(/?)h1>", r"<\1h2>", raw)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(rendered_html: str) -> str:
    """The visible words of sanitised HTML, for snippets and the SQLite fallback search."""
    text = nh3.clean(rendered_html, tags=set(), attributes={})
    return " ".join(html.unescape(text).split())


def unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def highlight(text: str) -> str:
    """Escape a snippet, then turn the highlight markers (and only them) into ``<mark>``.

    ``plain_text`` never holds the markers (``strip_markers`` on save), so a body cannot forge one.
    """
    escaped = html.escape(text.replace("\x00", ""))
    marked = escaped.replace(SNIPPET_OPEN, "<mark>").replace(SNIPPET_CLOSE, "</mark>")
    # Belt and braces: only <mark> can survive, and an unbalanced marker is closed by nh3.
    return nh3.clean(marked, tags={"mark"}, attributes={})


def strip_markers(text: str) -> str:
    return (text or "").replace(SNIPPET_OPEN, "").replace(SNIPPET_CLOSE, "").replace("\x00", "")


def excerpt(text: str, words: list[str], width: int = 200) -> str:
    """A snippet around the first matching word with markers (SQLite fallback of ts_headline)."""
    folded = unaccent(text)
    position = -1
    for word in words:
        position = folded.find(unaccent(word))
        if position >= 0:
            break
    start = max(0, position - width // 3) if position >= 0 else 0
    piece = text[start : start + width]
    folded_piece = unaccent(piece)
    for word in sorted({unaccent(w) for w in words if w}, key=len, reverse=True):
        # unaccent keeps lengths for the Latin letters articles use, so positions line up.
        if len(folded_piece) != len(piece):
            break
        spans = [m.span() for m in re.finditer(re.escape(word), folded_piece)]
        for begin, end in reversed(spans):
            piece = piece[:begin] + SNIPPET_OPEN + piece[begin:end] + SNIPPET_CLOSE + piece[end:]
        folded_piece = unaccent(piece)
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
