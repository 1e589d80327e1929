from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from icity.registry import NavItem, Seeder, register_nav, register_seeder
        from icity.roles import Role
        from tickets.hooks import TicketExtension, register_ticket_extension

        from . import demo, hooks

        register_nav(NavItem(_("Help centre"), "knowledge:home", tuple(Role.values), order=12))
        register_nav(NavItem(_("Articles"), "knowledge:manage", (Role.AGENT,), order=32))
        register_ticket_extension(
            TicketExtension(
                "knowledge",
                new_form_template="knowledge/_suggestions.html",
                new_form_context=hooks.new_form_context,
                on_opened=hooks.ticket_opened,
                agent_template="knowledge/_agent_panel.html",
                agent_context=hooks.agent_context,
                order=10,
            )
        )
        register_seeder(Seeder("knowledge", demo.seed_knowledge, order=40))
