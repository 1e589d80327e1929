import factory
from django.contrib.auth.models import Group

from icity.models import Department, Site, User
from icity.roles import Role


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept-{n}")
    name_fr = factory.Sequence(lambda n: f"Département {n}")
    name_nl = factory.Sequence(lambda n: f"Departement {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"site-{n}")
    name_fr = factory.Sequence(lambda n: f"Bâtiment {n}")
    name_nl = factory.Sequence(lambda n: f"Gebouw {n}")
    address = "Grand-Place 1, 1000 Bruxelles"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@brucity.example")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    language = "fr"
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        roles = extracted if extracted is not None else [Role.REQUESTER]
        # get_or_create: transactional tests flush the tables, role groups included.
        self.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        self.__dict__.pop("_icity_roles", None)


def make_user(*roles: str, **fields) -> User:
    return UserFactory(roles=list(roles) or [Role.REQUESTER], **fields)
