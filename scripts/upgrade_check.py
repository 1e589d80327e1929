"""Upgrade path check (issue 16, Must-show 3): a database migrated and seeded by the commit before
loans left assets/ migrates forward to the new layout with every row kept, and the app serves it.

    python scripts/upgrade_check.py [--base 58c27eb] [--database-url URL]

1. checks the base commit out into var/upgrade-check/base (a git worktree) and, there, migrates a
   fresh database and runs ``seed_demo``;
2. records the row count of every table and the first loans, lines and requests field by field;
3. migrates the same database with this tree's code and records the same again;
4. compares: same tables, same counts, same rows; the moved models' content types (and so the
   permissions role groups hold) now say ``loans``, under their old ids;
5. asks the app for a few pages as the demo users (my equipment, a loan, the deliveries board).

SQLite by default (a file under var/); ``--database-url postgres://…`` for PostgreSQL (the database
is dropped and created again). Exit status 0 when everything matches.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "upgrade-check"
PYTHON = sys.executable
SAMPLED = ["assets_loan", "assets_loanline", "assets_equipmentrequest", "assets_deliveryrun", "schools_pupilloan"]


def run(cmd: list[str], *, cwd: Path, env: dict, timeout: int = 900) -> str:
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    print(f"  $ {' '.join(cmd[1:])}  ({time.monotonic() - started:.0f} s, in {cwd.name})", flush=True)
    if done.returncode:
        print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return done.stdout


def snapshot() -> dict:
    """Run inside a Django process of either tree: raw SQL only, so it reads both layouts alike."""
    import django

    django.setup()
    from django.db import connection

    tables = sorted(connection.introspection.table_names())
    quote = connection.ops.quote_name
    counts, rows = {}, {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (names from introspection)
            counts[table] = cursor.fetchone()[0]
        for table in SAMPLED:
            if table not in tables:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY id LIMIT 5")  # noqa: S608 (a fixed list)
            names = [column[0] for column in cursor.description]
            rows[table] = [dict(zip(names, map(str, row), strict=True)) for row in cursor.fetchall()]
        cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        content_types = [list(row) for row in cursor.fetchall()]
        cursor.execute("SELECT COUNT(*) FROM auth_group_permissions")
        group_permissions = cursor.fetchone()[0]
    return {
        "counts": counts,
        "rows": rows,
        "content_types": content_types,
        "group_permissions": group_permissions,
    }


def serve() -> dict:
    """Pages of the new tree on the upgraded database, as the demo users see them."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from loans.models import Loan

    results = {}
    loan = Loan.objects.filter(borrower__isnull=False).order_by("pk").first()
    borrower = loan.borrower
    logistics = get_user_model().objects.get(email="logistics@icity.example")
    pages = [
        (borrower, reverse("assets:mine")),
        (borrower, reverse("assets:loan", args=[loan.pk])),
        (borrower, reverse("assets:requests")),
        (logistics, reverse("assets:board")),
        (logistics, reverse("assets:loans")),
        (logistics, "/api/v1/loans/"),
    ]
    for user, url in pages:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        results[f"{user.email} {url}"] = response.status_code
    return results


# Tables that later migrations legitimately add to (new models bring their content types and
# permissions): none of their rows may go, new ones may come.
# loans/0003 adds the pupil-device terms next to the staff terms (issue 18).
GROWING = {"django_migrations", "django_content_type", "auth_permission", "assets_loanterms"}


def compare(before: dict, after: dict) -> list[str]:
    problems = []
    for table, count in before["counts"].items():
        if table not in after["counts"]:
            problems.append(f"table {table} is gone")
        elif table in GROWING:
            if after["counts"][table] < count:
                problems.append(f"{table}: {count} rows before, {after['counts'][table]} after")
        elif after["counts"][table] != count:
            problems.append(f"{table}: {count} rows before, {after['counts'][table]} after")
    for table, rows in before["rows"].items():
        # New columns may come (with their backfilled values); every value that was there must stay.
        after_rows = after["rows"].get(table, [])
        if (
            len(after_rows) != len(rows)
            or [
                {column: row.get(column) for column in before_row}
                for row, before_row in zip(after_rows, rows, strict=True)
            ]
            != rows
        ):
            problems.append(f"{table}: the first rows differ")
    moved = {"loan", "loanline", "equipmentrequest", "deliveryrun", "recovery", "receipt", "loanterms"}
    old_ids = {model: pk for pk, app, model in before["content_types"] if app == "assets" and model in moved}
    new_ids = {model: pk for pk, app, model in after["content_types"] if app == "loans" and model in moved}
    if old_ids != new_ids:
        problems.append(f"content types of the moved models: {old_ids} before, {new_ids} after (loans)")
    if after["group_permissions"] < before["group_permissions"]:
        problems.append("role groups lost permissions")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="58c27eb")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--step", choices=["snapshot", "serve"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        sys.path.insert(0, os.getcwd())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
        print(json.dumps(snapshot() if args.step == "snapshot" else serve()))
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    base = WORK / "base"
    if base.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
        shutil.rmtree(base, ignore_errors=True)
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True, capture_output=True
    )
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env["ICITY_VAR_DIR"] = str(WORK / "var")
    env["DJANGO_SETTINGS_MODULE"] = "icity.settings"
    if args.database_url:
        url = args.database_url
        name = url.rsplit("/", 1)[1]
        server = url.rsplit("/", 1)[0] + "/postgres"
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        for sql in (drop, f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", server, "-qc", sql], check=True)
    else:
        database = WORK / "upgrade.sqlite3"
        database.unlink(missing_ok=True)
        url = f"sqlite:///{database}"
    env["DATABASE_URL"] = url
    me = str(Path(__file__).resolve())
    try:
        print(f"1. {args.base}: migrate and seed the demo ({url.split('@')[-1]})", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=base, env=env)
        run([PYTHON, "manage.py", "seed_demo"], cwd=base, env=env)
        before = json.loads(run([PYTHON, me, "--step", "snapshot"], cwd=base, env=env))
        print("2. this tree: migrate the same database", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env)
        after = json.loads(run([PYTHON, me, "--step", "snapshot"], cwd=ROOT, env=env))
        pages = json.loads(run([PYTHON, me, "--step", "serve"], cwd=ROOT, env=env))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    problems = compare(before, after)
    problems += [f"{page}: HTTP {status}" for page, status in pages.items() if status != 200]
    total = sum(before["counts"].values())
    print(
        f"3. {len(before['counts'])} tables, {total} rows before; "
        f"{sum(after['counts'].values())} rows after (django_migrations, content types and permissions may grow, the rest equal: "
        f"{not any('rows before' in p for p in problems)})"
    )
    for table in SAMPLED:
        print(
            f"   {table}: {before['counts'].get(table)} -> {after['counts'].get(table)} rows, "
            f"first {len(before['rows'].get(table, []))} compared field by field"
        )
    for page, status in pages.items():
        print(f"   GET {page}: {status}")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("upgrade check:", "FAILED" if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
