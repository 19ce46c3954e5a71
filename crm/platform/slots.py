"""Slots: the places a page is assembled from items that contexts contribute.

A slot is a named place on a page: the navigation ("nav"), the home page ("home"), the
manager dashboard ("dashboard"), the customer page's panels ("customer-panels"). The
module that renders the page declares its slot; a context above it adds its items from
its AppConfig.ready(), so the lower layer never imports the higher one:

    HOME.register(SlotItem(
        key="my-queue", title="My queue", order=10, visible_to=access.has_own_queue,
        template="support/home/queue.html",
        build=my_queue_context,  # (*, user, period) -> dict | None
    ))

`visible_to(user)` says who the item is for; it comes from the contributing context's
access.py (no role list beside the item) and reads no table. `build(*, user, **arguments)`
makes what the page shows (a template's context, a section's figures, a URL) for that
user and the page's object or period, asking its own access policy; None: nothing to show
this time. A build costs a fixed number of queries, whatever the number of records.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User


@dataclass(frozen=True)
class SlotItem:
    key: str
    title: str
    order: int
    visible_to: Callable[[User], bool]
    build: Callable[..., Any]  # (*, user, **arguments) -> what the page shows, or None
    template: str = ""


@dataclass(frozen=True)
class RenderedItem:
    key: str
    title: str
    template: str
    context: Any  # what the item's build returned


class Slot:
    """The items of one slot, rendered for one user in (order, key)."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, SlotItem] = {}

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"

    def register(self, item: SlotItem) -> None:
        """Add `item`, or replace the item with its key."""
        self._items[item.key] = item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def render(self, *, user: User, **arguments) -> list[RenderedItem]:
        """The items `user` sees, in order: those whose `visible_to` holds and whose build is not None."""
        rendered = []
        for item in sorted(self._items.values(), key=lambda item: (item.order, item.key)):
            if not item.visible_to(user):
                continue
            context = item.build(user=user, **arguments)
            if context is not None:
                rendered.append(RenderedItem(item.key, item.title, item.template, context))
        return rendered
