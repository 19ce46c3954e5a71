"""The manager dashboard: figures and charts over the records the user may view, and their teams."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from crm import access
from crm.dashboard import Period, dashboard_sections_for, memberships_led_by, team_tables


@login_required
def dashboard(request):
    if not access.can_view_dashboard(request.user):
        raise PermissionDenied("The dashboard is for managers and admins.")
    period = Period.at()
    context = {
        "period": period,
        "sections": dashboard_sections_for(user=request.user, period=period),
        "teams": team_tables(user=request.user, memberships=memberships_led_by(request.user), period=period),
    }
    return render(request, "crm/dashboard.html", context)
