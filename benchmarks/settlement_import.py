# Settlement benchmark, run by `python3 setup/dev.py bench settlements` through `odoo-bin shell`
# (which provides `env`) in a fresh database with amazon_connector installed.
#
# N FBA orders are imported (one item each, US tax collected by Amazon; half paid at import,
# half left open for the settlement), then one settlement report of those orders: about 5
# rows per order (principal, tax, tax withheld, commission, fulfilment fee). Timed: parsing
# the file alone, then the whole job (list, download, parse, store, book, reconcile).
# ruff: noqa: F821 - `env` is injected by odoo-bin shell
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.environ["AMAZON_CONNECTOR_REPO"])
sys.path.insert(0, os.path.join(os.environ["AMAZON_CONNECTOR_REPO"], "benchmarks"))
from bench_support import CREDENTIALS, SELLER, SKUS, US, create_account, set_up_company, timed

from odoo.addons.amazon_connector.amazon_sp.documents import parse_settlement

from amazon_emulator import AmazonEmulator, ManualClock, make_order

ORDERS = int(os.environ.get("BENCH_ORDERS", "2000"))
RESULT_FILE = os.environ.get("BENCH_RESULT_FILE")
ADDRESS = {
    "name": "Bench buyer",
    "addressLine1": "100 Pine Street",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
}


def amazon_order(number, stamp):
    return make_order(
        f"111-{number:07d}-0000002",
        US,
        items=[
            {
                "sku": SKUS[number % len(SKUS)],
                "asin": f"B{number:09d}",
                "quantity": 1 + number % 2,
                "unit_price": "12.50",
                "tax": "1.03",
            }
        ],
        address=ADDRESS,
        created=stamp,
        updated=stamp,
    )


def main():
    journal, fba = set_up_company(env)
    env.cr.commit()
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    with AmazonEmulator(clock=clock) as emulator:
        emulator.add_seller(SELLER, *CREDENTIALS, [US])
        account = create_account(env, emulator, journal, fba)
        order_ids = []
        for paid_at_import in (True, False):
            account.fba_register_payment = paid_at_import
            stamp = clock() - timedelta(hours=1)
            for number in range(len(order_ids), len(order_ids) + ORDERS // 2):
                order = amazon_order(number, stamp)
                emulator.add_order(SELLER, order)
                order_ids.append(order["orderId"])
            timed(env, clock, account._sync_orders)
            clock.advance(hours=2)
        report = emulator.add_settlement(
            SELLER,
            US,
            start=clock() - timedelta(days=14),
            end=clock() - timedelta(minutes=30),
            order_ids=order_ids,
            other_fees={"Subscription Fee": "-39.99", "Storage Fee": "-64.28"},
            compressed=True,
        )
        started = time.perf_counter()
        document = parse_settlement(report["text"])
        parse_seconds = time.perf_counter() - started
        seconds, queries = timed(env, clock, account._import_settlements)
    settlement = env["amazon.settlement"].search([("account_id", "=", account.id)])
    sales = env["sale.order"].search([("amazon_account_id", "=", account.id)])
    assert len(sales) == ORDERS, len(sales)
    assert settlement.state == "booked", (settlement.state, settlement.last_error)
    unpaid = sales.invoice_ids.filtered(
        lambda move: move.payment_state not in ("paid", "in_payment")
    )
    assert not unpaid, unpaid.mapped("amazon_order_ref")[:5]
    result = {
        "orders": ORDERS,
        "rows": len(document.lines),
        "parse_seconds": round(parse_seconds, 2),
        "import_and_book_seconds": round(seconds, 1),
        "rows_per_second": round(len(document.lines) / seconds, 1),
        "queries": queries,
        "queries_per_order": round(queries / ORDERS, 1),
        "queries_per_row": round(queries / len(document.lines), 2),
        "journal_items": len(settlement.move_id.line_ids),
    }
    print(json.dumps(result, indent=2))
    if RESULT_FILE:
        with open(RESULT_FILE, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)


main()
