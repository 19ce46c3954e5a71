"""When the database cannot be reached, answer 503 rather than 500.

A lost connection, a database that is restarting, a statement timeout or a deadlock
raise OperationalError or InterfaceError. Nothing was written: every write runs in one
transaction.atomic, which the error rolls back (and an unreachable database commits
nothing). The client may simply try again, so the answer is 503 with Retry-After: a
JSON body for the API, a short page for the portal. The page is rendered without the
database (no base template, no context processors that would look up the user).
"""

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django_htmx.http import trigger_client_event

logger = logging.getLogger("crm.database")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"
HISTORY_CHANGED_EVENT = "history-changed"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
UNAVAILABLE_DETAIL = "The service cannot reach its database just now; nothing was changed. Try again in a moment."
SERVER_ERROR_DETAIL = "Something went wrong on our side; the error was logged."


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def database_unavailable_response(request) -> HttpResponse:
    if is_api_request(request):
        response = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"detail": UNAVAILABLE_DETAIL}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.error("Database unavailable during %s %s", request.method, request.path, exc_info=exception)
        return database_unavailable_response(request)


def server_error(request, template_name="500.html"):
    """handler500: also catches a lost database outside the view (a middleware's session save, say)."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    if is_api_request(request):
        return JsonResponse({"detail": SERVER_ERROR_DETAIL}, status=500)
    return defaults.server_error(request, template_name=template_name)


class HistoryChangedMiddleware:
    """Every answer to an htmx write tells its page `HX-Trigger: history-changed`.

    The History panel of a record's page ({% audit_trail %}, templates/crm/_audit_trail.html)
    listens for it on the body and reloads, so a claim, a reply, a status change or a new
    order line made on the page shows in its history at once. Refusals and conflicts (4xx)
    tell it too: the panel then shows the change that won. Server errors do not.
    Listed after django-htmx's middleware, which sets `request.htmx`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and request.method not in READS and response.status_code < 500:
            existing = response.headers.get("HX-Trigger", "").strip()
            if existing and not existing.startswith("{"):
                # A view's own events as plain names ("a, b"): kept, in the JSON form that can hold ours too.
                response.headers["HX-Trigger"] = json.dumps({name.strip(): {} for name in existing.split(",")})
            trigger_client_event(response, HISTORY_CHANGED_EVENT)
        return response
