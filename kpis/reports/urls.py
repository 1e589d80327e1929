from django.urls import path

from . import views

app_name = "kpis_reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("prepare/", views.report_prepare, name="prepare"),
    path("<str:month>/", views.report_detail, name="detail"),
    path("<str:month>/comment/", views.report_comment, name="comment"),
    path("<str:month>/approve/", views.report_approve, name="approve"),
    path("<str:month>/files/<str:kind>-<str:language>/", views.report_download, name="download"),
]
