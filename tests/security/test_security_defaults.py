"""Security defaults: headers on every page, login lockout, CSRF."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_security_headers_on_a_page(org, portal, sales_rep):
    response = portal.as_user(sales_rep).get("/customers/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_portal_posts_need_the_csrf_token(org, sales_rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
    assert client.post("/customers/new/", {"name": "Forged"}).status_code == 403


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_username_at_that_address(org, password):
    client = Client()
    for _ in range(3):
        client.post("/login/", {"username": "sales_rep", "password": "wrong"})
    locked = client.post("/login/", {"username": "sales_rep", "password": password})
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    other_user = Client().post("/login/", {"username": "teammate", "password": password})
    assert other_user.status_code == 302


def test_the_session_key_rotates_at_login(org, client, password):
    client.get("/login/")
    client.cookies["sessionid"] = "attacker-chosen"
    client.post("/login/", {"username": "sales_rep", "password": password})
    assert client.cookies["sessionid"].value != "attacker-chosen"
