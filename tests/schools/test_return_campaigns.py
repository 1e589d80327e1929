"""Return campaigns run by logistics: the page, the API, the rules on stages and the reminders they send."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from icity.models import Notification
from icity.roles import Role
from schools.models import ReturnCampaign
from schools.services import loans as loan_services
from schools.services.loans import CampaignError
from tests.factories import make_user
from tests.schools.factories import hand_over, pupil_pack_point, school_with_contact

pytestmark = pytest.mark.django_db

LIST = reverse("schools:return-campaigns")
API = "/api/v1/return-campaigns/"


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def campaign(**fields) -> ReturnCampaign:
    fields = {"name": "Fin d'année", "deadline": in_days(30), "stages": [-14, -3, 7], **fields}
    return ReturnCampaign.objects.create(**fields)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def contact():
    return school_with_contact()[1]


# --- Service and database rules ---------------------------------------------------------------------


def test_create_stores_sorted_stages_and_the_author(logistics):
    made = loan_services.return_campaign_create(
        actor=logistics, name="  Juin 2027  ", deadline=in_days(60), stages=[7, -14, 0, -3]
    )
    made.refresh_from_db()
    assert (made.name, made.stages, made.is_active, made.created_by) == ("Juin 2027", [-14, -3, 0, 7], True, logistics)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"stages": []}, "stages"),
        ({"stages": [-200]}, "stages"),
        ({"stages": [91]}, "stages"),
        ({"stages": [-3, -3]}, "stages"),
        ({"stages": ["abc"]}, "stages"),
        ({"stages": ["-3"]}, "stages"),
        ({"stages": [True]}, "stages"),
        ({"stages": [1.5]}, "stages"),
        ({"stages": "-3, 7"}, "stages"),
        ({"name": "   "}, "name"),
        ({"deadline": in_days(-1)}, "deadline"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(logistics, fields, field):
    data = {"name": "Juin", "deadline": in_days(30), "stages": [-3], **fields}
    with pytest.raises(CampaignError) as caught:
        loan_services.return_campaign_create(actor=logistics, **data)
    assert caught.value.field == field
    assert not ReturnCampaign.objects.exists()


def test_a_deadline_today_is_accepted(logistics):
    assert loan_services.return_campaign_create(actor=logistics, name="Today", deadline=in_days(0), stages=[0])


def test_same_name_twice_is_refused(logistics):
    loan_services.return_campaign_create(actor=logistics, name="Juin", deadline=in_days(30), stages=[-3])
    with pytest.raises(CampaignError):
        loan_services.return_campaign_create(actor=logistics, name="Juin", deadline=in_days(40), stages=[-7])
    assert ReturnCampaign.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   "])
def test_the_database_refuses_a_blank_name(name):
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign(name=name)


def test_the_database_refuses_a_twin_name():
    campaign(name="Juin")
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign(name="Juin")


def test_set_active_pauses_and_resumes(logistics):
    made = campaign()
    assert loan_services.return_campaign_set_active(actor=logistics, campaign=made, active=False).is_active is False
    assert loan_services.return_campaign_set_active(actor=logistics, campaign=made.pk, active=False).is_active is False
    assert loan_services.return_campaign_set_active(actor=logistics, campaign=made, active=True).is_active is True
    made.refresh_from_db()
    assert made.is_active


@pytest.mark.parametrize(
    ("stages", "text"),
    [
        ([-14, -3, 7], "14 and 3 days before, 7 days after"),
        ([-21, -7, 0, 7], "21 and 7 days before, on the deadline, 7 days after"),
        ([-30, -14, -3], "30, 14 and 3 days before"),
        ([-1], "1 day before"),
        ([0], "on the deadline"),
        ([1, 14], "1 and 14 days after"),
    ],
)
def test_stages_read_as_a_sentence(stages, text):
    with translation.override("en"):
        assert ReturnCampaign(stages=stages).stages_text == text


def test_stages_are_translated():
    with translation.override("fr"):
        assert ReturnCampaign(stages=[-14, -3, 7]).stages_text == "14 et 3 jours avant, 7 jours après"
    with translation.override("nl"):
        assert ReturnCampaign(stages=[-1, 0]).stages_text == "1 dag voor, op de uiterste datum"


# --- The page ---------------------------------------------------------------------------------------


def test_empty_page_says_what_to_do(client, logistics):
    client.force_login(logistics)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "No return campaign yet. Start one below" in body
    assert 'for="id_stages"' in body and "A minus sign means before the deadline" in body


def test_staff_create_pause_and_resume_on_the_page(client, logistics):
    client.force_login(logistics)
    response = client.post(LIST, {"name": "End of year 2027", "deadline": in_days(60), "stages": "7, -14,-3"})
    assert response.status_code == 302
    made = ReturnCampaign.objects.get()
    assert made.stages == [-14, -3, 7] and made.is_active and made.created_by == logistics
    body = client.get(LIST).content.decode()
    assert "End of year 2027" in body and "14 and 3 days before, 7 days after" in body
    assert reverse("schools:return-campaign-pause", args=[made.pk]) in body and "data-confirm=" in body

    response = client.post(reverse("schools:return-campaign-pause", args=[made.pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?page=1#campaign-{made.pk}"
    made.refresh_from_db()
    assert not made.is_active
    assert reverse("schools:return-campaign-resume", args=[made.pk]) in client.get(LIST).content.decode()
    assert client.post(reverse("schools:return-campaign-resume", args=[made.pk])).status_code == 302
    made.refresh_from_db()
    assert made.is_active


def test_pause_needs_a_post(client, logistics):
    made = campaign()
    client.force_login(logistics)
    assert client.get(reverse("schools:return-campaign-pause", args=[made.pk])).status_code == 405
    assert client.post(reverse("schools:return-campaign-pause", args=[made.pk + 99])).status_code == 404
    made.refresh_from_db()
    assert made.is_active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stages": "abc"}, "“abc” is not a whole number of days"),
        ({"stages": "-200"}, "Reminder days go from -90 to 90"),
        ({"stages": "-3, -3"}, "Each reminder day may appear only once"),
        ({"stages": "-3, 7-"}, "“7-” is not a whole number of days"),
        ({"stages": ""}, "This field is required"),
        ({"stages": " , "}, "Give at least one reminder day"),
        ({"deadline": "yesterday"}, "Enter a valid date"),
        ({"name": "   "}, "This field is required"),
    ],
)
def test_bad_input_on_the_page_shows_the_error_and_saves_nothing(client, logistics, data, message):
    client.force_login(logistics)
    response = client.post(LIST, {"name": "Juin", "deadline": in_days(30), "stages": "-3", **data})
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "The campaign was not created" in body
    assert not ReturnCampaign.objects.exists()


def test_past_deadline_on_the_page_is_refused(client, logistics):
    client.force_login(logistics)
    response = client.post(LIST, {"name": "Juin", "deadline": in_days(-1), "stages": "-3"})
    assert response.status_code == 400
    assert "The return deadline is in the past." in response.content.decode()
    assert not ReturnCampaign.objects.exists()


def test_twin_name_on_the_page_is_a_form_error(client, logistics):
    campaign(name="Juin")
    client.force_login(logistics)
    response = client.post(LIST, {"name": "Juin", "deadline": in_days(30), "stages": "-3"})
    assert response.status_code == 400
    assert "A campaign with this name already exists." in response.content.decode()
    assert ReturnCampaign.objects.count() == 1


@pytest.mark.parametrize("who", ["contact", "requester", "agent"])
def test_others_cannot_use_the_page(client, who, request):
    user = request.getfixturevalue(who) if who != "agent" else make_user(Role.REQUESTER, Role.AGENT)
    made = campaign()
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"name": "X", "deadline": in_days(30), "stages": "-3"}).status_code == 403
    assert client.post(reverse("schools:return-campaign-pause", args=[made.pk])).status_code == 403
    made.refresh_from_db()
    assert made.is_active and ReturnCampaign.objects.count() == 1


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_admin_role_may_use_the_page(client):
    client.force_login(make_user(Role.ADMIN))
    assert client.get(LIST).status_code == 200


def test_returns_page_and_tabs_link_to_campaigns(client, logistics):
    client.force_login(logistics)
    assert f'href="{LIST}"' in client.get(reverse("schools:returns")).content.decode()
    assert f'href="{LIST}"' in client.get(reverse("schools:slots")).content.decode()


# --- The API ----------------------------------------------------------------------------------------


def test_staff_create_read_pause_and_resume_through_the_api(api, logistics):
    api.force_authenticate(logistics)
    response = api.post(
        API,
        # is_active, created_by and id are not writable: they are ignored.
        {"name": "Juin", "deadline": in_days(30), "stages": [7, -3], "is_active": False, "id": 999},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    made = ReturnCampaign.objects.get()
    assert body["id"] == made.pk != 999
    assert body["stages"] == [-3, 7] and body["is_active"] is True and made.is_active
    assert body["stages_text"] == "3 days before, 7 days after" and body["devices_out"] == 0
    assert [row["id"] for row in api.get(API).json()["results"]] == [made.pk]
    assert api.get(f"{API}{made.pk}/").json()["name"] == "Juin"

    paused = api.post(f"{API}{made.pk}/pause/")
    assert paused.status_code == 200 and paused.json()["is_active"] is False
    assert [row["id"] for row in api.get(API, {"is_active": "false"}).json()["results"]] == [made.pk]
    resumed = api.post(f"{API}{made.pk}/resume/")
    assert resumed.status_code == 200 and resumed.json()["is_active"] is True
    made.refresh_from_db()
    assert made.is_active


def test_the_api_changes_nothing_else(api, logistics):
    made = campaign()
    api.force_authenticate(logistics)
    assert api.patch(f"{API}{made.pk}/", {"name": "X", "is_active": False}, format="json").status_code == 405
    assert api.put(f"{API}{made.pk}/", {"name": "X"}, format="json").status_code == 405
    assert api.delete(f"{API}{made.pk}/").status_code == 405
    made.refresh_from_db()
    assert made.name == "Fin d'année" and made.is_active


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"stages": ["abc"]}, "stages"),
        ({"stages": "abc"}, "stages"),
        ({"stages": [-200]}, "stages"),
        ({"stages": [-3, -3]}, "stages"),
        ({"stages": []}, "stages"),
        ({"stages": [1.5]}, "stages"),
        ({"stages": None}, "stages"),
        ({"deadline": "2020-06-30"}, "deadline"),
        ({"deadline": "soon"}, "deadline"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_bad_input_through_the_api_is_a_400_and_saves_nothing(api, logistics, fields, field):
    api.force_authenticate(logistics)
    data = {"name": "Juin", "deadline": str(in_days(30)), "stages": [-3], **fields}
    response = api.post(API, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ReturnCampaign.objects.exists()


@pytest.mark.parametrize("who", ["contact", "requester"])
def test_others_cannot_use_the_api(api, who, request):
    made = campaign()
    api.force_authenticate(request.getfixturevalue(who))
    assert api.get(API).status_code == 403
    assert api.get(f"{API}{made.pk}/").status_code == 403
    assert api.post(API, {"name": "X", "deadline": str(in_days(30)), "stages": [-3]}, format="json").status_code == 403
    assert api.post(f"{API}{made.pk}/pause/").status_code == 403
    made.refresh_from_db()
    assert made.is_active and ReturnCampaign.objects.count() == 1


def test_unknown_campaign_is_a_404_in_the_api(api, logistics):
    api.force_authenticate(logistics)
    assert api.post(f"{API}12345/pause/").status_code == 404


# --- Devices still out, query ceilings ------------------------------------------------------------


def test_devices_out_counts_open_loans_handed_over_by_the_deadline(client, logistics):
    point = pupil_pack_point()
    links = [hand_over(point, logistics) for _n in range(3)]
    loan_services.pupil_returns_check_in(
        actor=logistics, site=point.site, returns=[loan_services.PupilReturn(code=links[0].allocation.asset.tag)]
    )
    current = campaign(name="Current", deadline=in_days(30))
    over = campaign(name="Last year", deadline=in_days(-200), is_active=False)  # before these hand-overs
    counts = dict(loan_services.return_campaigns_listed().values_list("pk", "devices_out"))
    assert counts == {current.pk: 2, over.pk: 0}
    client.force_login(logistics)
    assert client.get(LIST).context["page"].object_list[0].devices_out == 2


CEILING = 8


@pytest.mark.parametrize("rows", [3, 30])
def test_page_and_api_lists_have_a_query_ceiling(client, api, logistics, django_assert_max_num_queries, rows):
    point = pupil_pack_point()
    for _n in range(2):
        hand_over(point, logistics)
    for index in range(rows):
        campaign(name=f"Campaign {index}", deadline=in_days(index), is_active=index % 2 == 0)
    client.force_login(logistics)
    with django_assert_max_num_queries(CEILING):
        response = client.get(LIST)
    assert response.status_code == 200 and response.context["page"].object_list[0].devices_out == 2
    api.force_authenticate(logistics)
    with django_assert_max_num_queries(CEILING):
        assert api.get(API).status_code == 200


def test_the_page_is_paginated(client, logistics):
    for index in range(30):
        campaign(name=f"Campaign {index}", deadline=in_days(index))
    client.force_login(logistics)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 25 and "Page 1 of 2" in first.content.decode()
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 5


# --- Reminders ----------------------------------------------------------------------------------------


def test_a_paused_campaign_sends_nothing_and_a_resumed_one_sends_each_stage_once(logistics):
    school, contact = school_with_contact()
    point = pupil_pack_point()
    hand_over(point, logistics, school=school)
    deadline = in_days(20)
    made = loan_services.return_campaign_create(actor=logistics, name="Juin", deadline=deadline, stages=[-14, -3, 7])
    loan_services.return_campaign_set_active(actor=logistics, campaign=made, active=False)
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=14)) == 0
    assert loan_services.return_reminder_sweep(today=deadline + timedelta(days=7)) == 0
    assert not Notification.objects.filter(template__startswith="schools_return").exists()

    loan_services.return_campaign_set_active(actor=logistics, campaign=made, active=True)
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=14)) == 2  # guardian + contact
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=14)) == 0
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=10)) == 0
    # Paused and resumed again: the stage already sent is not sent twice.
    loan_services.return_campaign_set_active(actor=logistics, campaign=made, active=False)
    loan_services.return_campaign_set_active(actor=logistics, campaign=made, active=True)
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=14)) == 0
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=3)) == 2
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=3)) == 0
    assert loan_services.return_reminder_sweep(today=deadline + timedelta(days=7)) == 2
    assert loan_services.return_reminder_sweep(today=deadline + timedelta(days=30)) == 0
    assert Notification.objects.filter(template="schools_return_reminder").count() == 3
    assert Notification.objects.filter(template="schools_return_school", recipient=contact).count() == 3


def test_a_device_handed_over_after_the_deadline_is_not_reminded(logistics):
    point = pupil_pack_point()
    hand_over(point, logistics)
    # Last year's campaign, still active, with a stage after its deadline that falls today.
    campaign(name="Last year", deadline=in_days(-7), stages=[-3, 7])
    assert loan_services.return_reminder_sweep(today=in_days(0)) == 0
    assert not Notification.objects.filter(template__startswith="schools_return").exists()


def test_the_admin_keeps_the_same_rule_on_stages(client, admin_user):
    made = campaign()
    client.force_login(admin_user)
    url = reverse("admin:schools_returncampaign_change", args=[made.pk])
    data = {"name": made.name, "deadline": made.deadline, "is_active": "on"}
    assert client.post(url, {**data, "stages": '["abc"]'}).status_code == 200  # the form again, with its error
    made.refresh_from_db()
    assert made.stages == [-14, -3, 7]
    assert client.post(url, {**data, "stages": "[7, -1]"}).status_code == 302
    made.refresh_from_db()
    assert made.stages == [-1, 7]
