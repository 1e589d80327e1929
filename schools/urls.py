from django.urls import path

from . import guardian, station_views, views

app_name = "schools"

urlpatterns = [
    path("", views.home, name="home"),
    path("pupils/new/", views.pupil_create, name="pupil-new"),
    path("pupils/import/", views.pupil_import_view, name="import"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil"),
    path("pupils/<int:pk>/edit/", views.pupil_edit, name="pupil-edit"),
    path("pupils/<int:pk>/approve/", views.pupil_approve, name="pupil-approve"),
    path("pupils/<int:pk>/refuse/", views.pupil_refuse, name="pupil-refuse"),
    path("pupils/<int:pk>/export/", views.pupil_export, name="pupil-export"),
    path("pupils/<int:pk>/link/", views.pupil_link, name="pupil-link"),
    path("pupils/<int:pk>/book/", views.pupil_book, name="pupil-book"),
    path("pupils/<int:pk>/cancel/", views.pupil_cancel, name="pupil-cancel"),
    path("programme/", views.programme, name="programme"),
    path("allocation/run/", views.allocation_run, name="allocation-run"),
    path("allocation/<int:pk>/release/", views.allocation_release, name="allocation-release"),
    path("jobs/", views.job_board, name="jobs"),
    path("jobs/new/", views.job_open, name="job-new"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/qa/", views.job_qa, name="job-qa"),
    path("jobs/<int:pk>/route/", views.job_route, name="job-route"),
    path("jobs/<int:pk>/certificate/", views.job_certificate, name="job-certificate"),
    path("slots/", views.slots, name="slots"),
    path("appointments/", views.appointments, name="appointments"),
    path("station/", station_views.station, name="station"),
    path("station/<int:pk>/", station_views.handover, name="handover"),
    path("station/receipt/<int:pk>/", station_views.handover_receipt, name="handover-receipt"),
    path("returns/", station_views.returns, name="returns"),
    path("returns/campaigns/", station_views.return_campaigns, name="return-campaigns"),
    path(
        "returns/campaigns/<int:pk>/pause/",
        station_views.return_campaign_active,
        {"active": False},
        name="return-campaign-pause",
    ),
    path(
        "returns/campaigns/<int:pk>/resume/",
        station_views.return_campaign_active,
        {"active": True},
        name="return-campaign-resume",
    ),
    path("g/<str:token>/", guardian.guardian_booking, name="guardian"),
]
