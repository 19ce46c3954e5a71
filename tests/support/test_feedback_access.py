"""ACCESS.md, "Feedback F": view follows the ticket (or, about no ticket, the customer);
create: staff who can view the customer; change and delete: admin. API and portal."""

import pytest

from support.models import Feedback, FeedbackSource

from .factories import FeedbackFactory
from .scenario import CUSTOMER_VIEWERS, TICKET_EXPECTED, TICKET_RELATIONS, VIEW, arrange

pytestmark = pytest.mark.django_db


@pytest.fixture
def about_ticket(ticket):
    return FeedbackFactory(customer=ticket.customer, ticket=ticket, rating=2, comment="About the ticket")


@pytest.fixture
def about_customer(customer):
    return FeedbackFactory(customer=customer, rating=5, comment="About the customer")


def viewers_of(which: str) -> set[str]:
    if which == "ticket":
        return {name for name, allowed in TICKET_EXPECTED.items() if VIEW in allowed}
    return CUSTOMER_VIEWERS


def refused(relation, visible: bool) -> int:
    if relation.actor is None:
        return 401
    return 403 if visible else 404


@pytest.mark.parametrize("relation", TICKET_RELATIONS, ids=lambda r: r.name)
class TestFeedbackAccess:
    @pytest.mark.parametrize("which", ["ticket", "customer"])
    def test_view_through_api(self, relation, request, api, customer, about_ticket, about_customer, which):
        user = arrange(relation, request, customer)
        feedback = about_ticket if which == "ticket" else about_customer
        visible = relation.name in viewers_of(which)
        listing = api.as_user(user).get("/api/v1/feedback/")
        detail = api.as_user(user).get(f"/api/v1/feedback/{feedback.pk}/")
        if relation.actor is None:
            assert (listing.status_code, detail.status_code) == (401, 401)
            return
        assert (feedback.pk in [row["id"] for row in listing.json()["results"]]) == visible
        assert detail.status_code == (200 if visible else 404)
        if not visible:
            assert feedback.comment not in detail.content.decode()

    def test_view_through_portal(self, relation, request, portal, customer, about_ticket, about_customer):
        user = arrange(relation, request, customer)
        response = portal.as_user(user).get("/support/feedback/")
        if relation.actor is None:
            assert response.status_code == 302
            return
        page = response.content.decode()
        assert (f'data-feedback-id="{about_ticket.pk}"' in page) == (relation.name in viewers_of("ticket"))
        assert (f'data-feedback-id="{about_customer.pk}"' in page) == (relation.name in viewers_of("customer"))

    @pytest.mark.parametrize("which", ["ticket", "customer"])
    def test_create_through_api(self, relation, request, api, customer, ticket, which):
        user = arrange(relation, request, customer)
        body = {"customer": customer.pk, "rating": 3, "comment": "Called to say thanks"}
        if which == "ticket":
            body["ticket"] = ticket.pk
        response = api.as_user(user).post("/api/v1/feedback/", body)
        if relation.name in viewers_of(which):
            assert response.status_code == 201, response.content
            feedback = Feedback.objects.get(comment="Called to say thanks")
            assert (feedback.source, feedback.recorded_by) == (FeedbackSource.STAFF, user)
        else:
            # An invisible customer or ticket is answered like a missing one.
            assert response.status_code == (401 if relation.actor is None else 400)
            assert not Feedback.objects.exists()

    @pytest.mark.parametrize("which", ["ticket", "customer"])
    def test_create_through_portal(self, relation, request, portal, customer, ticket, which):
        user = arrange(relation, request, customer)
        url = f"/support/feedback/new/?ticket={ticket.pk}" if which == "ticket" else "/support/feedback/new/"
        form = {"rating": 3, "comment": "Called to say thanks"}
        if which == "customer":
            form["customer"] = customer.pk
        else:
            form["ticket"] = ticket.pk
        response = portal.as_user(user).post(url, form)
        if relation.name in viewers_of(which):
            assert response.status_code == 302
            assert Feedback.objects.filter(comment="Called to say thanks", recorded_by=user).exists()
        else:
            expected = {None: 302}.get(relation.actor, 404 if which == "ticket" else 200)
            assert response.status_code == expected  # 200: the form again, the customer is no choice
            assert not Feedback.objects.exists()

    def test_change_and_delete_admin_only(self, relation, request, api, customer, about_ticket, about_customer):
        user = arrange(relation, request, customer)
        client = api.as_user(user)
        for which, feedback in (("ticket", about_ticket), ("customer", about_customer)):
            visible = relation.name in viewers_of(which)
            change = client.patch(f"/api/v1/feedback/{feedback.pk}/", {"rating": 1})
            delete = client.delete(f"/api/v1/feedback/{feedback.pk}/")
            if relation.name == "admin":
                assert (change.status_code, delete.status_code) == (200, 204)
                continue
            assert change.status_code == refused(relation, visible)
            assert delete.status_code == refused(relation, visible)
            assert Feedback.objects.get(pk=feedback.pk).rating == feedback.rating

    def test_has_perm_agrees(self, relation, request, customer, about_ticket, about_customer):
        user = arrange(relation, request, customer)
        if user is None:
            return
        for which, feedback in (("ticket", about_ticket), ("customer", about_customer)):
            fresh = Feedback.objects.get(pk=feedback.pk)
            assert user.has_perm("support.view_feedback", fresh) == (relation.name in viewers_of(which))
            assert user.has_perm("support.change_feedback", fresh) == (relation.name == "admin")
            assert user.has_perm("support.delete_feedback", fresh) == (relation.name == "admin")
