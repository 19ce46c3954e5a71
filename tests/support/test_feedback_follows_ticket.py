"""Issue 11 point 3: feedback follows its ticket. When ticket T moves from customer C (sales_rep's) to
customer D (other_rep's), its feedback moves with it in the same transaction; feedback about C
alone stays. A refused or stale move moves nothing."""

import pytest

from support.models import Feedback, Ticket
from support.services import tickets as ticket_services
from tests.factories import CustomerFactory

from .factories import FeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(support_org, other_rep):
    return CustomerFactory(name="Customer D", owner=other_rep, email="d@example.com")


@pytest.fixture
def feedback(ticket, customer):
    return {
        "about_ticket": FeedbackFactory(customer=customer, ticket=ticket, rating=2, comment="About the ticket"),
        "about_customer": FeedbackFactory(customer=customer, rating=5, comment="About the customer"),
    }


def _feedback_customers(feedback) -> dict[str, int]:
    return {name: Feedback.objects.get(pk=row.pk).customer_id for name, row in feedback.items()}


def _listed(api, user, **query) -> set[int]:
    response = api.as_user(user).get("/api/v1/feedback/", query)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


# Who moves the ticket (through the API) and what they get: members of its team move it; its
# customer's owner reads it only (403); others do not see it (404).
MOVERS = [
    ("support_rep", 200),
    ("support_manager", 200),
    ("admin", 200),
    ("sales_rep", 403),
    ("other_rep", 404),
    ("outsider", 404),
]


@pytest.mark.parametrize(("mover", "status"), MOVERS)
def test_moving_a_ticket_through_the_api_moves_its_feedback(
    request, api, ticket, customer, elsewhere, feedback, mover, status
):
    user = request.getfixturevalue(mover)
    response = api.as_user(user).patch(f"/api/v1/tickets/{ticket.pk}/", {"customer": elsewhere.pk}, format="json")
    assert response.status_code == status
    moved = status == 200
    assert Ticket.objects.get(pk=ticket.pk).customer_id == (elsewhere.pk if moved else customer.pk)
    assert _feedback_customers(feedback) == {
        "about_ticket": elsewhere.pk if moved else customer.pk,
        "about_customer": customer.pk,
    }


def test_a_stale_move_moves_no_feedback(api, ticket, customer, elsewhere, feedback, support_rep):
    current = Ticket.objects.get(pk=ticket.pk).version
    stale = api.as_user(support_rep).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"customer": elsewhere.pk, "version": current - 1}, format="json"
    )
    assert stale.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).customer_id == customer.pk
    assert _feedback_customers(feedback) == {"about_ticket": customer.pk, "about_customer": customer.pk}


def test_a_move_that_fails_later_in_its_transaction_moves_no_feedback(
    api, ticket, customer, elsewhere, feedback, support_rep
):
    refused = api.as_user(support_rep).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"customer": elsewhere.pk, "status": "no-such-status"}, format="json"
    )
    assert refused.status_code == 400
    assert _feedback_customers(feedback) == {"about_ticket": customer.pk, "about_customer": customer.pk}


def test_the_service_moves_feedback_too(ticket, customer, elsewhere, feedback, support_rep):
    ticket_services.ticket_update(acting_user=support_rep, ticket=ticket, customer=elsewhere)
    assert _feedback_customers(feedback) == {"about_ticket": elsewhere.pk, "about_customer": customer.pk}


# After the move, who reads the ticket's feedback and under which customer (API list, ?customer= filter,
# portal list): it is D's now. sales_rep (C's owner) loses it with the ticket; other_rep (D's owner) gains it.
READERS = {
    "sales_rep": {"about_customer"},
    "other_rep": {"about_ticket"},
    "support_rep": {"about_ticket", "about_customer"},
    "admin": {"about_ticket", "about_customer"},
}


@pytest.mark.parametrize("reader", list(READERS))
def test_after_the_move_feedback_reads_under_the_new_customer(
    request, api, portal, ticket, customer, elsewhere, feedback, support_rep, reader
):
    moved = api.as_user(support_rep).patch(f"/api/v1/tickets/{ticket.pk}/", {"customer": elsewhere.pk}, format="json")
    assert moved.status_code == 200
    user = request.getfixturevalue(reader)
    expected = {feedback[name].pk for name in READERS[reader]}
    assert _listed(api, user) == expected
    on_old = _listed(api, user, customer=customer.pk)
    on_new = _listed(api, user, customer=elsewhere.pk)
    assert feedback["about_ticket"].pk not in on_old
    assert on_new == ({feedback["about_ticket"].pk} if "about_ticket" in READERS[reader] else set())
    page = portal.as_user(user).get("/support/feedback/", {"customer": customer.pk}).content.decode()
    assert f'data-feedback-id="{feedback["about_ticket"].pk}"' not in page


def test_feedback_cannot_be_set_apart_from_its_ticket(api, portal, admin, ticket, customer, elsewhere, feedback):
    about_ticket = feedback["about_ticket"]
    through_api = api.as_user(admin).patch(
        f"/api/v1/feedback/{about_ticket.pk}/", {"customer": elsewhere.pk}, format="json"
    )
    assert through_api.status_code == 400
    assert set(through_api.json()) == {"ticket"}
    through_admin = portal.as_user(admin).post(
        f"/admin/support/feedback/{about_ticket.pk}/change/",
        {"customer": elsewhere.pk, "ticket": ticket.pk, "rating": 1, "comment": "Moved by hand"},
    )
    assert through_admin.status_code == 200  # the form again, with the error
    assert "This ticket belongs to another customer." in through_admin.content.decode()
    stored = Feedback.objects.get(pk=about_ticket.pk)
    assert (stored.customer_id, stored.rating, stored.comment) == (customer.pk, 2, "About the ticket")
