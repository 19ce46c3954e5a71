from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm import access, selectors


@login_required
def home(request):
    recent = selectors.customer_list(user=request.user).order_by("-updated_at", "-id")[:10]
    context = {"recent_customers": recent, "can_create": access.can_create_customer(request.user)}
    return render(request, "crm/home.html", context)
