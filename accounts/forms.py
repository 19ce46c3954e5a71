"""Portal forms of the accounts context."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm

from . import services
from .models import DateLocale, User


class OwnPasswordChangeForm(PasswordChangeForm):
    """The portal's "Change password", saved through the service (which revokes the user's tokens)."""

    def save(self, commit=True):
        return services.user_set_password(
            acting_user=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


def time_zone_choices() -> list[tuple[str, str]]:
    return [("", f"The installation's ({settings.TIME_ZONE})")] + [
        (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
    ]


class PreferencesForm(forms.ModelForm):
    """The signed-in user's own settings: the time zone and the date format the portal writes times in."""

    time_zone = forms.ChoiceField(choices=time_zone_choices, required=False, label="Time zone")

    class Meta:
        model = User
        fields = ["time_zone", "date_locale"]
        labels = {"date_locale": "Date format"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_locale"].choices = [("", "The installation's: 6 Dec 2026, 14:05"), *DateLocale.choices]
