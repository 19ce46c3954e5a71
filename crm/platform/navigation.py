"""The navigation: a slot ("nav") of links that contexts add from AppConfig.ready().

Each link says who sees it with a predicate from its context's access.py:

    NAV.register(nav_link(label="Pipeline", url_name="sales-board", order=20, visible_to=access.sees_pipeline))
"""

from collections.abc import Callable

from django.urls import reverse

from accounts.access import is_signed_in
from accounts.models import User
from crm.platform.slots import Slot, SlotItem

NAV = Slot("nav")


def nav_link(*, label: str, url_name: str, order: int, visible_to: Callable[[User], bool]) -> SlotItem:
    """A link to the page named `url_name`; its URL is the rendered item's context."""
    return SlotItem(
        key=url_name, title=label, order=order, visible_to=visible_to, build=lambda *, user: reverse(url_name)
    )


NAV.register(nav_link(label="Home", url_name="home", order=0, visible_to=is_signed_in))


def navigation(request):
    """Template context: the links the signed-in user may follow, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"label": link.title, "url": link.context, "active": False} for link in NAV.render(user=user)]
    if (current := _current_item(items, request.path)) is not None:
        current["active"] = True
    return {"nav_items": items, "show_admin_link": user.is_admin}


def _current_item(items: list[dict], path: str) -> dict | None:
    """The one entry the page belongs to: the longest URL that the path starts with ("/" only for itself).

    /support/feedback/ belongs to Feedback, not also to Tickets (/support/).
    """
    matching = [item for item in items if (path == item["url"] if item["url"] == "/" else path.startswith(item["url"]))]
    return max(matching, key=lambda item: len(item["url"]), default=None)
