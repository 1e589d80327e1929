"""The helpdesk journey over real HTTP, in French then in Dutch.

Against a running server with the demo data (`make run`, or
`manage.py seed_demo` + `manage.py runserver 127.0.0.1:8101`):

    .venv/bin/python benchmarks/tickets_journey.py [http://127.0.0.1:8101]

A requester opens a ticket with a screenshot, an agent takes it, replies with
a canned response and resolves it, the requester confirms and it closes.
"""

import io
import re
import sys

import requests
from PIL import Image

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8101"


def session(email, language):
    s = requests.Session()
    s.get(f"{BASE}/accounts/login/")
    r = s.post(
        f"{BASE}/accounts/login/",
        data={"username": email, "password": "icity-demo-2026", "csrfmiddlewaretoken": s.cookies["csrftoken"]},
        headers={"Referer": BASE},
    )
    assert r.status_code == 200 and "/accounts/login/" not in r.url, (email, r.status_code, r.url)
    s.post(
        f"{BASE}/language/",
        data={"language": language, "next": "/", "csrfmiddlewaretoken": s.cookies["csrftoken"]},
        headers={"Referer": BASE},
    )
    return s


def post(s, path, data, files=None):
    data = {**data, "csrfmiddlewaretoken": s.cookies["csrftoken"]}
    return s.post(f"{BASE}{path}", data=data, files=files, headers={"Referer": BASE})


def journey(language, expect):
    requester = session("requester@icity.example", language)
    agent = session("agent@icity.example", language)
    page = requester.get(f"{BASE}/tickets/new/").text
    category = re.search(r'<option value="(\d+)">[^<]*(?:Imprimante|Printer)', page).group(1)
    png = io.BytesIO()
    Image.new("RGB", (200, 120), (0, 80, 160)).save(png, format="PNG")
    r = post(
        requester,
        "/tickets/new/",
        {
            "category": category,
            "title": f"Imprimante bloquée ({language})",
            "description": "Bourrage papier.",
            "impact": "low",
            "urgency": "medium",
        },
        files={"attachments": ("capture.png", png.getvalue(), "image/png")},
    )
    reference = re.search(r"/tickets/(HD-\d{4}-\d{6})/", r.url).group(1)
    assert expect["registered"] in r.text, "confirmation message"
    assert "capture.png" in r.text and "/thumbnail/" in r.text
    thumb = re.search(r'src="(/tickets/attachments/\d+/thumbnail/)"', r.text).group(1)
    t = requester.get(BASE + thumb)
    assert t.headers["Content-Type"] == "image/png" and t.headers["X-Content-Type-Options"] == "nosniff"
    agent_page = agent.get(f"{BASE}/tickets/{reference}/").text
    canned = re.search(r'data-canned="(\d+)"', agent_page).group(1)
    r = post(agent, f"/tickets/{reference}/take/", {})
    r = post(agent, f"/tickets/{reference}/reply/", {"canned": canned, "body": ""})
    r = post(agent, f"/tickets/{reference}/status/", {"status": "resolved", "note": ""})
    assert expect["resolved"] in r.text, "resolved badge"
    page = requester.get(f"{BASE}/tickets/{reference}/").text
    assert expect["solved_button"] in page, "solved button"
    assert reference in page and expect["canned_word"] in page
    r = post(requester, f"/tickets/{reference}/status/", {"status": "closed"})
    assert expect["closed"] in r.text
    print(language, reference, "ok")


journey(
    "fr",
    {
        "registered": "est enregistré",
        "resolved": "Résolu",
        "solved_button": "est résolu",
        "canned_word": "Bonjour",
        "closed": "Clôturé",
    },
)
journey(
    "nl",
    {
        "registered": "is geregistreerd",
        "resolved": "Opgelost",
        "solved_button": "Ja, het is opgelost",
        "canned_word": "Hallo",
        "closed": "Afgesloten",
    },
)
