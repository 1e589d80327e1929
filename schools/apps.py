from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("School PC programme")

    def ready(self) -> None:
        from assets.hooks import AssetSection, register_asset_section
        from icity.registry import (
            NavItem,
            Panel,
            Seeder,
            register_attachment_provider,
            register_nav,
            register_panel,
            register_seeder,
        )
        from icity.roles import Role

        from . import views
        from .demo import seed_schools
        from .services.loans import RECEIPT_ATTACHMENT, receipt_attachment

        register_nav(
            NavItem(_("School programme"), "schools:home", (Role.SCHOOL_CONTACT,), order=50, prefixes=("schools:",))
        )
        register_nav(
            NavItem(_("Schools"), "schools:programme", (Role.LOGISTICS, Role.ADMIN), order=45, prefixes=("schools:",))
        )
        register_panel(Panel(Role.SCHOOL_CONTACT, "schools/_panel_school.html", views.school_panel, order=10))
        register_panel(Panel(Role.LOGISTICS, "schools/_panel_programme.html", views.programme_panel, order=20))
        register_asset_section(
            AssetSection("reconditioning", "schools/_asset_reconditioning.html", views.asset_section, order=50)
        )
        register_seeder(Seeder("schools", seed_schools, order=40))
        # The guardian's hand-over email carries the receipt PDF (no account to download it with).
        register_attachment_provider(RECEIPT_ATTACHMENT, receipt_attachment)
