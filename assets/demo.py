"""Demo inventory: the catalogue, a few hundred units across statuses and sites, stock, the two kits.

Idempotent: catalogue rows are matched by name or code, and units are only
created while fewer than the target exist. ``bulk_seed_assets`` is the fast
path the ``seed_assets`` command and the benchmark use for 100,000 units.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from icity.models import Site

from .models import (
    Asset,
    AssetEvent,
    AssetStatus,
    Category,
    Kit,
    KitItem,
    Manufacturer,
    ProductModel,
    StockLevel,
    TagCounter,
)
from .services import TAG_PREFIX, asset_assign, asset_change_status, asset_create, stock_move

CATEGORIES = [
    ("laptop", "Ordinateur portable", "Laptop"),
    ("desktop", "Ordinateur fixe", "Desktop"),
    ("monitor", "Écran", "Beeldscherm"),
    ("dock", "Station d'accueil", "Dockingstation"),
    ("headset", "Casque-micro", "Headset"),
    ("webcam", "Webcam", "Webcam"),
    ("phone", "Smartphone", "Smartphone"),
    ("tablet", "Tablette", "Tablet"),
    ("mouse", "Souris", "Muis"),
    ("keyboard", "Clavier", "Toetsenbord"),
    ("bag", "Sacoche", "Laptoptas"),
    ("charger", "Chargeur", "Lader"),
]
# (manufacturer, name, category, tracking, cpu, ram, storage, requestable, approval)
UNIT, QTY = ProductModel.Tracking.UNIT, ProductModel.Tracking.QUANTITY
MODELS = [
    ("Dell", "Latitude 5440", "laptop", UNIT, "Intel Core i5-1345U", 16, 512, True, True),
    ("Lenovo", "ThinkPad E14 Gen 5", "laptop", UNIT, "AMD Ryzen 5 7530U", 16, 512, True, True),
    ("HP", "ProBook 440 G7", "laptop", UNIT, "Intel Core i5-10210U", 8, 256, False, False),
    ("Dell", "OptiPlex 7010", "desktop", UNIT, "Intel Core i5-13500", 16, 512, False, False),
    ("Dell", "P2423D", "monitor", UNIT, "", None, None, True, False),
    ("Dell", "WD19S", "dock", UNIT, "", None, None, True, False),
    ("Samsung", "Galaxy Tab A9+", "tablet", UNIT, "", 4, 64, False, False),
    ("Samsung", "Galaxy A35", "phone", UNIT, "", 6, 128, True, True),
    ("Jabra", "Evolve2 30", "headset", QTY, "", None, None, True, False),
    ("Logitech", "C270 HD", "webcam", QTY, "", None, None, True, False),
    ("Logitech", "M185", "mouse", QTY, "", None, None, True, False),
    ("Logitech", "K120", "keyboard", QTY, "", None, None, True, False),
    ("Targus", "Classic 15.6", "bag", QTY, "", None, None, True, False),
    ("Dell", "65W USB-C", "charger", QTY, "", None, None, False, False),
]
KITS = [
    (
        "telework-pack",
        "Pack télétravail",
        "Telewerkpakket",
        "Laptop, dock, headset, webcam, mouse, keyboard and bag for working from home.",
        [
            ("Latitude 5440", 1),
            ("WD19S", 1),
            ("Evolve2 30", 1),
            ("C270 HD", 1),
            ("M185", 1),
            ("K120", 1),
            ("Classic 15.6", 1),
        ],
    ),
    (
        "pupil-pack",
        "Pack élève",
        "Leerlingenpakket",
        "A reconditioned laptop with its charger and bag, lent to a City school pupil.",
        [("ProBook 440 G7", 1), ("65W USB-C", 1), ("Classic 15.6", 1)],
    ),
]
# Handed out by the school PC programme, never asked for by staff on the request form.
PROGRAMME_KITS = {"pupil-pack"}
DEMO_ASSET_COUNT = 300
CONTRACTS = ["MP-2019-041", "MP-2020-007", "MP-2020-113", "MP-2021-058", "MP-2022-012"]
SUPPLIERS = ["Econocom", "Bechtle", "Realdolmen", "Dell Belgium"]
# Roughly how the City's fleet is spread over statuses.
STATUS_WEIGHTS = [
    (AssetStatus.IN_STOCK, 40),
    (AssetStatus.ON_LOAN, 35),
    (AssetStatus.IN_REPAIR, 5),
    (AssetStatus.RECONDITIONING, 8),
    (AssetStatus.RESERVED, 4),
    (AssetStatus.RETIRED, 5),
    (AssetStatus.LOST, 2),
    (AssetStatus.DISPOSED, 1),
]


def ensure_catalogue() -> dict[str, ProductModel]:
    categories = {}
    for code, name_fr, name_nl in CATEGORIES:
        categories[code], _created = Category.objects.get_or_create(
            code=code, defaults={"name_fr": name_fr, "name_nl": name_nl}
        )
    models = {}
    for maker, name, category, tracking, cpu, ram, storage, requestable, approval in MODELS:
        manufacturer = Manufacturer.objects.filter(name__iexact=maker).first() or Manufacturer.objects.create(
            name=maker
        )
        models[name], _created = ProductModel.objects.get_or_create(
            manufacturer=manufacturer,
            name=name,
            defaults={
                "category": categories[category],
                "tracking": tracking,
                "cpu": cpu,
                "ram_gb": ram,
                "storage_gb": storage,
                "requestable": requestable,
                "requires_approval": approval,
            },
        )
    for code, name_fr, name_nl, description, items in KITS:
        kit, _created = Kit.objects.get_or_create(
            code=code,
            defaults={
                "name_fr": name_fr,
                "name_nl": name_nl,
                "description": description,
                "requestable": code not in PROGRAMME_KITS,
            },
        )
        for model_name, quantity in items:
            KitItem.objects.get_or_create(kit=kit, model=models[model_name], defaults={"quantity": quantity})
    return models


def _sites() -> list[Site]:
    sites = list(Site.objects.order_by("code"))
    if not sites:
        sites = [
            Site.objects.create(
                code="depot", kind=Site.Kind.WAREHOUSE, name_fr="Entrepôt", name_nl="Magazijn", address=""
            )
        ]
    return sites


def _target_status(asset: Asset, status: str, *, actor, holder, site) -> None:
    """Walk a new in-stock unit to ``status`` through allowed transitions (so history reads true)."""
    paths = {
        AssetStatus.IN_STOCK: [],
        AssetStatus.ON_LOAN: [AssetStatus.ON_LOAN],
        AssetStatus.RESERVED: [AssetStatus.RESERVED],
        AssetStatus.IN_REPAIR: [AssetStatus.IN_REPAIR],
        AssetStatus.RECONDITIONING: [AssetStatus.RECONDITIONING],
        AssetStatus.RETIRED: [AssetStatus.RETIRED],
        AssetStatus.LOST: [AssetStatus.ON_LOAN, AssetStatus.LOST],
        AssetStatus.DISPOSED: [AssetStatus.RETIRED, AssetStatus.DISPOSED],
    }
    for step in paths[status]:
        if step == AssetStatus.ON_LOAN:
            asset_assign(actor=actor, asset=asset, holder=holder)
        else:
            asset_change_status(
                actor=actor,
                asset=asset,
                status=step,
                holder=holder if step == AssetStatus.RESERVED else None,
                site=site,
            )


KIT_UNITS_IN_STOCK = 5


def _stock_every_kit(*, actor, store: Site, rng: random.Random) -> None:
    """The first store holds a few units of every unit-tracked model a requestable kit needs, so that
    a telework pack can be prepared in the demo whatever the random spread of the fleet."""
    today = timezone.localdate()
    in_kits = KitItem.objects.filter(kit__requestable=True).values("model")
    needed = ProductModel.objects.filter(pk__in=in_kits, tracking=ProductModel.Tracking.UNIT)
    for model in needed.select_related("manufacturer").order_by("pk"):
        have = Asset.objects.filter(model=model, site=store, status=AssetStatus.IN_STOCK).count()
        for index in range(have, KIT_UNITS_IN_STOCK):
            asset_create(
                actor=actor,
                model=model,
                site=store,
                serial=f"{model.manufacturer.name[:2].upper()}K{model.pk:03d}{index}{rng.randint(1000, 9999)}",
                condition="new",
                location="K-01",
                purchase_date=today - timedelta(days=30),
                purchase_price=Decimal(rng.randint(150, 1400)),
                supplier=rng.choice(SUPPLIERS),
                procurement_contract=rng.choice(CONTRACTS),
                warranty_end=today + timedelta(days=3 * 365),
            )


def seed_assets(*, rng: random.Random, stdout=None, **kwargs) -> None:
    models = ensure_catalogue()
    User = get_user_model()
    actor = User.objects.filter(email="logistics@icity.example").first()
    sites = _sites()
    stores = [
        site for site in sites if site.kind in (Site.Kind.WAREHOUSE, Site.Kind.ICITY_DESK, Site.Kind.COLLECTION_POINT)
    ] or sites
    people = list(User.objects.filter(is_active=True).order_by("pk")[:250])
    requester = User.objects.filter(email="requester@icity.example").first()
    unit_models = [model for model in models.values() if model.is_unit_tracked]
    weights = [40 if model.category.code == "laptop" else 10 for model in unit_models]
    # Kit units first, within the demo's count: the random spread below fills up to DEMO_ASSET_COUNT.
    with transaction.atomic():
        _stock_every_kit(actor=actor, store=stores[0], rng=rng)
    existing = Asset.objects.count()
    today = timezone.localdate()
    with transaction.atomic():
        for index in range(existing, DEMO_ASSET_COUNT):
            model = rng.choices(unit_models, weights=weights)[0]
            site = rng.choice(stores)
            purchased = today - timedelta(days=rng.randint(30, 5 * 365))
            asset = asset_create(
                actor=actor,
                model=model,
                site=site,
                serial=f"{model.manufacturer.name[:2].upper()}{rng.randint(10**7, 10**8 - 1)}{index}",
                condition=rng.choice(["new", "a", "b", "c"]),
                location=f"{rng.choice('ABCDE')}-{rng.randint(1, 12):02d}",
                purchase_date=purchased,
                purchase_price=Decimal(rng.randint(150, 1400)),
                supplier=rng.choice(SUPPLIERS),
                procurement_contract=rng.choice(CONTRACTS),
                procurement_order=f"BC-{purchased.year}-{rng.randint(100, 999)}",
                warranty_end=purchased + timedelta(days=rng.choice([365, 3 * 365, 4 * 365])),
            )
            status = rng.choices([status for status, _w in STATUS_WEIGHTS], weights=[w for _s, w in STATUS_WEIGHTS])[0]
            holder = requester if (requester and index < existing + 3) else (rng.choice(people) if people else None)
            if index < existing + 3 and requester:
                status = AssetStatus.ON_LOAN
            if holder is None and status in (AssetStatus.ON_LOAN, AssetStatus.RESERVED, AssetStatus.LOST):
                status = AssetStatus.IN_STOCK
            _target_status(asset, status, actor=actor, holder=holder, site=site)
        if not StockLevel.objects.exists():
            for model in models.values():
                if model.is_unit_tracked:
                    continue
                for site in stores[:2]:
                    stock_move(
                        actor=actor, model=model, site=site, kind="receipt", quantity=rng.randint(20, 120), reason=""
                    )
                    level = StockLevel.objects.get(model=model, site=site)
                    level.minimum = rng.choice([5, 10, 15])
                    level.save(update_fields=["minimum"])
                    stock_move(actor=actor, model=model, site=site, kind="issue", quantity=rng.randint(1, 15))
            # One accessory running short, so the low-stock alert shows in the demo.
            headset = models["Evolve2 30"]
            level = StockLevel.objects.filter(model=headset).order_by("pk").first()
            if level and level.quantity > 2:
                stock_move(actor=actor, model=headset, site=level.site, kind="issue", quantity=level.quantity - 2)
    if stdout is not None:
        stdout.write(
            f"  {Asset.objects.count()} assets, {StockLevel.objects.count()} stock levels, {Kit.objects.count()} kits"
        )


def bulk_seed_assets(*, count: int, rng: random.Random, batch_size: int = 5000) -> int:
    """Add ``count`` units fast (bulk inserts, one 'created' event each) for benchmarks."""
    models = [model for model in ensure_catalogue().values() if model.is_unit_tracked]
    sites = _sites()
    people = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)[:500])
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        TagCounter.objects.get_or_create(prefix=TAG_PREFIX)
        counter = TagCounter.objects.select_for_update().get(prefix=TAG_PREFIX)
        start = max(counter.last_number, Asset.objects.count()) + 1
        counter.last_number = start + count - 1
        counter.save(update_fields=["last_number"])
    created = 0
    while created < count:
        batch = []
        for number in range(start + created, start + min(created + batch_size, count)):
            model = rng.choice(models)
            status = rng.choices([status for status, _w in STATUS_WEIGHTS], weights=[w for _s, w in STATUS_WEIGHTS])[0]
            held = status in (AssetStatus.ON_LOAN, AssetStatus.RESERVED, AssetStatus.LOST) and people
            purchased = today - timedelta(days=rng.randint(30, 6 * 365))
            batch.append(
                Asset(
                    tag=f"{TAG_PREFIX}{number:06d}",
                    model=model,
                    manufacturer_id=model.manufacturer_id,
                    serial=f"BN{number:09d}",
                    status=status
                    if (held or status not in (AssetStatus.ON_LOAN, AssetStatus.RESERVED, AssetStatus.LOST))
                    else AssetStatus.IN_STOCK,
                    condition=rng.choice(["new", "a", "b", "c"]),
                    site=rng.choice(sites),
                    location=f"{rng.choice('ABCDE')}-{rng.randint(1, 12):02d}",
                    holder_id=rng.choice(people) if held else None,
                    purchase_date=purchased,
                    purchase_price=Decimal(rng.randint(150, 1400)),
                    supplier=rng.choice(SUPPLIERS),
                    procurement_contract=rng.choice(CONTRACTS),
                    procurement_order=f"BC-{purchased.year}-{rng.randint(100, 999)}",
                    warranty_end=purchased + timedelta(days=rng.choice([365, 3 * 365, 4 * 365])),
                    created_at=now,
                    updated_at=now,
                )
            )
        with transaction.atomic():
            Asset.objects.bulk_create(batch)
            ids = Asset.objects.filter(tag__in=[asset.tag for asset in batch]).values_list("pk", "status")
            AssetEvent.objects.bulk_create(
                [AssetEvent(asset_id=pk, kind=AssetEvent.Kind.CREATED, new_value=status, at=now) for pk, status in ids],
                batch_size=batch_size,
            )
        created += len(batch)
    return created
