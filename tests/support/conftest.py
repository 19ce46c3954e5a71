"""Support personas on top of tests/conftest.py, and the ticket T of ACCESS.md.

Ticket T is about customer C (owned by sales_rep, in "Sales A") and sits in the queue
of "Support" (managed by support_manager; member support_rep). "Support B" is another
support team (other_support_manager; other_support_rep). lone_support_rep is a
support user in no team.
"""

import pytest
from django.core.cache import cache

from accounts.models import Role, TeamKind
from tests.factories import CustomerFactory, TeamFactory, UserFactory

from .factories import TicketFactory, TicketMessageFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The survey rate limit counts in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def other_support_manager(db):
    return UserFactory(username="other_support_manager", role=Role.MANAGER)


@pytest.fixture
def other_support_rep(db):
    return UserFactory(username="other_support_rep", role=Role.SUPPORT)


@pytest.fixture
def second_support_rep(db):
    return UserFactory(username="second_support_rep", role=Role.SUPPORT)


@pytest.fixture
def lone_support_rep(db):
    return UserFactory(username="lone_support_rep", role=Role.SUPPORT)


@pytest.fixture
def other_support_team(other_support_manager, other_support_rep):
    return TeamFactory(
        name="Support B", kind=TeamKind.SUPPORT, manager=other_support_manager, members=[other_support_rep]
    )


@pytest.fixture
def support_org(org, other_support_team, lone_support_rep, outsider):
    return {**org, "other_support_team": other_support_team}


@pytest.fixture
def customer(support_org, sales_rep):
    return CustomerFactory(name="Customer C", owner=sales_rep, email="c@example.com")


@pytest.fixture
def ticket(customer, support_org, support_rep):
    """Ticket T in the queue of "Support", with a public reply and an internal note."""
    ticket = TicketFactory(subject="Ticket T", customer=customer, team=support_org["support_team"])
    TicketMessageFactory(ticket=ticket, author=support_rep, body="Public reply")
    TicketMessageFactory(ticket=ticket, author=support_rep, body="Secret internal note", internal=True)
    return ticket
