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
    current = request.path
    items = []
    for item in sorted(_items, key=lambda i: i.order):
        if user.role in item.roles:
            url = reverse(item.url_name)
            active = current == url if url == "/" else current.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items, "show_admin_link": user.is_admin}
