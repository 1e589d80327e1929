import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assets.models import Asset, AssetEvent, ImportBatch, StockLevel, StockMovement
from tests.assets.factories import ManufacturerFactory, ProductModelFactory, make_asset, quantity_model
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    dell = ManufacturerFactory(name="Dell")
    return {
        "laptop": ProductModelFactory(manufacturer=dell, name="Latitude 5440"),
        "headset": quantity_model(manufacturer=ManufacturerFactory(name="Jabra"), name="Evolve2 30"),
        "site": SiteFactory(code="depot"),
    }


GOOD_CSV = (
    "Tag;Serial;Model;Site;Purchase date;Price;Contract\n"
    "IC-100001;SN-1;Dell Latitude 5440;depot;2024-03-01;899,00;MP-2024-01\n"
    ";SN-2;Latitude 5440;DEPOT;01/03/2024;899;MP-2024-01\n"
    "IC-100003;SN-3;Dell Latitude 5440;depot;;;\n"
)
BAD_CSV = (
    "tag,serial,model,site,purchase_date\n"
    "IC-1,SN-1,Dell Latitude 5440,depot,2024-01-01\n"
    "IC-2,SN-2,Dell Inspiron 99,depot,2024-01-01\n"  # unknown model
    "IC-1,SN-3,Dell Latitude 5440,depot,2024-01-01\n"  # duplicate tag in the file
    "IC-4,SN-1,Dell Latitude 5440,depot,2024-01-01\n"  # duplicate serial in the file
    "IC-5,SN-5,Dell Latitude 5440,depot,2024-13-45\n"  # bad date
    "IC-6,SN-6,Dell Latitude 5440,moon,2024-01-01\n"  # unknown site
    "IC-7,SN-EXISTING,Dell Latitude 5440,depot,\n"  # serial already registered as another tag
)
MAPPING = {
    "tag": "Tag",
    "serial": "Serial",
    "model": "Model",
    "site": "Site",
    "purchase_date": "Purchase date",
    "purchase_price": "Price",
    "procurement_contract": "Contract",
}


def upload(client, content: bytes, name="assets.csv", kind="assets"):
    return client.post(reverse("assets:imports"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def run(client, content: bytes, mapping: dict | None = None, kind="assets", name="assets.csv"):
    response = upload(client, content, name=name, kind=kind)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    url = reverse("assets:import", args=[batch.pk])
    if mapping is not None:
        response = client.post(url, {"action": "check", **mapping})
    else:
        response = client.post(url, {"action": "check", **batch.mapping})
    assert response.status_code == 302, response.content.decode()[:3000]
    batch.refresh_from_db()
    return batch, url


def test_dry_run_reports_every_bad_row_and_writes_nothing(client, logistics, catalogue):
    make_asset(model=catalogue["laptop"], tag="IC-999999", serial="SN-EXISTING")
    client.force_login(logistics)
    before = (Asset.objects.count(), AssetEvent.objects.count())
    batch, url = run(client, BAD_CSV.encode())
    errors = {error["row"]: " ".join(error["messages"]) for error in batch.report["errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "Unknown model" in errors[3]
    assert "Duplicate tag IC-1" in errors[4]
    assert "Duplicate serial SN-1" in errors[5]
    assert "Bad date" in errors[6]
    assert "Unknown site" in errors[7]
    assert "already registered as IC-999999" in errors[8]
    assert (Asset.objects.count(), AssetEvent.objects.count()) == before
    # Applying a file with errors is refused, still writing nothing.
    response = client.post(url, {"action": "apply"})
    assert response.status_code == 400
    assert (Asset.objects.count(), AssetEvent.objects.count()) == before
    page = client.get(url).content.decode()
    assert "Unknown model" in page


def test_apply_is_atomic_and_reimport_changes_nothing(client, logistics, catalogue):
    client.force_login(logistics)
    batch, url = run(client, GOOD_CSV.encode(), MAPPING)
    assert batch.report["errors"] == [] and batch.report["counts"] == {"create": 3}
    assert Asset.objects.count() == 0  # dry run only
    assert client.post(url, {"action": "apply"}).status_code == 302
    assert Asset.objects.count() == 3
    assert set(Asset.objects.values_list("procurement_contract", flat=True)) == {"MP-2024-01", ""}
    generated = Asset.objects.get(serial="SN-2")
    assert generated.tag.startswith("IC-") and str(generated.purchase_price) == "899.00"
    assert AssetEvent.objects.filter(kind=AssetEvent.Kind.IMPORT).count() == 3
    snapshot = list(Asset.objects.order_by("pk").values())
    events = AssetEvent.objects.count()

    batch, url = run(client, GOOD_CSV.encode(), MAPPING)
    assert batch.report["counts"] == {"unchanged": 3}
    client.post(url, {"action": "apply"})
    assert list(Asset.objects.order_by("pk").values()) == snapshot
    assert AssetEvent.objects.count() == events
    # Applying the same batch twice is refused.
    assert client.post(url, {"action": "apply"}).status_code == 400


def test_xlsx_import_with_guessed_mapping(client, logistics, catalogue):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["tag", "serial", "model", "site", "warranty_end"])
    sheet.append(["IC-200001", "X-1", "Dell Latitude 5440", "depot", "2027-01-31"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(logistics)
    batch, url = run(client, buffer.getvalue(), name="fleet.xlsx")
    assert batch.report["counts"] == {"create": 1}
    client.post(url, {"action": "apply"})
    assert str(Asset.objects.get(tag="IC-200001").warranty_end) == "2027-01-31"


def test_stock_import_sets_levels_and_reimport_changes_nothing(client, logistics, catalogue):
    content = b"model,site,quantity,minimum\nJabra Evolve2 30,depot,40,10\n"
    client.force_login(logistics)
    batch, url = run(client, content, kind="stock")
    client.post(url, {"action": "apply"})
    level = StockLevel.objects.get()
    assert (level.quantity, level.minimum) == (40, 10)
    batch, url = run(client, content, kind="stock")
    assert batch.report["counts"] == {"unchanged": 1}
    client.post(url, {"action": "apply"})
    assert StockMovement.objects.count() == 1


def test_stock_import_reports_bad_quantities(client, logistics, catalogue):
    content = (
        b"model,site,quantity\nJabra Evolve2 30,depot,-3\nJabra Evolve2 30,depot,abc\nDell Latitude 5440,depot,1\n"
    )
    client.force_login(logistics)
    batch, _url = run(client, content, kind="stock")
    assert [error["row"] for error in batch.report["errors"]] == [2, 3, 4]
    assert StockLevel.objects.count() == 0


def test_upload_is_checked_by_content_not_name(client, logistics):
    client.force_login(logistics)
    response = upload(client, b"%PDF-1.7\x00\x00binary", name="assets.csv")
    assert response.status_code == 400 and ImportBatch.objects.count() == 0
    response = upload(client, b"PK\x03\x04 not really a spreadsheet", name="assets.xlsx")
    assert response.status_code == 400 and ImportBatch.objects.count() == 0


def test_missing_required_mapping_is_a_form_error(client, logistics, catalogue):
    client.force_login(logistics)
    upload(client, GOOD_CSV.encode())
    batch = ImportBatch.objects.get()
    response = client.post(reverse("assets:import", args=[batch.pk]), {"action": "check", "tag": "Tag"})
    assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED


def test_agents_cannot_import(client, agent):
    client.force_login(agent)
    assert upload(client, GOOD_CSV.encode()).status_code == 403


def test_import_command_dry_run_then_apply(logistics, catalogue, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "fleet.csv"
    path.write_text("tag,serial,model,site\nIC-300001,Z-1,Dell Latitude 5440,depot\n")
    call_command("import_inventory", str(path), "--as", logistics.email)
    assert Asset.objects.count() == 0
    call_command("import_inventory", str(path), "--as", logistics.email, "--apply")
    assert Asset.objects.get().tag == "IC-300001"
    path.write_text("tag,serial,model,site\nIC-300002,Z-2,Nope,depot\n")
    with pytest.raises(CommandError):
        call_command("import_inventory", str(path), "--as", logistics.email, "--apply")
    assert Asset.objects.count() == 1


def test_asset_page_shows_sections_registered_by_other_apps(client, logistics, tmp_path, settings):
    from assets import hooks

    (tmp_path / "linked.html").write_text("<section><h2>Linked tickets</h2>{{ section.count }}</section>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    section = hooks.AssetSection("test-linked", "linked.html", lambda request, asset: {"count": 7})
    hooks.register_asset_section(section)
    try:
        client.force_login(logistics)
        page = client.get(make_asset().get_absolute_url()).content.decode()
        assert "Linked tickets" in page and "7" in page
    finally:
        hooks._sections.remove(section)


def test_oversized_files_are_refused(client, logistics, catalogue, monkeypatch):
    import zipfile

    from assets import imports

    client.force_login(logistics)
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 3)
    response = upload(client, b"tag,model,site\n" + b"IC-1,Dell Latitude 5440,depot\n" * 5)
    assert response.status_code == 400 and "more than 3 rows" in response.content.decode()
    monkeypatch.setattr(imports, "MAX_XLSX_UNPACKED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 100_000)
    response = upload(client, buffer.getvalue(), name="bomb.xlsx")
    assert response.status_code == 400 and "too large once unpacked" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_asset_import_sets_the_model_weight_and_embodied_carbon(client, logistics, catalogue):
    client.force_login(logistics)
    csv = "Tag;Model;Site;Weight;Carbon\nIC-300001;Dell Latitude 5440;depot;1,45;310\nIC-300002;Dell Latitude 5440;depot;;\n"
    mapping = {"tag": "Tag", "model": "Model", "site": "Site", "model_weight_kg": "Weight", "model_carbon_kg": "Carbon"}
    batch, url = run(client, csv.encode(), mapping)
    assert batch.report["errors"] == []
    assert client.post(url, {"action": "apply"}).status_code == 302
    catalogue["laptop"].refresh_from_db()
    assert str(catalogue["laptop"].weight_kg) == "1.45" and str(catalogue["laptop"].embodied_carbon_kg) == "310.00"
    assert Asset.objects.count() == 2
    # A figure that is not a positive number is a row error; nothing is written.
    batch, url = run(client, b"Tag;Model;Site;Weight;Carbon\nIC-300003;Dell Latitude 5440;depot;heavy;0\n", mapping)
    assert "Bad weight or carbon figure" in " ".join(batch.report["errors"][0]["messages"])
