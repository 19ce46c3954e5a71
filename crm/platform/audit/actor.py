"""Who is acting, for the audit trail: the signed-in user of a request, or the system.

The middleware names the request's user *when an entry is written*, not when the
request starts: DRF authenticates a token inside the view (after every middleware)
and sets the user on the Django request then, so token requests get their real actor.
Celery tasks act as the system (a task run in-process during a request included),
unless they act for a user with `acting_as`.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from crm.platform.audit.models import AuditVia


@dataclass(frozen=True)
class Actor:
    via: str
    user: Callable[[], object | None]  # read when an entry is written
    correlation_id: str | None = None


def _nobody():
    return None


SYSTEM = Actor(via=AuditVia.SYSTEM, user=_nobody)
_current: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def _acting(actor: Actor) -> Iterator[None]:
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def acting_as(user, *, via: str) -> AbstractContextManager[None]:
    """Write the entries of the block in the name of `user` (None: the system)."""
    return _acting(Actor(via=via, user=lambda: user, correlation_id=uuid.uuid4().hex))


def _door(path: str) -> str:
    if path.startswith("/api/"):
        return AuditVia.API
    if path.startswith("/admin/"):
        return AuditVia.ADMIN
    return AuditVia.PORTAL


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def signed_in_user():
            user = getattr(request, "user", None)  # DRF puts a token's user here when it authenticates
            return user if user is not None and user.is_authenticated else None

        actor = Actor(via=_door(request.path_info), user=signed_in_user, correlation_id=uuid.uuid4().hex)
        with _acting(actor):
            return self.get_response(request)


_task_tokens: dict[str, object] = {}


def _task_starts(task_id=None, **kwargs) -> None:
    _task_tokens[task_id] = _current.set(Actor(via=AuditVia.SYSTEM, user=_nobody, correlation_id=task_id))


def _task_ends(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)


def connect_task_signals() -> None:
    """Celery tasks act as the system unless they say otherwise (see crm/imports/tasks.py's import)."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_starts, dispatch_uid="crm.platform.audit.task_starts", weak=False)
    task_postrun.connect(_task_ends, dispatch_uid="crm.platform.audit.task_ends", weak=False)
