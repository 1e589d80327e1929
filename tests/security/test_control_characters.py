"""NUL and control characters (issue 20, finding 5): refused or stripped in one place, never a 500.

PostgreSQL refuses NUL in text, and an ESC stored in an answer breaks XLSX exports:
query strings and paths carrying control characters are answered 400 or 404 by
icity.middleware.ControlCharacterMiddleware; posted text has them stripped.
"""

import pytest
from django.urls import reverse

from surveys import services as survey_services
from surveys.models import Invitation
from tests.surveys.factories import make_campaign, questions

pytestmark = pytest.mark.django_db

SIGNED_IN = [
    ("/tickets/?q=%00", 400),
    ("/tickets/?q=a%1Bb", 400),
    ("/api/v1/tickets/?q=%00", 400),
    ("/tickets/new/?asset=%00", 400),
    ("/equipment/assets/labels/?tag=%00", 400),
    ("/tickets/%00/", 404),
    ("/equipment/a/%00/", 404),
    ("/equipment/a/IC%07/", 404),
]
ANONYMOUS = [
    ("/surveys/answer/%00/", 404),
    ("/surveys/csat/rate/%00/", 404),
    ("/api/v1/survey-answers/%00/", 404),
    ("/surveys/answer/x/?lang=%00", 400),
]


@pytest.mark.parametrize("url,expected", SIGNED_IN)
def test_control_characters_in_signed_in_urls(client, admin_user, url, expected):
    client.force_login(admin_user)
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url,expected", ANONYMOUS)
def test_control_characters_in_public_urls(client, url, expected):
    assert client.get(url).status_code == expected


def test_nul_and_escape_in_a_survey_text_answer_are_stripped(client, requester):
    campaign = make_campaign()
    survey_services.campaign_launch(campaign=campaign)
    invitation = Invitation.objects.get(campaign=campaign, user=requester)
    by_kind = questions(campaign.survey)
    data = {
        f"q{by_kind['rating'].pk}": "5",
        f"q{by_kind['nps'].pk}": "10",
        f"q{by_kind['text'].pk}": "Tr\x00ès \x1bbien\tmerci",
        "action": "save",
    }
    response = client.post(reverse("surveys:answer-section", args=[invitation.token, 1]), data)
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.draft[str(by_kind["text"].pk)] == "Très bien\tmerci"


def test_escape_in_api_json_text_is_stripped(client, logistics):
    from assets.models import Category

    client.force_login(logistics)
    response = client.post(
        "/api/v1/categories/",
        {"name_fr": "Port\x1bables", "name_nl": "Laptops\x00", "code": "laptops"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    category = Category.objects.get(code="laptops")
    assert category.name_fr == "Portables" and category.name_nl == "Laptops"
