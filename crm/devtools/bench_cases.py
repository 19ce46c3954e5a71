"""crm's benchmark cases (customers list, search, customer page, dashboard) and their floors.

Each floor renders the rows its case showed, fetched by primary key in one query, with the
same columns and markers and no access filtering; see crm/devtools/benchmark/registry.py.
"""

import re
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.urls import reverse

from accounts.models import User
from crm.customers.access import customers_visible_to
from crm.customers.api import CustomerSerializer
from crm.customers.models import Customer
from crm.devtools.benchmark.registry import (
    DASHBOARD_GOAL,
    BenchCase,
    api_rows,
    html_rows,
    ids_of,
    in_key_order,
    register_case,
    register_floor,
    render_floor,
    row_source,
)


def _first_visible_customer(user: User) -> Customer:
    customer = customers_visible_to(user).order_by("id").first()
    if customer is None:
        raise LookupError(f"{user.username} may view no customer")
    return customer


def _search_term(user: User) -> str:
    """The first word of the name of a customer the user may view: a search that finds at least that one."""
    return re.split(r"[\s,]+", _first_visible_customer(user).name.strip())[0]


# Readers


customer_list_rows = html_rows(r'data-customer-id="(\d+)"', "customer")
_any_marked_row = re.compile(r'data-([a-z]+)-id="(\d+)"')
_customer_path = re.compile(r"/customers/(\d+)/")


def customer_page_rows(response: HttpResponse) -> list[str]:
    """The customer itself (from the page's path; its floor marks it), then every row its panels mark."""
    marked = [f"{kind}:{key}" for kind, key in _any_marked_row.findall(response.content.decode())]
    on_customer_page = _customer_path.fullmatch(response.wsgi_request.path)
    return [f"customer:{on_customer_page.group(1)}", *marked] if on_customer_page else marked


def dashboard_rows(response: HttpResponse) -> list[str]:
    content = response.content.decode()
    figures = [f"figure:{key}" for key in re.findall(r'data-figure="([^"]+)"', content)]
    members = [f"member:{key}" for key in re.findall(r'data-member="([^"]+)"', content)]
    return figures + members


# Floors


def customers_floor(request, keys):
    ids = ids_of(keys, "customer")
    rows = in_key_order(Customer.objects.select_related("owner").in_bulk(ids), ids)
    return render_floor("crm/bench/customer_list_floor.html", {"customers": rows})


def customers_api_floor(request, keys):
    ids = ids_of(keys, "customer")
    rows = in_key_order(Customer.objects.in_bulk(ids), ids)
    data = CustomerSerializer(rows, many=True, context={"request": request}).data
    return JsonResponse({"next": None, "previous": None, "results": data})


def customer_page_floor(request, keys):
    """The customer, its contacts and timeline (a query each), then each panel's rows by kind (a query per kind)."""
    customer = Customer.objects.select_related("owner").get(pk=ids_of(keys, "customer")[0])
    kinds = list(dict.fromkeys(key.partition(":")[0] for key in keys if not key.startswith("customer:")))
    panels = []
    for kind in kinds:
        source = row_source(kind)
        if source is not None:
            panels.append({"template": source.template, "rows": source.fetch(ids_of(keys, kind))})
    context = {
        "customer": customer,
        "contacts": list(customer.contacts.all()),
        "timeline": list(customer.activities.select_related("author")[:50]),
        "panels": panels,
    }
    return render_floor("crm/bench/customer_detail_floor.html", context)


def dashboard_floor(request, keys):
    """As many figures and member rows as the dashboard showed; the members in one query."""
    usernames = [key.removeprefix("member:") for key in keys if key.startswith("member:")]
    members = {user.username: user for user in User.objects.filter(username__in=usernames)}
    context = {
        "figures": [key.removeprefix("figure:") for key in keys if key.startswith("figure:")],
        "members": [members[name] for name in usernames if name in members],
    }
    return render_floor("crm/bench/dashboard_floor.html", context)


register_floor("customers", customers_floor)
register_floor("customers-api", customers_api_floor)
register_floor("customer-page", customer_page_floor)
register_floor("dashboard", dashboard_floor)


def _customer_list_path(user: User) -> str:
    return reverse("customer-list")


def _customer_search_path(user: User) -> str:
    return f"{reverse('customer-list')}?{urlencode({'search': _search_term(user)})}"


def _customer_api_search_path(user: User) -> str:
    # The API's route names repeat the portal's (customer-list), so its path is written out.
    return f"/api/v1/customers/?{urlencode({'search': _search_term(user)})}"


def _customer_page_path(user: User) -> str:
    return reverse("customer-detail", args=[_first_visible_customer(user).pk])


for persona in ("sales", "sales_manager"):
    register_case(BenchCase("customers list", persona, _customer_list_path, "customers", customer_list_rows))
register_case(BenchCase("customer search", "sales", _customer_search_path, "customers", customer_list_rows))
register_case(
    BenchCase(
        "API customer search",
        "support_rep",
        _customer_api_search_path,
        "customers-api",
        api_rows("customer"),
        api=True,
    )
)
register_case(BenchCase("customer page", "sales", _customer_page_path, "customer-page", customer_page_rows))
for persona in ("sales_manager", "support_manager", "admin"):
    register_case(
        BenchCase("dashboard", persona, lambda user: reverse("dashboard"), "dashboard", dashboard_rows, DASHBOARD_GOAL)
    )
