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
