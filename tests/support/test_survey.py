"""Feedback by survey: resolving a ticket e-mails the customer a signed, expiring link; the
public page takes one answer, with CSRF and a rate limit, and refuses a second answer, an
expired link and a tampered one with a clear page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client

from support.models import Feedback, FeedbackSource, SentEmail
from support.services import tickets as services
from support.survey import SURVEY_SALT, survey_token
from support.views.survey import SURVEY_POSTS_PER_WINDOW
from tests.factories import ContactFactory

from .factories import TicketFactory

pytestmark = pytest.mark.django_db


def resolve(user, ticket, capture):
    with capture(execute=True):
        return services.ticket_update(acting_user=user, ticket=ticket, status="resolved")


def link_in(message) -> str:
    return re.search(r"http://\S+(/support/survey/\S+/)", message.body).group(1)


@pytest.fixture
def survey_url(ticket, support_rep, django_capture_on_commit_callbacks):
    resolve(support_rep, ticket, django_capture_on_commit_callbacks)
    return link_in(mail.outbox[0])


def test_resolving_emails_the_customer_a_link(ticket, support_rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ticket_update(acting_user=support_rep, ticket=ticket, status="resolved")
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["c@example.com"]
    assert "/support/survey/" in mail.outbox[0].body


def test_the_contact_gets_it_when_the_ticket_names_one(
    customer, support_org, support_rep, django_capture_on_commit_callbacks
):
    contact = ContactFactory(customer=customer, email="pat@example.com")
    ticket = TicketFactory(customer=customer, contact=contact, team=support_org["support_team"])
    resolve(support_rep, ticket, django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["pat@example.com"]


def test_resolving_again_sends_no_second_survey(ticket, support_rep, django_capture_on_commit_callbacks):
    ticket = resolve(support_rep, ticket, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_update(acting_user=support_rep, ticket=ticket, status="open")
    resolve(support_rep, ticket, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(key=f"survey:{ticket.pk}").count() == 1


def test_the_link_takes_one_answer(client, ticket, survey_url):
    page = client.get(survey_url)
    assert page.status_code == 200
    assert "Ticket T" in page.content.decode()

    answer = client.post(survey_url, {"rating": 5, "comment": "Great help"})
    assert answer.status_code == 200
    assert "Thank you" in answer.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.ticket, feedback.customer, feedback.rating, feedback.comment, feedback.source) == (
        ticket,
        ticket.customer,
        5,
        "Great help",
        FeedbackSource.SURVEY,
    )

    again = client.post(survey_url, {"rating": 1, "comment": "Changed my mind"})
    assert again.status_code == 409
    assert "Already answered" in again.content.decode()
    assert client.get(survey_url).status_code == 409
    assert Feedback.objects.get().rating == 5


def test_an_expired_link_is_refused(client, survey_url):
    with time_machine.travel(timedelta(days=15)):
        response = client.post(survey_url, {"rating": 4})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_link_still_works_within_its_two_weeks(client, survey_url):
    with time_machine.travel(timedelta(days=13)):
        assert client.post(survey_url, {"rating": 4}).status_code == 200
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("tamper", ["change a character", "another ticket", "another salt", "garbage"])
def test_a_tampered_link_is_refused(client, ticket, survey_url, tamper):
    token = survey_url.removeprefix("/support/survey/").removesuffix("/")
    forged = {
        "change a character": token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:],
        "another ticket": token.replace(token.split(":")[0], signing.dumps({"ticket": ticket.pk + 1}).split(":")[0]),
        "another salt": signing.dumps({"ticket": ticket.pk}, salt="something.else", compress=True),
        "garbage": "not-a-token",
    }[tamper]
    response = client.post(f"/support/survey/{forged}/", {"rating": 1})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_genuine_link_to_a_missing_ticket_is_refused(client, ticket):
    token = signing.dumps({"ticket": ticket.pk + 1000}, salt=SURVEY_SALT, compress=True)
    assert client.get(f"/support/survey/{token}/").status_code == 400


@pytest.mark.parametrize("rating", [0, 6, "", "five"])
def test_a_bad_rating_shows_the_form_again(client, survey_url, rating):
    response = client.post(survey_url, {"rating": rating})
    assert response.status_code == 400
    assert "rating" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_the_answer_needs_the_csrf_token(ticket, survey_url):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(survey_url, {"rating": 5}).status_code == 403
    assert not Feedback.objects.exists()
    page = browser.get(survey_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert browser.post(survey_url, {"rating": 5, "csrfmiddlewaretoken": token}).status_code == 200
    assert Feedback.objects.count() == 1


def test_answers_are_rate_limited_per_address(client, customer, support_org):
    tickets = [
        TicketFactory(customer=customer, team=support_org["support_team"]) for _ in range(SURVEY_POSTS_PER_WINDOW + 1)
    ]
    urls = [f"/support/survey/{survey_token(ticket)}/" for ticket in tickets]
    for url in urls[:-1]:
        assert client.post(url, {"rating": 3}).status_code == 200
    throttled = client.post(urls[-1], {"rating": 3})
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.content.decode()
    assert Feedback.objects.count() == SURVEY_POSTS_PER_WINDOW
    elsewhere = client.post(urls[-1], {"rating": 3}, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 200


def test_the_page_needs_no_login_and_shows_no_staff_navigation(client, survey_url):
    page = client.get(survey_url).content.decode()
    assert "Log out" not in page
    assert "/customers/" not in page
