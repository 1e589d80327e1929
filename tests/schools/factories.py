from datetime import timedelta

import factory
from django.utils import timezone

from assets.models import AssetStatus
from icity.roles import Role
from schools.models import CollectionPoint, Pupil, ReconJob, ReconStep, School, Slot
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"school-{n}")
    name_fr = factory.Sequence(lambda n: f"École {n}")
    name_nl = factory.Sequence(lambda n: f"School {n}")
    quota = 10


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    reference = factory.Sequence(lambda n: f"REF{n:05d}")
    first_name = factory.Sequence(lambda n: f"Lina{n}")
    last_name = factory.Sequence(lambda n: f"Benali{n}")
    class_name = "5B"
    guardian_name = factory.Sequence(lambda n: f"Karim Guardian{n}")
    guardian_email = factory.Sequence(lambda n: f"guardian{n}@parents.example")
    guardian_phone = "+32 470 12 34 56"
    language = "fr"
    eligibility = "no_device"


class CollectionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectionPoint

    name_fr = "Point de collecte"
    name_nl = "Ophaalpunt"
    address = "Boulevard Anspach 6, 1000 Bruxelles"
    site = factory.SubFactory(SiteFactory, kind="collection_point")


def school_with_contact(**fields) -> tuple[School, object]:
    school = SchoolFactory(**fields)
    contact = make_user(Role.SCHOOL_CONTACT, language="en")
    school.contacts.add(contact)
    return school, contact


def approved_pupil(**fields) -> Pupil:
    return PupilFactory(status=Pupil.Status.APPROVED, **fields)


def ready_device(**fields):
    """A unit that went through the bench and QA: in stock, ready for the programme."""
    asset = make_asset(**fields)
    ReconJob.objects.create(asset=asset, step=ReconStep.READY, closed_at=timezone.now())
    assert asset.status == AssetStatus.IN_STOCK
    return asset


def make_slot(*, point=None, in_hours: float = 48, capacity: int = 2, minutes: int = 15) -> Slot:
    start = timezone.now() + timedelta(hours=in_hours)
    return Slot.objects.create(
        point=point or CollectionPointFactory(),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        capacity=capacity,
    )


def allocated_pupil(**fields):
    from schools.services import allocation_reserve

    pupil = approved_pupil(**fields)
    allocation = allocation_reserve(actor=None, pupil=pupil, asset=ready_device())
    return pupil, allocation


def pupil_pack_point():
    """A collection point stocked with the Pupil pack and a published loan agreement, ready for hand-overs."""
    from assets.models import Kit, KitItem
    from loans.models import LoanTerms
    from tests.assets.factories import ProductModelFactory, quantity_model, stock_of

    point = CollectionPointFactory()
    charger, bag = quantity_model(name="65W USB-C"), quantity_model(name="Classic 15.6")
    kit = Kit.objects.create(code="pupil-pack", name_fr="Pack élève", name_nl="Leerlingenpakket")
    KitItem.objects.create(kit=kit, model=ProductModelFactory(), quantity=1)
    KitItem.objects.create(kit=kit, model=charger, quantity=1)
    KitItem.objects.create(kit=kit, model=bag, quantity=1)
    stock_of(charger, point.site, 50)
    stock_of(bag, point.site, 50)
    if LoanTerms.current(LoanTerms.Audience.PUPIL_GUARDIAN) is None:
        LoanTerms.objects.create(
            version="P-2026-1",
            audience=LoanTerms.Audience.PUPIL_GUARDIAN,
            text_fr="Convention de prêt élève.",
            text_nl="Leenovereenkomst leerling.",
        )
    return point


def hand_over(point, actor, **fields):
    """A pupil who received a device at ``point``: returns the ``PupilLoan``."""
    from schools import services
    from schools.services import loans as loan_services

    pupil, allocation = allocated_pupil(**fields)
    appointment = services.appointment_book(actor=None, pupil=pupil, slot=make_slot(point=point, in_hours=1))
    return loan_services.handover_complete(
        actor=actor,
        appointment=appointment,
        scanned_code=allocation.asset.tag,
        identity_checked=True,
        accepted_name="Guardian Name",
        accept_terms=True,
    )
