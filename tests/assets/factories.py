import factory

from assets.models import Asset, Category, Manufacturer, ProductModel
from assets.services import asset_create, stock_move
from tests.factories import SiteFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = "laptop"
    name_fr = "Ordinateur portable"
    name_nl = "Laptop"


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer

    name = factory.Sequence(lambda n: f"Maker {n}")


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel

    manufacturer = factory.SubFactory(ManufacturerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Model {n}")
    tracking = ProductModel.Tracking.UNIT


def quantity_model(**fields) -> ProductModel:
    fields.setdefault("category", CategoryFactory(code="headset", name_fr="Casque", name_nl="Headset"))
    return ProductModelFactory(tracking=ProductModel.Tracking.QUANTITY, **fields)


def make_asset(*, model=None, site=None, actor=None, **fields) -> Asset:
    return asset_create(actor=actor, model=model or ProductModelFactory(), site=site or SiteFactory(), **fields)


def make_assets(count: int, *, model=None, site=None, **fields) -> list[Asset]:
    model = model or ProductModelFactory()
    site = site or SiteFactory()
    return [asset_create(actor=None, model=model, site=site, **fields) for _ in range(count)]


def stock_of(model, site, quantity: int, *, actor=None):
    return stock_move(actor=actor, model=model, site=site, kind="receipt", quantity=quantity)
