"""Control characters beyond the forms (issue 11, point 9).

- A CSV import refuses a row whose single-line cell holds a control character (a quoted line break, a tab).
- E-mail subjects composed from rows that already hold a line break (written before the checks, via the
  ORM here) stay one line, and an address holding one is left out: a row cannot add a header.
- A notification that fails (the mail backend raising, the broker away) never turns the committed write
  into a 500, with tasks in-process (no broker) too: the write answers its success and the failure is
  recorded as a TaskFailure.
"""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.authtoken.models import Token

from crm.customers.models import Customer
from crm.imports.models import ImportJob, ImportState
from crm.platform.control_characters import SINGLE_LINE_MESSAGE
from crm.platform.models import TaskFailure
from support.models import Ticket
from support.tasks import send_complaint_notice, send_survey_invitation
from tests.factories import CustomerFactory
from tests.support.factories import TicketFactory


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def portal(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.RoleModelBackend")
    return client


# CSV imports


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "label"), [('"Maple\nClinics"', "LF"), ('"Maple\r\nClinics"', "CRLF"), ("Maple\tClinics", "tab")]
)
def test_an_import_row_with_a_control_character_is_refused(
    cell, label, org, sales_rep, django_capture_on_commit_callbacks
):
    content = f"name,email\nGood Row,good@example.com\n{cell},bad@example.com\n".encode()
    upload = SimpleUploadedFile("import.csv", content, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the dry run is queued after the upload commits
        response = portal(sales_rep).post("/imports/new/", {"kind": "customers", "file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.state, job.total_rows, job.error_rows) == (ImportState.CHECKED, 2, 1)
    (error,) = job.dry_run_errors
    assert error["line"] == 3
    assert error["messages"] == {"name": [SINGLE_LINE_MESSAGE]}
    assert not Customer.objects.filter(name__startswith="Maple").exists()


# E-mail headers from rows that already hold a line break

BROKEN_NAME = "Maple\r\nBcc: victim@evil.example"
BROKEN_SUBJECT = "Printer\nX-Injected: yes"


def assert_one_line_headers(message: EmailMessage) -> None:
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    rendered = message.message()
    assert rendered["Bcc"] is None
    assert rendered["X-Injected"] is None
    assert "victim@evil.example" not in message.recipients()


@pytest.fixture
def broken_ticket(org, sales_rep, support_team):
    customer = CustomerFactory(owner=sales_rep, email="c@example.com")
    ticket = TicketFactory(customer=customer, team=support_team, subject="fine")
    # Rows written before the input checks (or around them): the ORM does not run validators.
    Customer.objects.filter(pk=customer.pk).update(name=BROKEN_NAME)
    Ticket.objects.filter(pk=ticket.pk).update(subject=BROKEN_SUBJECT)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.django_db(transaction=True)
def test_a_complaint_about_a_row_with_a_line_break(broken_ticket, support_rep, support_manager):
    """The notice goes out at the commit, inside the request: one-line subject, no injected header."""
    response = api(support_rep).patch(
        f"/api/v1/tickets/{broken_ticket.pk}/", {"kind": "complaint"}, content_type="application/json"
    )
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == [support_manager.email]
    assert_one_line_headers(message)
    assert message.subject == "New complaint from Maple Bcc: victim@evil.example: Printer X-Injected: yes"
    assert not TaskFailure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_survey_to_an_address_with_a_line_break_is_not_sent_there(broken_ticket, support_rep):
    Customer.objects.filter(pk=broken_ticket.customer_id).update(email="c@example.com\nBcc: victim@evil.example")
    response = api(support_rep).patch(
        f"/api/v1/tickets/{broken_ticket.pk}/", {"status": "resolved"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Ticket.objects.get(pk=broken_ticket.pk).status == "resolved"
    assert mail.outbox == []  # its only address is unusable: nothing sent, nothing injected
    assert not TaskFailure.objects.exists()


# A failing notification never fails the write


def raises(error):
    def fail(*args, **kwargs):
        raise error

    return fail


FAILURES = {
    "mail server away (retried, then recorded)": SMTPServerDisconnected("the mail server went away"),
    "a bug in the notice": ValueError("a bug"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", list(FAILURES))
class TestAFailingNotificationInProcess:
    """No broker (the laptop default, as in the tests): the task runs in-process right after the commit."""

    @pytest.fixture(autouse=True)
    def failing_mail(self, monkeypatch, failure):
        monkeypatch.setattr(EmailMessage, "send", raises(FAILURES[failure]))
        monkeypatch.setattr("celery.app.autoretry.get_exponential_backoff_interval", lambda **kwargs: 0)

    def test_creating_a_complaint_through_the_api(self, failure, org, sales_rep, support_rep):
        customer = CustomerFactory(owner=sales_rep)
        body = {"customer": customer.pk, "subject": "Broken", "kind": "complaint"}
        response = api(support_rep).post("/api/v1/tickets/", body, content_type="application/json")
        assert response.status_code == 201
        assert Ticket.objects.filter(pk=response.json()["id"], kind="complaint").exists()
        recorded = TaskFailure.objects.get()
        assert recorded.task_name == send_complaint_notice.name
        assert recorded.args == [response.json()["id"]]
        assert recorded.exception == type(FAILURES[failure]).__name__

    def test_creating_a_complaint_through_the_portal(self, failure, org, sales_rep, support_rep):
        customer = CustomerFactory(owner=sales_rep)
        form = {"customer": customer.pk, "subject": "Broken", "kind": "complaint", "priority": "normal"}
        response = portal(support_rep).post("/support/tickets/new/", form)
        ticket = Ticket.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/support/tickets/{ticket.pk}/"
        assert TaskFailure.objects.get().task_name == send_complaint_notice.name

    def test_resolving_a_ticket(self, failure, org, sales_rep, support_rep, support_team):
        ticket = TicketFactory(customer=CustomerFactory(owner=sales_rep, email="c@example.com"), team=support_team)
        response = api(support_rep).patch(
            f"/api/v1/tickets/{ticket.pk}/", {"status": "resolved"}, content_type="application/json"
        )
        assert response.status_code == 200
        assert Ticket.objects.get(pk=ticket.pk).status == "resolved"
        assert TaskFailure.objects.get().task_name == send_survey_invitation.name


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_cannot_be_reached(org, sales_rep, support_rep, monkeypatch):
    """With a broker configured but away, the complaint is still created and the lost task recorded."""
    monkeypatch.setitem(send_complaint_notice.app.conf, "task_always_eager", False)
    monkeypatch.setattr(send_complaint_notice, "apply_async", raises(BrokerError("connection refused")))
    customer = CustomerFactory(owner=sales_rep)
    body = {"customer": customer.pk, "subject": "Broken", "kind": "complaint"}
    response = api(support_rep).post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 201
    recorded = TaskFailure.objects.get()
    assert (recorded.task_name, recorded.exception) == (send_complaint_notice.name, "OperationalError")
    assert recorded.args == [response.json()["id"]]
