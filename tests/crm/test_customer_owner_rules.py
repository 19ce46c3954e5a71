"""Who names a customer's owner when creating it (ACCESS.md: "create: sales (who becomes the owner);
a manager (owner: themselves or a member of a team they manage)"; "an admin creating a customer must
name one"), as a table through the API and the portal: one policy answers both."""

import pytest

from crm.customers.models import Customer

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"

# persona: (POST without an owner, POST naming `teammate` (a member of Sales A), the portal offers an owner picker)
OWNER_TABLE = {
    "admin": (400, 201, True),  # names the owner; owns none
    "sales_manager": (201, 201, True),  # themselves, or a member of the team they manage
    "support_manager": (201, 400, False),  # a manager, but teammate is not theirs (and no one else may own)
    "sales_rep": (201, 403, False),  # owns what they create
    "support_rep": (403, 403, None),  # creates no customer
}


@pytest.mark.parametrize(("persona", "expected"), OWNER_TABLE.items(), ids=list(OWNER_TABLE))
def test_who_names_the_owner(request, org, api, portal, teammate, persona, expected):
    user = request.getfixturevalue(persona)
    without_owner, naming_teammate, offers_picker = expected
    client = api.as_user(user)
    first = client.post(URL, {"name": "Unnamed Co"})
    assert first.status_code == without_owner
    if without_owner == 201:
        assert Customer.objects.get(name="Unnamed Co").owner == user
    second = client.post(URL, {"name": "Named Co", "owner": teammate.pk})
    assert second.status_code == naming_teammate
    assert Customer.objects.filter(name="Named Co", owner=teammate).exists() is (naming_teammate == 201)
    form = portal.as_user(user).get("/customers/new/")
    if offers_picker is None:
        assert form.status_code == 403
    else:
        assert form.status_code == 200
        assert ('name="owner"' in form.content.decode()) is offers_picker
