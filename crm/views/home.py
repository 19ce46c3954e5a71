"""The home page: each role lands on its own work, from the sections the contexts register."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm.dashboard import Period
from crm.home_sections import home_sections_for


@login_required
def home(request):
    sections = home_sections_for(user=request.user, period=Period.at())
    return render(request, "crm/home.html", {"sections": sections})
