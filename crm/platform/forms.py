"""What every portal form shares: a service's refusals shown on the form, and the one wording of a stale save."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from crm.platform.control_characters import ControlCharactersRefusedForm
from crm.platform.errors import ConcurrentChange, StaleVersion


def stale_version_message(noun: str, *, changer: str | None = None) -> str:
    """The one wording of a change refused because the record changed since the page showed it.

    `changer` names who changed it where the page may (crm.platform.records.other_changer_name):
    never the reader themselves, whose earlier change (another tab, a retried request) is as likely.
    """
    changed = f"{changer} changed this {noun}" if changer else f"This {noun} was changed"
    return f"{changed} while you were editing it; your change was not saved. Reload it and try again."


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its fields where the form has them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def write_from_form[Written](
    form: forms.BaseForm, write: Callable[[], Written], *, noun: str = "record"
) -> Written | None:
    """Run a service's write for a valid form: what it wrote, or None with the refusal shown on the form.

    A ValidationError goes onto the form's fields (apply_service_errors), a StaleVersion reads
    stale_version_message(noun), a ConcurrentChange its own message; nothing was written then.
    """
    try:
        return write()
    except ValidationError as error:
        apply_service_errors(form, error)
    except StaleVersion:
        form.add_error(None, stale_version_message(noun))
    except ConcurrentChange as error:
        form.add_error(None, str(error))
    return None


class VersionedForm(ControlCharactersRefusedForm, forms.ModelForm):
    """An edit form that carries the version it was based on, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
