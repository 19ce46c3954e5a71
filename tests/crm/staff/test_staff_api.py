"""API v1: me/, users/ (admin), teams/ (admin writes), auth/token/."""

import pytest

from accounts.models import Role, Team, User

pytestmark = pytest.mark.django_db


def ids(response):
    return {row["id"] for row in response.json()["results"]}


class TestMe:
    def test_me(self, org, api, sales_rep, sales_team):
        body = api.as_user(sales_rep).get("/api/v1/me/").json()
        assert body == {
            "id": sales_rep.pk,
            "username": "sales_rep",
            "email": sales_rep.email,
            "first_name": sales_rep.first_name,
            "last_name": sales_rep.last_name,
            "role": "sales",
            "teams": [sales_team.pk],
            "time_zone": "",
            "date_locale": "",
        }

    def test_a_manager_lists_the_teams_they_manage(self, org, api, sales_manager, sales_team):
        assert api.as_user(sales_manager).get("/api/v1/me/").json()["teams"] == [sales_team.pk]

    def test_anonymous_is_401(self, api):
        assert api.get("/api/v1/me/").status_code == 401


class TestToken:
    def test_a_token_for_good_credentials(self, org, api, sales_rep, password):
        response = api.post("/api/v1/auth/token/", {"username": "sales_rep", "password": password})
        assert response.status_code == 200
        token = response.json()["token"]
        assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()["username"] == "sales_rep"

    def test_bad_credentials_are_400(self, org, api):
        response = api.post("/api/v1/auth/token/", {"username": "sales_rep", "password": "wrong"})
        assert response.status_code == 400
        assert "token" not in response.json()

    def test_a_revoked_or_bogus_token_is_401(self, api):
        assert api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope").status_code == 401

    def test_an_inactive_users_token_is_401(self, org, api, sales_rep):
        client = api.as_user(sales_rep)
        User.objects.filter(pk=sales_rep.pk).update(is_active=False)
        assert client.get("/api/v1/me/").status_code == 401


class TestUsers:
    def test_who_sees_which_users(self, org, api, admin, sales_manager, sales_rep, teammate, other_rep):
        assert ids(api.as_user(admin).get("/api/v1/users/")) == set(User.objects.values_list("id", flat=True))
        assert ids(api.as_user(sales_manager).get("/api/v1/users/")) == {sales_manager.pk, sales_rep.pk, teammate.pk}
        assert ids(api.as_user(sales_rep).get("/api/v1/users/")) == {sales_rep.pk}
        assert api.as_user(sales_rep).get(f"/api/v1/users/{other_rep.pk}/").status_code == 404

    def test_an_admin_creates_a_user(self, org, api, admin):
        response = api.as_user(admin).post(
            "/api/v1/users/", {"username": "newbie", "role": "support", "password": "a-long-enough-secret-42"}
        )
        assert response.status_code == 201
        assert "password" not in response.json()
        created = User.objects.get(username="newbie")
        assert created.check_password("a-long-enough-secret-42")
        assert created.role == Role.SUPPORT

    def test_a_weak_password_is_400(self, org, api, admin):
        response = api.as_user(admin).post("/api/v1/users/", {"username": "newbie", "password": "123"})
        assert response.status_code == 400
        assert "password" in response.json()
        assert not User.objects.filter(username="newbie").exists()

    @pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "support_rep"])
    def test_a_non_admin_may_not_change_their_own_role(self, org, api, request, persona):
        user = request.getfixturevalue(persona)
        response = api.as_user(user).patch(f"/api/v1/users/{user.pk}/", {"role": "admin"})
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.role != Role.ADMIN

    def test_superuser_and_staff_flags_are_not_writable(self, org, api, admin, sales_rep):
        response = api.as_user(admin).patch(f"/api/v1/users/{sales_rep.pk}/", {"is_superuser": True, "is_staff": True})
        assert response.status_code == 400
        sales_rep.refresh_from_db()
        assert not sales_rep.is_superuser
        assert not sales_rep.is_staff

    def test_a_non_admin_may_not_create_users(self, org, api, sales_manager):
        response = api.as_user(sales_manager).post("/api/v1/users/", {"username": "x", "role": "admin"})
        assert response.status_code == 403
        assert not User.objects.filter(username="x").exists()

    def test_delete_deactivates(self, org, api, admin, outsider):
        assert api.as_user(admin).delete(f"/api/v1/users/{outsider.pk}/").status_code == 204
        outsider.refresh_from_db()
        assert not outsider.is_active


class TestTeams:
    def test_who_sees_which_teams(
        self, org, api, admin, sales_manager, sales_rep, support_rep, sales_team, support_team
    ):
        assert ids(api.as_user(admin).get("/api/v1/teams/")) == set(Team.objects.values_list("id", flat=True))
        assert ids(api.as_user(sales_manager).get("/api/v1/teams/")) == {sales_team.pk}
        assert ids(api.as_user(sales_rep).get("/api/v1/teams/")) == {sales_team.pk}
        assert ids(api.as_user(support_rep).get("/api/v1/teams/")) == {support_team.pk}

    def test_team_fields(self, org, api, admin, sales_team, sales_manager, sales_rep, teammate):
        body = api.as_user(admin).get(f"/api/v1/teams/{sales_team.pk}/").json()
        assert body["name"] == "Sales A"
        assert body["kind"] == "sales"
        assert body["manager"] == sales_manager.pk
        assert sorted(body["members"]) == sorted([sales_rep.pk, teammate.pk])

    def test_an_admin_creates_and_changes_a_team(self, org, api, admin, outsider):
        manager = User.objects.create(username="new_manager", role=Role.MANAGER)
        response = api.as_user(admin).post(
            "/api/v1/teams/", {"name": "East", "kind": "sales", "manager": manager.pk, "members": [outsider.pk]}
        )
        assert response.status_code == 201
        team = Team.objects.get(name="East")
        assert list(team.members.all()) == [outsider]
        response = api.as_user(admin).patch(f"/api/v1/teams/{team.pk}/", {"members": []})
        assert response.status_code == 200
        assert not team.members.exists()

    def test_an_invariant_breach_is_400(self, org, api, admin, sales_rep, support_rep):
        response = api.as_user(admin).post(
            "/api/v1/teams/", {"name": "East", "kind": "sales", "manager": sales_rep.pk, "members": [support_rep.pk]}
        )
        assert response.status_code == 400
        assert {"manager", "members"} <= set(response.json())
        assert not Team.objects.filter(name="East").exists()

    def test_a_manager_may_not_change_their_team(self, org, api, sales_manager, sales_team, outsider):
        response = api.as_user(sales_manager).patch(f"/api/v1/teams/{sales_team.pk}/", {"members": [outsider.pk]})
        assert response.status_code == 403
        assert not sales_team.members.filter(pk=outsider.pk).exists()


def test_the_schema_and_docs_are_served(org, api, sales_rep):
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/customers/" in schema.content
    assert api.get("/api/v1/docs/").status_code == 200


def test_deleting_a_team_that_still_has_records_is_400_with_the_reason(org, api, admin, support_team, sales_rep):
    from tests.factories import CustomerFactory
    from tests.support.factories import TicketFactory

    TicketFactory(customer=CustomerFactory(owner=sales_rep), team=support_team)
    response = api.as_user(admin).delete(f"/api/v1/teams/{support_team.pk}/")
    assert response.status_code == 400
    assert "tickets" in str(response.json())
    assert Team.objects.filter(pk=support_team.pk).exists()
