"""Portal forms. They translate between HTML and the services; they hold no access rule."""

from django import forms

from accounts.models import Team, User
from crm.customers.models import Contact, Customer
from crm.platform.control_characters import ControlCharactersRefusedForm

from .models import (
    SLA_TARGET_MAX_MINUTES,
    SLA_TARGET_ORDER_MESSAGE,
    SLA_TARGET_RANGE_MESSAGE,
    SlaPolicy,
    Ticket,
    TicketKind,
    TicketPriority,
    TicketStatus,
)


class TicketCreateForm(ControlCharactersRefusedForm, forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000, required=False)
    kind = forms.ChoiceField(choices=TicketKind.choices, initial=TicketKind.QUESTION)
    priority = forms.ChoiceField(choices=TicketPriority.choices, initial=TicketPriority.NORMAL)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Queue (support team)")

    def __init__(self, *args, customers, contacts, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["contact"].queryset = contacts
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
        if not contacts.exists():
            del self.fields["contact"]

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "team" or value is not None}


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, **kwargs)


class StatusForm(ControlCharactersRefusedForm, forms.Form):
    status = forms.ChoiceField(choices=TicketStatus.choices)
    version = VersionField()

    def __init__(self, *args, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if statuses is not None:
            self.fields["status"].choices = [
                (value, label) for value, label in TicketStatus.choices if value in statuses
            ]


class PriorityForm(ControlCharactersRefusedForm, forms.Form):
    priority = forms.ChoiceField(choices=TicketPriority.choices)
    version = VersionField()


class AssignForm(ControlCharactersRefusedForm, forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Nobody")
    version = VersionField()

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda user: user.display_name


class TransferForm(ControlCharactersRefusedForm, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Move to the queue of")
    version = VersionField()

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ClaimForm(ControlCharactersRefusedForm, forms.Form):
    version = VersionField()


class MessageForm(ControlCharactersRefusedForm, forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)
    internal = forms.BooleanField(required=False, widget=forms.HiddenInput)


RATING_CHOICES = [
    (n, f"{n} – {label}") for n, label in enumerate(["poor", "fair", "good", "very good", "excellent"], 1)
]


class FeedbackForm(ControlCharactersRefusedForm, forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), required=False)
    ticket = forms.ModelChoiceField(queryset=Ticket.objects.none(), required=False, widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000, required=False)

    def __init__(self, *args, customers=None, tickets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is None:
            del self.fields["customer"]
        else:
            self.fields["customer"].queryset = customers
        if tickets is None:
            del self.fields["ticket"]
        else:
            self.fields["ticket"].queryset = tickets


class SurveyForm(ControlCharactersRefusedForm, forms.Form):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="How did we do?"
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000, required=False, label="Anything to add?"
    )


class SlaTargetField(forms.IntegerField):
    """Minutes, 1 to SLA_TARGET_MAX_MINUTES; every way of missing the range reads the same words as the model's."""

    def __init__(self, **kwargs):
        messages = {"invalid": SLA_TARGET_RANGE_MESSAGE, "min_value": SLA_TARGET_RANGE_MESSAGE}
        messages["max_value"] = SLA_TARGET_RANGE_MESSAGE
        kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        super().__init__(min_value=1, max_value=SLA_TARGET_MAX_MINUTES, error_messages=messages, **kwargs)


class SlaPolicyForm(ControlCharactersRefusedForm, forms.ModelForm):
    """Django admin's form for an SLA policy (its page and the list's editable columns)."""

    first_response_minutes = SlaTargetField()
    resolution_minutes = SlaTargetField()

    class Meta:
        model = SlaPolicy
        fields = ["priority", "first_response_minutes", "resolution_minutes"]

    def clean(self):
        cleaned = super().clean()
        first_response, resolution = cleaned.get("first_response_minutes"), cleaned.get("resolution_minutes")
        if first_response is not None and resolution is not None and first_response > resolution:
            self.add_error("first_response_minutes", SLA_TARGET_ORDER_MESSAGE)
        return cleaned
