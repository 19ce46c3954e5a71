"""Bulk customers, contacts and shares for `manage.py seed_bulk` (see crm.devtools.seeding).

Customers are numbered in the order they were created, evenly over the history, and
each has a weight (a few big accounts, many small ones) that later seeders use to
spread contacts, opportunities, orders and tickets. Owners are salespeople (the first
members of the first teams own the most) and a few sales managers. Shares are stored
as the app stores them: a guardian grant row and a CustomerShare pointing at it.
"""

from array import array
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

from django.contrib.auth.models import Permission

from accounts.devtools.bulk_seed import StaffFacts
from crm.customers.models import (
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerShare,
    CustomerUserObjectPermission,
)
from crm.customers.services import SHARE_PERMISSION
from crm.devtools.seeding import BulkRun, from_micros, spread, to_micros, weighted_prefix_choice

FULL_SCALE_CUSTOMERS = 100_000
FULL_SCALE_CONTACTS = 250_000
FULL_SCALE_SHARES = 1_000
MAX_CUSTOMER_WEIGHT = 100.0

PREFIXES = [
    "Acme", "Alpine", "Amber", "Apex", "Atlas", "Aurora", "Beacon", "Birch", "Blue Harbor", "Bright", "Cedar",
    "Cobalt", "Copper", "Crescent", "Delta", "Eagle", "Ember", "Evergreen", "Falcon", "Fjord", "Golden", "Granite",
    "Harbor", "Horizon", "Ion", "Iron", "Juniper", "Kestrel", "Lakeside", "Lumen", "Maple", "Meridian", "Nimbus",
    "North Star", "Oakridge", "Orchid", "Pioneer", "Quarry", "Redwood", "Riverbend", "Sapphire", "Silverline",
    "Summit", "Tidal", "Union", "Vertex", "Willow", "Zephyr",
]  # fmt: skip
CORES = [
    ("Logistics", "Logistics"), ("Freight", "Logistics"), ("Dental", "Healthcare"), ("Clinics", "Healthcare"),
    ("Pharmacy", "Healthcare"), ("Robotics", "Manufacturing"), ("Machining", "Manufacturing"), ("Foods", "Retail"),
    ("Outdoor", "Retail"), ("Insurance", "Finance"), ("Bank", "Finance"), ("Capital", "Finance"),
    ("Legal", "Legal services"), ("Hotels", "Hospitality"), ("Travel", "Hospitality"), ("Solar", "Energy"),
    ("Power", "Energy"), ("Schools", "Education"), ("Academy", "Education"), ("Aviation", "Aerospace"),
    ("Labs", "Software"), ("Cloud", "Software"), ("Software", "Software"), ("Security", "Software"),
    ("Farms", "Agriculture"), ("Builders", "Construction"), ("Architects", "Construction"),
    ("Brewing", "Food & drink"), ("Coffee", "Food & drink"), ("Media", "Media"), ("Studios", "Media"),
]  # fmt: skip
SUFFIXES = ["", "", "", "Ltd", "GmbH", "Inc.", "& Co", "Group", "AG", "SA", "BV", "Holdings", "Partners"]
CITIES = [
    "Leeds", "Lyon", "Porto", "Ghent", "Turin", "Malmö", "Bergen", "Graz", "Brno", "Kraków", "Aarhus", "Bilbao",
    "Utrecht", "Cork", "Basel", "Tartu",
]  # fmt: skip
FIRST_NAMES = [
    "Alex", "Bea", "Chris", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Milo", "Nora",
    "Omar", "Pia", "Rafael", "Sofia", "Theo", "Uma", "Viktor", "Wanda", "Yara", "Zeno",
]  # fmt: skip
LAST_NAMES = [
    "Berg", "Costa", "Dietz", "Evans", "Fox", "Gray", "Holm", "Ito", "Jansen", "Klein", "Lund", "Meyer", "Nagy",
    "Ortiz", "Price", "Ruiz", "Sousa", "Thorn", "Varga", "Wolf",
]  # fmt: skip


@dataclass
class CustomerFacts:
    """The seeded customers, by index (id = first_id + index), in order of creation."""

    first_id: int
    owner_ids: array  # the owner's user id, per customer
    cumulative_weights: list[float]  # running sums of the customers' weights (big accounts weigh more)
    created_micros: array  # creation time (to_micros), per customer, increasing
    contact_first_ids: array  # the first contact's id, per customer (its contacts' ids follow)
    contact_counts: array

    @property
    def count(self) -> int:
        return len(self.owner_ids)

    def pick(self, rng, moment: datetime) -> int:
        """A customer's index, weighted, among those that existed at `moment` (the first one if none did)."""
        existing = max(1, bisect_right(self.created_micros, to_micros(moment)))
        return weighted_prefix_choice(rng, self.cumulative_weights, existing)

    def created_at(self, index: int) -> datetime:
        return from_micros(self.created_micros[index])


class CustomerSeeder:
    name = "customers"
    order = 20
    model_labels = (
        "crm.Customer",
        "crm.Contact",
        "crm.CustomerUserObjectPermission",
        "crm.CustomerGroupObjectPermission",
        "crm.CustomerShare",
    )

    def seed(self, run: BulkRun) -> None:
        staff: StaffFacts = run.facts["staff"]
        count = run.count(FULL_SCALE_CUSTOMERS)
        rng = run.rng("customers")
        owner_pool, owner_weights = _owners_and_weights(staff)
        owner_cumulative = list(accumulate(owner_weights))
        weights = [min(MAX_CUSTOMER_WEIGHT, rng.paretovariate(1.5)) for _ in range(count)]
        facts = CustomerFacts(
            first_id=run.first_id(Customer),
            owner_ids=array(
                "q", (owner_pool[weighted_prefix_choice(rng, owner_cumulative, len(owner_pool))] for _ in range(count))
            ),
            cumulative_weights=list(accumulate(weights)),
            created_micros=array("q"),
            contact_first_ids=array("q"),
            contact_counts=_contact_counts(run, weights),
        )
        columns = ("id", "version", "name", "email", "phone", "industry", "owner_id", "created_at", "updated_at")
        run.copy(Customer, columns, _customer_rows(run, facts), total=count)
        contact_total = sum(facts.contact_counts)
        run.copy(Contact, CONTACT_COLUMNS, _contact_rows(run, facts), total=contact_total)
        run.facts["customers"] = facts
        _seed_shares(run, staff, facts)


def _owners_and_weights(staff: StaffFacts) -> tuple[list[int], list[float]]:
    """Who may own customers, and how much: the first members of the first teams most, sales managers a little."""
    owners, weights = [], []
    for rank, team in enumerate(staff.sales_teams):
        team_weight = 1 / (rank + 1) ** 0.5
        for member_rank, member_id in enumerate(team.member_ids):
            owners.append(member_id)
            weights.append(team_weight / (member_rank + 1) ** 0.8)
        owners.append(team.manager_id)
        weights.append(team_weight * 0.1)
    for user_id in staff.unteamed_sales_ids:
        owners.append(user_id)
        weights.append(0.3)
    return owners, weights


def _contact_counts(run: BulkRun, weights: list[float]) -> array:
    """One contact per customer, and the rest given out by weight (a big account has many)."""
    counts = array("H", [1]) * len(weights)
    spare = run.count(FULL_SCALE_CONTACTS) - len(weights)
    rng = run.rng("contact-counts")
    cumulative = list(accumulate(weights))
    for _ in range(max(0, spare)):
        counts[weighted_prefix_choice(rng, cumulative, len(weights))] += 1
    return counts


def _customer_rows(run: BulkRun, facts: CustomerFacts):
    rng = run.rng("customer-rows")
    for index in range(facts.count):
        core, industry = rng.choice(CORES)
        name = f"{rng.choice(PREFIXES)} {core} {rng.choice(SUFFIXES)}".strip()
        if rng.random() < 0.5:
            name = f"{name} ({rng.choice(CITIES)})"
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:40]
        created = spread(index, facts.count, rng)
        facts.created_micros.append(to_micros(created))
        updated = created + (run.base_time - created) * rng.random() ** 3
        phone = f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        yield (facts.first_id + index, 1 + rng.randint(0, 3), name, f"info@{slug}.example", phone, industry,
               facts.owner_ids[index], created, updated)  # fmt: skip


CONTACT_COLUMNS = (
    "id", "version", "customer_id", "first_name", "last_name", "email", "phone", "created_at", "updated_at",
)  # fmt: skip


def _contact_rows(run: BulkRun, facts: CustomerFacts):
    rng = run.rng("contact-rows")
    contact_id = run.first_id(Contact)
    for index in range(facts.count):
        facts.contact_first_ids.append(contact_id)
        customer_id = facts.first_id + index
        customer_created = facts.created_at(index)
        for _ in range(facts.contact_counts[index]):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            created = customer_created + (run.base_time - customer_created) * rng.random() ** 2
            yield (contact_id, 1, customer_id, first, last, f"{first}.{last}@c{customer_id}.example".lower(),
                   f"+44 7700 {rng.randint(100000, 999999)}", created, created)  # fmt: skip
            contact_id += 1


def _seed_shares(run: BulkRun, staff: StaffFacts, facts: CustomerFacts) -> None:
    """Shares with users and teams, at view and edit: the guardian grant rows first, then the shares naming them."""
    rng = run.rng("shares")
    permission_ids = {
        level: Permission.objects.get(content_type__app_label="crm", codename=codename.split(".")[1]).pk
        for level, codename in SHARE_PERMISSION.items()
    }
    sharable_users = [user_id for team in staff.sales_teams for user_id in team.member_ids] + staff.unteamed_sales_ids
    teams_by_group = {team.group_id: team for team in staff.teams}
    taken: set[tuple[int, str, int]] = set()
    user_grants, team_grants, shares = [], [], []
    next_user_grant, next_team_grant = (
        run.first_id(CustomerUserObjectPermission),
        run.first_id(CustomerGroupObjectPermission),
    )
    share_id = run.first_id(CustomerShare)
    while len(shares) < run.count(FULL_SCALE_SHARES):
        index = rng.randrange(facts.count)
        customer_id, owner_id = facts.first_id + index, facts.owner_ids[index]
        level = "view" if rng.random() < 0.65 else "edit"
        created = facts.created_at(index) + (run.base_time - facts.created_at(index)) * rng.random()
        if rng.random() < 0.6:
            user_id = rng.choice(sharable_users)
            if user_id == owner_id or (customer_id, "user", user_id) in taken:
                continue
            taken.add((customer_id, "user", user_id))
            user_grants.append((next_user_grant, permission_ids[level], user_id, customer_id, created, owner_id))
            shares.append((share_id, customer_id, user_id, None, level, next_user_grant, None, owner_id, created))
            next_user_grant += 1
        else:
            team = (
                teams_by_group[rng.choice(list(teams_by_group))]
                if rng.random() < 0.2
                else rng.choice(staff.sales_teams)
            )
            if (customer_id, "team", team.id) in taken:
                continue
            taken.add((customer_id, "team", team.id))
            team_grants.append((next_team_grant, permission_ids[level], team.group_id, customer_id, created, owner_id))
            shares.append((share_id, customer_id, None, team.id, level, None, next_team_grant, owner_id, created))
            next_team_grant += 1
        share_id += 1
    grant_columns = ("id", "permission_id", "user_id", "content_object_id", "granted_at", "granted_by_id")
    run.copy(CustomerUserObjectPermission, grant_columns, user_grants, total=len(user_grants))
    group_columns = ("id", "permission_id", "group_id", "content_object_id", "granted_at", "granted_by_id")
    run.copy(CustomerGroupObjectPermission, group_columns, team_grants, total=len(team_grants))
    share_columns = (
        "id", "customer_id", "user_id", "team_id", "level", "user_grant_id", "team_grant_id", "shared_by_id",
        "created_at",
    )  # fmt: skip
    run.copy(CustomerShare, share_columns, shares, total=len(shares))


BULK_SEEDERS = [CustomerSeeder()]
