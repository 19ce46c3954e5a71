"""CSV exports of the customer and contact lists, with the list's filters and order; only visible rows."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from crm.customers import selectors
from crm.customers.filters import CUSTOMER_ORDERINGS, ContactFilter, CustomerFilter
from crm.platform.exports import column, csv_response, invalid_filters

CUSTOMER_COLUMNS = [
    column("id"),
    column("name"),
    column("email"),
    column("phone"),
    column("industry"),
    column("owner", "owner.username"),
    column("owner_name", "owner.display_name"),
    column("created_at"),
    column("updated_at"),
]
CONTACT_COLUMNS = [
    column("id"),
    column("customer", "customer_id"),
    column("customer_name", "customer.name"),
    column("first_name"),
    column("last_name"),
    column("email"),
    column("phone"),
]


@login_required
@require_safe
def customer_export(request):
    customer_filter = CustomerFilter(request.GET, queryset=selectors.customer_list(user=request.user), request=request)
    if not customer_filter.is_valid():
        return invalid_filters(customer_filter)
    ordering = request.GET.get("ordering", "name")
    ordering = ordering if ordering in CUSTOMER_ORDERINGS else "name"
    rows = customer_filter.qs.order_by(ordering, "id")
    return csv_response(filename="customers", columns=CUSTOMER_COLUMNS, rows=rows)


@login_required
@require_safe
def contact_export(request):
    contact_filter = ContactFilter(request.GET, queryset=selectors.contact_list(user=request.user), request=request)
    if not contact_filter.is_valid():
        return invalid_filters(contact_filter)
    rows = contact_filter.qs.order_by("customer__name", "last_name", "first_name", "id")
    return csv_response(filename="contacts", columns=CONTACT_COLUMNS, rows=rows)
