"""Issue 11 point 18: filter captions name records and say yes/no, "Any …" in every filter select,
and a rating filter that is a choice."""

import re

import pytest

from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory
from tests.support.factories import FeedbackFactory

pytestmark = pytest.mark.django_db


def caption(response) -> str:
    found = re.search(r'<p class="muted" data-testid="kept-filters">(.*?)</p>', response.content.decode(), re.S)
    return found.group(1) if found else ""


LIST_PAGES = [
    "/customers/",
    "/sales/pipeline/",
    "/sales/opportunities/",
    "/sales/orders/",
    "/sales/products/",
    "/support/queues/all/",
    "/support/feedback/",
]


PIPELINE_PAGES = {"/sales/pipeline/", "/sales/opportunities/"}  # support users have no pipeline


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        (persona, path)
        for persona in ["admin", "sales_manager", "sales_rep", "support_manager", "support_rep"]
        for path in LIST_PAGES
        if not (persona.startswith("support") and path in PIPELINE_PAGES)
    ],
)
def test_no_filter_select_offers_dashes(org, portal, request, path, persona):
    response = portal.as_user(request.getfixturevalue(persona)).get(path)
    assert response.status_code == 200
    assert "---------" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/support/queues/all/", ["Any status", "Any priority"]),
        ("/support/feedback/", ["Any rating", "Any source"]),
        ("/sales/opportunities/", ["Any stage"]),
        ("/sales/orders/", ["Any status"]),
    ],
)
def test_filter_selects_say_any(org, portal, admin, path, expected):
    page = portal.as_user(admin).get(path).content.decode()
    for text in expected:
        assert f">{text}</option>" in page


def test_the_rating_filter_is_a_choice_of_one_to_five(org, portal, support_rep, customer):
    FeedbackFactory(customer=customer, rating=2, comment="Meh")
    FeedbackFactory(customer=customer, rating=5, comment="Great")
    client = portal.as_user(support_rep)
    page = client.get("/support/feedback/?rating=5").content.decode()
    select = re.search(r'<select name="rating"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert re.findall(r'<option value="(\d*)"', select.group(1)) == ["", "1", "2", "3", "4", "5"]
    assert '<option value="5" selected>' in select.group(1)
    assert "Great" in page
    assert "Meh" not in page
    assert 'type="number"' not in page


@pytest.mark.parametrize(("rating", "status"), [("4", 200), ("6", 400), ("0", 400), ("x", 400)])
def test_the_api_rating_filter_keeps_its_answers(api, org, support_rep, customer, rating, status):
    FeedbackFactory(customer=customer, rating=4)
    response = api.as_user(support_rep).get(f"/api/v1/feedback/?rating={rating}")
    assert response.status_code == status
    if status == 200:
        assert [row["rating"] for row in response.json()["results"]] == [4]


# Captions


def test_an_opportunity_list_from_the_dashboard_names_the_owner(org, portal, sales_manager, sales_rep):
    sales_rep.first_name, sales_rep.last_name = "Ann", "Smith"
    sales_rep.save()
    OpportunityFactory(customer=CustomerFactory(owner=sales_rep))
    response = portal.as_user(sales_manager).get(
        f"/sales/opportunities/?owner={sales_rep.pk}&stage=won&closed_after=2026-04-01"
    )
    assert response.status_code == 200
    text = caption(response)
    assert "Owner: Ann Smith" in text
    assert "Won or lost on or after: 1 Apr 2026" in text
    assert f"Owner: {sales_rep.pk}" not in text


def test_a_ticket_queue_says_yes_and_names_the_assignee(portal, support_org, support_manager, support_rep, ticket):
    support_rep.first_name, support_rep.last_name = "Sue", "Port"
    support_rep.save()
    response = portal.as_user(support_manager).get(
        f"/support/queues/all/?unresolved=true&assignee={support_rep.pk}&customer={ticket.customer_id}&responded=false"
    )
    assert response.status_code == 200
    text = caption(response)
    assert "Unresolved: yes" in text
    assert "Assignee: Sue Port" in text
    assert "Customer: Customer C" in text
    assert "Has a first response: no" in text
    assert "true" not in text
    assert "false" not in text
    # The form's next search keeps the filters.
    assert f'<input type="hidden" name="customer" value="{ticket.customer_id}">' in response.content.decode()


def test_a_feedback_list_names_the_ticket_and_the_days(portal, support_org, support_rep, ticket):
    response = portal.as_user(support_rep).get(
        f"/support/feedback/?ticket={ticket.pk}&created_at_after=2026-05-01&created_at_before=2026-05-31"
    )
    text = caption(response)
    assert f"Ticket: #{ticket.pk} Ticket T" in text
    assert "Created from: 1 May 2026" in text
    assert "Created to: 31 May 2026" in text


def test_a_customer_list_names_the_owner(org, portal, sales_manager, sales_rep):
    sales_rep.first_name, sales_rep.last_name = "Ann", "Smith"
    sales_rep.save()
    response = portal.as_user(sales_manager).get(f"/customers/?owner={sales_rep.pk}")
    assert "Owner: Ann Smith" in caption(response)
    assert f'<input type="hidden" name="owner" value="{sales_rep.pk}">' in response.content.decode()


@pytest.mark.parametrize("persona", ["sales_rep", "other_rep", "outsider"])
def test_a_caption_never_names_a_customer_the_viewer_cannot_see(org, portal, request, other_rep, persona):
    hidden = CustomerFactory(owner=other_rep, name="Secret Corp")
    viewer = request.getfixturevalue(persona)
    response = portal.as_user(viewer).get(f"/sales/opportunities/?customer={hidden.pk}")
    assert response.status_code == 200
    text = caption(response)
    if persona == "other_rep":
        assert "Customer: Secret Corp" in text
    else:
        assert text.startswith(f"Also filtered by Customer: #{hidden.pk}.")
        assert "Secret Corp" not in response.content.decode()


def test_a_caption_never_names_a_user_the_viewer_cannot_see(org, portal, sales_rep, other_rep):
    other_rep.first_name, other_rep.last_name = "Otto", "Hidden"
    other_rep.save()
    response = portal.as_user(sales_rep).get(f"/customers/?owner={other_rep.pk}")
    text = caption(response)
    assert f"Owner: #{other_rep.pk}" in text
    assert "Otto Hidden" not in response.content.decode()


def test_an_unknown_id_reads_like_a_hidden_one(org, portal, sales_rep):
    response = portal.as_user(sales_rep).get("/sales/opportunities/?customer=987654")
    assert "Customer: #987654" in caption(response)


def test_a_pipeline_link_for_a_rep_names_them(org, portal, sales_rep):
    sales_rep.first_name, sales_rep.last_name = "Ann", "Smith"
    sales_rep.save()
    response = portal.as_user(sales_rep).get(f"/sales/pipeline/?owner={sales_rep.pk}")
    assert response.status_code == 200
    assert "Owner: Ann Smith" in caption(response)


def test_a_ticket_the_viewer_cannot_see_is_not_named(portal, support_org, other_support_rep, ticket):
    response = portal.as_user(other_support_rep).get(f"/support/feedback/?ticket={ticket.pk}")
    assert response.status_code == 200
    assert f"Ticket: #{ticket.pk}" in caption(response)
    assert "Ticket T" not in response.content.decode()
