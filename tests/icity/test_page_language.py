"""Every demo page, as every demo account, in French, Dutch and English, shows no raw value.

The demo data is seeded once (the same as `make run`); then every page that takes no
argument, and the detail page of a few demo objects of each kind, is rendered in each
language as each demo account. A page fails when its visible text shows:

- `None`, `True` or `False` (a value that went to the template unformatted);
- a raw choice key (`in_stock`, `waiting_requester`: a value not passed through its label);
- on Dutch and English pages, a string of the French catalogue (a translation that fell
  back to French, or a French text computed once at import time).
"""

import html
import random
import re
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings

from icity.demo import DEMO_ACCOUNTS, DEMO_DOMAIN
from icity.models import User
from icity.registry import seeders
from tests.icity.test_i18n import _page_urls

LANGUAGES = ["fr", "nl", "en"]
# "None." and "None, or not listed" are English; a raw None is not followed by a period or comma.
RAW_WORDS = re.compile(r"(?<![\w-])(None|True|False)(?![\w.,-])")
# Not pages: PDFs of every label, the API, files.
SKIPPED = ("/api/", "/equipment/assets/labels/", "/ops/mail/")
DETAIL_OBJECTS_PER_MODEL = 2


def _visible_text(content: str) -> str:
    # <code> shows a value as typed in a file or an address, on purpose.
    content = re.sub(r"(?is)<(script|style|title|code)\b.*?</\1>", " ", content)
    content = re.sub(r'(?is)<option\b[^>]*\blang="[^"]+"[^>]*>.*?</option>', " ", content)
    content = re.sub(r"(?s)<[^>]+>", " ", content)
    return html.unescape(content)


def _raw_choice_keys() -> re.Pattern:
    keys = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and "_" in value and value.islower():
                    keys.add(value)
    return re.compile(
        r"(?<![\w/.-])(" + "|".join(sorted(map(re.escape, keys), key=len, reverse=True)) + r")(?![\w/.-])"
    )


def _french_strings(language: str) -> list[tuple[str, re.Pattern]]:
    """French translations that should not appear on a page in `language`."""
    locale = Path(settings.BASE_DIR) / "locale"
    french = polib.pofile(str(locale / "fr" / "LC_MESSAGES" / "django.po"))
    own = polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po")) if language == "nl" else None
    own_words = set()
    if own is not None:
        own_words = {word for entry in own for word in re.findall(r"[\w'-]+", entry.msgstr)}
    english_words = {word for entry in french for word in re.findall(r"[\w'-]+", entry.msgid)}
    found = []
    for entry in french:
        text = entry.msgstr
        if (
            not entry.translated()
            or entry.msgid_plural
            or "%(" in text
            or text == entry.msgid
            or len(text) < 8
            or " " not in text  # single words collide with names and data
            or text in own_words
            or all(word in english_words | own_words for word in re.findall(r"[\w'-]+", text))
        ):
            continue
        found.append((text, re.compile(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])")))
    return found


def _detail_urls() -> list[str]:
    urls = []
    for model in apps.get_models():
        if not hasattr(model, "get_absolute_url") or model._meta.app_label not in {
            "icity",
            "assets",
            "tickets",
            "schools",
            "surveys",
            "loans",
        }:
            continue
        for item in model._default_manager.order_by("pk")[:DETAIL_OBJECTS_PER_MODEL]:
            try:
                urls.append(item.get_absolute_url())
            except Exception:  # an object whose page needs more context than itself
                continue
    return urls


def _french_only_data() -> list[str]:
    """Texts the City publishes in French and Dutch only (`name_fr`, `guidance_fr`…).

    English readers get the French version of these by design (BilingualName): they are
    data, not labels, so they are taken out of an English page before it is checked.
    """
    texts = set()
    for model in apps.get_models():
        fields = [field.name for field in model._meta.concrete_fields if field.name.endswith("_fr")]
        for field in fields:
            texts.update(value for value in model._default_manager.values_list(field, flat=True) if value)
    return sorted(texts, key=len, reverse=True)


def _user_texts() -> list[str]:
    """What people wrote (ticket titles, messages): shown as written, in whatever language."""
    from tickets.models import Comment, Ticket

    return [*Ticket.objects.values_list("title", flat=True), *Comment.objects.values_list("body", flat=True)]


def _problems(text: str, raw_keys: re.Pattern, french: list, written: list[str]) -> list[str]:
    problems = [f"raw value {match!r}" for match in set(RAW_WORDS.findall(text))]
    problems += [f"raw choice key {match!r}" for match in set(raw_keys.findall(text))]
    for phrase, pattern in french:
        if not pattern.search(text):
            continue
        # A French phrase inside a ticket title someone wrote in French is theirs, not a label.
        rest = text
        for value in written:
            if phrase in value:
                rest = rest.replace(value, " ")
        if pattern.search(rest):
            problems.append(f"French {phrase!r}")
    return problems


def test_every_demo_page_reads_in_its_language_with_no_raw_value(client, db):
    for seeder in seeders():
        seeder.seed(rng=random.Random(f"icity-demo-{seeder.name}"), stdout=_Quiet())
    raw_keys = _raw_choice_keys()
    french_data = _french_only_data()
    written = _user_texts()
    urls = [url for url in dict.fromkeys([*_page_urls().values(), *_detail_urls()]) if not url.startswith(SKIPPED)]
    assert len(urls) > 40
    failures = []
    checked = 0
    for language in LANGUAGES:
        french = _french_strings(language) if language != "fr" else []
        for key, *_rest in DEMO_ACCOUNTS:
            user = User.objects.get(email=f"{key}@{DEMO_DOMAIN}")
            User.objects.filter(pk=user.pk).update(language=language)
            client.force_login(user)
            for url in urls:
                response = client.get(url)
                if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                    continue
                checked += 1
                content = response.content.decode()
                assert f'<html lang="{language}">' in content, url
                text = _visible_text(content)
                if language == "en":
                    for value in french_data:
                        text = text.replace(value, " ")
                for problem in _problems(text, raw_keys, french, written):
                    failures.append(f"{language} {key} {url}: {problem}")
    assert checked > 200
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(sorted(set(failures))[:400])


class _Quiet:
    def write(self, *_args, **_kwargs):
        pass


def test_raw_choice_keys_are_found():
    pattern = _raw_choice_keys()
    assert pattern.search("status: waiting_requester")
    assert not pattern.search("IC-000123 in the queue")
