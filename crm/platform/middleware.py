"""How the service answers when a request fails before or outside a view.

Every error under /api/ is JSON (`{"detail": ...}`), whoever raised it: Django's own
refusals before DRF sees the request (a disallowed host 400, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE 413, an unknown path 404, a CSRF refusal 403, a server error
500) are answered by the handlers below, and ApiErrorsAsJsonMiddleware rewrites any other
non-JSON error answer under /api/ as a last resort. The portal keeps Django's pages.

When the database cannot be reached, answer 503 rather than 500.

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
import zoneinfo

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import csrf, defaults
from django_htmx.http import trigger_client_event

from crm.platform.api.parsers import declared_length, request_body_too_large_detail
from crm.platform.dates import viewer_date_locale

logger = logging.getLogger("crm.database")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"
HISTORY_CHANGED_EVENT = "history-changed"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
UNAVAILABLE_DETAIL = "The service cannot reach its database just now; nothing was changed. Try again in a moment."
SERVER_ERROR_DETAIL = "Something went wrong on our side; the error was logged."
BAD_REQUEST_DETAIL = "The request could not be understood."
NOT_FOUND_DETAIL = "Not found."
PERMISSION_DENIED_DETAIL = "You do not have permission to perform this action."


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


def bad_request(request, exception, template_name="400.html"):
    """handler400: a SuspiciousOperation (a disallowed host, a body over the size limit, too many fields)."""
    if not is_api_request(request):
        return defaults.bad_request(request, exception, template_name=template_name)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": request_body_too_large_detail()}, status=413)
    return JsonResponse({"detail": BAD_REQUEST_DETAIL}, status=400)


def permission_denied(request, exception, template_name="403.html"):
    if not is_api_request(request):
        return defaults.permission_denied(request, exception, template_name=template_name)
    return JsonResponse({"detail": PERMISSION_DENIED_DETAIL}, status=403)


def page_not_found(request, exception, template_name="404.html"):
    if not is_api_request(request):
        return defaults.page_not_found(request, exception, template_name=template_name)
    return JsonResponse({"detail": NOT_FOUND_DETAIL}, status=404)


def csrf_failure(request, reason="", template_name=csrf.CSRF_FAILURE_TEMPLATE_NAME):
    """CSRF_FAILURE_VIEW: the words DRF's session authentication uses for the same refusal."""
    if not is_api_request(request):
        return csrf.csrf_failure(request, reason=reason, template_name=template_name)
    return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)


class ApiBodyLimitMiddleware:
    """A body under /api/ declared larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused before anything reads it.

    Django applies the limit only when `request.body` or `request.POST` is read, and DRF reads JSON from the
    stream, so without this a large JSON body would be read whole. RequestDataTooBig answers 413 (bad_request).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if is_api_request(request) and limit is not None and declared_length(request.META) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return self.get_response(request)


class ApiErrorsAsJsonMiddleware:
    """The outermost middleware: an error answer under /api/ that is not JSON becomes `{"detail": ...}`.

    The handlers above cover what Django raises; this also covers what answers an error without raising
    (a view outside DRF answering 405, say), so that no path under /api/ can answer an HTML error page.
    The status and headers (Allow, Retry-After, the security headers) are kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api_request(request) and response.status_code >= 400 and not _is_json(response):
            _rewrite_as_json(response)
        return response


def _is_json(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _rewrite_as_json(response) -> None:
    detail = response.reason_phrase or BAD_REQUEST_DETAIL
    body = JsonResponse({"detail": f"{detail}."}).content
    if getattr(response, "streaming", False):
        response.streaming_content = [body]
    else:
        response.content = body
    response["Content-Type"] = "application/json"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(body))


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


class ViewerPreferencesMiddleware:
    """Pages write times in the signed-in user's time zone (User.time_zone) and date format
    (User.date_locale, crm/platform/dates.py), else the installation's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        name = user.time_zone if signed_in else ""
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        token = viewer_date_locale.set(user.date_locale if signed_in else "")
        try:
            return self.get_response(request)
        finally:
            viewer_date_locale.reset(token)
            timezone.deactivate()
