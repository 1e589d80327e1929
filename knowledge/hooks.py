"""What the knowledge base adds to the helpdesk's pages (registered with ``tickets.hooks`` in apps.py)."""

import uuid

from . import services
from .manage_views import agent_panel


def new_form_context(request) -> dict:
    """A suggestion session key for this visit of the form (kept across a form error)."""
    key = services.parse_session_key(request.POST.get("kb_session")) if request.method == "POST" else None
    return {"kb_session": key or uuid.uuid4()}


def ticket_opened(request, ticket) -> None:
    services.ticket_opened_from_form(ticket=ticket, user=request.user, session_key=request.POST.get("kb_session"))


def agent_context(request, ticket) -> dict:
    return agent_panel(request, ticket)
