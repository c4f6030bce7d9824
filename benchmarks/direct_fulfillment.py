# Vendor direct fulfilment benchmark, run by `python3 setup/dev.py bench df` through
# `odoo-bin shell` (which provides `env`) in a fresh database with amazon_connector installed.
#
# N direct fulfilment orders (two items each) are downloaded over the 60-to-30-minute window,
# confirmed and acknowledged (submissions of 50 orders); Amazon's verdict is read back; every
# delivery is validated and its shipment confirmed (one submission per delivery, as each is
# its own transaction); then the daily inventory of 20,000 items goes in the batches of
# 1,000 Amazon takes. Time, SQL queries and API calls of each phase.
# ruff: noqa: F821 - `env` is injected by odoo-bin shell
import json
import os
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.environ["AMAZON_CONNECTOR_REPO"])
sys.path.insert(0, os.path.join(os.environ["AMAZON_CONNECTOR_REPO"], "benchmarks"))
from bench_support import CREDENTIALS, SELLER, SKUS, US, timed

from amazon_emulator import AmazonEmulator, ManualClock, make_df_order

ORDERS = int(os.environ.get("BENCH_ORDERS", "2000"))
INVENTORY_ITEMS = int(os.environ.get("BENCH_INVENTORY_ITEMS", "20000"))
RESULT_FILE = os.environ.get("BENCH_RESULT_FILE")
SHIP_FROM = "BENCHWH1"
VENDOR_CODE = "BENCHDF"


def api_calls(emulator, operations=None):
    counts = Counter(r.operation for r in emulator.requests if r.operation != "lwaToken")
    return dict(counts) if operations is None else sum(counts[o] for o in operations)


def phase(env, clock, emulator, job):
    emulator.clear_requests()
    seconds, queries = timed(env, clock, job)
    return seconds, queries, api_calls(emulator)


def main():
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {sku}",
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "weight": 0.5,
                "taxes_id": [(5, 0, 0)],
            }
            for sku in SKUS[:20]
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
                "name": "Bench direct fulfilment",
                "kind": "vendor",
                "lwa_client_id": CREDENTIALS[0],
                "lwa_client_secret": CREDENTIALS[1],
                "refresh_token": CREDENTIALS[2],
                "api_endpoint": emulator.url,
                "lwa_endpoint": emulator.lwa_url,
                "vendor_codes": VENDOR_CODE,
                "df_enabled": True,
                "df_ship_from_codes": SHIP_FROM,
                "df_warehouse_id": warehouse.id,
                # one download reads them all: orders made over the last 20 hours
                "df_window_from": 24 * 60,
            }
        )
        assert vendor._check_connection(), vendor.last_error
        env.cr.commit()
        created = clock() - timedelta(hours=20)
        for number in range(ORDERS):
            emulator.add_df_order(
                SELLER,
                make_df_order(
                    f"DF{number:06d}",
                    created=created + timedelta(seconds=30 * number),
                    items=[
                        (SKUS[number % 20], 1, "7.25"),
                        (SKUS[(number + 7) % 20], 2, "3.10"),
                    ],
                    selling_party=VENDOR_CODE,
                    ship_from=SHIP_FROM,
                ),
            )
        download = phase(env, clock, emulator, vendor._df_sync_orders)
        sales = env["sale.order"].search([("amazon_account_id", "=", vendor.id)])
        assert len(sales) == ORDERS, len(sales)
        outcome = phase(env, clock, emulator, vendor._vendor_submissions)
        assert set(sales.mapped("amazon_ack_state")) == {"done"}, set(
            sales.mapped("amazon_ack_state")
        )

        pickings = sales.picking_ids
        for picking in pickings:
            picking.carrier_tracking_ref = f"1Z{picking.id:010d}"
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        env.cr.commit()
        # What Validate does once no wizard asks anything (quantities all picked).
        deliver = phase(env, clock, emulator, lambda: bool(pickings._action_done()))
        assert set(pickings.mapped("state")) == {"done"}, set(pickings.mapped("state"))
        confirm = phase(env, clock, emulator, vendor._vendor_submissions)
        clock.advance(minutes=1)
        confirmed = phase(env, clock, emulator, vendor._vendor_submissions)
        assert set(pickings.mapped("amazon_asn_state")) == {"done"}, set(
            pickings.mapped("amazon_asn_state")
        )

        # The inventory: offers of INVENTORY_ITEMS products (the bench products and more).
        more = env["product.product"].create(
            [
                {"name": f"Inventory {index}", "type": "consu", "is_storable": True}
                for index in range(INVENTORY_ITEMS - len(products))
            ]
        )
        env["amazon.offer"].create(
            [
                {
                    "account_id": vendor.id,
                    "sku": product.default_code or f"INV-{product.id}",
                    "product_id": product.id,
                }
                for product in products | more
            ]
        )
        env.cr.commit()
        inventory = phase(env, clock, emulator, vendor._df_send_inventory)
        inventory_outcome = phase(env, clock, emulator, vendor._vendor_submissions)
        assert vendor.df_inventory_state == "done", vendor.df_inventory_error
        assert len(emulator.df_inventory(SELLER, SHIP_FROM)) == INVENTORY_ITEMS

    def figures(name, measured, count):
        seconds, queries, calls = measured
        return {
            f"{name}_seconds": round(seconds, 1),
            f"{name}_queries_per_{'item' if name.startswith('inventory') else 'order'}": round(
                queries / count, 2
            ),
            f"{name}_api_calls": calls,
        }

    result = {"orders": ORDERS, "inventory_items": INVENTORY_ITEMS}
    for name, measured, count in (
        ("download_confirm_acknowledge", download, ORDERS),
        ("acknowledgement_outcome", outcome, ORDERS),
        ("validate_deliveries", deliver, ORDERS),
        ("send_confirmations", confirm, ORDERS),
        ("confirmation_outcome", confirmed, ORDERS),
        ("inventory_send", inventory, INVENTORY_ITEMS),
        ("inventory_outcome", inventory_outcome, INVENTORY_ITEMS),
    ):
        result.update(figures(name, measured, count))
    print(json.dumps(result, indent=2))
    if RESULT_FILE:
        with open(RESULT_FILE, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)


main()
