"""Control characters in text input (issue 11, point 9).

Single-line text (names, subjects, titles, e-mails, phones, usernames, ...) refuses CR, LF, tab and every
other control character with a field error; multi-line text (descriptions, messages, comments) keeps line
breaks and tabs but refuses the other controls. The fields are discovered, not listed: the API's from its
OpenAPI schema (every writable string of every write), the portal's from the forms its pages render, and
every model text field must carry the rule. Refused writes change nothing.
"""

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from crm.platform.control_characters import (
    MULTI_LINE_MESSAGE,
    PROJECT_APPS,
    SINGLE_LINE_MESSAGE,
    ControlCharactersRefusedForm,
    ControlCharacterValidator,
)

from .test_api_fuzz import existing_path_parameters

# Each refused in a single-line field; NUL is refused by DRF's and Django's own check first (its own words).
SINGLE_LINE_REFUSED = {
    "LF": "Maple\nClinics",
    "CR": "Maple\rClinics",
    "CRLF": "Maple\r\nBcc: x@evil.example",
    "tab": "Maple\tClinics",
    "ESC": "Maple\x1b[31mClinics",
    "DEL": "Maple\x7fClinics",
    "NEL (C1)": "Maple\x85Clinics",
    "line separator": "Maple\u2028Clinics",
    "NUL": "Maple\x00Clinics",
}
MULTI_LINE_REFUSED = {"NUL": "One\x00two", "ESC": "One\x1b[2Jtwo", "BEL": "One\x07two", "DEL": "One\x7ftwo"}
MULTI_LINE_ALLOWED = "First line,\r\nsecond line\n\tindented."
NOT_TEXT_FORMATS = {"date", "date-time", "decimal", "double", "float", "binary", "uuid", "uri"}


def expected_message(value: str, *, multi_line: bool) -> str:
    if "\x00" in value:
        return "Null characters are not allowed."
    return MULTI_LINE_MESSAGE if multi_line else SINGLE_LINE_MESSAGE


# The API, from its schema


def _resolve_ref(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["components"]["schemas"][name]
    return node


def _is_text(prop: dict) -> bool:
    if "oneOf" in prop:  # an optional e-mail: a string with format email, or empty
        return any(_is_text(branch) for branch in prop["oneOf"])
    return prop.get("type") == "string" and "enum" not in prop and prop.get("format") not in NOT_TEXT_FORMATS


def api_text_fields() -> list[tuple[str, str, str, bool]]:
    """(method, path, field, is an array of text) for every writable text field of every write in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        if path == "/api/v1/auth/token/":  # credentials, not stored text
            continue
        for method, operation in operations.items():
            if method not in {"post", "put", "patch"}:
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            body = _resolve_ref(schema, content["schema"])
            for name, prop in body.get("properties", {}).items():
                prop = _resolve_ref(schema, prop)
                if prop.get("readOnly"):
                    continue
                if _is_text(prop):
                    found.append((method, path, name, False))
                elif prop.get("type") == "array" and _is_text(_resolve_ref(schema, prop.get("items", {}))):
                    found.append((method, path, name, True))
    return found


API_TEXT_FIELDS = api_text_fields()


def concrete_path(world, path: str) -> str:
    parameters = existing_path_parameters(world, path) or {}
    for name, value in parameters.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, path
    return path


def model_field_for(path: str, name: str):
    view = resolve(path).func
    serializer_class = getattr(getattr(view, "cls", None), "serializer_class", None)
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    try:
        return model._meta.get_field(name) if model else None
    except Exception:
        return None


def is_multi_line(path: str, name: str) -> bool:
    return isinstance(model_field_for(path, name), models.TextField)


def test_the_schema_exposes_the_text_fields_we_know():
    """The discovery finds text fields (if it found none, every test below would pass vacuously)."""
    fields = {(method, path, name) for method, path, name, _ in API_TEXT_FIELDS}
    for expected in [
        ("post", "/api/v1/customers/", "name"),
        ("patch", "/api/v1/customers/{id}/", "phone"),
        ("post", "/api/v1/tickets/", "subject"),
        ("post", "/api/v1/tickets/", "description"),
        ("post", "/api/v1/products/", "name"),
        ("post", "/api/v1/teams/", "name"),
        ("post", "/api/v1/users/", "username"),
        ("post", "/api/v1/opportunities/", "name"),
        ("post", "/api/v1/contacts/", "email"),
    ]:
        assert expected in fields


def api_client(world) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "name", "is_list"), API_TEXT_FIELDS, ids=lambda v: str(v))
def test_every_api_text_field_refuses_control_characters(method, path, name, is_list, world):
    """As admin (who may write every field), one request per control character: 400 naming the field."""
    url = concrete_path(world, path)
    multi_line = is_multi_line(url, name)
    refused = MULTI_LINE_REFUSED if multi_line else SINGLE_LINE_REFUSED
    client = api_client(world)
    before = client.get(url).json() if "{" in path else None
    for label, value in refused.items():
        sent = [value] if is_list else value
        response = client.generic(method.upper(), url, _json({name: sent}), content_type="application/json")
        assert response.status_code == 400, (label, response.content)
        errors = response.json()[name]
        messages = errors if isinstance(errors, list) else [errors]
        flat = str(messages)
        assert expected_message(value, multi_line=multi_line) in flat, (label, flat)
    if before is not None:
        assert client.get(url).json() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "name", "is_list"),
    [row for row in API_TEXT_FIELDS if row[0] == "patch" and "{" in row[1]],
    ids=lambda v: str(v),
)
def test_multi_line_api_fields_keep_line_breaks(method, path, name, is_list, world):
    url = concrete_path(world, path)
    if not is_multi_line(url, name):
        pytest.skip("a single-line field")
    response = api_client(world).patch(url, _json({name: MULTI_LINE_ALLOWED}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()[name] == MULTI_LINE_ALLOWED


def _json(body) -> str:
    import json

    return json.dumps(body)


# Every model text field carries the rule (Django admin, model forms and the API's model serializers use it)


def project_text_fields():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField | models.TextField):
                    yield model, field


def test_every_model_text_field_refuses_control_characters():
    found = list(project_text_fields())
    assert len(found) > 30
    for model, field in found:
        rules = [v for v in field.validators if isinstance(v, ControlCharacterValidator)]
        assert len(rules) == 1, (model, field.name)
        assert rules[0].allow_line_breaks is isinstance(field, models.TextField), (model, field.name)


def project_form_classes():
    seen, queue = set(), [forms.BaseForm]
    while queue:
        cls = queue.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                queue.append(sub)
    return [cls for cls in seen if cls.__module__.split(".")[0] in PROJECT_APPS]


PASSWORD_FIELDS = {"password", "password1", "password2", "old_password", "new_password1", "new_password2"}


def test_every_portal_form_refuses_control_characters():
    """Each form of the project refuses them in its own text fields (a model form also through its model)."""
    classes = project_form_classes()
    assert len(classes) > 20
    for cls in classes:
        # Django's password fields are not stored as typed (a password form has no other text to check).
        declared_text = [
            n for n, f in cls.base_fields.items() if isinstance(f, forms.CharField) and n not in PASSWORD_FIELDS
        ]
        if issubclass(cls, ControlCharactersRefusedForm) or not declared_text:
            continue
        model = getattr(getattr(cls, "_meta", None), "model", None)
        # A model form outside the mixin (accounts is below crm): its text fields must be the model's own.
        assert model is not None, cls
        for name in declared_text:
            assert isinstance(model._meta.get_field(name), models.CharField | models.TextField), (cls, name)
