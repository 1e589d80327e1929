from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IcityConfig(AppConfig):
    name = "icity"
    verbose_name = _("icity core")

    def ready(self) -> None:
        from . import demo, outbox, tasks, views
        from .registry import NavItem, Panel, Seeder, register_nav, register_panel, register_seeder
        from .roles import Role

        register_nav(NavItem(_("Administration"), "admin:index", (Role.ADMIN,), order=900))
        register_panel(Panel(Role.ADMIN, "icity/_panel_health.html", views.admin_health_panel, order=10))
        register_seeder(Seeder("icity", demo.seed_people, order=0))
        # The outbox asks for drains through this; it never imports the task module itself.
        outbox.set_drain_trigger(tasks.queue_drain)
