"""Control characters in the portal and Django admin (issue 11, point 9): each page's text inputs, discovered
from the form the page renders, refuse them with a form error and change nothing; textareas keep line breaks.
"""

import pytest
from django import forms
from django.db import models
from django.test import Client

from crm.customers.models import Contact, Customer
from crm.platform.control_characters import MULTI_LINE_MESSAGE, SINGLE_LINE_MESSAGE
from sales.models import Opportunity
from support.models import Ticket
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory
from tests.support.factories import TicketFactory

from .test_control_characters import MULTI_LINE_ALLOWED, MULTI_LINE_REFUSED, SINGLE_LINE_REFUSED


def portal_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.RoleModelBackend")
    return client


def text_inputs(form) -> dict[str, bool]:
    """The form's text fields: name -> is multi-line (a textarea)."""
    return {
        name: isinstance(field.widget, forms.Textarea)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput)
    }


def model_form_text_inputs(form) -> dict[str, bool]:
    found = text_inputs(form)
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:  # a model form's CharFields render as inputs; its TextFields as textareas
        for name in list(found):
            try:
                found[name] = isinstance(model._meta.get_field(name), models.TextField)
            except Exception:  # noqa: S112 - a declared field that is not the model's
                continue
    return found


PORTAL_PAGES = {
    "new customer": ("sales_rep", "/customers/new/", lambda ctx: {"name": "Valid", "email": "v@example.com"}),
    "edit customer": (
        "sales_rep",
        "/customers/{customer}/edit/",
        lambda ctx: {"name": "Valid", "version": ctx["customer"].version},
    ),
    "new contact": (
        "sales_rep",
        "/customers/{customer}/contacts/new/",
        lambda ctx: {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"},
    ),
    "new opportunity": (
        "sales_rep",
        "/sales/opportunities/new/",
        lambda ctx: {"customer": ctx["customer"].pk, "name": "Deal", "stage": "prospecting", "amount": "10"},
    ),
    "edit contact": (
        "sales_rep",
        "/customers/{customer}/contacts/{contact}/edit/",
        lambda ctx: {"first_name": "Ann", "last_name": "Lee", "version": ctx["contact"].version},
    ),
    "edit opportunity": (
        "sales_rep",
        "/sales/opportunities/{opportunity}/edit/",
        lambda ctx: {
            "customer": ctx["customer"].pk,
            "name": "Deal",
            "stage": "prospecting",
            "amount": "10",
            "version": ctx["opportunity"].version,
        },
    ),
    "new ticket": (
        "support_rep",
        "/support/tickets/new/",
        lambda ctx: {"customer": ctx["customer"].pk, "subject": "Valid", "kind": "question", "priority": "normal"},
    ),
    # The reply is posted from the ticket page; a refused one answers 400 with the page and its reply form.
    "reply": ("support_rep", "/support/tickets/{ticket}/messages/", lambda ctx: {"body": "Valid"}),
    "new feedback": (
        "support_rep",
        "/support/feedback/new/",
        lambda ctx: {"customer": ctx["customer"].pk, "rating": "4", "comment": "Valid"},
    ),
}


@pytest.fixture
def records(org, sales_rep, support_team):
    customer = CustomerFactory(owner=sales_rep, name="Steady", email="steady@example.com")
    ticket = TicketFactory(customer=customer, team=support_team, subject="Steady")
    contact = Contact.objects.create(customer=customer, first_name="Steady", last_name="Contact")
    opportunity = OpportunityFactory(customer=customer, name="Steady")
    return {"customer": customer, "ticket": ticket, "contact": contact, "opportunity": opportunity}


def _page_form(client, url):
    page = client.get(url)
    if page.status_code == 405:  # a POST-only endpoint (the reply): its form is the ticket page's
        return None
    assert page.status_code == 200, url
    return page.context.get("form")


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PORTAL_PAGES))
def test_every_portal_text_input_refuses_control_characters(page, request, records):
    persona, url_pattern, valid = PORTAL_PAGES[page]
    client = portal_client(request.getfixturevalue(persona))
    url = url_pattern.format(**{name: record.pk for name, record in records.items()})
    form = _page_form(client, url)
    if form is None:
        from support.forms import MessageForm

        form = MessageForm()
    inputs = model_form_text_inputs(form)
    assert inputs, page
    counts = (Customer.objects.count(), Ticket.objects.count())
    for name, multi_line in inputs.items():
        refused = MULTI_LINE_REFUSED if multi_line else SINGLE_LINE_REFUSED
        for label, value in refused.items():
            if label == "NUL":
                continue  # a browser cannot send it in a form; Django's own check answers it
            body = {**valid(records), name: value}
            response = client.post(url, body)
            refused_status, form_key = (400, "reply_form") if page == "reply" else (200, "form")
            assert response.status_code == refused_status, (page, name, label, response.status_code)
            errors = response.context[form_key].errors
            message = MULTI_LINE_MESSAGE if multi_line else SINGLE_LINE_MESSAGE
            assert message in errors.get(name, []), (page, name, label, errors)
    assert (Customer.objects.count(), Ticket.objects.count()) == counts
    records["customer"].refresh_from_db()
    records["ticket"].refresh_from_db()
    assert records["customer"].name == "Steady"
    assert records["ticket"].subject == "Steady"
    assert Contact.objects.get(pk=records["contact"].pk).first_name == "Steady"
    assert Opportunity.objects.get(pk=records["opportunity"].pk).name == "Steady"
    assert not records["ticket"].messages.exists()


@pytest.mark.django_db
def test_a_reply_keeps_its_line_breaks(records, support_rep):
    client = portal_client(support_rep)
    response = client.post(f"/support/tickets/{records['ticket'].pk}/messages/", {"body": MULTI_LINE_ALLOWED})
    assert response.status_code == 302
    assert records["ticket"].messages.get().body == MULTI_LINE_ALLOWED


# Django admin


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["LF", "CR", "tab", "ESC"])
def test_django_admin_refuses_them_too(label, admin, sales_team):
    client = portal_client(admin)
    value = SINGLE_LINE_REFUSED[label]
    response = client.post(f"/admin/accounts/team/{sales_team.pk}/change/", {"name": value, "kind": "sales"})
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.context["adminform"].form.errors["name"]
    sales_team.refresh_from_db()
    assert sales_team.name != value
