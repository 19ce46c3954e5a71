"""ACCESS.md, "Ticket T": who sets a ticket's assignee, on a new ticket and on T, for every role.

Changing the assignee is for the members of Q, with the hierarchy (Q's manager, admins); the
same rule holds when a ticket is opened with an assignee (support.access.can_assign_tickets_of).
Through the API (create and PATCH) and the portal (the ticket page's assign form); every refusal
leaves the stored ticket as it was.
"""

from dataclasses import dataclass

import pytest

from support.models import Ticket

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Row:
    actor: str | None
    create: int  # POST /api/v1/tickets/ in Q's queue, with support_rep (a member of Q) as the assignee
    patch: int  # PATCH /api/v1/tickets/{T}/ {"assignee": support_rep}
    portal: int  # POST /support/tickets/{T}/assign/ (a redirect when done)


ROWS = [
    Row("admin", create=201, patch=200, portal=302),
    Row("support_manager", create=201, patch=200, portal=302),  # the manager of Q
    Row("support_rep", create=201, patch=200, portal=302),  # a member of Q
    Row("other_support_manager", create=403, patch=404, portal=404),  # manages Support B only
    Row("other_support_rep", create=403, patch=404, portal=404),  # a member of Support B (their tickets go there)
    Row("lone_support_rep", create=403, patch=404, portal=404),  # a support user in no team opens no ticket
    Row("sales_manager", create=403, patch=403, portal=403),  # the manager of C's owner: views T read-only
    Row("sales_rep", create=403, patch=403, portal=403),  # C's owner: views T read-only
    Row("outsider", create=403, patch=404, portal=404),  # a salesperson in no team
    Row(None, create=401, patch=401, portal=302),  # not signed in: 401, or the login page
]


def actor_of(row: Row, request):
    return request.getfixturevalue(row.actor) if row.actor else None


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.actor or "anonymous")
class TestWhoSetsTheAssignee:
    def test_on_a_new_ticket_through_the_api(self, row, request, api, customer, support_org, support_rep):
        body = {"customer": customer.pk, "subject": "Printer on fire", "assignee": support_rep.pk}
        if row.actor != "support_rep":  # a support user's ticket lands in their own queue; naming Q is refused
            body["team"] = support_org["support_team"].pk
        response = api.as_user(actor_of(row, request)).post("/api/v1/tickets/", body)
        assert response.status_code == row.create, response.content
        if row.create == 201:
            ticket = Ticket.objects.get(pk=response.json()["id"])
            assert (ticket.team, ticket.assignee) == (support_org["support_team"], support_rep)
        else:
            assert not Ticket.objects.exists()

    def test_on_t_through_the_api(self, row, request, api, ticket, support_rep):
        response = api.as_user(actor_of(row, request)).patch(
            f"/api/v1/tickets/{ticket.pk}/", {"assignee": support_rep.pk}
        )
        assert response.status_code == row.patch, response.content
        stored = Ticket.objects.get(pk=ticket.pk)
        if row.patch == 200:
            assert (stored.assignee, stored.version) == (support_rep, ticket.version + 1)
        else:
            assert (stored.assignee, stored.version) == (None, ticket.version)
            assert "Ticket T" not in response.content.decode()

    def test_on_t_through_the_portal(self, row, request, portal, ticket, support_rep):
        client = portal.as_user(actor_of(row, request))
        response = client.post(
            f"/support/tickets/{ticket.pk}/assign/", {"assignee": support_rep.pk, "version": ticket.version}
        )
        assert response.status_code == row.portal
        if row.actor is None:
            assert response["Location"].startswith("/login/")
        elif row.portal == 302:
            assert response["Location"] == f"/support/tickets/{ticket.pk}/"
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.assignee == (support_rep if row.portal == 302 and row.actor else None)

    def test_the_page_offers_the_assign_form_only_to_those_it_lets_through(self, row, request, portal, ticket):
        if row.actor is None:
            return  # the login page (test_on_t_through_the_portal)
        response = portal.as_user(actor_of(row, request)).get(f"/support/tickets/{ticket.pk}/")
        if row.patch == 404:
            assert response.status_code == 404
            return
        assert response.status_code == 200
        assert ('name="assignee"' in response.content.decode()) == (row.portal == 302)


def test_the_portal_offers_only_members_of_q(portal, ticket, support_manager, support_rep, other_support_rep):
    page = portal.as_user(support_manager).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert f'value="{support_rep.pk}"' in page
    assert f'value="{other_support_rep.pk}"' not in page


@pytest.mark.parametrize("door", ["api", "portal"])
def test_an_assignee_outside_q_is_refused(door, api, portal, ticket, support_rep, other_support_rep):
    if door == "api":
        response = api.as_user(support_rep).patch(f"/api/v1/tickets/{ticket.pk}/", {"assignee": other_support_rep.pk})
        assert response.status_code == 400
        assert "assignee" in response.json()
    else:
        response = portal.as_user(support_rep).post(
            f"/support/tickets/{ticket.pk}/assign/",
            {"assignee": other_support_rep.pk, "version": ticket.version},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_a_member_of_q_moves_t_and_names_its_new_assignee_at_once(
    api, ticket, support_rep, support_org, other_support_rep
):
    """The rule is asked of the queue T is in when the change starts; the assignee is a member of the new one."""
    response = api.as_user(support_rep).patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"team": support_org["other_support_team"].pk, "assignee": other_support_rep.pk},
    )
    assert response.status_code == 200, response.content
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.team, stored.assignee) == (support_org["other_support_team"], other_support_rep)
