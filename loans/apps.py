from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "loans"
    verbose_name = _("Loans")

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

        from . import panels
        from .demo import seed_loans
        from .receipts import RECEIPT_ATTACHMENT, receipt_attachment

        everyone = tuple(Role.values)
        register_seeder(Seeder("loans", seed_loans, order=25))
        register_nav(NavItem(_("Equipment requests"), "assets:requests", everyone, order=21))
        register_panel(Panel(Role.REQUESTER, "loans/_panel_borrower.html", panels.borrower_panel, order=21))
        register_panel(Panel(Role.LOGISTICS, "loans/_panel_logistics.html", panels.logistics_loans_panel, order=11))
        register_panel(Panel(Role.MANAGER, "loans/_panel_approvals.html", panels.approvals_panel, order=30))
        register_asset_section(AssetSection("loans", "loans/_asset_section.html", panels.asset_loans_section, 20))
        # Loan emails carry their receipt PDF, loaded when the email is sent (see icity.outbox).
        register_attachment_provider(RECEIPT_ATTACHMENT, receipt_attachment)
