"""Background tasks: the retry policy they share, and a visible record of those that fail for good.

A task that meets a passing fault (the mail server or the database briefly away:
OSError, which includes every smtplib error, OperationalError, InterfaceError) is
retried with exponential backoff and jitter: about 2, 4, 8, 16, 32 s, at most
RETRY_BACKOFF_MAX_SECONDS, well inside the broker's visibility timeout, so a delayed
retry is never redelivered as a duplicate. After MAX_RETRIES, or at once for any other
error, the task fails: `record_task_failure` keeps a TaskFailure row (task, arguments,
error, traceback) that admins see, and may run again, in Django admin.

Tasks are acknowledged late (a task lost with its worker runs again) and must
therefore be idempotent: running one twice applies its effect once.

Services enqueue with `enqueue_on_commit(task, *ids)`: after the commit, and never
failing the write that enqueued it. A task that fails in-process (no broker: tasks
run at once, here) or that cannot be handed to the broker is recorded as a
TaskFailure like any other; the request that committed the write still answers its
success.
"""

import logging
import traceback as tracebacks
from functools import partial

from celery.signals import task_failure
from django.db import InterfaceError, OperationalError, transaction

logger = logging.getLogger("crm.platform.background")

MAX_RETRIES = 5
RETRY_BACKOFF_SECONDS = 2
RETRY_BACKOFF_MAX_SECONDS = 300
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)

RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "max_retries": MAX_RETRIES,
    "retry_backoff": RETRY_BACKOFF_SECONDS,
    "retry_backoff_max": RETRY_BACKOFF_MAX_SECONDS,
    "retry_jitter": True,
}


def record_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra):
    from crm.platform.models import TaskFailure

    request = getattr(sender, "request", None)
    try:
        with transaction.atomic():
            TaskFailure.objects.create(
                task_name=getattr(sender, "name", str(sender))[:200],
                task_id=str(task_id or "")[:100],
                args=_json_safe(list(args or [])),
                kwargs=_json_safe(dict(kwargs or {})),
                exception=type(exception).__name__[:200],
                message=str(exception),
                traceback=str(einfo) if einfo else "".join(tracebacks.format_exception(exception)),
                retries=getattr(request, "retries", 0) or 0,
            )
    except Exception:  # the database may be what failed; the worker's log still has it
        logger.exception("Could not record the failure of task %s", getattr(sender, "name", sender))


def _json_safe(value):
    """Task arguments are ids and plain values; anything else is kept as its repr."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def connect_signals() -> None:
    task_failure.connect(record_task_failure, dispatch_uid="crm.record_task_failure")


def enqueue(task, *args, **kwargs) -> None:
    """Hand `task` to the workers, or without a broker run it here; its failure is recorded, never raised."""
    try:
        if task.app.conf.task_always_eager:
            # In-process: the task_failure signal records a failure (after the task's retries); the caller goes on.
            task.apply(args=args, kwargs=kwargs, throw=False)
        else:
            task.apply_async(args=args, kwargs=kwargs)
    except Exception as error:  # the broker unreachable, say: the task never ran, so nothing recorded it yet
        logger.exception("Could not enqueue task %s", getattr(task, "name", task))
        record_task_failure(sender=task, exception=error, args=args, kwargs=kwargs)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """`enqueue` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))
