from django.urls import path

from . import report_api

urlpatterns = [
    path("kpis/reports/", report_api.ReportListView.as_view(), name="kpis-report-list"),
    path("kpis/reports/<str:month>/", report_api.ReportDetailView.as_view(), name="kpis-report-detail"),
    path(
        "kpis/reports/<str:month>/files/<str:kind>-<str:language>/",
        report_api.ReportFileView.as_view(),
        name="kpis-report-file",
    ),
]
