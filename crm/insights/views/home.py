"""The home page: each role lands on its own work, from the sections the contexts register."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm.insights.home import HOME
from crm.platform.periods import Period


@login_required
def home(request):
    sections = HOME.render(user=request.user, period=Period.at())
    return render(request, "crm/home.html", {"sections": sections})
