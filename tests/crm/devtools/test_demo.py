"""The demo data command (crm/devtools)."""

import pytest
from django.core.management import call_command

from accounts.models import Role, Team, User
from crm.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_a_login_per_role(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Team.objects.count(), Customer.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Team.objects.count(), Customer.objects.count()) == counts
    output = capsys.readouterr().out
    for role in Role.values:
        assert f"  {role} " in output
    assert {u.role for u in User.objects.all()} == set(Role.values)
