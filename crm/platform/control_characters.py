"""Control characters in text input: refused in single-line fields, and in multi-line ones all but line breaks and tabs.

A CR or LF in a name or subject splits a CSV cell, an e-mail header or a log line; NUL and the
other C0/C1 controls are never what a person meant. One rule for every way in:

- every CharField of the project's models (names, subjects, titles, e-mails, phones, ...) gets
  `refuse_control_characters`, every TextField (descriptions, notes, messages)
  `refuse_control_characters_except_line_breaks` (`guard_model_text_fields`, run at start-up, so
  Django admin, model forms, full_clean and the API's model serializers all check it; added to
  the fields' validators in use, not to their arguments, so no migration records them);
- the API's base serializer and the portal's forms add the same validators to the text fields
  they declare themselves (`guard_text_field`);
- text from rows written before (or around) these checks is made safe where it is composed into
  a single line that must not break, such as an e-mail subject (`one_line`).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Apps whose models hold text that people type in.
PROJECT_APPS = ("accounts", "crm", "sales", "support")
LINE_BREAKS_AND_TAB = frozenset("\r\n\t")
# Unicode's line and paragraph separators break a line like LF does.
LINE_SEPARATORS = frozenset("\u2028\u2029")
SINGLE_LINE_MESSAGE = "Line breaks, tabs and other control characters are not allowed here."
MULTI_LINE_MESSAGE = "Control characters other than line breaks and tabs are not allowed."
CODE = "control_characters"


def is_control_character(character: str) -> bool:
    return unicodedata.category(character) == "Cc" or character in LINE_SEPARATORS


def has_control_characters(text: str, *, allowed: frozenset = frozenset()) -> bool:
    return any(is_control_character(character) and character not in allowed for character in text)


@deconstructible(path="crm.platform.control_characters.ControlCharacterValidator")
class ControlCharacterValidator:
    def __init__(self, *, allow_line_breaks: bool):
        self.allow_line_breaks = allow_line_breaks

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        allowed = LINE_BREAKS_AND_TAB if self.allow_line_breaks else frozenset()
        if has_control_characters(value, allowed=allowed):
            message = MULTI_LINE_MESSAGE if self.allow_line_breaks else SINGLE_LINE_MESSAGE
            raise ValidationError(message, code=CODE)

    def __eq__(self, other) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.allow_line_breaks == self.allow_line_breaks

    def __hash__(self) -> int:
        return hash((type(self), self.allow_line_breaks))


refuse_control_characters = ControlCharacterValidator(allow_line_breaks=False)
refuse_control_characters_except_line_breaks = ControlCharacterValidator(allow_line_breaks=True)


def one_line(text: str) -> str:
    """`text` with each run of control characters (line breaks included) made one space: safe for a header."""
    pieces, in_run = [], False
    for character in str(text):
        if is_control_character(character):
            if not in_run:
                pieces.append(" ")
            in_run = True
        else:
            pieces.append(character)
            in_run = False
    return "".join(pieces).strip()


def _with_validator(validators, validator) -> list:
    """`validators` plus `validator`, unless it already has a control-character rule (a model's, say)."""
    if any(isinstance(existing, ControlCharacterValidator) for existing in validators):
        return list(validators)
    return [*validators, validator]


def guard_model_text_fields(models) -> None:
    """Give every CharField and TextField of `models` its control-character validator (at start-up)."""
    from django.db.models import CharField, TextField

    for model in models:
        for field in model._meta.get_fields():
            if isinstance(field, TextField):
                validator = refuse_control_characters_except_line_breaks
            elif isinstance(field, CharField):
                validator = refuse_control_characters
            else:
                continue
            # The field's list of validators in use (which also holds its max length check), not the `validators`
            # argument that deconstruct() (and so makemigrations) reads.
            if not any(isinstance(existing, ControlCharacterValidator) for existing in field.validators):
                field.validators.append(validator)


def text_values(record) -> dict[str, str]:
    """The record's text fields (CharField, TextField) by name, as they are now."""
    from django.db.models import CharField, TextField

    return {
        field.name: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if isinstance(field, CharField | TextField)
    }


def guard_form_field(field) -> None:
    """A form's text input refuses control characters; a textarea allows line breaks and tabs."""
    from django import forms

    if not isinstance(field, forms.CharField):
        return
    multi_line = isinstance(field.widget, forms.Textarea)
    validator = refuse_control_characters_except_line_breaks if multi_line else refuse_control_characters
    field.validators = _with_validator(field.validators, validator)


class ControlCharactersRefusedForm:
    """A form mixin (before forms.Form / ModelForm in the bases): every text field gets its validator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_form_field(field)


def guard_serializer_field(field, *, multi_line: bool) -> None:
    from rest_framework import serializers

    if isinstance(field, serializers.ListField | serializers.DictField) and field.child is not None:
        guard_serializer_field(field.child, multi_line=multi_line)
        return
    if not isinstance(field, serializers.CharField) or field.read_only:
        return
    validator = refuse_control_characters_except_line_breaks if multi_line else refuse_control_characters
    field.validators = _with_validator(field.validators, validator)
