from django import forms
from django.core.exceptions import ValidationError

from crm.platform.control_characters import ControlCharactersRefusedForm


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
