"""Django admin for sales. Admins manage products here; opportunities and orders are shown
read-only, because their changes (stages, transitions, captured prices, totals) go through
the services, in the portal or the API."""

from django.contrib import admin

from . import access
from .models import Opportunity, Order, OrderLine, Product
from .services import products as services


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "unit_price", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["sku", "name"]
    fields = ["sku", "name", "unit_price", "active", "version"]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ("sku", "name", "unit_price", "active")}
        if change:
            saved = services.product_update(acting_user=request.user, product=obj, **values)
        else:
            saved = services.product_create(acting_user=request.user, **values)
        obj.pk, obj.version = saved.pk, saved.version


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ["name", "customer", "stage", "amount", "expected_close", "owner", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["name", "customer__name", "owner__username"]
    list_select_related = ["customer", "owner"]

    def get_queryset(self, request):
        return access.opportunities_visible_to(request.user)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["product", "quantity", "unit_price"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "status", "total", "placed_at", "owner"]
    list_filter = ["status"]
    search_fields = ["customer__name", "owner__username"]
    list_select_related = ["customer", "owner"]
    inlines = [OrderLineInline]

    def get_queryset(self, request):
        return access.orders_visible_to(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # order history is kept; a draft is deleted in the portal or the API
