"""Knowledge-base benchmark on PostgreSQL: 20,000 articles in FR, NL and EN (60,000 texts).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icity_kb_bench \
        .venv/bin/python benchmarks/knowledge_bench.py --count 20000

Seeds the database up to ``--count`` published articles (bulk inserts, the
full-text vectors built in one UPDATE per language; reused on the next run),
then times through Django's test client, as the browser hits them: the
suggestion endpoint with what a person types into the new-ticket subject
(prefixes, accents dropped, typos) and the help-centre search page with
highlighted snippets. Reports median and p95 in milliseconds.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
os.environ.setdefault("OUTBOX_POKE_ON_COMMIT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from icity.models import User  # noqa: E402
from icity.roles import Role  # noqa: E402
from knowledge.demo_articles import ARTICLES  # noqa: E402
from knowledge.models import Article, ArticleStatus, Translation, Version  # noqa: E402
from knowledge.rendering import plain_text, render_markdown, unaccent  # noqa: E402

VARIANTS = [
    "Dell Latitude 5440", "HP EliteBook 840", "Lenovo ThinkPad T14", "Jabra Evolve2 40", "Logitech C920",
    "Nova", "Publilink", "SharePoint", "SAP", "Citrix", "Outlook", "Teams", "FortiClient", "OneDrive",
    "Anspach", "Laeken", "Haren", "Neder-Over-Heembeek", "Brederode", "Midi", "Louise", "Heysel",
    "Windows 11", "Android", "iPhone", "Sophos", "Intune", "Zoom", "Webex", "Chrome",
]  # fmt: skip
SUGGEST_QUERIES = [
    "mot de pa", "reinitialiser mot de passe", "wachtwoord verg", "forgot passw", "casque tea", "headset werkt",
    "vpn thu", "vpn depuis chez", "connect vpn from", "pack teletrav", "telewerkpakket", "rendre materi",
    "materiaal terug", "return equipm", "inscrire eleves", "leerlingen insch", "imprimante res", "bourage papier",
    "webcam niet", "phising email", "compte bloq", "second screen", "boite mail pleine", "portable vol",
    "laptop gestol", "onedrive synchro", "voicemail", "nouveau telephone", "citrix", "wifi gebouw",
]  # fmt: skip
SEARCH_QUERIES = [
    "reinitialiser mot de passe", "wachtwoord vergeten", "vpn thuis", "casque teams", "pack teletravail",
    "materiaal terugbrengen", "returning equipment", "leerlingen inschrijven", "imprimante reseau",
    "bourage papier", "phising email", "compte bloque", "laptop gestolen", "onedrive", "teams meeting external",
]  # fmt: skip


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def people() -> tuple[User, User, User]:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}
    password = make_password("bench")
    made = []
    for email, roles in (
        ("bench-author@icity.example", [Role.REQUESTER, Role.AGENT]),
        ("bench-reviewer@icity.example", [Role.REQUESTER, Role.AGENT]),
        ("bench-staff@icity.example", [Role.REQUESTER]),
    ):
        user, created = User.objects.get_or_create(email=email, defaults={"password": password, "first_name": "Bench"})
        if created:
            user.groups.set([groups[role] for role in roles])
        made.append(user)
    return made[0], made[1], made[2]


def seed(count: int, author: User, reviewer: User) -> None:
    have = Article.objects.count()
    if have >= count:
        print(f"{have} articles already there")
        return
    rng = random.Random(f"kb-bench-{have}")
    now = timezone.now()
    started = time.perf_counter()
    batch = 1000
    for offset in range(have, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [
                    Article(
                        owner=author,
                        published_by=reviewer,
                        published_at=now,
                        status=ArticleStatus.PUBLISHED,
                        audience="staff" if rng.random() < 0.85 else "agents",
                        view_count=rng.randint(0, 5000),
                        updated_at=now,
                    )
                    for _ in range(size)
                ]
            )
            translations = []
            for article in articles:
                entry = rng.choice(ARTICLES)
                variant = rng.choice(VARIANTS)
                extra = rng.sample(VARIANTS, 3)
                for language in ("fr", "nl", "en"):
                    title, summary, body = entry[language]
                    title = f"{title} – {variant}"[:200]
                    body = f"{body}\n\n{variant}: {', '.join(extra)}.\n"
                    html = render_markdown(body)
                    translations.append(
                        Translation(
                            article=article,
                            language=language,
                            title=title,
                            summary=summary,
                            body=body,
                            body_html=html,
                            plain_text=plain_text(html),
                            title_plain=unaccent(title)[:200],
                            version=1,
                            updated_at=now,
                        )
                    )
            translations = Translation.objects.bulk_create(translations)
            Version.objects.bulk_create(
                [
                    Version(
                        translation=item,
                        number=1,
                        title=item.title,
                        summary=item.summary,
                        body=item.body,
                        author=author,
                    )
                    for item in translations
                ]
            )
        print(f"  {offset + size} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        for language, config in (("fr", "kb_french"), ("nl", "kb_dutch"), ("en", "kb_english")):
            cursor.execute(
                f"""UPDATE knowledge_translation SET search_vector =
                    setweight(to_tsvector('{config}', title), 'A')
                    || setweight(to_tsvector('{config}', summary), 'B')
                    || setweight(to_tsvector('{config}', left(plain_text, 100000)), 'C')
                    WHERE language = %s AND search_vector IS NULL""",
                [language],
            )
        # VACUUM merges the GIN pending list the bulk inserts filled (ANALYZE alone does not).
        cursor.execute("VACUUM ANALYZE knowledge_translation")
        cursor.execute("VACUUM ANALYZE knowledge_article")
    print(f"seeded in {time.perf_counter() - started:.0f} s")


def timed(client: Client, path: str, queries: list[str], rounds: int, extra: dict | None = None) -> list[float]:
    for query in queries[:5]:  # warm the connection and caches
        client.get(path, {"q": query, **(extra or {})})
    samples = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            response = client.get(path, {"q": query, **(extra or {})})
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, query, response.status_code)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not settings.DATABASE_IS_POSTGRES:
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    author, reviewer, staff = people()
    seed(args.count, author, reviewer)
    print(f"{Article.objects.count()} articles, {Translation.objects.count()} texts")
    client = Client()
    client.force_login(staff)
    for label, path, queries, extra in (
        (
            "suggestions /help/suggest/",
            "/help/suggest/",
            SUGGEST_QUERIES,
            {"session": "0" * 8 + "-0000-4000-8000-" + "0" * 12},
        ),
        ("search page /help/search/", "/help/search/", SEARCH_QUERIES, None),
    ):
        samples = timed(client, path, queries, args.rounds, extra)
        print(
            f"{label:<28} n={len(samples):<4} median {statistics.median(samples):6.1f} ms"
            f"   p95 {percentile(samples, 0.95):6.1f} ms   max {max(samples):6.1f} ms"
        )


if __name__ == "__main__":
    main()
