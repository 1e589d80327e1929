"""Demo loans and logistics: loan terms and policies, requests in every status, active, due-soon,
overdue and returned loans, and a day of deliveries. Idempotent: it does nothing once the demo loans exist.
"""

import random
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assets.models import Asset, AssetStatus, Category, Kit, ProductModel, StockLevel
from icity.models import Notification, Site

from . import services
from .models import DeliveryRun, EquipmentRequest, Loan, LoanPolicy, LoanTerms

TERMS = {
    "version": "2026-1",
    "text_fr": (
        "Le matériel reste la propriété de la Ville de Bruxelles. J'en prends soin, je ne le prête pas, "
        "je signale toute perte ou tout vol au helpdesk dans les 24 heures et je le rends à la date prévue "
        "ou quand je quitte la Ville."
    ),
    "text_nl": (
        "Het materiaal blijft eigendom van de Stad Brussel. Ik zorg ervoor, leen het niet uit, meld elk verlies "
        "of elke diefstal binnen 24 uur aan de helpdesk en breng het terug op de afgesproken datum of wanneer "
        "ik de Stad verlaat."
    ),
    "text_en": (
        "The equipment remains the property of the City of Brussels. I look after it, do not lend it, report "
        "any loss or theft to the helpdesk within 24 hours and return it on the due date or when I leave the City."
    ),
}
POLICIES = {"laptop": (365, True), "dock": (365, False), "monitor": (None, False), "headset": (180, False)}


def _free_unit(category: str) -> Asset | None:
    units = Asset.objects.filter(status=AssetStatus.IN_STOCK, model__is_active=True, site__isnull=False)
    if category:
        units = units.filter(model__category__code=category)
    return units.order_by("pk").first()


def seed_loans(*, rng: random.Random, stdout=None, **kwargs) -> None:
    User = get_user_model()
    if Loan.objects.filter(borrower__email="requester@icity.example").exists():
        return
    logistics = User.objects.filter(email="logistics@icity.example").first()
    requester = User.objects.filter(email="requester@icity.example").first()
    if logistics is None or requester is None or not Asset.objects.exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        terms, _created = LoanTerms.objects.get_or_create(version=TERMS["version"], defaults=TERMS)
        if LoanTerms.objects.filter(audience=LoanTerms.Audience.STAFF, is_current=True).count() == 0:
            terms.publish()
        for code, (days, recondition) in POLICIES.items():
            category = Category.objects.filter(code=code).first()
            if category:
                LoanPolicy.objects.get_or_create(
                    category=category, defaults={"loan_days": days, "always_recondition": recondition}
                )
        people = list(User.objects.filter(is_active=True, email__contains="@").exclude(pk=logistics.pk)[:60])
        store = Site.objects.filter(kind__in=[Site.Kind.ICITY_DESK, Site.Kind.WAREHOUSE]).order_by("pk").first()
        made = {"active": 0, "due_soon": 0, "overdue": 0, "returned": 0}
        plan = (
            [("requester", "due_soon"), ("requester", "overdue"), ("requester", "returned"), ("requester", "active")]
            + [("any", "active")] * 8
            + [("any", "due_soon")] * 4
            + [("any", "overdue")] * 6
            + [("any", "returned")] * 5
        )
        for who, kind in plan:
            unit = _free_unit(rng.choice(["laptop", "dock", "laptop"])) or _free_unit("dock") or _free_unit("")
            if unit is None:
                break
            borrower = requester if who == "requester" else rng.choice(people)
            loan = services.loan_check_out(
                actor=logistics,
                borrower=borrower,
                assets=[unit],
                due_date=today + timedelta(days=rng.randint(40, 200)),
                terms=terms,
                accepted_name=borrower.get_full_name() or borrower.email,
            )
            if kind == "due_soon":
                Loan.objects.filter(pk=loan.pk).update(due_date=today + timedelta(days=rng.randint(0, 6)))
            elif kind == "overdue":
                started = timezone.now() - timedelta(days=rng.randint(60, 200))
                Loan.objects.filter(pk=loan.pk).update(
                    started_at=started, due_date=today - timedelta(days=rng.choice([1, 3, 8, 15, 35]))
                )
            elif kind == "returned":
                services.loan_check_in(
                    actor=logistics,
                    site=unit.site or store,
                    items=[services.ReturnItem(line=loan.lines.get(), condition="b")],
                )
            made[kind] += 1
        _seed_requests(rng=rng, logistics=logistics, requester=requester, people=people, store=store)
        _seed_runs(rng=rng, logistics=logistics, people=people, today=today)
        # Demo history, not news: nobody should receive dozens of emails about it on `make run`.
        Notification.objects.filter(
            status=Notification.Status.PENDING,
            dedupe_key__regex=r"^(loan|request|recovery|run):",
        ).update(status=Notification.Status.CANCELLED)
    if stdout is not None:
        stdout.write(
            f"  {Loan.objects.count()} loans, {EquipmentRequest.objects.count()} requests, "
            f"{DeliveryRun.objects.count()} runs"
        )


def _stocked_kit() -> Kit | None:
    for kit in Kit.objects.filter(requestable=True).prefetch_related("items__model").order_by("pk"):
        if all(not item.model.is_unit_tracked for item in kit.items.all()):
            return kit
    return None


def _seed_requests(*, rng, logistics, requester, people, store) -> None:
    manager = requester.manager
    accessory = ProductModel.objects.filter(requestable=True, tracking="quantity").order_by("pk").first()
    approval_model = ProductModel.objects.filter(requestable=True, requires_approval=True).order_by("pk").first()
    if accessory is None:
        return
    stock_site = (
        StockLevel.objects.filter(model=accessory, quantity__gte=5).select_related("site").order_by("pk").first()
    )

    def ask(person, *, model=accessory, **kwargs):
        return services.request_submit(
            actor=person,
            requester=person,
            lines=[services.Wanted(model=model, quantity=1)],
            reason=rng.choice(["Télétravail", "Nouvelle fonction", "Telewerk", "Replacement of a broken one"]),
            **kwargs,
        )

    ask(requester)  # submitted
    if manager and approval_model:
        ask(requester, model=approval_model)  # awaiting approval
        refused = ask(requester, model=approval_model)
        services.request_decide(actor=manager, request=refused, approve=False, reason="Budget épuisé cette année")
    services.request_start_preparing(actor=logistics, request=ask(rng.choice(people)))
    cancelled = ask(rng.choice(people))
    services.request_cancel(actor=cancelled.requester, request=cancelled)
    if stock_site is None:
        return
    ready = ask(requester)
    services.request_prepare(actor=logistics, request=ready, codes=[], stock_site=stock_site.site)
    person = rng.choice(people)
    delivered = ask(person, delivery="home", delivery_address="Rue Haute 120, 1000 Bruxelles")
    services.request_prepare(actor=logistics, request=delivered, codes=[], stock_site=stock_site.site)
    run = services.delivery_plan(
        actor=logistics,
        kind=DeliveryRun.Kind.DELIVERY,
        day=timezone.localdate(),
        window_start=time(10),
        window_end=time(12),
        address=delivered.delivery_address,
        assignee=logistics,
        request=delivered,
    )
    services.delivery_set_status(actor=logistics, run=run, status=DeliveryRun.Status.EN_ROUTE)
    handed = ask(rng.choice(people))
    services.request_prepare(actor=logistics, request=handed, codes=[], stock_site=stock_site.site)
    services.loan_hand_over(actor=logistics, request=handed, accepted_name=str(handed.requester), accept_terms=True)
    closed = ask(rng.choice(people))
    services.request_prepare(actor=logistics, request=closed, codes=[], stock_site=stock_site.site)
    loan = services.loan_hand_over(
        actor=logistics, request=closed, accepted_name=str(closed.requester), accept_terms=True
    )
    services.loan_check_in(
        actor=logistics, site=stock_site.site, items=[services.ReturnItem(line=line) for line in loan.lines.all()]
    )


def _seed_runs(*, rng, logistics, people, today) -> None:
    sites = list(Site.objects.filter(kind=Site.Kind.OFFICE).order_by("pk")[:4])
    for hour in (8, 9, 11, 13, 14, 15):
        person = rng.choice(people)
        services.delivery_plan(
            actor=logistics,
            kind=rng.choice([DeliveryRun.Kind.DELIVERY, DeliveryRun.Kind.PICK_UP]),
            day=today,
            window_start=time(hour),
            window_end=time(hour + 1),
            site=rng.choice(sites) if sites else None,
            address="" if sites else "Boulevard Anspach 6, 1000 Bruxelles",
            assignee=logistics if hour < 12 else None,
            person=person,
            notes=rng.choice(["", "Sonner à l'accueil", "Bij de receptie melden"]),
        )
    holder = (
        get_user_model()
        .objects.filter(loans__lines__state="open", site__isnull=False)
        .exclude(email="requester@icity.example")
        .order_by("pk")
        .first()
    )
    if holder is not None:
        services.recovery_start(actor=logistics, person=holder, reason="telework_end", day=today)
