"""A stale move or order change answers 409 naming who changed the record first, but never its
own reader: when the newer version is the reader's own earlier change (another tab, a request
that answered late), the answer names nobody."""

import pytest

from sales.models import Opportunity, Order, OrderStatus, Stage

from .factories import OpportunityFactory, OrderFactory

pytestmark = pytest.mark.django_db

MOVERS = ["sales_rep", "sales_manager", "admin"]


def htmx_post(client, url, data):
    return client.post(url, data, headers={"HX-Request": "true"})


@pytest.mark.parametrize("persona", MOVERS)
def test_a_stale_move_after_ones_own_move_names_nobody(portal, request, persona, customer):
    mover = request.getfixturevalue(persona)
    card = OpportunityFactory(customer=customer, name="Fleet deal", stage=Stage.QUALIFICATION)
    client = portal.as_user(mover)
    url = f"/sales/opportunities/{card.pk}/stage/"
    assert htmx_post(client, url, {"stage": "proposal", "version": 1}).status_code == 200

    stale = htmx_post(client, url, {"stage": "won", "version": 1})

    assert stale.status_code == 409
    notice = stale.content.decode()
    assert "“Fleet deal” changed since you loaded the board (it is now in Proposal)" in notice
    assert f"{mover.display_name} changed" not in notice
    card.refresh_from_db()
    assert (card.stage, card.version, card.won_at) == (Stage.PROPOSAL, 2, None)


@pytest.mark.parametrize("persona", MOVERS)
def test_a_stale_move_after_someone_elses_move_names_them(portal, request, persona, teammate, customer):
    mover = request.getfixturevalue(persona)
    card = OpportunityFactory(customer=customer, name="Fleet deal", stage=Stage.QUALIFICATION)
    Opportunity.objects.filter(pk=card.pk).update(stage=Stage.NEGOTIATION, version=2, updated_by=teammate)

    stale = htmx_post(portal.as_user(mover), f"/sales/opportunities/{card.pk}/stage/", {"stage": "won", "version": 1})

    assert stale.status_code == 409
    assert f"{teammate.display_name} changed “Fleet deal” since you loaded the board" in stale.content.decode()
    card.refresh_from_db()
    assert (card.stage, card.version) == (Stage.NEGOTIATION, 2)


@pytest.mark.parametrize("persona", MOVERS)
def test_a_stale_order_change_after_ones_own_change_names_nobody(portal, request, persona, customer, widget):
    changer = request.getfixturevalue(persona)
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    line = order.lines.get()
    client = portal.as_user(changer)
    changed = htmx_post(client, f"/sales/orders/{order.pk}/lines/{line.pk}/", {"quantity": 4, "version": 1})
    assert changed.status_code == 200

    stale = htmx_post(client, f"/sales/orders/{order.pk}/status/", {"status": "placed", "version": 1})

    assert stale.status_code == 409
    notice = stale.content.decode()
    assert (
        "This order was changed while you were editing it; your change was not saved. Reload it and try again."
        in notice
    )
    assert f"{changer.display_name} changed" not in notice
    order.refresh_from_db()
    assert (order.status, order.version, order.lines.get().quantity) == (OrderStatus.DRAFT, 2, 4)


def test_a_stale_order_change_after_someone_elses_change_names_them(portal, sales_rep, sales_manager, customer, widget):
    order = OrderFactory(customer=customer, lines=[(widget, 1)])
    Order.objects.filter(pk=order.pk).update(version=2, updated_by=sales_manager)

    client = portal.as_user(sales_rep)
    stale = htmx_post(client, f"/sales/orders/{order.pk}/status/", {"status": "placed", "version": 1})

    assert stale.status_code == 409
    assert (
        f"{sales_manager.display_name} changed this order while you were editing it; your change was not saved."
        in stale.content.decode()
    )
    order.refresh_from_db()
    assert (order.status, order.version) == (OrderStatus.DRAFT, 2)
