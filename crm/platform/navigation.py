"""Role-aware navigation. Contexts add their entries from AppConfig.ready()."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int


_items: list[NavItem] = []


def register_nav_item(*, label: str, url_name: str, roles, order: int) -> None:
    _items.append(NavItem(label, url_name, frozenset(roles), order))


register_nav_item(label="Home", url_name="home", roles=Role.values, order=0)
register_nav_item(label="Customers", url_name="customer-list", roles=Role.values, order=10)


def navigation(request):
    """Template context: the entries the signed-in user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": False}
        for item in sorted(_items, key=lambda i: i.order)
        if user.role in item.roles
    ]
    if (current := _current_item(items, request.path)) is not None:
        current["active"] = True
    return {"nav_items": items, "show_admin_link": user.is_admin}


def _current_item(items: list[dict], path: str) -> dict | None:
    """The one entry the page belongs to: the longest URL that the path starts with ("/" only for itself).

    /support/feedback/ belongs to Feedback, not also to Tickets (/support/).
    """
    matching = [item for item in items if (path == item["url"] if item["url"] == "/" else path.startswith(item["url"]))]
    return max(matching, key=lambda item: len(item["url"]), default=None)
