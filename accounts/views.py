"""Portal pages of the accounts context: the signed-in user's own settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from . import services
from .forms import PreferencesForm


@login_required
def preferences(request):
    """GET shows the user's time zone and date format; POST changes them (for the user alone)."""
    user = request.user
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_set_preferences(
            acting_user=user,
            user=user,
            time_zone=form.cleaned_data["time_zone"],
            date_locale=form.cleaned_data["date_locale"],
        )
        messages.success(request, "Your settings are saved: times are written as shown below.")
        return redirect("account-settings")
    return render(
        request,
        "accounts/preferences.html",
        {"form": form, "now_moment": timezone.now()},
        status=400 if form.errors else 200,
    )
