"""The base of every writable API serializer.

DRF silently drops unknown and read-only fields; a client that sends them has a bug
or is probing, so this base answers 400 naming them. A field the user's role may not
set is refused with 403. `version` may be sent with a change: it is the version the
change is based on, and a stale one makes the service answer 409. Every writable text
field refuses control characters (crm/platform/control_characters.py): a multi-line one (a model
TextField, or a field styled as a textarea) all but line breaks and tabs.
"""

from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from crm.platform.control_characters import guard_serializer_field

VERSION = "version"


class ControlCharactersRefused:
    """A serializer mixin: every writable text field refuses control characters (multi-line: all but line breaks)."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            guard_serializer_field(field, multi_line=self._is_multi_line(name, field))
        return fields

    def _is_multi_line(self, name: str, field) -> bool:
        if field.style.get("base_template") == "textarea.html":
            return True
        try:
            model_field = self.Meta.model._meta.get_field(field.source or name)
        except (AttributeError, FieldDoesNotExist):
            return False
        return isinstance(model_field, models.TextField)


class StrictSerializer(ControlCharactersRefused, serializers.ModelSerializer):
    def settable_fields(self) -> set[str] | None:
        """Fields the requesting user may set; None means every writable field."""
        return None

    def current_value(self, name: str):
        """The value a field holds now (or defaults to, on create), in its API form."""
        if self.instance is None:
            return self.fields[name].default if name in self.fields else None
        field = self.fields[name]
        return field.to_representation(field.get_attribute(self.instance))

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        self._refuse_fields_the_user_may_not_set(data)
        errors = self._unexpected_field_errors(data)
        expected_version = self._expected_version(data, errors)
        try:
            validated = super().to_internal_value(data)
        except serializers.ValidationError as error:
            errors = {**error.detail, **errors}
            validated = None
        if errors:
            raise serializers.ValidationError(errors)
        if expected_version is not None:
            validated["expected_version"] = expected_version
        return validated

    def _unexpected_field_errors(self, data) -> dict[str, list[str]]:
        errors = {}
        for name in data:
            field = self.fields.get(name)
            if field is None:
                errors[name] = ["Unknown field."]
            elif field.read_only and name != VERSION and not self._unchanged(name, data[name]):
                errors[name] = ["This field is read-only."]
        return errors

    def _unchanged(self, name, value) -> bool:
        return self.instance is not None and _same(value, self.current_value(name))

    def _expected_version(self, data, errors):
        if VERSION not in data:
            return None
        value = data[VERSION]
        if isinstance(value, bool) or not isinstance(value, int | str) or not _whole_number(str(value)):
            errors[VERSION] = ["A valid integer is required."]
            return None
        return int(value)

    def _refuse_fields_the_user_may_not_set(self, data) -> None:
        settable = self.settable_fields()
        if settable is None:
            return
        for name in data:
            field = self.fields.get(name)
            if field is None or field.read_only or name in settable:
                continue
            if not _same(data[name], self.current_value(name)):
                raise PermissionDenied(f"Your role may not set the field '{name}'.")


def _whole_number(text: str) -> bool:
    """Digits 0 to 9 only: str.isdigit() also says yes to "²", which int() refuses."""
    return text.isascii() and text.isdigit()


def _same(sent, current) -> bool:
    if isinstance(sent, list | dict) or isinstance(current, list | dict):
        return sent == current
    return str(sent) == str(current) if sent is not None and current is not None else sent == current
