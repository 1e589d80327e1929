from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("", views.my_equipment, name="mine"),
    path("logistics/", views.logistics, name="logistics"),
    path("school/", views.school, name="school"),
]
