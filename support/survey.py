"""Signed survey links: the customer answers without logging in, so the link itself is the proof.

The token is signed with the project's secret (django.core.signing) and carries the
ticket id and its signing time; a changed token fails the signature, an old one expires.
"""

from datetime import timedelta

from django.core import signing

from .errors import SurveyLinkExpired, SurveyLinkInvalid
from .models import Ticket

SURVEY_SALT = "support.survey"
SURVEY_LINK_MAX_AGE = timedelta(days=14)


def survey_token(ticket: Ticket) -> str:
    return signing.dumps({"ticket": ticket.pk}, salt=SURVEY_SALT, compress=True)


def survey_ticket_id(token: str) -> int:
    """The ticket a survey link is about; SurveyLinkExpired or SurveyLinkInvalid when it is not good."""
    try:
        payload = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise SurveyLinkExpired from error
    except signing.BadSignature as error:
        raise SurveyLinkInvalid from error
    ticket_id = payload.get("ticket") if isinstance(payload, dict) else None
    if not isinstance(ticket_id, int):
        raise SurveyLinkInvalid
    return ticket_id
