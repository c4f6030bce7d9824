# Order import benchmark, run by `python3 setup/dev.py bench orders` through `odoo-bin shell`
# (which provides `env`) in a fresh database with amazon_connector installed.
#
# 1. the connector imports N FBA orders (two items each) and N FBM orders from the emulator,
#    committing page by page as the cron does;
# 2. a plain Odoo script makes the same FBA documents one order at a time: create, confirm,
#    deliver, invoice, post, pay.
# Prints orders per second, the ratio and SQL queries per order; writes them as JSON too.
# ruff: noqa: F821 - `env` is injected by odoo-bin shell
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

from odoo import fields

sys.path.insert(0, os.environ["AMAZON_CONNECTOR_REPO"])
sys.path.insert(0, os.path.join(os.environ["AMAZON_CONNECTOR_REPO"], "benchmarks"))
from bench_support import (
    CREDENTIALS,
    SELLER,
    SKUS,
    US,
    create_account,
    queries,
    set_up_company,
    timed,
)

from amazon_emulator import AmazonEmulator, ManualClock, make_order

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
RESULT_FILE = os.environ.get("BENCH_RESULT_FILE")
ADDRESS = {
    "addressLine1": "100 Pine Street",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
}


def amazon_orders(start, channel, count, first_number):
    orders = []
    for index in range(count):
        number = first_number + index
        stamp = start + timedelta(seconds=number)
        items = [
            {
                "sku": SKUS[number % len(SKUS)],
                "asin": f"B{number:09d}",
                "quantity": 1 + number % 3,
                "unit_price": "12.50",
            },
            {
                "sku": SKUS[(number + 7) % len(SKUS)],
                "asin": f"C{number:09d}",
                "quantity": 1,
                "unit_price": "7.99",
                "shipping_price": "3.99" if channel == "MERCHANT" else "0.00",
            },
        ]
        orders.append(
            make_order(
                f"111-{number:07d}-0000001",
                US,
                fulfilled_by=channel,
                status="SHIPPED" if channel == "AMAZON" else "UNSHIPPED",
                items=items,
                buyer={"name": f"Buyer {number % 200}", "email": f"buyer{number % 200}@x.test"},
                address={**ADDRESS, "name": f"Buyer {number % 200}"},
                created=stamp,
                updated=stamp,
            )
        )
    return orders


def run_plain_script(journal, fba):
    """What a developer writes without the connector: one order after the other."""
    customer = env["res.partner"].create({"name": "Plain script customer"})
    products = env["product.product"].search([("default_code", "in", SKUS)])
    started, before = time.perf_counter(), queries(env)
    for number in range(ORDERS):
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "warehouse_id": fba.id,
                "client_order_ref": f"PLAIN-{number}",
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": products[number % 50].id,
                            "product_uom_qty": 1 + number % 3,
                            "price_unit": 12.5,
                        }
                    ),
                    fields.Command.create(
                        {
                            "product_id": products[(number + 7) % 50].id,
                            "product_uom_qty": 1,
                            "price_unit": 7.99,
                        }
                    ),
                ],
            }
        )
        order.action_confirm()
        for move in order.picking_ids.move_ids:
            move.quantity = move.product_uom_qty
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        invoice = order._create_invoices()
        invoice.action_post()
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": journal.id})._create_payments()
        if number % 100 == 99:
            env.cr.commit()
    env.cr.commit()
    return time.perf_counter() - started, queries(env) - before


def main():
    journal, fba = set_up_company(env)
    env.cr.commit()
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    with AmazonEmulator(clock=clock) as emulator:
        emulator.add_seller(SELLER, *CREDENTIALS, [US])
        account = create_account(env, emulator, journal, fba)
        phases = {}
        for channel, first in (("AMAZON", 0), ("MERCHANT", ORDERS)):
            stamp = clock() - timedelta(hours=1)
            for order in amazon_orders(stamp, channel, ORDERS, first):
                emulator.add_order(SELLER, order)
            phases[channel] = timed(env, clock, account._sync_orders)
            clock.advance(hours=2)
    sales = env["sale.order"].search([("amazon_account_id", "=", account.id)])
    fba_sales = sales.filtered(lambda sale: sale.amazon_channel == "fba")
    assert len(fba_sales) == ORDERS and len(sales) == 2 * ORDERS, len(sales)
    assert set(fba_sales.invoice_ids.mapped("payment_state")) <= {"paid", "in_payment"}
    plain_time, plain_queries = run_plain_script(journal, fba)
    (fba_time, fba_queries), (fbm_time, fbm_queries) = phases["AMAZON"], phases["MERCHANT"]
    result = {
        "orders": ORDERS,
        "connector_fba_seconds": round(fba_time, 1),
        "connector_fba_orders_per_second": round(ORDERS / fba_time, 1),
        "connector_fba_queries_per_order": round(fba_queries / ORDERS, 1),
        "connector_fbm_seconds": round(fbm_time, 1),
        "connector_fbm_orders_per_second": round(ORDERS / fbm_time, 1),
        "connector_fbm_queries_per_order": round(fbm_queries / ORDERS, 1),
        "plain_fba_seconds": round(plain_time, 1),
        "plain_fba_orders_per_second": round(ORDERS / plain_time, 1),
        "plain_fba_queries_per_order": round(plain_queries / ORDERS, 1),
        "fba_speedup": round(plain_time / fba_time, 2),
    }
    print(json.dumps(result, indent=2))
    if RESULT_FILE:
        with open(RESULT_FILE, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)


main()
