"""Where higher layers (loans, tickets, reconditioning) add sections to the asset page.

``assets`` never imports ``tickets``: a ticket app registers a section here
from its ``AppConfig.ready`` (a template and a function returning its context),
the same way apps register home-page panels with ``icity.registry``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AssetSection:
    name: str
    template: str
    context: Callable  # (request, asset) -> dict; keep it to one or two queries
    order: int = 100


_sections: list[AssetSection] = []


def register_asset_section(section: AssetSection) -> None:
    if all(existing.name != section.name for existing in _sections):
        _sections.append(section)


def asset_sections() -> list[AssetSection]:
    return sorted(_sections, key=lambda section: section.order)


# --- "Report a problem" with a unit ----------------------------------------------------------------
# The borrower's pages offer, next to each unit they hold, a link that opens a ticket about it.
# The helpdesk registers where that link goes; without a helpdesk app there is no link.

_problem_report: Callable | None = None


def register_problem_report(url_for_asset: Callable) -> None:
    """``url_for_asset(asset) -> str``: the page that opens a ticket about ``asset``.

    Called once per unit on list pages, so it must not query the database
    (build the URL from the asset's own fields).
    """
    global _problem_report
    _problem_report = url_for_asset


def problem_report_url(asset) -> str:
    """Where to report a problem with ``asset``; empty when no helpdesk is installed."""
    return _problem_report(asset) if _problem_report is not None and asset is not None else ""


def problem_reports_enabled() -> bool:
    return _problem_report is not None


# --- Tickets named by their reference ----------------------------------------------------------------
# A loss or theft is declared with the reference of the helpdesk ticket about it; the helpdesk says
# which references are well formed and where they lead, so the loan page can link to the ticket.

_ticket_link: Callable | None = None


def register_ticket_link(url_for_reference: Callable) -> None:
    """``url_for_reference(reference) -> str``: the ticket's page, or "" for a malformed reference.

    Must not query the database (list pages call it per line); the ticket page checks access.
    """
    global _ticket_link
    _ticket_link = url_for_reference


def ticket_url(reference: str) -> str:
    return _ticket_link(reference) if _ticket_link is not None and reference else ""


def ticket_links_enabled() -> bool:
    return _ticket_link is not None
