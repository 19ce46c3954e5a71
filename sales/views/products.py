"""The product list: every staff user reads it; admins change products in Django admin or the API."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm.platform.list_pages import list_page
from sales import access, selectors
from sales.filters import PRODUCT_ORDERINGS, ProductFilter


@login_required
def product_list(request):
    product_filter = ProductFilter(request.GET, queryset=selectors.product_list(user=request.user), request=request)
    context = list_page(request, product_filter, orderings=PRODUCT_ORDERINGS, default_ordering="name") | {
        "can_manage": access.can_manage_products(request.user),
    }
    template = "sales/product_list.html#results" if request.htmx else "sales/product_list.html"
    return render(request, template, context)
