from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.my_tickets, name="mine"),
    path("queue/", views.queue, name="queue"),
]
