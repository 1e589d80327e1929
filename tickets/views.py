from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from icity.roles import Role, role_required


def requester_panel(request) -> dict:
    return {}


def agent_panel(request) -> dict:
    return {}


@login_required
def my_tickets(request):
    return render(request, "tickets/my_tickets.html")


@role_required(Role.AGENT)
def queue(request):
    return render(request, "tickets/queue.html")
