"""Demo data for the core: City departments, sites, ~200 staff, one account per role.

Idempotent: records are matched by code or email, so running it again changes
nothing. Other apps register their own seeders (see ``icity.registry``).
"""

import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Department, Language, Site, User
from .roles import Role

DEMO_PASSWORD = "icity-demo-2026"
DEMO_DOMAIN = "icity.example"
STAFF_DOMAIN = "brucity.example"

DEPARTMENTS = [
    ("secretariat", "Secrétariat général", "Secretariaat-generaal"),
    ("hr", "Ressources humaines", "Human Resources"),
    ("finances", "Finances", "Financiën"),
    ("urbanisme", "Urbanisme", "Stedenbouw"),
    ("voirie", "Travaux de voirie", "Wegeniswerken"),
    ("instruction", "Instruction publique", "Openbaar Onderwijs"),
    ("culture", "Culture, Jeunesse, Loisirs et Sports", "Cultuur, Jeugd, Ontspanning en Sport"),
    ("demographie", "Démographie", "Demografie"),
    ("economie", "Affaires économiques", "Economische Zaken"),
    ("proprete", "Propreté publique", "Openbare Netheid"),
    ("achats", "Centrale d'achats", "Aankoopcentrale"),
    ("icity", "i-CITY", "i-CITY"),
]

SITES = [
    ("hotel-de-ville", Site.Kind.OFFICE, "Hôtel de Ville", "Stadhuis", "Grand-Place 1, 1000 Bruxelles"),
    (
        "centre-admin",
        Site.Kind.OFFICE,
        "Centre administratif",
        "Administratief Centrum",
        "Boulevard Anspach 6, 1000 Bruxelles",
    ),
    ("icity-desk", Site.Kind.ICITY_DESK, "Guichet i-CITY", "Loket i-CITY", "Boulevard Anspach 6, 1000 Bruxelles"),
    ("laeken", Site.Kind.OFFICE, "Antenne de Laeken", "Antenne Laken", "Place Bockstael 1, 1020 Laeken"),
    (
        "neder-over-heembeek",
        Site.Kind.OFFICE,
        "Antenne de Neder-Over-Heembeek",
        "Antenne Neder-Over-Heembeek",
        "Rue de Lombartzyde 34, 1120 Neder-Over-Heembeek",
    ),
    ("haren", Site.Kind.OFFICE, "Antenne de Haren", "Antenne Haren", "Rue de Cortenbach 11, 1130 Haren"),
    ("depot", Site.Kind.WAREHOUSE, "Entrepôt logistique", "Logistiek magazijn", "Quai des Usines 112, 1000 Bruxelles"),
    (
        "collection-point",
        Site.Kind.COLLECTION_POINT,
        "Point de collecte PC écoles",
        "Ophaalpunt pc's scholen",
        "Boulevard Anspach 6, 1000 Bruxelles",
    ),
]

FIRST_NAMES = [
    "Amina",
    "Benoît",
    "Charlotte",
    "Dirk",
    "Elise",
    "Farid",
    "Griet",
    "Hugo",
    "Inès",
    "Jan",
    "Karim",
    "Lotte",
    "Mathieu",
    "Nadia",
    "Olivier",
    "Pieter",
    "Rania",
    "Sophie",
    "Thomas",
    "Ute",
    "Valérie",
    "Wout",
    "Yasmina",
    "Zoé",
    "Anouk",
    "Bram",
    "Chloé",
    "David",
    "Emma",
    "Fatima",
    "Geert",
    "Hanne",
    "Ilias",
    "Julie",
    "Koen",
    "Laura",
    "Mehdi",
    "Nathalie",
    "Omar",
    "Pauline",
    "Quentin",
    "Sarah",
    "Tom",
    "Véronique",
    "Youssef",
]
LAST_NAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Leclercq",
    "Lejeune",
    "Renard",
    "Lemaire",
    "El Amrani",
    "Benali",
    "Yilmaz",
    "Kaya",
    "Nowak",
    "Rossi",
    "Vermeulen",
    "Van den Broeck",
    "Desmet",
    "Hermans",
]

# One account per role, printed by `make run`.
DEMO_ACCOUNTS = [
    ("requester", "Régine", "Dewulf", [Role.REQUESTER], "urbanisme", Language.FRENCH),
    ("agent", "Alex", "Vandamme", [Role.REQUESTER, Role.AGENT], "icity", Language.FRENCH),
    ("agent2", "Inès", "Claes", [Role.REQUESTER, Role.AGENT], "icity", Language.DUTCH),
    ("logistics", "Lucas", "Verstraeten", [Role.REQUESTER, Role.LOGISTICS], "icity", Language.DUTCH),
    # A second logistics person: the school programme's QA is signed by someone else than the technician.
    ("logistics2", "Sofia", "Moreau", [Role.REQUESTER, Role.LOGISTICS], "icity", Language.FRENCH),
    ("manager", "Marie", "Lambert", [Role.REQUESTER, Role.MANAGER], "urbanisme", Language.FRENCH),
    ("school", "Samira", "Haddad", [Role.SCHOOL_CONTACT], "instruction", Language.FRENCH),
    ("admin", "Ada", "Admin", [Role.REQUESTER, Role.ADMIN], "icity", Language.ENGLISH),
]

STAFF_COUNT = 200


def _groups() -> dict[str, Group]:
    # The roles migration creates them; get_or_create keeps the seeder safe after a flush.
    return {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}


@transaction.atomic
def seed_people(*, rng: random.Random, **kwargs) -> None:
    for code, name_fr, name_nl in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name_fr": name_fr, "name_nl": name_nl})
    for code, kind, name_fr, name_nl, address in SITES:
        Site.objects.update_or_create(
            code=code, defaults={"kind": kind, "name_fr": name_fr, "name_nl": name_nl, "address": address}
        )
    departments = {department.code: department for department in Department.objects.all()}
    sites = list(Site.objects.filter(kind=Site.Kind.OFFICE))
    groups = _groups()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing 200 times takes a minute

    for key, first, last, roles, department_code, language in DEMO_ACCOUNTS:
        user, _created = User.objects.update_or_create(
            email=f"{key}@{DEMO_DOMAIN}",
            defaults={
                "first_name": first,
                "last_name": last,
                "department": departments[department_code],
                "site": sites[0],
                "language": language,
                "password": password,
                "is_staff": Role.ADMIN in roles,
                "is_superuser": Role.ADMIN in roles,
            },
        )
        user.groups.set([groups[role] for role in roles])

    manager = User.objects.get(email=f"manager@{DEMO_DOMAIN}")
    User.objects.filter(email=f"requester@{DEMO_DOMAIN}").update(manager=manager)

    if User.objects.filter(email__endswith=f"@{STAFF_DOMAIN}").count() >= STAFF_COUNT:
        return
    department_managers: dict[str, User] = {"urbanisme": manager}
    staff = []
    seen = set(User.objects.filter(email__endswith=f"@{STAFF_DOMAIN}").values_list("email", flat=True))
    while len(seen) < STAFF_COUNT:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("è", "e").replace("ï", "i")
        email = f"{email}{rng.randint(1, 99)}@{STAFF_DOMAIN}"
        if email in seen:
            continue
        seen.add(email)
        department_code = rng.choice(list(departments))
        staff.append(
            User(
                email=email,
                first_name=first,
                last_name=last,
                department=departments[department_code],
                site=rng.choice(sites),
                language=rng.choices([Language.FRENCH, Language.DUTCH, Language.ENGLISH], weights=[65, 30, 5])[0],
                phone=f"+32 2 279 {rng.randint(10, 99)} {rng.randint(10, 99)}",
                password=password,
            )
        )
    User.objects.bulk_create(staff)
    created = list(User.objects.filter(email__in=[user.email for user in staff]).order_by("id"))
    for user in created:
        code = user.department.code
        if code not in department_managers:
            department_managers[code] = user
        else:
            user.manager = department_managers[code]
    User.objects.bulk_update(created, ["manager"])
    memberships = [User.groups.through(user_id=user.id, group_id=groups[Role.REQUESTER].id) for user in created]
    # The first of each department leads it; a few in i-CITY work the helpdesk and logistics.
    for leader in department_managers.values():
        if leader in created:
            memberships.append(User.groups.through(user_id=leader.id, group_id=groups[Role.MANAGER].id))
    icity_staff = [
        user for user in created if user.department.code == "icity" and user not in department_managers.values()
    ]
    for index, user in enumerate(icity_staff):
        role = Role.AGENT if index % 3 else Role.LOGISTICS
        memberships.append(User.groups.through(user_id=user.id, group_id=groups[role].id))
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
