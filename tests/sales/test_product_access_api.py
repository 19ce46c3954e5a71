"""Products (docs/ACCESS.md): every staff user reads them; only admins create, change and delete them."""

from decimal import Decimal

import pytest

from sales.models import Product

from .factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
STAFF = ["admin", "sales_manager", "sales_rep", "support_manager", "support_rep", "outsider"]
WRITERS = {"admin"}


@pytest.fixture
def product(org):
    return ProductFactory(sku="P-1", name="Printer", unit_price=Decimal("120.00"))


@pytest.mark.parametrize("persona", [*STAFF, None])
class TestProductAccess:
    def test_read(self, request, api, product, persona):
        client = api.as_user(request.getfixturevalue(persona) if persona else None)
        listing, detail = client.get(URL), client.get(f"{URL}{product.pk}/")
        if persona is None:
            assert listing.status_code == detail.status_code == 401
            return
        assert [row["sku"] for row in listing.json()["results"]] == ["P-1"]
        assert detail.json() == {
            "id": product.pk,
            "sku": "P-1",
            "name": "Printer",
            "unit_price": "120.00",
            "currency": "EUR",
            "active": True,
            "version": 1,
        }

    def test_create(self, request, api, persona, org):
        client = api.as_user(request.getfixturevalue(persona) if persona else None)
        response = client.post(URL, {"sku": "N-1", "name": "New", "unit_price": "5.50"})
        if persona in WRITERS:
            assert response.status_code == 201
            assert Product.objects.get(sku="N-1").unit_price == Decimal("5.50")
        else:
            assert response.status_code == (401 if persona is None else 403)
            assert not Product.objects.filter(sku="N-1").exists()

    def test_change(self, request, api, product, persona):
        client = api.as_user(request.getfixturevalue(persona) if persona else None)
        response = client.patch(f"{URL}{product.pk}/", {"unit_price": "99.00", "active": False})
        product.refresh_from_db()
        if persona in WRITERS:
            assert response.status_code == 200
            assert (product.unit_price, product.active, product.version) == (Decimal("99.00"), False, 2)
        else:
            assert response.status_code == (401 if persona is None else 403)
            assert (product.unit_price, product.active, product.version) == (Decimal("120.00"), True, 1)

    def test_delete(self, request, api, product, persona):
        client = api.as_user(request.getfixturevalue(persona) if persona else None)
        response = client.delete(f"{URL}{product.pk}/")
        if persona in WRITERS:
            assert response.status_code == 204
            assert not Product.objects.filter(pk=product.pk).exists()
        else:
            assert response.status_code == (401 if persona is None else 403)
            assert Product.objects.filter(pk=product.pk).exists()


def test_a_product_on_an_order_is_not_deleted_but_may_be_retired(org, api, admin, customer, product):
    from .factories import OrderFactory

    OrderFactory(customer=customer, lines=[(product, 1)])
    response = api.as_user(admin).delete(f"{URL}{product.pk}/")
    assert response.status_code == 400
    assert "inactive" in str(response.json())
    assert api.patch(f"{URL}{product.pk}/", {"active": False}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sku": "P-1", "name": "Twin", "unit_price": "1.00"}, "sku"),
        ({"sku": "N-2", "name": "Free", "unit_price": "-1.00"}, "unit_price"),
        ({"sku": "N-2", "name": "Huge", "unit_price": "1" * 13}, "unit_price"),
        ({"sku": "N-2", "name": "", "unit_price": "1.00"}, "name"),
        ({"sku": "N-2", "name": "Odd", "unit_price": "1.001"}, "unit_price"),
        ({"sku": "N-2", "name": "Odd", "unit_price": "1.00", "version": 7, "colour": "red"}, "colour"),
    ],
)
def test_bad_product_input_is_400(org, api, admin, product, payload, field):
    response = api.as_user(admin).post(URL, payload)
    assert response.status_code == 400
    assert field in response.json()
    assert Product.objects.count() == 1
