"""A database outage answers a translated 503 with Retry-After (JSON for the API), never a bare 500."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client


@pytest.fixture
def database_down(db):
    patch = pytest.MonkeyPatch()

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    def down(error=refuse):
        patch.setattr(CursorWrapper, "execute", error)
        patch.setattr(CursorWrapper, "executemany", error)

    yield down
    patch.undo()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Temporairement indisponible"), ("nl", "Tijdelijk niet beschikbaar"), ("en", "Temporarily unavailable")],
)
def test_pages_answer_a_translated_503_with_retry_after(db, agent, database_down, language, expected):
    client = Client(raise_request_exception=False, headers={"Accept-Language": language})
    client.force_login(agent)
    database_down()
    response = client.get("/tickets/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert expected in page and f'lang="{language}"' in page


def test_the_api_answers_a_json_503(db, agent, database_down):
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    database_down()
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "base de données" in response.json()["detail"]


def test_an_anonymous_page_answers_503_too(db, database_down):
    client = Client(raise_request_exception=False)
    database_down()
    assert client.get("/accounts/login/").status_code in (200, 503)  # the login form may need no query
    response = client.post("/accounts/login/", {"username": "a@brucity.example", "password": "x"})
    assert response.status_code == 503


def test_other_errors_stay_a_500(rf):
    from icity.views import server_error

    response = server_error(rf.get("/tickets/"))
    assert response.status_code == 500 and "Retry-After" not in response
