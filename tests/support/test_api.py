"""The three support resources against docs/API.md: fields, status codes, versions, filters,
search, ordering; and hostile writes, which are refused with the stored values unchanged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from support.models import Feedback, Ticket, TicketMessage
from tests.factories import ContactFactory, CustomerFactory, UserFactory

from .factories import FeedbackFactory, TicketFactory

pytestmark = pytest.mark.django_db

# docs/API.md: the fields each resource must carry (the project may add more).
TICKET_FIELDS = {
    "id", "customer", "subject", "description", "kind", "priority", "status", "team", "assignee",
    "sla_due_at", "first_response_at", "resolved_at", "created_at", "version",
}  # fmt: skip
MESSAGE_FIELDS = {"id", "body", "internal", "author", "created_at"}
FEEDBACK_FIELDS = {"id", "customer", "ticket", "rating", "comment", "created_at"}


def snapshot(ticket) -> dict:
    stored = Ticket.objects.get(pk=ticket.pk)
    fields = ("subject", "status", "priority", "kind", "team_id", "assignee_id", "customer_id", "version")
    return {name: getattr(stored, name) for name in fields} | {"messages": stored.messages.count()}


class TestTicketContract:
    def test_fields(self, api, support_rep, ticket):
        body = api.as_user(support_rep).get(f"/api/v1/tickets/{ticket.pk}/").json()
        assert set(body) >= TICKET_FIELDS
        assert body["customer"] == ticket.customer_id
        assert body["team"] == ticket.team_id
        assert body["assignee"] is None
        assert body["sla_due_at"].endswith("Z") or "+" in body["sla_due_at"]
        assert body["version"] == 1

    def test_create_change_delete(self, api, support_rep, admin, customer):
        client = api.as_user(support_rep)
        created = client.post("/api/v1/tickets/", {"customer": customer.pk, "subject": "New", "kind": "incident"})
        assert created.status_code == 201
        assert set(created.json()) >= TICKET_FIELDS
        ticket_id = created.json()["id"]
        changed = client.patch(f"/api/v1/tickets/{ticket_id}/", {"priority": "urgent", "version": 1})
        assert changed.status_code == 200
        assert (changed.json()["priority"], changed.json()["version"]) == ("urgent", 2)
        assert api.as_user(admin).delete(f"/api/v1/tickets/{ticket_id}/").status_code == 204

    def test_a_stale_version_is_refused(self, api, support_rep, ticket):
        client = api.as_user(support_rep)
        assert client.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open", "version": 1}).status_code == 200
        before = snapshot(ticket)
        stale = client.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "pending", "version": 1})
        assert stale.status_code == 409
        assert stale.json()["version"] == 2
        assert snapshot(ticket) == before

    def test_messages_fields_and_first_response(self, api, support_rep, ticket):
        client = api.as_user(support_rep)
        response = client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "On it"})
        assert response.status_code == 201
        assert set(response.json()) == MESSAGE_FIELDS
        assert response.json()["internal"] is False
        assert client.get(f"/api/v1/tickets/{ticket.pk}/").json()["first_response_at"] is not None

    def test_messages_are_listed_oldest_first(self, api, support_rep, ticket):
        bodies = [
            m["body"] for m in api.as_user(support_rep).get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
        ]
        assert bodies == ["Public reply", "Secret internal note"]


class TestFeedbackContract:
    def test_fields_and_create(self, api, support_rep, ticket):
        response = api.as_user(support_rep).post("/api/v1/feedback/", {"ticket": ticket.pk, "rating": 4})
        assert response.status_code == 201
        assert set(response.json()) >= FEEDBACK_FIELDS
        assert response.json()["customer"] == ticket.customer_id  # taken from the ticket

    def test_admin_changes_and_deletes(self, api, admin, customer):
        feedback = FeedbackFactory(customer=customer, rating=2)
        client = api.as_user(admin)
        assert client.patch(f"/api/v1/feedback/{feedback.pk}/", {"rating": 3}).json()["rating"] == 3
        assert client.delete(f"/api/v1/feedback/{feedback.pk}/").status_code == 204


HOSTILE_TICKET_PATCHES = {
    "unknown field": {"owner": 1},
    "read-only due time": {"sla_due_at": "2030-01-01T00:00:00Z"},
    "read-only first response": {"first_response_at": "2030-01-01T00:00:00Z"},
    "read-only id": {"id": 999},
    "status not a choice": {"status": "done"},
    "priority not a choice": {"priority": "asap"},
    "kind not a choice": {"kind": 3},
    "team is a sales team": {"team": "SALES_TEAM"},
    "team that does not exist": {"team": 999_999},
    "team not an id": {"team": "Support"},
    "assignee outside the team": {"assignee": "OTHER_SUPPORT_REP"},
    "assignee a salesperson": {"assignee": "SALES_REP"},
    "assignee not an id": {"assignee": [1]},
    "contact of another customer": {"contact": "FOREIGN_CONTACT"},
    "NUL in the subject": {"subject": "bad\x00subject"},
    "subject too long": {"subject": "x" * 201},
    "empty subject": {"subject": ""},
    "version not a number": {"version": "one", "status": "open"},
    "version a boolean": {"version": True, "status": "open"},
}


@pytest.fixture
def hostile_values(support_org, sales_rep, other_support_rep, other_rep):
    foreign_contact = ContactFactory(customer=CustomerFactory(owner=other_rep))
    return {
        "SALES_TEAM": support_org["sales_team"].pk,
        "OTHER_SUPPORT_REP": other_support_rep.pk,
        "SALES_REP": sales_rep.pk,
        "FOREIGN_CONTACT": foreign_contact.pk,
    }


@pytest.mark.parametrize("case", HOSTILE_TICKET_PATCHES, ids=str)
def test_hostile_ticket_patch_is_refused_and_changes_nothing(api, support_rep, ticket, hostile_values, case):
    body = {name: hostile_values.get(value, value) if isinstance(value, str) else value
            for name, value in HOSTILE_TICKET_PATCHES[case].items()}  # fmt: skip
    before = snapshot(ticket)
    response = api.as_user(support_rep).patch(f"/api/v1/tickets/{ticket.pk}/", body)
    assert response.status_code == 400, response.content
    assert snapshot(ticket) == before


def test_no_way_back_to_new(api, support_rep, ticket):
    client = api.as_user(support_rep)
    assert client.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}).status_code == 200
    before = snapshot(ticket)
    response = client.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "new"})
    assert response.status_code == 400
    assert "status" in response.json()
    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    "raw",
    ['["not", "an", "object"]', '"text"', "null", '{"subject": {"nested": "object"}}', '{"customer": null}', "{oops"],
    ids=["list", "string", "null", "nested object", "null customer", "broken JSON"],
)
def test_malformed_bodies_answer_400(api, support_rep, ticket, raw):
    before = snapshot(ticket)
    client = api.as_user(support_rep)
    json = "application/json"
    assert client.patch(f"/api/v1/tickets/{ticket.pk}/", raw, content_type=json).status_code == 400
    assert client.post("/api/v1/tickets/", raw, content_type=json).status_code == 400
    assert snapshot(ticket) == before
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"body": ""},
        {"body": "x\x00y"},
        {"body": "x" * 20_001},
        {"body": "hello", "internal": "maybe"},
        {"body": "hello", "author": 1},
        {"body": "hello", "created_at": "2020-01-01T00:00:00Z"},
        {"body": "hello", "ticket": 5},
    ],
    ids=["empty", "NUL", "too long", "internal not a boolean", "author", "created_at", "unknown field"],
)
def test_hostile_messages_are_refused(api, support_rep, ticket, body):
    before = snapshot(ticket)
    response = api.as_user(support_rep).post(f"/api/v1/tickets/{ticket.pk}/messages/", body)
    assert response.status_code == 400
    assert snapshot(ticket) == before
    assert TicketMessage.objects.count() == 2


def test_messages_of_a_ticket_that_does_not_exist(api, support_rep):
    assert api.as_user(support_rep).get("/api/v1/tickets/999999/messages/").status_code == 404
    assert api.as_user(support_rep).post("/api/v1/tickets/999999/messages/", {"body": "x"}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": "five"},
        {"rating": 4.5},
        {"rating": True},
        {"rating": 4, "comment": "x" * 5_001},
        {"rating": 4, "comment": "a\x00b"},
        {"rating": 4, "source": "survey"},
        {"rating": 4, "version": 1},
        {"rating": 4, "ticket": "FOREIGN_TICKET"},
        {"rating": 4, "customer": None},
    ],
    ids=[
        "zero", "six", "text", "fraction", "boolean", "long comment", "NUL", "source", "version",
        "ticket of another customer", "no customer",
    ],
)  # fmt: skip
def test_hostile_feedback_is_refused(api, support_rep, customer, support_org, body):
    foreign = TicketFactory(customer=CustomerFactory(owner=customer.owner), team=support_org["support_team"])
    body = {"customer": customer.pk} | {k: (foreign.pk if v == "FOREIGN_TICKET" else v) for k, v in body.items()}
    response = api.as_user(support_rep).post("/api/v1/feedback/", body)
    assert response.status_code == 400, response.content
    assert not Feedback.objects.exists()


class TestFiltersSearchOrdering:
    @pytest.fixture
    def tickets(self, support_org, customer, support_rep, other_rep):
        team = support_org["support_team"]
        other_customer = CustomerFactory(name="Zeta Ltd", owner=customer.owner)
        now = timezone.now()
        return {
            "late": TicketFactory(customer=customer, team=team, subject="Printer broken", priority="urgent",
                                  created_at=now - timedelta(hours=3), assignee=support_rep),
            "complaint": TicketFactory(customer=other_customer, team=team, subject="Rude", kind="complaint",
                                       priority="low"),
            "resolved": TicketFactory(customer=customer, team=team, subject="Invoice", status="resolved",
                                      resolved_at=now, priority="high"),
        }  # fmt: skip

    def ids(self, api, user, **query) -> list[int]:
        response = api.as_user(user).get("/api/v1/tickets/", query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    def test_each_filter(self, api, support_rep, tickets, customer, support_org):
        late, complaint, resolved = tickets["late"].pk, tickets["complaint"].pk, tickets["resolved"].pk
        assert self.ids(api, support_rep, status="resolved") == [resolved]
        assert self.ids(api, support_rep, priority="urgent") == [late]
        assert self.ids(api, support_rep, kind="complaint") == [complaint]
        assert sorted(self.ids(api, support_rep, customer=customer.pk)) == sorted([late, resolved])
        assert self.ids(api, support_rep, assignee=support_rep.pk) == [late]
        assert self.ids(api, support_rep, breached="true") == [late]
        assert late not in self.ids(api, support_rep, breached="false")
        assert len(self.ids(api, support_rep, team=support_org["support_team"].pk)) == 3
        assert self.ids(api, support_rep, team=support_org["other_support_team"].pk) == []
        assert sorted(self.ids(api, support_rep, unassigned="true")) == sorted([complaint, resolved])

    def test_search(self, api, support_rep, tickets):
        assert self.ids(api, support_rep, search="printer") == [tickets["late"].pk]
        assert self.ids(api, support_rep, search="zeta") == [tickets["complaint"].pk]
        assert self.ids(api, support_rep, search=f"#{tickets['resolved'].pk}") == [tickets["resolved"].pk]

    def test_ordering(self, api, support_rep, tickets):
        by_due = self.ids(api, support_rep, ordering="sla_due_at")
        assert by_due[0] == tickets["late"].pk
        assert self.ids(api, support_rep, ordering="-sla_due_at") == list(reversed(by_due))

    @pytest.mark.parametrize(
        "query",
        [{"status": "bogus"}, {"priority": "x"}, {"team": "abc"}, {"assignee": "me"}, {"customer": "1; drop"}],
    )
    def test_bad_filter_values_answer_400(self, api, support_rep, tickets, query):
        assert api.as_user(support_rep).get("/api/v1/tickets/", query).status_code == 400

    def test_pages_are_followed_to_the_end(self, api, support_rep, support_org, customer):
        for n in range(7):
            TicketFactory(customer=customer, team=support_org["support_team"], subject=f"Page {n}")
        seen, url = [], "/api/v1/tickets/?page_size=3"
        while url:
            body = api.as_user(support_rep).get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert len(seen) == len(set(seen)) == 7

    def test_feedback_filters(self, api, support_rep, customer, tickets):
        FeedbackFactory(customer=customer, rating=1)
        FeedbackFactory(customer=customer, ticket=tickets["late"], rating=5)
        rows = api.as_user(support_rep).get("/api/v1/feedback/", {"rating": 5}).json()["results"]
        assert [row["ticket"] for row in rows] == [tickets["late"].pk]


def test_a_user_with_no_role_in_support_gets_empty_lists(api):
    lonely = UserFactory(username="nobody", role=Role.SALES)
    assert api.as_user(lonely).get("/api/v1/tickets/").json()["results"] == []
    assert api.as_user(lonely).get("/api/v1/feedback/").json()["results"] == []


def test_a_customer_with_tickets_is_not_deleted(api, portal, sales_manager, ticket):
    """Tickets protect their customer: deleting it answers 400 with the reason, through the API and the portal."""
    response = api.as_user(sales_manager).delete(f"/api/v1/customers/{ticket.customer_id}/")
    assert response.status_code == 400
    assert "tickets" in response.content.decode()
    page = portal.as_user(sales_manager).post(f"/customers/{ticket.customer_id}/delete/")
    assert page.status_code == 200
    assert "still has tickets" in page.content.decode()
    assert Ticket.objects.filter(pk=ticket.pk).exists()
