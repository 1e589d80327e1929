from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.my_tickets, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("<str:reference>/", views.my_tickets, name="detail"),
    path("attachments/<int:attachment_id>/", views.my_tickets, name="attachment"),
]
