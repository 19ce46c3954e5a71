"""The world of the security tests (world.py), built once per module and test worker."""

import pytest
from django.db import transaction
from django.test import Client

from .world import STAFF, build_world, deactivate


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built in a transaction that is rolled back at the end; each request runs in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        for principal in (*STAFF, "inactive"):
            client = Client()
            client.force_login(built.users[principal], backend="accounts.backends.RoleModelBackend")
            built.sessions[principal] = client.cookies["sessionid"].value
        deactivate(built)
        yield built
        transaction.set_rollback(True)
