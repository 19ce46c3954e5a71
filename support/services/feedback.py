"""Writes to feedback: staff record it by hand; the customer answers a survey link once."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from crm.customers.models import Customer

from .. import access
from ..errors import SurveyAlreadyAnswered, SurveyLinkInvalid
from ..models import Feedback, FeedbackSource, Ticket
from ..survey import survey_ticket_id

FEEDBACK_FIELDS = frozenset({"customer", "ticket", "rating", "comment"})


@transaction.atomic
def feedback_create(
    *,
    acting_user: User,
    rating: int,
    customer: Customer | None = None,
    ticket: Ticket | None = None,
    comment: str = "",
) -> Feedback:
    """Staff record a customer's rating, about one of their tickets or about the customer in general."""
    customer = _customer_of(customer, ticket)
    if not access.can_record_feedback(acting_user, customer, ticket):
        raise PermissionDenied("You may not record feedback for this customer.")
    feedback = Feedback(
        customer=customer,
        ticket=ticket,
        rating=rating,
        comment=comment,
        source=FeedbackSource.STAFF,
        recorded_by=acting_user,
    )
    feedback.full_clean()
    feedback.save()
    return feedback


def _customer_of(customer: Customer | None, ticket: Ticket | None) -> Customer:
    if ticket is None:
        if customer is None:
            raise ValidationError({"customer": ["Name the customer, or the ticket the feedback is about."]})
        return customer
    if customer is not None and customer.pk != ticket.customer_id:
        raise ValidationError({"ticket": ["This ticket belongs to another customer."]})
    return ticket.customer


@transaction.atomic
def feedback_update(*, acting_user: User, feedback: Feedback, **changes) -> Feedback:
    if not access.can_manage_feedback(acting_user):
        raise PermissionDenied("Only admins change feedback.")
    unknown = set(changes) - FEEDBACK_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(feedback, name, value)
    if feedback.ticket is not None and feedback.ticket.customer_id != feedback.customer_id:
        raise ValidationError({"ticket": ["This ticket belongs to another customer."]})
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def feedback_delete(*, acting_user: User, feedback: Feedback) -> None:
    if not access.can_manage_feedback(acting_user):
        raise PermissionDenied("Only admins delete feedback.")
    feedback.delete()


def survey_ticket(token: str) -> Ticket:
    """The ticket a survey link asks about, if the link is good and unanswered."""
    ticket = Ticket.objects.select_related("customer").filter(pk=survey_ticket_id(token)).first()
    if ticket is None:
        raise SurveyLinkInvalid
    if Feedback.objects.filter(ticket=ticket, source=FeedbackSource.SURVEY).exists():
        raise SurveyAlreadyAnswered
    return ticket


def survey_answer(*, token: str, rating: int, comment: str = "") -> Feedback:
    """The customer's one answer to a survey link. A second answer is refused, even one racing the first."""
    ticket = survey_ticket(token)
    feedback = Feedback(
        customer_id=ticket.customer_id, ticket=ticket, rating=rating, comment=comment, source=FeedbackSource.SURVEY
    )
    feedback.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as error:
        raise SurveyAlreadyAnswered from error
    return feedback
