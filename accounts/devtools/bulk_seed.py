"""Bulk staff for `manage.py seed_bulk`: an admin, sales and support teams with their managers and members.

Usernames are stable, so a benchmark can pick its personas (NN: team number, MM: member
number, both from 01; team 01 is the largest, and member 01 of a sales team owns the most):

    admin                   the admin (superuser)
    sales-mgr-NN            manager of the team "Sales NN"
    sales-NN-MM             salesperson in "Sales NN"
    sales-free-MM           salesperson in no team
    support-mgr-NN          manager of the team "Support NN"
    support-NN-MM           support rep in "Support NN"
    support-free-MM         support rep in no team

This module stands in the lowest layer: it takes the run (crm.devtools.seeding.BulkRun) as
it is given, without importing crm.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group

from accounts.models import Role, Team, TeamKind, TeamMembership, User

FULL_SCALE_STAFF = 300
FULL_SCALE_TEAMS = 20
MIN_TEAMS = 4  # two sales and two support teams, whatever the scale
MIN_MEMBERS_PER_TEAM = 2
FIRST_NAMES = [
    "Ada", "Ben", "Cleo", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Luis", "Mara", "Nils",
    "Olga", "Pavel", "Quinn", "Rosa", "Samir", "Tess", "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Baker", "Cohen", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen", "Kowalski",
    "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Urban", "Vos", "Weber",
]  # fmt: skip


@dataclass(frozen=True)
class SeededTeam:
    id: int
    group_id: int
    name: str
    kind: str
    manager_id: int
    member_ids: tuple[int, ...]


@dataclass
class StaffFacts:
    """What later seeders need to know about the staff: who is where."""

    admin_ids: list[int] = field(default_factory=list)
    sales_teams: list[SeededTeam] = field(default_factory=list)
    support_teams: list[SeededTeam] = field(default_factory=list)
    unteamed_sales_ids: list[int] = field(default_factory=list)
    unteamed_support_ids: list[int] = field(default_factory=list)
    usernames: dict[int, str] = field(default_factory=dict)

    @property
    def teams(self) -> list[SeededTeam]:
        return self.sales_teams + self.support_teams

    def personas(self) -> list[tuple[str, str]]:
        """(who, username) for a benchmark: the largest teams' people."""
        sales, support = self.sales_teams[0], self.support_teams[0]
        return [
            ("admin", self.usernames[self.admin_ids[0]]),
            (f"sales manager ({sales.name}, {len(sales.member_ids)} members)", self.usernames[sales.manager_id]),
            ("salesperson (owns the most customers)", self.usernames[sales.member_ids[0]]),
            (
                f"support manager ({support.name}, {len(support.member_ids)} members)",
                self.usernames[support.manager_id],
            ),
            (f"support rep ({support.name})", self.usernames[support.member_ids[0]]),
        ]


@dataclass(frozen=True)
class StaffPlan:
    """How many of whom, at a scale."""

    sales_team_sizes: list[int]
    support_team_sizes: list[int]
    unteamed_sales: int
    unteamed_support: int

    @classmethod
    def at_scale(cls, scale: float) -> "StaffPlan":
        team_count = max(MIN_TEAMS, round(FULL_SCALE_TEAMS * scale))
        sales_teams = (team_count + 1) // 2
        support_teams = team_count - sales_teams
        staff = max(round(FULL_SCALE_STAFF * scale), 1 + team_count * (1 + MIN_MEMBERS_PER_TEAM))
        unteamed_sales, unteamed_support = round(2 * scale), round(1 * scale)
        members = staff - 1 - team_count - unteamed_sales - unteamed_support
        sales_members = members // 2
        return cls(
            sales_team_sizes=_skewed_sizes(sales_members, sales_teams),
            support_team_sizes=_skewed_sizes(members - sales_members, support_teams),
            unteamed_sales=unteamed_sales,
            unteamed_support=unteamed_support,
        )


def _skewed_sizes(members: int, teams: int) -> list[int]:
    """Team sizes, largest first: each team its minimum, the rest shared by falling weights (largest remainder)."""
    weights = [1 / (rank + 1) ** 0.7 for rank in range(teams)]
    spare = members - MIN_MEMBERS_PER_TEAM * teams
    shares = [spare * weight / sum(weights) for weight in weights]
    sizes = [int(share) for share in shares]
    by_remainder = sorted(range(teams), key=lambda rank: (sizes[rank] - shares[rank], rank))
    for rank in by_remainder[: spare - sum(sizes)]:
        sizes[rank] += 1
    return [MIN_MEMBERS_PER_TEAM + size for size in sizes]


class StaffSeeder:
    name = "staff"
    order = 10
    model_labels = ("accounts.User", "accounts.Team", "accounts.TeamMembership")

    def seed(self, run) -> None:
        plan = StaffPlan.at_scale(run.scale)
        rng = run.rng("staff")
        facts = StaffFacts()
        users = _UserRows(run, rng, facts)
        users.add("admin", Role.ADMIN, first_name="Ada", last_name="Admin")
        teams = []  # (name, kind, manager id, member ids)
        for kind, role, sizes in (
            (TeamKind.SALES, Role.SALES, plan.sales_team_sizes),
            (TeamKind.SUPPORT, Role.SUPPORT, plan.support_team_sizes),
        ):
            for number, size in enumerate(sizes, start=1):
                manager_id = users.add(f"{kind}-mgr-{number:02}", Role.MANAGER)
                member_ids = [users.add(f"{kind}-{number:02}-{member:02}", role) for member in range(1, size + 1)]
                teams.append((f"{kind.label} {number:02}", kind, manager_id, member_ids))
        facts.unteamed_sales_ids = [
            users.add(f"sales-free-{n:02}", Role.SALES) for n in range(1, plan.unteamed_sales + 1)
        ]
        facts.unteamed_support_ids = [
            users.add(f"support-free-{n:02}", Role.SUPPORT) for n in range(1, plan.unteamed_support + 1)
        ]
        run.copy(User, users.columns, users.rows, total=len(users.rows))
        self._seed_teams(run, teams, facts)
        run.facts["staff"] = facts

    def _seed_teams(self, run, teams, facts: StaffFacts) -> None:
        # The teams' groups are few: made through the ORM, they are numbered by their table.
        formed_at = run.base_time - run.history - timedelta(days=30)
        groups = [Group.objects.create(name=f"Team: {name}") for name, *_ in teams]
        first_team_id = run.first_id(Team)
        team_rows, membership_rows = [], []
        for offset, ((name, kind, manager_id, member_ids), group) in enumerate(zip(teams, groups, strict=True)):
            team_id = first_team_id + offset
            team_rows.append((team_id, name, kind, manager_id, group.pk, formed_at))
            membership_rows.extend((team_id, user_id, formed_at) for user_id in member_ids)
            seeded = SeededTeam(team_id, group.pk, name, kind, manager_id, tuple(member_ids))
            (facts.sales_teams if kind == TeamKind.SALES else facts.support_teams).append(seeded)
        columns = ("id", "name", "kind", "manager_id", "group_id", "created_at")
        run.copy(Team, columns, team_rows, total=len(team_rows))
        first_membership_id = run.first_id(TeamMembership)
        membership_rows = [(first_membership_id + n, *row) for n, row in enumerate(membership_rows)]
        run.copy(TeamMembership, ("id", "team_id", "user_id", "joined_at"), membership_rows, total=len(membership_rows))


class _UserRows:
    columns = (
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
        "is_staff", "is_active", "date_joined", "role", "session_generation", "time_zone",
        "date_locale",
    )  # fmt: skip

    def __init__(self, run, rng, facts: StaffFacts):
        self.run, self.rng, self.facts = run, rng, facts
        self.next_id = run.first_id(User)
        self.rows: list[tuple] = []

    def add(self, username: str, role: str, *, first_name: str = "", last_name: str = "") -> int:
        user_id = self.next_id
        self.next_id += 1
        first_name = first_name or self.rng.choice(FIRST_NAMES)
        last_name = last_name or self.rng.choice(LAST_NAMES)
        joined = self.run.base_time - self.run.history - timedelta(days=self.rng.randint(30, 400))
        is_admin = role == Role.ADMIN
        self.rows.append(
            (
                user_id, self.run.password_hash, None, is_admin, username, first_name, last_name,
                f"{username}@example.com", is_admin, True, joined, role, 0, "", "",
            )
        )  # fmt: skip
        self.facts.usernames[user_id] = username
        if is_admin:
            self.facts.admin_ids.append(user_id)
        return user_id


BULK_SEEDERS = [StaffSeeder()]
