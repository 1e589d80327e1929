import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Campaign, Choice, Question, Survey
from tests.surveys.factories import make_campaign, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return make_campaign()


def _pages(campaign):
    survey = campaign.survey
    return [
        reverse("surveys:dashboard"),
        reverse("surveys:survey-list"),
        reverse("surveys:survey-create"),
        reverse("surveys:survey-detail", args=[survey.pk]),
        reverse("surveys:survey-preview", args=[survey.pk, "nl"]),
        reverse("surveys:question-add", args=[survey.sections.first().pk]),
        reverse("surveys:campaign-create"),
        reverse("surveys:campaign-detail", args=[campaign.pk]),
        reverse("surveys:campaign-results", args=[campaign.pk]),
        reverse("surveys:campaign-comments", args=[campaign.pk]),
        reverse("surveys:campaign-export", args=[campaign.pk, "csv"]),
        reverse("surveys:campaign-export", args=[campaign.pk, "xlsx"]),
        reverse("surveys:campaign-comments-export", args=[campaign.pk]),
    ]


def test_manager_opens_every_survey_page(client, manager, campaign):
    client.force_login(manager)
    for url in _pages(campaign):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["requester", "agent", "logistics", "school_contact"])
def test_other_roles_are_refused_every_survey_page(client, request, role, campaign):
    client.force_login(request.getfixturevalue(role))
    for url in _pages(campaign):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitor_is_sent_to_login(client, campaign):
    response = client.get(reverse("surveys:campaign-results", args=[campaign.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_manager_builds_a_survey_with_choices(client, manager):
    client.force_login(manager)
    response = client.post(reverse("surveys:survey-create"), {"title_fr": "Enquête", "title_nl": "Enquête NL"})
    survey = Survey.objects.get()
    assert response["Location"] == survey.get_absolute_url()
    client.post(reverse("surveys:section-add", args=[survey.pk]), {"title_fr": "Matériel", "title_nl": "Materiaal"})
    section = survey.sections.get()
    response = client.post(
        reverse("surveys:question-add", args=[section.pk]),
        {
            "kind": "single",
            "required": "on",
            "text_fr": "Votre PC ?",
            "text_nl": "Uw pc?",
            "choices_fr": "Portable\nFixe",
            "choices_nl": "Laptop\nDesktop",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert list(question.choices.order_by("position").values_list("label_nl", flat=True)) == ["Laptop", "Desktop"]


def test_choice_question_with_mismatched_translations_is_refused(client, manager):
    client.force_login(manager)
    survey = make_survey()
    section = survey.sections.first()
    before = Question.objects.count()
    response = client.post(
        reverse("surveys:question-add", args=[section.pk]),
        {"kind": "multiple", "text_fr": "Q", "text_nl": "V", "choices_fr": "A\nB\nC", "choices_nl": "A\nB"},
    )
    assert response.status_code == 400
    assert Question.objects.count() == before
    assert "field-invalid" in response.content.decode()


def test_copy_keeps_questions_and_remembers_sources(client, manager):
    client.force_login(manager)
    survey = make_survey()
    response = client.post(reverse("surveys:survey-copy", args=[survey.pk]))
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert copy.copied_from == survey
    copied = Question.objects.filter(section__survey=copy)
    assert copied.count() == 5
    assert set(copied.values_list("copied_from__section__survey", flat=True)) == {survey.pk}
    assert Choice.objects.filter(question__section__survey=copy).count() == 5


def test_preview_in_each_language(client, manager):
    client.force_login(manager)
    survey = make_survey()
    assert (
        "Tevredenheid helpdesk?"
        in client.get(reverse("surveys:survey-preview", args=[survey.pk, "nl"])).content.decode()
    )
    assert (
        "Helpdesk satisfaction?"
        in client.get(reverse("surveys:survey-preview", args=[survey.pk, "en"])).content.decode()
    )
    assert client.get(reverse("surveys:survey-preview", args=[survey.pk, "de"])).status_code == 404


def test_manager_creates_and_launches_a_campaign(client, manager, requester):
    client.force_login(manager)
    survey = make_survey()
    response = client.post(
        reverse("surveys:campaign-create"),
        {
            "survey": survey.pk,
            "name": "Satisfaction 2026",
            "audience_kind": "all_staff",
            "opens_at": "2030-01-01T09:00",
            "closes_at": "2030-01-31T17:00",
            "anonymous": "on",
            "min_group_size": 5,
            "reminder_after_days": 7,
            "max_reminders": 2,
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == campaign.get_absolute_url()
    assert campaign.status == Campaign.Status.DRAFT and campaign.anonymous
    client.post(reverse("surveys:campaign-launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.invitations.filter(user=requester).exists()
    # A sent survey is locked: its questions no longer change.
    response = client.post(
        reverse("surveys:question-add", args=[survey.sections.first().pk]),
        {"kind": "text", "text_fr": "Q", "text_nl": "V"},
    )
    assert response.status_code == 400
    client.post(reverse("surveys:campaign-close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_campaign_with_bad_dates_or_no_department_is_refused(client, manager):
    client.force_login(manager)
    survey = make_survey()
    base = {
        "survey": survey.pk,
        "name": "X",
        "opens_at": "2030-01-31T09:00",
        "closes_at": "2030-01-01T17:00",
        "min_group_size": 5,
        "reminder_after_days": 7,
        "max_reminders": 2,
    }
    response = client.post(reverse("surveys:campaign-create"), {**base, "audience_kind": "all_staff"})
    assert response.status_code == 400
    response = client.post(
        reverse("surveys:campaign-create"), {**base, "audience_kind": "departments", "closes_at": "2030-02-01T00:00"}
    )
    assert response.status_code == 400
    assert Campaign.objects.count() == 0


def test_dashboard_and_panel_query_counts_do_not_grow(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    survey = make_survey()

    def make(count):
        for index in range(count):
            campaign = make_campaign(survey=survey, name=f"C{index}")
            services.campaign_launch(campaign=campaign)
            services.survey_copy(survey=survey, by=None)

    make(5)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:dashboard")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("surveys:survey-list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("icity:role-home", args=["manager"])).status_code == 200
    make(45)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("surveys:dashboard")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("surveys:survey-list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("icity:role-home", args=["manager"])).status_code == 200


def test_manager_home_panel_shows_live_response_rate(client, manager, requester):
    campaign = make_campaign(name="Satisfaction 2026")
    services.campaign_launch(campaign=campaign)
    invitation = campaign.invitations.get(user=requester)
    from tests.surveys.factories import full_answers

    services.response_submit(token=invitation.token, raw=full_answers(campaign.survey))
    client.force_login(manager)
    page = client.get(reverse("icity:role-home", args=["manager"])).content.decode()
    assert "Satisfaction 2026" in page
    invited = campaign.invitations.count()
    assert f"(1 sur {invited})" in page


def test_admin_cannot_change_anonymity_once_launched(client, admin_user):
    campaign = make_campaign()
    services.campaign_launch(campaign=campaign)
    client.force_login(admin_user)
    page = client.get(reverse("admin:surveys_campaign_change", args=[campaign.pk])).content.decode()
    assert 'name="anonymous"' not in page
