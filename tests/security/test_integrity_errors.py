"""A database constraint never surfaces as a 500 (issue 20, finding 8)."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from assets.models import ProductModel
from tests.assets.factories import ProductModelFactory

pytestmark = pytest.mark.django_db


def test_requires_approval_on_a_model_nobody_may_request_is_a_400(client, logistics):
    model = ProductModelFactory(requestable=False, requires_approval=False)
    client.force_login(logistics)
    response = client.patch(
        f"/api/v1/product-models/{model.pk}/", {"requires_approval": True}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "requires_approval" in response.json()
    model.refresh_from_db()
    assert model.requires_approval is False


def test_requestable_and_approval_together_are_accepted(client, logistics):
    model = ProductModelFactory(requestable=False)
    client.force_login(logistics)
    response = client.patch(
        f"/api/v1/product-models/{model.pk}/",
        {"requestable": True, "requires_approval": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert ProductModel.objects.get(pk=model.pk).requires_approval is True


def test_admin_form_refuses_the_combination(client, admin_user):
    model = ProductModelFactory(requestable=False)
    client.force_login(admin_user)
    url = reverse("admin:assets_productmodel_change", args=[model.pk])
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key != "photo"
    }
    data.update({"requires_approval": "on", "category": model.category_id, "manufacturer": model.manufacturer_id})
    data.pop("requestable", None)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert ProductModel.objects.get(pk=model.pk).requires_approval is False


def test_any_integrity_error_in_the_api_is_a_409(client, logistics, monkeypatch):
    from assets.serializers import CategorySerializer

    def fail(self, validated_data):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(CategorySerializer, "create", fail)
    client.force_login(logistics)
    response = client.post("/api/v1/categories/", {"code": "x", "name_fr": "x", "name_nl": "x"}, "application/json")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert "unique constraint" not in response.content.decode()


def test_any_integrity_error_in_a_page_is_a_409(client, requester, monkeypatch):
    from tickets import services

    def fail(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "ticket_open", fail)
    from tickets.models import Category, Team

    category = Category.objects.create(
        name_fr="Cat", name_nl="Cat", default_team=Team.objects.create(name="T"), is_active=True
    )
    client.force_login(requester)
    response = client.post(
        reverse("tickets:new"),
        {"title": "t", "description": "d", "category": category.pk, "impact": "low", "urgency": "low"},
    )
    assert response.status_code == 409
    assert "unique constraint" not in response.content.decode()
