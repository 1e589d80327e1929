from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from icity.models import Notification
from icity.outbox import outbox_drain
from icity.roles import Role
from surveys import services
from surveys.models import CsatFollowUp, TicketRating
from tests.factories import make_user
from tests.surveys.csat_factories import CLOSED_AT, closed_ticket
from tests.tickets.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _says(response, reason: str) -> bool:
    with translation.override("fr"):
        return escape(str(services.CsatUnusable.MESSAGES[reason])) in response.content.decode()


DUE = CLOSED_AT + timedelta(hours=25)


@pytest.fixture(autouse=True)
def _csat_settings(settings):
    settings.SURVEYS_CSAT_DELAY_HOURS = 24
    settings.SURVEYS_CSAT_SAMPLING_PERCENT = 100
    settings.SURVEYS_CSAT_REPEAT_DAYS = 30
    settings.SURVEYS_CSAT_VALID_DAYS = 14


def _csat_notifications(ticket):
    return Notification.objects.filter(dedupe_key=f"csat:{ticket.pk}")


def test_not_invited_before_the_delay(requester):
    ticket = closed_ticket(requester)
    with time_machine.travel(CLOSED_AT + timedelta(hours=23), tick=False):
        assert services.csat_sweep().invited == 0
    assert not TicketRating.objects.filter(ticket=ticket).exists()


def test_invitation_sent_once_even_if_the_sweep_runs_twice(requester):
    ticket = closed_ticket(requester)
    with time_machine.travel(DUE, tick=False):
        assert services.csat_sweep().invited == 1
        assert services.csat_sweep().invited == 0
        assert services.ticket_rating_consider(ticket=ticket) is None
        outbox_drain()
    assert _csat_notifications(ticket).count() == 1
    rating = TicketRating.objects.get(ticket=ticket)
    assert rating.status == TicketRating.Status.INVITED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [requester.email]
    assert reverse("surveys:csat", args=[rating.token]) in mail.outbox[0].body
    assert rating.team_id == ticket.team_id and rating.agent_id == ticket.assignee_id


def test_no_second_invitation_within_the_repeat_interval(requester):
    first = closed_ticket(requester)
    second = closed_ticket(requester, closed_at=CLOSED_AT + timedelta(days=10))
    third = closed_ticket(requester, closed_at=CLOSED_AT + timedelta(days=31))
    with time_machine.travel(DUE, tick=False):
        services.csat_sweep()
    with time_machine.travel(DUE + timedelta(days=10), tick=False):
        services.csat_sweep()
    with time_machine.travel(DUE + timedelta(days=31), tick=False):
        services.csat_sweep()
    statuses = dict(TicketRating.objects.values_list("ticket_id", "status"))
    assert statuses == {first.pk: "invited", second.pk: "recently_asked", third.pk: "invited"}
    assert Notification.objects.filter(dedupe_key__startswith="csat:").count() == 2


def test_two_tickets_of_one_requester_in_one_sweep_give_one_invitation(requester):
    closed_ticket(requester)
    closed_ticket(requester)
    with time_machine.travel(DUE, tick=False):
        result = services.csat_sweep()
    assert (result.invited, result.skipped) == (1, 1)


def test_sampling_is_deterministic_per_ticket(settings):
    settings.SURVEYS_CSAT_SAMPLING_PERCENT = 30
    picks = [services.csat_in_sample(ticket_id, 30) for ticket_id in range(1, 2001)]
    assert picks == [services.csat_in_sample(ticket_id, 30) for ticket_id in range(1, 2001)]
    assert 0.25 < sum(picks) / len(picks) < 0.35
    assert not any(services.csat_in_sample(ticket_id, 0) for ticket_id in range(1, 200))


def test_ticket_out_of_sample_is_never_invited(requester, settings):
    settings.SURVEYS_CSAT_SAMPLING_PERCENT = 0
    ticket = closed_ticket(requester)
    with time_machine.travel(DUE, tick=False):
        services.csat_sweep()
        services.csat_sweep()
    assert TicketRating.objects.get(ticket=ticket).status == TicketRating.Status.NOT_SAMPLED
    assert not _csat_notifications(ticket).exists()


def _invite(requester, **fields):
    ticket = closed_ticket(requester, **fields)
    with time_machine.travel(DUE, tick=False):
        services.csat_sweep()
    return ticket, TicketRating.objects.get(ticket=ticket)


def test_answer_page_records_rating_and_link_then_used_up(client, requester):
    ticket, rating = _invite(requester)
    url = reverse("surveys:csat", args=[rating.token])
    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        assert ticket.reference in page.content.decode()
        response = client.post(url, {"rating": "5", "comment": "Très rapide, merci"})
        assert response.status_code == 302
        again = client.post(url, {"rating": "1", "comment": "changed my mind"})
    assert again.status_code == 410
    assert _says(again, "answered")
    rating.refresh_from_db()
    assert (rating.rating, rating.comment, rating.status) == (5, "Très rapide, merci", "answered")
    assert not CsatFollowUp.objects.exists()


def test_no_invitation_after_the_token_is_used(requester):
    ticket, rating = _invite(requester)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        services.ticket_rating_submit(token=rating.token, rating=4)
        services.csat_sweep()
    assert _csat_notifications(ticket).count() == 1
    assert TicketRating.objects.count() == 1


def test_bad_input_gives_a_form_error_and_saves_nothing(client, requester):
    _ticket, rating = _invite(requester)
    url = reverse("surveys:csat", args=[rating.token])
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        for data in ({}, {"rating": "0"}, {"rating": "6"}, {"rating": "abc"}, {"rating": "3", "comment": "x" * 2001}):
            response = client.post(url, data)
            assert response.status_code == 400
            assert 'class="form-errors"' in response.content.decode() or "error" in response.content.decode()
    rating.refresh_from_db()
    assert rating.status == "invited" and rating.rating is None


@pytest.mark.parametrize("score", [1, 2])
def test_low_rating_creates_exactly_one_follow_up_and_notifies_the_lead(requester, score):
    lead = make_user(Role.REQUESTER, Role.AGENT)
    ticket, rating = _invite(requester, lead=lead)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        services.ticket_rating_submit(token=rating.token, rating=score, comment="Personne ne m'a rappelé")
        with pytest.raises(services.CsatUnusable):
            services.ticket_rating_submit(token=rating.token, rating=score)
        outbox_drain()
    follow_up = CsatFollowUp.objects.get()
    assert (follow_up.ticket_id, follow_up.lead_id, follow_up.status) == (ticket.pk, lead.pk, "open")
    assert Notification.objects.filter(dedupe_key=f"csat:{ticket.pk}:follow-up").count() == 1
    assert [message.to for message in mail.outbox if message.to == [lead.email]] == [[lead.email]]


@pytest.mark.parametrize("score", [3, 4, 5])
def test_other_ratings_create_no_follow_up(requester, score):
    _ticket, rating = _invite(requester, lead=make_user(Role.AGENT))
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        services.ticket_rating_submit(token=rating.token, rating=score)
    assert not CsatFollowUp.objects.exists()


def test_guessed_and_expired_tokens_get_a_clear_page_and_change_nothing(client, requester):
    _ticket, rating = _invite(requester)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        guessed = client.post(reverse("surveys:csat", args=["x" * 43]), {"rating": "1"})
        too_long = client.get(reverse("surveys:csat", args=["x" * 100]))
    assert guessed.status_code == 404 and _says(guessed, "unknown")
    assert too_long.status_code == 404
    with time_machine.travel(DUE + timedelta(days=15), tick=False):
        expired = client.post(reverse("surveys:csat", args=[rating.token]), {"rating": "1"})
    assert expired.status_code == 410 and _says(expired, "expired")
    rating.refresh_from_db()
    assert rating.status == "invited" and rating.rating is None
    assert not CsatFollowUp.objects.exists()


def _follow_up(requester, lead):
    _ticket, rating = _invite(requester, lead=lead)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        services.ticket_rating_submit(token=rating.token, rating=1)
    return CsatFollowUp.objects.get(rating=rating)


def test_lead_closes_the_follow_up_with_a_note(client, requester):
    lead = make_user(Role.REQUESTER, Role.AGENT)
    follow_up = _follow_up(requester, lead)
    client.force_login(lead)
    url = reverse("surveys:follow-up-detail", args=[follow_up.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": ""}).status_code == 400
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    response = client.post(url, {"note": "Appelé la demanderesse, écran remplacé."})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.closed_by_id) == ("closed", lead.pk)
    assert follow_up.closed_at is not None
    assert client.post(url, {"note": "again"}).status_code == 400


def test_others_cannot_see_follow_ups_or_results(client, requester):
    lead = make_user(Role.REQUESTER, Role.AGENT)
    follow_up = _follow_up(requester, lead)
    other_agent = make_user(Role.REQUESTER, Role.AGENT)
    detail = reverse("surveys:follow-up-detail", args=[follow_up.pk])
    client.force_login(requester)
    assert client.get(reverse("surveys:follow-up-list")).status_code == 403
    assert client.get(detail).status_code == 403
    assert client.get(reverse("surveys:csat-results")).status_code == 403
    assert client.get("/api/v1/csat-results/").status_code == 403
    assert client.get("/api/v1/csat-follow-ups/").status_code == 403
    client.force_login(other_agent)
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"note": "not mine"}).status_code == 404
    assert follow_up.ticket.reference not in client.get(reverse("surveys:follow-up-list")).content.decode()
    assert client.get(reverse("surveys:csat-results")).status_code == 403
    assert client.get("/api/v1/csat-follow-ups/").status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_team_without_lead_still_gets_a_follow_up(requester):
    team = TeamFactory(lead=None)
    _ticket, rating = _invite(requester, team=team)
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        services.ticket_rating_submit(token=rating.token, rating=2)
    assert CsatFollowUp.objects.get().lead is None


def test_beat_entry_and_task_run_the_sweep(requester, settings):
    from surveys.tasks import csat_sweep

    assert settings.CELERY_BEAT_SCHEDULE["surveys-csat-sweep"]["task"] == "surveys.tasks.csat_sweep"
    closed_ticket(requester)
    with time_machine.travel(DUE, tick=False):
        assert csat_sweep() == {"invited": 1, "skipped": 0}
        assert csat_sweep() == {"invited": 0, "skipped": 0}


def test_ticket_closed_too_long_ago_is_not_considered(requester, settings):
    settings.SURVEYS_CSAT_MAX_AGE_DAYS = 14
    ticket = closed_ticket(requester)
    with time_machine.travel(DUE + timedelta(days=20), tick=False):
        services.csat_sweep()
    assert not TicketRating.objects.filter(ticket=ticket).exists()
