"""Portal forms of the accounts context."""

from django.contrib.auth.forms import PasswordChangeForm

from . import services


class OwnPasswordChangeForm(PasswordChangeForm):
    """The portal's "Change password", saved through the service (which revokes the user's tokens)."""

    def save(self, commit=True):
        return services.user_set_password(
            acting_user=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )
