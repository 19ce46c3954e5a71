"""Failures: the database going away mid-request answers 503 (a page for the portal, JSON for the
API) and leaves nothing half-written; a failing background task retries with backoff and ends in a
failed state that admins see (and may run again) in Django admin.

(A worker killed in the middle of a task is in test_worker_kill.py: it needs a real worker.)
"""

from smtplib import SMTPServerDisconnected

import celery.app.autoretry
import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from rest_framework.authtoken.models import Token

from crm.platform.background import MAX_RETRIES, RETRY_BACKOFF_MAX_SECONDS
from crm.platform.models import TaskFailure
from sales.models import Order, OrderLine
from support.models import SentEmail, Ticket, TicketMessage
from support.tasks import send_complaint_notice
from tests.factories import CustomerFactory
from tests.sales.factories import ProductFactory
from tests.support.factories import TicketFactory

LOST = "server closed the connection unexpectedly"


def raises(error):
    def fail(*args, **kwargs):
        raise error

    return fail


def api(user):
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def portal_as(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="accounts.backends.RoleModelBackend")
    return client


# The database away: 503, never 500, and nothing half-written


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError(LOST), InterfaceError("connection already closed")])
class TestDatabaseUnavailable:
    def test_the_portal_answers_a_503_page(self, error, org, sales_rep, monkeypatch):
        monkeypatch.setattr("crm.customers.selectors.customer_list", raises(error))
        response = portal_as(sales_rep).get("/customers/")
        assert response.status_code == 503
        assert response["Content-Type"].startswith("text/html")
        assert response["Retry-After"] == "10"
        assert "briefly unavailable" in response.content.decode()
        assert "nothing was changed" in response.content.decode()
        assert response["X-Frame-Options"] == "DENY"
        assert "unsafe-inline" not in response["Content-Security-Policy"]

    def test_the_api_answers_503_json(self, error, org, sales_rep, monkeypatch):
        monkeypatch.setattr("crm.customers.selectors.customer_list", raises(error))
        response = Client(raise_request_exception=False).get("/api/v1/customers/", **api(sales_rep))
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert response.json() == {
            "detail": "The service cannot reach its database just now; nothing was changed. Try again in a moment."
        }

    def test_outside_the_view_too(self, error, org, sales_rep, monkeypatch):
        """A middleware meeting the lost database (here the session's save) is answered 503 as well."""
        monkeypatch.setattr("django.contrib.sessions.middleware.SessionMiddleware.process_response", raises(error))
        assert Client(raise_request_exception=False).get("/login/").status_code == 503
        assert Client(raise_request_exception=False).get("/api/v1/schema/").status_code == 503


@pytest.mark.django_db
def test_other_server_errors_answer_500_json_on_the_api(org, sales_rep, monkeypatch):
    monkeypatch.setattr("crm.customers.selectors.customer_list", raises(RuntimeError("a bug")))
    response = Client(raise_request_exception=False).get("/api/v1/customers/", **api(sales_rep))
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side; the error was logged."}
    page = portal_as(sales_rep).get("/customers/")
    assert page.status_code == 500
    assert "Something went wrong" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_order_whose_second_line_meets_the_lost_database_is_not_half_written(org, sales_rep, monkeypatch):
    customer = CustomerFactory(owner=sales_rep)
    first, second = ProductFactory(), ProductFactory()
    saved = []
    real_save = OrderLine.save

    def save_then_lose_the_database(line, *args, **kwargs):
        if saved:
            raise OperationalError(LOST)
        saved.append(line)
        real_save(line, *args, **kwargs)

    monkeypatch.setattr(OrderLine, "save", save_then_lose_the_database)
    body = {
        "customer": customer.pk,
        "lines": [{"product": first.pk, "quantity": 1}, {"product": second.pk, "quantity": 2}],
    }
    response = Client(raise_request_exception=False).post(
        "/api/v1/orders/", body, content_type="application/json", **api(sales_rep)
    )
    assert response.status_code == 503
    assert len(saved) == 1  # the order and its first line were written, then the database went away
    assert Order.objects.count() == 0  # and none of it was committed
    assert OrderLine.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_reply_whose_save_meets_the_lost_database_leaves_the_ticket_as_it_was(org, support_rep, monkeypatch):
    ticket = TicketFactory(customer=CustomerFactory(), team=org["support_team"], subject="Printer")
    monkeypatch.setattr(TicketMessage, "save", raises(InterfaceError("connection already closed")))
    response = portal_as(support_rep).post(f"/support/tickets/{ticket.pk}/messages/", {"body": "On it."})
    assert response.status_code == 503
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.version, stored.status, stored.first_response_at) == (1, "new", None)  # the first-response update
    assert not TicketMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_connection_killed_mid_request(org, sales_rep, monkeypatch):
    """The real thing on PostgreSQL: the server ends the request's connection between two writes."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL, whose server can end a connection (pg_terminate_backend)")
    customer = CustomerFactory(owner=sales_rep)
    product = ProductFactory()
    real_full_clean = OrderLine.full_clean

    def terminate_then_continue(line, *args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        real_full_clean(line, *args, **kwargs)

    monkeypatch.setattr(OrderLine, "full_clean", terminate_then_continue)
    body = {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": 1}]}
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/orders/", body, content_type="application/json", **api(sales_rep))
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The service cannot reach its database")
    connection.close()  # this test shares the request's (dead) connection
    assert Order.objects.count() == 0
    monkeypatch.undo()
    retried = client.post("/api/v1/orders/", body, content_type="application/json", **api(sales_rep))
    assert retried.status_code == 201  # the next request gets a new connection
    assert Order.objects.count() == 1


# Background tasks: retries with backoff, then a failure admins see


def run_like_a_worker(ticket_id):
    """Run the task here as a worker would: its retries run at once (the delays are asked, not waited)."""
    return send_complaint_notice.apply(args=[ticket_id], throw=False)


@pytest.fixture
def complaint(org, monkeypatch):
    # A worker keeps a task's error to itself (and retries it); in-process tasks hand it to the caller.
    monkeypatch.setitem(send_complaint_notice.app.conf, "task_eager_propagates", False)
    return TicketFactory(customer=CustomerFactory(), team=org["support_team"], subject="Broken", kind="complaint")


@pytest.fixture
def backoff(monkeypatch):
    """The retry delays the tasks ask for, without their random jitter (which only ever shortens them)."""
    asked = []
    real = celery.app.autoretry.get_exponential_backoff_interval

    def without_jitter(**kwargs):
        delay = real(**{**kwargs, "full_jitter": False})
        asked.append(delay)
        return delay

    monkeypatch.setattr(celery.app.autoretry, "get_exponential_backoff_interval", without_jitter)
    return asked


@pytest.fixture
def mail_server(monkeypatch):
    """A mail server that refuses the first `down_for` sends."""

    class Server:
        down_for = 0
        attempts = 0

    real_send = EmailMessage.send

    def send(message, fail_silently=False):
        Server.attempts += 1
        if Server.attempts <= Server.down_for:
            raise SMTPServerDisconnected("the mail server went away")
        return real_send(message, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", send)
    return Server


@pytest.mark.django_db
def test_a_failing_task_retries_with_backoff_then_is_recorded(complaint, mail_server, backoff, admin):
    mail_server.down_for = 100
    result = run_like_a_worker(complaint.pk)
    assert result.failed()
    assert isinstance(result.result, SMTPServerDisconnected)
    assert mail_server.attempts == 1 + MAX_RETRIES
    # The delays of the five retries: exponential, each well inside the broker's visibility timeout.
    assert backoff[:MAX_RETRIES] == [2, 4, 8, 16, 32]
    assert max(backoff) <= RETRY_BACKOFF_MAX_SECONDS
    failure = TaskFailure.objects.get()
    assert failure.task_name == "support.tasks.send_complaint_notice"
    assert failure.args == [complaint.pk]
    assert failure.exception == "SMTPServerDisconnected"
    assert failure.message == "the mail server went away"
    assert failure.retries == MAX_RETRIES
    assert "SMTPServerDisconnected" in failure.traceback
    assert not SentEmail.objects.filter(sent_at__isnull=False).exists()
    page = portal_as(admin).get("/admin/crm/taskfailure/")
    assert "support.tasks.send_complaint_notice" in page.content.decode()
    assert "the mail server went away" in page.content.decode()


@pytest.mark.django_db
def test_a_passing_fault_is_retried_away(complaint, mail_server, backoff):
    mail_server.down_for = 2
    assert run_like_a_worker(complaint.pk).get() is True
    assert mail_server.attempts == 3
    assert backoff == [2, 4]
    assert len(mail.outbox) == 1
    assert not TaskFailure.objects.exists()


@pytest.mark.django_db
def test_a_bug_is_not_retried_but_recorded_at_once(complaint, monkeypatch, backoff):
    monkeypatch.setattr("support.notifications.send_complaint_notice", raises(ValueError("a bug")))
    assert run_like_a_worker(complaint.pk).failed()
    assert backoff == []
    assert TaskFailure.objects.get().exception == "ValueError"


@pytest.mark.django_db
def test_the_tasks_jitter_their_retries():
    assert send_complaint_notice.retry_jitter is True
    assert send_complaint_notice.acks_late is True


@pytest.mark.django_db
def test_an_admin_runs_a_failed_task_again(complaint, mail_server, admin, django_capture_on_commit_callbacks):
    mail_server.down_for = 100
    run_like_a_worker(complaint.pk)
    failure = TaskFailure.objects.get()
    mail_server.down_for = 0  # the mail server is back
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_as(admin).post(
            "/admin/crm/taskfailure/", {"action": "run_again", "_selected_action": [failure.pk]}
        )
    assert response.status_code == 302
    assert not TaskFailure.objects.exists()
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get(key=f"complaint:{complaint.pk}").sent_at is not None
