"""A portal list page: its filter, the ordering it offers, a keyset page, a capped count and the query strings.

Every list (customers, opportunities, orders, products, a ticket queue, feedback) is the
same page: the filterset over the rows the user may view, an `?ordering=` taken only
from the page's own whitelist (anything else falls back to the page's default), one
keyset page of the rows (crm.platform.paging), their count capped at 1,000, and the
query string without the cursor for the pager's and the export's links. Its CSV export
(crm.platform.exports.filtered_csv) writes the same rows in the same order.
"""

from collections.abc import Collection, Mapping, Sequence

from django.db.models import QuerySet

from crm.platform.paging import PAGE_SIZE, capped_count, portal_page, query_without_cursor


def chosen_ordering(params: Mapping, *, orderings: Collection[str], default: str) -> str:
    """The `?ordering=` the page offers, else its default."""
    ordering = params.get("ordering", default)
    return ordering if ordering in orderings else default


def filtered_rows(filterset) -> QuerySet:
    """The filter's rows; none when its input does not validate (the page shows the filter's errors)."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def with_tiebreaker(ordering: Sequence[str]) -> list[str]:
    """`ordering` ending with the primary key, in the direction of its last key, as a keyset page orders rows."""
    names = list(ordering)
    if names and names[-1].lstrip("-") in {"id", "pk"}:
        return names
    return [*names, "-pk" if names and names[-1].startswith("-") else "pk"]


def list_page(request, filterset, *, orderings: Collection[str] = (), default_ordering: str) -> dict:
    """The context of a list page: `filter`, `page` (one keyset page of PAGE_SIZE rows), `count` (capped),
    `ordering` (the one used) and `query` (the query string without the cursor)."""
    ordering = chosen_ordering(request.GET, orderings=orderings, default=default_ordering)
    rows = filtered_rows(filterset)
    return {
        "filter": filterset,
        "page": portal_page(rows, request.GET, ordering=[ordering], page_size=PAGE_SIZE),
        "count": capped_count(rows),
        "ordering": ordering,
        "query": query_without_cursor(request.GET),
    }
