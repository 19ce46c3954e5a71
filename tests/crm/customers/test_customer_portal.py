"""The customer portal beyond the access table: forms, validation, versions, htmx fragments."""

import html
import re

import pytest

from crm.customers.models import Activity, Contact, Customer
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


class TestCreate:
    def test_a_salesperson_creates_a_customer_they_own(self, org, portal, sales_rep):
        client = portal.as_user(sales_rep)
        form_page = client.get("/customers/new/").content.decode()
        assert 'name="owner"' not in form_page
        response = client.post("/customers/new/", {"name": "Newco", "email": "hi@newco.example"})
        customer = Customer.objects.get(name="Newco")
        assert response.status_code == 302
        assert response["Location"] == f"/customers/{customer.pk}/"
        assert customer.owner == sales_rep

    def test_a_manager_picks_an_owner_among_their_members(self, org, portal, sales_manager, teammate, other_rep):
        client = portal.as_user(sales_manager)
        form_page = client.get("/customers/new/").content.decode()
        assert f'value="{teammate.pk}"' in form_page
        assert f'value="{other_rep.pk}"' not in form_page
        assert client.post("/customers/new/", {"name": "Newco", "owner": teammate.pk}).status_code == 302
        assert Customer.objects.get(name="Newco").owner == teammate

    def test_a_manager_may_not_pick_another_teams_member(self, org, portal, sales_manager, other_rep):
        response = portal.as_user(sales_manager).post("/customers/new/", {"name": "Newco", "owner": other_rep.pk})
        assert response.status_code == 200
        assert "owner" in response.context["form"].errors
        assert not Customer.objects.filter(name="Newco").exists()

    def test_support_gets_no_create_form(self, org, portal, support_rep):
        assert portal.as_user(support_rep).get("/customers/new/").status_code == 403
        assert portal.as_user(support_rep).post("/customers/new/", {"name": "Newco"}).status_code == 403
        assert not Customer.objects.filter(name="Newco").exists()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"name": "Nul\x00"}, "name"),
            ({"name": "Ok", "email": "nope"}, "email"),
        ],
    )
    def test_bad_input_is_a_form_error_and_writes_nothing(self, org, portal, sales_rep, data, field):
        response = portal.as_user(sales_rep).post("/customers/new/", data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert b"errorlist" in response.content
        assert Customer.objects.count() == 0


class TestEdit:
    def test_a_stale_form_is_refused_and_nothing_is_overwritten(self, org, portal, sales_rep):
        customer = CustomerFactory(name="Before", owner=sales_rep)
        client = portal.as_user(sales_rep)
        assert client.post(f"/customers/{customer.pk}/edit/", {"name": "First", "version": 1}).status_code == 302
        response = client.post(f"/customers/{customer.pk}/edit/", {"name": "Second", "version": 1})
        assert response.status_code == 200
        assert (
            "This customer was changed while you were editing it; your change was not saved. Reload it and try again."
            in response.content.decode()
        )
        customer.refresh_from_db()
        assert (customer.name, customer.version) == ("First", 2)

    def test_the_edit_form_is_refused_to_a_viewer(self, org, portal, support_rep, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        assert portal.as_user(support_rep).get(f"/customers/{customer.pk}/edit/").status_code == 403


class TestNotesAndContacts:
    def test_an_htmx_note_returns_only_the_timeline_fragment(self, org, portal, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        response = portal.as_user(sales_rep).post(
            f"/customers/{customer.pk}/activities/", {"kind": "call", "body": "Rang them"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Rang them" in body
        assert "<html" not in body
        assert Activity.objects.get(customer=customer).author == sales_rep

    def test_an_empty_note_is_400_with_the_form_error(self, org, portal, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        response = portal.as_user(sales_rep).post(
            f"/customers/{customer.pk}/activities/", {"kind": "note", "body": ""}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400
        assert "errorlist" in response.content.decode()
        assert not Activity.objects.exists()

    def test_a_bad_kind_is_refused(self, org, portal, sales_rep):
        customer = CustomerFactory(owner=sales_rep)
        response = portal.as_user(sales_rep).post(f"/customers/{customer.pk}/activities/", {"kind": "x", "body": "b"})
        assert response.status_code == 400
        assert not Activity.objects.exists()

    def test_contacts_are_added_edited_and_deleted_by_who_may_change(self, org, portal, sales_rep, support_rep):
        customer = CustomerFactory(owner=sales_rep)
        client = portal.as_user(sales_rep)
        assert client.post(f"/customers/{customer.pk}/contacts/new/", {"first_name": "Ann"}).status_code == 302
        contact = Contact.objects.get(customer=customer)
        url = f"/customers/{customer.pk}/contacts/{contact.pk}/"
        assert client.post(f"{url}edit/", {"first_name": "Anne", "version": 1}).status_code == 302
        viewer = portal.as_user(support_rep)
        assert viewer.post(f"{url}edit/", {"first_name": "Hacked", "version": 2}).status_code == 403
        assert viewer.post(f"{url}delete/").status_code == 403
        contact.refresh_from_db()
        assert contact.first_name == "Anne"
        assert portal.as_user(sales_rep).post(f"{url}delete/").status_code == 302
        assert not Contact.objects.filter(pk=contact.pk).exists()

    def test_a_contact_of_another_customer_is_not_found(self, org, portal, sales_rep, other_rep):
        mine = CustomerFactory(owner=sales_rep)
        theirs = ContactFactory(customer=CustomerFactory(owner=other_rep))
        response = portal.as_user(sales_rep).get(f"/customers/{mine.pk}/contacts/{theirs.pk}/edit/")
        assert response.status_code == 404


class TestListPage:
    def test_the_htmx_list_request_gets_the_results_fragment(self, org, portal, sales_rep):
        CustomerFactory(name="Alpha", owner=sales_rep)
        CustomerFactory(name="Beta", owner=sales_rep)
        response = portal.as_user(sales_rep).get("/customers/", {"search": "alp"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "Alpha" in body
        assert "Beta" not in body
        assert "<html" not in body

    def test_sorting_and_paging(self, org, portal, sales_rep):
        for n in range(30):
            CustomerFactory(name=f"Firm {n:02d}", owner=sales_rep)
        client = portal.as_user(sales_rep)
        first = client.get("/customers/", {"ordering": "-name"}).content.decode()
        assert first.index("Firm 29") < first.index("Firm 28")
        assert "30 customers" in first
        next_query = re.search(r'rel="next"[^>]*href="\?([^"]+)"', first).group(1)
        second = client.get(f"/customers/?{html.unescape(next_query)}").content.decode()
        assert "Firm 00" in second
        assert "Firm 29" not in second
        assert 'rel="next"' not in second
        previous_query = re.search(r'rel="prev"[^>]*href="\?([^"]+)"', second).group(1)
        back = client.get(f"/customers/?{html.unescape(previous_query)}").content.decode()
        assert "Firm 29" in back
        assert "Firm 05" in back
        assert "Firm 04" not in back

    def test_an_unknown_ordering_or_bad_page_falls_back(self, org, portal, sales_rep):
        CustomerFactory(owner=sales_rep)
        client = portal.as_user(sales_rep)
        assert client.get("/customers/", {"ordering": "password"}).status_code == 200
        assert client.get("/customers/", {"page": "zzz"}).status_code == 200
        assert client.get("/customers/", {"after": "zzz"}).status_code == 200
        assert client.get("/customers/", {"before": "eyJvIjpbIm5hbWUiXX0"}).status_code == 200
        assert client.get("/customers/", {"owner": "abc"}).status_code == 200


class TestSessions:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get("/customers/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/customers/"

    def test_log_in_and_out(self, org, client, sales_rep, password):
        response = client.post("/login/", {"username": "sales_rep", "password": password})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert client.post("/logout/").status_code == 302
        assert client.get("/").status_code == 302

    def test_a_wrong_password_is_refused_with_a_message(self, org, client):
        response = client.post("/login/", {"username": "sales_rep", "password": "wrong"})
        assert response.status_code == 200
        assert "enter a correct username and password" in response.content.decode()

    def test_navigation_follows_the_role(self, org, portal, admin, sales_rep):
        assert "/admin/" in portal.as_user(admin).get("/").content.decode()
        assert "/admin/" not in portal.as_user(sales_rep).get("/").content.decode()


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
