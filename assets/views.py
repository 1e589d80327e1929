from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from icity.roles import Role, role_required


def requester_panel(request) -> dict:
    return {}


def logistics_panel(request) -> dict:
    return {}


def school_panel(request) -> dict:
    return {}


@login_required
def my_equipment(request):
    return render(request, "assets/my_equipment.html")


@role_required(Role.LOGISTICS)
def logistics(request):
    return render(request, "assets/logistics.html")


@role_required(Role.SCHOOL_CONTACT)
def school(request):
    return render(request, "assets/school.html")
