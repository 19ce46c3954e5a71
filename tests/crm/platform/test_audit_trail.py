"""The audit trail: one entry per created, changed or deleted record, naming the real actor and each
field's old and new value; none for a refused or failed change; written through the API (token or
session), the portal, Django admin, tasks (the system) and imports."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from celery import shared_task
from django.core.management import call_command

from accounts.models import TeamMembership
from crm.customers import services
from crm.customers.models import Contact, Customer, CustomerShare, CustomerUserObjectPermission
from crm.platform.audit.actor import acting_as
from crm.platform.audit.models import AuditEntry, AuditVia
from sales.models import Opportunity, Order, OrderLine
from support.models import Ticket
from tests.sales.factories import ProductFactory

pytestmark = pytest.mark.django_db

CREATE, UPDATE, DELETE = AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE


def summary(entries):
    """(model name, action, {field: [old, new]}) of each entry."""
    return [(entry.content_type.model, entry.action, entry.changes) for entry in entries]


@pytest.fixture
def ctx(request, org, customer, opportunity, order, ticket, widget):
    names = [
        "admin", "sales_rep", "sales_manager", "teammate", "other_rep", "support_rep", "support_manager", "outsider",
    ]  # fmt: skip
    return SimpleNamespace(
        **{name: request.getfixturevalue(name) for name in names},
        org=org,
        customer=customer,
        opportunity=opportunity,
        order=order,
        ticket=ticket,
        widget=widget,
    )


# Each change: (actor, request) and the entries it must leave: (model, action, the recorded changes).
API_CHANGES = {
    "create a customer": (
        "sales_rep",
        lambda api, c: api.post("/api/v1/customers/", {"name": "New Co", "email": "new@example.com"}),
        201,
        [("customer", CREATE, {"name": ["None", "New Co"], "email": ["None", "new@example.com"]})],
    ),
    "rename a customer": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/customers/{c.customer.pk}/", {"name": "Renamed", "version": 1}),
        200,
        [("customer", UPDATE, {"name": ["Customer C", "Renamed"]})],
    ),
    "reassign a customer": (
        "sales_manager",
        lambda api, c: api.patch(f"/api/v1/customers/{c.customer.pk}/", {"owner": c.teammate.pk}),
        200,
        [("customer", UPDATE, {"owner": ["sales_rep", "teammate"]})],
    ),
    "add a contact": (
        "sales_rep",
        lambda api, c: api.post("/api/v1/contacts/", {"customer": c.customer.pk, "first_name": "Ann"}),
        201,
        [("contact", CREATE, {"first_name": ["None", "Ann"], "customer": ["None", "customer"]})],
    ),
    "share a customer": (
        "sales_rep",
        lambda api, c: api.post(
            f"/api/v1/customers/{c.customer.pk}/shares/", {"user": c.other_rep.pk, "level": "edit"}
        ),
        201,
        [
            ("customeruserobjectpermission", CREATE, {}),
            ("customershare", CREATE, {"level": ["None", "edit"], "user": ["None", "other_rep"]}),
        ],
    ),
    "create an opportunity": (
        "sales_rep",
        lambda api, c: api.post(
            "/api/v1/opportunities/", {"customer": c.customer.pk, "name": "Deal Q", "amount": "5.00"}
        ),
        201,
        [("opportunity", CREATE, {"name": ["None", "Deal Q"], "amount": ["None", "5.00"]})],
    ),
    "move an opportunity": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/opportunities/{c.opportunity.pk}/", {"stage": "proposal"}),
        200,
        [("opportunity", UPDATE, {"stage": ["prospecting", "proposal"]})],
    ),
    "delete an opportunity": (
        "sales_manager",
        lambda api, c: api.delete(f"/api/v1/opportunities/{c.opportunity.pk}/"),
        204,
        [("opportunity", DELETE, {"name": ["Deal P", "None"]})],
    ),
    "place an order": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/orders/{c.order.pk}/", {"status": "placed"}),
        200,
        [("order", UPDATE, {"status": ["draft", "placed"]})],
    ),
    "change an order's lines": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/orders/{c.order.pk}/", {"lines": [{"product": c.widget.pk, "quantity": 3}]}),
        200,
        [("orderline", UPDATE, {"quantity": ["2", "3"]}), ("order", UPDATE, {"total": ["39.98", "59.97"]})],
    ),
    "work a ticket": (
        "support_rep",
        lambda api, c: api.patch(
            f"/api/v1/tickets/{c.ticket.pk}/", {"priority": "urgent", "assignee": c.support_rep.pk}
        ),
        200,
        [("ticket", UPDATE, {"priority": ["normal", "urgent"], "assignee": ["None", "support_rep"]})],
    ),
    "delete a ticket": (
        "admin",
        lambda api, c: api.delete(f"/api/v1/tickets/{c.ticket.pk}/"),
        204,
        [("ticket", DELETE, {"subject": ["Ticket T", "None"]})],
    ),
    "deactivate a user": (
        "admin",
        lambda api, c: api.delete(f"/api/v1/users/{c.other_rep.pk}/"),
        204,
        [("user", UPDATE, {"is_active": ["True", "False"]})],
    ),
    "change a team's members": (
        "admin",
        lambda api, c: api.patch(f"/api/v1/teams/{c.org['sales_team'].pk}/", {"members": [c.sales_rep.pk]}),
        200,
        [("teammembership", DELETE, {"user": ["teammate", "None"]})],
    ),
}
# References are recorded as ids; the test names them by fixture, here resolved.
REFERENCE_FIELDS = {"owner", "user", "assignee", "customer"}


def resolve(expected, ctx):
    resolved = {}
    for name, values in expected.items():
        if name in REFERENCE_FIELDS:
            values = [v if v == "None" else str(getattr(ctx, v).pk) for v in values]
        resolved[name] = values
    return resolved


@pytest.mark.parametrize("change", API_CHANGES)
def test_each_api_change_leaves_one_entry_per_record_naming_the_token_user(api, ctx, audit_mark, change):
    persona, send, status, expected = API_CHANGES[change]
    actor = getattr(ctx, persona)
    audit_mark.reset()
    response = send(api.as_user(actor), ctx)
    assert response.status_code == status, response.content
    entries = audit_mark.new_entries()
    assert [(e.content_type.model, e.action) for e in entries] == [(model, action) for model, action, _ in expected]
    for entry, (_model, _action, changes) in zip(entries, expected, strict=True):
        assert entry.actor == actor
        assert entry.via == AuditVia.API
        for name, values in resolve(changes, ctx).items():
            assert entry.changes[name] == values


def test_a_change_of_role_names_the_old_and_new_role(api, ctx, audit_mark):
    audit_mark.reset()
    response = api.as_user(ctx.admin).patch(f"/api/v1/users/{ctx.outsider.pk}/", {"role": "support"})
    assert response.status_code == 200
    (entry,) = audit_mark.new_entries()
    assert (entry.content_type.model, entry.action, entry.changes) == ("user", UPDATE, {"role": ["sales", "support"]})
    assert (entry.actor, entry.via, entry.record_type, entry.record_id) == (ctx.admin, "api", "user", ctx.outsider.pk)


def test_a_session_api_request_names_the_signed_in_user(portal, ctx, audit_mark):
    audit_mark.reset()
    client = portal.as_user(ctx.sales_rep)
    response = client.patch(
        f"/api/v1/customers/{ctx.customer.pk}/", {"phone": "+1 555"}, content_type="application/json"
    )
    assert response.status_code == 200
    (entry,) = audit_mark.new_entries()
    assert (entry.actor, entry.via, entry.changes) == (ctx.sales_rep, "api", {"phone": ["+44 20 7946 0000", "+1 555"]})


# Refused or failed changes: (actor, request, status). None of them may leave an entry.
REFUSED = {
    "invisible customer (404)": (
        "other_rep",
        lambda api, c: api.patch(f"/api/v1/customers/{c.customer.pk}/", {"name": "Mine now"}),
        404,
    ),
    "visible, not changeable (403)": (
        "support_rep",
        lambda api, c: api.patch(f"/api/v1/customers/{c.customer.pk}/", {"name": "Mine now"}),
        403,
    ),
    "a teammate's opportunity (404)": (
        "teammate",
        lambda api, c: api.patch(f"/api/v1/opportunities/{c.opportunity.pk}/", {"stage": "won"}),
        404,
    ),
    "a stale version (409)": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/customers/{c.customer.pk}/", {"name": "Late", "version": 7}),
        409,
    ),
    "bad input (400)": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/customers/{c.customer.pk}/", {"email": "not an address"}),
        400,
    ),
    "a role the user may not set (403)": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/users/{c.sales_rep.pk}/", {"role": "admin"}),
        403,
    ),
    "a role that breaks a team (400)": (
        "admin",
        lambda api, c: api.patch(f"/api/v1/users/{c.other_rep.pk}/", {"role": "manager"}),
        400,
    ),
    "deleting a placed order (400)": (
        "sales_manager",
        lambda api, c: (
            api.patch(f"/api/v1/orders/{c.order.pk}/", {"status": "placed"}),
            c.mark.reset(),
            api.delete(f"/api/v1/orders/{c.order.pk}/"),
        )[-1],
        400,
    ),
    # The lines are saved, then the total is found too large: the transaction takes the lines back too.
    "lines written, then refused (400)": (
        "sales_rep",
        lambda api, c: api.patch(
            f"/api/v1/orders/{c.order.pk}/", {"lines": [{"product": c.gold.pk, "quantity": 1_000_000}]}
        ),
        400,
    ),
    "a ticket the user only follows (403)": (
        "sales_rep",
        lambda api, c: api.patch(f"/api/v1/tickets/{c.ticket.pk}/", {"status": "closed"}),
        403,
    ),
    "sharing by someone who may not (403)": (
        "support_rep",
        lambda api, c: api.post(
            f"/api/v1/customers/{c.customer.pk}/shares/", {"user": c.other_rep.pk, "level": "view"}
        ),
        403,
    ),
}


@pytest.mark.parametrize("refusal", REFUSED)
def test_a_refused_or_failed_change_leaves_no_entry(api, ctx, audit_mark, refusal):
    persona, send, status = REFUSED[refusal]
    ctx.gold = ProductFactory(sku="GOLD", unit_price=Decimal("9999999999.00"))
    ctx.mark = audit_mark
    audit_mark.reset()
    response = send(api.as_user(getattr(ctx, persona)), ctx)
    assert response.status_code == status, response.content
    assert audit_mark.new_entries() == []


# The portal: (actor, request, status, the entries' (model, action)); every entry names the signed-in user.
PORTAL_CHANGES = {
    "edit a customer": (
        "sales_rep",
        lambda client, c: client.post(
            f"/customers/{c.customer.pk}/edit/",
            {"name": "Customer C2", "email": "c@example.com", "phone": "", "industry": "Software", "version": 1},
        ),
        302,
        [("customer", UPDATE)],
    ),
    "add a contact": (
        "sales_rep",
        lambda client, c: client.post(f"/customers/{c.customer.pk}/contacts/new/", {"first_name": "Bo"}),
        302,
        [("contact", CREATE)],
    ),
    "share with a team": (
        "sales_manager",
        lambda client, c: client.post(
            f"/customers/{c.customer.pk}/shares/", {"team": c.org["other_team"].pk, "level": "view"}
        ),
        302,
        [("customergroupobjectpermission", CREATE), ("customershare", CREATE)],
    ),
    "move a card on the board": (
        "sales_rep",
        lambda client, c: client.post(
            f"/sales/opportunities/{c.opportunity.pk}/stage/", {"stage": "won", "version": 1}, HTTP_HX_REQUEST="true"
        ),
        200,
        [("opportunity", UPDATE)],
    ),
    "add an order line": (
        "sales_rep",
        lambda client, c: client.post(
            f"/sales/orders/{c.order.pk}/lines/",
            {"product": c.gadget.pk, "quantity": 1, "version": 1},
            HTTP_HX_REQUEST="true",
        ),
        200,
        [("orderline", CREATE), ("order", UPDATE)],
    ),
    "claim a ticket": (
        "support_rep",
        lambda client, c: client.post(f"/support/tickets/{c.ticket.pk}/claim/", {"version": 1}, HTTP_HX_REQUEST="true"),
        200,
        [("ticket", UPDATE)],
    ),
    "refused: edit a customer one may only view": (
        "support_rep",
        lambda client, c: client.post(f"/customers/{c.customer.pk}/edit/", {"name": "X", "version": 1}),
        403,
        [],
    ),
    "refused: another salesperson's customer": (
        "other_rep",
        lambda client, c: client.post(f"/customers/{c.customer.pk}/contacts/new/", {"first_name": "Bo"}),
        404,
        [],
    ),
    "refused: a stale card": (
        "sales_rep",
        lambda client, c: client.post(
            f"/sales/opportunities/{c.opportunity.pk}/stage/", {"stage": "won", "version": 9}, HTTP_HX_REQUEST="true"
        ),
        409,
        [],
    ),
}


@pytest.mark.parametrize("change", PORTAL_CHANGES)
def test_each_portal_change_leaves_one_entry_per_record_naming_the_user(portal, ctx, audit_mark, change):
    persona, send, status, expected = PORTAL_CHANGES[change]
    ctx.gadget = ProductFactory(sku="GAD-1", name="Gadget")
    actor = getattr(ctx, persona)
    client = portal.as_user(actor)
    audit_mark.reset()
    response = send(client, ctx)
    assert response.status_code == status
    entries = audit_mark.new_entries()
    assert [(e.content_type.model, e.action) for e in entries] == expected
    assert {(e.actor, e.via) for e in entries} <= {(actor, AuditVia.PORTAL)}


def test_admin_changes_name_the_admin(portal, ctx, audit_mark):
    audit_mark.reset()
    client = portal.as_user(ctx.admin)
    team = ctx.org["sales_team"]
    response = client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {"name": team.name, "kind": "sales", "manager": ctx.sales_manager.pk, "members": [ctx.sales_rep.pk]},
    )
    assert response.status_code == 302
    (entry,) = audit_mark.new_entries()
    assert (entry.content_type.model, entry.action, entry.actor, entry.via) == (
        "teammembership",
        DELETE,
        ctx.admin,
        AuditVia.ADMIN,
    )
    assert entry.changes["user"] == [str(ctx.teammate.pk), "None"]
    assert not TeamMembership.objects.filter(user=ctx.teammate).exists()


@shared_task
def rename_customer(customer_id: int, acting_user_id: int) -> None:
    from accounts.models import User

    customer = Customer.objects.get(pk=customer_id)
    services.customer_update(
        acting_user=User.objects.get(pk=acting_user_id), customer=customer, name="Renamed by a task"
    )


def test_a_task_acts_as_the_system_even_when_run_during_a_request(ctx, audit_mark):
    audit_mark.reset()
    with acting_as(ctx.sales_rep, via=AuditVia.PORTAL):  # as inside a request of sales_rep's
        rename_customer.apply(args=[ctx.customer.pk, ctx.sales_rep.pk])
        services.customer_update(
            acting_user=ctx.sales_rep, customer=Customer.objects.get(pk=ctx.customer.pk), phone="1"
        )
    by_task, by_request = audit_mark.new_entries()
    assert (by_task.actor, by_task.via, by_task.changes) == (
        None,
        AuditVia.SYSTEM,
        {"name": ["Customer C", "Renamed by a task"]},
    )
    assert by_task.actor_label == "system"
    assert (by_request.actor, by_request.via) == (ctx.sales_rep, AuditVia.PORTAL)


def test_commands_act_as_the_system(db, audit_mark):
    audit_mark.reset()
    call_command("seed_demo")
    entries = audit_mark.new_entries()
    assert entries
    assert {(e.actor_id, e.via) for e in entries} == {(None, AuditVia.SYSTEM)}


def test_deleting_a_customer_records_its_contacts_and_shares_going_with_it(api, ctx, audit_mark):
    Opportunity.objects.all().delete()
    Order.objects.all().delete()
    Ticket.objects.all().delete()
    Contact.objects.create(customer=ctx.customer, first_name="Ann")
    api.as_user(ctx.sales_rep).post(
        f"/api/v1/customers/{ctx.customer.pk}/shares/", {"user": ctx.other_rep.pk, "level": "view"}
    )
    audit_mark.reset()
    assert api.as_user(ctx.sales_manager).delete(f"/api/v1/customers/{ctx.customer.pk}/").status_code == 204
    deleted = {(e.content_type.model, e.action, e.record_type, e.record_id) for e in audit_mark.new_entries()}
    assert deleted == {
        (model, DELETE, "customer", ctx.customer.pk)
        for model in ("customer", "contact", "customershare", "customeruserobjectpermission")
    }
    assert not Customer.objects.filter(pk=ctx.customer.pk).exists()
    assert not CustomerShare.objects.exists()
    assert not CustomerUserObjectPermission.objects.exists()


def test_an_order_line_shows_on_its_order(ctx, audit_mark):
    line = OrderLine.objects.get(order=ctx.order)
    entry = AuditEntry.objects.filter(content_type__model="orderline", object_id=line.pk).get()
    assert (entry.record_type, entry.record_id, entry.action) == ("order", ctx.order.pk, CREATE)


def test_a_bulk_reassignment_records_each_moved_record(api, ctx, audit_mark):
    """The reassignment updates many rows in one query; each still gets its entry, naming the manager."""
    from tests.factories import CustomerFactory
    from tests.sales.factories import OpportunityFactory

    more = [CustomerFactory(owner=ctx.sales_rep) for _ in range(3)]
    OpportunityFactory(customer=more[0], owner=ctx.sales_rep)
    audit_mark.reset()
    response = api.as_user(ctx.sales_manager).post(
        f"/api/v1/teams/{ctx.org['sales_team'].pk}/reassign/",
        {"from_user": ctx.sales_rep.pk, "to_user": ctx.teammate.pk},
    )
    assert response.status_code == 200, response.content
    entries = audit_mark.new_entries()
    moved = {(e.content_type.model, e.object_id) for e in entries}
    assert moved == {("customer", c.pk) for c in [ctx.customer, *more]} | {
        ("opportunity", o.pk) for o in Opportunity.objects.filter(owner=ctx.teammate)
    }
    assert len(entries) == len(moved) == 6
    for entry in entries:
        assert (entry.action, entry.actor, entry.via) == (UPDATE, ctx.sales_manager, AuditVia.API)
        assert entry.changes == {"owner": [str(ctx.sales_rep.pk), str(ctx.teammate.pk)]}
        assert entry.additional_data["labels"]["owner"] == [ctx.sales_rep.display_name, ctx.teammate.display_name]
