"""Portal forms. They translate between HTML and the services; they hold no access rule."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Team, User

from .control_characters import ControlCharactersRefusedForm
from .models import ActivityKind, Contact, Customer, ShareLevel
from .reassignment import NOT_A_MEMBER


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its fields where the form has them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class VersionedForm(ControlCharactersRefusedForm, forms.ModelForm):
    """An edit form that carries the version it was based on, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CustomerForm(VersionedForm):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    class Meta:
        model = Customer
        fields = ["name", "email", "phone", "industry"]

    def __init__(self, *args, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner_choices is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owner_choices
            self.fields["owner"].label_from_instance = lambda user: user.display_name
            self.fields["owner"].help_text = "Leave empty to own it yourself."


class ReassignForm(ControlCharactersRefusedForm, forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label="New owner")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, owner_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices
        self.fields["owner"].label_from_instance = lambda user: f"{user.display_name} ({user.role})"


class ContactForm(VersionedForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone"]


class ActivityForm(ControlCharactersRefusedForm, forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.NOTE)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000, label="Note")


class ShareForm(ControlCharactersRefusedForm, forms.Form):
    username = forms.CharField(required=False, max_length=150, help_text="A colleague's username…")
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, help_text="…or a team.")
    level = forms.ChoiceField(choices=ShareLevel.choices, initial=ShareLevel.VIEW)

    def __init__(self, *args, levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if levels is not None:  # offer only the levels the sharer may give (the service checks it too)
            self.fields["level"].choices = [(value, label) for value, label in ShareLevel.choices if value in levels]

    def clean(self):
        cleaned = super().clean()
        username, team = cleaned.get("username"), cleaned.get("team")
        if bool(username) == bool(team):
            raise ValidationError("Name either a user or a team.")
        if username:
            cleaned["user"] = User.objects.filter(username=username, is_active=True).first()
            if cleaned["user"] is None:
                self.add_error("username", "No active user has this username.")
        return cleaned


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


class ImportUploadForm(ControlCharactersRefusedForm, forms.Form):
    kind = forms.ChoiceField(label="The file holds", choices=[("customers", "Customers"), ("contacts", "Contacts")])
    file = forms.FileField(label="CSV file (UTF-8, first line: the column names)")
