"""The access explainer agrees with the policies, and shows itself only to managers and admins.

The agreement test generates a scenario on top of the world of conftest.py (random shares
to users and teams at both levels, owners reassigned, tickets moved to another queue, an
inactive user) and checks, for every user × record × action, that the explainer allows
exactly what the policy's `can` (the record's actions) and its list filter (`*_for`) allow.
"""

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from crm.customers import access as customer_access
from crm.customers.models import Customer, ShareLevel
from crm.customers.services import customer_reassign
from crm.insights.explainer import explain_access, explainable_kind
from support import access as ticket_access
from support.models import Ticket
from support.services.tickets import ticket_transfer
from tests.crm.scenario import share

pytestmark = pytest.mark.django_db


def generate_scenario(world, seed: int) -> None:
    rng = random.Random(seed)
    users = list(User.objects.filter(role__in=["sales", "support", "manager"]).order_by("pk"))
    teams = list(world.teams.values())
    customers = list(Customer.objects.order_by("pk"))
    for customer in customers:
        for _ in range(rng.randint(0, 2)):
            level = rng.choice(ShareLevel.values)
            if rng.random() < 0.5:
                user = rng.choice([u for u in users if u.pk != customer.owner_id])
                if not customer.shares.filter(user=user).exists():
                    share(customer, level=level, user=user)
            else:
                team = rng.choice(teams)
                if not customer.shares.filter(team=team).exists():
                    share(customer, level=level, team=team)
    root = world.users["root"]
    owners = [world.users[name] for name in ("rep_x1", "rep_x2", "rep_y", "dual_manager", "far_manager")]
    for customer in rng.sample(customers, 3):
        customer_reassign(acting_user=root, customer=customer, new_owner=rng.choice(owners))
    for ticket in rng.sample(list(Ticket.objects.order_by("pk")), 2):
        target = world.teams["support_y"] if ticket.team_id == world.teams["support_x"].pk else world.teams["support_x"]
        ticket_transfer(acting_user=root, ticket=ticket, team=target)
    world.users["agent_x2"].is_active = False
    world.users["agent_x2"].save()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_explainer_agrees_with_the_policy_for_every_user_record_and_action(world, seed):
    generate_scenario(world, seed)
    users = list(User.objects.order_by("pk"))
    checked = 0
    for kind_name, records, actions_of, rows_for in [
        ("customer", Customer.objects.order_by("pk"), customer_access.customer_actions, customer_access.customers_for),
        ("ticket", Ticket.objects.order_by("pk"), ticket_access.ticket_actions, ticket_access.tickets_for),
    ]:
        kind = explainable_kind(kind_name)
        for record in records:
            explained = explain_access(kind=kind, record=kind.record(record.pk), users=User.objects.order_by("pk"))
            for user, user_access in zip(users, explained, strict=True):
                assert user_access.user.pk == user.pk
                for verdict in user_access.verdicts:
                    fresh_user, fresh_record = User.objects.get(pk=user.pk), type(record).objects.get(pk=record.pk)
                    allowed = verdict.action in actions_of(fresh_user, fresh_record)
                    listed = rows_for(fresh_user, verdict.action).filter(pk=record.pk).exists()
                    where = (kind_name, record.pk, user.username, verdict.action)
                    assert verdict.allowed == allowed == listed, where
                    assert bool(verdict.reasons) == verdict.allowed, where
                    assert bool(verdict.refused_because) != verdict.allowed, where
                    checked += 1
    assert checked == len(users) * (Customer.objects.count() * 5 + Ticket.objects.count() * 3)


def _users_explained(response) -> dict[str, dict]:
    return {entry["user"]["username"]: entry["actions"] for entry in response.json()["users"]}


def test_the_api_lists_every_active_user_who_may_view_a_customer_with_reasons(world, api):
    c1 = world.customers["c1"]
    share(c1, level=ShareLevel.EDIT, team=world.teams["sales_y"])
    response = api.as_user(world.users["dual_manager"]).get(f"/api/v1/customers/{c1.pk}/access/")
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["id"], body["actions"]) == (
        "customer",
        c1.pk,
        ["view", "change", "delete", "reassign", "share"],
    )
    explained = _users_explained(response)
    viewers = {
        user.username for user in User.objects.filter(is_active=True) if customer_access.can_view_customer(user, c1)
    }
    assert set(explained) == viewers
    assert explained["rep_x1"]["view"]["reasons"] == ["owner"]
    assert explained["rep_x1"]["delete"]["allowed"] is False
    assert explained["dual_manager"]["delete"]["reasons"] == ["manager of the owner"]
    assert explained["rep_y"]["change"]["reasons"] == ["change_customer granted to the team Sales Y"]
    assert explained["far_manager"]["change"]["reasons"] == ["change_customer granted to the team Sales Y"]
    assert explained["agent_x1"]["view"]["reasons"] == ["support directory (every support user may look a customer up)"]
    assert explained["root"]["share"]["reasons"] == ["admin"]


def test_a_user_share_names_the_member_whose_grant_the_manager_holds(world, api):
    c_shared = world.customers["c_shared"]  # owned by rep_y, shared with rep_x1 at view
    response = api.as_user(world.users["root"]).get(f"/api/v1/customers/{c_shared.pk}/access/")
    explained = _users_explained(response)
    assert explained["rep_x1"]["view"]["reasons"] == ["view_customer granted to you"]
    assert set(explained["dual_manager"]["view"]["reasons"]) == {
        "view_customer granted to rep_x1, a member of your team",
        "support directory (every support user may look a customer up)",
    }


def test_one_user_is_explained_with_the_reasons_for_refusal(world, api):
    c1 = world.customers["c1"]
    response = api.as_user(world.users["dual_manager"]).get(
        f"/api/v1/customers/{c1.pk}/access/?user={world.users['rep_x2'].pk}"  # in their team
    )
    assert response.status_code == 200
    [entry] = response.json()["users"]
    assert entry["user"]["username"] == "rep_x2"
    view = entry["actions"]["view"]
    assert view["allowed"] is False
    assert view["reasons"] == []
    [why] = view["refused_because"]
    assert why.startswith("No rule allows view for rep_x2. Rules checked: Admins may do everything;")
    assert "The owner views, changes and shares" in why


def test_a_read_only_reason_says_what_it_does_allow(world, api):
    t7 = world.tickets["t7"]  # in Support Y, on rep_x1's customer: rep_x1 follows it read-only
    response = api.as_user(world.users["root"]).get(f"/api/v1/tickets/{t7.pk}/access/?user={world.users['rep_x1'].pk}")
    change = response.json()["users"][0]["actions"]["change"]
    assert change["allowed"] is False
    assert change["refused_because"][0] == "owner of the ticket's customer (read-only): allows only view"


def test_the_api_explains_a_ticket(world, api):
    t1 = world.tickets["t1"]
    response = api.as_user(world.users["dual_manager"]).get(f"/api/v1/tickets/{t1.pk}/access/")
    assert response.status_code == 200
    assert response.json()["actions"] == ["view", "change", "delete"]
    explained = _users_explained(response)
    assert set(explained) == {"agent_x1", "agent_x2", "dual_manager", "rep_x1", "root"}
    assert explained["agent_x2"]["change"]["reasons"] == ["member of the ticket's team"]
    assert explained["rep_x1"]["view"]["reasons"] == ["owner of the ticket's customer (read-only)"]
    assert explained["dual_manager"]["view"]["reasons"] == [
        "manager of the ticket's team",
        "manager of the owner of the ticket's customer (read-only)",
    ]
    assert explained["root"]["delete"]["reasons"] == ["admin"]


ENDPOINT_CASES = [
    ("customer owner (may view, not a manager)", "rep_x1", "customers", "c1", 403),
    ("support rep (may view the customer)", "agent_x1", "customers", "c1", 403),
    ("another team's manager (may not view)", "far_manager", "customers", "c1", 404),
    ("queue member (may view the ticket)", "agent_x1", "tickets", "t1", 403),
    ("another team's manager (may not view the ticket)", "far_manager", "tickets", "t1", 404),
    ("the manager", "dual_manager", "tickets", "t1", 200),
    ("an admin", "root", "customers", "c_far", 200),
]


@pytest.mark.parametrize(
    ("relation", "actor", "collection", "record", "status"), ENDPOINT_CASES, ids=[c[0] for c in ENDPOINT_CASES]
)
def test_who_may_ask_the_api(world, api, relation, actor, collection, record, status):
    records = world.customers if collection == "customers" else world.tickets
    response = api.as_user(world.users[actor]).get(f"/api/v1/{collection}/{records[record].pk}/access/")
    assert response.status_code == status
    if status == 404:
        assert records[record].__class__.__name__.lower() not in response.content.decode().lower()


@pytest.mark.parametrize(
    ("query", "status"), [("?user=abc", 400), ("?user=999999", 400), ("?user=", 400)], ids=["text", "missing", "empty"]
)
def test_a_bad_user_parameter_is_400(world, api, query, status):
    response = api.as_user(world.users["root"]).get(f"/api/v1/customers/{world.customers['c1'].pk}/access/{query}")
    assert response.status_code == status
    assert "user" in response.json()


def test_unknown_records_and_anonymous(world, api):
    root = api.as_user(world.users["root"])
    assert root.get("/api/v1/widgets/1/access/").status_code == 404
    assert root.get("/api/v1/customers/999999/access/").status_code == 404
    assert api.as_user(None).get(f"/api/v1/customers/{world.customers['c1'].pk}/access/").status_code == 401


# The portal


@pytest.mark.parametrize(
    ("persona", "shown"), [("dual_manager", True), ("root", True), ("rep_x1", False), ("agent_x1", False)]
)
def test_the_link_shows_on_customers_and_tickets_for_managers_and_admins_only(world, portal, persona, shown):
    client = portal.as_user(world.users[persona])
    for url in (f"/customers/{world.customers['c1'].pk}/", f"/support/tickets/{world.tickets['t1'].pk}/"):
        html = client.get(url).content.decode()
        assert ('data-testid="who-can-see"' in html) is shown, url


def test_the_portal_page_lists_viewers_and_explains_one_user(world, portal):
    c1 = world.customers["c1"]
    client = portal.as_user(world.users["dual_manager"])
    response = client.get(f"/access/customer/{c1.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for username in ("rep_x1", "dual_manager", "agent_x1", "root"):
        assert f'data-user="{username}"' in html
    assert 'data-user="rep_y"' not in html
    asked = client.get(f"/access/customer/{c1.pk}/?user={world.users['rep_x2'].pk}").content.decode()
    assert 'data-testid="asked-user"' in asked
    assert "No rule allows view for rep_x2" in asked


@pytest.mark.parametrize(
    ("persona", "kind", "record", "status"),
    [
        ("rep_x1", "customer", "c1", 403),
        ("far_manager", "customer", "c1", 404),
        ("agent_x1", "ticket", "t1", 403),
        ("far_manager", "ticket", "t1", 404),
        ("dual_manager", "ticket", "t1", 200),
        ("dual_manager", "widget", "t1", 404),
    ],
)
def test_who_may_open_the_portal_page(world, portal, persona, kind, record, status):
    records = world.tickets if record.startswith("t") else world.customers
    response = portal.as_user(world.users[persona]).get(f"/access/{kind}/{records[record].pk}/")
    assert response.status_code == status


# The command


def test_the_command_prints_each_action_with_its_reasons(world):
    out = StringIO()
    call_command("explain_access", "rep_x1", "customer", str(world.customers["c1"].pk), stdout=out)
    text = out.getvalue()
    assert text.startswith("rep_x1 (sales) on customer C1:")
    assert "  view: allowed\n    - owner\n" in text
    assert "  delete: refused\n    - owner: allows only change, share, view\n" in text


def test_the_command_explains_a_ticket(world):
    out = StringIO()
    call_command("explain_access", "agent_x1", "ticket", str(world.tickets["t6"].pk), stdout=out)
    assert "  view: refused\n    - No rule allows view for agent_x1. Rules checked: Admins may do everything;" in (
        out.getvalue()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody", "customer", "1"], "No user named 'nobody'."), (["root", "customer", "999999"], "No customer with id")],
)
def test_the_command_refuses_unknown_users_and_records(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("explain_access", *args)
