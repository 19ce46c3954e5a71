"""ACCESS.md, "Ticket T": every relation × action through the portal (session, CSRF, middleware, htmx).

A refused change answers 403 (visible) or 404 (invisible), the page shows no control for it,
and nothing stored changes."""

import pytest

from support.models import Ticket, TicketMessage

from .scenario import (
    CHANGE,
    CUSTOMER_VIEWERS,
    TICKET_EXPECTED,
    TICKET_RELATIONS,
    VIEW,
    arrange,
    refused_status,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
CLAIMERS = {"member of Q"}  # a manager or admin is no member of the team: they assign instead


def assert_refused(response, relation, allowed):
    assert response.status_code == refused_status(allowed, relation, portal=True)
    if relation.actor is None:
        assert response["Location"].startswith("/login/")
    elif VIEW not in allowed:
        assert "Ticket T" not in response.content.decode()


def stored(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.parametrize("relation", TICKET_RELATIONS, ids=lambda r: r.name)
class TestTicketPortalAccess:
    def test_listed_and_searched(self, relation, request, portal, customer, ticket):
        user = arrange(relation, request, customer)
        client = portal.as_user(user)
        for query in ({}, {"search": "Ticket T"}, {"customer": customer.pk, "status": "new"}):
            response = client.get("/support/queues/all/", query)
            if relation.actor is None:
                assert response.status_code == 302
                continue
            listed = f'data-ticket-id="{ticket.pk}"' in response.content.decode()
            assert listed == (VIEW in TICKET_EXPECTED[relation.name])

    def test_page_conversation_and_controls(self, relation, request, portal, customer, ticket):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).get(f"/support/tickets/{ticket.pk}/")
        allowed = TICKET_EXPECTED[relation.name]
        if VIEW not in allowed:
            assert_refused(response, relation, allowed)
            return
        assert response.status_code == 200
        page = response.content.decode()
        assert "Public reply" in page
        assert ("Secret internal note" in page) == (CHANGE in allowed)
        for control in ('data-testid="ticket-controls"', 'data-testid="reply-form"', 'data-testid="note-form"'):
            assert (control in page) == (CHANGE in allowed), control
        assert ('data-testid="read-only"' in page) == (CHANGE not in allowed)
        assert ("Take it" in page) == (relation.name in CLAIMERS)

    @pytest.mark.parametrize(("field", "value"), [("status", "pending"), ("priority", "low")])
    def test_change_in_place(self, relation, request, portal, customer, ticket, field, value):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(
            f"/support/tickets/{ticket.pk}/{field}/", {field: value, "version": 1}, **HTMX
        )
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 200
            assert 'id="ticket-properties"' in response.content.decode()
            assert getattr(stored(ticket), field) == value
        else:
            assert_refused(response, relation, allowed)
            assert getattr(stored(ticket), field) == getattr(ticket, field)
            assert stored(ticket).version == 1

    def test_assign(self, relation, request, portal, customer, ticket, support_rep):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(
            f"/support/tickets/{ticket.pk}/assign/", {"assignee": support_rep.pk, "version": 1}, **HTMX
        )
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 200
            assert stored(ticket).assignee == support_rep
        else:
            assert_refused(response, relation, allowed)
            assert stored(ticket).assignee is None

    def test_claim(self, relation, request, portal, customer, ticket):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).post(f"/support/tickets/{ticket.pk}/claim/", {"version": 1}, **HTMX)
        allowed = TICKET_EXPECTED[relation.name]
        if relation.name in CLAIMERS:
            assert response.status_code == 200
            assert stored(ticket).assignee == user
        elif CHANGE in allowed:
            assert response.status_code == 400  # may change it, but is no member of its team
            assert "member of the team" in response.content.decode()
            assert stored(ticket).assignee is None
        else:
            assert_refused(response, relation, allowed)
            assert stored(ticket).assignee is None

    def test_transfer_moves_access(self, relation, request, portal, customer, ticket, support_org):
        user = arrange(relation, request, customer)
        new_team = support_org["other_support_team"]
        response = portal.as_user(user).post(
            f"/support/tickets/{ticket.pk}/transfer/", {"team": new_team.pk, "version": 1}, **HTMX
        )
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE not in allowed:
            assert_refused(response, relation, allowed)
            assert stored(ticket).team == support_org["support_team"]
            return
        assert response.status_code == 200
        assert stored(ticket).team == new_team
        if relation.name == "admin":
            assert 'id="ticket-properties"' in response.content.decode()  # still theirs to see
        else:
            assert response["HX-Redirect"] == "/support/"  # the ticket left their queue
        old_member = request.getfixturevalue("support_rep")
        new_member = request.getfixturevalue("other_support_rep")
        assert portal.as_user(old_member).get(f"/support/tickets/{ticket.pk}/").status_code == 404
        assert portal.as_user(new_member).get(f"/support/tickets/{ticket.pk}/").status_code == 200

    @pytest.mark.parametrize("internal", [False, True], ids=["reply", "internal note"])
    def test_write_in_conversation(self, relation, request, portal, customer, ticket, internal):
        user = arrange(relation, request, customer)
        before = TicketMessage.objects.count()
        response = portal.as_user(user).post(
            f"/support/tickets/{ticket.pk}/messages/", {"body": "Hello there", "internal": internal}, **HTMX
        )
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 200
            assert "Hello there" in response.content.decode()
            assert TicketMessage.objects.filter(ticket=ticket, body="Hello there", internal=internal).exists()
        else:
            assert_refused(response, relation, allowed)
            assert TicketMessage.objects.count() == before
            assert stored(ticket).first_response_at is None

    def test_customer_page_panel(self, relation, request, portal, customer, ticket):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).get(f"/customers/{customer.pk}/")
        if relation.name not in CUSTOMER_VIEWERS:
            assert response.status_code == (302 if relation.actor is None else 404)  # the anonymous log in first
            return
        assert response.status_code == 200
        shown = f'data-ticket-id="{ticket.pk}"' in response.content.decode()
        assert shown == (VIEW in TICKET_EXPECTED[relation.name])
