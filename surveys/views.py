from django.shortcuts import render

from icity.roles import Role, role_required


def manager_panel(request) -> dict:
    return {}


@role_required(Role.MANAGER)
def dashboard(request):
    return render(request, "surveys/dashboard.html")
