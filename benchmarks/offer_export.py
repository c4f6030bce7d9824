# Stock and price export benchmark, run by `python3 setup/dev.py bench offers` through
# `odoo-bin shell` (which provides `env`) in a fresh database with amazon_connector installed.
#
# N FBM offers with stock in the FBM warehouse: time, SQL queries and peak Python memory of
# computing every offer's quantity and price, and of building the JSON_LISTINGS_FEEDs of the
# changes; the size of those feeds. Prints JSON; writes it to BENCH_RESULT_FILE too.
# ruff: noqa: F821 - `env` is injected by odoo-bin shell
import json
import os
import time
import tracemalloc

from odoo.addons.amazon_connector.amazon_sp.documents import MAX_FEED_MESSAGES, build_listings_feed

OFFERS = int(os.environ.get("BENCH_OFFERS", "50000"))
RESULT_FILE = os.environ.get("BENCH_RESULT_FILE")
BATCH = 5000


def set_up():
    us = env.ref("amazon_connector.marketplace_us")
    pricelist = env["product.pricelist"].create(
        {"name": "Amazon US", "currency_id": us.currency_id.id}
    )
    account = env["amazon.account"].create(
        {
            "name": "Bench offers",
            "seller_id": "A1BENCHOFFERS01",
            "state": "connected",
            "marketplace_ids": [(6, 0, us.ids)],
            "stock_reserve_type": "percent",
            "stock_reserve": 10,
        }
    )
    account.marketplace_setting_ids.pricelist_id = pricelist
    stock = account.fbm_warehouse_id.lot_stock_id
    for start in range(0, OFFERS, BATCH):
        count = min(BATCH, OFFERS - start)
        products = env["product.product"].create(
            [
                {
                    "name": f"Offer bench {n}",
                    "default_code": f"OB-{n:06d}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 5 + n % 50,
                    "amazon_backorderable": n % 97 == 0,
                }
                for n in range(start, start + count)
            ]
        )
        env["stock.quant"].create(
            [
                {"product_id": p.id, "location_id": stock.id, "quantity": 1 + i % 40}
                for i, p in enumerate(products)
            ]
        )
        env["amazon.offer"].create(
            [
                {
                    "account_id": account.id,
                    "sku": p.default_code,
                    "product_id": p.id,
                    "fulfillment_channel": "fbm",
                }
                for p in products
            ]
        )
        env.cr.commit()
        env.invalidate_all()
    return account


def compute_and_build(account):
    """What the hourly export does before sending: every quantity and price, the feeds."""
    env.invalidate_all()
    exporter = env["amazon.offer.exporter"]
    started, before = time.perf_counter(), env.cr.sql_log_count
    offers = env["amazon.offer"].search([("account_id", "=", account.id)])
    changes = exporter._changes(account, offers)
    computed, queries = time.perf_counter() - started, env.cr.sql_log_count - before
    feeds = [
        build_listings_feed(
            account.seller_id,
            [update for _o, update, _q, _p in changes[i : i + MAX_FEED_MESSAGES]],
        )
        for i in range(0, len(changes), MAX_FEED_MESSAGES)
    ]
    return len(offers), len(changes), computed, queries, time.perf_counter() - started, feeds


def main():
    account = set_up()
    offers, changed, computed, queries, total, feeds = compute_and_build(account)
    # Memory in a second pass: tracing allocations slows Python down several times.
    tracemalloc.start()
    compute_and_build(account)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {
        "offers": offers,
        "changed_offers": changed,
        "compute_seconds": round(computed, 2),
        "compute_sql_queries": queries,
        "feed_build_seconds": round(total - computed, 2),
        "total_seconds": round(total, 2),
        "peak_python_memory_mb": round(peak / 2**20, 1),
        "feeds": len(feeds),
        "feed_bytes": sum(len(feed) for feed in feeds),
    }
    print(json.dumps(result, indent=2))
    if RESULT_FILE:
        with open(RESULT_FILE, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)


main()
