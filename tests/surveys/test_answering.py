from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import Answer, Invitation, Response
from tests.factories import make_user
from tests.surveys.factories import full_answers, make_campaign, questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(requester):
    campaign = make_campaign()
    services.campaign_launch(campaign=campaign)
    return Invitation.objects.get(campaign=campaign, user=requester)


def _post_section(client, invitation, step, data, action="next"):
    return client.post(reverse("surveys:answer-section", args=[invitation.token, step]), {**data, "action": action})


def _page_data(invitation):
    by_kind = questions(invitation.campaign.survey)
    choices = list(by_kind["multiple"].choices.order_by("position"))
    page1 = {f"q{by_kind['rating'].pk}": "5", f"q{by_kind['nps'].pk}": "10", f"q{by_kind['text'].pk}": "Parfait"}
    page2 = {
        f"q{by_kind['single'].pk}": str(by_kind["single"].choices.first().pk),
        f"q{by_kind['multiple'].pk}": [str(choices[0].pk), str(choices[2].pk)],
    }
    return page1, page2


def test_answering_section_by_section_without_logging_in(client, invitation):
    start = client.get(reverse("surveys:answer", args=[invitation.token]))
    assert start.status_code == 200
    page1, page2 = _page_data(invitation)
    first = client.get(reverse("surveys:answer-section", args=[invitation.token, 1]))
    assert b"<progress" in first.content
    response = _post_section(client, invitation, 1, page1)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{invitation.token}/2/")
    response = _post_section(client, invitation, 2, page2)
    assert response["Location"] == reverse("surveys:answer-done")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ANSWERED
    assert invitation.draft == {}
    stored = Response.objects.get(campaign=invitation.campaign)
    assert Answer.objects.filter(response=stored).count() == 6  # multiple choice: one row per choice


def test_missing_required_answer_shows_clear_error_and_saves_nothing(client, invitation):
    page1, _page2 = _page_data(invitation)
    by_kind = questions(invitation.campaign.survey)
    del page1[f"q{by_kind['rating'].pk}"]
    page1[f"q{by_kind['nps'].pk}"] = "11"
    response = _post_section(client, invitation, 1, page1)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Veuillez répondre à cette question" in content or "Please answer this question" in content
    invitation.refresh_from_db()
    assert invitation.draft == {}


def test_save_and_resume_keeps_partial_answers(client, invitation):
    by_kind = questions(invitation.campaign.survey)
    response = _post_section(client, invitation, 1, {f"q{by_kind['rating'].pk}": "3"}, action="save")
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.draft == {str(by_kind["rating"].pk): 3}
    page = client.get(reverse("surveys:answer-section", args=[invitation.token, 1])).content.decode()
    assert f'name="q{by_kind["rating"].pk}" value="3" checked' in page


def test_link_used_twice_shows_already_answered_and_changes_nothing(client, invitation):
    services.response_submit(token=invitation.token, raw=full_answers(invitation.campaign.survey))
    before = Answer.objects.count()
    page = client.get(reverse("surveys:answer", args=[invitation.token]))
    assert page.status_code == 410
    page1, _ = _page_data(invitation)
    response = _post_section(client, invitation, 1, page1)
    assert response.status_code == 410
    assert Answer.objects.count() == before
    assert Response.objects.count() == 1


def test_guessed_token_gets_a_clear_page(client, invitation):
    response = client.get(reverse("surveys:answer", args=["x" * 43]))
    assert response.status_code == 404
    response = client.post(reverse("surveys:answer-section", args=["x" * 43, 1]), {"action": "next"})
    assert response.status_code == 404
    assert Response.objects.count() == 0


def test_expired_token_gets_a_clear_page_and_changes_nothing(client, invitation):
    campaign = invitation.campaign
    campaign.closes_at = timezone.now() - timedelta(minutes=1)
    campaign.opens_at = campaign.closes_at - timedelta(days=1)
    campaign.save()
    page1, _ = _page_data(invitation)
    response = _post_section(client, invitation, 1, page1)
    assert response.status_code == 410
    invitation.refresh_from_db()
    assert invitation.draft == {}
    with pytest.raises(services.InvitationUnusable):
        services.response_submit(token=invitation.token, raw=full_answers(campaign.survey))
    assert Response.objects.count() == 0


def test_opt_out_stops_the_link(client, invitation):
    response = client.post(reverse("surveys:opt-out", args=[invitation.token]))
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPTED_OUT
    assert client.get(reverse("surveys:answer", args=[invitation.token])).status_code == 410


def test_answer_page_uses_invitee_language(client):
    person = make_user(language="nl")
    campaign = make_campaign()
    services.campaign_launch(campaign=campaign)
    invitation = Invitation.objects.get(user=person)
    page = client.get(reverse("surveys:answer-section", args=[invitation.token, 1])).content.decode()
    assert "Tevredenheid helpdesk?" in page
