"""Fast seeding for the KPI benchmark: a realistic base through the ORM, multiplied inside PostgreSQL.

Seeding a million tickets row by row through the ORM (each one priced by the SLA
calendar in Python) takes hours on this machine. Instead:

1. ``tickets.demo.generate_tickets`` makes a base of a few tens of thousands of
   tickets with the demo's distributions (channels, priorities, teams, statuses
   by age, SLA breaches, replies and the status timeline).
2. ``INSERT … SELECT`` copies the base's *finished* tickets (closed, resolved,
   cancelled) with their replies and timeline, each copy moved back in time by a
   random 0–400 days, until the wanted count is reached: the history covers 25+
   months while the open backlog stays the base's (a realistic few thousand, not
   two years of never-closed tickets). A copy's ids are the base's plus a
   multiple of a stride, so its replies and events follow it without a lookup.
   Its reference keeps the ``HD-YYYY-NNNNNN`` shape with a year 9001+ that no
   real counter reaches. Resolved copies are closed (the auto-close ran).
3. Loans: ``loans.bench_seed`` (bulk inserts), then one UPDATE spreads the
   returned loans over the last 25 months (check-out, return, line dates).
4. Survey answers: the survey benchmark's loader (bulk inserts).
5. ``ANALYZE``.
"""

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

TICKET_COLUMNS = (
    "channel, kind, title, description, impact, urgency, priority, sla_paused_minutes, first_response_warned,"
    " first_response_breached, resolution_warned, resolution_breached, waiting_reminded, time_spent_minutes,"
    " search_document, assignee_id, category_id, opened_by_id, requester_id, team_id"
)
TICKET_TIMES = (
    "created_at",
    "updated_at",
    "first_response_due",
    "resolution_due",
    "first_response_warn_at",
    "resolution_warn_at",
    "first_response_at",
    "resolved_at",
)


def _say(message: str) -> None:
    print(message, flush=True)


def seed_tickets(total: int, base: int, rng: random.Random) -> None:
    from tickets.demo import generate_tickets
    from tickets.models import Ticket

    have = Ticket.objects.count()
    if have < base:
        started = time.monotonic()
        generate_tickets(count=base - have, rng=rng, batch_size=5000)
        _say(f"tickets: base of {base} through the ORM in {time.monotonic() - started:.0f} s")
    have = Ticket.objects.count()
    if have >= total:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM tickets_ticket WHERE reference NOT LIKE 'HD-9%%'")
        (base_max,) = cursor.fetchone()
        stride = 10 ** len(str(base_max))  # copy k of ticket i has id k * stride + i
        cursor.execute("SELECT coalesce(max(id) / %s, 0) FROM tickets_ticket", [stride])
        (copy,) = cursor.fetchone()
        cursor.execute("SELECT setseed(0.14)")
        shifted = ", ".join(f"{column} - s.shift" for column in TICKET_TIMES)
        while have < total:
            copy += 1
            started = time.monotonic()
            with transaction.atomic():
                cursor.execute("DROP TABLE IF EXISTS bench_shift")
                cursor.execute(
                    "CREATE TEMP TABLE bench_shift AS SELECT id, make_interval(secs => random() * 400 * 86400) AS shift"
                    " FROM tickets_ticket WHERE id <= %s AND status IN ('closed', 'resolved', 'cancelled')"
                    " ORDER BY id LIMIT %s",
                    [base_max, total - have],
                )
                cursor.execute(
                    f"INSERT INTO tickets_ticket (id, reference, status, closed_at, {', '.join(TICKET_TIMES)},"  # noqa: S608
                    f" {TICKET_COLUMNS})"
                    f" SELECT t.id + %(offset)s, 'HD-' || (9000 + %(copy)s) || '-' || lpad(t.id::text, 6, '0'),"
                    " CASE WHEN t.status = 'resolved' THEN 'closed' ELSE t.status END,"
                    " coalesce(t.closed_at, t.resolved_at + interval '5 days') - s.shift,"
                    f" {shifted}, {TICKET_COLUMNS}"
                    " FROM tickets_ticket t JOIN bench_shift s ON s.id = t.id",
                    {"offset": copy * stride, "copy": copy},
                )
                made = cursor.rowcount
                cursor.execute(
                    "INSERT INTO tickets_comment (body, is_internal, time_spent_minutes, created_at, author_id, ticket_id)"
                    " SELECT c.body, c.is_internal, c.time_spent_minutes, c.created_at - s.shift, c.author_id,"
                    " c.ticket_id + %s FROM tickets_comment c JOIN bench_shift s ON s.id = c.ticket_id",
                    [copy * stride],
                )
                cursor.execute(
                    "INSERT INTO tickets_timelineevent (created_at, field, old_value, new_value, actor_id, ticket_id)"
                    " SELECT e.created_at - s.shift, e.field, e.old_value, e.new_value, e.actor_id, e.ticket_id + %s"
                    " FROM tickets_timelineevent e JOIN bench_shift s ON s.id = e.ticket_id",
                    [copy * stride],
                )
            have += made
            _say(f"tickets: copy {copy} +{made} (now {have}) in {time.monotonic() - started:.0f} s")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT max(id) FROM tickets_ticket))"
        )


def spread_loans() -> None:
    """The loans seeder dates returned loans 400–2,000 days back: move them into the last 25 months."""
    from loans.models import Loan, LoanLine

    loan_table, line_table = Loan._meta.db_table, LoanLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.15)")
        cursor.execute(
            f"UPDATE {loan_table} SET started_at = now() - make_interval(secs => random() * 760 * 86400)"
            " WHERE status = 'returned' AND started_at < now() - interval '400 days'"
        )
        cursor.execute(
            f"UPDATE {loan_table} SET due_date = (started_at + interval '180 days')::date,"
            " closed_at = least(started_at + make_interval(days => 10 + (random() * 190)::int), now())"
            " WHERE status = 'returned'"
        )
        cursor.execute(
            f"UPDATE {line_table} l SET returned_at = o.closed_at FROM {loan_table} o"
            " WHERE o.id = l.loan_id AND l.state = 'returned'"
        )
        _say(f"loans: {cursor.rowcount} returned lines spread over 25 months")


def seed(*, tickets: int, base: int, loans: int, answers: int) -> None:
    from icity.demo import seed_people
    from icity.models import User
    from loans.bench_seed import seed_loans_bench
    from loans.models import Loan
    from tickets.demo import seed_reference_data

    rng = random.Random("icity-kpis-bench")
    if User.objects.count() < 50:
        seed_people(rng=rng)
    seed_reference_data(rng=rng)
    seed_tickets(tickets, base, rng)
    if Loan.objects.count() < loans:
        started = time.monotonic()
        made = seed_loans_bench(loans=loans, active=loans // 10, rng=rng)
        _say(f"loans: +{made} in {time.monotonic() - started:.0f} s")
    if Loan.objects.filter(status="returned", started_at__lt=timezone.now() - timedelta(days=800)).exists():
        spread_loans()
    sys.argv = [sys.argv[0]]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import surveys_bench  # the survey benchmark's loader: two closed campaigns

    started = time.monotonic()
    surveys_bench.load(answers * 5 // 6, reset=False)  # it adds a previous campaign with a fifth as many
    _say(f"survey answers in {time.monotonic() - started:.0f} s")
    # The survey benchmark's sections have French titles only: give them the keys SV01-SV03 read.
    from surveys.models import Section

    for title, key in (("Helpdesk", "helpdesk"), ("Matériel", "hardware"), ("Applications", "applications")):
        Section.objects.filter(survey__title_fr=surveys_bench.BENCH_TITLE, title_fr=title, key="").update(key=key)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _say(f"ANALYZE in {time.monotonic() - started:.0f} s")
