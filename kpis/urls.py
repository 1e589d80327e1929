from django.urls import path

from . import views

app_name = "kpis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("year/", views.annual, name="annual"),
    path("recompute/", views.recompute, name="recompute"),
    path("<str:code>/", views.kpi_detail, name="detail"),
    path("<str:code>/target/", views.kpi_target, name="target"),
    path("<str:code>/entry/", views.manual_entry, name="manual"),
]
