"""Errors that the support services raise and the portal translates into clear pages."""


class SurveyLinkInvalid(Exception):
    """The survey link was altered, or names no ticket."""


class SurveyLinkExpired(SurveyLinkInvalid):
    """The survey link is genuine but too old."""


class SurveyAlreadyAnswered(Exception):
    """The survey for this ticket has an answer already."""
