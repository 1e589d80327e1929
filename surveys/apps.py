from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from icity.registry import NavItem, Panel, Seeder, register_nav, register_panel, register_seeder
        from icity.roles import Role

        from . import csat_demo, demo, views

        register_nav(NavItem(_("Surveys and KPIs"), "surveys:dashboard", (Role.MANAGER,), order=60))
        register_panel(Panel(Role.MANAGER, "surveys/_panel_manager.html", views.manager_panel, order=10))
        register_nav(NavItem(_("Rating follow-ups"), "surveys:follow-up-list", (Role.AGENT,), order=61))
        # After tickets and assets (their demo data may come to feed audiences and CSAT).
        register_seeder(Seeder("surveys", demo.seed_surveys, order=60))
        register_seeder(Seeder("surveys-csat", csat_demo.seed_csat, order=61))
