from django.urls import path

from . import api

urlpatterns = [
    path("kpis/definitions/", api.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    path("kpis/values/", api.KpiValuesView.as_view(), name="kpi-values"),
    path("kpis/targets/", api.KpiTargetsView.as_view(), name="kpi-targets"),
]
