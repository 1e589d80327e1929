"""Schema fuzzing (issue 20): every API operation, as a requester, an agent, logistics and a manager.

schemathesis generates requests from the OpenAPI schema (generated in-process by
drf-spectacular, the same one /api/schema/ serves) and sends them to the WSGI
app on the throwaway test database. Checks: no 5xx, and every documented response
matches its schema. Bounded by SCHEMATHESIS_MAX_EXAMPLES examples per operation.
"""

import json
import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from icity.roles import Role
from icity.tokens import api_token_issue
from tests.factories import make_user

ROLES = {
    "requester": (Role.REQUESTER,),
    "agent": (Role.REQUESTER, Role.AGENT),
    "logistics": (Role.REQUESTER, Role.LOGISTICS),
    "manager": (Role.REQUESTER, Role.MANAGER),
}
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
CASES: Counter = Counter()


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = get_wsgi_application()
# The explicit examples and MAX_EXAMPLES generated cases per operation; the "coverage" phase (every
# boundary of every parameter, thousands of requests per operation) would take CI past its budget.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI app must not close the connection that holds the
    test's transaction at the end of each request (it would, being inside an atomic block)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    return {
        name: api_token_issue(user=make_user(*roles, email=f"fuzz-{name}@icity.example"), name="fuzz")[1]
        for name, roles in ROLES.items()
    }


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_for_every_role(case, tokens):
    for role, key in tokens.items():
        CASES[role] += 1
        CASES[f"{role} {case.operation.label}"] += 1
        case.call_and_validate(
            headers={"Authorization": f"Token {key}"},
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )


@pytest.fixture(scope="module", autouse=True)
def _summary():
    """The counts the README and the CI log quote: cases sent per role, operations covered."""
    yield
    operations = {key.split(" ", 1)[1] for key in CASES if " " in key}
    per_role = ", ".join(f"{role} {CASES[role]}" for role in ROLES)
    print(f"\nschema fuzzing: {len(operations)} operations; cases per role: {per_role}")
