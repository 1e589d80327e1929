"""Demo data for the helpdesk: teams, categories, SLA policies, canned responses, tickets.

Tickets are written with bulk_create (thousands in seconds); the same generator
backs ``manage.py seed_tickets --count 100000`` for the benchmark.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from icity.models import User
from icity.roles import Role

from . import sla
from .models import (
    OPEN_STATUSES,
    CannedResponse,
    Category,
    Channel,
    Comment,
    ReferenceCounter,
    SlaPolicy,
    Status,
    Team,
    Ticket,
    TimelineEvent,
)

DEMO_TICKETS = 3000

# (French name, Dutch name, English name, email, auto-assign)
TEAMS = [
    ("Helpdesk niveau 1", "Helpdesk niveau 1", "Helpdesk level 1", "helpdesk@icity.example", True),
    ("Postes de travail (niveau 2)", "Werkposten (niveau 2)", "Workstations (level 2)", "", False),
    ("Réseau et téléphonie", "Netwerk en telefonie", "Network and telephony", "reseau@icity.example", False),
    ("Applications métier", "Bedrijfstoepassingen", "Business applications", "", False),
]

# (parent FR, parent NL, child FR, child NL, team index, kind, guidance FR, guidance NL, sample titles)
CATEGORIES = [
    (
        "Poste de travail",
        "Werkpost",
        "PC ou portable en panne",
        "Pc of laptop defect",
        1,
        "incident",
        "Indiquez le numéro d'inventaire (étiquette i-CITY) et le message d'erreur éventuel.",
        "Vermeld het inventarisnummer (i-CITY-etiket) en de eventuele foutmelding.",
        ["Mon PC ne démarre plus", "Écran bleu au démarrage", "Portable très lent", "Pc start niet meer op"],
    ),
    (
        "Poste de travail",
        "Werkpost",
        "Imprimante",
        "Printer",
        0,
        "incident",
        "Donnez l'emplacement de l'imprimante (bâtiment, étage) et son nom affiché.",
        "Geef de plaats van de printer (gebouw, verdieping) en de getoonde naam.",
        ["Imprimante du 2e étage bloquée", "Bourrage papier permanent", "Printer drukt niet af"],
    ),
    (
        "Comptes et accès",
        "Accounts en toegang",
        "Mot de passe",
        "Wachtwoord",
        0,
        "request",
        "Ne communiquez jamais votre mot de passe, même au helpdesk.",
        "Deel nooit uw wachtwoord, ook niet met de helpdesk.",
        ["Compte bloqué", "Mot de passe expiré", "Wachtwoord vergeten"],
    ),
    (
        "Comptes et accès",
        "Accounts en toegang",
        "Accès à un dossier partagé",
        "Toegang tot een gedeelde map",
        0,
        "request",
        "Indiquez le chemin du dossier et l'accord de votre chef de service.",
        "Vermeld het pad van de map en het akkoord van uw diensthoofd.",
        ["Accès au dossier Urbanisme", "Toegang tot map Financiën"],
    ),
    (
        "Réseau",
        "Netwerk",
        "Wifi et VPN",
        "Wifi en VPN",
        2,
        "incident",
        "Précisez le site, l'heure du problème et si vos collègues sont touchés.",
        "Vermeld de site, het tijdstip en of uw collega's ook getroffen zijn.",
        ["VPN se déconnecte", "Pas de wifi à Laeken", "Geen netwerk in vergaderzaal"],
    ),
    (
        "Réseau",
        "Netwerk",
        "Téléphonie",
        "Telefonie",
        2,
        "incident",
        "Indiquez le numéro de poste concerné.",
        "Vermeld het betrokken toestelnummer.",
        ["Téléphone fixe muet", "Transfert d'appel impossible", "Teams-oproepen vallen weg"],
    ),
    (
        "Applications",
        "Toepassingen",
        "Application métier",
        "Bedrijfstoepassing",
        3,
        "incident",
        "Nom de l'application, écran concerné et capture d'écran de l'erreur.",
        "Naam van de toepassing, betrokken scherm en schermafdruk van de fout.",
        ["Erreur dans le logiciel état civil", "Export Excel impossible", "Foutmelding in de boekhouding"],
    ),
    (
        "Applications",
        "Toepassingen",
        "Installation de logiciel",
        "Software-installatie",
        1,
        "request",
        "Nom et version du logiciel, et pourquoi vous en avez besoin.",
        "Naam en versie van de software, en waarom u die nodig hebt.",
        ["Installer QGIS", "Installation d'Acrobat Pro", "Nieuwe versie van Teams"],
    ),
]

# "Report a problem" from My equipment preselects this one (Category.for_equipment).
EQUIPMENT_CATEGORY = "PC ou portable en panne"

CANNED = [
    (
        "Accusé de réception",
        "Bonjour {requester_name},\n\nNous avons bien reçu votre demande {reference} et nous la traitons.\n\n{agent_name}, i-CITY",
        "Hallo {requester_name},\n\nWe hebben uw aanvraag {reference} goed ontvangen en behandelen ze.\n\n{agent_name}, i-CITY",
        "Hello {requester_name},\n\nWe have received your request {reference} and are working on it.\n\n{agent_name}, i-CITY",
    ),
    (
        "Redémarrer le poste",
        "Bonjour {requester_name},\n\nPouvez-vous redémarrer complètement votre PC et nous dire si « {title} » persiste ?\n\n{agent_name}",
        "Hallo {requester_name},\n\nKunt u uw pc volledig herstarten en ons laten weten of « {title} » blijft?\n\n{agent_name}",
        "Hello {requester_name},\n\nCould you fully restart your PC and tell us whether “{title}” persists?\n\n{agent_name}",
    ),
    (
        "Problème résolu",
        "Bonjour {requester_name},\n\nLe problème {reference} est résolu. N'hésitez pas à nous dire s'il revient.\n\n{agent_name}",
        "Hallo {requester_name},\n\nHet probleem {reference} is opgelost. Laat het ons weten als het terugkomt.\n\n{agent_name}",
        "Hello {requester_name},\n\nIssue {reference} is resolved. Tell us if it comes back.\n\n{agent_name}",
    ),
]

REPLIES = [
    "Nous regardons cela.",
    "Pouvez-vous envoyer une capture d'écran ?",
    "Le technicien passe demain matin.",
    "Wij bekijken het.",
    "Merci, cela fonctionne à nouveau.",
    "Toujours le même problème.",
]


@transaction.atomic
def seed_reference_data(*, rng: random.Random | None = None) -> list[Team]:
    teams = []
    agents = list(User.objects.filter(groups__name=Role.AGENT, is_active=True).order_by("pk"))
    demo_agent = User.objects.filter(email="agent@icity.example").first()
    # The second demo agent shares "Postes de travail (niveau 2)" with the first: overlapping teams.
    demo_agent2 = User.objects.filter(email="agent2@icity.example").first()
    # The demo support manager leads the first two teams, so their queue is not empty.
    demo_manager = User.objects.filter(email="manager@icity.example").first()
    manager = User.objects.filter(groups__name=Role.MANAGER, department__code="icity").first()
    for index, (name, name_nl, name_en, email, auto_assign) in enumerate(TEAMS):
        team, _created = Team.objects.get_or_create(
            name=name, defaults={"name_nl": name_nl, "name_en": name_en, "email": email, "auto_assign": auto_assign}
        )
        if not team.name_nl:
            # A database seeded before the teams had Dutch and English names gets them.
            team.name_nl, team.name_en = name_nl, name_en
            team.save(update_fields=["name_nl", "name_en"])
        teams.append(team)
        members = agents[index :: len(TEAMS)]
        if demo_agent is not None and index < 2:
            members.append(demo_agent)
        if demo_agent2 is not None and index in (1, 2):
            members.append(demo_agent2)
        team.members.add(*members)
        lead = demo_manager if demo_manager is not None and index < 2 else manager
        if team.lead_id is None or (lead is demo_manager and team.lead_id != lead.pk):
            team.lead = lead or members[0]
            team.save(update_fields=["lead"])
    for parent_fr, parent_nl, child_fr, child_nl, team_index, kind, guidance_fr, guidance_nl, _titles in CATEGORIES:
        parent, _created = Category.objects.get_or_create(
            name_fr=parent_fr, parent=None, defaults={"name_nl": parent_nl, "default_team": teams[0]}
        )
        Category.objects.get_or_create(
            name_fr=child_fr,
            parent=parent,
            defaults={
                "name_nl": child_nl,
                "default_team": teams[team_index],
                "kind": kind,
                "guidance_fr": guidance_fr,
                "guidance_nl": guidance_nl,
            },
        )
    if not Category.objects.filter(for_equipment=True).exists():
        Category.objects.filter(name_fr=EQUIPMENT_CATEGORY, parent__isnull=False).update(for_equipment=True)
    for priority, targets in settings.TICKETS_DEFAULT_SLA_MINUTES.items():
        SlaPolicy.objects.get_or_create(
            priority=priority,
            defaults={
                "first_response_minutes": targets["first_response"],
                "resolution_minutes": targets["resolution"],
            },
        )
    for title, fr, nl, en in CANNED:
        CannedResponse.objects.get_or_create(
            title=title, team=None, defaults={"body_fr": fr, "body_nl": nl, "body_en": en}
        )
    return teams


def _status_for(age_days: float, rng: random.Random) -> str:
    if age_days > 30:
        return rng.choices([Status.CLOSED, Status.CANCELLED, Status.RESOLVED], weights=[90, 5, 5])[0]
    if age_days > 7:
        return rng.choices(
            [Status.CLOSED, Status.RESOLVED, Status.IN_PROGRESS, Status.WAITING_REQUESTER, Status.WAITING_THIRD_PARTY],
            weights=[55, 15, 15, 10, 5],
        )[0]
    return rng.choices(
        [Status.NEW, Status.IN_PROGRESS, Status.WAITING_REQUESTER, Status.WAITING_THIRD_PARTY, Status.RESOLVED],
        weights=[30, 40, 12, 8, 10],
    )[0]


def generate_tickets(*, count: int, rng: random.Random, now: datetime | None = None, batch_size: int = 2000) -> int:
    """Create ``count`` tickets spread over the last year, with replies and a timeline."""
    now = now or timezone.now()
    categories = list(Category.objects.filter(parent__isnull=False).select_related("default_team"))
    if not categories:
        return 0
    titles = {c.name_fr: row[8] for c in categories for row in CATEGORIES if row[2] == c.name_fr}
    requesters = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    team_members = {
        team.pk: list(team.members.filter(is_active=True).values_list("pk", flat=True)) for team in Team.objects.all()
    }
    policies = {p.priority: (p.first_response_minutes, p.resolution_minutes) for p in SlaPolicy.objects.all()}
    matrix = settings.TICKETS_PRIORITY_MATRIX
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        with transaction.atomic():
            created += _generate_batch(size, rng, now, categories, titles, requesters, team_members, policies, matrix)
    return created


def _generate_batch(size, rng, now, categories, titles, requesters, team_members, policies, matrix) -> int:
    rows = []
    for _ in range(size):
        age_days = min(rng.expovariate(1 / 60), 364)
        opened = now - timedelta(days=age_days, minutes=rng.randint(0, 600))
        category = rng.choice(categories)
        impact = rng.choices(["low", "medium", "high"], weights=[70, 25, 5])[0]
        urgency = rng.choices(["low", "medium", "high"], weights=[30, 55, 15])[0]
        priority = matrix[impact][urgency]
        first_target, resolution_target = policies.get(priority) or (
            settings.TICKETS_DEFAULT_SLA_MINUTES[priority]["first_response"],
            settings.TICKETS_DEFAULT_SLA_MINUTES[priority]["resolution"],
        )
        status = _status_for(age_days, rng)
        team = category.default_team
        members = team_members.get(team.pk, []) if team else []
        assignee = rng.choice(members) if members and status != Status.NEW else None
        requester = rng.choice(requesters)
        title = rng.choice(titles.get(category.name_fr) or ["Problème informatique"])
        ticket = Ticket(
            requester_id=requester,
            opened_by_id=requester,
            channel=rng.choices(Channel.values, weights=[80, 10, 8, 2])[0],
            kind=category.kind,
            title=title,
            description=f"{title}. Merci de votre aide. / Bedankt voor uw hulp.",
            category=category,
            impact=impact,
            urgency=urgency,
            priority=priority,
            team=team,
            assignee_id=assignee,
            status=status,
            created_at=opened,
            updated_at=opened,
            first_response_due=sla.add_business_minutes(opened, first_target),
            first_response_warn_at=sla.add_business_minutes(opened, int(first_target * 0.75)),
            resolution_due=sla.add_business_minutes(opened, resolution_target),
            resolution_warn_at=sla.add_business_minutes(opened, int(resolution_target * 0.75)),
        )
        past = status not in OPEN_STATUSES or ticket.resolution_due < now
        ticket.first_response_warned = ticket.resolution_warned = ticket.resolution_breached = past
        ticket.first_response_breached = past
        if status != Status.NEW:
            ticket.first_response_at = min(opened + timedelta(minutes=rng.randint(5, 600)), now)
        if status in (Status.RESOLVED, Status.CLOSED):
            ticket.resolved_at = min(opened + timedelta(hours=rng.randint(1, 72)), now)
            ticket.updated_at = ticket.resolved_at
        if status == Status.CLOSED:
            ticket.closed_at = min(ticket.resolved_at + timedelta(days=5), now)
            ticket.updated_at = ticket.closed_at
        if status in (Status.WAITING_REQUESTER, Status.WAITING_THIRD_PARTY):
            ticket.sla_paused_since = ticket.first_response_at
        if status == Status.WAITING_REQUESTER:
            ticket.waiting_reminder_at = sla.add_business_days(ticket.first_response_at, 3)
            ticket.waiting_autoresolve_at = sla.add_business_days(ticket.first_response_at, 10)
        ticket.time_spent_minutes = rng.choice([0, 10, 15, 30, 45, 60]) if assignee else 0
        rows.append(ticket)
    rows.sort(key=lambda ticket: ticket.created_at)
    _number(rows)
    for ticket in rows:
        ticket.search_document = f"{ticket.reference}\n{ticket.title}\n{ticket.description}"
    Ticket.objects.bulk_create(rows, batch_size=1000)
    saved = {
        t.reference: t.pk for t in Ticket.objects.filter(reference__in=[t.reference for t in rows]).only("reference")
    }
    comments, events = [], []
    for ticket in rows:
        ticket.pk = saved[ticket.reference]
        events.append(
            TimelineEvent(
                ticket_id=ticket.pk,
                actor_id=ticket.requester_id,
                field="created",
                new_value=ticket.reference,
                created_at=ticket.created_at,
            )
        )
        events += _status_events(ticket)
        if ticket.first_response_at and ticket.assignee_id:
            for n in range(rng.randint(1, 3)):
                author = ticket.assignee_id if n % 2 == 0 else ticket.requester_id
                comments.append(
                    Comment(
                        ticket_id=ticket.pk,
                        author_id=author,
                        body=rng.choice(REPLIES),
                        is_internal=author == ticket.assignee_id and rng.random() < 0.2,
                        created_at=ticket.first_response_at + timedelta(minutes=30 * n),
                    )
                )
    Comment.objects.bulk_create(comments, batch_size=2000)
    TimelineEvent.objects.bulk_create(events, batch_size=2000)
    return len(rows)


def _status_events(ticket: Ticket) -> list[TimelineEvent]:
    """The status changes the services would have written: the KPIs read them from the timeline."""
    if ticket.status == Status.NEW:
        return []
    started = ticket.first_response_at or ticket.created_at
    if ticket.resolved_at:
        started = min(started, ticket.resolved_at)
    steps = [(started, Status.NEW, Status.IN_PROGRESS)]
    if ticket.resolved_at:
        steps.append((ticket.resolved_at, Status.IN_PROGRESS, Status.RESOLVED))
    if ticket.closed_at:
        steps.append((ticket.closed_at, Status.RESOLVED, Status.CLOSED))
    if ticket.status not in (Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
        steps.append((max(ticket.updated_at, started), Status.IN_PROGRESS, ticket.status))
    return [
        TimelineEvent(
            ticket_id=ticket.pk,
            actor_id=ticket.assignee_id,
            field="status",
            old_value=old,
            new_value=new,
            created_at=at,
        )
        for at, old, new in steps
    ]


def _number(rows: list[Ticket]) -> None:
    """Give references in opening order, continuing each year's numbers (``ReferenceCounter.take``)."""
    by_year: dict[int, list[Ticket]] = {}
    for ticket in rows:
        by_year.setdefault(timezone.localtime(ticket.created_at).year, []).append(ticket)
    for year, tickets in by_year.items():
        for ticket, number in zip(tickets, ReferenceCounter.take(year, len(tickets)), strict=True):
            ticket.reference = f"HD-{year}-{number:06d}"


def seed_tickets(*, rng: random.Random, stdout=None, **kwargs) -> None:
    """The registered seeder: idempotent (tops up to DEMO_TICKETS)."""
    seed_reference_data(rng=rng)
    missing = DEMO_TICKETS - Ticket.objects.count()
    if missing > 0:
        made = generate_tickets(count=missing, rng=rng)
        if stdout is not None:
            stdout.write(f"  {made} tickets")
    linked = link_demo_laptops()
    if stdout is not None and linked:
        stdout.write(f"  {linked} tickets linked to their requester's laptop")


DEMO_LINKED_TICKETS = 25


def link_demo_laptops() -> int:
    """Link the latest ticket of a few laptop holders to their laptop (idempotent: ignores existing links)."""
    from assets.models import Asset

    laptops = {}
    for asset_id, holder_id in (
        Asset.objects.filter(model__category__code="laptop", holder__isnull=False)
        .order_by("tag")
        .values_list("id", "holder_id")
    ):
        laptops.setdefault(holder_id, asset_id)
    through = Ticket.linked_assets.through
    rows = []
    for holder_id, asset_id in list(laptops.items())[:DEMO_LINKED_TICKETS]:
        ticket_id = (
            Ticket.objects.filter(requester_id=holder_id).order_by("-created_at").values_list("id", flat=True).first()
        )
        if ticket_id is not None:
            rows.append(through(ticket_id=ticket_id, asset_id=asset_id))
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
