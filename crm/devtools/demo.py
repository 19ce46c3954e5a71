"""Demo data. `manage.py seed_demo` runs every registered seeder in order; each context registers
its own from its `devtools/demo.py`, found by autodiscovery, so crm never imports sales or support."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from accounts.models import Role, Team, TeamKind, TeamMembership, User
from crm.customers.models import Activity, ActivityKind, Contact, Customer, CustomerShare, ShareLevel

DEMO_PASSWORD = "crm-demo-2026"  # noqa: S105 - printed for the demo; never used outside seed_demo


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    order: int
    seed: Callable[[random.Random], None]


_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(seeder: DemoSeeder) -> None:
    _seeders[seeder.name] = seeder


def demo_seeders() -> list[DemoSeeder]:
    autodiscover_modules("devtools.demo")  # each context's `devtools/demo.py` registers its seeder
    return sorted(_seeders.values(), key=lambda s: s.order)


# username, first name, last name, role
STAFF = [
    ("admin", "Ada", "Admin", Role.ADMIN),
    ("maria", "Maria", "Moreno", Role.MANAGER),
    ("mike", "Mike", "Mendel", Role.MANAGER),
    ("una", "Una", "Ulrich", Role.MANAGER),
    ("otto", "Otto", "Olsen", Role.MANAGER),
    ("sam", "Sam", "Sato", Role.SALES),
    ("sara", "Sara", "Singh", Role.SALES),
    ("steve", "Steve", "Stone", Role.SALES),
    ("sue", "Sue", "Suzuki", Role.SUPPORT),
    ("sid", "Sid", "Silva", Role.SUPPORT),
    ("tina", "Tina", "Torres", Role.SUPPORT),
]
# name, kind, manager, members
TEAMS = [
    ("Sales North", TeamKind.SALES, "maria", ["sam", "sara"]),
    ("Sales South", TeamKind.SALES, "mike", ["steve"]),
    ("Support Tier 1", TeamKind.SUPPORT, "una", ["sue", "sid"]),
    ("Support Tier 2", TeamKind.SUPPORT, "otto", ["tina"]),
]
DEMO_LOGINS = [("admin", "admin"), ("manager", "maria"), ("sales", "sam"), ("support", "sue")]

COMPANIES = [
    ("Acme Logistics", "Logistics"),
    ("Birchwood Dental", "Healthcare"),
    ("Cobalt Robotics", "Manufacturing"),
    ("Delta Fresh Foods", "Retail"),
    ("Evergreen Insurance", "Finance"),
    ("Fjord Shipping", "Logistics"),
    ("Granite Legal", "Legal services"),
    ("Harbor Hotels", "Hospitality"),
    ("Ion Solar", "Energy"),
    ("Juniper Schools", "Education"),
    ("Kestrel Aviation", "Aerospace"),
    ("Lumen Labs", "Software"),
    ("Maple Clinics", "Healthcare"),
    ("Nimbus Cloud", "Software"),
    ("Orchid Cosmetics", "Retail"),
    ("Pioneer Farms", "Agriculture"),
    ("Quarry Stoneworks", "Construction"),
    ("Riverbend Brewing", "Food & drink"),
    ("Summit Outdoor", "Retail"),
    ("Tidal Energy", "Energy"),
    ("Umbra Security", "Software"),
    ("Vertex Engineering", "Construction"),
    ("Willow Pharmacy", "Healthcare"),
    ("Xenon Lighting", "Manufacturing"),
    ("Yellowstone Travel", "Hospitality"),
    ("Zephyr Bikes", "Retail"),
    ("Atlas Freight", "Logistics"),
    ("Beacon Bank", "Finance"),
    ("Cedar Architects", "Construction"),
    ("Dune Media", "Media"),
]
FIRST_NAMES = [
    "Alex",
    "Bea",
    "Chris",
    "Dana",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jade",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
]
LAST_NAMES = ["Berg", "Costa", "Dietz", "Evans", "Fox", "Gray", "Holm", "Ito", "Jansen", "Klein", "Lund", "Meyer"]
NOTES = [
    "Intro call: interested in the annual plan.",
    "Sent the price sheet.",
    "Asked for a reference customer.",
    "Visited the site; met the operations lead.",
    "Renewal due next quarter.",
    "Raised a billing question.",
]


@transaction.atomic
def seed_staff() -> dict[str, User]:
    users = {}
    for username, first, last, role in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "role": role, "email": f"{username}@example.com"},
        )
        if created:
            user.is_superuser = role == Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    for name, kind, manager, members in TEAMS:
        group, _ = Group.objects.get_or_create(name=f"Team: {name}")
        team, _ = Team.objects.get_or_create(
            name=name, defaults={"kind": kind, "manager": users[manager], "group": group}
        )
        for member in members:
            TeamMembership.objects.get_or_create(user=users[member], defaults={"team": team})
    return users


@transaction.atomic
def seed_customers(rng: random.Random) -> None:
    users = {user.username: user for user in User.objects.filter(username__in=[s[0] for s in STAFF])}
    owners = [users[name] for name in ("sam", "sara", "steve", "maria")]
    for index, (name, industry) in enumerate(COMPANIES):
        slug = name.lower().replace(" ", "")
        customer, created = Customer.objects.get_or_create(
            name=name,
            defaults={
                "industry": industry,
                "owner": owners[index % len(owners)],
                "email": f"hello@{slug}.example",
                "phone": f"+44 20 7{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            },
        )
        if not created:
            continue
        for _ in range(rng.randint(1, 3)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            Contact.objects.create(
                customer=customer, first_name=first, last_name=last, email=f"{first}.{last}@{slug}.example".lower()
            )
        for note in rng.sample(NOTES, k=rng.randint(1, 3)):
            Activity.objects.create(
                customer=customer, kind=rng.choice(ActivityKind.values), body=note, author=customer.owner
            )
    _seed_demo_shares(users)


def _seed_demo_shares(users: dict[str, User]) -> None:
    from guardian.shortcuts import assign_perm

    from crm.customers.services import SHARE_PERMISSION

    steve_customer = Customer.objects.filter(owner=users["steve"]).order_by("name").first()
    if steve_customer and not CustomerShare.objects.filter(customer=steve_customer, user=users["sam"]).exists():
        grant = assign_perm(SHARE_PERMISSION[ShareLevel.VIEW], users["sam"], steve_customer)
        CustomerShare.objects.create(
            customer=steve_customer,
            user=users["sam"],
            level=ShareLevel.VIEW,
            user_grant=grant,
            shared_by=users["steve"],
        )


register_demo_seeder(DemoSeeder("customers", 10, seed_customers))
