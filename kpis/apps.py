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
        from icity.registry import register_attachment_provider

        from . import report_admin, report_tasks  # noqa: F401
        from .report_services import ATTACHMENT_KIND, report_file_attachment

        register_attachment_provider(ATTACHMENT_KIND, report_file_attachment)
