"""CSV exports of the customer and contact lists, with the list's filters and order; only visible rows."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from crm.customers import selectors
from crm.customers.filters import CUSTOMER_ORDERINGS, ContactFilter, CustomerFilter
from crm.platform.exports import column, filtered_csv

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
    return filtered_csv(
        request,
        customer_filter,
        filename="customers",
        columns=CUSTOMER_COLUMNS,
        orderings=CUSTOMER_ORDERINGS,
        default_ordering="name",
    )


@login_required
@require_safe
def contact_export(request):
    contact_filter = ContactFilter(request.GET, queryset=selectors.contact_list(user=request.user), request=request)
    return filtered_csv(
        request,
        contact_filter,
        filename="contacts",
        columns=CONTACT_COLUMNS,
        default_ordering=("customer__name", "last_name", "first_name", "id"),
    )
