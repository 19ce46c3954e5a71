"""A list issues the same number of queries whatever its size (10 or 50 visible rows), within its budget.

Each case measures at 10 rows, then at 50 with pytest-django's `django_assert_max_num_queries`: a list
that queried once per row (N+1) would cost 40 more, so "the same count" is what guards it, and the
small count must be within BUDGET. Fifty rows are enough for that and cheap to create.
"""

import html
import re

import pytest

from crm.customers.models import Contact, Customer
from tests.crm.scenario import share
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 10


def make_customers(owner, count):
    Customer.objects.bulk_create(
        Customer(name=f"Bulk {owner.username} {n:04d}", owner=owner, email=f"b{n}@example.com") for n in range(count)
    )


@pytest.fixture
def query_count(django_assert_max_num_queries):
    """`query_count(fetch, at_most=BUDGET)`: the queries `fetch()` issues (at most `at_most`); it answers 200."""

    def count(fetch, at_most=BUDGET) -> int:
        with django_assert_max_num_queries(at_most) as captured:
            response = fetch()
        assert response.status_code == 200
        return len(captured)

    return count


LISTS = {
    "api customers": lambda client: client.get("/api/v1/customers/?page_size=200"),
    "api contacts": lambda client: client.get("/api/v1/contacts/?page_size=200"),
    "portal customers": lambda client: client.get("/customers/"),
    "portal customers, htmx": lambda client: client.get("/customers/?search=Bulk", HTTP_HX_REQUEST="true"),
    "portal home": lambda client: client.get("/"),
}


@pytest.mark.parametrize("list_name", LISTS)
@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "support_rep", "admin", "outsider"])
def test_query_count_does_not_grow_with_rows(
    org, request, api, portal, query_count, list_name, persona, sales_rep, outsider
):
    user = request.getfixturevalue(persona)
    client = api.as_user(user) if list_name.startswith("api") else portal.as_user(user)
    fetch = LISTS[list_name]

    make_customers(sales_rep, 10)
    share(CustomerFactory(owner=sales_rep), level="view", user=outsider)
    Contact.objects.bulk_create(Contact(customer=c, first_name="C") for c in Customer.objects.all())
    small = query_count(lambda: fetch(client))

    make_customers(sales_rep, 40)
    Contact.objects.bulk_create(Contact(customer=c, first_name="D") for c in Customer.objects.all())
    large = query_count(lambda: fetch(client), at_most=small)

    assert small == large <= BUDGET


def test_customer_page_within_budget(org, portal, query_count, sales_manager, sales_rep):
    customer = CustomerFactory(owner=sales_rep)
    Contact.objects.bulk_create(Contact(customer=customer, first_name=f"C{n}") for n in range(30))
    client = portal.as_user(sales_manager)
    assert query_count(lambda: client.get(f"/customers/{customer.pk}/")) <= BUDGET


NEXT_PAGES = {
    "portal customers, next page": ("/customers/?ordering=-name", r'rel="next"[^>]*href="\?([^"]+)"'),
    "portal customers, htmx next page": ("/customers/?search=Bulk", r'rel="next"[^>]*href="\?([^"]+)"'),
}


@pytest.mark.parametrize("list_name", NEXT_PAGES)
@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "support_rep", "admin"])
def test_a_later_page_costs_what_the_first_does(org, request, portal, query_count, list_name, persona, sales_rep):
    client = portal.as_user(request.getfixturevalue(persona))
    url, next_link = NEXT_PAGES[list_name]
    headers = {"HTTP_HX_REQUEST": "true"} if "htmx" in list_name else {}
    make_customers(sales_rep, 30)
    first = query_count(lambda: client.get(url, **headers))
    page = client.get(url, **headers).content.decode()
    next_url = "/customers/?" + html.unescape(re.search(next_link, page).group(1))
    make_customers(sales_rep, 40)
    later = query_count(lambda: client.get(next_url, **headers), at_most=first)
    assert first == later <= BUDGET


API_LISTS = {
    "api customers, next page": "/api/v1/customers/?page_size=5&ordering=-name",
    "api users": "/api/v1/users/?page_size=200",
    "api teams": "/api/v1/teams/?page_size=200",
}


@pytest.mark.parametrize("list_name", API_LISTS)
@pytest.mark.parametrize("persona", ["sales_rep", "sales_manager", "admin"])
def test_api_lists_and_their_later_pages_within_budget(org, request, api, query_count, list_name, persona, sales_rep):
    client = api.as_user(request.getfixturevalue(persona))
    make_customers(sales_rep, 30)
    first = client.get(API_LISTS[list_name]).json()
    small = query_count(lambda: client.get(API_LISTS[list_name]))
    make_customers(sales_rep, 40)
    url = first.get("next") or API_LISTS[list_name]
    large = query_count(lambda: client.get(url), at_most=small)
    assert small == large <= BUDGET


@pytest.mark.parametrize("shares", [3, 30])
def test_the_shares_list_within_budget(org, api, query_count, sales_rep, teammate, shares):
    customer = CustomerFactory(owner=sales_rep)
    for n in range(shares):
        share(customer, level="view", user=UserFactory(username=f"shared_{n}"))
    client = api.as_user(sales_rep)
    assert query_count(lambda: client.get(f"/api/v1/customers/{customer.pk}/shares/")) <= BUDGET
