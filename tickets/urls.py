from django.urls import path

from . import exports, views

app_name = "tickets"

urlpatterns = [
    path("", views.my_tickets, name="mine"),
    path("new/", views.ticket_new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", views.queue_bulk, name="bulk"),
    path("queue/export/", exports.queue_export, name="queue-export"),
    path("preferences/", views.preferences, name="preferences"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("attachments/<int:attachment_id>/thumbnail/", views.attachment_thumbnail, name="thumbnail"),
    path("<str:reference>/", views.ticket_detail, name="detail"),
    path("<str:reference>/reply/", views.ticket_comment, name="comment"),
    path("<str:reference>/status/", views.ticket_transition, name="transition"),
    path("<str:reference>/watch/", views.ticket_watch, name="watch"),
    path("<str:reference>/update/", views.ticket_update, name="update"),
    path("<str:reference>/take/", views.ticket_take, name="take"),
    path("<str:reference>/merge/", views.ticket_merge, name="merge"),
    path("<str:reference>/link/", views.ticket_link, name="link"),
    path("<str:reference>/equipment/", views.ticket_asset, name="asset"),
]
