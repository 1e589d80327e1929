from assets.models import Category, Kit, KitItem
from loans.models import LoanTerms
from tests.assets.factories import ProductModelFactory, make_asset, quantity_model, stock_of
from tests.factories import SiteFactory


def terms(version: str = "2026-1") -> LoanTerms:
    return LoanTerms.objects.get_or_create(
        version=version,
        defaults={
            "text_fr": "Je prends soin du matériel et le rends à la date prévue.",
            "text_nl": "Ik zorg voor het materiaal en breng het op tijd terug.",
            "text_en": "I look after the equipment and return it on time.",
        },
    )[0]


def laptop_model(**fields):
    category = Category.objects.get_or_create(code="laptop", defaults={"name_fr": "Portable", "name_nl": "Laptop"})[0]
    return ProductModelFactory(category=category, requestable=True, **fields)


def dock_model(**fields):
    category = Category.objects.get_or_create(code="dock", defaults={"name_fr": "Station", "name_nl": "Dock"})[0]
    return ProductModelFactory(category=category, requestable=True, **fields)


def telework_kit(*, site=None, laptops: int = 1, headsets: int = 1):
    """A kit (laptop, dock, headset) with ``laptops`` laptops and docks in stock and ``headsets`` headsets."""
    site = site or SiteFactory()
    laptop, dock = laptop_model(), dock_model()
    headset = quantity_model(requestable=True)
    kit = Kit.objects.create(code=f"telework-{laptop.pk}", name_fr="Pack télétravail", name_nl="Telewerkpakket")
    for model in (laptop, dock, headset):
        KitItem.objects.create(kit=kit, model=model, quantity=1)
    units = [make_asset(model=laptop, site=site, serial=f"SN-L{i}-{laptop.pk}") for i in range(laptops)]
    units += [make_asset(model=dock, site=site, serial=f"SN-D{i}-{dock.pk}") for i in range(laptops)]
    if headsets:
        stock_of(headset, site, headsets)
    return kit, site, {"laptop": laptop, "dock": dock, "headset": headset, "units": units}
