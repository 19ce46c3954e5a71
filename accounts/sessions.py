"""Ending a user's sessions and API tokens.

- Logging out ends the user's other sessions too: each session stores a hash of the
  user's password and `session_generation`, and logging out raises the generation, so
  every other session's hash stops matching (Django then treats it as signed out).
- A new password changes the hash as well (Django), which ends the other sessions;
  the session it was changed in is kept (update_session_auth_hash). The service that
  sets it (accounts.services.user_set_password) also revokes the user's API tokens.
- Deactivating or reactivating a user (accounts.services.user_set_active, the one path)
  raises the generation and deletes the tokens, so reactivation revives nothing. An
  admin revokes a token in Django admin ("Tokens"), a user with DELETE /api/v1/auth/token/.
"""

from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import F
from rest_framework.authtoken.models import Token

from .models import User


def end_all_sessions(user: User) -> None:
    """Every session of `user` stops being valid at its next request."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def revoke_tokens(user: User) -> int:
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


def end_sessions_at_logout(sender, request, user, **kwargs) -> None:
    if user is not None and user.pk is not None:
        end_all_sessions(user)


def store_current_hash_at_login(sender, request, user, **kwargs) -> None:
    """The user object logged in may predate a logout elsewhere: store the hash of the current generation."""
    session = getattr(request, "session", None)
    if session is None or user.pk is None:
        return
    user.refresh_from_db(fields=["session_generation"])
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()


def connect_signals() -> None:
    user_logged_in.connect(store_current_hash_at_login, dispatch_uid="accounts.store_current_hash_at_login")
    user_logged_out.connect(end_sessions_at_logout, dispatch_uid="accounts.end_sessions_at_logout")
