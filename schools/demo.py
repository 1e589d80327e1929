"""Demo data for the school PC programme: five schools, a few hundred pupils, devices at every
reconditioning step, a week of collection slots with bookings, a few hand-overs and two return campaigns.

Idempotent: a second run finds the pupils and stops.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assets.models import ProductModel
from assets.services import asset_create, stock_move
from icity.models import Site
from loans.models import LoanTerms

from . import services
from .models import CollectionPoint, EligibilityReason, Pupil, PupilEvent, ReconStep, ReturnCampaign, School
from .services import loans as loan_services

SCHOOLS = [
    ("ecole-fondamentale-1", "École fondamentale n° 1", "Basisschool nr. 1", "Rue du Marais 15, 1000 Bruxelles"),
    ("athenee-adolphe-max", "Athénée Adolphe Max", "Atheneum Adolphe Max", "Boulevard Clovis 60, 1000 Bruxelles"),
    ("lycee-dachsbeck", "Lycée Dachsbeck", "Lyceum Dachsbeck", "Rue de la Paille 4, 1000 Bruxelles"),
    (
        "institut-bischoffsheim",
        "Institut Bischoffsheim",
        "Instituut Bischoffsheim",
        "Rue des Éburons 44, 1000 Bruxelles",
    ),
    ("basisschool-klavertje", "École Klavertje Vier", "Basisschool Klavertje Vier", "Rue Stéphanie 2, 1020 Laeken"),
]
FIRST = [
    "Adam",
    "Aya",
    "Lina",
    "Noah",
    "Sofia",
    "Rayan",
    "Inès",
    "Lucas",
    "Yasmine",
    "Elias",
    "Sara",
    "Mohamed",
    "Emma",
    "Jules",
    "Nour",
    "Louis",
    "Hiba",
    "Arthur",
    "Salma",
    "Milan",
]
LAST = [
    "Amrani",
    "Peeters",
    "Janssens",
    "El Idrissi",
    "Dubois",
    "Maes",
    "Benali",
    "Claes",
    "Lambert",
    "Kaya",
    "Diallo",
    "Wouters",
    "Haddad",
    "Mertens",
    "Bouzid",
    "Leclercq",
    "Ozturk",
    "Goossens",
    "Mahi",
    "Dupont",
]
PUPIL_COUNT = 300
TERMS_FR = (
    "L'ordinateur, son chargeur et sa housse restent la propriété de la Ville de Bruxelles. "
    "Ils sont prêtés à l'élève pour le travail scolaire jusqu'à la fin de l'année scolaire et doivent être rendus "
    "complets et en bon état. Une perte ou un vol est signalé à l'école sans délai."
)
TERMS_NL = (
    "De computer, de lader en de tas blijven eigendom van de Stad Brussel. Ze worden aan de leerling uitgeleend "
    "voor schoolwerk tot het einde van het schooljaar en moeten volledig en in goede staat teruggebracht worden. "
    "Verlies of diefstal wordt onmiddellijk aan de school gemeld."
)
TERMS_EN = (
    "The computer, its charger and its bag remain the property of the City of Brussels. They are lent to the pupil "
    "for schoolwork until the end of the school year and must be returned complete and in good condition. A loss "
    "or theft is reported to the school without delay."
)


def seed_schools(*, rng: random.Random, stdout=None, **kwargs) -> None:
    User = get_user_model()
    technician = User.objects.filter(email="logistics@icity.example").first()
    # Four eyes: a second logistics person signs the QA off (the admin in older demo data).
    reviewer = (
        User.objects.filter(email="logistics2@icity.example").first()
        or User.objects.filter(email="admin@icity.example").first()
    )
    contact = User.objects.filter(email="school@icity.example").first()
    site = Site.objects.filter(kind=Site.Kind.COLLECTION_POINT).order_by("pk").first()
    point, _created = CollectionPoint.objects.get_or_create(
        name_fr="Point de collecte i-CITY",
        defaults={
            "name_nl": "Ophaalpunt i-CITY",
            "address": site.address if site else "Boulevard Anspach 6, 1000 Bruxelles",
            "site": site,
            "opening_hours_fr": "Du lundi au vendredi, de 9 h à 16 h (fermé de 12 h à 13 h).",
            "opening_hours_nl": "Maandag tot vrijdag, van 9 tot 16 uur (gesloten van 12 tot 13 uur).",
        },
    )
    schools = []
    for code, name_fr, name_nl, address in SCHOOLS:
        school, _created = School.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_nl": name_nl, "address": address, "quota": 12}
        )
        schools.append(school)
    if contact is not None:
        for school in schools[:2]:
            school.contacts.add(contact)
    if LoanTerms.current(LoanTerms.Audience.PUPIL_GUARDIAN) is None:
        pupil_terms, _created = LoanTerms.objects.get_or_create(
            version="P-2026-1",
            defaults={
                "audience": LoanTerms.Audience.PUPIL_GUARDIAN,
                "text_fr": TERMS_FR,
                "text_nl": TERMS_NL,
                "text_en": TERMS_EN,
            },
        )
        pupil_terms.publish()
    _return_campaigns(technician)
    if Pupil.objects.exists():
        return
    with transaction.atomic():
        _pupils(schools, rng, contact)
        laptop = (
            ProductModel.objects.filter(name="ProBook 440 G7").first()
            or ProductModel.objects.filter(tracking=ProductModel.Tracking.UNIT, category__code="laptop").first()
        )
        if laptop is None or site is None or technician is None or reviewer is None:
            return
        _stock_pack(site, technician)
        _bench(laptop, site, technician, reviewer, rng)
        services.allocation_run(actor=technician)
        _slots_and_bookings(point, schools, technician, contact, rng)
    if stdout is not None:
        stdout.write(f"  {len(schools)} schools, {Pupil.objects.count()} pupils")


def _return_campaigns(actor) -> None:
    """This school year's return campaign (active, nothing due yet) and last year's, paused."""
    if ReturnCampaign.objects.exists():
        return
    deadline = loan_services.school_year_end()
    loan_services.return_campaign_create(
        actor=actor,
        name=f"Fin d'année scolaire {deadline.year - 1}-{deadline.year}",
        deadline=deadline,
        stages=[-21, -7, 0, 7],
    )
    # Last year's is over: made directly, since the service refuses a deadline in the past.
    ReturnCampaign.objects.create(
        name=f"Fin d'année scolaire {deadline.year - 2}-{deadline.year - 1}",
        deadline=deadline.replace(year=deadline.year - 1),
        stages=[-14, -3, 7],
        is_active=False,
        created_by=actor,
    )


def _pupils(schools, rng, contact) -> None:
    now = timezone.now()
    reasons = EligibilityReason.values
    pupils = []
    for index in range(PUPIL_COUNT):
        school = schools[index % len(schools)]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        status = rng.choices(["approved", "pending", "refused"], weights=[78, 17, 5])[0]
        language = "nl" if school.code.startswith("basisschool") or rng.random() < 0.25 else "fr"
        pupils.append(
            Pupil(
                school=school,
                reference=f"{school.code[:3].upper()}-{2026}{index:04d}",
                first_name=first,
                last_name=last,
                class_name=f"{rng.randint(1, 6)}{rng.choice('ABC')}",
                guardian_name=f"{rng.choice(FIRST)} {last}",
                guardian_email=f"parent{index}@parents.example" if rng.random() < 0.85 else "",
                guardian_phone=f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                language=language,
                eligibility=rng.choice(reasons),
                status=status,
                refusal_reason="Already equipped by another programme" if status == "refused" else "",
                registered_at=now - timedelta(days=rng.randint(1, 60), minutes=index),
                registered_by=contact,
                decided_at=now if status != "pending" else None,
                closed_at=now if status == "refused" else None,
            )
        )
    Pupil.objects.bulk_create(pupils)
    PupilEvent.objects.bulk_create(
        [PupilEvent(pupil=pupil, kind=PupilEvent.Kind.REGISTERED, actor=contact) for pupil in Pupil.objects.all()]
    )


def _stock_pack(site, actor) -> None:
    for name in ("65W USB-C", "Classic 15.6"):
        model = ProductModel.objects.filter(name=name).first()
        if model is not None:
            stock_move(actor=actor, model=model, site=site, kind="receipt", quantity=80, reason="school programme")


# How many donated laptops stop at each bench step; the rest reach "ready".
STEP_COUNTS = [
    (ReconStep.WIPE, 4),
    (ReconStep.TESTS, 3),
    (ReconStep.IMAGE, 3),
    (ReconStep.CLEANING, 3),
    (ReconStep.QA, 4),
    (ReconStep.READY, 40),
]


def _bench(laptop, site, technician, reviewer, rng) -> None:
    number = 0
    for stop, count in STEP_COUNTS:
        for _n in range(count):
            number += 1
            asset = asset_create(
                actor=technician,
                model=laptop,
                site=site,
                serial=f"SCH{rng.randint(10**6, 10**7)}{number}",
                condition="b",
            )
            job = services.recon_job_open(actor=technician, asset=asset, source="donated", serial_seen=asset.serial)
            if stop == ReconStep.WIPE:
                continue
            services.recon_record_wipe(
                actor=technician,
                job=job,
                method=rng.choice(["clear", "purge"]),
                tool="Blancco Drive Eraser 7",
                result="passed",
                verification="Full verification, 100 % sectors read back",
            )
            if stop == ReconStep.TESTS:
                continue
            services.recon_record_tests(
                actor=technician,
                job=job,
                battery_health=rng.randint(62, 98),
                checks=dict.fromkeys(services.TEST_FIELDS, True),
            )
            if stop == ReconStep.IMAGE:
                continue
            services.recon_record_image(actor=technician, job=job, os_image="Ville-Edu Windows 11", os_version="23H2")
            if stop == ReconStep.CLEANING:
                continue
            services.recon_record_cleaning(actor=technician, job=job, cosmetic_grade=rng.choice("ABB"))
            if stop == ReconStep.QA:
                continue
            services.recon_qa_sign_off(actor=reviewer, job=job, site=site)


def _slots_and_bookings(point, schools, technician, contact, rng) -> None:
    today = timezone.localdate()
    plan = services.SlotPlan(
        start_date=today,
        end_date=today + timedelta(days=7),
        day_start=timezone.datetime.strptime("09:00", "%H:%M").time(),
        day_end=timezone.datetime.strptime("16:00", "%H:%M").time(),
        length_minutes=20,
        capacity=3,
        breaks=(
            (timezone.datetime.strptime("12:00", "%H:%M").time(), timezone.datetime.strptime("13:00", "%H:%M").time()),
        ),
    )
    services.slots_generate(point=point, plan=plan)
    slots = list(point.slots.filter(starts_at__gt=timezone.now()).order_by("starts_at")[:60])
    waiting = list(Pupil.objects.filter(allocations__status="reserved").order_by("pk").values_list("pk", flat=True))
    booked = []
    for index, pupil_id in enumerate(waiting[:28]):
        if not slots:
            break
        slot = slots[(index * 2) % len(slots)]
        try:
            booked.append(services.appointment_book(actor=contact if index % 2 else None, pupil=pupil_id, slot=slot))
        except services.ProgrammeError:
            continue
    # A few hand-overs already done, so loans and receipts show.
    for appointment in booked[:6]:
        loan_services.handover_complete(
            actor=technician,
            appointment=appointment,
            scanned_code=appointment.allocation.asset.tag,
            identity_checked=True,
            accepted_name=appointment.pupil.guardian_name,
            accept_terms=True,
        )
