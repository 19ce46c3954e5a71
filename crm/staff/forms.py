from django import forms

from accounts.models import User
from crm.platform.control_characters import ControlCharactersRefusedForm
from crm.staff.reassignment import NOT_A_MEMBER


class TeamReassignForm(ControlCharactersRefusedForm, forms.Form):
    """Move one member's work to another member of the same team (the service checks who may and who the two are)."""

    # Any value that names no member (another team's user, a missing id, no id) gets the API's words.
    from_user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Move the work of", error_messages={"invalid_choice": NOT_A_MEMBER}
    )
    to_user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="To", error_messages={"invalid_choice": NOT_A_MEMBER}
    )
    kinds = forms.MultipleChoiceField(label="What to move", widget=forms.CheckboxSelectMultiple)
    include_closed = forms.BooleanField(required=False)
    # Set by the preview's "Move now": the first submit only says how much would move.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, members, movers, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_user", "to_user"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = _member_label
        self.fields["kinds"].choices = [(mover.kind, mover.label) for mover in movers]
        self.fields["kinds"].initial = [mover.kind for mover in movers]
        closed_labels = [mover.closed_label for mover in movers if mover.closed_label]
        if closed_labels:
            self.fields["include_closed"].label = "; ".join(closed_labels)
        else:
            del self.fields["include_closed"]

    def choices(self) -> dict:
        """The service's arguments: who, to whom, what (without the confirmation)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "confirmed"}


def _member_label(user: User) -> str:
    return user.display_name if user.is_active else f"{user.display_name} (inactive)"
