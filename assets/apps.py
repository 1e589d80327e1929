from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Equipment")

    def ready(self) -> None:
        from icity.registry import NavItem, Panel, Seeder, register_nav, register_panel, register_seeder
        from icity.roles import Role

        from . import views
        from .demo import seed_assets

        everyone = tuple(Role.values)
        register_nav(NavItem(_("My equipment"), "assets:mine", everyone, order=20))
        register_nav(NavItem(_("Logistics"), "assets:logistics", (Role.LOGISTICS, Role.ADMIN), order=40))
        register_nav(NavItem(_("Inventory"), "assets:list", (Role.AGENT, Role.LOGISTICS, Role.ADMIN), order=41))
        register_nav(NavItem(_("Scan"), "assets:scan", (Role.AGENT, Role.LOGISTICS, Role.ADMIN), order=42))
        register_panel(Panel(Role.REQUESTER, "assets/_panel_my_equipment.html", views.requester_panel, order=20))
        register_panel(Panel(Role.LOGISTICS, "assets/_panel_logistics.html", views.logistics_panel, order=10))
        register_seeder(Seeder("assets", seed_assets, order=20))
