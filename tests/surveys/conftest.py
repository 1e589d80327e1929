import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Closed campaigns' tallies are cached; ids can repeat between tests.
    cache.clear()
    yield
    cache.clear()
