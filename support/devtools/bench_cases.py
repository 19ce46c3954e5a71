"""Support's benchmark cases (the queue page and the API tickets list) and floors; found by crm's `manage.py bench`.

Also the rows the customer page's floor renders for the tickets panel.
"""

from django.http import JsonResponse
from django.urls import reverse

from crm.devtools.benchmark.registry import (
    BenchCase,
    RowSource,
    api_rows,
    ids_of,
    in_key_order,
    marked_rows,
    register_case,
    register_floor,
    register_row_source,
    render_floor,
)
from support.api.tickets import TicketSerializer
from support.models import Ticket
from support.selectors import default_queue_key


def _tickets(ids: list[int], *related: str) -> list[Ticket]:
    tickets = Ticket.objects.select_related(*related) if related else Ticket.objects.all()
    return in_key_order(tickets.in_bulk(ids), ids)


def queue_floor(request, keys):
    tickets = _tickets(ids_of(keys, "ticket"), "customer", "team", "assignee")
    return render_floor("support/bench/queue_floor.html", {"tickets": tickets})


def tickets_api_floor(request, keys):
    tickets = _tickets(ids_of(keys, "ticket"))
    data = TicketSerializer(tickets, many=True, context={"request": request}).data
    return JsonResponse({"next": None, "previous": None, "results": data})


register_floor("queue", queue_floor)
register_floor("tickets-api", tickets_api_floor)
register_row_source(RowSource("ticket", _tickets, "support/bench/ticket_rows.html"))


def _queue_path(user) -> str:
    """The queue the persona lands on (/support/ redirects there)."""
    return reverse("support-queue", args=[default_queue_key(user)])


for persona in ("support_rep", "support_manager", "admin"):
    register_case(BenchCase("support queue", persona, _queue_path, "queue", marked_rows(("ticket",))))
    register_case(
        BenchCase(
            "API tickets list", persona, lambda user: "/api/v1/tickets/", "tickets-api", api_rows("ticket"), api=True
        )
    )
