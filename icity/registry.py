"""Where apps plug into the shared pages, the way apps register with the admin.

``icity`` sits at the bottom of the dependency chain: it never imports
tickets, assets or surveys. Each app registers its navigation entries, its
home-page panels, its demo-data seeder and the attachments its emails carry
from ``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int = 100
    # URL names whose pages count as "inside" this entry, for aria-current.
    prefixes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Panel:
    """A block on a role's home page: what needs that person's attention."""

    role: str
    template: str
    context: Callable[[HttpRequest], dict]
    order: int = 100


@dataclass(frozen=True)
class Seeder:
    name: str
    seed: Callable[..., None]
    order: int = 100


_nav: list[NavItem] = []
_outbox_hooks: list[Callable] = []
_attachment_providers: dict[str, Callable[[int], tuple[str, bytes, str] | None]] = {}
_panels: list[Panel] = []
_seeders: list[Seeder] = []


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)


def register_panel(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def register_seeder(seeder: Seeder) -> None:
    if all(existing.name != seeder.name for existing in _seeders):
        _seeders.append(seeder)


def nav_items() -> list[NavItem]:
    return sorted(_nav, key=lambda item: item.order)


def panels_for(role: str) -> list[Panel]:
    return sorted((panel for panel in _panels if panel.role == role), key=lambda panel: panel.order)


def seeders() -> list[Seeder]:
    return sorted(_seeders, key=lambda seeder: seeder.order)


def register_outbox_hook(hook: Callable) -> None:
    """``hook(notifications)`` runs on rows about to be inserted by ``notify``/``notify_many``.

    It may add to each row's ``headers`` (threading headers) or ``context``
    (e.g. ``subject_tag``), and returns unsaved rows of its own (pointing at
    the notifications), which the outbox inserts right after them, in the same
    savepoint. It only reads, so a batch costs its queries once, not per row.
    Used by the email channel to thread ticket emails.
    """
    if hook not in _outbox_hooks:
        _outbox_hooks.append(hook)


def outbox_hooks() -> list[Callable]:
    return list(_outbox_hooks)


def register_attachment_provider(kind: str, resolve: Callable[[int], tuple[str, bytes, str] | None]) -> None:
    """Let outbox messages carry ``{"kind": kind, "id": <id>}`` attachments.

    ``resolve(id)`` runs when the message is sent and returns ``(filename,
    content_bytes, mimetype)``, or None when the object is gone (deleted,
    anonymised): the message then goes without it. The owning app decides what
    "gone" means, so the outbox never has to know its models.
    """
    _attachment_providers[kind] = resolve


def attachment_provider(kind: str) -> Callable[[int], tuple[str, bytes, str] | None] | None:
    return _attachment_providers.get(kind)
