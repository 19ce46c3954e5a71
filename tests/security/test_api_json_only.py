"""The API is JSON in and out (issue 11, point 12).

A body that is not JSON answers 415 and changes nothing; a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers
413; every error under /api/ is JSON, also those Django answers before DRF sees the request (a disallowed
host, an unknown path, a server error). The portal keeps its HTML pages.
"""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.parsers import JSONParser

from crm.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SMALL_LIMIT = 2_000


def token(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def api_views():
    """Every view class routed under /api/, found by walking the URL resolver."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
                if route.startswith("api/"):
                    yield route, view

    return list(walk(get_resolver().url_patterns, ""))


def test_every_api_view_reads_json_only():
    views = api_views()
    assert len(views) > 10
    for route, view in views:
        assert view is not None, f"{route} is not a DRF view"
        parsers = view.parser_classes
        assert parsers, route
        assert all(issubclass(parser, JSONParser) for parser in parsers), (route, parsers)


FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def form_body(fields: dict) -> str:
    return "&".join(f"{name}={value}" for name, value in fields.items())


def multipart_body(fields: dict) -> str:
    parts = [
        f'--BoUnDaRy\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return "".join(parts) + "--BoUnDaRy--\r\n"


BODIES = {
    "form": (FORM, form_body),
    "multipart": (MULTIPART, multipart_body),
    "text": ("text/plain", lambda fields: json.dumps(fields)),
    "xml": ("application/xml", lambda fields: "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())),
}


@pytest.mark.parametrize("kind", list(BODIES))
class TestNotJsonIs415:
    def test_creating_a_customer(self, kind, org, sales_rep):
        content_type, encode = BODIES[kind]
        body = encode({"name": "Formco", "email": "hi@formco.example"})
        response = Client().post("/api/v1/customers/", body, content_type=content_type, **token(sales_rep))
        assert_json_error(response, 415)
        assert not Customer.objects.filter(name="Formco").exists()

    def test_changing_a_customer(self, kind, org, sales_rep):
        customer = CustomerFactory(owner=sales_rep, name="Steady")
        content_type, encode = BODIES[kind]
        response = Client().patch(
            f"/api/v1/customers/{customer.pk}/",
            encode({"name": "Formco"}),
            content_type=content_type,
            **token(sales_rep),
        )
        assert_json_error(response, 415)
        customer.refresh_from_db()
        assert customer.name == "Steady"

    @pytest.mark.parametrize("path", ["/api/v1/tickets/", "/api/v1/contacts/", "/api/v1/opportunities/"])
    def test_other_collections(self, kind, path, org, admin):
        content_type, encode = BODIES[kind]
        response = Client().post(path, encode({"subject": "x", "name": "x"}), content_type=content_type, **token(admin))
        assert_json_error(response, 415)

    def test_the_token_endpoint(self, kind, org, sales_rep, password):
        content_type, encode = BODIES[kind]
        body = encode({"username": "sales_rep", "password": password})
        response = Client().post("/api/v1/auth/token/", body, content_type=content_type)
        assert_json_error(response, 415)
        assert not Token.objects.filter(user=sales_rep).exists()


def test_the_token_endpoint_takes_json(org, sales_rep, password):
    """What docs/API.md promises: POST {"username", "password"} answers {"token"}."""
    body = {"username": "sales_rep", "password": password}
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=sales_rep).key}


def test_a_body_without_content_type_is_415(org, sales_rep):
    response = Client().generic(
        "POST", "/api/v1/customers/", b'{"name": "Formco"}', content_type="", **token(sales_rep)
    )
    assert_json_error(response, 415)
    assert not Customer.objects.filter(name="Formco").exists()


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = SMALL_LIMIT


@pytest.mark.usefixtures("small_limit")
class TestOversizedBodyIs413:
    def test_json(self, org, sales_rep):
        body = json.dumps({"name": "Bigco", "industry": "x" * (SMALL_LIMIT * 2)})
        response = Client().post("/api/v1/customers/", body, content_type="application/json", **token(sales_rep))
        body = assert_json_error(response, 413)
        assert str(SMALL_LIMIT) in body["detail"]
        assert not Customer.objects.filter(name="Bigco").exists()

    def test_json_on_the_token_endpoint(self, org):
        body = json.dumps({"username": "x" * (SMALL_LIMIT * 2), "password": "p"})
        assert_json_error(Client().post("/api/v1/auth/token/", body, content_type="application/json"), 413)

    def test_a_change(self, org, sales_rep):
        customer = CustomerFactory(owner=sales_rep, name="Steady")
        body = json.dumps({"name": "Bigco", "industry": "x" * (SMALL_LIMIT * 2)})
        response = Client().patch(
            f"/api/v1/customers/{customer.pk}/", body, content_type="application/json", **token(sales_rep)
        )
        assert_json_error(response, 413)
        customer.refresh_from_db()
        assert customer.name == "Steady"

    @pytest.mark.parametrize("kind", list(BODIES))
    def test_whatever_its_type(self, kind, org, sales_rep):
        """Today a large form body answered Django's HTML "Bad Request" (RequestDataTooBig)."""
        content_type, encode = BODIES[kind]
        body = encode({"name": "Bigco", "industry": "x" * (SMALL_LIMIT * 2)})
        response = Client().post("/api/v1/customers/", body, content_type=content_type, **token(sales_rep))
        assert_json_error(response, 413)
        assert not Customer.objects.filter(name="Bigco").exists()

    def test_a_session_request(self, org, sales_rep):
        """A session-authenticated POST is CSRF-checked, which would read request.POST: 413 before that."""
        body = form_body({"name": "Bigco", "industry": "x" * (SMALL_LIMIT * 2)})
        client = Client(enforce_csrf_checks=True)
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        assert_json_error(client.post("/api/v1/customers/", body, content_type=FORM), 413)
        assert not Customer.objects.filter(name="Bigco").exists()

    def test_the_portal_keeps_its_limit_and_page(self, org, sales_rep):
        client = Client()
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        body = form_body({"name": "Bigco", "industry": "x" * (SMALL_LIMIT * 2)})
        response = client.post("/customers/new/", body, content_type=FORM)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert not Customer.objects.filter(name="Bigco").exists()

    def test_within_the_limit_is_fine(self, org, sales_rep):
        body = json.dumps({"name": "Smallco"})
        response = Client().post("/api/v1/customers/", body, content_type="application/json", **token(sales_rep))
        assert response.status_code == 201


class TestDjangoErrorsUnderApiAreJson:
    def test_a_disallowed_host(self, org, sales_rep, settings):
        settings.ALLOWED_HOSTS = ["testserver"]
        body = assert_json_error(Client().get("/api/v1/customers/", HTTP_HOST="evil.example", **token(sales_rep)), 400)
        assert "evil" not in body["detail"]

    def test_a_disallowed_host_on_the_portal_stays_html(self, org, settings):
        settings.ALLOWED_HOSTS = ["testserver"]
        response = Client().get("/login/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")

    @pytest.mark.parametrize(
        "path", ["/api/", "/api/v1/nothing-here/", "/api/v2/customers/", "/api/v1/customers/1/nothing/"]
    )
    @pytest.mark.parametrize("method", ["get", "post", "delete"])
    def test_an_unknown_path(self, path, method, org, sales_rep):
        response = getattr(Client(), method)(path, **token(sales_rep))
        assert_json_error(response, 404)

    def test_an_unknown_path_without_credentials(self, org):
        assert_json_error(Client().get("/api/v1/nothing-here/"), 404)

    def test_an_unknown_portal_path_stays_html(self, org, sales_rep):
        client = Client()
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        response = client.get("/nothing-here/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("delete", "/api/v1/me/"),
            ("put", "/api/v1/customers/"),
            ("post", "/api/v1/schema/"),
            ("post", "/api/v1/docs/"),
        ],
    )
    def test_a_method_not_allowed(self, method, path, org, sales_rep):
        response = getattr(Client(), method)(path, **token(sales_rep))
        assert_json_error(response, 405)
        assert response.has_header("Allow")

    def test_a_server_error(self, org, sales_rep, monkeypatch):
        def fail(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr("crm.customers.selectors.customer_list", fail)
        response = Client(raise_request_exception=False).get("/api/v1/customers/", **token(sales_rep))
        body = assert_json_error(response, 500)
        assert "boom" not in body["detail"]

    def test_a_session_request_without_csrf_token(self, org, sales_rep):
        client = Client(enforce_csrf_checks=True)
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        response = client.post("/api/v1/customers/", {"name": "Csrfco"}, content_type="application/json")
        body = assert_json_error(response, 403)
        assert "CSRF" in body["detail"]
        assert not Customer.objects.filter(name="Csrfco").exists()
