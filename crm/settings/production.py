"""Production: everything secret or site-specific must come from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from crm.settings.base import *  # noqa: F403
from crm.settings.base import SECRET_KEY, env_bool, mailers

DEBUG = False
# Several workers must share one database and one cache (log-in lockouts, throttles, sessions): the laptop
# fallbacks (an SQLite file, per-process memory) would start without a word and break both.
for required in ("DATABASE_URL", "CACHE_URL"):
    if not os.environ.get(required, "").strip():
        raise ImproperlyConfigured(
            f"Set {required}: production needs a shared database (DATABASE_URL, e.g. postgres://…) "
            "and a shared cache (CACHE_URL, e.g. redis://…)."
        )
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random string of at least 50 characters.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(60 * 60 * 12)))
MAILERS = mailers("django.core.mail.backends.smtp.EmailBackend")
