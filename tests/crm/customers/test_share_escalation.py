"""Issue 11, point 6: shares cannot escalate, through the API and the portal's Sharing page.

Nobody shares a customer with themselves; a share never gives more than the sharer holds
(a holder of an admin's `share_customer` grant holds view, so shares at view only); a share
one could not have made is neither changed nor removed by them. A refused write stores nothing.

Point 10 (share item): the same share made twice at once is a clean answer, never a 500.
"""

import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from guardian.shortcuts import assign_perm

from crm.customers import services
from crm.customers.models import Customer, CustomerGroupObjectPermission, CustomerShare, CustomerUserObjectPermission
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def share_holder(customer, other_rep, admin):
    """other_rep holds an admin's `share_customer` grant on C (and so views it), nothing else."""
    assign_perm("crm.share_customer", other_rep, customer)
    return other_rep


def stored(customer):
    """Every grant and share on the customer, to compare before and after a refused write."""
    return (
        sorted(CustomerShare.objects.filter(customer=customer).values_list("user_id", "team_id", "level")),
        sorted(
            CustomerUserObjectPermission.objects.filter(content_object=customer).values_list(
                "user_id", "permission__codename"
            )
        ),
        sorted(
            CustomerGroupObjectPermission.objects.filter(content_object=customer).values_list(
                "group_id", "permission__codename"
            )
        ),
    )


def target_of(request, target: str) -> dict:
    if target.startswith("team:"):
        return {"team": request.getfixturevalue("org")[target.removeprefix("team:")]}
    return {"user": request.getfixturevalue(target)}


def api_body(target: dict, level: str) -> dict:
    if "team" in target:
        return {"team": target["team"].pk, "level": level}
    return {"user": target["user"].pk, "level": level}


def portal_body(target: dict, level: str) -> dict:
    if "team" in target:
        return {"username": "", "team": target["team"].pk, "level": level}
    return {"username": target["user"].username, "team": "", "level": level}


# (actor, target, level, allowed): "share_holder" is other_rep with an admin's share_customer grant.
CASES = [
    # nobody shares with themselves, at any level
    ("sales_manager", "sales_manager", "view", False),
    ("sales_manager", "sales_manager", "edit", False),
    ("admin", "admin", "edit", False),
    ("share_holder", "other_rep", "view", False),
    ("share_holder", "other_rep", "edit", False),
    # a share gives no more than the sharer holds: the grant holder holds view
    ("share_holder", "other_rep_2", "edit", False),
    ("share_holder", "outsider", "edit", False),
    ("share_holder", "team:other_team", "edit", False),
    ("share_holder", "team:sales_team", "edit", False),
    ("share_holder", "other_rep_2", "view", True),
    # their own team at the level they hold gives them nothing they lack (docs/ACCESS.md)
    ("share_holder", "team:other_team", "view", True),
    # the owner, the owner's manager and admins hold edit
    ("sales_rep", "other_rep", "edit", True),
    ("sales_rep", "team:other_team", "edit", True),
    ("sales_manager", "other_rep", "edit", True),
    ("admin", "other_rep", "edit", True),
]


def case_id(case):
    actor, target, level, allowed = case
    return f"{actor}->{target}@{level}:{'allowed' if allowed else 'refused'}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_api_share_never_escalates(case, request, api, customer, share_holder):
    actor, target_name, level, allowed = case
    target = target_of(request, target_name)
    before = stored(customer)
    response = api.as_user(request.getfixturevalue(actor)).post(
        f"/api/v1/customers/{customer.pk}/shares/", api_body(target, level), format="json"
    )
    if allowed:
        assert response.status_code == 201, response.content
        assert CustomerShare.objects.filter(customer=customer, level=level, **target).count() == 1
    else:
        assert response.status_code == 400, response.content
        assert set(response.json()) & {"user", "level"}
        assert stored(customer) == before


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_portal_share_never_escalates(case, request, portal, customer, share_holder):
    actor, target_name, level, allowed = case
    target = target_of(request, target_name)
    before = stored(customer)
    response = portal.as_user(request.getfixturevalue(actor)).post(
        f"/customers/{customer.pk}/shares/", portal_body(target, level)
    )
    if allowed:
        assert response.status_code == 302
        assert CustomerShare.objects.filter(customer=customer, level=level, **target).count() == 1
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert stored(customer) == before


def test_portal_offers_only_the_levels_the_sharer_holds(portal, customer, share_holder, sales_rep):
    holder_form = portal.as_user(share_holder).get(f"/customers/{customer.pk}/shares/").context["form"]
    assert [value for value, _ in holder_form.fields["level"].choices] == ["view"]
    owner_form = portal.as_user(sales_rep).get(f"/customers/{customer.pk}/shares/").context["form"]
    assert [value for value, _ in owner_form.fields["level"].choices] == ["view", "edit"]


@pytest.mark.parametrize("level", ["view", "edit"])
def test_a_share_the_holder_could_not_make_is_not_changed_by_them(request, api, portal, customer, share_holder, level):
    """An edit share made by the owner: the grant holder may neither lower it nor remove it (API, portal)."""
    existing = share(customer, level="edit", user=request.getfixturevalue("other_rep_2"))
    before = stored(customer)
    body = {"user": existing.user_id, "level": level}
    assert (
        api.as_user(share_holder).post(f"/api/v1/customers/{customer.pk}/shares/", body, format="json").status_code
        == 400
    )
    assert api.as_user(share_holder).delete(f"/api/v1/customers/{customer.pk}/shares/{existing.pk}/").status_code == 403
    response = portal.as_user(share_holder).post(
        f"/customers/{customer.pk}/shares/", {"username": existing.user.username, "team": "", "level": level}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert (
        portal.as_user(share_holder).post(f"/customers/{customer.pk}/shares/{existing.pk}/delete/").status_code == 403
    )
    assert stored(customer) == before


def test_the_holder_removes_a_view_share(api, customer, share_holder, other_rep_2):
    existing = share(customer, level="view", user=other_rep_2)
    response = api.as_user(share_holder).delete(f"/api/v1/customers/{customer.pk}/shares/{existing.pk}/")
    assert response.status_code == 204
    assert not CustomerShare.objects.filter(pk=existing.pk).exists()


# Point 10: two of the same share at once. The second request finds no share (the first is not
# committed yet) and then loses the race on the unique row: simulated here by committing the
# first request's share between the second's read and its write.


def race_with_a_first_share(customer, user, competitor):
    real_grant = services._grant
    raced = []

    def grant_after_the_other_request(**kwargs):
        if not raced:
            raced.append(True)
            services.customer_share(acting_user=competitor, customer=customer, level="view", user=user)
        return real_grant(**kwargs)

    return mock.patch.object(services, "_grant", side_effect=grant_after_the_other_request)


def test_portal_share_posted_twice_at_once_is_a_form_error(portal, customer, sales_rep, sales_manager, other_rep):
    with race_with_a_first_share(customer, other_rep, sales_manager):
        response = portal.as_user(sales_rep).post(
            f"/customers/{customer.pk}/shares/", {"username": "other_rep", "team": "", "level": "edit"}
        )
    assert response.status_code == 200
    assert "just made or changed by someone else" in str(response.context["form"].non_field_errors())
    # The simulated first request ran inside this one's transaction, so both are undone here; on
    # PostgreSQL (test_portal_share_form_submitted_by_many_at_once) the first one stays.
    assert not CustomerShare.objects.filter(customer=customer, level="edit").exists()


def test_api_share_posted_twice_at_once_is_a_409(api, customer, sales_rep, sales_manager, other_rep):
    with race_with_a_first_share(customer, other_rep, sales_manager):
        response = api.as_user(sales_rep).post(
            f"/api/v1/customers/{customer.pk}/shares/", {"user": other_rep.pk, "level": "edit"}, format="json"
        )
    assert response.status_code == 409
    assert "just made or changed by someone else" in response.json()["detail"]
    assert not CustomerShare.objects.filter(customer=customer, level="edit").exists()


def test_portal_share_posted_twice_in_a_row(portal, customer, sales_rep, other_rep):
    client = portal.as_user(sales_rep)
    body = {"username": "other_rep", "team": "", "level": "view"}
    assert client.post(f"/customers/{customer.pk}/shares/", body).status_code == 302
    assert client.post(f"/customers/{customer.pk}/shares/", body).status_code == 302
    assert CustomerShare.objects.filter(customer=customer).count() == 1


# Not marked `concurrency`: ten requests are quick, so it runs with the suite (on PostgreSQL in .ci/run).
@pytest.mark.django_db(transaction=True)
def test_portal_share_form_submitted_by_many_at_once(org, sales_rep, other_rep):
    """PostgreSQL: ten browsers submit the same share at once; none answers 5xx, one share is stored."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    customer = CustomerFactory(owner=sales_rep)
    start = threading.Barrier(10)
    statuses, problems = [], []

    def submit():
        try:
            browser = Client()
            browser.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
            start.wait()
            response = browser.post(
                f"/customers/{customer.pk}/shares/", {"username": "other_rep", "team": "", "level": "view"}
            )
            statuses.append(response.status_code)
        except Exception as error:  # a 500 raises in the test client
            problems.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert set(statuses) <= {302, 200}
    assert 302 in statuses
    assert Customer.objects.get(pk=customer.pk).shares.count() == 1
