"""Security headers and the CSP: what production settings hold (loaded in a subprocess with a
secret, as a server starts), that a request under them gets HSTS and secure cookies, that no
template needs 'unsafe-inline', and that htmx and the CSRF token work without inline script.

Every answer of the authorization matrix is also checked for CSP, X-Frame-Options, nosniff and
the referrer policy (matrix.py, _header_problems); the browser test walks the pages in chromium
and asserts that the CSP blocks nothing (tests/browser/test_csp.py).
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PRODUCTION_NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "PROXY_COUNT",
]


# Production refuses to start without a shared database and cache; loading settings connects to neither.
SHARED_SERVICES = {"DATABASE_URL": "postgres://crm@db.invalid:5432/crm", "CACHE_URL": "redis://cache.invalid:6379/1"}


def load_settings(module: str, **environment) -> subprocess.CompletedProcess:
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"names = {PRODUCTION_NAMES!r}; "
        "values = {name: getattr(settings, name) for name in names}; "
        "values['SECURE_CSP'] = {key: [str(item) for item in value] for key, value in settings.SECURE_CSP.items()}; "
        "values['THROTTLE'] = settings.REST_FRAMEWORK; "
        "values['MIDDLEWARE'] = settings.MIDDLEWARE; "
        "print(json.dumps(values, default=str))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AXES_", "API_")) and key not in {"DATABASE_URL", "CACHE_URL"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": module, **SHARED_SERVICES, **environment}
    env = {key: value for key, value in env.items() if value is not None}  # None: the variable is unset
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def production():
    loaded = load_settings(
        "crm.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="crm.example.com",
    )
    assert loaded.returncode == 0, loaded.stderr
    return json.loads(loaded.stdout)


class TestProductionSettings:
    def test_https_only(self, production):
        assert production["DEBUG"] is False
        assert production["SECURE_SSL_REDIRECT"] is True
        assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
        assert production["SECURE_HSTS_SECONDS"] >= 31536000
        assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
        assert production["SECURE_HSTS_PRELOAD"] is True

    def test_cookies(self, production):
        assert production["SESSION_COOKIE_SECURE"] is True
        assert production["SESSION_COOKIE_HTTPONLY"] is True
        assert production["CSRF_COOKIE_SECURE"] is True
        assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"

    def test_framing_sniffing_referrer(self, production):
        assert production["X_FRAME_OPTIONS"] == "DENY"
        assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
        assert production["SECURE_REFERRER_POLICY"] == "same-origin"
        assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"

    def test_content_security_policy(self, production):
        csp = production["SECURE_CSP"]
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'", "<CSP_NONCE_SENTINEL>"]  # CSP.NONCE: each response's own nonce
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        flat = json.dumps(csp)
        assert "unsafe-inline" not in flat
        assert "unsafe-eval" not in flat
        assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in production["MIDDLEWARE"]

    def test_login_protection_and_rate_limits_are_on(self, production):
        assert production["AXES_ENABLED"] is True
        assert production["AXES_FAILURE_LIMIT"] == 5
        rest = production["THROTTLE"]
        assert rest["DEFAULT_THROTTLE_RATES"] == {"anon": "60/min", "user": "1200/min", "token": "10/min"}
        assert rest["NUM_PROXIES"] == 0
        assert production["PROXY_COUNT"] == 0

    def test_settings_come_from_the_environment(self):
        loaded = load_settings(
            "crm.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            AXES_FAILURE_LIMIT="7",
            API_THROTTLE_USER="100/min",
            DJANGO_PROXY_COUNT="1",
        )
        values = json.loads(loaded.stdout)
        assert values["AXES_FAILURE_LIMIT"] == 7
        assert values["THROTTLE"]["DEFAULT_THROTTLE_RATES"]["user"] == "100/min"
        assert values["PROXY_COUNT"] == values["THROTTLE"]["NUM_PROXIES"] == 1

    @pytest.mark.parametrize("missing", ["DATABASE_URL", "CACHE_URL"])
    @pytest.mark.parametrize("blank", [None, "", "  "])
    def test_production_refuses_to_start_without_a_shared_database_and_cache(self, missing, blank):
        environment = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(64), missing: blank}
        loaded = load_settings("crm.settings.production", **environment)
        assert loaded.returncode != 0
        assert f"Set {missing}" in loaded.stderr
        assert "ImproperlyConfigured" in loaded.stderr

    def test_production_refuses_to_start_without_a_secret(self):
        loaded = load_settings("crm.settings.production")
        assert loaded.returncode != 0
        assert "DJANGO_SECRET_KEY" in loaded.stderr


def test_a_request_under_production_settings_gets_hsts_and_secure_cookies(production, org, password):
    https_only = {
        name: production[name]
        for name in (
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
        )
    }
    with override_settings(**https_only, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        plain = Client().get("/login/")
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        page = client.get("/login/")
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert page.cookies["csrftoken"]["secure"]
        logged_in = client.post("/login/", {"username": "sales_rep", "password": password})
        session_cookie = logged_in.cookies["sessionid"]
        assert session_cookie["secure"]
        assert session_cookie["httponly"]
        assert session_cookie["samesite"] == "Lax"


def test_a_signed_in_page_has_the_security_headers(org, portal, sales_rep):
    response = portal.as_user(sales_rep).get("/customers/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_answer_kind_has_the_headers(org, sales_rep, api):
    """Pages, fragments, JSON, errors and redirects alike (the matrix asks every route)."""
    client = Client()
    client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
    answers = [
        client.get("/customers/"),
        client.get("/customers/", HTTP_HX_REQUEST="true"),
        client.get("/customers/999999/"),
        client.get("/sales/"),
        api.as_user(sales_rep).get("/api/v1/customers/"),
        Client().get("/api/v1/docs/"),
    ]
    for response in answers:
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp


def test_the_swagger_page_loads_its_start_up_script_as_a_file():
    page = Client().get("/api/v1/docs/").content.decode()
    assert re.search(r"<script>", page) is None
    assert "<style>" not in page
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = Client().get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_htmx_runs_without_eval_and_sends_the_csrf_token_from_a_static_script(org, sales_rep):
    client = Client()
    client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
    page = client.get("/").content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page).group(1))
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False  # htmx would otherwise add an inline <style>
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)
    app_js = (ROOT / "static" / "js" / "app.js").read_text()
    assert "X-CSRFToken" in app_js
    assert 'meta[name="csrf-token"]' in app_js


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b(?![^>]*nonce)", re.I), "an inline <style>"),
    (re.compile(r"\sstyle=\"", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "an on* event handler attribute"),
    (re.compile(r"\shx-on", re.I), "an hx-on attribute (htmx would eval it)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    """The CSP allows no inline code: every template of the project keeps script and style in static files."""
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        for pattern, what in INLINE_CODE:
            if pattern.search(text):
                found.append(f"{template.relative_to(ROOT)}: {what}")
    assert found == []
