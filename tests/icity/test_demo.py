import random

from icity.demo import DEMO_ACCOUNTS, DEMO_DOMAIN, STAFF_COUNT, seed_people
from icity.models import Department, User
from icity.roles import Role, user_roles


def test_seed_demo_is_idempotent_and_gives_one_account_per_role(db):
    # The core seeder only: each app tests its own (the full seed_demo takes a while).
    seed_people(rng=random.Random(1))
    counts = (User.objects.count(), Department.objects.count())
    seed_people(rng=random.Random(1))
    assert (User.objects.count(), Department.objects.count()) == counts
    assert User.objects.filter(email__endswith="@brucity.example").count() == STAFF_COUNT
    for key, *_rest in DEMO_ACCOUNTS:
        assert User.objects.filter(email=f"{key}@{DEMO_DOMAIN}").exists()
    held = set()
    for user in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}"):
        held |= user_roles(user)
    assert held == set(Role.values)
    assert User.objects.filter(manager__isnull=False).count() > 100


def test_demo_accounts_can_sign_in(client, db):
    seed_people(rng=random.Random(1))
    response = client.post("/accounts/login/", {"username": f"agent@{DEMO_DOMAIN}", "password": "icity-demo-2026"})
    assert response.status_code == 302
