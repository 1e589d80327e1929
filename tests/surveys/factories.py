from datetime import timedelta

import factory
from django.utils import timezone

from surveys import services
from surveys.models import Campaign, Question, Section, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title_fr = factory.Sequence(lambda n: f"Enquête {n}")
    title_nl = factory.Sequence(lambda n: f"Enquête {n} NL")
    title_en = factory.Sequence(lambda n: f"Survey {n}")


def make_survey(**fields) -> Survey:
    """Two sections covering the five question types."""
    survey = SurveyFactory(**fields)
    helpdesk = Section.objects.create(survey=survey, position=1, title_fr="Helpdesk", title_nl="Helpdesk")
    hardware = Section.objects.create(survey=survey, position=2, title_fr="Matériel", title_nl="Materiaal")
    texts = lambda fr, nl, en: {"fr": fr, "nl": nl, "en": en}  # noqa: E731
    services.question_add(
        section=helpdesk,
        kind=Question.Kind.RATING,
        required=True,
        texts=texts("Satisfaction du helpdesk ?", "Tevredenheid helpdesk?", "Helpdesk satisfaction?"),
    )
    services.question_add(
        section=helpdesk,
        kind=Question.Kind.NPS,
        required=True,
        texts=texts("Recommanderiez-vous ?", "Zou u aanbevelen?", "Would you recommend?"),
    )
    services.question_add(
        section=helpdesk,
        kind=Question.Kind.TEXT,
        required=False,
        texts=texts("Commentaire", "Opmerking", "Comment"),
    )
    services.question_add(
        section=hardware,
        kind=Question.Kind.SINGLE,
        required=True,
        texts=texts("Votre ordinateur ?", "Uw computer?", "Your computer?"),
        choices=[{"fr": "Portable", "nl": "Laptop", "en": "Laptop"}, {"fr": "Fixe", "nl": "Desktop", "en": "Desktop"}],
    )
    services.question_add(
        section=hardware,
        kind=Question.Kind.MULTIPLE,
        required=False,
        texts=texts("Accessoires ?", "Accessoires?", "Accessories?"),
        choices=[
            {"fr": "Casque", "nl": "Headset", "en": "Headset"},
            {"fr": "Webcam", "nl": "Webcam", "en": "Webcam"},
            {"fr": "Écran", "nl": "Scherm", "en": "Screen"},
        ],
    )
    return survey


def make_campaign(*, survey=None, anonymous=True, min_group_size=5, previous=None, **fields) -> Campaign:
    now = timezone.now()
    return services.campaign_create(
        survey=survey or make_survey(),
        name=fields.pop("name", "Enquête 2020"),
        audience_kind=fields.pop("audience_kind", Campaign.AudienceKind.ALL_STAFF),
        audience_params=fields.pop("audience_params", {}),
        opens_at=fields.pop("opens_at", now - timedelta(hours=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=30)),
        anonymous=anonymous,
        min_group_size=min_group_size,
        previous=previous,
        **fields,
    )


def questions(survey: Survey) -> dict[str, Question]:
    return {question.kind: question for question in Question.objects.filter(section__survey=survey)}


def full_answers(survey: Survey, *, rating: int = 4, nps: int = 9, text: str = "Très bien") -> dict:
    by_kind = questions(survey)
    single = by_kind["single"].choices.order_by("position").first()
    multiple = list(by_kind["multiple"].choices.order_by("position").values_list("id", flat=True))[:2]
    return {
        str(by_kind["rating"].pk): rating,
        str(by_kind["nps"].pk): nps,
        str(by_kind["text"].pk): text,
        str(by_kind["single"].pk): single.pk,
        str(by_kind["multiple"].pk): multiple,
    }


def respond(campaign: Campaign, people, **answers) -> None:
    """Each person answers the campaign (their invitation is created if needed)."""
    from surveys.models import Invitation

    for person in people:
        invitation, _created = Invitation.objects.get_or_create(campaign=campaign, user=person)
        services.response_submit(token=invitation.token, raw=full_answers(campaign.survey, **answers))


def open_campaign(**fields) -> Campaign:
    campaign = make_campaign(**fields)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    campaign.refresh_from_db()
    return campaign
