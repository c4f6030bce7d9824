# Vendor Central benchmark, run by `python3 setup/dev.py bench vendor` through `odoo-bin shell`
# (which provides `env`) in a fresh database with amazon_connector installed.
#
# N purchase orders of 20 lines each (20 products, in stock for about half of what is
# ordered) are imported by a vendor account, with the acknowledgement proposed from stock;
# then every one is acknowledged: sent (one submitAcknowledgement each, at Amazon's 10 per
# second) and Amazon's verdict read back (getTransaction), which confirms the orders.
# ruff: noqa: F821 - `env` is injected by odoo-bin shell
import json
import os
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.environ["AMAZON_CONNECTOR_REPO"])
sys.path.insert(0, os.path.join(os.environ["AMAZON_CONNECTOR_REPO"], "benchmarks"))
from bench_support import CREDENTIALS, SELLER, SKUS, US, timed

from amazon_emulator import AmazonEmulator, ManualClock, make_purchase_order

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
LINES = 20
RESULT_FILE = os.environ.get("BENCH_RESULT_FILE")


def main():
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {sku}",
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "taxes_id": [(5, 0, 0)],
            }
            for sku in SKUS[:LINES]
        ]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    for product in products:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, ORDERS * 2)
    env.cr.commit()
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    with AmazonEmulator(clock=clock, vendor_transaction_polls=0) as emulator:
        emulator.add_seller(SELLER, *CREDENTIALS, [US])
        vendor = env["amazon.account"].create(
            {
                "name": "Bench vendor",
                "kind": "vendor",
                "lwa_client_id": CREDENTIALS[0],
                "lwa_client_secret": CREDENTIALS[1],
                "refresh_token": CREDENTIALS[2],
                "api_endpoint": emulator.url,
                "lwa_endpoint": emulator.lwa_url,
                "vendor_warehouse_id": warehouse.id,
                "order_import_days": 1,
            }
        )
        assert vendor._check_connection(), vendor.last_error
        env.cr.commit()
        created = clock() - timedelta(hours=2)
        for number in range(ORDERS):
            emulator.add_purchase_order(
                SELLER,
                make_purchase_order(
                    f"BP{number:06d}",
                    items=[
                        {
                            "vendor_sku": sku,
                            "asin": f"B{index:09d}",
                            "quantity": 4,
                            "net_cost": "7.25",
                            "back_order_allowed": True,
                        }
                        for index, sku in enumerate(SKUS[:LINES])
                    ],
                    created=created + timedelta(seconds=number),
                ),
            )
        import_seconds, import_queries = timed(env, clock, vendor._sync_orders)
        sales = env["sale.order"].search([("amazon_account_id", "=", vendor.id)])
        assert len(sales) == ORDERS, len(sales)
        sales.action_amazon_acknowledge()
        env.cr.commit()
        send_seconds, send_queries = timed(env, clock, vendor._vendor_submissions)
        clock.advance(minutes=1)
        outcome_seconds, outcome_queries = timed(env, clock, vendor._vendor_submissions)
    states = set(sales.mapped("amazon_ack_state"))
    assert states == {"done"}, states
    assert set(sales.mapped("state")) == {"sale"}
    lines = sales.order_line
    result = {
        "purchase_orders": ORDERS,
        "lines": len(lines),
        "import_seconds": round(import_seconds, 1),
        "import_queries_per_order": round(import_queries / ORDERS, 1),
        "send_seconds": round(send_seconds, 1),
        "send_queries_per_order": round(send_queries / ORDERS, 1),
        "outcome_and_confirm_seconds": round(outcome_seconds, 1),
        "outcome_queries_per_order": round(outcome_queries / ORDERS, 1),
        "accepted_units": sum(lines.mapped("amazon_accepted_qty")),
        "backordered_units": sum(lines.mapped("amazon_backordered_qty")),
    }
    print(json.dumps(result, indent=2))
    if RESULT_FILE:
        with open(RESULT_FILE, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)


main()
