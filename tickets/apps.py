from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        from assets.hooks import AssetSection, register_asset_section, register_problem_report, register_ticket_link
        from icity.registry import NavItem, Panel, Seeder, register_nav, register_panel, register_seeder
        from icity.roles import Role

        from . import demo, views

        everyone = tuple(Role.values)
        register_nav(NavItem(_("My tickets"), "tickets:mine", everyone, order=10))
        register_nav(NavItem(_("Agent workspace"), "tickets:queue", (Role.AGENT,), order=30))
        register_nav(NavItem(_("My teams' tickets"), "tickets:queue", (Role.MANAGER,), order=31))
        register_panel(Panel(Role.REQUESTER, "tickets/_panel_my_tickets.html", views.requester_panel, order=10))
        register_panel(Panel(Role.AGENT, "tickets/_panel_queue.html", views.agent_panel, order=10))
        register_seeder(Seeder("tickets", demo.seed_tickets, order=30))
        register_asset_section(
            AssetSection("tickets", "tickets/_asset_tickets.html", views.asset_tickets_section, order=40)
        )
        register_problem_report(views.problem_report_url)
        register_ticket_link(views.ticket_reference_url)

        from .mail import demo as mail_demo
        from .mail import outbound  # the email channel

        outbound.register_threading()
        register_seeder(Seeder("tickets-email", mail_demo.seed_email, order=35))
