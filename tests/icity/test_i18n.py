"""Every UI string is translated, and every page renders without English leftovers.

The page walk is generic: it visits every named URL that needs no argument,
as a user holding every role, so new pages are checked as soon as they exist.
"""

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from icity.roles import Role
from tests.factories import make_user

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED_LANGUAGES = ["fr", "nl"]
SKIPPED_URL_PREFIXES = ("admin:", "api-", "logout", "oidc", "icity:set-language", "icity:mail-message", "healthz")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_has_no_missing_or_fuzzy_translation(language):
    problems = [
        entry.msgid
        for entry in _catalogue(language)
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert problems == [], f"{language}: untranslated or fuzzy: {problems[:20]}"


_SOURCE_PATTERNS = [
    re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]+)"(?:\s+[^%]*)?%\}"""),
    re.compile(r"""\{%\s*(?:translate|trans)\s+'([^']+)'(?:\s+[^%]*)?%\}"""),
    re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]"""),
    re.compile(r"""\bpgettext(?:_lazy)?\(\s*"[^"]+",\s*"((?:[^"\\]|\\.)+)"\s*[,)]"""),
]


def _source_files():
    base = Path(settings.BASE_DIR)
    for folder in ["templates", "icity", "assets", "loans", "schools", "tickets", "knowledge", "surveys", "kpis"]:
        for path in (base / folder).rglob("*"):
            if path.suffix in {".html", ".txt", ".py"} and "migrations" not in path.parts:
                yield path


def test_every_literal_ui_string_in_the_sources_is_in_the_catalogues():
    known = {entry.msgid for entry in _catalogue("fr")}
    missing = set()
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        for pattern in _SOURCE_PATTERNS:
            for match in pattern.findall(text):
                msgid = match.encode().decode("unicode_escape") if "\\" in match else match
                if msgid not in known:
                    missing.add(f"{path.name}: {msgid}")
    assert not missing, "Run `make messages` and translate: " + "; ".join(sorted(missing)[:20])


def _named_urls(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern, child_namespace, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if "<" not in route and "(?P" not in route:
                yield f"{namespace}{pattern.name}", "/" + route.lstrip("^").rstrip("$")


def _page_urls():
    seen = {}
    for name, route in _named_urls(get_resolver()):
        if not name.startswith(SKIPPED_URL_PREFIXES) and route not in seen.values():
            seen[name] = route
    return seen


def _visible_text(content: str) -> str:
    content = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", content)
    # Language names in the switcher are written in their own language, on purpose.
    content = re.sub(r'(?is)<option\b[^>]*\blang="[^"]+"[^>]*>.*?</option>', " ", content)
    content = re.sub(r"(?s)<[^>]+>", " ", content)
    return html.unescape(content)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_page_renders_without_untranslated_strings(client, db, language):
    everyone = make_user(*Role.values, is_staff=True, language=language)
    client.force_login(everyone)
    catalogue = _catalogue(language)
    # A one-word source string that is also a word of the target language ("Scan" in Dutch) is no leak.
    target_words = {word for entry in catalogue for word in re.findall(r"[\w-]+", entry.msgstr)}
    # Source strings whose translation differs; ones that read the same in both are not a leak.
    leaks = [
        (entry.msgid, re.compile(r"(?<![\w-])" + re.escape(entry.msgid) + r"(?![\w-])"))
        for entry in catalogue
        if entry.translated()
        and not entry.msgid_plural
        and entry.msgstr != entry.msgid
        and len(entry.msgid) >= 4
        and "%(" not in entry.msgid
        and not entry.msgid.islower()  # lower-case model field names collide with ordinary words
        and not (" " not in entry.msgid and entry.msgid in target_words)
    ]
    pages = _page_urls()
    assert len(pages) >= 8
    checked = 0
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        text = _visible_text(response.content.decode())
        assert f'<html lang="{language}">' in response.content.decode(), name
        found = [msgid for msgid, pattern in leaks if pattern.search(text)]
        assert not found, f"{name} ({url}) shows untranslated strings in {language}: {found}"
    assert checked >= 8


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_login_page_renders_in_each_language(client, db, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
