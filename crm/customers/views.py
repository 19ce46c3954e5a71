"""Portal pages for customers. Each view asks the access policy through selectors and services.

One URL per page: an htmx request gets the page's fragment (a {% partialdef %}).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from crm.customers import access, selectors, services
from crm.customers.filters import CUSTOMER_ORDERINGS, CustomerFilter
from crm.customers.forms import ActivityForm, ContactForm, CustomerForm, ReassignForm, ShareForm
from crm.customers.models import Customer
from crm.customers.panels import CUSTOMER_PANELS
from crm.platform.errors import SharedRecordsOwned
from crm.platform.forms import write_from_form
from crm.platform.list_pages import list_page
from crm.staff import access as staff_access


def visible_customer(request, customer_id) -> Customer:
    try:
        return selectors.customer_get(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist:
        raise Http404("No such customer.") from None


@login_required
def customer_list(request):
    customer_filter = CustomerFilter(request.GET, queryset=selectors.customer_list(user=request.user), request=request)
    context = list_page(request, customer_filter, orderings=CUSTOMER_ORDERINGS, default_ordering="name") | {
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
        "panels": CUSTOMER_PANELS.render(user=request.user, customer=customer),
        "may_explain": staff_access.can_explain_access(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    if not access.can_create_customer(request.user):
        raise PermissionDenied("Your role may not create customers.")
    owner_choices = access.owners_assignable_by(request.user)
    # An admin must name the owner; others pick one only when there is a choice.
    may_pick_owner = access.default_customer_owner(request.user) is None or owner_choices.count() > 1
    form = CustomerForm(request.POST or None, owner_choices=owner_choices if may_pick_owner else None)
    if request.method == "POST" and form.is_valid():
        customer = write_from_form(
            form, lambda: services.customer_create(acting_user=request.user, **_without_empty_owner(form.changes()))
        )
        if customer is not None:
            messages.success(request, f"Customer {customer.name} created.")
            _warn_of_same_email(request, customer)
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/customer_form.html", _form_context(request, form, customer=None))


def _form_context(request, form, *, customer) -> dict:
    """The customer form, with a live warning when its e-mail is already a visible customer's."""
    check_url = reverse("customer-email-check")
    if customer is not None:
        check_url += f"?{urlencode({'customer': customer.pk})}"
    form.fields["email"].widget.attrs.update(
        {
            "hx-get": check_url,
            "hx-trigger": "change, keyup changed delay:500ms",
            "hx-target": "#email-warning",
            "hx-swap": "innerHTML",
        }
    )
    email = form["email"].value() or ""
    same = selectors.customers_with_email(
        user=request.user, email=email, excluding=customer.pk if customer is not None else None
    )
    return {"form": form, "customer": customer, "same_email": same}


def _warn_of_same_email(request, customer: Customer) -> None:
    same = selectors.customers_with_email(user=request.user, email=customer.email, excluding=customer.pk)
    if same:
        names = ", ".join(other.name for other in same)
        messages.warning(request, f"Saved, but {customer.email} is also the e-mail of: {names}.")


@login_required
def customer_email_check(request):
    """htmx: the warning under the e-mail field, naming only customers the user may view."""
    excluding = request.GET.get("customer", "")
    same = selectors.customers_with_email(
        user=request.user,
        email=request.GET.get("email", "")[:254],
        excluding=int(excluding) if excluding.isascii() and excluding.isdigit() else None,
    )
    return render(request, "crm/customer_form.html#email_warning", {"same_email": same})


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
        saved = write_from_form(
            form,
            lambda: services.customer_update(
                acting_user=request.user,
                customer=customer,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
            noun="customer",
        )
        if saved is not None:
            messages.success(request, "Saved.")
            customer.refresh_from_db(fields=["email"])
            _warn_of_same_email(request, customer)
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/customer_form.html", _form_context(request, form, customer=customer))


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
        reassigned = write_from_form(
            form,
            lambda: services.customer_reassign(
                acting_user=request.user,
                customer=customer,
                new_owner=form.cleaned_data["owner"],
                expected_version=form.cleaned_data["version"],
            ),
            noun="customer",
        )
        if reassigned is not None:
            messages.success(request, f"{customer.name} now belongs to {form.cleaned_data['owner'].display_name}.")
            return redirect("customer-detail", customer_id=customer.pk)
    return render(request, "crm/customer_reassign.html", {"customer": customer, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def customer_shares(request, customer_id):
    """The Sharing page: every grant on the customer (shares and admins' grants), and the share form."""
    customer = visible_customer(request, customer_id)
    if not access.can_share_customer(request.user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may share this customer.")
    levels = access.share_levels_grantable_by(request.user, customer)
    form = ShareForm(request.POST or None, levels=levels)
    if request.method == "POST" and form.is_valid():
        shared = write_from_form(
            form,
            lambda: services.customer_share(
                acting_user=request.user,
                customer=customer,
                level=form.cleaned_data["level"],
                user=form.cleaned_data.get("user"),
                team=form.cleaned_data.get("team"),
            ),
        )
        if shared is not None:
            messages.success(request, "Shared.")
            return redirect("customer-shares", customer_id=customer.pk)
    context = {
        "customer": customer,
        "form": form,
        "grants": selectors.customer_grants(user=request.user, customer=customer),
    }
    return render(request, "crm/customer_shares.html", context)


@login_required
@require_POST
def customer_unshare(request, customer_id, share_id):
    """Removes a share; when its users would keep opportunities or orders on a customer they lose,
    answers a confirmation page listing them first (reassign them to the owner, or keep them)."""
    customer = visible_customer(request, customer_id)
    if not access.can_share_customer(request.user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may unshare this customer.")
    share = get_object_or_404(selectors.customer_shares(customer=customer), pk=share_id)
    return _remove_access(
        request,
        customer,
        lambda **choice: services.customer_unshare(acting_user=request.user, share=share, **choice),
        action=reverse("customer-unshare", args=[customer.pk, share.pk]),
        holder=share.user.display_name if share.user else f"the team {share.team.name}",
    )


@login_required
@require_POST
def customer_revoke_grant(request, customer_id, grant_id):
    """Revokes a grant made in Django admin, for those who could have made it (the same confirmation)."""
    customer = visible_customer(request, customer_id)
    if not access.can_share_customer(request.user, customer):
        raise PermissionDenied("Only the owner, the owner's manager or an admin may change this customer's grants.")
    grant = selectors.customer_grant_get(customer=customer, grant_id=grant_id)
    if grant is None:
        raise Http404("No such grant.")
    team = None if hasattr(grant, "user") else getattr(grant.group, "team", None)
    if hasattr(grant, "user"):
        holder = grant.user.display_name
    else:
        holder = f"the team {team.name}" if team is not None else f"the group {grant.group.name}"
    return _remove_access(
        request,
        customer,
        lambda **choice: services.customer_revoke_grant(acting_user=request.user, grant=grant, **choice),
        action=reverse("customer-revoke-grant", args=[customer.pk, grant_id]),
        holder=holder,
    )


def _remove_access(request, customer, remove, *, action: str, holder: str):
    then = request.POST.get("then", "")
    choice = {"reassign_to": customer.owner if then == "reassign" else None, "keep_records": then == "keep"}
    try:
        moved = remove(**choice)
    except SharedRecordsOwned as owned:
        context = {"customer": customer, "records": owned.records, "action": action, "holder": holder}
        return render(request, "crm/customer_unshare_confirm.html", context, status=409)
    count = sum(moved.values())
    suffix = f" {count} of their records now belong to {customer.owner.display_name}." if count else ""
    messages.success(request, f"Access removed.{suffix}")
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
        created = write_from_form(
            form, lambda: services.contact_create(acting_user=request.user, customer=customer, **form.changes())
        )
        if created is not None:
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
        saved = write_from_form(
            form,
            lambda: services.contact_update(
                acting_user=request.user,
                contact=contact,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
            noun="contact",
        )
        if saved is not None:
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
