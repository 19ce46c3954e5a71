"""The support portal: queues with counts, the ticket page's in-place changes (htmx), bad input
and stale versions answered with the fragment and a message, the feedback list's average."""

from datetime import timedelta

import pytest
from django.utils import timezone

from support.models import Ticket

from .factories import FeedbackFactory, TicketFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def queue_tickets(support_org, customer, support_rep, second_support_rep):
    from accounts.models import TeamMembership

    TeamMembership.objects.create(team=support_org["support_team"], user=second_support_rep)
    team, now = support_org["support_team"], timezone.now()
    make = TicketFactory
    return {
        "mine": make(customer=customer, team=team, assignee=support_rep, subject="Mine"),
        "colleague": make(customer=customer, team=team, assignee=second_support_rep, subject="Colleague's"),
        "unassigned": make(customer=customer, team=team, subject="Nobody's"),
        "breaching": make(customer=customer, team=team, priority="urgent", subject="Due soon",
                          created_at=now - timedelta(minutes=30)),
        "complaint": make(customer=customer, team=team, kind="complaint", subject="Angry", assignee=support_rep),
        "resolved": make(customer=customer, team=team, status="resolved", resolved_at=now, subject="Done",
                         assignee=support_rep),
        "elsewhere": make(customer=customer, team=support_org["other_support_team"], subject="Other queue"),
    }  # fmt: skip


def listed(response) -> set[str]:
    import re

    return set(re.findall(r'data-ticket-id="(\d+)"', response.content.decode()))


def ids(*tickets) -> set[str]:
    return {str(ticket.pk) for ticket in tickets}


def test_queues_and_their_counts(portal, support_rep, queue_tickets):
    t = queue_tickets
    client = portal.as_user(support_rep)
    expected = {
        "mine": ids(t["mine"], t["complaint"]),
        "unassigned": ids(t["unassigned"], t["breaching"]),
        "team": ids(t["mine"], t["colleague"], t["unassigned"], t["breaching"], t["complaint"]),
        "breaching": ids(t["breaching"]),
        "complaints": ids(t["complaint"]),
        "all": ids(*[ticket for key, ticket in t.items() if key != "elsewhere"]),
    }
    for key, wanted in expected.items():
        response = client.get(f"/support/queues/{key}/")
        assert response.status_code == 200
        assert listed(response) == wanted, key
        for other, tickets in expected.items():
            assert f'data-testid="count-{other}">{len(tickets)}<' in response.content.decode()


def test_a_support_user_starts_with_their_own_queue_and_a_salesperson_with_all(
    portal, support_rep, sales_rep, customer
):
    assert portal.as_user(support_rep).get("/support/")["Location"] == "/support/queues/mine/"
    response = portal.as_user(sales_rep).get("/support/")
    assert response["Location"] == "/support/queues/all/"
    assert portal.as_user(sales_rep).get("/support/queues/mine/").status_code == 404  # no queue to work


def test_a_manager_starts_with_the_team_queue(portal, support_manager, support_org):
    assert portal.as_user(support_manager).get("/support/")["Location"] == "/support/queues/team/"


def test_an_htmx_search_gets_the_results_fragment(portal, support_rep, queue_tickets):
    response = portal.as_user(support_rep).get("/support/queues/team/", {"search": "angry"}, **HTMX)
    assert listed(response) == ids(queue_tickets["complaint"])
    assert "<html" not in response.content.decode()


def test_bad_filters_show_an_error_not_a_crash(portal, support_rep, queue_tickets):
    response = portal.as_user(support_rep).get("/support/queues/team/", {"status": "bogus", "ordering": "drop"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert listed(response) == set()


def test_a_stale_change_answers_409_with_the_latest_version(portal, support_rep, ticket):
    client = portal.as_user(support_rep)
    assert (
        client.post(f"/support/tickets/{ticket.pk}/priority/", {"priority": "high", "version": 1}, **HTMX).status_code
        == 200
    )
    response = client.post(f"/support/tickets/{ticket.pk}/status/", {"status": "open", "version": 1}, **HTMX)
    assert response.status_code == 409
    assert (
        "This ticket was changed while you were editing it; your change was not saved. Reload it and try again."
        in response.content.decode()
    )
    assert 'data-version="2"' in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status": "bogus", "version": 1}),
        ("status", {"status": "open"}),
        ("priority", {"priority": "asap", "version": 1}),
        ("assign", {"assignee": 999999, "version": 1}),
        ("transfer", {"team": "", "version": 1}),
        ("claim", {"version": "x"}),
        ("messages", {"body": ""}),
    ],
)
def test_bad_input_answers_400_and_changes_nothing(portal, support_rep, ticket, action, data):
    response = portal.as_user(support_rep).post(f"/support/tickets/{ticket.pk}/{action}/", data, **HTMX)
    assert response.status_code == 400
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.version, stored.status, stored.assignee_id, stored.messages.count()) == (1, "new", None, 2)


def test_assigning_someone_outside_the_team_is_refused(portal, support_rep, other_support_rep, ticket):
    response = portal.as_user(support_rep).post(
        f"/support/tickets/{ticket.pk}/assign/", {"assignee": other_support_rep.pk, "version": 1}, **HTMX
    )
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_a_reply_refreshes_the_properties_out_of_band(portal, support_rep, ticket):
    response = portal.as_user(support_rep).post(f"/support/tickets/{ticket.pk}/messages/", {"body": "Hi"}, **HTMX)
    page = response.content.decode()
    assert 'id="conversation"' in page
    assert 'id="ticket-properties" hx-swap-oob="true"' in page
    assert 'data-testid="status">Open<' in page  # the first reply opened the ticket


def test_without_htmx_the_forms_still_work(portal, support_rep, ticket):
    client = portal.as_user(support_rep)
    assert (
        client.post(f"/support/tickets/{ticket.pk}/claim/", {"version": 1})["Location"]
        == f"/support/tickets/{ticket.pk}/"
    )
    assert client.post(f"/support/tickets/{ticket.pk}/messages/", {"body": "Hi"}).status_code == 302
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.assignee == support_rep
    assert stored.first_response_at is not None


def test_the_feedback_list_shows_the_average(portal, support_rep, customer, ticket):
    for rating in (5, 4, 2):
        FeedbackFactory(customer=customer, ticket=ticket, rating=rating)
    response = portal.as_user(support_rep).get("/support/feedback/")
    assert 'data-testid="average-rating">3.67<' in response.content.decode()
    filtered = portal.as_user(support_rep).get("/support/feedback/", {"rating": 5})
    assert 'data-testid="average-rating">5.00<' in filtered.content.decode()


def test_the_customer_panel_offers_a_new_ticket(portal, sales_rep, customer):
    page = portal.as_user(sales_rep).get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-panel="tickets"' in page
    assert f"/support/tickets/new/?customer={customer.pk}" in page


def test_only_admins_delete_in_django_admin(client, admin, support_manager, ticket):
    client.force_login(support_manager, backend="accounts.backends.RoleModelBackend")
    client.post(f"/admin/support/ticket/{ticket.pk}/delete/", {"post": "yes"})
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    client.force_login(admin, backend="accounts.backends.RoleModelBackend")
    assert client.post(f"/admin/support/ticket/{ticket.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Ticket.objects.filter(pk=ticket.pk).exists()


def test_admins_edit_sla_policies_in_django_admin(client, admin):
    from support.models import SlaPolicy

    client.force_login(admin, backend="accounts.backends.RoleModelBackend")
    policy = SlaPolicy.objects.get(priority="urgent")
    response = client.post(
        f"/admin/support/slapolicy/{policy.pk}/change/",
        {"priority": "urgent", "first_response_minutes": 30, "resolution_minutes": 180},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.first_response_minutes, policy.resolution_minutes) == (30, 180)


def test_a_queue_tab_counts_up_to_99_and_its_page_counts_on(portal, support_rep, support_org, customer):
    from support.selectors import QUEUE_TAB_CAP

    team = support_org["support_team"]
    TicketFactory.create_batch(QUEUE_TAB_CAP + 1, customer=customer, team=team, assignee=support_rep)
    content = portal.as_user(support_rep).get("/support/queues/mine/").content.decode()
    assert 'data-testid="count-mine">99+<' in content
    assert f"{QUEUE_TAB_CAP + 1} tickets" in content
