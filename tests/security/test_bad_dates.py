"""Bad dates on the deliveries board (issue 20, finding 6): today's board with a message, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


BAD = ["2026-13-45", "2026-02-30", "9999-99-99", "x" * 300]


@pytest.mark.parametrize("value", BAD)
def test_an_impossible_date_shows_today_s_board_with_a_message(client, logistics, value):
    client.force_login(logistics)
    response = client.get(reverse("assets:board"), {"date": value})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("value", BAD)
def test_an_impossible_date_gives_today_s_day_sheet(client, logistics, value):
    client.force_login(logistics)
    response = client.get(reverse("assets:day-sheet"), {"date": value, "assignee": "²"})
    assert response.status_code == 200
    assert timezone.localdate().isoformat() in response["Content-Disposition"]
