"""ACCESS.md, "Ticket T": every relation × action through the API (token auth, full URL stack).

Each refusal also checks that nothing stored changed."""

import pytest

from support.models import Ticket, TicketMessage

from .scenario import CHANGE, DELETE, TICKET_EXPECTED, TICKET_RELATIONS, VIEW, arrange, refused_status

pytestmark = pytest.mark.django_db


def unchanged(ticket) -> bool:
    stored = Ticket.objects.get(pk=ticket.pk)
    return (stored.status, stored.priority, stored.team_id, stored.assignee_id, stored.version) == (
        ticket.status,
        ticket.priority,
        ticket.team_id,
        ticket.assignee_id,
        ticket.version,
    )


@pytest.mark.parametrize("relation", TICKET_RELATIONS, ids=lambda r: r.name)
class TestTicketApiAccess:
    def test_list(self, relation, request, api, customer, ticket):
        user = arrange(relation, request, customer)
        response = api.as_user(user).get("/api/v1/tickets/")
        if relation.actor is None:
            assert response.status_code == 401
            return
        listed = [row["id"] for row in response.json()["results"]]
        assert (ticket.pk in listed) == (VIEW in TICKET_EXPECTED[relation.name])

    def test_search_and_filters(self, relation, request, api, customer, ticket):
        user = arrange(relation, request, customer)
        query = {"search": "Ticket T", "status": "new", "customer": customer.pk, "team": ticket.team_id}
        response = api.as_user(user).get("/api/v1/tickets/", query)
        if relation.actor is None:
            assert response.status_code == 401
            return
        assert len(response.json()["results"]) == (1 if VIEW in TICKET_EXPECTED[relation.name] else 0)

    def test_detail(self, relation, request, api, customer, ticket):
        user = arrange(relation, request, customer)
        response = api.as_user(user).get(f"/api/v1/tickets/{ticket.pk}/")
        allowed = TICKET_EXPECTED[relation.name]
        if VIEW in allowed:
            assert response.status_code == 200
            assert response.json()["subject"] == "Ticket T"
        else:
            assert response.status_code == refused_status(allowed, relation)
            assert "Ticket T" not in response.content.decode()

    @pytest.mark.parametrize(
        ("field", "value"), [("status", "open"), ("priority", "urgent"), ("subject", "Renamed")], ids=str
    )
    def test_change(self, relation, request, api, customer, ticket, field, value):
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"/api/v1/tickets/{ticket.pk}/", {field: value, "version": 1})
        allowed = TICKET_EXPECTED[relation.name]
        stored = Ticket.objects.get(pk=ticket.pk)
        if CHANGE in allowed:
            assert response.status_code == 200, response.content
            assert getattr(stored, field) == value
            assert stored.version == 2
        else:
            assert response.status_code == refused_status(allowed, relation)
            assert getattr(stored, field) == getattr(ticket, field)
            assert stored.version == 1

    def test_assign(self, relation, request, api, customer, ticket, support_rep):
        user = arrange(relation, request, customer)
        response = api.as_user(user).patch(f"/api/v1/tickets/{ticket.pk}/", {"assignee": support_rep.pk})
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 200
            assert Ticket.objects.get(pk=ticket.pk).assignee == support_rep
        else:
            assert response.status_code == refused_status(allowed, relation)
            assert unchanged(ticket)

    def test_transfer_moves_access(self, relation, request, api, customer, ticket, support_org):
        user = arrange(relation, request, customer)
        new_team = support_org["other_support_team"]
        response = api.as_user(user).patch(f"/api/v1/tickets/{ticket.pk}/", {"team": new_team.pk})
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE not in allowed:
            assert response.status_code == refused_status(allowed, relation)
            assert unchanged(ticket)
            return
        assert response.status_code == 200
        assert Ticket.objects.get(pk=ticket.pk).team == new_team
        old_member = request.getfixturevalue("support_rep")
        new_member = request.getfixturevalue("other_support_rep")
        assert api.as_user(old_member).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
        assert api.as_user(new_member).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200

    @pytest.mark.parametrize("internal", [False, True], ids=["reply", "internal note"])
    def test_write_in_conversation(self, relation, request, api, customer, ticket, internal):
        user = arrange(relation, request, customer)
        before = TicketMessage.objects.count()
        response = api.as_user(user).post(
            f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Hello there", "internal": internal}
        )
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 201
            assert response.json()["author"] == user.pk
            assert TicketMessage.objects.filter(ticket=ticket, body="Hello there", internal=internal).exists()
        else:
            assert response.status_code == refused_status(allowed, relation)
            assert TicketMessage.objects.count() == before
            assert unchanged(ticket)

    def test_read_conversation(self, relation, request, api, customer, ticket):
        user = arrange(relation, request, customer)
        response = api.as_user(user).get(f"/api/v1/tickets/{ticket.pk}/messages/")
        allowed = TICKET_EXPECTED[relation.name]
        if VIEW not in allowed:
            assert response.status_code == refused_status(allowed, relation)
            assert "Public reply" not in response.content.decode()
            return
        bodies = [message["body"] for message in response.json()["results"]]
        assert "Public reply" in bodies
        assert ("Secret internal note" in bodies) == (CHANGE in allowed)

    def test_internal_note_by_id(self, relation, request, api, customer, ticket):
        user = arrange(relation, request, customer)
        note = ticket.messages.get(internal=True)
        response = api.as_user(user).get(f"/api/v1/tickets/{ticket.pk}/messages/{note.pk}/")
        allowed = TICKET_EXPECTED[relation.name]
        if CHANGE in allowed:
            assert response.status_code == 200
        else:
            assert response.status_code == (401 if relation.actor is None else 404)
            assert "Secret" not in response.content.decode()

    def test_delete(self, relation, request, api, customer, ticket):
        user = arrange(relation, request, customer)
        response = api.as_user(user).delete(f"/api/v1/tickets/{ticket.pk}/")
        allowed = TICKET_EXPECTED[relation.name]
        if DELETE in allowed:
            assert response.status_code == 204
            assert not Ticket.objects.filter(pk=ticket.pk).exists()
        else:
            assert response.status_code == refused_status(allowed, relation)
            assert Ticket.objects.filter(pk=ticket.pk).exists()

    def test_has_perm_agrees(self, relation, request, customer, ticket):
        """Django's has_perm (admin, DRF, templates) answers from the same policy."""
        user = arrange(relation, request, customer)
        if user is None:
            return
        for action in (VIEW, CHANGE, DELETE):
            fresh = Ticket.objects.get(pk=ticket.pk)
            assert user.has_perm(f"support.{action}_ticket", fresh) == (action in TICKET_EXPECTED[relation.name])
        note = ticket.messages.get(internal=True)
        assert user.has_perm("support.view_ticketmessage", note) == (CHANGE in TICKET_EXPECTED[relation.name])
