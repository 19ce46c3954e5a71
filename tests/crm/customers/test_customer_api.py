"""The customers API beyond the access table: creation rules, bad input, versions, mass assignment."""

import pytest

from crm.customers.models import Customer
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


class TestCreate:
    def test_a_salesperson_owns_what_they_create(self, org, api, sales_rep):
        response = api.as_user(sales_rep).post(URL, {"name": "Newco", "email": "hi@newco.example"})
        assert response.status_code == 201
        body = response.json()
        assert body["owner"] == sales_rep.pk
        assert body["version"] == 1
        assert Customer.objects.get(pk=body["id"]).owner == sales_rep

    def test_a_salesperson_may_not_name_another_owner(self, org, api, sales_rep, teammate):
        response = api.as_user(sales_rep).post(URL, {"name": "Newco", "owner": teammate.pk})
        assert response.status_code == 403
        assert "owner" in response.json()["detail"]
        assert not Customer.objects.filter(name="Newco").exists()

    def test_a_manager_may_name_a_member_of_their_team(self, org, api, sales_manager, teammate):
        response = api.as_user(sales_manager).post(URL, {"name": "Newco", "owner": teammate.pk})
        assert response.status_code == 201
        assert Customer.objects.get(name="Newco").owner == teammate

    def test_a_manager_may_own_it_themselves(self, org, api, sales_manager):
        response = api.as_user(sales_manager).post(URL, {"name": "Newco"})
        assert response.status_code == 201
        assert Customer.objects.get(name="Newco").owner == sales_manager

    def test_a_manager_may_not_name_a_member_of_another_team(self, org, api, sales_manager, other_rep):
        response = api.as_user(sales_manager).post(URL, {"name": "Newco", "owner": other_rep.pk})
        assert response.status_code == 400
        assert "owner" in response.json()
        assert not Customer.objects.filter(name="Newco").exists()

    def test_support_may_not_create(self, org, api, support_rep):
        response = api.as_user(support_rep).post(URL, {"name": "Newco"})
        assert response.status_code == 403
        assert not Customer.objects.filter(name="Newco").exists()

    def test_an_admin_names_the_owner(self, org, api, admin, other_rep):
        assert api.as_user(admin).post(URL, {"name": "Newco"}).status_code == 400
        response = api.as_user(admin).post(URL, {"name": "Newco", "owner": other_rep.pk})
        assert response.status_code == 201
        assert Customer.objects.get(name="Newco").owner == other_rep

    def test_a_support_user_cannot_own_a_customer(self, org, api, admin, support_rep):
        response = api.as_user(admin).post(URL, {"name": "Newco", "owner": support_rep.pk})
        assert response.status_code == 400
        assert "owner" in response.json()


BAD_INPUTS = [
    pytest.param({"name": ""}, "name", id="empty name"),
    pytest.param({"name": "x" * 201}, "name", id="name too long"),
    pytest.param({"name": ["a list"]}, "name", id="name of the wrong type"),
    pytest.param({"name": {"a": 1}}, "name", id="name as an object"),
    pytest.param({"name": "Nul\x00byte"}, "name", id="NUL byte in name"),
    pytest.param({"name": "Ok", "email": "not-an-email"}, "email", id="bad e-mail"),
    pytest.param({"name": "Ok", "phone": "9" * 51}, "phone", id="phone too long"),
    pytest.param({"name": "Ok", "owner": 999999}, "owner", id="unknown owner id"),
    pytest.param({"name": "Ok", "owner": "abc"}, "owner", id="owner of the wrong type"),
    pytest.param({"name": "Ok", "bogus": 1}, "bogus", id="unknown field"),
    pytest.param({"name": "Ok", "id": 5}, "id", id="read-only id"),
    pytest.param({"name": "Ok", "created_at": "2020-01-01T00:00:00Z"}, "created_at", id="read-only created_at"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_INPUTS)
def test_bad_input_on_create_is_400_and_writes_nothing(org, api, sales_manager, payload, field):
    before = Customer.objects.count()
    response = api.as_user(sales_manager).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Customer.objects.count() == before


@pytest.mark.parametrize(("payload", "field"), BAD_INPUTS)
def test_bad_input_on_change_is_400_and_changes_nothing(org, api, sales_manager, sales_rep, payload, field):
    customer = CustomerFactory(name="Stable", owner=sales_rep)
    response = api.as_user(sales_manager).patch(f"{URL}{customer.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    customer.refresh_from_db()
    assert (customer.name, customer.version, customer.owner) == ("Stable", 1, sales_rep)


def test_an_invisible_owner_is_answered_like_no_user(org, api, sales_manager, sales_rep, other_rep):
    customer = CustomerFactory(owner=sales_rep)
    missing = api.as_user(sales_manager).patch(f"{URL}{customer.pk}/", {"owner": 999999})
    invisible = api.as_user(sales_manager).patch(f"{URL}{customer.pk}/", {"owner": other_rep.pk})
    assert missing.status_code == invisible.status_code == 400
    assert missing.json()["owner"][0].replace("999999", "X") == invisible.json()["owner"][0].replace(
        str(other_rep.pk), "X"
    )


def test_a_malformed_body_is_400(org, api, sales_rep):
    response = api.as_user(sales_rep).generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400


class TestVersions:
    def test_a_stale_version_is_409_and_nothing_is_written(self, org, api, sales_rep):
        customer = CustomerFactory(name="Before", owner=sales_rep)
        first = api.as_user(sales_rep).patch(f"{URL}{customer.pk}/", {"name": "First", "version": 1})
        assert first.status_code == 200
        assert first.json()["version"] == 2
        second = api.as_user(sales_rep).patch(f"{URL}{customer.pk}/", {"name": "Second", "version": 1})
        assert second.status_code == 409
        assert second.json()["version"] == 2
        customer.refresh_from_db()
        assert (customer.name, customer.version) == ("First", 2)

    def test_the_current_version_is_accepted(self, org, api, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        response = api.as_user(sales_rep).put(
            f"{URL}{customer.pk}/", {"name": "Put", "email": "", "phone": "", "industry": "", "version": 1}
        )
        assert response.status_code == 200
        assert response.json()["version"] == 2

    @pytest.mark.parametrize("version", ["two", -1, True, None, 1.5])
    def test_a_malformed_version_is_400(self, org, api, sales_rep, version):
        customer = CustomerFactory(owner=sales_rep)
        response = api.as_user(sales_rep).patch(f"{URL}{customer.pk}/", {"name": "X", "version": version})
        assert response.status_code == 400
        assert "version" in response.json()
        customer.refresh_from_db()
        assert customer.version == 1

    def test_a_round_trip_of_the_whole_record_is_accepted(self, org, api, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        body = api.as_user(sales_rep).get(f"{URL}{customer.pk}/").json()
        body["name"] = "Round trip"
        response = api.put(f"{URL}{customer.pk}/", body)
        assert response.status_code == 200
        assert response.json()["name"] == "Round trip"


class TestAccessFollowsTheRecord:
    def test_reassigning_moves_access_at_once(self, org, api, sales_manager, sales_rep, teammate):
        customer = CustomerFactory(owner=sales_rep)
        assert api.as_user(sales_manager).patch(f"{URL}{customer.pk}/", {"owner": teammate.pk}).status_code == 200
        assert api.as_user(sales_rep).get(f"{URL}{customer.pk}/").status_code == 404
        assert api.as_user(teammate).get(f"{URL}{customer.pk}/").status_code == 200

    def test_unsharing_removes_access_at_once(self, org, api, sales_rep, outsider):
        customer = CustomerFactory(owner=sales_rep)
        existing = share(customer, level="edit", user=outsider)
        assert api.as_user(outsider).get(f"{URL}{customer.pk}/").status_code == 200
        assert api.as_user(sales_rep).delete(f"{URL}{customer.pk}/shares/{existing.pk}/").status_code == 204
        assert api.as_user(outsider).get(f"{URL}{customer.pk}/").status_code == 404

    def test_sharing_again_changes_the_level(self, org, api, sales_rep, outsider):
        customer = CustomerFactory(owner=sales_rep)
        shares = f"{URL}{customer.pk}/shares/"
        assert api.as_user(sales_rep).post(shares, {"user": outsider.pk, "level": "view"}).status_code == 201
        assert api.as_user(outsider).patch(f"{URL}{customer.pk}/", {"name": "X"}).status_code == 403
        assert api.as_user(sales_rep).post(shares, {"user": outsider.pk, "level": "edit"}).status_code == 200
        assert api.as_user(outsider).patch(f"{URL}{customer.pk}/", {"name": "X"}).status_code == 200
        assert len(api.as_user(sales_rep).get(shares).json()["results"]) == 1

    def test_leaving_a_team_ends_its_shares_for_the_user(self, org, api, sales_rep, other_rep, other_team):
        customer = CustomerFactory(owner=sales_rep)
        share(customer, level="view", team=other_team)
        assert api.as_user(other_rep).get(f"{URL}{customer.pk}/").status_code == 200
        other_team.memberships.filter(user=other_rep).delete()
        assert api.as_user(other_rep).get(f"{URL}{customer.pk}/").status_code == 404

    @pytest.mark.parametrize(
        "payload",
        [{}, {"user": None, "team": None, "level": "view"}, {"user": 1, "team": 1, "level": "view"}, {"level": "x"}],
    )
    def test_bad_shares_are_400(self, org, api, sales_rep, outsider, payload):
        customer = CustomerFactory(owner=sales_rep)
        response = api.as_user(sales_rep).post(f"{URL}{customer.pk}/shares/", payload)
        assert response.status_code == 400
        assert not customer.shares.exists()

    def test_sharing_with_the_owner_is_400(self, org, api, sales_manager, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        response = api.as_user(sales_manager).post(
            f"{URL}{customer.pk}/shares/", {"user": sales_rep.pk, "level": "edit"}
        )
        assert response.status_code == 400
        assert "user" in response.json()


class TestListing:
    def test_pages_follow_next_until_null(self, org, api, sales_rep):
        CustomerFactory.create_batch(7, owner=sales_rep)
        seen, url = [], f"{URL}?page_size=3"
        while url:
            body = api.as_user(sales_rep).get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert len(seen) == len(set(seen)) == 7

    def test_filters_and_ordering(self, org, api, sales_manager, sales_rep, teammate):
        CustomerFactory(name="Alpha", owner=sales_rep, industry="Retail")
        CustomerFactory(name="Beta", owner=teammate, industry="Energy")
        client = api.as_user(sales_manager)
        assert [r["name"] for r in client.get(URL, {"owner": teammate.pk}).json()["results"]] == ["Beta"]
        assert [r["name"] for r in client.get(URL, {"industry": "retail"}).json()["results"]] == ["Alpha"]
        assert [r["name"] for r in client.get(URL, {"ordering": "-name"}).json()["results"]] == ["Beta", "Alpha"]
        assert [r["name"] for r in client.get(URL, {"search": "alp"}).json()["results"]] == ["Alpha"]

    def test_a_bad_filter_value_is_400(self, org, api, sales_rep):
        assert api.as_user(sales_rep).get(URL, {"owner": "abc"}).status_code == 400
        assert api.as_user(sales_rep).get(URL, {"updated_after": "yesterday"}).status_code == 400
