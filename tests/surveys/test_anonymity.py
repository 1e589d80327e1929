"""Must show 2: an anonymous answer cannot be linked back to a person or an invitation."""

import json

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from icity.models import User
from surveys.models import Answer, Invitation, Response
from tests.factories import DepartmentFactory, make_user
from tests.surveys.factories import open_campaign, respond

pytestmark = pytest.mark.django_db


def test_no_table_links_an_anonymous_answer_to_a_person_or_invitation():
    user_model, invitation_model = User, Invitation
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if field.concrete and related is not None and field.name != "user":
                assert related not in (user_model, invitation_model), (model, field.name)
    # The only user link is on identified responses, and the database refuses it on anonymous ones.
    campaign = open_campaign(anonymous=True)
    department = DepartmentFactory()
    people = [make_user(department=department) for _ in range(5)]
    respond(campaign, people, text="Le helpdesk est lent")
    assert not Response.objects.filter(user__isnull=False).exists()
    response = Response.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(user=people[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(submitted_on="2026-01-05")


def test_stored_rows_carry_no_person_no_invitation_and_no_time_of_day():
    campaign = open_campaign(anonymous=True)
    department = DepartmentFactory()
    people = [make_user(department=department) for _ in range(5)]
    respond(campaign, people)
    tokens = set(Invitation.objects.values_list("token", flat=True))
    invitation_ids = {str(pk) for pk in Invitation.objects.values_list("pk", flat=True)}
    emails = {person.email for person in people}
    # Nothing on the invitation says when or how it was used, beyond "answered".
    for invitation in Invitation.objects.all():
        assert invitation.status == "answered" and invitation.draft == {}
    for model in (Response, Answer):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        assert "invitation_id" not in columns and "created_at" not in columns
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            assert record.get("user_id") is None
            text = json.dumps(record, default=str)
            assert not any(token in text for token in tokens)
            assert not any(email in text for email in emails)
    # No time at all, and random ids: neither dates nor row order can be matched with
    # the moment a token was used (in an access log, for example).
    assert not Response.objects.filter(submitted_on__isnull=False).exists()
    assert all(len(str(pk)) == 36 for pk in Response.objects.values_list("pk", flat=True))
    assert all(len(str(pk)) == 36 for pk in Answer.objects.values_list("pk", flat=True))
    assert invitation_ids  # (invitations exist, yet nothing above points to them)


def test_api_and_pages_expose_no_person_for_anonymous_campaigns(client, manager):
    campaign = open_campaign(anonymous=True)
    department = DepartmentFactory()
    people = [make_user(department=department) for _ in range(5)]
    respond(campaign, people, text="Merci")
    client.force_login(manager)
    bodies = [
        client.get(reverse("survey-campaign-results", args=[campaign.pk])).content,
        client.get(reverse("surveys:campaign-results", args=[campaign.pk])).content,
        client.get(reverse("surveys:campaign-comments", args=[campaign.pk])).content,
        b"".join(client.get(reverse("surveys:campaign-export", args=[campaign.pk, "csv"])).streaming_content),
        b"".join(client.get(reverse("surveys:campaign-comments-export", args=[campaign.pk])).streaming_content),
    ]
    for body in bodies:
        text = body.decode("utf-8-sig")
        for person in people:
            assert person.email not in text
            assert person.get_full_name() not in text


def test_admin_does_not_list_invitations_or_responses():
    from django.contrib import admin

    assert apps.get_model("surveys", "Invitation") not in admin.site._registry
    assert apps.get_model("surveys", "Response") not in admin.site._registry


def test_answering_logs_nothing_about_the_person_or_token(client, caplog):
    import logging

    from surveys import services
    from tests.surveys.factories import full_answers, make_campaign

    person = make_user(department=DepartmentFactory())
    campaign = make_campaign(anonymous=True)
    services.campaign_launch(campaign=campaign)
    invitation = Invitation.objects.get(user=person)
    caplog.set_level(logging.DEBUG)
    services.response_submit(token=invitation.token, raw=full_answers(campaign.survey))
    client.get(reverse("surveys:answer", args=[invitation.token]))  # "already answered"
    logged = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("django.db"))
    assert invitation.token not in logged
    assert person.email not in logged


def test_refused_token_requests_are_not_logged_with_their_token(client, caplog):
    import logging

    from rest_framework.test import APIClient

    caplog.set_level(logging.DEBUG)
    token = "not-a-real-token-but-looks-like-one-0123456789"
    client.get(reverse("surveys:answer", args=[token]))
    client.post(reverse("surveys:answer-section", args=[token, 1]), {"action": "next"})
    APIClient().get(reverse("survey-answer", args=[token]))
    assert token not in "\n".join(record.getMessage() for record in caplog.records)
