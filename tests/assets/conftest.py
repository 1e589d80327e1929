import pytest
from django.contrib.auth.models import Group

from icity.roles import Role


@pytest.fixture(autouse=True)
def _role_groups(request):
    """Role groups come from a data migration; a transactional test's flush (the PostgreSQL
    race tests) empties them for every later test on the reused database, so put them back."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db") if not _is_transactional(request) else request.getfixturevalue("transactional_db")
    Group.objects.bulk_create([Group(name=name) for name in Role.values], ignore_conflicts=True)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker.kwargs.get("transaction")) if marker else False
