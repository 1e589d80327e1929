"""Demo data: the 2020 satisfaction survey (helpdesk, hardware, applications),
its 2021 follow-up for trends, and an open 2026 campaign.

Idempotent: surveys and campaigns are matched by title and name.
"""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from icity.models import User

from . import services
from .models import Answer, Campaign, Invitation, Question, Response, Section, Survey

BRUSSELS = ZoneInfo("Europe/Brussels")
TITLE_2020 = "Enquête de satisfaction i-CITY 2020"

# The satisfaction KPIs read these three sections by their key (surveys.Section.Key).
SECTION_KEYS = {"Helpdesk": "helpdesk", "Hardware": "hardware", "Applications": "applications"}
SECTIONS = [
    (
        ("Helpdesk", "Helpdesk", "Helpdesk"),
        [
            (
                "rating",
                True,
                (
                    "Êtes-vous satisfait·e du helpdesk ?",
                    "Bent u tevreden over de helpdesk?",
                    "How satisfied are you with the helpdesk?",
                ),
                [],
            ),
            (
                "rating",
                True,
                (
                    "Vos demandes sont-elles résolues rapidement ?",
                    "Worden uw aanvragen snel opgelost?",
                    "Are your requests solved quickly?",
                ),
                [],
            ),
            (
                "rating",
                True,
                (
                    "L'accueil est-il aimable et compétent ?",
                    "Is het onthaal vriendelijk en deskundig?",
                    "Is the service friendly and competent?",
                ),
                [],
            ),
            (
                "nps",
                True,
                (
                    "Recommanderiez-vous le helpdesk à un·e collègue ?",
                    "Zou u de helpdesk aanbevelen aan een collega?",
                    "Would you recommend the helpdesk to a colleague?",
                ),
                [],
            ),
            (
                "text",
                False,
                (
                    "Comment pourrions-nous améliorer le helpdesk ?",
                    "Hoe kunnen we de helpdesk verbeteren?",
                    "How could we improve the helpdesk?",
                ),
                [],
            ),
        ],
    ),
    (
        ("Matériel", "Materiaal", "Hardware"),
        [
            (
                "rating",
                True,
                (
                    "Êtes-vous satisfait·e de votre matériel informatique ?",
                    "Bent u tevreden over uw computermateriaal?",
                    "How satisfied are you with your IT equipment?",
                ),
                [],
            ),
            (
                "single",
                True,
                ("Votre poste de travail principal", "Uw belangrijkste werkpost", "Your main workstation"),
                [
                    ("Ordinateur portable", "Laptop", "Laptop"),
                    ("Ordinateur fixe", "Desktop", "Desktop"),
                    ("Client léger", "Thin client", "Thin client"),
                ],
            ),
            (
                "multiple",
                False,
                ("Matériel de télétravail reçu", "Ontvangen telewerkmateriaal", "Telework equipment received"),
                [
                    ("Casque", "Headset", "Headset"),
                    ("Webcam", "Webcam", "Webcam"),
                    ("Pack Télétravail", "Telewerkpakket", "Telework pack"),
                    ("Écran", "Scherm", "Screen"),
                ],
            ),
            (
                "rating",
                True,
                (
                    "Le délai de livraison du matériel vous convient-il ?",
                    "Bent u tevreden over de leveringstermijn?",
                    "Are you satisfied with delivery times?",
                ),
                [],
            ),
        ],
    ),
    (
        ("Applications", "Toepassingen", "Applications"),
        [
            (
                "rating",
                True,
                (
                    "Les applications métier répondent-elles à vos besoins ?",
                    "Beantwoorden de vakapplicaties aan uw noden?",
                    "Do the business applications meet your needs?",
                ),
                [],
            ),
            (
                "rating",
                True,
                (
                    "Êtes-vous satisfait·e de la messagerie et des outils collaboratifs ?",
                    "Bent u tevreden over e-mail en samenwerkingstools?",
                    "How satisfied are you with email and collaboration tools?",
                ),
                [],
            ),
            (
                "text",
                False,
                (
                    "Une remarque sur les applications ?",
                    "Een opmerking over de toepassingen?",
                    "Any remark about the applications?",
                ),
                [],
            ),
        ],
    ),
]

COMMENTS = [
    "Le helpdesk est très réactif, merci !",
    "Délai trop long pour recevoir un nouveau portable.",
    "De helpdesk is altijd vriendelijk.",
    "Le VPN décroche souvent en télétravail.",
    "Graag meer opleiding over de nieuwe toepassingen.",
    "Très bon accueil au guichet i-CITY.",
    "L'application de gestion des dossiers est lente.",
    "Snelle levering van het telewerkpakket, top!",
    "Il faudrait pouvoir suivre l'état de ma demande en ligne.",
    "Merci pour le pack télétravail pendant le confinement.",
]


def _build_survey(by) -> Survey:
    survey = Survey.objects.create(
        title_fr=TITLE_2020,
        title_nl="Tevredenheidsenquête i-CITY 2020",
        title_en="i-CITY satisfaction survey 2020",
        intro_fr="Aidez-nous à améliorer le helpdesk, le matériel et les applications de la Ville.",
        intro_nl="Help ons de helpdesk, het materiaal en de toepassingen van de Stad te verbeteren.",
        intro_en="Help us improve the City's helpdesk, equipment and applications.",
        created_by=by,
    )
    for position, (titles, questions) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(
            survey=survey,
            position=position,
            title_fr=titles[0],
            title_nl=titles[1],
            title_en=titles[2],
            key=SECTION_KEYS.get(titles[2], ""),
        )
        for kind, required, texts, choices in questions:
            services.question_add(
                section=section,
                kind=kind,
                required=required,
                texts=dict(zip(("fr", "nl", "en"), texts, strict=True)),
                choices=[dict(zip(("fr", "nl", "en"), labels, strict=True)) for labels in choices],
            )
    return survey


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)


def _fill_closed_campaign(
    *, campaign: Campaign, people: list[User], rng: random.Random, rate: float, mood: float
) -> None:
    """Invitations for everyone, answers for a share of them, as if the campaign had run."""
    invitations = [
        Invitation(
            campaign=campaign,
            user=person,
            sent_at=campaign.opens_at,
            reminders_sent=0,
            status=Invitation.Status.PENDING,
        )
        for person in people
    ]
    Invitation.objects.bulk_create(invitations)
    sections = services.survey_questions(campaign.survey)
    questions = [question for section in sections for question in section.question_list]
    respondents = [person for person in people if rng.random() < rate]
    Invitation.objects.filter(campaign=campaign, user__in=respondents).update(status=Invitation.Status.ANSWERED)
    Invitation.objects.filter(campaign=campaign, status=Invitation.Status.PENDING).update(
        reminders_sent=campaign.max_reminders
    )
    days = (campaign.closes_at.date() - campaign.opens_at.date()).days
    responses, answers = [], []
    for person in respondents:
        response = Response(
            campaign=campaign,
            anonymous=campaign.anonymous,
            user=None if campaign.anonymous else person,
            department_id=person.department_id,
            language="" if campaign.anonymous else person.language,
            submitted_on=None if campaign.anonymous else campaign.opens_at.date() + timedelta(days=rng.randrange(days)),
        )
        responses.append(response)
        personal = rng.gauss(mood, 0.7)
        common = {"response": response, "campaign": campaign, "department_id": person.department_id}
        for question in questions:
            if question.kind == Question.Kind.RATING:
                answers.append(
                    Answer(question=question, number=min(5, max(1, round(rng.gauss(personal, 0.8)))), **common)
                )
            elif question.kind == Question.Kind.NPS:
                score = min(10, max(0, round(rng.gauss(personal * 2 - 0.5, 1.6))))
                answers.append(Answer(question=question, number=score, **common))
            elif question.kind == Question.Kind.SINGLE:
                choice = rng.choices(question.choice_list, weights=[5, 3, 1][: len(question.choice_list)])[0]
                answers.append(Answer(question=question, choice=choice, **common))
            elif question.kind == Question.Kind.MULTIPLE:
                for choice in question.choice_list:
                    if rng.random() < 0.4:
                        answers.append(Answer(question=question, choice=choice, **common))
            elif rng.random() < 0.25:
                answers.append(Answer(question=question, text=rng.choice(COMMENTS), **common))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers, batch_size=2000)


@transaction.atomic
def seed_surveys(*, rng: random.Random, stdout=None, **kwargs) -> None:
    if Survey.objects.filter(title_fr=TITLE_2020).exists():
        return
    manager = User.objects.filter(email="manager@icity.example").first()
    people = list(User.objects.filter(is_active=True).order_by("id"))
    survey_2020 = _build_survey(manager)
    campaign_2020 = Campaign.objects.create(
        survey=survey_2020,
        name="Satisfaction 2020 — helpdesk, matériel, applications",
        status=Campaign.Status.CLOSED,
        opens_at=_at(date(2020, 11, 9)),
        closes_at=_at(date(2020, 12, 4), 18),
        anonymous=True,
        launched_at=_at(date(2020, 11, 9)),
        closed_at=_at(date(2020, 12, 4), 18),
        created_by=manager,
    )
    _fill_closed_campaign(campaign=campaign_2020, people=people, rng=rng, rate=0.82, mood=3.5)

    survey_2021 = services.survey_copy(survey=survey_2020, by=manager)
    Survey.objects.filter(pk=survey_2021.pk).update(
        title_fr="Enquête de satisfaction i-CITY 2021",
        title_nl="Tevredenheidsenquête i-CITY 2021",
        title_en="i-CITY satisfaction survey 2021",
    )
    campaign_2021 = Campaign.objects.create(
        survey=survey_2021,
        name="Satisfaction 2021 — helpdesk, matériel, applications",
        status=Campaign.Status.CLOSED,
        opens_at=_at(date(2021, 11, 8)),
        closes_at=_at(date(2021, 12, 3), 18),
        anonymous=True,
        previous=campaign_2020,
        launched_at=_at(date(2021, 11, 8)),
        closed_at=_at(date(2021, 12, 3), 18),
        created_by=manager,
    )
    _fill_closed_campaign(campaign=campaign_2021, people=people, rng=rng, rate=0.86, mood=3.9)

    now = timezone.now()
    survey_now = services.survey_copy(survey=survey_2021, by=manager)
    Survey.objects.filter(pk=survey_now.pk).update(
        title_fr=f"Enquête de satisfaction i-CITY {now.year}",
        title_nl=f"Tevredenheidsenquête i-CITY {now.year}",
        title_en=f"i-CITY satisfaction survey {now.year}",
    )
    survey_now.refresh_from_db()
    campaign_now = services.campaign_create(
        survey=survey_now,
        name=f"Satisfaction {now.year} — helpdesk, matériel, applications",
        audience_kind=Campaign.AudienceKind.ALL_STAFF,
        audience_params={},
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=26),
        anonymous=True,
        previous=campaign_2021,
        by=manager,
    )
    services.campaign_launch(campaign=campaign_now, now=now)
    if stdout is not None:
        stdout.write(f"  surveys: {Response.objects.count()} responses, {Answer.objects.count()} answers")
