"""The home page (`/`) is built from sections per role; contexts above crm add theirs.

A context registers a section from its AppConfig.ready(), so crm never imports it:

    register_home_section(HomeSection(
        key="my-queue", title="My queue", order=10, roles={Role.SUPPORT},
        template="support/home/my_queue.html",
        context=lambda *, user, period: {...} or None,  # None: not shown to this user
    ))

`context` asks its own access policy and costs a fixed number of queries, whatever
the number of records: the whole home page stays within ten.
"""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import User
from crm.platform.periods import Period


@dataclass(frozen=True)
class HomeSection:
    key: str
    title: str
    order: int
    roles: frozenset[str]
    template: str
    context: Callable[..., dict | None]  # (*, user, period)


@dataclass(frozen=True)
class RenderedHomeSection:
    key: str
    title: str
    template: str
    context: dict


_sections: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    _sections[section.key] = HomeSection(
        section.key, section.title, section.order, frozenset(section.roles), section.template, section.context
    )


def home_sections_for(*, user: User, period: Period) -> list[RenderedHomeSection]:
    """The sections of `user`'s role, in order, with their context (an admin's role is `admin`)."""
    role = "admin" if user.is_admin else user.role
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        if role not in section.roles:
            continue
        context = section.context(user=user, period=period)
        if context is not None:
            rendered.append(RenderedHomeSection(section.key, section.title, section.template, context))
    return rendered
