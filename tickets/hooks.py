"""Where higher layers (the knowledge base) plug into the helpdesk's pages.

``tickets`` never imports them: an app registers a ``TicketExtension`` from its
``AppConfig.ready`` (templates plus functions returning their context), the way
apps register sections on the asset page (``assets.hooks``).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TicketExtension:
    name: str
    # Rendered inside the new-ticket form, after its fields: ``new_form_context(request) -> dict``.
    new_form_template: str = ""
    new_form_context: Callable | None = None
    # Called after the form opened a ticket, in the same request: ``on_opened(request, ticket)``.
    on_opened: Callable | None = None
    # A panel in the side column of the agent's ticket page: ``agent_context(request, ticket) -> dict``.
    agent_template: str = ""
    agent_context: Callable | None = None
    order: int = 100


_extensions: list[TicketExtension] = []


def register_ticket_extension(extension: TicketExtension) -> None:
    if all(existing.name != extension.name for existing in _extensions):
        _extensions.append(extension)


def ticket_extensions() -> list[TicketExtension]:
    return sorted(_extensions, key=lambda extension: extension.order)


def new_form_sections(request) -> list[dict]:
    return [
        {"template": item.new_form_template, **(item.new_form_context(request) if item.new_form_context else {})}
        for item in ticket_extensions()
        if item.new_form_template
    ]


def agent_sections(request, ticket) -> list[dict]:
    return [
        {"template": item.agent_template, **(item.agent_context(request, ticket) if item.agent_context else {})}
        for item in ticket_extensions()
        if item.agent_template
    ]


def ticket_opened(request, ticket) -> None:
    for item in ticket_extensions():
        if item.on_opened is not None:
            item.on_opened(request, ticket)
