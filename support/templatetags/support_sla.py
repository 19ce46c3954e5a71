"""{% sla_clock ticket "first_response" %}: an SLA clock as a <time> element that static/js/support.js
counts down live. The server renders the same text, so the page reads right without script."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html

from crm.platform.dates import moment_text

from .. import sla

register = template.Library()


def duration_text(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes = seconds // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


@register.simple_tag
def sla_clock(ticket, clock: str):
    """`clock` is "first_response" or "resolution"."""
    due_at = ticket.first_response_due_at if clock == "first_response" else ticket.sla_due_at
    met_at = ticket.first_response_at if clock == "first_response" else ticket.resolved_at
    if met_at is not None:
        state, text = ("met" if met_at <= due_at else "missed"), f"done {moment_text(met_at)}"
    elif ticket.is_paused:
        state, text = "paused", f"paused, {duration_text(sla.time_left(ticket, due_at, now=ticket.paused_at))} left"
    else:
        left = sla.time_left(ticket, due_at, now=timezone.now())
        state = "running" if left > timedelta(0) else "overdue"
        text = f"{duration_text(left)} left" if left > timedelta(0) else f"overdue by {duration_text(left)}"
    return format_html(
        '<time class="sla-clock sla-{}" datetime="{}" data-sla-state="{}" data-testid="sla-{}">{}</time>',
        state,
        due_at.isoformat(),
        state,
        clock,
        text,
    )
