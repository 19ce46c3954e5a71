"""API rate limits (DRF throttles) whose rates are read from settings at each request.

DRF's own throttles copy the rates into a class attribute when they are imported, so
a rate can never change afterwards (not per environment variable at start-up of a
test, not with override_settings). These read `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`
when a request arrives; a rate of None means "not limited".

Scopes: `anon` (per client address, signed-out requests), `user` (per user, or per
address when signed out), `token` (the sign-in endpoint, per address). The client
address is the one DRF derives with `NUM_PROXIES` (see settings: a client cannot
choose it by sending X-Forwarded-For).
"""

from django.conf import settings
from rest_framework import throttling


def configured_rate(scope: str | None) -> str | None:
    return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    def get_rate(self):
        return configured_rate(self.scope)
