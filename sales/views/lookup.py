"""What every sales page needs: a record the user may view (or 404), and a filtered, ordered page of a list."""

from django.http import Http404

from crm.platform.paging import capped_count, portal_page, query_without_cursor
from sales import access, selectors
from sales.models import Opportunity, Order

PAGE_SIZE = 25


def visible_opportunity(request, opportunity_id) -> Opportunity:
    try:
        return selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    except Opportunity.DoesNotExist:
        raise Http404("No such opportunity.") from None


def visible_order(request, order_id) -> Order:
    try:
        return selectors.order_get(user=request.user, order_id=order_id)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None


def require_pipeline(request) -> None:
    """Pipeline pages do not exist for support users."""
    if not access.sees_pipeline(request.user):
        raise Http404("No such page.")


def filtered_rows(request, filterset, *, orderings, default_ordering):
    """The filter's rows in the asked (or default) order, and the ordering used."""
    ordering = request.GET.get("ordering", default_ordering)
    if ordering not in orderings:
        ordering = default_ordering
    rows = filterset.qs.order_by(ordering, "-id") if filterset.is_valid() else filterset.queryset.none()
    return rows, ordering


def filtered_page(request, filterset, *, orderings, default_ordering) -> dict:
    """The context of a list page: the filter's keyset page of rows in the asked (or default) order,
    their capped count, the ordering used and the query string without the cursor."""
    rows, ordering = filtered_rows(request, filterset, orderings=orderings, default_ordering=default_ordering)
    return {
        "filter": filterset,
        "page": portal_page(rows, request.GET, ordering=[ordering], page_size=PAGE_SIZE),
        "count": capped_count(rows),
        "ordering": ordering,
        "query": query_without_cursor(request.GET),
    }
