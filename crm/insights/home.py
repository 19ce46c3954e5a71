"""The home page's slot ("home"), and what crm itself adds to it, the navigation, and the access
explainer.

Each role lands on its own work: a context adds its sections to HOME from its
AppConfig.ready(), each with a predicate from its access.py saying whose home page it is on
(see crm.platform.slots). crm's own are registered from CrmConfig.ready(), like sales and
support register theirs. A section's build costs a fixed number of queries, whatever the
number of records: the whole home page stays within ten.
"""

from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import Role, Team, TeamMembership, User
from crm.customers import access, selectors
from crm.customers.models import Customer, CustomerShare
from crm.insights.explainer import ExplainableKind, register_explainable_kind
from crm.platform.navigation import NAV, nav_link
from crm.platform.periods import Period
from crm.platform.slots import Slot, SlotItem
from crm.staff import access as staff_access
from crm.staff.work import memberships_led_by, team_tables

RECENT_ROWS = 10

HOME = Slot("home")


def register() -> None:
    NAV.register(nav_link(label="Dashboard", url_name="dashboard", order=5, visible_to=staff_access.can_view_dashboard))
    register_explainable_kind(
        ExplainableKind(
            name="customer",
            collection="customers",
            label="Customer",
            actions=access.CustomerAction.choices,
            rules=access.RULES,
            model=Customer,
            visible_to=access.customers_visible_to,
            reasons_by_user=access.customer_access_reasons_by_user,
            url_name="customer-detail",
            related=("owner",),
        )
    )
    for section in HOME_SECTIONS:
        HOME.register(section)


# Home sections


def recent_customers_context(*, user: User, period: Period) -> dict:
    recent = selectors.customer_list(user=user).order_by("-updated_at", "-id")[:RECENT_ROWS]
    return {"customers": recent, "can_create": access.can_create_customer(user)}


def teams_work_context(*, user: User, period: Period) -> dict:
    """The manager's teams, a row per member: what each has open, counted over what the manager may view."""
    return {"teams": team_tables(user=user, memberships=memberships_led_by(user), period=period)}


def users_context(*, user: User, period: Period) -> dict:
    counts = User.objects.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        **{role: Count("pk", filter=Q(is_active=True, role=role)) for role in Role.values},
    )
    by_role = [(label, counts[value]) for value, label in Role.choices]
    return {"total": counts["total"], "active": counts["active"], "by_role": by_role}


def teams_context(*, user: User, period: Period) -> dict:
    teams = Team.objects.select_related("manager").annotate(member_count=Count("memberships")).order_by("name")
    return {"teams": teams}


def access_changes_context(*, user: User, period: Period) -> dict:
    return {"changes": recent_access_changes(limit=RECENT_ROWS)}


def recent_access_changes(*, limit: int) -> list[dict]:
    """The latest shares and team memberships, newest first, as the tables hold them today.

    Unshares and departures leave no row behind; the audit trail will record those.
    """
    shares = CustomerShare.objects.select_related("customer", "user", "team", "shared_by").order_by("-created_at")
    joins = TeamMembership.objects.select_related("user", "team").order_by("-joined_at")
    changes = [_share_change(share) for share in shares[:limit]] + [_join_change(join) for join in joins[:limit]]
    return sorted(changes, key=lambda change: change["at"], reverse=True)[:limit]


def _share_change(share: CustomerShare) -> dict:
    holder = share.user.username if share.user_id else f"team {share.team.name}"
    return _change(
        at=share.created_at,
        what=f"{share.customer.name} shared with {holder} ({share.level})",
        who=share.shared_by.username if share.shared_by_id else "",
        url=reverse("customer-detail", args=[share.customer_id]),
    )


def _join_change(membership: TeamMembership) -> dict:
    return _change(
        at=membership.joined_at,
        what=f"{membership.user.username} joined {membership.team.name}",
        who="",
        url=reverse("team-detail", args=[membership.team_id]),
    )


def _change(*, at: datetime, what: str, who: str, url: str) -> dict:
    return {"at": at, "what": what, "who": who, "url": url}


def dashboard_link_context(*, user: User, period: Period) -> dict:
    return {"url": reverse("dashboard")}


HOME_SECTIONS = (
    SlotItem(
        key="dashboard-link",
        title="Dashboard",
        order=1,
        visible_to=staff_access.can_view_dashboard,
        template="crm/home/dashboard_link.html",
        build=dashboard_link_context,
    ),
    SlotItem(
        key="teams-work",
        title="Your teams' work",
        order=50,
        visible_to=staff_access.sees_team_work,
        template="crm/home/teams_work.html",
        build=teams_work_context,
    ),
    SlotItem(
        key="users",
        title="Users",
        order=10,
        visible_to=staff_access.oversees_staff,
        template="crm/home/users.html",
        build=users_context,
    ),
    SlotItem(
        key="teams",
        title="Teams",
        order=20,
        visible_to=staff_access.oversees_staff,
        template="crm/home/teams.html",
        build=teams_context,
    ),
    SlotItem(
        key="access-changes",
        title="Recent access changes",
        order=30,
        visible_to=staff_access.oversees_staff,
        template="crm/home/access_changes.html",
        build=access_changes_context,
    ),
    SlotItem(
        key="recent-customers",
        title="Recently updated customers",
        order=90,
        visible_to=access.follows_own_customers,
        template="crm/home/recent_customers.html",
        build=recent_customers_context,
    ),
)
