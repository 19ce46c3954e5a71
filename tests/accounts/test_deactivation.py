"""Deactivation ends a user's sessions and API tokens for good, whichever way it is done (API
DELETE, API PATCH is_active, the Django admin change form, the admin's bulk actions), and
reactivation revives nothing: the old token and the old session cookie stay dead. A new
password revokes the tokens whichever way it is set (portal, API, Django admin)."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BACKEND = "accounts.backends.RoleModelBackend"


def signed_in(user) -> tuple[APIClient, Client]:
    """An API client with a token of the user's, and a portal client with a session of theirs."""
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    session = Client()
    assert session.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert token.get("/api/v1/me/").status_code == 200
    assert session.get("/").status_code == 200
    return token, session


def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin, backend=BACKEND)
    return client


def admin_change_form(user, *, is_active: bool, team=None) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "team": team.pk if team else "",
        "_save": "Save",
    }
    if is_active:
        data["is_active"] = "on"
    return data


def api_delete(admin, user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=admin)[0].key}")
    return client.delete(f"/api/v1/users/{user.pk}/")


def api_patch_active(admin, user, is_active: bool):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=admin)[0].key}")
    return client.patch(f"/api/v1/users/{user.pk}/", {"is_active": is_active}, format="json")


def admin_form_active(admin, user, is_active: bool):
    return admin_client(admin).post(
        f"/admin/accounts/user/{user.pk}/change/", admin_change_form(user, is_active=is_active)
    )


def admin_action_active(admin, user, is_active: bool):
    action = "reactivate_users" if is_active else "deactivate_users"
    return admin_client(admin).post(
        "/admin/accounts/user/", {"action": action, "_selected_action": [user.pk], "index": 0}
    )


def deactivate_by_api_delete(admin, user):
    assert api_delete(admin, user).status_code == 204


def deactivate_by_api_patch(admin, user):
    assert api_patch_active(admin, user, False).status_code == 200


def deactivate_by_admin_form(admin, user):
    assert admin_form_active(admin, user, False).status_code == 302


def deactivate_by_admin_action(admin, user):
    assert admin_action_active(admin, user, False).status_code == 302


def reactivate_by_api_patch(admin, user):
    assert api_patch_active(admin, user, True).status_code == 200


def reactivate_by_admin_form(admin, user):
    assert admin_form_active(admin, user, True).status_code == 302


def reactivate_by_admin_action(admin, user):
    assert admin_action_active(admin, user, True).status_code == 302


DEACTIVATIONS = [
    deactivate_by_api_delete,
    deactivate_by_api_patch,
    deactivate_by_admin_form,
    deactivate_by_admin_action,
]
REACTIVATIONS = [reactivate_by_api_patch, reactivate_by_admin_form, reactivate_by_admin_action]


@pytest.mark.parametrize("reactivate", REACTIVATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("deactivate", DEACTIVATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "support_rep"])
def test_reactivation_revives_no_old_token_and_no_old_session(org, request, admin, persona, deactivate, reactivate):
    user = request.getfixturevalue(persona)
    token, session = signed_in(user)

    deactivate(admin, user)
    user.refresh_from_db()
    assert not user.is_active
    assert not Token.objects.filter(user=user).exists()
    assert token.get("/api/v1/me/").status_code == 401
    assert session.get("/")["Location"].startswith("/login/")

    reactivate(admin, user)
    user.refresh_from_db()
    assert user.is_active
    assert token.get("/api/v1/me/").status_code == 401
    assert session.get("/api/v1/me/").status_code == 401
    home = session.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/login/")
    # Signing in again works, with a new token and a new session.
    new_token, _new_session = signed_in(user)
    assert new_token.get("/api/v1/me/").json()["username"] == persona


def test_a_deactivation_that_bypassed_the_service_is_not_revived_by_reactivation(org, admin, sales_rep):
    token, session = signed_in(sales_rep)
    User.objects.filter(pk=sales_rep.pk).update(is_active=False)  # a raw write, no service
    reactivate_by_api_patch(admin, sales_rep)
    assert token.get("/api/v1/me/").status_code == 401
    assert session.get("/")["Location"].startswith("/login/")


def test_deactivating_ends_the_sessions_and_tokens_of_that_user_only(org, admin, sales_rep, teammate):
    _, rep_session = signed_in(sales_rep)
    mate_token, mate_session = signed_in(teammate)
    deactivate_by_admin_form(admin, sales_rep)
    assert rep_session.get("/").status_code == 302
    assert mate_token.get("/api/v1/me/").status_code == 200
    assert mate_session.get("/").status_code == 200


@pytest.mark.parametrize("way", ["api_delete", "api_patch", "admin_form", "admin_action"])
def test_an_admin_cannot_deactivate_themselves(org, admin, way):
    token, session = signed_in(admin)
    if way == "api_delete":
        assert api_delete(admin, admin).status_code == 400
    elif way == "api_patch":
        assert api_patch_active(admin, admin, False).status_code == 400
    elif way == "admin_form":
        response = admin_form_active(admin, admin, False)
        assert response.status_code == 200
        assert "You cannot deactivate yourself." in response.content.decode()
    else:
        admin_action_active(admin, admin, False)
    admin.refresh_from_db()
    assert admin.is_active
    assert token.get("/api/v1/me/").status_code == 200
    assert session.get("/").status_code == 200


@pytest.mark.parametrize("persona", ["sales_manager", "sales_rep", "support_manager", "outsider"])
def test_only_admins_deactivate(org, request, persona, teammate):
    actor = request.getfixturevalue(persona)
    token, session = signed_in(teammate)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=actor).key}")
    expected = 403 if persona == "sales_manager" else 404  # a manager sees their members; others do not
    assert client.delete(f"/api/v1/users/{teammate.pk}/").status_code == expected
    assert client.patch(f"/api/v1/users/{teammate.pk}/", {"is_active": False}, format="json").status_code == expected
    teammate.refresh_from_db()
    assert teammate.is_active
    assert token.get("/api/v1/me/").status_code == 200
    assert session.get("/").status_code == 200
    # Django admin is the admins' tool only.
    portal = Client()
    portal.force_login(actor, backend=BACKEND)
    response = portal.post(f"/admin/accounts/user/{teammate.pk}/change/", admin_change_form(teammate, is_active=False))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    teammate.refresh_from_db()
    assert teammate.is_active


class TestPasswordsRevokeTokens:
    def test_the_portal_password_change(self, org, sales_rep):
        token, session = signed_in(sales_rep)
        other_session = Client()
        other_session.force_login(sales_rep, backend=BACKEND)
        new = "a-new-long-secret-77"
        changed = session.post("/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
        assert changed.status_code == 302
        assert session.get("/").status_code == 200  # the session it was changed in is kept
        assert other_session.get("/").status_code == 302
        assert token.get("/api/v1/me/").status_code == 401

    def test_an_admin_setting_it_in_the_api(self, org, admin, sales_rep):
        token, session = signed_in(sales_rep)
        response = api_patch_password(admin, sales_rep, "another-long-secret-8")
        assert response.status_code == 200
        assert token.get("/api/v1/me/").status_code == 401
        assert session.get("/").status_code == 302

    def test_an_admin_setting_it_in_django_admin(self, org, admin, sales_rep):
        token, session = signed_in(sales_rep)
        new = "another-long-secret-9"
        response = admin_client(admin).post(
            f"/admin/accounts/user/{sales_rep.pk}/password/",
            {"password1": new, "password2": new, "usable_password": "true"},
        )
        assert response.status_code == 302
        sales_rep.refresh_from_db()
        assert sales_rep.check_password(new)
        assert token.get("/api/v1/me/").status_code == 401
        assert session.get("/").status_code == 302

    def test_an_admin_disabling_it_in_django_admin(self, org, admin, sales_rep):
        token, session = signed_in(sales_rep)
        response = admin_client(admin).post(
            f"/admin/accounts/user/{sales_rep.pk}/password/", {"usable_password": "false", "unset-password": "1"}
        )
        assert response.status_code == 302
        sales_rep.refresh_from_db()
        assert not sales_rep.has_usable_password()
        assert token.get("/api/v1/me/").status_code == 401
        assert session.get("/").status_code == 302


def api_patch_password(admin, user, password):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=admin)[0].key}")
    return client.patch(f"/api/v1/users/{user.pk}/", {"password": password}, format="json")


def test_a_weak_password_set_by_an_admin_is_400_and_changes_nothing(org, admin, sales_rep):
    token, session = signed_in(sales_rep)
    response = api_patch_password(admin, sales_rep, "123")
    assert response.status_code == 400
    assert "password" in response.json()
    sales_rep.refresh_from_db()
    assert sales_rep.check_password(PASSWORD)
    assert token.get("/api/v1/me/").status_code == 200
    assert session.get("/").status_code == 200


class TestSavingAUserRevokesNothing:
    """Only the services revoke (user_set_active, user_set_password): a plain save of the user,
    even of its role or name, leaves their token and session working."""

    @pytest.mark.parametrize("change", ["first_name", "role", "time_zone"])
    def test_a_save(self, org, sales_rep, change):
        token, session = signed_in(sales_rep)
        setattr(sales_rep, change, {"first_name": "Renamed", "role": "manager", "time_zone": "Europe/Berlin"}[change])
        sales_rep.save()
        assert Token.objects.filter(user=sales_rep).exists()
        assert token.get("/api/v1/me/").status_code == 200
        assert session.get("/").status_code == 200

    def test_an_admin_changing_a_name_in_django_admin(self, org, admin, sales_rep):
        token, session = signed_in(sales_rep)
        form = admin_change_form(sales_rep, is_active=True)
        response = admin_client(admin).post(f"/admin/accounts/user/{sales_rep.pk}/change/", form | {"first_name": "X"})
        assert response.status_code == 302
        sales_rep.refresh_from_db()
        assert sales_rep.first_name == "X"
        assert token.get("/api/v1/me/").status_code == 200
        assert session.get("/").status_code == 200
