"""Role personas shared by every test, and the records of ACCESS.md's tables.

sales_manager  manages "Sales A": sales_rep, teammate
other_manager  manages "Sales B": other_rep, other_rep_2
support_manager manages "Support": support_rep
other_support_manager manages "Support B": other_support_rep (support_org only)
outsider (sales), lone_support_rep and second_support_rep (support) are in no team.

Customer C is owned by sales_rep; ticket T on C sits in the queue of "Support"; opportunity P
and order R on C are sales_rep's. other_rep ("Sales B") has none of it.
"""

from decimal import Decimal

import pytest
import redis
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role, TeamKind
from crm.platform.audit.models import AuditEntry

from .factories import PASSWORD, CustomerFactory, TeamFactory, UserFactory
from .sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from .support.factories import TicketFactory, TicketMessageFactory
from .workers import BROKER_URL


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_superuser=True)


@pytest.fixture
def sales_manager(db):
    return UserFactory(username="sales_manager", role=Role.MANAGER)


@pytest.fixture
def other_manager(db):
    return UserFactory(username="other_manager", role=Role.MANAGER)


@pytest.fixture
def support_manager(db):
    return UserFactory(username="support_manager", role=Role.MANAGER)


@pytest.fixture
def sales_rep(db):
    return UserFactory(username="sales_rep", role=Role.SALES)


@pytest.fixture
def teammate(db):
    return UserFactory(username="teammate", role=Role.SALES)


@pytest.fixture
def other_rep(db):
    return UserFactory(username="other_rep", role=Role.SALES)


@pytest.fixture
def other_rep_2(db):
    return UserFactory(username="other_rep_2", role=Role.SALES)


@pytest.fixture
def support_rep(db):
    return UserFactory(username="support_rep", role=Role.SUPPORT)


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
    """A support user in no team."""
    return UserFactory(username="lone_support_rep", role=Role.SUPPORT)


@pytest.fixture
def outsider(db):
    """A salesperson in no team, with no relation to anyone's records."""
    return UserFactory(username="outsider", role=Role.SALES)


@pytest.fixture
def sales_team(sales_manager, sales_rep, teammate):
    return TeamFactory(name="Sales A", kind=TeamKind.SALES, manager=sales_manager, members=[sales_rep, teammate])


@pytest.fixture
def other_team(other_manager, other_rep, other_rep_2):
    return TeamFactory(name="Sales B", kind=TeamKind.SALES, manager=other_manager, members=[other_rep, other_rep_2])


@pytest.fixture
def support_team(support_manager, support_rep):
    return TeamFactory(name="Support", kind=TeamKind.SUPPORT, manager=support_manager, members=[support_rep])


@pytest.fixture
def org(admin, sales_team, other_team, support_team):
    """Every persona, in their teams."""
    return {
        "admin": admin,
        "sales_team": sales_team,
        "other_team": other_team,
        "support_team": support_team,
    }


@pytest.fixture
def other_support_team(other_support_manager, other_support_rep):
    return TeamFactory(
        name="Support B", kind=TeamKind.SUPPORT, manager=other_support_manager, members=[other_support_rep]
    )


@pytest.fixture
def support_org(org, other_support_team, lone_support_rep, outsider):
    """Every persona of `org`, plus a second support queue ("Support B") and support users in no team."""
    return {**org, "other_support_team": other_support_team}


@pytest.fixture
def customer(org, sales_rep):
    """Customer C of ACCESS.md, owned by sales_rep."""
    return CustomerFactory(name="Customer C", owner=sales_rep, email="c@example.com")


@pytest.fixture
def widget(db):
    return ProductFactory(sku="WID-1", name="Widget", unit_price=Decimal("19.99"))


@pytest.fixture
def gadget(db):
    return ProductFactory(sku="GAD-1", name="Gadget", unit_price=Decimal("0.10"))


@pytest.fixture
def opportunity(customer, sales_rep):
    """Opportunity P on customer C, sales_rep's."""
    return OpportunityFactory(customer=customer, owner=sales_rep, name="Deal P")


@pytest.fixture
def order(customer, sales_rep, widget):
    """Order R on customer C, sales_rep's: two widgets."""
    return OrderFactory(customer=customer, owner=sales_rep, lines=[(widget, 2)])


@pytest.fixture
def ticket(customer, support_org, support_rep):
    """Ticket T on customer C in the queue of "Support", with a public reply and an internal note."""
    ticket = TicketFactory(subject="Ticket T", customer=customer, team=support_org["support_team"])
    TicketMessageFactory(ticket=ticket, author=support_rep, body="Public reply")
    TicketMessageFactory(ticket=ticket, author=support_rep, body="Secret internal note", internal=True)
    return ticket


@pytest.fixture
def audit_mark(db):
    """`new_entries()` lists the audit entries written since the fixture was created, oldest first."""

    class Mark:
        def __init__(self):
            self.reset()

        def reset(self):
            last = AuditEntry.objects.order_by("-id").first()
            self.last_id = last.pk if last else 0

        def new_entries(self):
            return list(
                AuditEntry.objects.filter(id__gt=self.last_id).select_related("content_type", "actor").order_by("id")
            )

    return Mark()


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates it with the user's token."""

    class Client(APIClient):
        def as_user(self, user):
            if user is None:
                self.credentials()
            else:
                self.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
            return self

    return Client()


@pytest.fixture
def portal(client):
    """The Django test client (full middleware stack); `portal.as_user(user)` logs in."""

    def as_user(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="accounts.backends.RoleModelBackend")
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def broker():
    """The Redis broker of the tests that run real Celery workers (tests/workers.py)."""
    if not BROKER_URL:
        pytest.skip("set CELERY_TEST_BROKER_URL (e.g. redis://127.0.0.1:6379/15) to run real workers; .ci/run does")
    if connection.vendor != "postgresql":
        pytest.skip("a worker is another process: it needs a database it can open (PostgreSQL), not in-memory SQLite")
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"CELERY_TEST_BROKER_URL={BROKER_URL} is set, but the broker does not answer: {error}")
    yield client
    client.close()
