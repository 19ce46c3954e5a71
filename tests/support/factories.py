import factory
from django.utils import timezone

from support import sla
from support.models import Feedback, Ticket, TicketMessage
from tests.factories import CustomerFactory, UserFactory


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket with its SLA clocks set from its creation time, as the services set them."""

    class Meta:
        model = Ticket

    customer = factory.SubFactory(CustomerFactory)
    subject = factory.Sequence(lambda n: f"Ticket {n:05d}")
    description = "Something does not work."
    team = None  # pass a support team
    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        ticket = model_class(*args, **kwargs)
        if ticket.first_response_due_at is None:
            sla.set_due_times(ticket)
        ticket.save()
        return ticket


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketMessage

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SubFactory(UserFactory)
    body = "We are on it."
    internal = False


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    customer = factory.SubFactory(CustomerFactory)
    rating = 4
    comment = "Fine."
