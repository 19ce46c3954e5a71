"""`manage.py seed_bulk` at a tiny scale: the rows obey the models' invariants and ACCESS.md, the
proportions follow the full data set, the same seed gives the same rows, and the access
policies work on the seeded data."""

import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Min, Sum

from accounts.models import Role, Team, TeamKind, TeamMembership, User
from crm.customers.access import customers_visible_to
from crm.customers.models import Contact, Customer, CustomerShare
from sales.models import Opportunity, Order, OrderLine, OrderStatus, Stage
from support import sla
from support.access import assignable_users, tickets_visible_to
from support.models import Ticket, TicketMessage, TicketStatus

SCALE = 0.001  # 100 customers, 1,000 tickets, 3,000 messages
pytestmark = pytest.mark.django_db


def seed(**options):
    call_command("seed_bulk", scale=SCALE, seed=42, progress=False, interactive=False, stdout=io.StringIO(), **options)


@pytest.fixture
def seeded():
    seed()


def test_counts_follow_the_full_data_set(seeded):
    assert Customer.objects.count() == 100
    assert Contact.objects.count() == 250
    assert Opportunity.objects.count() == 200
    assert Order.objects.count() == 300
    assert OrderLine.objects.count() == 1_000
    assert Ticket.objects.count() == 1_000
    assert TicketMessage.objects.count() == 3_000
    assert CustomerShare.objects.count() == 1
    assert Team.objects.filter(kind=TeamKind.SALES).count() == 2
    assert Team.objects.filter(kind=TeamKind.SUPPORT).count() == 2
    assert User.objects.filter(role=Role.ADMIN, is_superuser=True, username="admin").exists()


def test_staff_and_teams_obey_the_roles(seeded):
    for team in Team.objects.select_related("manager"):
        assert team.manager.role == Role.MANAGER
        assert team.group.name == f"Team: {team.name}"
        member_roles = set(team.members.values_list("role", flat=True))
        assert member_roles == {Role.SALES if team.kind == TeamKind.SALES else Role.SUPPORT}
    assert TeamMembership.objects.values("user").distinct().count() == TeamMembership.objects.count()
    assert User.objects.get(username="sales-01-01").team_membership.team.name == "Sales 01"
    assert User.objects.get(username="support-mgr-02").managed_teams.get().name == "Support 02"
    assert User.objects.get(username="admin").check_password("crm-bench-2026")


def test_customers_and_pipeline_are_consistent(seeded):
    assert not Customer.objects.exclude(owner__role__in=[Role.SALES, Role.MANAGER]).exists()
    assert not Opportunity.objects.exclude(owner=F("customer__owner")).exists()
    assert not Opportunity.objects.filter(stage=Stage.WON, won_at__isnull=True).exists()
    assert not Opportunity.objects.exclude(stage=Stage.WON).filter(won_at__isnull=False).exists()
    assert not Opportunity.objects.exclude(stage=Stage.LOST).filter(lost_at__isnull=False).exists()
    assert not Opportunity.objects.exclude(stage=Stage.LOST).exclude(lost_reason="").exists()
    assert not Opportunity.objects.filter(stage=Stage.LOST, lost_reason="").exists()
    assert not Opportunity.objects.filter(
        stage__in=[Stage.WON, Stage.LOST], probability_override__isnull=False
    ).exists()
    assert not Opportunity.objects.filter(created_at__lt=F("customer__created_at")).exists()
    assert not Contact.objects.filter(created_at__lt=F("customer__created_at")).exists()


def test_orders_total_their_lines_at_the_products_prices(seeded):
    totals = Order.objects.annotate(lines_total=Sum(F("lines__quantity") * F("lines__unit_price")))
    assert all(order.total == order.lines_total for order in totals)
    assert not OrderLine.objects.exclude(unit_price=F("product__unit_price")).exists()
    assert not Order.objects.exclude(owner=F("customer__owner")).exists()
    assert not Order.objects.filter(status=OrderStatus.DRAFT, placed_at__isnull=False).exists()
    assert not Order.objects.filter(status__in=[OrderStatus.PLACED, OrderStatus.SHIPPED], placed_at=None).exists()
    assert not Order.objects.filter(status=OrderStatus.SHIPPED, shipped_at=None).exists()
    assert not Order.objects.exclude(status=OrderStatus.SHIPPED).filter(shipped_at__isnull=False).exists()
    assert not Order.objects.filter(status=OrderStatus.CANCELLED, cancelled_at=None).exists()
    assert not Order.objects.exclude(status=OrderStatus.CANCELLED).filter(cancelled_at__isnull=False).exists()
    assert not Order.objects.filter(placed_at__lt=F("created_at")).exists()
    assert not Order.objects.filter(shipped_at__lt=F("placed_at")).exists()
    assert set(Order.objects.values_list("status", flat=True)) >= {OrderStatus.SHIPPED, OrderStatus.CANCELLED}


def test_tickets_follow_the_queues_and_the_sla(seeded):
    teams = {team.pk: team for team in Team.objects.all()}
    assignables = {team_id: set(assignable_users(team).values_list("pk", flat=True)) for team_id, team in teams.items()}
    targets = {priority: sla.sla_targets(priority) for priority in ("low", "normal", "high", "urgent")}
    first_replies = dict(
        TicketMessage.objects.filter(internal=False)
        .values("ticket")
        .annotate(first=Min("created_at"))
        .values_list("ticket", "first")
    )
    for ticket in Ticket.objects.select_related("contact"):
        assert teams[ticket.team_id].kind == TeamKind.SUPPORT
        assert ticket.assignee_id is None or ticket.assignee_id in assignables[ticket.team_id]
        assert ticket.contact is None or ticket.contact.customer_id == ticket.customer_id
        target = targets[ticket.priority]
        assert ticket.first_response_due_at == ticket.created_at + target.first_response + ticket.paused_for
        assert ticket.sla_due_at == ticket.created_at + target.resolution + ticket.paused_for
        assert (ticket.status == TicketStatus.PENDING) == (ticket.paused_at is not None)
        assert (ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)) == (ticket.resolved_at is not None)
        assert ticket.first_response_at == first_replies.get(ticket.pk)
        assert (ticket.status == TicketStatus.NEW) == (ticket.first_response_at is None)
        assert ticket.updated_at >= ticket.created_at
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == set(TicketStatus.values) - {TicketStatus.NEW} or statuses == set(TicketStatus.values)
    assert TicketMessage.objects.filter(internal=True).exists()
    assert not TicketMessage.objects.filter(created_at__lt=F("ticket__created_at")).exists()


def test_shares_are_stored_as_the_app_stores_them(seeded):
    for share in CustomerShare.objects.select_related("user_grant__permission", "team_grant__permission", "team"):
        grant = share.user_grant or share.team_grant
        assert grant.content_object_id == share.customer_id
        assert grant.permission.codename == {"view": "view_customer", "edit": "change_customer"}[share.level]
        if share.user_id:
            assert share.user_grant.user_id == share.user_id
        else:
            assert share.team_grant.group_id == share.team.group_id
        holder = share.user or share.team.members.first() or share.team.manager
        assert customers_visible_to(holder).filter(pk=share.customer_id).exists()


def test_the_access_policies_work_on_the_seeded_data(seeded):
    rep = User.objects.get(username="support-01-01")
    team = rep.team_membership.team
    assert set(tickets_visible_to(rep).values_list("pk", flat=True)) == set(
        Ticket.objects.filter(team=team).values_list("pk", flat=True)
    )
    manager = User.objects.get(username="sales-mgr-01")
    members = list(manager.managed_teams.get().members.values_list("pk", flat=True))
    owned_by_team = Customer.objects.filter(owner__in=[*members, manager.pk])
    assert set(owned_by_team.values_list("pk", flat=True)) <= set(
        customers_visible_to(manager).values_list("pk", flat=True)
    )
    top_seller = User.objects.get(username="sales-01-01")
    owned = dict(Customer.objects.values("owner").annotate(n=Count("id")).values_list("owner", "n"))
    assert owned[top_seller.pk] > sum(owned.values()) / len(owned)  # skewed: the first member owns the most


def checksum() -> str:
    digest = hashlib.sha256()
    for rows in (
        User.objects.order_by("pk").values_list("pk", "username", "role", "password"),
        Customer.objects.order_by("pk").values_list("pk", "name", "owner_id", "created_at"),
        Order.objects.order_by("pk").values_list("pk", "status", "total", "placed_at"),
        OrderLine.objects.order_by("pk").values_list("pk", "order_id", "product_id", "quantity"),
        Ticket.objects.order_by("pk").values_list("pk", "status", "team_id", "assignee_id", "sla_due_at"),
        TicketMessage.objects.order_by("pk").values_list("pk", "ticket_id", "author_id", "internal", "created_at"),
        CustomerShare.objects.order_by("pk").values_list("pk", "customer_id", "user_id", "team_id", "level"),
    ):
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_rows(seeded):
    first = checksum()
    seed(reset=True)
    assert checksum() == first
    call_command("seed_bulk", scale=SCALE, seed=7, progress=False, interactive=False, reset=True, stdout=io.StringIO())
    assert checksum() != first


def test_it_refuses_a_database_with_data_unless_reset(seeded):
    with pytest.raises(CommandError, match="--reset"):
        seed()


def test_money_is_exact(seeded):
    order = Order.objects.filter(status=OrderStatus.SHIPPED).first()
    assert order.total == sum((line.line_total for line in order.lines.all()), Decimal("0.00"))
    assert order.shipped_at - order.placed_at <= timedelta(days=7)
