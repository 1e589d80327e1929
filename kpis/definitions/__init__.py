"""The KPI catalogue (shared/KPIS.md): one module per domain, each registering its KPIs.

Every module in this package is imported by ``load_all()`` (called from
``KpisConfig.ready``), so adding a domain is adding a module: nothing else
lists them.
"""

import importlib
import pkgutil

from .base import Kpi, Period, Value, all_kpis, get_kpi, register  # noqa: F401


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
