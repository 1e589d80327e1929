"""Requests for the permission matrix (issue 20): the kwargs of each URL and what a request changed."""

import re
from contextlib import contextmanager

from django.db import connection
from django.test import Client
from django.urls import reverse

# Writes that are bookkeeping of the request itself, not the object it targets.
BOOKKEEPING = re.compile(r'"?(django_session|axes_\w+|icity_apitoken)"?', re.I)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)

# Which object of the world a "pk" (or "token") of a route stands for.
PK = {
    "icity:token-revoke": "token",
    "assets:request": "request",
    "assets:request-decide": "request",
    "assets:request-cancel": "request",
    "assets:request-start": "request",
    "assets:request-prepare": "request",
    "assets:request-hand-over": "request",
    "assets:loan": "loan",
    "assets:loan-extend": "loan",
    "assets:loan-lost": "loan",
    "assets:loan-return-items": "loan",
    "assets:receipt": "receipt",
    "assets:run-status": "run",
    "assets:model-photo": "product_model",
    "assets:stock-level": "stock_level",
    "assets:stocktake": "stocktake",
    "assets:stocktake-confirm": "stocktake",
    "assets:import": "import_batch",
    "schools:allocation-release": "allocation",
    "schools:handover": "appointment",
    "schools:handover-receipt": "pupil_loan",
    "schools:return-campaign-pause": "return_campaign",
    "schools:return-campaign-resume": "return_campaign",
    "schools:guardian": "guardian_token",
    "surveys:question-add": "section",
    "surveys:follow-up-detail": "follow_up",
    "surveys:csat": "csat_token",
    "surveys:answer": "invitation_token",
    "surveys:opt-out": "invitation_token",
    "surveys:answer-section": "invitation_token",
    "survey-answer": "invitation_token",
}
# By prefix, for the routes whose pk is that app's main object.
PK_PREFIX = [
    ("schools:pupil", "pupil"),
    ("schools:job", "job"),
    ("surveys:survey", "survey"),
    ("surveys:section", "survey"),
    ("surveys:campaign", "campaign"),
    ("ticket-attachment", "attachment_id"),
    ("ticket-team", "ticket_team"),
    ("ticket-category", "ticket_category"),
    ("kb-article", "article_id"),
    ("category-", "category"),
    ("product-model", "product_model"),
    ("kit-", "kit"),
    ("asset-", "asset"),
    ("stock-level", "stock_level"),
    ("stock-movement", "stock_movement"),
    ("equipment-request", "request"),
    ("loan-", "loan"),
    ("delivery-run", "run"),
    ("school-", "school"),
    ("pupil-", "pupil"),
    ("recon-job", "job"),
    ("slot-", "slot"),
    ("appointment-", "appointment"),
    ("return-campaign", "return_campaign"),
    ("survey-campaign", "campaign"),
    ("survey-", "survey"),
    ("csat-follow-up", "follow_up"),
]
FIXED = {
    "uidb64": "MQ",
    "token": "set-password",
    "role": "manager",
    "language": "fr",
    "fmt": "xlsx",
    "step": 1,
    "kind": "pdf",
    "name": "none.log",
}


def kwargs_for(route, ids: dict) -> dict:
    kwargs = {}
    for param in route.params:
        if param == "token" and route.name == "password_reset_confirm":
            kwargs[param] = "set-password"
        elif param in ("pk", "token"):
            key = PK.get(route.name) or next(key for prefix, key in PK_PREFIX if route.name.startswith(prefix))
            kwargs[param] = ids[key]
        elif param == "month":
            kwargs[param] = ids["month"]
        elif param == "code":
            kwargs[param] = ids["kpi_code"]
        elif param in FIXED:
            kwargs[param] = FIXED[param]
        else:
            kwargs[param] = ids[param]
    return kwargs


def url_for(route, ids: dict) -> str:
    if route.name == route.route:  # unnamed: the route itself (favicon.ico)
        return "/" + route.route
    if route.name.startswith("admin:"):
        return "/" + re.sub(r"<[^>]+>", "1", route.route).replace("^", "").replace("$", "")
    return reverse(route.name, kwargs=kwargs_for(route, ids))


@contextmanager
def rows_written():
    """Counts the rows INSERT/UPDATE/DELETE statements touched (the request's bookkeeping aside)."""
    touched: list[str] = []

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if WRITE.match(sql) and not BOOKKEEPING.search(sql.split("WHERE")[0]):
            count = context["cursor"].rowcount
            if count and count > 0:
                touched.append(sql[:120])
        return result

    with connection.execute_wrapper(wrapper):
        yield touched


def client_for(person) -> Client:
    client = Client(raise_request_exception=False)
    if person is not None:
        client.force_login(person)
    return client


def refused(response) -> bool:
    """Refused: 401/403/404/405/410, or a redirect to a sign-in page. Never a 200."""
    if response.status_code in (401, 403, 404, 405, 410, 429):
        return True
    if response.status_code in (301, 302):
        location = response.get("Location", "")
        return "/accounts/login/" in location or "/admin/login/" in location
    return False
