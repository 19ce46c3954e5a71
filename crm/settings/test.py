"""Settings for the test suite: the development defaults, made fast and deterministic."""

from crm.settings.development import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
# The throttles stay on, unlimited; a test sets explicit rates with override_settings (they are read per request).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None},
}
AXES_ENABLED = env_bool("AXES_ENABLED", False)  # the lockout tests switch it on
