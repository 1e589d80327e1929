"""Login throttling behind the TLS proxy (issue 20, finding 2).

Every request reaches Django from the proxy's address; the client's address is
in X-Forwarded-For. Failures are counted per (username, client address), so a
stranger hammering an agent's account locks out only themselves, for the
cool-off period, and the agent still signs in from their own address.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.icity.test_auth import PASSWORD

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"
ATTACKER, AGENT_HOME = "203.0.113.66", "198.51.100.7"
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def behind_one_proxy(settings):
    """What icity/settings.py sets for AXES_PROXY_COUNT=1 (checked below in a fresh process)."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    return settings


def _login(address: str, email: str, password: str) -> Client:
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    client.response = client.post(reverse("login"), {"username": email, "password": password})
    return client


def test_a_stranger_cannot_lock_an_agent_out(behind_one_proxy, agent):
    for _attempt in range(behind_one_proxy.AXES_FAILURE_LIMIT + 2):
        stranger = _login(ATTACKER, agent.email, "guess")
    assert stranger.response.status_code == 429
    assert _login(ATTACKER, agent.email, PASSWORD).response.status_code == 429
    own = _login(AGENT_HOME, agent.email, PASSWORD)
    assert own.response.status_code == 302
    assert SESSION_KEY in own.session


def test_the_lock_is_a_cool_off_not_a_hard_lock(behind_one_proxy, agent):
    for _attempt in range(behind_one_proxy.AXES_FAILURE_LIMIT):
        _login(ATTACKER, agent.email, "guess")
    assert _login(ATTACKER, agent.email, PASSWORD).response.status_code == 429
    with time_machine.travel(timezone.now() + behind_one_proxy.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert _login(ATTACKER, agent.email, PASSWORD).response.status_code == 302


def test_a_spoofed_forwarded_for_does_not_reach_someone_else_s_pair(behind_one_proxy, agent):
    # The proxy overwrites X-Forwarded-For; a chain the proxy would never send is not believed.
    for _attempt in range(behind_one_proxy.AXES_FAILURE_LIMIT + 1):
        _login(f"{AGENT_HOME}, {ATTACKER}", agent.email, "guess")
    assert _login(AGENT_HOME, agent.email, PASSWORD).response.status_code == 302


def test_settings_read_the_proxy_count_from_the_environment():
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0]);"
        "import ipware"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icity.settings", "AXES_PROXY_COUNT": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["0", "HTTP_X_FORWARDED_FOR"], done.stderr[-500:]
