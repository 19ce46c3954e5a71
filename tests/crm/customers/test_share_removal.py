"""Issue 11, point 2 (last part): removing a share warns first when the users it lets in own
opportunities or orders on the customer, and offers to reassign them to the customer's owner.

API: DELETE /customers/{id}/shares/{id}/ answers 409 with the records (and removes nothing)
unless `?reassign_to=<the owner's id>` or `?keep=true`. Portal: a confirmation page listing
them, with a choice to reassign them or to keep them where they are.
"""

import pytest

from crm.customers.models import CustomerShare
from sales.models import Opportunity, Order
from tests.crm.scenario import share
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_share(customer, other_rep):
    return share(customer, level="edit", user=other_rep)


@pytest.fixture
def held(customer, other_rep, user_share):
    """other_rep, let in by the share, owns an opportunity and an order on the customer."""
    return {
        "opportunity": OpportunityFactory(customer=customer, owner=other_rep),
        "order": OrderFactory(customer=customer, owner=other_rep),
    }


def owners(held):
    return {kind: type(record).objects.get(pk=record.pk).owner_id for kind, record in held.items()}


def share_url(customer, a_share):
    return f"/api/v1/customers/{customer.pk}/shares/{a_share.pk}/"


@pytest.mark.parametrize("actor", ["sales_rep", "sales_manager", "admin"])
def test_api_answers_409_with_what_they_own_and_removes_nothing(request, api, customer, user_share, held, actor):
    response = api.as_user(request.getfixturevalue(actor)).delete(share_url(customer, user_share))
    assert response.status_code == 409
    owned = {(row["type"], row["id"]) for row in response.json()["owned"]}
    assert owned == {("opportunity", held["opportunity"].pk), ("order", held["order"].pk)}
    assert CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert owners(held) == {"opportunity": user_share.user_id, "order": user_share.user_id}


def test_api_reassigns_them_to_the_owner(api, customer, user_share, held, sales_rep):
    response = api.as_user(sales_rep).delete(share_url(customer, user_share) + f"?reassign_to={sales_rep.pk}")
    assert response.status_code == 204
    assert not CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert owners(held) == {"opportunity": sales_rep.pk, "order": sales_rep.pk}
    assert Opportunity.objects.get(pk=held["opportunity"].pk).version == held["opportunity"].version + 1


def test_api_removes_the_share_and_they_keep_them_when_asked(api, customer, user_share, held, sales_rep, other_rep):
    response = api.as_user(sales_rep).delete(share_url(customer, user_share) + "?keep=true")
    assert response.status_code == 204
    assert not CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert owners(held) == {"opportunity": other_rep.pk, "order": other_rep.pk}


@pytest.mark.parametrize("reassign_to", ["other_rep", "sales_manager", "admin"])
def test_api_reassigns_to_the_owner_only(request, api, customer, user_share, held, sales_rep, reassign_to):
    target = request.getfixturevalue(reassign_to)
    response = api.as_user(sales_rep).delete(share_url(customer, user_share) + f"?reassign_to={target.pk}")
    assert response.status_code == 400
    assert "reassign_to" in response.json()
    assert CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert owners(held) == {"opportunity": user_share.user_id, "order": user_share.user_id}


@pytest.mark.parametrize("reassign_to", ["x", "1e999", "-1", "99999999999999999999999"])
def test_api_odd_reassign_to_is_a_400(api, customer, user_share, held, sales_rep, reassign_to):
    response = api.as_user(sales_rep).delete(share_url(customer, user_share) + f"?reassign_to={reassign_to}")
    assert response.status_code == 400
    assert CustomerShare.objects.filter(pk=user_share.pk).exists()


def test_no_warning_when_they_own_nothing_there(api, customer, user_share, sales_rep, other_rep):
    OpportunityFactory(customer=CustomerFactory(owner=other_rep), owner=other_rep)  # on another customer
    assert api.as_user(sales_rep).delete(share_url(customer, user_share)).status_code == 204


def test_no_warning_when_they_keep_the_customer_another_way(api, org, customer, user_share, held, sales_rep):
    share(customer, level="view", team=org["other_team"])  # other_rep is in Sales B
    assert api.as_user(sales_rep).delete(share_url(customer, user_share)).status_code == 204
    assert owners(held) == {"opportunity": user_share.user_id, "order": user_share.user_id}


def test_a_team_share_warns_about_its_members_records(api, org, customer, sales_rep, other_rep_2):
    team_share = share(customer, level="view", team=org["other_team"])
    opportunity = OpportunityFactory(customer=customer, owner=other_rep_2)
    response = api.as_user(sales_rep).delete(share_url(customer, team_share))
    assert response.status_code == 409
    assert [(row["type"], row["id"], row["owner"]) for row in response.json()["owned"]] == [
        ("opportunity", opportunity.pk, other_rep_2.pk)
    ]
    response = api.as_user(sales_rep).delete(share_url(customer, team_share) + f"?reassign_to={sales_rep.pk}")
    assert response.status_code == 204
    assert Opportunity.objects.get(pk=opportunity.pk).owner == sales_rep


def test_portal_asks_first_and_lists_what_they_own(portal, customer, user_share, held, sales_rep):
    client = portal.as_user(sales_rep)
    response = client.post(f"/customers/{customer.pk}/shares/{user_share.pk}/delete/")
    assert response.status_code == 409
    assert f"Opportunity {held['opportunity'].pk}" in response.text
    assert f"Order {held['order'].pk}" in response.text
    assert 'name="then" value="reassign"' in response.text
    assert 'name="then" value="keep"' in response.text
    assert held["opportunity"].name not in response.text  # named by kind and id only
    assert CustomerShare.objects.filter(pk=user_share.pk).exists()


def test_portal_reassigns_them_to_the_owner(portal, customer, user_share, held, sales_rep):
    response = portal.as_user(sales_rep).post(
        f"/customers/{customer.pk}/shares/{user_share.pk}/delete/", {"then": "reassign"}
    )
    assert response.status_code == 302
    assert not CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert owners(held) == {"opportunity": sales_rep.pk, "order": sales_rep.pk}


def test_portal_keeps_them_when_asked(portal, customer, user_share, held, sales_rep, other_rep):
    response = portal.as_user(sales_rep).post(
        f"/customers/{customer.pk}/shares/{user_share.pk}/delete/", {"then": "keep"}
    )
    assert response.status_code == 302
    assert not CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert Order.objects.get(pk=held["order"].pk).owner == other_rep


# other_rep holds the share itself (edit): viewing and changing the customer is not sharing it
@pytest.mark.parametrize(("actor", "status"), [("teammate", 404), ("other_rep", 403), ("support_rep", 403)])
def test_others_may_not_remove_it_at_all(request, api, portal, customer, user_share, held, actor, status):
    user = request.getfixturevalue(actor)
    assert api.as_user(user).delete(share_url(customer, user_share) + "?keep=true").status_code == status
    response = portal.as_user(user).post(
        f"/customers/{customer.pk}/shares/{user_share.pk}/delete/", {"then": "reassign"}
    )
    assert response.status_code == status
    assert CustomerShare.objects.filter(pk=user_share.pk).exists()
    assert owners(held) == {"opportunity": user_share.user_id, "order": user_share.user_id}
