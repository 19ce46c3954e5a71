"""SLA policies are bounded (issue 11, point 11): each target is 1 to SLA_TARGET_MAX_MINUTES minutes, the first
response is not due after the resolution, and every way of missing that reads the same words, on the policy's
admin page and in the admin list's editable columns. Ticket creation never answers 500 for a due time out of range.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import DataError, IntegrityError, transaction

from support.models import (
    SLA_TARGET_MAX_MINUTES,
    SLA_TARGET_ORDER_MESSAGE,
    SLA_TARGET_RANGE_MESSAGE,
    SlaPolicy,
    Ticket,
)
from support.sla import LATEST_DUE_AT

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OUT_OF_RANGE = ["0", "-1", str(SLA_TARGET_MAX_MINUTES + 1), "99999999999999", "1e3", "abc", "4294967296"]


def change_url(policy) -> str:
    return f"/admin/support/slapolicy/{policy.pk}/change/"


def page_post(client, policy, first_response, resolution):
    return client.post(
        change_url(policy),
        {"priority": policy.priority, "first_response_minutes": first_response, "resolution_minutes": resolution},
    )


def stored(priority: str) -> tuple[int, int]:
    policy = SlaPolicy.objects.get(priority=priority)
    return policy.first_response_minutes, policy.resolution_minutes


@pytest.fixture
def high(db) -> SlaPolicy:
    return SlaPolicy.objects.get(priority="high")


@pytest.fixture
def admin_client(portal, admin):
    return portal.as_user(admin)


class TestThePolicyPage:
    @pytest.mark.parametrize("value", OUT_OF_RANGE)
    def test_a_resolution_target_out_of_range_is_refused(self, admin_client, high, value):
        before = stored("high")
        response = page_post(admin_client, high, "60", value)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {"resolution_minutes": [SLA_TARGET_RANGE_MESSAGE]}
        assert stored("high") == before

    @pytest.mark.parametrize("value", OUT_OF_RANGE)
    def test_a_first_response_target_out_of_range_is_refused(self, admin_client, high, value):
        before = stored("high")
        response = page_post(admin_client, high, value, "60")
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {"first_response_minutes": [SLA_TARGET_RANGE_MESSAGE]}
        assert stored("high") == before

    def test_a_first_response_after_the_resolution_is_refused(self, admin_client, high):
        before = stored("high")
        response = page_post(admin_client, high, "121", "120")
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {"first_response_minutes": [SLA_TARGET_ORDER_MESSAGE]}
        assert SLA_TARGET_ORDER_MESSAGE in response.content.decode()
        assert stored("high") == before

    @pytest.mark.parametrize(("first_response", "resolution"), [(1, 1), (120, 120), (60, SLA_TARGET_MAX_MINUTES)])
    def test_targets_at_the_edges_are_saved(self, admin_client, high, first_response, resolution):
        response = page_post(admin_client, high, str(first_response), str(resolution))
        assert response.status_code == 302
        assert stored("high") == (first_response, resolution)

    def test_adding_a_policy_checks_the_same(self, admin_client, high):
        high.delete()
        form = {"priority": "high", "first_response_minutes": "60", "resolution_minutes": "99999999999999"}
        response = admin_client.post("/admin/support/slapolicy/add/", form)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {"resolution_minutes": [SLA_TARGET_RANGE_MESSAGE]}
        assert not SlaPolicy.objects.filter(priority="high").exists()


class TestTheEditableList:
    def post_list(self, client, rows: dict[SlaPolicy, tuple[str, str]]):
        form = {
            "form-TOTAL_FORMS": str(len(rows)),
            "form-INITIAL_FORMS": str(len(rows)),
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        }
        for index, (policy, (first_response, resolution)) in enumerate(rows.items()):
            form[f"form-{index}-id"] = str(policy.pk)
            form[f"form-{index}-first_response_minutes"] = first_response
            form[f"form-{index}-resolution_minutes"] = resolution
        return client.post("/admin/support/slapolicy/", form)

    @pytest.mark.parametrize("value", OUT_OF_RANGE)
    def test_out_of_range_is_refused_with_the_same_words(self, admin_client, high, value):
        before = stored("high")
        response = self.post_list(admin_client, {high: ("60", value)})
        assert response.status_code == 200
        errors = response.context["cl"].formset.errors
        assert errors == [{"resolution_minutes": [SLA_TARGET_RANGE_MESSAGE]}]
        assert stored("high") == before

    def test_a_first_response_after_the_resolution_is_refused(self, admin_client, high):
        before = stored("high")
        response = self.post_list(admin_client, {high: ("121", "120")})
        assert response.status_code == 200
        assert response.context["cl"].formset.errors == [{"first_response_minutes": [SLA_TARGET_ORDER_MESSAGE]}]
        assert stored("high") == before

    def test_good_targets_are_saved(self, admin_client, high):
        response = self.post_list(admin_client, {high: ("30", "90")})
        assert response.status_code == 302
        assert stored("high") == (30, 90)


@pytest.mark.parametrize(
    ("first_response", "resolution"), [(0, 60), (60, SLA_TARGET_MAX_MINUTES + 1), (99999999999999, 60), (61, 60)]
)
def test_the_database_refuses_what_the_form_refuses(high, first_response, resolution):
    # PostgreSQL refuses a value past its integer type before the constraint (DataError); SQLite by the constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        SlaPolicy.objects.filter(pk=high.pk).update(
            first_response_minutes=first_response, resolution_minutes=resolution
        )


class TestTicketCreation:
    def form(self, customer) -> dict:
        return {"customer": customer.pk, "subject": "Slow", "kind": "question", "priority": "high"}

    def test_the_longest_target_through_the_api(self, api, support_rep, customer, high):
        SlaPolicy.objects.filter(pk=high.pk).update(resolution_minutes=SLA_TARGET_MAX_MINUTES)
        with time_machine.travel(T0, tick=False):
            response = api.as_user(support_rep).post("/api/v1/tickets/", self.form(customer))
        assert response.status_code == 201
        ticket = Ticket.objects.get(pk=response.json()["id"])
        assert ticket.sla_due_at == T0 + timedelta(minutes=SLA_TARGET_MAX_MINUTES)

    def test_a_due_time_past_the_calendar_through_the_api(self, api, support_rep, customer, high):
        """Creation time + target past what a datetime holds: the latest due time, not a 500."""
        SlaPolicy.objects.filter(pk=high.pk).update(resolution_minutes=SLA_TARGET_MAX_MINUTES)
        with time_machine.travel(datetime(9999, 6, 1, tzinfo=UTC), tick=False):
            response = api.as_user(support_rep).post("/api/v1/tickets/", self.form(customer))
        assert response.status_code == 201
        ticket = Ticket.objects.get(pk=response.json()["id"])
        assert ticket.sla_due_at == LATEST_DUE_AT
        assert ticket.first_response_due_at == LATEST_DUE_AT

    def test_a_due_time_past_the_calendar_through_the_portal(self, portal, support_rep, customer, high):
        SlaPolicy.objects.filter(pk=high.pk).update(resolution_minutes=SLA_TARGET_MAX_MINUTES)
        # 9998, not 9999: a year ahead is the CSRF cookie's expiry, which must stay a date.
        with time_machine.travel(datetime(9998, 6, 1, tzinfo=UTC), tick=False):
            client = portal.as_user(support_rep)
            response = client.post("/support/tickets/new/", self.form(customer))
            ticket = Ticket.objects.get()
            assert response["Location"] == f"/support/tickets/{ticket.pk}/"
            assert ticket.sla_due_at == LATEST_DUE_AT
            assert client.get(response["Location"]).status_code == 200
