"""Portal pages for customers. Each view asks the access policy through selectors and services.

One URL per page: an htmx request gets the page's fragment (a {% partialdef %}).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from crm import access, selectors, services
from crm.errors import StaleVersion
from crm.filters import CUSTOMER_ORDERINGS, CustomerFilter
from crm.forms import ActivityForm, ContactForm, CustomerForm, ReassignForm, ShareForm, apply_service_errors
from crm.models import Customer
from crm.paging import capped_count, portal_page, query_without_cursor
from crm.panels import customer_panels_for

PAGE_SIZE = 25
STALE_MESSAGE = "This record was changed while you were editing it. Reload it and try again."


def visible_customer(request, customer_id) -> Customer:
    try:
        return selectors.customer_get(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404("No such customer.") from None


@login_required
def customer_list(request):
    customer_filter = CustomerFilter(request.GET, queryset=selectors.customer_list(user=request.user))
    ordering = request.GET.get("ordering", "name")
    if ordering not in CUSTOMER_ORDERINGS:
        ordering = "name"
    customers = customer_filter.qs if customer_filter.is_valid() else Customer.objects.none()
    context = {
        "filter": customer_filter,
        "page": portal_page(customers, request.GET, ordering=[ordering], page_size=PAGE_SIZE),
        "count": capped_count(customers),
        "ordering": ordering,
        "query": query_without_cursor(request.GET),
        "can_create": access.can_create_customer(request.user),
    }
    template = "crm/customer_list.html#results" if request.htmx else "crm/customer_list.html"
    return render(request, template, context)


@login_required
def customer_detail(request, customer_id):
    customer = visible_customer(request, customer_id)
    return render(request, "crm/customer_detail.html", _detail_context(request, customer))


def _detail_context(request, customer, activity_form=None) -> dict:
    return {
        "customer": customer,
        "allowed": access.customer_actions(request.user, customer),
        "contacts": selectors.customer_contacts(customer=customer),
        "timeline": selectors.customer_timeline(customer=customer),
        "activity_form": activity_form or ActivityForm(),
        "panels": customer_panels_for(user=request.user, customer=customer),
        "may_explain": access.can_explain_access(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    if not access.can_create_customer(request.user):
        raise PermissionDenied("Your role may not create customers.")
    owner_choices = access.owners_assignable_by(request.user)
    may_pick_owner = request.user.is_admin or owner_choices.count() > 1
    form = CustomerForm(request.POST or None, owner_choices=owner_choices if may_pick_owner else None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(acting_user=request.user, **_without_empty_owner(form.changes()))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Customer {customer.name} created.")
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "customer": None})


def _without_empty_owner(values: dict) -> dict:
    if values.get("owner") is None:
        values.pop("owner", None)
    return values


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, customer_id):
    customer = visible_customer(request, customer_id)
    if not access.can_change_customer(request.user, customer):
        raise PermissionDenied("You may view this customer but not change it.")
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                acting_user=request.user,
                customer=customer,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleVersion:
            form.add_error(None, STALE_MESSAGE)
        else:
            messages.success(request, "Saved.")
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "customer": customer})


@login_required
@require_http_methods(["GET", "POST"])
def customer_delete(request, customer_id):
    customer = visible_customer(request, customer_id)
    if not access.can_delete_customer(request.user, customer):
        raise PermissionDenied("Only the owner's manager or an admin may delete this customer.")
    error = None
    if request.method == "POST":
        try:
            services.customer_delete(acting_user=request.user, customer=customer)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"Customer {customer.name} deleted.")
            return redirect("customer-list")
    return render(request, "crm/customer_delete.html", {"customer": customer, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def customer_reassign(request, customer_id):
    customer = visible_customer(request, customer_id)
    if not access.can_reassign_customer(request.user, customer):
        raise PermissionDenied("Only the owner's manager or an admin may reassign this customer.")
    form = ReassignForm(
        request.POST or None,
        owner_choices=access.owners_assignable_by(request.user),
        initial={"owner": customer.owner_id, "version": customer.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_reassign(
                acting_user=request.user,
                customer=customer,
                new_owner=form.cleaned_data["owner"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleVersion:
            form.add_error(None, STALE_MESSAGE)
        else:
            messages.success(request, f"{customer.name} now belongs to {form.cleaned_data['owner'].display_name}.")
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/customer_reassign.html", {"customer": customer, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def customer_shares(request, customer_id):
    customer = visible_customer(request, customer_id)
    if not access.can_share_customer(request.user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may share this customer.")
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_share(
                acting_user=request.user,
                customer=customer,
                level=form.cleaned_data["level"],
                user=form.cleaned_data.get("user"),
                team=form.cleaned_data.get("team"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Shared.")
            return redirect("customer-shares", customer_id=customer.pk)
    context = {"customer": customer, "form": form, "shares": selectors.customer_shares(customer=customer)}
    return render(request, "crm/customer_shares.html", context)


@login_required
@require_POST
def customer_unshare(request, customer_id, share_id):
    customer = visible_customer(request, customer_id)
    if not access.can_share_customer(request.user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may unshare this customer.")
    share = get_object_or_404(selectors.customer_shares(customer=customer), pk=share_id)
    services.customer_unshare(acting_user=request.user, share=share)
    messages.success(request, "Share removed.")
    return redirect("customer-shares", customer_id=customer.pk)


@login_required
@require_POST
def activity_create(request, customer_id):
    """Adds an entry to the timeline; an htmx request gets the timeline fragment back."""
    customer = visible_customer(request, customer_id)
    if not access.can_change_customer(request.user, customer):
        raise PermissionDenied("You may view this customer but not add to its timeline.")
    form = ActivityForm(request.POST)
    status = 200
    if form.is_valid():
        services.activity_create(acting_user=request.user, customer=customer, **form.cleaned_data)
        form = ActivityForm()
    else:
        status = 400
    if not request.htmx:
        if status == 200:
            return redirect("customer-detail", customer_id=customer.pk)
        return render(request, "crm/customer_detail.html", _detail_context(request, customer, form), status=400)
    context = _detail_context(request, customer, form)
    return render(request, "crm/customer_detail.html#timeline", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, customer_id):
    customer = visible_customer(request, customer_id)
    if not access.can_change_customer(request.user, customer):
        raise PermissionDenied("You may view this customer but not change its contacts.")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(acting_user=request.user, customer=customer, **form.changes())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Contact added.")
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/contact_form.html", {"form": form, "customer": customer, "contact": None})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, customer_id, contact_id):
    customer = visible_customer(request, customer_id)
    contact = get_object_or_404(selectors.customer_contacts(customer=customer), pk=contact_id)
    if not access.can_change_customer(request.user, customer):
        raise PermissionDenied("You may view this customer but not change its contacts.")
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                acting_user=request.user,
                contact=contact,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleVersion:
            form.add_error(None, STALE_MESSAGE)
        else:
            messages.success(request, "Contact saved.")
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/contact_form.html", {"form": form, "customer": customer, "contact": contact})


@login_required
@require_POST
def contact_delete(request, customer_id, contact_id):
    customer = visible_customer(request, customer_id)
    contact = get_object_or_404(selectors.customer_contacts(customer=customer), pk=contact_id)
    services.contact_delete(acting_user=request.user, contact=contact)
    messages.success(request, "Contact deleted.")
    return redirect("customer-detail", customer_id=customer.pk)
