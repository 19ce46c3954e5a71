"""Portal forms. They translate between HTML and the services; they hold no access rule."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Team, User
from crm.customers.models import ActivityKind, Contact, Customer, ShareLevel
from crm.platform.control_characters import ControlCharactersRefusedForm
from crm.platform.forms import VersionedForm


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
