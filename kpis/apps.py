from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kpis"
    verbose_name = _("KPIs")

    def ready(self):
        from .definitions import load_all

        load_all()
        self._ready_report()

    def _ready_report(self):
        """The monthly report to the City: its admin, its beat task and the files its emails attach."""
        from icity.registry import Seeder, register_attachment_provider, register_seeder

        from . import demo, report_admin, report_tasks  # noqa: F401
        from .report_services import ATTACHMENT_KIND, report_file_attachment

        register_attachment_provider(ATTACHMENT_KIND, report_file_attachment)
        # After every other seeder: the history it adds sits on their people, sites and models.
        register_seeder(Seeder("kpis", demo.seed_kpis, order=90))
