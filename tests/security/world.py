"""One small world for the permission matrix (issue 20): an object of every kind the URLconf takes.

Everything here belongs to other people: a requester who is not the one asking,
a school whose contact is not the one asking, a draft article written by an
agent who is not the one asking. The people who ask (one per role) own nothing.
"""

from dataclasses import dataclass, field
from datetime import date, time

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from icity.roles import Role
from tests.factories import SiteFactory, make_user

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class World:
    """The objects the URL kwargs are built from (``ids``) and the people who ask (``people``)."""

    ids: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


def _tickets(world: World, owner, owner_agent) -> None:
    from tests.tickets.factories import open_ticket
    from tickets import services

    ticket = open_ticket(owner)
    attachment = services.attachment_add(
        ticket=ticket, uploaded_by=owner, upload=SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    )
    world.ids.update(reference=ticket.reference, attachment_id=attachment.pk, ticket=ticket)
    from tickets.models import Category, Team

    team = Team.objects.create(name="Matrix team")
    team.members.add(owner_agent)
    category = Category.objects.create(name_fr="Matrice", name_nl="Matrix", default_team=team)
    world.ids.update(ticket_team=team.pk, ticket_category=category.pk)


def _knowledge(world: World, author, publisher) -> None:
    from knowledge import services
    from knowledge.models import Version
    from tests.knowledge.conftest import make_article

    draft = make_article(author, title="Brouillon interne")
    item = services.article_file_add(
        article=draft, uploaded_by=author, upload=SimpleUploadedFile("x.png", PNG, content_type="image/png")
    )
    version = Version.objects.filter(translation__article=draft).first()
    world.ids.update(article_id=draft.pk, file_id=item.pk, version_id=version.pk)


def _assets_and_loans(world: World, owner, logistics_owner) -> None:
    from assets.models import ImportBatch
    from assets.services import stocktake_start
    from loans import services
    from loans.models import DeliveryRun, Receipt
    from tests.assets.factories import make_asset, quantity_model, stock_of
    from tests.loans.loan_factories import laptop_model, telework_kit, terms

    terms()
    site = SiteFactory()
    kit, kit_site, _items = telework_kit(site=site)
    request = services.request_submit(actor=owner, requester=owner, lines=[services.Wanted(kit=kit)], reason="x")
    laptop = make_asset(model=laptop_model(), site=site, tag="IC-777001")
    loan = services.loan_check_out(actor=logistics_owner, borrower=owner, assets=[laptop])
    receipt = Receipt.objects.filter(loan=loan).first()
    run = DeliveryRun.objects.create(
        kind=DeliveryRun.Kind.DELIVERY, date=date(2026, 12, 7), window_start=time(9), window_end=time(11), site=site
    )
    model = quantity_model()
    stock_of(model, site, 3)
    stocktake = stocktake_start(actor=logistics_owner, site=SiteFactory())
    batch = ImportBatch(kind="assets", original_name="a.csv", headers=["tag"], created_by=logistics_owner)
    batch.file.save("a.csv", ContentFile(b"tag\nIC-1\n"))
    world.ids.update(
        request=request.pk,
        loan=loan.pk,
        receipt=receipt.pk if receipt else 0,
        run=run.pk,
        tag=make_asset(site=site, tag="IC-424242").tag,
        product_model=model.pk,
        category=model.category_id,
        kit=kit.pk,
        asset=laptop.pk,
        stock_level=model.stock_levels.get().pk,
        stocktake=stocktake.pk,
        import_batch=batch.pk,
    )
    from assets.models import StockMovement

    world.ids["stock_movement"] = StockMovement.objects.filter(level__model=model).first().pk


def _schools(world: World, logistics_owner) -> None:
    from schools import services
    from schools.models import ReconJob, ReturnCampaign
    from tests.schools.factories import hand_over, make_slot, pupil_pack_point, school_with_contact

    school, _contact = school_with_contact()
    point = pupil_pack_point()
    pupil_loan = hand_over(point, logistics_owner, school=school)
    pupil = pupil_loan.pupil
    from tests.schools.factories import allocated_pupil

    other_pupil, allocation = allocated_pupil(school=school)
    slot = make_slot(point=point)
    appointment = services.appointment_book(actor=None, pupil=other_pupil, slot=slot)
    _link, guardian_token = services.guardian_link_issue(actor=None, pupil=other_pupil, send=False)
    job = ReconJob.objects.filter(asset=allocation.asset).first()
    campaign = ReturnCampaign.objects.create(name="2026", deadline=date(2027, 6, 30), stages=[-14, -7, 0, 7])
    world.ids.update(
        school=school.pk,
        pupil=pupil.pk,
        allocation=allocation.pk,
        job=job.pk,
        appointment=appointment.pk,
        pupil_loan=pupil_loan.pk,
        slot=slot.pk,
        return_campaign=campaign.pk,
        guardian_token=guardian_token,
    )


def _surveys(world: World, owner, team_lead) -> None:
    from surveys.models import CsatFollowUp, Invitation, Section, TicketRating
    from tests.surveys.factories import make_campaign

    campaign = make_campaign()
    invitation = Invitation.objects.create(campaign=campaign, user=owner)
    ticket = world.ids["ticket"]
    from datetime import timedelta

    from tickets.models import Team

    team = Team.objects.get(pk=world.ids["ticket_team"])
    now = timezone.now()
    rating = TicketRating.objects.create(
        ticket=ticket,
        requester=owner,
        team=team,
        status="answered",
        token=TicketRating.new_token(),
        invited_at=now,
        expires_at=now + timedelta(days=14),
        rating=1,
        answered_at=now,
    )
    team.lead = team_lead
    team.save()
    follow_up = CsatFollowUp.objects.create(rating=rating, ticket=ticket, team=team, lead=team_lead)
    world.ids.update(
        survey=campaign.survey_id,
        section=Section.objects.filter(survey=campaign.survey).first().pk,
        campaign=campaign.pk,
        invitation_token=invitation.token,
        csat_token=rating.token,
        follow_up=follow_up.pk,
    )


def _kpis(world: World) -> None:
    from kpis.reports import services

    month = date(2026, 3, 1)
    services.report_prepare(month=month)
    world.ids.update(month="2026-03", kpi_code="HD-01")


def build_world() -> World:
    world = World()
    owner = make_user(Role.REQUESTER, email="owner@icity.example", first_name="Owner")
    owner_agent = make_user(Role.REQUESTER, Role.AGENT, email="owner-agent@icity.example")
    publisher = make_user(Role.REQUESTER, Role.AGENT, email="publisher@icity.example")
    logistics_owner = make_user(Role.REQUESTER, Role.LOGISTICS, email="owner-logistics@icity.example")
    team_lead = make_user(Role.REQUESTER, Role.AGENT, Role.MANAGER, email="lead@icity.example")
    from icity.tokens import api_token_issue

    token, _key = api_token_issue(user=owner, name="owner's laptop")
    world.ids.update(token=token.pk, role="manager", now=timezone.now())
    _tickets(world, owner, owner_agent)
    _knowledge(world, owner_agent, publisher)
    _assets_and_loans(world, owner, logistics_owner)
    _schools(world, logistics_owner)
    _surveys(world, owner, team_lead)
    _kpis(world)
    world.people = {
        "anonymous": None,
        "requester": make_user(Role.REQUESTER, email="m-requester@icity.example"),
        "agent": make_user(Role.REQUESTER, Role.AGENT, email="m-agent@icity.example"),
        "logistics": make_user(Role.REQUESTER, Role.LOGISTICS, email="m-logistics@icity.example"),
        "school_contact": _other_school_contact(),
        "manager": make_user(Role.REQUESTER, Role.MANAGER, email="m-manager@icity.example"),
        "admin": make_user(Role.REQUESTER, Role.ADMIN, is_staff=True, is_superuser=True, email="m-admin@icity.ex"),
    }
    return world


def _other_school_contact():
    """A school contact of another school: the pupils above are not theirs."""
    from tests.schools.factories import school_with_contact

    _school, contact = school_with_contact()
    return contact
