"""A new complaint tells the team's manager, once, after the commit."""

import pytest
from django.core import mail

from support.services import tickets as services

pytestmark = pytest.mark.django_db


def open_ticket(user, customer, capture, **fields):
    with capture(execute=True):
        return services.ticket_create(acting_user=user, customer=customer, subject="Late delivery", **fields)


def test_a_new_complaint_emails_the_team_manager(
    django_capture_on_commit_callbacks, support_rep, support_manager, customer
):
    ticket = open_ticket(support_rep, customer, django_capture_on_commit_callbacks, kind="complaint")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [support_manager.email]
    assert "Customer C" in mail.outbox[0].subject
    assert f"/support/tickets/{ticket.pk}/" in mail.outbox[0].body


def test_a_complaint_named_by_sales_goes_to_the_named_team_manager(
    django_capture_on_commit_callbacks, sales_rep, other_support_manager, customer, support_org
):
    open_ticket(
        sales_rep,
        customer,
        django_capture_on_commit_callbacks,
        kind="complaint",
        team=support_org["other_support_team"],
    )
    assert mail.outbox[0].to == [other_support_manager.email]


def test_a_question_emails_nobody(django_capture_on_commit_callbacks, support_rep, customer):
    open_ticket(support_rep, customer, django_capture_on_commit_callbacks, kind="question")
    assert mail.outbox == []


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks, support_rep, customer):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ticket_create(acting_user=support_rep, customer=customer, subject="x", kind="complaint")
    assert len(callbacks) == 1  # waiting for a commit that, here, never comes
    assert mail.outbox == []


def test_a_ticket_that_becomes_a_complaint_tells_the_manager_once(
    django_capture_on_commit_callbacks, support_rep, support_manager, customer
):
    ticket = open_ticket(support_rep, customer, django_capture_on_commit_callbacks, kind="question")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_update(acting_user=support_rep, ticket=ticket, kind="complaint")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_update(acting_user=support_rep, ticket=ticket, kind="incident")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_update(acting_user=support_rep, ticket=ticket, kind="complaint")
    assert [message.to for message in mail.outbox] == [[support_manager.email]]
