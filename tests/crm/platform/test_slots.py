"""Slots (crm.platform.slots) through the URL stack: the navigation and the home page per role,
and the contract every slot keeps: items in (order, key), only for whom their predicate holds,
and none whose build answers None."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from crm.insights.home import HOME
from crm.platform.slots import SlotItem

pytestmark = pytest.mark.django_db

EVERY_LINK = [
    "Home",
    "Dashboard",
    "Customers",
    "Pipeline",
    "Opportunities",
    "Orders",
    "Products",
    "Tickets",
    "Feedback",
]
NAV_BY_PERSONA = {
    "admin": EVERY_LINK,
    "sales_manager": EVERY_LINK,
    "support_manager": EVERY_LINK,
    "sales_rep": ["Home", "Customers", "Pipeline", "Opportunities", "Orders", "Products", "Tickets", "Feedback"],
    "support_rep": ["Home", "Customers", "Orders", "Products", "Tickets", "Feedback"],
}
HOME_BY_PERSONA = {
    "admin": ["dashboard-link", "users", "teams", "access-changes"],
    "sales_manager": ["dashboard-link", "teams-work"],
    "support_manager": ["dashboard-link", "teams-work"],
    "sales_rep": ["my-pipeline", "closing-this-month", "customers-complaints", "recent-customers"],
    "support_rep": ["my-queue", "breaching-soon", "my-csat"],
}


def nav_labels(html: str) -> list[str]:
    nav = re.search(r"<nav.*?</nav>", html, re.S).group(0)
    return [label for label in re.findall(r"<li><a href=\"[^\"]*\"[^>]*>([^<]+)</a></li>", nav) if label != "Admin"]


def section_keys(html: str) -> list[str]:
    return re.findall(r'<article data-section="([^"]+)">', html)


@pytest.mark.parametrize("persona", NAV_BY_PERSONA)
def test_the_navigation_shows_each_role_its_links_in_order(org, portal, request, persona):
    response = portal.as_user(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 200
    assert nav_labels(response.content.decode()) == NAV_BY_PERSONA[persona]


def test_a_visitor_who_is_not_signed_in_gets_no_navigation(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'aria-current="page"' not in response.content.decode()
    assert "/customers/" not in response.content.decode()


@pytest.mark.parametrize("persona", HOME_BY_PERSONA)
def test_the_home_page_shows_each_role_its_sections_in_order(org, portal, request, persona):
    response = portal.as_user(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 200
    assert section_keys(response.content.decode()) == HOME_BY_PERSONA[persona]


def _greeting(text):
    return lambda *, user, period: {"greeting": f"{text} for {user.username}"}


TEST_ITEMS = (
    # Registered out of order: the page shows them by (order, key).
    SlotItem("test-late", "Late", 95, lambda user: True, _greeting("late"), "tests/section.html"),
    SlotItem(
        "test-sales", "Sales only", 5, lambda user: user.role == Role.SALES, _greeting("sales"), "tests/section.html"
    ),
    SlotItem(
        "test-nothing", "Nothing to show", 6, lambda user: True, lambda *, user, period: None, "tests/section.html"
    ),
    SlotItem("test-b-tie", "Tie b", 7, lambda user: True, _greeting("tie b"), "tests/section.html"),
    SlotItem("test-a-tie", "Tie a", 7, lambda user: True, _greeting("tie a"), "tests/section.html"),
)


@pytest.fixture
def test_items():
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    for item in TEST_ITEMS:
        HOME.register(item)
    try:
        with override_settings(TEMPLATES=templates):
            yield
    finally:
        for item in TEST_ITEMS:
            HOME.unregister(item.key)


def test_a_slot_renders_in_order_for_whom_the_predicate_holds_and_skips_a_build_of_none(
    org, portal, sales_rep, support_rep, test_items
):
    for_sales = portal.as_user(sales_rep).get("/").content.decode()
    assert section_keys(for_sales) == [
        "test-sales",
        "test-a-tie",
        "test-b-tie",
        "my-pipeline",
        "closing-this-month",
        "customers-complaints",
        "recent-customers",
        "test-late",
    ]
    assert "sales for sales_rep" in for_sales
    assert "Nothing to show" not in for_sales

    for_support = portal.as_user(support_rep).get("/").content.decode()
    assert section_keys(for_support) == [
        "test-a-tie",
        "test-b-tie",
        "my-queue",
        "breaching-soon",
        "my-csat",
        "test-late",
    ]
    assert "Sales only" not in for_support
    assert "late for support_rep" in for_support
