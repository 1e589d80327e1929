"""Loans left the assets app and kept its test setup: the same fixtures, defined once in tests/assets."""

from tests.assets.conftest import (  # noqa: F401 - pytest collects fixtures from this module's names
    _english,
    _fresh_cache,
    _role_groups,
    admin_user,
    agent,
    logistics,
    requester,
    school_contact,
)
