"""Login protection: lockouts on the portal's log-in and the API's token endpoint (django-axes),
unlocking in Django admin, API rate limits, session rotation, CSRF on the portal's posts, sessions that
end at logout and at a password change, and tokens revoked by their user, by an admin, and by deactivation."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOCKOUT = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=0.5)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits count in the cache
    yield
    cache.clear()


def token_login(username, password, *, address="127.0.0.1"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def with_rates(**rates):
    full = {"anon": None, "user": None, "token": None} | rates
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": full})


class TestTokenLockout:
    @LOCKOUT
    def test_repeated_failures_lock_the_username_at_that_address(self, org):
        assert [token_login("sales_rep", "wrong").status_code for _ in range(2)] == [400, 400]
        third = token_login("sales_rep", "wrong")
        assert third.status_code == 429
        locked = token_login("sales_rep", PASSWORD)  # even the right password
        assert locked.status_code == 429
        assert "Too many failed log-ins" in locked.json()["detail"]
        assert locked["Retry-After"] == str(30 * 60)
        assert "token" not in locked.json()

    @LOCKOUT
    def test_the_portal_log_in_locks_the_username_at_that_address(self, org):
        client = Client()
        for _ in range(3):
            client.post("/login/", {"username": "sales_rep", "password": "wrong"})
        locked = client.post("/login/", {"username": "sales_rep", "password": PASSWORD})
        assert locked.status_code == 429
        assert "Too many failed log-ins" in locked.content.decode()
        assert Client().post("/login/", {"username": "teammate", "password": PASSWORD}).status_code == 302

    @LOCKOUT
    def test_the_lock_is_per_username_and_address(self, org):
        for _ in range(3):
            token_login("sales_rep", "wrong")
        assert token_login("teammate", PASSWORD).status_code == 200  # another username, same address
        assert token_login("sales_rep", PASSWORD, address="10.9.8.7").status_code == 200  # same username, elsewhere

    @LOCKOUT
    def test_the_portal_and_the_api_share_one_count(self, org):
        client = Client()
        for _ in range(3):
            client.post("/login/", {"username": "sales_rep", "password": "wrong"})
        assert token_login("sales_rep", PASSWORD).status_code == 429
        portal = Client().post("/login/", {"username": "sales_rep", "password": PASSWORD})
        assert portal.status_code == 429
        assert "Too many failed log-ins" in portal.content.decode()
        assert portal["Retry-After"] == str(30 * 60)

    @LOCKOUT
    def test_a_forged_forwarded_address_does_not_escape_the_lock(self, org):
        for _ in range(3):
            token_login("sales_rep", "wrong")
        escape = APIClient().post(
            TOKEN_URL, {"username": "sales_rep", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.1.2.3"
        )
        assert escape.status_code == 429

    @override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
    def test_the_limit_is_configurable(self, org):
        statuses = [token_login("sales_rep", "wrong").status_code for _ in range(5)]
        assert statuses == [400, 400, 400, 400, 429]

    @LOCKOUT
    def test_an_admin_unlocks_in_django_admin(self, org, admin):
        for _ in range(3):
            token_login("sales_rep", "wrong")
        assert token_login("sales_rep", PASSWORD).status_code == 429
        attempt = AccessAttempt.objects.get(username="sales_rep")
        client = Client()
        client.force_login(admin, backend="accounts.backends.RoleModelBackend")
        listed = client.get("/admin/axes/accessattempt/?locked_out=yes")
        assert listed.status_code == 200
        assert "sales_rep" in listed.content.decode()
        deleted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        assert deleted.status_code == 302
        assert token_login("sales_rep", PASSWORD).status_code == 200

    @LOCKOUT
    def test_a_successful_log_in_resets_the_count(self, org):
        token_login("sales_rep", "wrong")
        token_login("sales_rep", "wrong")
        assert token_login("sales_rep", PASSWORD).status_code == 200
        assert token_login("sales_rep", "wrong").status_code == 400  # counting starts again


class TestRateLimits:
    def test_each_user_has_a_rate(self, org, api, sales_rep, teammate):
        with with_rates(user="3/min"):
            client = api.as_user(sales_rep)
            assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
            throttled = client.get("/api/v1/me/")
            assert throttled.status_code == 429
            assert int(throttled["Retry-After"]) > 0
            assert "throttled" in throttled.json()["detail"]
            other = APIClient()
            other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=teammate).key}")
            assert other.get("/api/v1/me/").status_code == 200  # another user's count is their own

    def test_signed_out_callers_have_a_rate_per_address(self, org):
        with with_rates(anon="2/min"):
            assert [Client().get("/api/v1/schema/").status_code for _ in range(2)] == [200, 200]
            assert Client().get("/api/v1/schema/").status_code == 429
            assert Client().get("/api/v1/schema/", REMOTE_ADDR="10.0.0.9").status_code == 200

    def test_a_forged_forwarded_address_is_not_a_new_caller(self, org):
        with with_rates(anon="2/min"):
            for forged in ("10.0.0.1", "10.0.0.2"):
                Client().get("/api/v1/schema/", HTTP_X_FORWARDED_FOR=forged)
            assert Client().get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="10.0.0.3").status_code == 429

    def test_behind_a_trusted_proxy_the_address_it_saw_counts(self, org):
        rates = {"anon": "1/min", "user": None, "token": None}
        rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1, "DEFAULT_THROTTLE_RATES": rates}
        with override_settings(PROXY_COUNT=1, REST_FRAMEWORK=rest):
            # The proxy appends the address it saw; what the client wrote before it is not trusted.
            assert Client().get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.1").status_code == 200
            assert Client().get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.1").status_code == 429
            assert Client().get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200

    @override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=1, PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_lockouts_follow_the_address_it_saw(self, org):
        forwarded = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.1"}
        APIClient().post(TOKEN_URL, {"username": "sales_rep", "password": "wrong"}, **forwarded)
        locked = APIClient().post(TOKEN_URL, {"username": "sales_rep", "password": PASSWORD}, **forwarded)
        assert locked.status_code == 429
        elsewhere = APIClient().post(
            TOKEN_URL, {"username": "sales_rep", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.2"
        )
        assert elsewhere.status_code == 200

    def test_the_token_endpoint_has_its_own_rate(self, org):
        with with_rates(token="2/min"):
            assert [token_login("sales_rep", PASSWORD).status_code for _ in range(2)] == [200, 200]
            assert token_login("sales_rep", PASSWORD).status_code == 429

    def test_production_rates_are_set(self):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
        assert rates == ["crm.platform.api.throttling.AnonRateThrottle", "crm.platform.api.throttling.UserRateThrottle"]


class TestSessions:
    def test_the_session_key_rotates_at_login(self, org):
        client = Client()
        client.get("/login/")
        session = client.session
        session["before_login"] = "kept"
        session.save()
        anonymous_key = session.session_key
        assert client.post("/login/", {"username": "sales_rep", "password": PASSWORD}).status_code == 302
        assert client.session.session_key != anonymous_key
        assert not Session.objects.filter(session_key=anonymous_key).exists()

    def test_a_session_key_chosen_before_login_is_not_kept(self, org):
        client = Client()
        client.get("/login/")
        client.cookies["sessionid"] = "attacker-chosen"
        client.post("/login/", {"username": "sales_rep", "password": PASSWORD})
        assert client.cookies["sessionid"].value != "attacker-chosen"

    def test_portal_posts_need_the_csrf_token(self, org, sales_rep):
        client = Client(enforce_csrf_checks=True)
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        assert client.post("/customers/new/", {"name": "Forged"}).status_code == 403

    def test_logging_out_ends_the_users_other_sessions(self, org, sales_rep, teammate):
        laptop, phone, colleague = Client(), Client(), Client()
        for client, user in ((laptop, sales_rep), (phone, sales_rep), (colleague, teammate)):
            assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
            assert client.get("/").status_code == 200
        assert laptop.post("/logout/").status_code == 302
        assert phone.get("/").status_code == 302  # sent to log in
        assert phone.get("/api/v1/me/").status_code == 401  # the API sees no session either
        assert colleague.get("/").status_code == 200  # someone else's sessions are theirs
        again = Client()
        again.post("/login/", {"username": "sales_rep", "password": PASSWORD})
        assert again.get("/").status_code == 200  # logging in again works

    def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(self, org, sales_rep, api):
        here, there = Client(), Client()
        for client in (here, there):
            client.post("/login/", {"username": "sales_rep", "password": PASSWORD})
        token = api.as_user(sales_rep)
        assert token.get("/api/v1/me/").status_code == 200
        assert here.get("/password/").status_code == 200
        changed = here.post(
            "/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-new-long-secret-77",
                "new_password2": "a-new-long-secret-77",
            },
        )
        assert changed.status_code == 302
        assert here.get("/").status_code == 200
        assert there.get("/").status_code == 302
        assert token.get("/api/v1/me/").status_code == 401  # and the API token is revoked

    def test_an_admin_setting_a_password_ends_the_users_sessions(self, org, sales_rep, admin, api):
        session = Client()
        session.post("/login/", {"username": "sales_rep", "password": PASSWORD})
        response = api.as_user(admin).patch(f"/api/v1/users/{sales_rep.pk}/", {"password": "another-long-secret-8"})
        assert response.status_code == 200
        assert session.get("/").status_code == 302


class TestTokens:
    def test_the_user_revokes_their_token(self, org, sales_rep):
        key = token_login("sales_rep", PASSWORD).json()["token"]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.delete(TOKEN_URL).status_code == 204
        assert client.get("/api/v1/me/").status_code == 401
        new_key = token_login("sales_rep", PASSWORD).json()["token"]
        assert new_key != key

    def test_revoking_needs_credentials(self, org):
        assert APIClient().delete(TOKEN_URL).status_code == 401

    def test_an_admin_revokes_a_token_in_django_admin(self, org, sales_rep, admin):
        key = token_login("sales_rep", PASSWORD).json()["token"]
        client = Client()
        client.force_login(admin, backend="accounts.backends.RoleModelBackend")
        assert "sales_rep" in client.get("/admin/authtoken/tokenproxy/").content.decode()
        assert client.post(f"/admin/authtoken/tokenproxy/{sales_rep.pk}/delete/", {"post": "yes"}).status_code == 302
        assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    def test_deactivating_a_user_stops_their_token_and_sessions(self, org, sales_rep, admin, api):
        key = token_login("sales_rep", PASSWORD).json()["token"]
        session = Client()
        session.post("/login/", {"username": "sales_rep", "password": PASSWORD})
        assert api.as_user(admin).delete(f"/api/v1/users/{sales_rep.pk}/").status_code == 204
        assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
        assert session.get("/").status_code == 302
        assert token_login("sales_rep", PASSWORD).status_code == 400
