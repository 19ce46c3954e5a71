"""Portal writes two at a time on a file-based SQLite database, in a process of its own.

tests/sales/test_sqlite_concurrency.py runs `python -m tests.sales.sqlite_writers ROUNDS` with
DATABASE_URL naming a SQLite file that holds the schema. Each round, two threads (each with its
own connection, as two web requests have) change the quantity of a line of two orders at the
same instant, through the test client (URLs, middleware, views, services). It prints, as JSON,
every status answered and the quantities stored.
"""

import json
import os
import sys
import threading
from decimal import Decimal


def main(rounds: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import Role
    from sales.models import OrderLine
    from tests.factories import CustomerFactory, UserFactory
    from tests.sales.factories import OrderFactory, ProductFactory

    setup_test_environment()
    rep = UserFactory(username="sqlite_rep", role=Role.SALES)
    customer = CustomerFactory(name="Concurrent Ltd", owner=rep)
    product = ProductFactory(name="Widget", unit_price=Decimal("2.00"))
    orders = [OrderFactory(customer=customer, lines=[(product, 1)]) for _ in range(2 * rounds)]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    connection.close()

    clients = [Client(), Client()]
    for client in clients:
        client.force_login(rep)
    statuses: list[int] = []
    lock = threading.Lock()

    def change_quantity(client, order, quantity, barrier):
        line = order.lines.get()
        barrier.wait()
        response = client.post(
            f"/sales/orders/{order.pk}/lines/{line.pk}/",
            {"version": order.version, "quantity": quantity},
            headers={"HX-Request": "true"},
        )
        with lock:
            statuses.append(response.status_code)
        connection.close()

    for round_number in range(rounds):
        barrier = threading.Barrier(2)
        pair = orders[2 * round_number : 2 * round_number + 2]
        threads = [
            threading.Thread(target=change_quantity, args=(client, order, 5, barrier))
            for client, order in zip(clients, pair, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    quantities = sorted(set(OrderLine.objects.values_list("quantity", flat=True)))
    return {"journal_mode": journal_mode, "statuses": statuses, "quantities": quantities}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
