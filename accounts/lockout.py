"""What a locked-out log-in gets: 429 with Retry-After, a page in the portal and JSON in the API.

django-axes calls `lockout_response` (settings.AXES_LOCKOUT_CALLABLE) for the portal's
log-in form; the API's token endpoint raises `LockedOut`, which the API error handler
turns into the same status, header and message.
"""

from axes.helpers import get_cool_off
from django.shortcuts import render
from rest_framework.exceptions import Throttled

LOCKOUT_MESSAGE = (
    "Too many failed log-ins for this username from this address. "
    "Try again later, or ask an admin to unlock it (Django admin, Access attempts)."
)


def cool_off_seconds(request) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_response(request, original_response=None, credentials=None):
    response = render(request, "registration/locked_out.html", {"message": LOCKOUT_MESSAGE}, status=429)
    seconds = cool_off_seconds(request)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


class LockedOut(Throttled):
    default_detail = LOCKOUT_MESSAGE
    default_code = "locked_out"

    def __init__(self, request):
        super().__init__(wait=cool_off_seconds(request) or None, detail=LOCKOUT_MESSAGE)
