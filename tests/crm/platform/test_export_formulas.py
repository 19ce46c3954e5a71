"""CSV exports are safe whatever list separator a spreadsheet splits them on (`,`, `;` or a tab, and
line breaks as rows): every cell is quoted, and no field of any split starts a formula. The values
still read back exactly (csv.reader, then `undefuse`), and a defused customer export imports as it is."""

import csv
import io
import re
from decimal import Decimal

import pytest

from crm.customers.models import Contact, Customer
from crm.imports import services as imports
from crm.platform.exports import undefuse
from support.selectors import QUEUES
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, OrderFactory
from tests.support.factories import FeedbackFactory, TicketFactory

pytestmark = pytest.mark.django_db

# Formulas after every separator and line break, after spaces and quotes, and an apostrophe already there.
PAYLOAD = 'Semi;=1+2;tail,+3\t-4 ; @SUM(A1),"=HYPERLINK(1)" \n=5\r+6\r\n-7,\'=8'
SHORT = "=1+2;-3"  # for fields that are short (phones, industries)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def naive_fields(text: str, separator: str) -> list[str]:
    """Every field of the file as a spreadsheet splitting on `separator` would see it, quotes and spaces
    left in (a spreadsheet may drop them), no CSV quoting respected: the most hostile reading."""
    fields = []
    for line in re.split(r"\r\n|\r|\n", text):
        fields.extend(line.split(separator))
    return fields


def assert_no_formula(text: str) -> None:
    for separator in (",", ";", "\t"):
        for raw in naive_fields(text, separator):
            field = raw.lstrip(' "')
            assert not (field.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(field.rstrip('"'))), (
                separator,
                raw,
            )


def download(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode().removeprefix("\ufeff")


@pytest.fixture
def hostile(org, sales_rep, support_rep):
    """One record per list, with the payload in every text column a user can write."""
    support_team = org["support_team"]
    support_team.name = PAYLOAD[:100]
    support_team.save()
    sales_rep.first_name, sales_rep.last_name = "=cmd", "|' /C calc'!A0"
    sales_rep.save()
    customer = CustomerFactory(name=PAYLOAD, owner=sales_rep, phone=SHORT, industry=SHORT, email="h@example.com")
    Contact.objects.create(customer=customer, first_name=PAYLOAD, last_name=PAYLOAD, phone=SHORT)
    OpportunityFactory(customer=customer, owner=sales_rep, name=PAYLOAD, amount=Decimal("-12.50"))
    OrderFactory(customer=customer, owner=sales_rep)
    ticket = TicketFactory(customer=customer, team=support_team, subject=PAYLOAD, assignee=support_rep)
    FeedbackFactory(customer=customer, ticket=ticket, comment=PAYLOAD)
    return customer


EXPORTS = {
    "sales_rep": [
        "/customers/export.csv",
        "/contacts/export.csv",
        "/sales/opportunities/export.csv",
        "/sales/orders/export.csv",
        "/support/queues/all/export.csv",
        "/support/feedback/export.csv",
    ],
    "support_rep": [
        "/customers/export.csv",
        "/contacts/export.csv",
        "/support/feedback/export.csv",
        *(f"/support/queues/{queue.key}/export.csv" for queue in QUEUES),
    ],
}


@pytest.mark.parametrize(("persona", "url"), [(persona, url) for persona, urls in EXPORTS.items() for url in urls])
def test_no_field_of_an_export_starts_a_formula_whatever_the_separator(request, portal, hostile, persona, url):
    text = download(portal.as_user(request.getfixturevalue(persona)), url)
    assert_no_formula(text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # Every cell is quoted: the file is exactly what a QUOTE_ALL writer makes of its cells.
    requoted = io.StringIO()
    csv.writer(requoted, quoting=csv.QUOTE_ALL).writerows(rows)
    assert requoted.getvalue() == text
    # The hostile row is there, its text read back exactly (csv.reader, then undefuse).
    values = {undefuse(cell) for row in rows[1:] for cell in row}
    if url.split("/")[-2] not in ("unassigned", "breaching", "complaints"):  # queues the ticket is not in
        assert values & {PAYLOAD, PAYLOAD[:100]}


def test_the_split_that_made_a_formula_of_semi_colon_cells(portal, org, sales_rep):
    CustomerFactory(name="Semi;=1+2;tail", owner=sales_rep, email="s@example.com")
    text = download(portal.as_user(sales_rep), "/customers/export.csv")
    assert '"Semi;\'=1+2;tail"' in text
    assert_no_formula(text)


def test_the_rows_an_import_refused_are_exported_defused(portal, org, sales_rep):
    out = io.StringIO()
    rows = [["name", "email", "phone"], ["N" * 201, "x@example.com", SHORT], [PAYLOAD, "bad", SHORT]]
    csv.writer(out).writerows(rows)
    content = out.getvalue().encode()
    job = imports.import_check(acting_user=sales_rep, kind="customers", file_name="h.csv", content=content)
    assert job.error_rows == 2
    text = download(portal.as_user(sales_rep), f"/imports/{job.pk}/not-imported.csv")
    assert_no_formula(text)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # The values as the import read them (an apostrophe before a formula is read as an export's defusing).
    assert [undefuse(row["name"]) for row in rows] == ["N" * 201, undefuse(PAYLOAD.strip())]


def test_a_defused_customer_export_imports_back_to_the_same_values(portal, org, sales_rep):
    # Single-line values (control characters in names are refused on input): formulas after every separator.
    one_line = 'Semi;=1+2;tail,+3 ; -4 ;@SUM(A1),"=HYPERLINK(1)",\'=8'
    values = [one_line, "Semi;=1+2;tail", "'=already quoted", "a-b=c; d", "-minus,@at"]
    for n, name in enumerate(values):
        CustomerFactory(name=name, owner=sales_rep, email=f"r{n}@example.com", phone=SHORT, industry=SHORT)
    client = portal.as_user(sales_rep)
    exported = b"".join(client.get("/customers/export.csv").streaming_content)
    Customer.objects.all().delete()
    job = imports.import_check(acting_user=sales_rep, kind="customers", file_name="e.csv", content=exported)
    assert job.error_rows == 0
    imports.import_run(job_id=job.pk)
    restored = {c.email: (c.name, c.phone, c.industry, c.owner) for c in Customer.objects.all()}
    assert restored == {f"r{n}@example.com": (name, SHORT, SHORT, sales_rep) for n, name in enumerate(values)}


def test_a_defused_contact_export_imports_back_to_the_same_values(portal, org, sales_rep):
    customer = CustomerFactory(name="Semi;=1+2;tail", owner=sales_rep, email="c@example.com")
    for n, name in enumerate(["=Ann", "Bob;-Smith", "@Cy;+Dee"]):
        Contact.objects.create(customer=customer, first_name=name, last_name=SHORT, email=f"p{n}@example.com")
    client = portal.as_user(sales_rep)
    exported = b"".join(client.get("/contacts/export.csv").streaming_content)
    assert_no_formula(exported.decode().removeprefix("\ufeff"))
    Contact.objects.all().delete()
    job = imports.import_check(acting_user=sales_rep, kind="contacts", file_name="c.csv", content=exported)
    assert job.error_rows == 0
    imports.import_run(job_id=job.pk)
    restored = sorted(Contact.objects.values_list("customer_id", "first_name", "last_name"))
    assert restored == [
        (customer.pk, "=Ann", SHORT),
        (customer.pk, "@Cy;+Dee", SHORT),
        (customer.pk, "Bob;-Smith", SHORT),
    ]
