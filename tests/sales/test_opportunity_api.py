"""The opportunities API beyond the access table: the contract's fields, stages, bad and hostile input, versions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sales.models import Opportunity, Stage

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/opportunities/"


def test_the_record_carries_the_contracts_fields(api, sales_rep, customer):
    opportunity = OpportunityFactory(
        customer=customer, name="Fleet", amount=Decimal("1234.50"), expected_close=datetime.date(2027, 3, 31)
    )
    body = api.as_user(sales_rep).get(f"{URL}{opportunity.pk}/").json()
    assert {key: body[key] for key in ("id", "customer", "name", "stage", "amount", "expected_close", "owner")} == {
        "id": opportunity.pk,
        "customer": customer.pk,
        "name": "Fleet",
        "stage": "prospecting",
        "amount": "1234.50",
        "expected_close": "2027-03-31",
        "owner": sales_rep.pk,
    }
    assert (body["version"], body["currency"], body["probability"], body["probability_override"]) == (
        1,
        "EUR",
        10,
        None,
    )


class TestStages:
    @pytest.mark.parametrize(
        ("stage", "probability"),
        [("prospecting", 10), ("qualification", 25), ("proposal", 50), ("negotiation", 75), ("won", 100), ("lost", 0)],
    )
    def test_the_probability_follows_the_stage(self, api, sales_rep, customer, stage, probability):
        opportunity = OpportunityFactory(customer=customer)
        body = api.as_user(sales_rep).patch(f"{URL}{opportunity.pk}/", {"stage": stage}).json()
        assert (body["stage"], body["probability"]) == (stage, probability)

    def test_an_override_wins_over_the_stage_until_it_is_cleared(self, api, sales_rep, customer):
        opportunity = OpportunityFactory(customer=customer, stage=Stage.PROPOSAL)
        client = api.as_user(sales_rep)
        assert client.patch(f"{URL}{opportunity.pk}/", {"probability_override": 65}).json()["probability"] == 65
        assert client.patch(f"{URL}{opportunity.pk}/", {"stage": "negotiation"}).json()["probability"] == 65
        assert client.patch(f"{URL}{opportunity.pk}/", {"probability_override": None}).json()["probability"] == 75

    def test_winning_stamps_won_at_and_reopening_clears_it(self, api, sales_rep, customer):
        opportunity = OpportunityFactory(customer=customer)
        client = api.as_user(sales_rep)
        before = timezone.now()
        won = client.patch(f"{URL}{opportunity.pk}/", {"stage": "won"}).json()
        assert won["won_at"] is not None
        assert won["lost_at"] is None
        opportunity.refresh_from_db()
        assert opportunity.won_at >= before
        reopened = client.patch(f"{URL}{opportunity.pk}/", {"stage": "negotiation"}).json()
        assert (reopened["won_at"], reopened["lost_at"]) == (None, None)

    def test_losing_keeps_a_reason_that_only_a_lost_opportunity_has(self, api, sales_rep, customer):
        opportunity = OpportunityFactory(customer=customer)
        client = api.as_user(sales_rep)
        refused = client.patch(f"{URL}{opportunity.pk}/", {"lost_reason": "Too dear"})
        assert refused.status_code == 400
        assert "lost_reason" in refused.json()
        lost = client.patch(f"{URL}{opportunity.pk}/", {"stage": "lost", "lost_reason": "Too dear"}).json()
        assert (lost["stage"], lost["lost_reason"], lost["won_at"]) == ("lost", "Too dear", None)
        assert lost["lost_at"] is not None
        reopened = client.patch(f"{URL}{opportunity.pk}/", {"stage": "proposal"}).json()
        assert (reopened["lost_reason"], reopened["lost_at"]) == ("", None)

    def test_a_new_opportunity_may_start_won(self, api, sales_rep, customer):
        response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, "name": "Done deal", "stage": "won"})
        assert response.status_code == 201
        assert response.json()["won_at"] is not None


class TestOwners:
    def test_a_salesperson_may_not_name_another_owner(self, api, sales_rep, teammate, customer):
        response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, "name": "X", "owner": teammate.pk})
        assert response.status_code == 403
        assert "owner" in response.json()["detail"]
        assert not Opportunity.objects.exists()

    def test_a_salesperson_may_name_themselves(self, api, sales_rep, customer):
        response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, "name": "X", "owner": sales_rep.pk})
        assert response.status_code == 201

    def test_a_manager_names_a_member_of_their_team(self, api, sales_manager, teammate, customer):
        response = api.as_user(sales_manager).post(URL, {"customer": customer.pk, "name": "X", "owner": teammate.pk})
        assert response.status_code == 201
        assert Opportunity.objects.get().owner == teammate

    def test_a_manager_may_not_name_another_teams_member(self, api, sales_manager, other_rep, customer):
        response = api.as_user(sales_manager).post(URL, {"customer": customer.pk, "name": "X", "owner": other_rep.pk})
        assert response.status_code == 400
        assert "owner" in response.json()

    def test_an_admin_may_not_make_a_support_user_the_owner(self, api, admin, support_rep, customer):
        response = api.as_user(admin).post(URL, {"customer": customer.pk, "name": "X", "owner": support_rep.pk})
        assert response.status_code == 400
        assert "owner" in response.json()

    def test_reassigning_moves_access_at_once(self, api, sales_manager, sales_rep, teammate, customer):
        opportunity = OpportunityFactory(customer=customer, owner=sales_rep)
        assert api.as_user(sales_manager).patch(f"{URL}{opportunity.pk}/", {"owner": teammate.pk}).status_code == 200
        assert api.as_user(sales_rep).get(f"{URL}{opportunity.pk}/").status_code == 404
        assert api.as_user(teammate).get(f"{URL}{opportunity.pk}/").status_code == 200


BAD_INPUTS = [
    pytest.param({"name": ""}, "name", id="empty name"),
    pytest.param({"name": "x" * 201}, "name", id="name too long"),
    pytest.param({"name": "Nul\x00"}, "name", id="NUL byte"),
    pytest.param({"name": "Ok", "amount": "-1.00"}, "amount", id="negative amount"),
    pytest.param({"name": "Ok", "amount": "12.345"}, "amount", id="three decimals"),
    pytest.param({"name": "Ok", "amount": "1" * 12}, "amount", id="amount too large"),
    pytest.param({"name": "Ok", "amount": "lots"}, "amount", id="amount not a number"),
    pytest.param({"name": "Ok", "amount": "NaN"}, "amount", id="amount NaN"),
    pytest.param({"name": "Ok", "stage": "closed"}, "stage", id="unknown stage"),
    pytest.param({"name": "Ok", "expected_close": "next week"}, "expected_close", id="bad date"),
    pytest.param({"name": "Ok", "probability_override": 101}, "probability_override", id="probability over 100"),
    pytest.param({"name": "Ok", "probability_override": -5}, "probability_override", id="negative probability"),
    pytest.param({"name": "Ok", "customer": 999999}, "customer", id="unknown customer"),
    pytest.param({"name": "Ok", "customer": "abc"}, "customer", id="customer of the wrong type"),
    pytest.param({"name": "Ok", "colour": "red"}, "colour", id="unknown field"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_INPUTS)
def test_bad_input_on_create_is_400_and_writes_nothing(api, sales_rep, customer, payload, field):
    response = api.as_user(sales_rep).post(URL, {"customer": customer.pk, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(("payload", "field"), BAD_INPUTS)
def test_bad_input_on_change_is_400_and_changes_nothing(api, sales_rep, customer, payload, field):
    opportunity = OpportunityFactory(customer=customer, name="Stable")
    response = api.as_user(sales_rep).patch(f"{URL}{opportunity.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.amount, opportunity.version) == ("Stable", Decimal("1000.00"), 1)


HOSTILE_WRITES = [
    pytest.param({"won_at": "2020-01-01T00:00:00Z"}, 400, id="won_at"),
    pytest.param({"lost_at": "2020-01-01T00:00:00Z"}, 400, id="lost_at"),
    pytest.param({"created_at": "2020-01-01T00:00:00Z"}, 400, id="created_at"),
    pytest.param({"updated_at": "2020-01-01T00:00:00Z"}, 400, id="updated_at"),
    pytest.param({"id": 12345}, 400, id="id"),
    pytest.param({"probability": 99}, 400, id="probability (derived)"),
    pytest.param({"currency": "USD"}, 400, id="currency"),
    pytest.param({"version": 99, "name": "Sneaky"}, 409, id="a made-up version"),
    pytest.param({"owner": "teammate"}, 403, id="owner, for the salesperson who owns it"),
]


@pytest.mark.parametrize(("payload", "status"), HOSTILE_WRITES)
def test_hostile_writes_are_refused_and_change_nothing(request, api, sales_rep, customer, payload, status):
    opportunity = OpportunityFactory(customer=customer, name="Stable")
    if payload.get("owner"):
        payload = {"owner": request.getfixturevalue(payload["owner"]).pk}
    response = api.as_user(sales_rep).patch(f"{URL}{opportunity.pk}/", payload, format="json")
    assert response.status_code == status
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.owner, opportunity.version, opportunity.won_at) == (
        "Stable",
        sales_rep,
        1,
        None,
    )


class TestVersions:
    def test_a_stale_version_is_409_and_nothing_is_written(self, api, sales_rep, customer):
        opportunity = OpportunityFactory(customer=customer, name="Before")
        client = api.as_user(sales_rep)
        assert client.patch(f"{URL}{opportunity.pk}/", {"stage": "proposal", "version": 1}).status_code == 200
        second = client.patch(f"{URL}{opportunity.pk}/", {"stage": "lost", "version": 1})
        assert second.status_code == 409
        assert second.json()["version"] == 2
        opportunity.refresh_from_db()
        assert (opportunity.stage, opportunity.version) == ("proposal", 2)

    def test_a_round_trip_of_the_whole_record_is_accepted(self, api, sales_rep, customer):
        opportunity = OpportunityFactory(customer=customer)
        body = api.as_user(sales_rep).get(f"{URL}{opportunity.pk}/").json()
        body["name"] = "Round trip"
        response = api.put(f"{URL}{opportunity.pk}/", body)
        assert response.status_code == 200
        assert response.json()["version"] == 2


class TestListing:
    @pytest.fixture
    def deals(self, customer, sales_rep, teammate):
        from tests.factories import CustomerFactory

        other_customer = CustomerFactory(name="Beta Corp", owner=teammate)
        return {
            "alpha": OpportunityFactory(
                customer=customer,
                name="Alpha",
                stage=Stage.PROPOSAL,
                amount=Decimal("300"),
                expected_close=datetime.date(2027, 1, 15),
            ),
            "beta": OpportunityFactory(
                customer=other_customer,
                name="Beta",
                stage=Stage.WON,
                amount=Decimal("100"),
                expected_close=datetime.date(2027, 2, 15),
            ),
            "gamma": OpportunityFactory(
                customer=customer,
                name="Gamma",
                stage=Stage.PROPOSAL,
                amount=Decimal("200"),
                expected_close=datetime.date(2027, 3, 15),
            ),
        }

    @pytest.mark.parametrize(
        ("query", "names"),
        [
            ({"stage": "proposal"}, ["Alpha", "Gamma"]),
            ({"stage": ["won", "lost"]}, ["Beta"]),
            ({"owner": "teammate"}, ["Beta"]),
            ({"customer": "beta"}, ["Beta"]),
            ({"expected_close_after": "2027-02-01"}, ["Beta", "Gamma"]),
            ({"expected_close_after": "2027-01-15", "expected_close_before": "2027-02-15"}, ["Alpha", "Beta"]),
            ({"search": "gam"}, ["Gamma"]),
            ({"search": "beta corp"}, ["Beta"]),
            ({"ordering": "-amount"}, ["Alpha", "Gamma", "Beta"]),
            ({"ordering": "expected_close"}, ["Alpha", "Beta", "Gamma"]),
        ],
    )
    def test_filters_search_and_ordering(self, api, sales_manager, teammate, deals, query, names):
        query = dict(query)
        if query.get("owner") == "teammate":
            query["owner"] = teammate.pk
        if query.get("customer") == "beta":
            query["customer"] = deals["beta"].customer_id
        rows = api.as_user(sales_manager).get(URL, query).json()["results"]
        found = [row["name"] for row in rows]
        assert found == names if "ordering" in query else sorted(found) == names

    @pytest.mark.parametrize(
        "query",
        [{"stage": "closed"}, {"owner": "abc"}, {"expected_close_after": "soon"}, {"ordering": "owner__password"}],
    )
    def test_a_bad_filter_is_400_or_ignored_never_500(self, api, sales_rep, deals, query):
        response = api.as_user(sales_rep).get(URL, query)
        # A bad filter value is a 400; an ordering on a field the list does not offer is ignored.
        assert response.status_code == (200 if "ordering" in query else 400)

    def test_pages_follow_next_until_null(self, api, sales_rep, customer):
        OpportunityFactory.create_batch(7, customer=customer)
        seen, url = [], f"{URL}?page_size=3"
        while url:
            body = api.as_user(sales_rep).get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert len(seen) == len(set(seen)) == 7


class TestSupportNeverSeesThePipeline:
    def test_not_in_the_list_nor_the_detail_nor_by_filter(self, api, support_rep, customer):
        opportunity = OpportunityFactory(customer=customer)
        client = api.as_user(support_rep)
        assert client.get(URL).json()["results"] == []
        assert client.get(URL, {"customer": customer.pk, "stage": "prospecting"}).json()["results"] == []
        assert client.get(f"{URL}{opportunity.pk}/").status_code == 404

    def test_even_one_they_would_own(self, api, support_rep, customer):
        """A user moved from sales to support keeps no sight of their old opportunities."""
        opportunity = OpportunityFactory(customer=customer, owner=support_rep)
        assert api.as_user(support_rep).get(f"{URL}{opportunity.pk}/").status_code == 404
