"""The manager dashboard: figures and charts over the records the user may view, and their teams."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from crm.insights.dashboard import DASHBOARD
from crm.platform.periods import Period
from crm.staff import access as staff_access
from crm.staff.work import memberships_led_by, team_tables


@login_required
def dashboard(request):
    if not staff_access.can_view_dashboard(request.user):
        raise PermissionDenied("The dashboard is for managers and admins.")
    period = Period.at()
    context = {
        "period": period,
        "sections": DASHBOARD.render(user=request.user, period=period),
        "teams": team_tables(user=request.user, memberships=memberships_led_by(request.user), period=period),
    }
    return render(request, "crm/dashboard.html", context)
