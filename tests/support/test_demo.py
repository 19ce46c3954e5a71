"""`manage.py seed_demo` adds support data: every status and priority, some breached, with
conversations and feedback; running it again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from support import sla
from support.models import Feedback, Ticket, TicketMessage, TicketPriority, TicketStatus

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Ticket.objects.count(), TicketMessage.objects.count(), Feedback.objects.count()


def test_seed_demo_makes_support_data_once():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    combinations = set(Ticket.objects.values_list("status", "priority"))
    assert combinations == {(s, p) for s in TicketStatus.values for p in TicketPriority.values}
    assert Ticket.objects.filter(sla.breached(timezone.now())).exists()
    assert TicketMessage.objects.filter(internal=True).exists()
    assert TicketMessage.objects.filter(internal=False).exists()
    assert Feedback.objects.filter(ticket__isnull=False).exists()
    assert Feedback.objects.filter(ticket__isnull=True).exists()

    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
