from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Equipment")

    def ready(self) -> None:
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

        from . import loan_views, views
        from .demo import seed_assets
        from .hooks import AssetSection, register_asset_section
        from .loan_demo import seed_loans
        from .receipts import RECEIPT_ATTACHMENT, receipt_attachment

        everyone = tuple(Role.values)
        register_nav(NavItem(_("My equipment"), "assets:mine", everyone, order=20))
        register_nav(NavItem(_("Logistics"), "assets:logistics", (Role.LOGISTICS, Role.ADMIN), order=40))
        register_nav(NavItem(_("Inventory"), "assets:list", (Role.AGENT, Role.LOGISTICS, Role.ADMIN), order=41))
        register_nav(NavItem(_("Scan"), "assets:scan", (Role.AGENT, Role.LOGISTICS, Role.ADMIN), order=42))
        register_panel(Panel(Role.REQUESTER, "assets/_panel_my_equipment.html", views.requester_panel, order=20))
        register_panel(Panel(Role.LOGISTICS, "assets/_panel_logistics.html", views.logistics_panel, order=10))
        register_seeder(Seeder("assets", seed_assets, order=20))
        register_seeder(Seeder("loans", seed_loans, order=25))
        register_nav(NavItem(_("Equipment requests"), "assets:requests", everyone, order=21))
        register_panel(Panel(Role.REQUESTER, "assets/loans/_panel_borrower.html", loan_views.borrower_panel, order=21))
        register_panel(
            Panel(Role.LOGISTICS, "assets/loans/_panel_logistics.html", loan_views.logistics_loans_panel, order=11)
        )
        register_panel(Panel(Role.MANAGER, "assets/loans/_panel_approvals.html", loan_views.approvals_panel, order=30))
        register_asset_section(
            AssetSection("loans", "assets/loans/_asset_section.html", loan_views.asset_loans_section, 20)
        )
        # Loan emails carry their receipt PDF, loaded when the email is sent (see icity.outbox).
        register_attachment_provider(RECEIPT_ATTACHMENT, receipt_attachment)
