"""Odd query strings and form posts on the sales pages: a 200 with filter errors, a 400 or a 404, never a 500."""

import pytest

from .factories import OpportunityFactory, OrderFactory

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    "owner=abc",
    "customer=-1",
    "stage=closed",
    "stage=",
    "expected_close_after=someday",
    "expected_close_before=2026-02-30",
    "status=lost",
    "placed_at_after=yesterday",
    "active=perhaps",
    "ordering=owner__password",
    "page=abc",
    "page=99999",
    "search=" + "x" * 500,
    "search=%00",
]
PAGES = ["/sales/pipeline/", "/sales/opportunities/", "/sales/orders/", "/sales/products/"]


@pytest.mark.parametrize("query", ODD_QUERIES)
@pytest.mark.parametrize("page", PAGES)
def test_odd_filters_never_break_a_list(portal, sales_manager, customer, page, query):
    OpportunityFactory(customer=customer)
    response = portal.as_user(sales_manager).get(f"{page}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/sales/opportunities/new/?customer=abc", 200),
        ("/sales/orders/new/?customer=999999", 200),
        ("/sales/opportunities/999999/", 404),
        ("/sales/orders/999999/", 404),
    ],
)
def test_odd_urls_are_a_page_or_a_404(portal, sales_rep, customer, url, status):
    assert portal.as_user(sales_rep).get(url).status_code == status


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x" * 300, "stage": "won", "amount": "1"},
        {"name": "Deal", "stage": "nope", "amount": "1"},
        {"name": "Deal", "stage": "won", "amount": "-5"},
        {"name": "Deal", "stage": "won", "amount": "1e99"},
        {"name": "Deal", "stage": "won", "amount": "1", "probability_override": "150"},
        {"name": "Deal", "stage": "won", "amount": "1", "expected_close": "2026-13-01"},
        {"name": "Deal", "stage": "proposal", "amount": "1", "lost_reason": "Why not"},
        {"name": "Nul\x00", "stage": "won", "amount": "1"},
    ],
)
def test_bad_opportunity_forms_are_form_errors(portal, sales_rep, customer, data):
    opportunity = OpportunityFactory(customer=customer, name="Stable")
    client = portal.as_user(sales_rep)
    created = client.post("/sales/opportunities/new/", {"customer": customer.pk, **data})
    edited = client.post(f"/sales/opportunities/{opportunity.pk}/edit/", {"version": 1, **data})
    assert created.status_code == edited.status_code == 200
    assert b"errorlist" in created.content
    assert b"errorlist" in edited.content
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.version) == ("Stable", 1)


def test_a_stale_opportunity_form_is_refused(portal, sales_rep, customer):
    opportunity = OpportunityFactory(customer=customer, name="Before")
    client = portal.as_user(sales_rep)
    data = {"stage": "proposal", "amount": "1.00"}
    assert (
        client.post(f"/sales/opportunities/{opportunity.pk}/edit/", {**data, "name": "First", "version": 1}).status_code
        == 302
    )
    response = client.post(f"/sales/opportunities/{opportunity.pk}/edit/", {**data, "name": "Second", "version": 1})
    assert response.status_code == 200
    assert (
        "This opportunity was changed while you were editing it; your change was not saved. Reload it and try again."
        in response.content.decode()
    )
    opportunity.refresh_from_db()
    assert opportunity.name == "First"


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("lines/", {"product": "", "quantity": "", "version": ""}, 400),
        ("lines/", {"product": "1", "quantity": "1e9", "version": "1"}, 400),
        ("lines/999999/", {"quantity": "2", "version": "1"}, 404),
        ("lines/999999/delete/", {"version": "1"}, 404),
        ("status/", {"status": "teleported", "version": "1"}, 400),
        ("reassign/", {"owner": "abc", "version": "1"}, 400),
    ],
)
def test_bad_order_posts_are_400_or_404(portal, sales_manager, customer, widget, path, data, status):
    """Bad input on the order is a 400; a line that does not exist is a 404."""
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    response = portal.as_user(sales_manager).post(f"/sales/orders/{order.pk}/{path}", data, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    order.refresh_from_db()
    assert order.version == 1
