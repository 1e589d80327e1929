"""Issue 18: a failed "prepare" keeps the scanned codes and the chosen site, and says which code failed."""

import re

import pytest
from django.urls import reverse

from loans import services
from loans.models import EquipmentRequest, PreparedItem
from tests.loans.loan_factories import telework_kit

pytestmark = pytest.mark.django_db


def _request(requester):
    kit, site, items = telework_kit()
    request = services.request_submit(
        actor=requester, requester=requester, lines=[services.Wanted(kit=kit)], reason="Telework"
    )
    return request, site, items


def test_a_failed_prepare_keeps_the_codes_and_the_site_and_names_the_bad_code(client, requester, logistics):
    request, site, items = _request(requester)
    laptop = items["units"][0]
    client.force_login(logistics)
    codes = f"{laptop.tag}\nNOPE-404"  # the dock is missing and one code is unknown
    response = client.post(
        reverse("assets:request-prepare", args=[request.pk]), {"codes": codes, "stock_site": site.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    textarea = re.search(r'<textarea name="codes"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert laptop.tag in textarea and "NOPE-404" in textarea
    assert re.search(rf'<option value="{site.pk}" selected>', page)
    assert "NOPE-404: unknown tag or serial." in page
    assert "1 more unit(s) to scan" in page
    request.refresh_from_db()
    assert request.status == EquipmentRequest.Status.SUBMITTED
    assert not PreparedItem.objects.filter(request=request).exists()


def test_without_a_site_the_codes_are_kept_too(client, requester, logistics):
    request, _site, items = _request(requester)
    client.force_login(logistics)
    codes = "\n".join(unit.tag for unit in items["units"])
    response = client.post(reverse("assets:request-prepare", args=[request.pk]), {"codes": codes})
    assert response.status_code == 400
    page = response.content.decode()
    assert all(unit.tag in page for unit in items["units"])
    assert "Choose the site to issue stock from." in page


def test_fixing_the_code_then_prepares_everything(client, requester, logistics):
    request, site, items = _request(requester)
    client.force_login(logistics)
    url = reverse("assets:request-prepare", args=[request.pk])
    client.post(url, {"codes": items["units"][0].tag, "stock_site": site.pk})
    response = client.post(url, {"codes": "\n".join(unit.tag for unit in items["units"]), "stock_site": site.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == EquipmentRequest.Status.READY
