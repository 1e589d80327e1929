from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kpis"
    verbose_name = _("KPIs")

    def ready(self):
        from icity.registry import NavItem, Panel, Seeder, register_nav, register_panel, register_seeder
        from icity.roles import Role

        from . import demo, views
        from .definitions import load_all

        load_all()
        register_nav(NavItem(_("KPIs"), "kpis:dashboard", (Role.MANAGER, Role.ADMIN), order=62))
        register_panel(Panel(Role.MANAGER, "kpis/_panel_manager.html", views.manager_panel, order=5))
        # Last: the figures are computed from the other apps' demo data.
        register_seeder(Seeder("kpis", demo.seed_kpis, order=95))
        self._ready_report()

    def _ready_report(self):
        """The monthly report to the City: its admin, its beat task and the files its emails attach."""
        from icity.registry import register_attachment_provider

        from .reports import admin, tasks  # noqa: F401
        from .reports.services import ATTACHMENT_KIND, report_file_attachment

        register_attachment_provider(ATTACHMENT_KIND, report_file_attachment)
