"""Keyset pages (crm.platform.paging): walking forward and back visits every row once, in the list's order,
whatever the duplicates and empty values; counts stop at the cap; a foreign cursor is refused."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.customers.models import Customer
from crm.platform.paging import BadCursor, CappedCount, capped_count, capped_counts, keyset_page
from sales.models import Opportunity
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def walk_forward(queryset, ordering, page_size):
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, ordering=ordering, after=cursor, page_size=page_size)
        pages.append(page)
        if not page.has_next:
            return pages
        cursor = page.next_cursor


def walk_back(queryset, ordering, last_page, page_size):
    pages, page = [last_page], last_page
    while page.has_previous:
        page = keyset_page(queryset, ordering=ordering, before=page.previous_cursor, page_size=page_size)
        pages.insert(0, page)
    return pages


def ids(pages):
    return [row.pk for page in pages for row in page]


@pytest.fixture
def opportunities(sales_rep):
    """Duplicate names and amounts, and empty expected closes, in the same list."""
    customer = CustomerFactory(owner=sales_rep)
    Opportunity.objects.bulk_create(
        Opportunity(
            customer=customer,
            owner=sales_rep,
            name=f"Deal {n % 4}",
            amount=Decimal(n % 3),
            expected_close=None if n % 5 == 0 else date(2026, 1, 1) + timedelta(days=n % 7),
        )
        for n in range(47)
    )
    return Opportunity.objects.all()


@pytest.mark.parametrize(
    "ordering",
    [["name"], ["-name"], ["-amount"], ["expected_close"], ["-expected_close"], ["-updated_at"], ["id"], ["-id"]],
)
@pytest.mark.parametrize("page_size", [1, 5, 10, 47, 100])
def test_walking_visits_every_row_once_in_order(opportunities, ordering, page_size):
    pages = walk_forward(opportunities, ordering, page_size)
    expected = [row.pk for row in keyset_page(opportunities, ordering=ordering, page_size=1000)]
    assert ids(pages) == expected
    assert len(expected) == 47
    assert not pages[0].has_previous
    assert ids(walk_back(opportunities, ordering, pages[-1], page_size)) == expected


def test_the_order_matches_the_database_order_with_empty_values_last(opportunities):
    rows = list(keyset_page(opportunities, ordering=["expected_close"], page_size=100))
    closes = [row.expected_close for row in rows]
    filled = [value for value in closes if value is not None]
    assert closes == sorted(filled) + [None] * (len(closes) - len(filled))
    descending = [row.expected_close for row in keyset_page(opportunities, ordering=["-expected_close"], page_size=100)]
    assert descending == sorted(filled, reverse=True) + [None] * (len(closes) - len(filled))


def test_a_cursor_of_another_ordering_or_garbage_is_refused(opportunities):
    cursor = keyset_page(opportunities, ordering=["name"], page_size=5).next_cursor
    for bad in ("", "zzz", "e30", cursor[:-3] + "AAA"):
        with pytest.raises(BadCursor):
            keyset_page(opportunities, ordering=["name"], after=bad or "!", page_size=5)
    with pytest.raises(BadCursor):
        keyset_page(opportunities, ordering=["-amount"], after=cursor, page_size=5)


def test_counts_stop_at_the_cap(sales_rep):
    Customer.objects.bulk_create(Customer(name=f"C {n}", owner=sales_rep) for n in range(12))
    assert capped_count(Customer.objects.all(), cap=10) == CappedCount(10, True, 10)
    assert str(capped_count(Customer.objects.all(), cap=10)) == "10+"
    assert capped_count(Customer.objects.all(), cap=12) == 12
    assert str(capped_count(Customer.objects.filter(name="C 1"))) == "1"
    counts = capped_counts(
        {"all": Customer.objects.all(), "one": Customer.objects.filter(name="C 1"), "none": Customer.objects.none()},
        cap=10,
    )
    assert (str(counts["all"]), counts["one"], counts["none"]) == ("10+", 1, 0)


@pytest.mark.parametrize("ordering", ["name", "-amount", "expected_close", "-expected_close", "name,-amount", ""])
def test_api_pages_never_repeat_or_skip_rows_sharing_a_value(api, sales_rep, opportunities, ordering):
    client = api.as_user(sales_rep)
    url, seen, pages = f"/api/v1/opportunities/?page_size=4&ordering={ordering}", [], []
    while url:
        body = client.get(url).json()
        pages.append(body)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(opportunities.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    back, url = [], pages[-1]["previous"]
    while url:
        body = client.get(url).json()
        back = [row["id"] for row in body["results"]] + back
        url = body["previous"]
    assert back + [row["id"] for row in pages[-1]["results"]] == seen


@pytest.mark.parametrize("cursor", ["zzz", "n", "nzzz", "p!!", "xAAAA"])
def test_api_answers_a_bad_cursor_with_400_naming_it(api, sales_rep, opportunities, cursor):
    response = api.as_user(sales_rep).get("/api/v1/opportunities/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"cursor": ["Invalid cursor"]}
