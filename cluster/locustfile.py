"""Locust load for the cluster test: staff open tickets with an attachment, reply, browse, download;
agents browse the queue, reply and download. Every accepted write is written to CLUSTER_RESULTS
(one JSON line each) so that the test can check afterwards that it exists; every failed request too,
with its time, so that errors can be matched against the kill windows.

Sessions are plain Django sessions (login form): HAProxy balances round-robin without stickiness,
so every user hops between web nodes on every request.
"""

import hashlib
import io
import itertools
import json
import os
import random
import re
import threading
import time

from locust import HttpUser, between, events, task
from PIL import Image

RESULTS = os.environ.get("CLUSTER_RESULTS", "cluster-results.jsonl")
PEOPLE = json.loads(os.environ.get("CLUSTER_PEOPLE", "{}") or "{}")
PASSWORD = os.environ.get("CLUSTER_PASSWORD", "")
_lock = threading.Lock()
# The seed has more people of each kind than users of that kind (cluster/seed.py); should a run
# ask for more users, two of them share an account (two sessions) rather than one not starting.
_staff = itertools.cycle([person["email"] for person in PEOPLE.get("people", []) if person["kind"] == "staff"])
_agents = itertools.cycle([person["email"] for person in PEOPLE.get("people", []) if person["kind"] == "agent"])
SHARED: list[dict] = []  # tickets with their attachments, for agents to work on


def record(**entry) -> None:
    entry["t"] = time.time()
    with _lock, open(RESULTS, "a") as handle:
        handle.write(json.dumps(entry) + "\n")


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception=None, response=None, **kwargs):
    if exception is not None:
        # Status 0: no HTTP answer at all (connection refused or reset, client timeout): the cause is
        # the requests exception that the response carries.
        status = getattr(response, "status_code", 0) or 0
        cause = getattr(response, "error", None) if not status else None
        record(
            kind="error",
            name=f"{request_type} {name}",
            status=status,
            ms=int(response_time or 0),
            error=(repr(cause) if cause is not None else str(exception))[:300],
        )


def png() -> bytes:
    output = io.BytesIO()
    colour = tuple(random.randrange(256) for _ in range(3))
    Image.new("RGB", (64, 48), colour).save(output, format="PNG")
    return output.getvalue()


class Person(HttpUser):
    abstract = True
    wait_time = between(5, 15)
    pool = None

    def on_start(self):
        with _lock:
            self.email = next(self.pool)
        self.tickets: list[dict] = []
        while not self.log_in():
            time.sleep(2)
        record(kind="user", email=self.email, user=type(self).__name__)

    def log_in(self) -> bool:
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            return False
        answer = self.client.post(
            "/accounts/login/",
            {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            name="login",
            allow_redirects=False,
        )
        return answer.status_code == 302

    def headers(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host}

    def reply(self, ticket: dict) -> None:
        body = f"Réponse de {self.email} à {time.time():.3f}"
        with self.client.post(
            f"/api/v1/tickets/{ticket['ref']}/comments/",
            json={"body": body},
            headers=self.headers(),
            name="reply",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                data = response.json()
                if "id" in data:
                    record(kind="comment", id=data["id"], ticket=ticket["ref"])
                response.success()
            else:
                response.failure(f"reply {response.status_code}")

    def download(self, ticket: dict) -> None:
        if not ticket["attachments"]:
            return
        attachment = random.choice(ticket["attachments"])
        with self.client.get(
            f"/api/v1/ticket-attachments/{attachment['id']}/download/", name="download", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"download {response.status_code}")
            elif hashlib.sha256(response.content).hexdigest() != attachment["sha256"]:
                response.failure("download: checksum differs")


class Staff(Person):
    weight = 9
    pool = _staff

    @task(1)
    def open_ticket_with_attachment(self):
        with self.client.post(
            "/api/v1/tickets/",
            json={
                "title": f"Écran noir ({self.email})",
                "description": "Depuis ce matin l'écran ne s'allume plus.",
                "category": PEOPLE["category"],
            },
            headers=self.headers(),
            name="open ticket",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"open {response.status_code}")
                return
            ticket = {"ref": response.json()["reference"], "attachments": []}
            record(kind="ticket", ref=ticket["ref"])
        content = png()
        with self.client.post(
            f"/api/v1/tickets/{ticket['ref']}/attachments/",
            files={"file": ("capture.png", content, "image/png")},
            headers=self.headers(),
            name="attach",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"attach {response.status_code}")
            else:
                attachment = {"id": response.json()["id"], "sha256": hashlib.sha256(content).hexdigest()}
                ticket["attachments"].append(attachment)
                record(kind="attachment", ticket=ticket["ref"], **attachment)
        self.tickets.append(ticket)
        with _lock:
            SHARED.append(ticket)

    @task(2)
    def reply_to_own(self):
        if self.tickets:
            self.reply(random.choice(self.tickets))

    @task(4)
    def browse(self):
        self.client.get("/tickets/", name="my tickets (page)")
        self.client.get("/api/v1/tickets/", name="my tickets (api)")

    @task(2)
    def download_own(self):
        if self.tickets:
            self.download(random.choice(self.tickets))


class Agent(Person):
    weight = 1
    pool = _agents

    @task(4)
    def browse_queue(self):
        self.client.get("/tickets/queue/", name="queue (page)")
        self.client.get("/api/v1/tickets/?view=all", name="queue (api)")

    @task(2)
    def reply_to_someone(self):
        if SHARED:
            self.reply(random.choice(SHARED))

    @task(2)
    def download_someones(self):
        if SHARED:
            self.download(random.choice(SHARED))
