"""Portal pages for orders: the list, the order page, and its editor.

The editor (lines, total, status buttons) is one {% partialdef %}: adding, changing
or removing a line, or placing the order, is an htmx POST that answers the editor
with the new total, so the page never reloads. Each POST carries the version the
editor showed: a stale one answers 409 with the current order, and writes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from crm.customers.access import customers_visible_to
from crm.platform.errors import StaleVersion
from crm.platform.forms import stale_version_message, write_from_form
from crm.platform.list_pages import list_page
from crm.platform.records import other_changer_name
from sales import access, selectors
from sales.filters import ORDER_ORDERINGS, OrderFilter
from sales.forms import (
    OrderForm,
    OrderLineAddForm,
    OrderLineQuantityForm,
    OrderTransitionForm,
    ReassignForm,
    VersionForm,
)
from sales.models import ORDER_TRANSITIONS, Order, OrderStatus
from sales.services import orders as services

TRANSITION_LABELS = {
    OrderStatus.PLACED: "Place order",
    OrderStatus.SHIPPED: "Mark as shipped",
    OrderStatus.CANCELLED: "Cancel order",
}


def visible_order(request, order_id) -> Order:
    try:
        return selectors.order_get(user=request.user, order_id=order_id)
    except Order.DoesNotExist:
        raise Http404("No such order.") from None


@login_required
def order_list(request):
    order_filter = OrderFilter(request.GET, queryset=selectors.order_list(user=request.user), request=request)
    context = list_page(request, order_filter, orderings=ORDER_ORDERINGS, default_ordering="-created_at") | {
        "can_create": access.can_create_order(request.user),
    }
    template = "sales/order_list.html#results" if request.htmx else "sales/order_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request):
    if not access.can_create_order(request.user):
        raise PermissionDenied("Your role may not create orders.")
    form = OrderForm(
        request.POST or None,
        initial={"customer": request.GET.get("customer")},
        customer_choices=customers_visible_to(request.user).order_by("name"),
        owner_choices=access.owners_assignable_by(request.user) if access.may_name_owner(request.user) else None,
    )
    if request.method == "POST" and form.is_valid():
        order = write_from_form(form, lambda: services.order_create(acting_user=request.user, **form.changes()))
        if order is not None:
            messages.success(request, "Draft order created: add its lines, then place it.")
            return redirect("order-detail", order_id=order.pk)
    return render(request, "sales/order_form.html", {"form": form})


@login_required
def order_detail(request, order_id):
    order = visible_order(request, order_id)
    return render(request, "sales/order_detail.html", editor_context(request, order))


def editor_context(request, order, *, add_form=None, notice: str = "") -> dict:
    allowed = access.order_actions(request.user, order)
    editable = "change" in allowed and order.lines_are_editable
    context = {
        "order": order,
        "lines": list(selectors.order_lines(order=order)),
        "allowed": allowed,
        "editable": editable,
        "transitions": [
            (status, label)
            for status, label in TRANSITION_LABELS.items()
            if "change" in allowed and status in ORDER_TRANSITIONS[OrderStatus(order.status)]
        ],
        "notice": notice,
    }
    if editable:
        context["add_form"] = add_form or OrderLineAddForm(
            initial={"quantity": 1}, product_choices=selectors.products_for_new_lines(user=request.user)
        )
    if "reassign" in allowed:
        context["reassign_form"] = ReassignForm(
            owner_choices=access.owners_assignable_by(request.user),
            initial={"owner": order.owner_id, "version": order.version},
        )
    return context


def _editor_answer(request, order_id, *, status: int = 200, notice: str = "", add_form=None):
    """The editor fragment for htmx; the order page otherwise (a redirect after a success)."""
    order = visible_order(request, order_id)
    if not request.htmx:
        if status == 200:
            return redirect("order-detail", order_id=order_id)
        return render(request, "sales/order_detail.html", editor_context(request, order, notice=notice), status=status)
    context = editor_context(request, order, add_form=add_form, notice=notice)
    return render(request, "sales/order_detail.html#editor", context, status=status)


def _run_order_change(request, order_id, change, form):
    """Run `change(order, version, cleaned_data)` and answer the editor: 400 bad input, 409 stale."""
    order = visible_order(request, order_id)
    if not access.can_change_order(request.user, order):
        raise PermissionDenied("You may view this order but not change it.")
    if not form.is_valid():
        message = " ".join(
            f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        )
        return _editor_answer(request, order_id, status=400, notice=message)
    try:
        change(order, form.cleaned_data["version"], form.cleaned_data)
    except StaleVersion:
        current = visible_order(request, order_id)
        notice = stale_version_message("order", changer=other_changer_name(current, reader=request.user))
        return _editor_answer(request, order_id, status=409, notice=notice)
    except ValidationError as error:
        return _editor_answer(request, order_id, status=400, notice=" ".join(error.messages))
    return _editor_answer(request, order_id)


@login_required
@require_POST
def order_line_add(request, order_id):
    form = OrderLineAddForm(request.POST, product_choices=selectors.products_for_new_lines(user=request.user))
    return _run_order_change(
        request,
        order_id,
        lambda order, version, data: services.order_add_line(
            acting_user=request.user,
            order=order,
            product=data["product"],
            quantity=data["quantity"],
            expected_version=version,
        ),
        form,
    )


@login_required
@require_POST
def order_line_update(request, order_id, line_id):
    def set_quantity(order, version, data):
        line = get_object_or_404(order.lines, pk=line_id)
        services.order_set_line_quantity(
            acting_user=request.user, order=order, line=line, quantity=data["quantity"], expected_version=version
        )

    return _run_order_change(request, order_id, set_quantity, OrderLineQuantityForm(request.POST))


@login_required
@require_POST
def order_line_remove(request, order_id, line_id):
    def remove(order, version, data):
        line = get_object_or_404(order.lines, pk=line_id)
        services.order_remove_line(acting_user=request.user, order=order, line=line, expected_version=version)

    return _run_order_change(request, order_id, remove, VersionForm(request.POST))


@login_required
@require_POST
def order_transition(request, order_id):
    return _run_order_change(
        request,
        order_id,
        lambda order, version, data: services.order_transition(
            acting_user=request.user, order=order, status=data["status"], expected_version=version
        ),
        OrderTransitionForm(request.POST),
    )


@login_required
@require_POST
def order_reassign(request, order_id):
    order = visible_order(request, order_id)
    if not access.can_reassign_order(request.user, order):
        raise PermissionDenied("Only the owner's manager or an admin may reassign this order.")
    form = ReassignForm(request.POST, owner_choices=access.owners_assignable_by(request.user))
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("owner") or "Choose the new owner.")
        services.order_update(
            acting_user=request.user,
            order=order,
            owner=form.cleaned_data["owner"],
            expected_version=form.cleaned_data["version"],
        )
    except (ValidationError, StaleVersion) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else stale_version_message("order")
        return render(request, "sales/order_detail.html", editor_context(request, order, notice=message), status=400)
    messages.success(request, f"The order now belongs to {form.cleaned_data['owner'].display_name}.")
    return redirect("order-detail", order_id=order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_delete(request, order_id):
    order = visible_order(request, order_id)
    if not access.can_delete_order(request.user, order):
        raise PermissionDenied("Only the owner's manager or an admin may delete this order.")
    error = None
    if request.method == "POST":
        try:
            services.order_delete(acting_user=request.user, order=order)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"Draft order {order.pk} deleted.")
            return redirect("order-list")
    return render(request, "sales/order_delete.html", {"order": order, "error": error}, status=400 if error else 200)
