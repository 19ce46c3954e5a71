"""CSV exports of the opportunity and order lists, with the list's filters and order (crm.platform.exports).

Only the rows the user may view; the opportunity export does not exist for support users.
"""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from crm.customers.access import customer_name_shown
from crm.platform.exports import Column, column, filtered_csv
from sales import selectors
from sales.filters import OPPORTUNITY_ORDERINGS, ORDER_ORDERINGS, OpportunityFilter, OrderFilter

from .opportunities import require_pipeline

OPPORTUNITY_COLUMNS = [
    column("id"),
    column("name"),
    column("customer", "customer_id"),
    Column("customer_name", customer_name_shown),
    column("stage"),
    column("amount"),
    column("probability"),
    column("expected_close"),
    column("owner", "owner.username"),
    column("owner_name", "owner.display_name"),
    column("updated_at"),
]
ORDER_COLUMNS = [
    column("id"),
    column("customer", "customer_id"),
    Column("customer_name", customer_name_shown),
    column("status"),
    column("total"),
    column("placed_at"),
    column("owner", "owner.username"),
    column("owner_name", "owner.display_name"),
    column("created_at"),
]


@login_required
@require_safe
def opportunity_export(request):
    require_pipeline(request)
    opportunity_filter = OpportunityFilter(
        request.GET, queryset=selectors.opportunity_list(user=request.user), request=request
    )
    return filtered_csv(
        request,
        opportunity_filter,
        filename="opportunities",
        columns=OPPORTUNITY_COLUMNS,
        orderings=OPPORTUNITY_ORDERINGS,
        default_ordering="-updated_at",
    )


@login_required
@require_safe
def order_export(request):
    order_filter = OrderFilter(request.GET, queryset=selectors.order_list(user=request.user), request=request)
    return filtered_csv(
        request,
        order_filter,
        filename="orders",
        columns=ORDER_COLUMNS,
        orderings=ORDER_ORDERINGS,
        default_ordering="-created_at",
    )
