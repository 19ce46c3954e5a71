"""The customer's survey page: public (the signed link is the proof), CSRF-protected and rate-limited."""

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from ..errors import SurveyAlreadyAnswered, SurveyLinkExpired, SurveyLinkInvalid
from ..forms import SurveyForm
from ..services import feedback as services

# Answers per client address and window: enough for a household, too few to hammer the page.
SURVEY_POSTS_PER_WINDOW = 10
SURVEY_WINDOW_SECONDS = 600

REFUSALS = {
    SurveyLinkExpired: ("expired", 410),
    SurveyLinkInvalid: ("invalid", 400),
    SurveyAlreadyAnswered: ("answered", 409),
}


@csrf_protect
@require_http_methods(["GET", "POST"])
def survey(request, token):
    if request.method == "POST" and _too_many_posts(request):
        return render(request, "support/survey.html", {"state": "throttled"}, status=429)
    try:
        ticket = services.survey_ticket(token)
        form = SurveyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.survey_answer(token=token, **form.cleaned_data)
            return render(request, "support/survey.html", {"state": "thanks"})
    except (SurveyLinkInvalid, SurveyAlreadyAnswered) as refusal:
        state, status = REFUSALS[type(refusal)]
        return render(request, "support/survey.html", {"state": state}, status=status)
    status = 400 if form.errors else 200
    return render(request, "support/survey.html", {"state": "form", "form": form, "ticket": ticket}, status=status)


def _too_many_posts(request) -> bool:
    # The client's address as the log-in lockout sees it (behind a proxy: as configured for axes).
    key = f"support:survey-posts:{get_client_ip_address(request) or ''}"
    cache.add(key, 0, timeout=SURVEY_WINDOW_SECONDS)
    try:
        return cache.incr(key) > SURVEY_POSTS_PER_WINDOW
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=SURVEY_WINDOW_SECONDS)
        return False
