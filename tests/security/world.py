"""The world the authorization matrix runs in: principals, records in every relation to them,
and ACCESS.md's answer for each principal and record, written out by hand.

The answers (ACCESS below) are transcribed from docs/ACCESS.md, not computed by the
code's access policies: the matrix compares what the running application answers
with what the contract says. Each record carries a marker (a bracketed name such as
"[cust_rep]") in its visible text, so that any response naming a record can be
caught, whatever page or endpoint it comes from.

Principals (tests/conftest.py's personas, plus those who must be refused):

    admin            superuser
    sales_manager    manages "Sales A": sales_rep, teammate
    sales_rep        salesperson in Sales A
    teammate         salesperson in Sales A
    other_manager    manages "Sales B": other_rep
    other_rep        salesperson in Sales B
    support_manager  manages "Support": support_rep
    support_rep      support user in Support
    lone_support_rep support user in no team (the customer directory, but no queue)
    outsider         salesperson in no team, with no relation to any record
    anonymous        no credentials
    inactive         a deactivated user, with a session and a token made while active
    revoked          (API only) a token that was revoked

Records (name: what it is):

    cust_rep     customer owned by sales_rep
    cust_other   customer owned by other_rep, shared with teammate (edit) and with Sales A (view)
    cust_mgr     customer owned by sales_manager (a manager who owns a record)
    contact_rep, contact_other     a contact of cust_rep / cust_other
    share_user, share_team         the two shares of cust_other
    opp_rep, opp_other, opp_mgr    opportunities on cust_rep / cust_other / cust_mgr, owned by their customer's owner
    order_rep    draft order on cust_rep owned by sales_rep, with line_rep
    order_other  placed order on cust_other owned by other_rep, with line_other
    product, product_spare         a product on both orders, and one on none
    ticket_q     ticket on cust_rep in "Support", with reply_q (public) and note_q (internal note)
    ticket_b     ticket on cust_other in "Support B" (manager: other_support_manager), with reply_b
    fb_ticket, fb_other            feedback about ticket_q / ticket_b
    fb_customer  feedback about no ticket, on cust_mgr
    user_<principal>               the principals' own user records (API /users/)
    team_a, team_b, team_support, team_support_b
    import_rep   a customer import (dry run done) uploaded by sales_rep
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role, Team, TeamKind, TeamMembership, User
from crm.customers.models import Activity
from crm.imports.models import ImportJob, ImportKind, ImportState
from crm.platform.models import TaskFailure
from sales.models import OrderLine, OrderStatus, Stage
from support.models import Escalation, EscalationLevel, Feedback, SentEmail, TicketMessage
from support.survey import survey_token
from tests.crm.scenario import share
from tests.factories import ContactFactory, CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory, ProductFactory
from tests.support.factories import TicketFactory

STAFF = (
    "admin",
    "sales_manager",
    "sales_rep",
    "teammate",
    "other_manager",
    "other_rep",
    "support_manager",
    "support_rep",
    "lone_support_rep",
    "outsider",
)
PORTAL_PRINCIPALS = (*STAFF, "anonymous", "inactive")
API_PRINCIPALS = (*STAFF, "anonymous", "inactive", "revoked")
SIGNED_OUT = frozenset({"anonymous", "inactive", "revoked"})
ROLES = {
    "admin": Role.ADMIN,
    "sales_manager": Role.MANAGER,
    "other_manager": Role.MANAGER,
    "support_manager": Role.MANAGER,
    "sales_rep": Role.SALES,
    "teammate": Role.SALES,
    "other_rep": Role.SALES,
    "support_rep": Role.SUPPORT,
    "lone_support_rep": Role.SUPPORT,
    "outsider": Role.SALES,
}

# ACCESS.md, per record: principal -> the actions they have (absent: none; the record does not exist for them).
# Letters: v view, c change, d delete, r reassign (the owner), s share and unshare (customers).
ALL_CUSTOMER = "vcdrs"
ALL_SALES = "vcdr"
ACCESS: dict[str, dict[str, str]] = {
    # Customer C: view O, shares, the support directory; change O, edit shares; delete, reassign the
    # manager of O; share O and the manager of O; the hierarchy; admins everything.
    "cust_rep": {
        "admin": ALL_CUSTOMER,
        "sales_manager": ALL_CUSTOMER,  # manager of the owner
        "sales_rep": "vcs",  # owner
        "support_manager": "v",  # support directory (manager of a support team)
        "support_rep": "v",  # support directory
        "lone_support_rep": "v",  # support directory, team or not
    },
    "cust_other": {
        "admin": ALL_CUSTOMER,
        "other_manager": ALL_CUSTOMER,
        "other_rep": "vcs",
        "teammate": "vc",  # shared with them at edit
        "sales_rep": "v",  # shared with their team (Sales A) at view
        "sales_manager": "vc",  # the hierarchy: teammate's edit share, and the team's view share
        "support_manager": "v",
        "support_rep": "v",
        "lone_support_rep": "v",
    },
    "cust_mgr": {
        "admin": ALL_CUSTOMER,
        "sales_manager": ALL_CUSTOMER,  # a manager who owns a record is its own manager
        "support_manager": "v",
        "support_rep": "v",
        "lone_support_rep": "v",
    },
    # Opportunity P: view and change O; delete and reassign the manager of O; support never.
    "opp_rep": {"admin": ALL_SALES, "sales_manager": ALL_SALES, "sales_rep": "vc"},
    "opp_other": {"admin": ALL_SALES, "other_manager": ALL_SALES, "other_rep": "vc"},
    "opp_mgr": {"admin": ALL_SALES, "sales_manager": ALL_SALES},
    # Order R: view O and anyone who can view C; change O; delete and reassign the manager of O.
    "order_rep": {
        "admin": ALL_SALES,
        "sales_manager": ALL_SALES,
        "sales_rep": "vc",
        "support_manager": "v",
        "support_rep": "v",
        "lone_support_rep": "v",
    },
    "order_other": {
        "admin": ALL_SALES,
        "other_manager": ALL_SALES,
        "other_rep": "vc",
        "teammate": "v",
        "sales_rep": "v",
        "sales_manager": "v",
        "support_manager": "v",
        "support_rep": "v",
        "lone_support_rep": "v",
    },
    # Product: every staff user views; admins change and delete.
    "product": dict.fromkeys(STAFF, "v") | {"admin": "vcd"},
    "product_spare": dict.fromkeys(STAFF, "v") | {"admin": "vcd"},
    # Ticket T in team Q: view and change the members of Q (and its manager); view the owner of C
    # (and the manager of C's owner); delete admins.
    "ticket_q": {
        "admin": "vcd",
        "support_manager": "vc",
        "support_rep": "vc",
        "sales_rep": "v",
        "sales_manager": "v",
    },
    "ticket_b": {"admin": "vcd", "other_rep": "v", "other_manager": "v"},
    # Feedback F: view whoever can view T (or C, without T); change and delete admins.
    "fb_ticket": {"admin": "vcd", "support_manager": "v", "support_rep": "v", "sales_rep": "v", "sales_manager": "v"},
    "fb_other": {"admin": "vcd", "other_rep": "v", "other_manager": "v"},
    "fb_customer": {
        "admin": "vcd",
        "sales_manager": "v",
        "support_manager": "v",
        "support_rep": "v",
        "lone_support_rep": "v",
    },
    # Teams: admins all; a manager the teams they manage; a member their own team.
    "team_a": {"admin": "vcd", "sales_manager": "v", "sales_rep": "v", "teammate": "v"},
    "team_b": {"admin": "vcd", "other_manager": "v", "other_rep": "v"},
    "team_support": {"admin": "vcd", "support_manager": "v", "support_rep": "v"},
    "team_support_b": {"admin": "vcd"},
    # An import job is its uploader's alone ("Imports", ACCESS.md): not even an admin sees another's.
    "import_rep": {"sales_rep": "vc"},
}


# Users: admins see and manage everyone; a manager sees the users of the teams they manage;
# everyone sees themselves (ACCESS.md, "Users and teams"), over this org chart.
TEAMS = {
    "team_a": ("sales_manager", ["sales_rep", "teammate"]),
    "team_b": ("other_manager", ["other_rep"]),
    "team_support": ("support_manager", ["support_rep"]),
    "team_support_b": ("other_support_manager", ["other_support_rep"]),
}
USERS = (*STAFF, "inactive", "revoked", "other_support_manager", "other_support_rep")
for _user_name in USERS:
    _manager = next((manager for manager, members in TEAMS.values() if _user_name in members), None)
    ACCESS[f"user_{_user_name}"] = {_user_name: "v"} | ({_manager: "v"} if _manager else {}) | {"admin": "vcd"}


def _follow(record: str, *, view: str, change: str, delete: str = "") -> None:
    """A record whose rights follow another's: e.g. a contact is viewed by whoever views its customer."""
    ACCESS[record] = {}
    for principal, actions in ACCESS_SOURCES[record].items():
        granted = ("v" if view in actions else "") + ("c" if change in actions else "")
        granted += "d" if delete and delete in actions else ""
        if granted:
            ACCESS[record][principal] = granted


ACCESS_SOURCES = {
    "contact_rep": ACCESS["cust_rep"],
    "contact_other": ACCESS["cust_other"],
    "share_user": ACCESS["cust_other"],
    "share_team": ACCESS["cust_other"],
    "reply_q": ACCESS["ticket_q"],
    "reply_b": ACCESS["ticket_b"],
    "note_q": ACCESS["ticket_q"],
    "line_rep": ACCESS["order_rep"],
    "line_other": ACCESS["order_other"],
}
# Contacts follow their customer: view with it, change and delete with its change.
_follow("contact_rep", view="v", change="c", delete="c")
_follow("contact_other", view="v", change="c", delete="c")
# Shares are seen and removed by those who may share the customer.
_follow("share_user", view="s", change="s", delete="s")
_follow("share_team", view="s", change="s", delete="s")
# Replies are seen with the ticket; internal notes only by those who may change it.
_follow("reply_q", view="v", change="c")
_follow("reply_b", view="v", change="c")
_follow("note_q", view="c", change="c")
# Order lines are changed with their order.
_follow("line_rep", view="v", change="c")
_follow("line_other", view="v", change="c")

KINDS = {
    "customer": ("cust_rep", "cust_other", "cust_mgr"),
    "contact": ("contact_rep", "contact_other"),
    "share": ("share_user", "share_team"),
    "opportunity": ("opp_rep", "opp_other", "opp_mgr"),
    "order": ("order_rep", "order_other"),
    "line": ("line_rep", "line_other"),
    "product": ("product", "product_spare"),
    "ticket": ("ticket_q", "ticket_b"),
    "message": ("reply_q", "note_q", "reply_b"),
    "feedback": ("fb_ticket", "fb_other", "fb_customer"),
    "user": tuple(f"user_{name}" for name in USERS),
    "team": ("team_a", "team_b", "team_support", "team_support_b"),
    "import": ("import_rep",),
}
AMOUNTS = {"opp_rep": Decimal("1111.00"), "opp_other": Decimal("2222.00"), "opp_mgr": Decimal("4444.00")}
RATINGS = {"fb_ticket": 1, "fb_other": 2, "fb_customer": 5}
# A word in each searchable record's name that is not its marker (a page echoes the search term).
SEARCH_WORDS = {"cust_rep": "kiwi", "cust_other": "mango", "cust_mgr": "papaya", "ticket_q": "quince"}


def actions(principal: str, record: str) -> str:
    return "" if principal in SIGNED_OUT else ACCESS[record].get(principal, "")


def can(principal: str, action: str, record: str) -> bool:
    return action in actions(principal, record)


def visible(principal: str, kind: str) -> set[str]:
    return {record for record in KINDS[kind] if can(principal, "v", record)}


def marker(record: str) -> str:
    return f"[{record}]"


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # record name -> model instance
    tokens: dict[str, str] = field(default_factory=dict)  # principal -> token key
    sessions: dict[str, str] = field(default_factory=dict)  # principal -> session key
    survey_token: str = ""
    representations: dict = field(default_factory=dict)  # API URL -> the record as an admin reads it

    def pk(self, record: str) -> int:
        return self.objects[record].pk

    def record_named(self, kind: str, pk) -> str | None:
        return next((name for name in KINDS[kind] if self.objects[name].pk == pk), None)

    def user_id(self, principal: str) -> int:
        return self.users[principal].pk


def _user(username: str, role: str, **extra) -> User:
    user = User(username=username, role=role, email=f"{username}@example.com", **extra)
    user.set_password("matrix-password-2026")
    user.save()
    return user


def _team(name: str, kind: str, manager: User, members: list[User]) -> Team:
    team = Team.objects.create(name=name, kind=kind, manager=manager, group=Group.objects.create(name=f"Team: {name}"))
    for member in members:
        TeamMembership.objects.create(team=team, user=member)
    return team


def build_world() -> World:
    world = World()
    users = world.users
    users["admin"] = _user("admin", Role.ADMIN, is_superuser=True)
    for principal, role in ROLES.items():
        if principal != "admin":
            users[principal] = _user(principal, role)
    users["inactive"] = _user("inactive", Role.SALES)
    other_support_manager = users["other_support_manager"] = _user("other_support_manager", Role.MANAGER)
    other_support_rep = users["other_support_rep"] = _user("other_support_rep", Role.SUPPORT)
    objects = world.objects

    objects["team_a"] = _team(
        "Sales A", TeamKind.SALES, users["sales_manager"], [users["sales_rep"], users["teammate"]]
    )
    objects["team_b"] = _team("Sales B", TeamKind.SALES, users["other_manager"], [users["other_rep"]])
    objects["team_support"] = _team("Support", TeamKind.SUPPORT, users["support_manager"], [users["support_rep"]])
    objects["team_support_b"] = _team("Support B", TeamKind.SUPPORT, other_support_manager, [other_support_rep])

    def customer(name, owner):
        return CustomerFactory(name=f"Acme {marker(name)} {SEARCH_WORDS[name]}", owner=users[owner])

    objects["cust_rep"] = customer("cust_rep", "sales_rep")
    objects["cust_other"] = customer("cust_other", "other_rep")
    objects["cust_mgr"] = customer("cust_mgr", "sales_manager")
    objects["share_user"] = share(objects["cust_other"], level="edit", user=users["teammate"])
    objects["share_team"] = share(objects["cust_other"], level="view", team=objects["team_a"])
    for name, customer_name in (("contact_rep", "cust_rep"), ("contact_other", "cust_other")):
        objects[name] = ContactFactory(customer=objects[customer_name], first_name="Pat", last_name=marker(name))

    for name, customer_name, stage in (
        ("opp_rep", "cust_rep", Stage.PROSPECTING),
        ("opp_other", "cust_other", Stage.QUALIFICATION),
        ("opp_mgr", "cust_mgr", Stage.PROPOSAL),
    ):
        objects[name] = OpportunityFactory(
            customer=objects[customer_name], name=f"Deal {marker(name)}", stage=stage, amount=AMOUNTS[name]
        )

    objects["product"] = ProductFactory(sku="MX-1", name="Widget", unit_price=Decimal("10.00"))
    objects["product_spare"] = ProductFactory(sku="MX-2", name="Spare", unit_price=Decimal("3.00"))
    objects["order_rep"] = OrderFactory(customer=objects["cust_rep"], lines=[(objects["product"], 2)])
    objects["order_other"] = OrderFactory(
        customer=objects["cust_other"],
        lines=[(objects["product"], 3)],
        status=OrderStatus.PLACED,
        placed_at=timezone.now() - timedelta(days=1),
    )
    objects["line_rep"] = OrderLine.objects.get(order=objects["order_rep"])
    objects["line_other"] = OrderLine.objects.get(order=objects["order_other"])

    objects["ticket_q"] = TicketFactory(
        customer=objects["cust_rep"], team=objects["team_support"], subject=f"Printer {marker('ticket_q')} quince"
    )
    objects["ticket_b"] = TicketFactory(
        customer=objects["cust_other"], team=objects["team_support_b"], subject=f"Login {marker('ticket_b')}"
    )
    for name, ticket, internal in (
        ("reply_q", "ticket_q", False),
        ("note_q", "ticket_q", True),
        ("reply_b", "ticket_b", False),
    ):
        objects[name] = TicketMessage.objects.create(
            ticket=objects[ticket], author=users["support_rep"], body=f"Text {marker(name)}", internal=internal
        )
    for name, customer_name, ticket in (
        ("fb_ticket", "cust_rep", "ticket_q"),
        ("fb_other", "cust_other", "ticket_b"),
        ("fb_customer", "cust_mgr", None),
    ):
        objects[name] = Feedback.objects.create(
            customer=objects[customer_name],
            ticket=objects[ticket] if ticket else None,
            rating=RATINGS[name],
            comment=f"Said {marker(name)}",
        )
    world.survey_token = survey_token(objects["ticket_q"])
    objects["import_rep"] = ImportJob.objects.create(
        kind=ImportKind.CUSTOMERS,
        created_by=users["sales_rep"],
        file_name="customers.csv",
        source="name,email\nImported Co,imported@example.com\n",
        total_rows=1,
        state=ImportState.CHECKED,  # its dry run is done
        checked_rows=1,
        checked_at=timezone.now(),
    )
    _records_only_admin_pages_show(world)

    for principal in (*STAFF, "inactive"):
        world.tokens[principal] = Token.objects.create(user=users[principal]).key
    revoked = Token.objects.create(user=_user("revoked", Role.SALES))
    world.tokens["revoked"] = revoked.key
    revoked.delete()
    objects |= {f"user_{name}": User.objects.get(username=name) for name in USERS}
    return world


def _records_only_admin_pages_show(world: World) -> None:
    """One row of each model that only Django admin lists, so that its change, history and delete pages are asked."""
    objects, users = world.objects, world.users
    Activity.objects.create(customer=objects["cust_rep"], author=users["sales_rep"], body=f"Met {marker('cust_rep')}")
    Escalation.objects.create(ticket=objects["ticket_q"], level=EscalationLevel.FIRST_RESPONSE, due_at=timezone.now())
    SentEmail.objects.create(key="matrix:1", recipients="x@example.com", subject="Hello", sent_at=timezone.now())
    TaskFailure.objects.create(task_name="support.tasks.send_complaint_notice", exception="OSError", message="down")
    AccessAttempt.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x", failures_since_start=1)
    AccessLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x")
    AccessFailureLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x")


def deactivate(world: World) -> None:
    """The inactive principal: deactivated after their session and token were made."""
    User.objects.filter(pk=world.users["inactive"].pk).update(is_active=False)
