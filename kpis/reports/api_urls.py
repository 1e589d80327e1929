from django.urls import path

from . import api

urlpatterns = [
    path("kpis/reports/", api.ReportListView.as_view(), name="kpis-report-list"),
    path("kpis/reports/<str:month>/", api.ReportDetailView.as_view(), name="kpis-report-detail"),
    path(
        "kpis/reports/<str:month>/files/<str:kind>-<str:language>/",
        api.ReportFileView.as_view(),
        name="kpis-report-file",
    ),
]
