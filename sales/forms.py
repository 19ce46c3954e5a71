"""Portal forms. They translate between HTML and the services; they hold no access rule."""

from django import forms

from accounts.models import User
from crm.customers.models import Customer
from crm.platform.control_characters import ControlCharactersRefusedForm
from crm.platform.forms import VersionedForm

from .models import Opportunity, OrderStatus, Product, Stage
from .templatetags.sales_format import money


def _user_choice_label(user: User) -> str:
    return user.display_name


class OpportunityForm(VersionedForm):
    """Create or edit an opportunity; `customer` and `owner` appear only where the user may set them."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    class Meta:
        model = Opportunity
        fields = ["name", "stage", "amount", "expected_close", "probability_override", "lost_reason"]
        widgets = {"expected_close": forms.DateInput(attrs={"type": "date"})}
        labels = {"probability_override": "Probability (%)"}
        help_texts = {"probability_override": "Leave empty to use the stage's probability."}

    def __init__(self, *args, customer_choices=None, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer_choices is None:
            del self.fields["customer"]
        else:
            self.fields["customer"].queryset = customer_choices
        if owner_choices is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owner_choices
            self.fields["owner"].label_from_instance = _user_choice_label
            self.fields["owner"].help_text = "Leave empty to own it yourself." if not self.instance.pk else ""
            if self.instance.pk:
                self.fields["owner"].initial = self.instance.owner_id
        self.order_fields(["customer", "name", "stage", "amount", "expected_close", "probability_override"])
        # The field's wrapper (templates/crm/_form_fields.html) tells static/js/sales.js when to show it.
        self.fields["lost_reason"].wrapper_attrs = {"data-shown-when-stage": Stage.LOST.value}
        if not self.shows_lost_reason:
            # Hidden and left out of the post until the stage is "lost" (static/js/sales.js shows it);
            # the service still refuses a lost reason on any other stage.
            self.fields["lost_reason"].wrapper_attrs["hidden"] = True
            self.fields["lost_reason"].widget.attrs["disabled"] = True

    @property
    def shows_lost_reason(self) -> bool:
        """Whether the form offers "Lost reason": the stage is lost, or a reason was given (and is refused)."""
        return self["stage"].value() == Stage.LOST or bool(self["lost_reason"].value())

    def changes(self) -> dict:
        values = super().changes()
        if values.get("owner") is None:
            values.pop("owner", None)
        return values


class MoveForm(ControlCharactersRefusedForm, forms.Form):
    """A pipeline card dropped on a stage: the stage, and the version the card showed."""

    stage = forms.ChoiceField(choices=Stage.choices)
    version = forms.IntegerField(min_value=1)


class OrderForm(ControlCharactersRefusedForm, forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, customer_choices, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customer_choices
        if owner_choices is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owner_choices
            self.fields["owner"].label_from_instance = _user_choice_label
            self.fields["owner"].help_text = "Leave empty to own it yourself."

    def changes(self) -> dict:
        values = dict(self.cleaned_data)
        if values.get("owner") is None:
            values.pop("owner", None)
        return values


class VersionForm(ControlCharactersRefusedForm, forms.Form):
    version = forms.IntegerField(min_value=1)


class OrderLineAddForm(VersionForm):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), empty_label="Choose a product")
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, initial=1)

    def __init__(self, *args, product_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = product_choices
        self.fields["product"].label_from_instance = lambda product: f"{product.name} · {money(product.unit_price)}"


class OrderLineQuantityForm(VersionForm):
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000)


class OrderTransitionForm(VersionForm):
    status = forms.ChoiceField(choices=OrderStatus.choices)


class ReassignForm(VersionForm):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label="New owner")

    def __init__(self, *args, owner_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices
        self.fields["owner"].label_from_instance = lambda user: f"{user.display_name} ({user.role})"
