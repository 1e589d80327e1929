import factory
from django.utils import timezone

from icity.roles import Role
from tests.factories import make_user
from tickets import services
from tickets.models import Category, Team


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_nl = factory.Sequence(lambda n: f"Categorie {n}")
    default_team = factory.SubFactory(TeamFactory)
    guidance_fr = "Indiquez le numéro de l'appareil."
    guidance_nl = "Vermeld het nummer van het toestel."


def make_agent(team: Team | None = None, **fields):
    agent = make_user(Role.REQUESTER, Role.AGENT, **fields)
    if team is not None:
        team.members.add(agent)
    return agent


def open_ticket(requester, *, category=None, opened_by=None, **fields):
    defaults = {
        "title": "Mon écran reste noir",
        "description": "Depuis ce matin l'écran ne s'allume plus.",
        "impact": "low",
        "urgency": "medium",
    }
    defaults.update(fields)
    return services.ticket_open(requester=requester, opened_by=opened_by or requester, category=category, **defaults)


def aware(*args) -> timezone.datetime:
    from zoneinfo import ZoneInfo

    return timezone.datetime(*args, tzinfo=ZoneInfo("Europe/Brussels"))
