"""What the benchmarks share: run inside `odoo-bin shell`, they pass its `env`."""

import time
from unittest import mock

from odoo import fields
from odoo.addons.amazon_connector.amazon_sp import SHARED_RATE_LIMITER

SELLER = "A1BENCHSELLER001"
CREDENTIALS = ("amzn1.application-oa2-client.bench", "bench-secret", "Atzr|bench-refresh")
US = "ATVPDKIKX0DER"
SKUS = [f"BENCH-{index:03d}" for index in range(50)]


def queries(env):
    return env.cr.sql_log_count


def set_up_company(env):
    """An Amazon journal, an FBA warehouse and the products of SKUS (untaxed)."""
    journal = env["account.journal"].create({"name": "Amazon", "code": "AMZN", "type": "bank"})
    fba = env["stock.warehouse"].create(
        {"name": "Amazon FBA", "code": "AFBA", "is_amazon_fba": True}
    )
    env["product.product"].create(
        [
            {
                "name": f"Bench product {sku}",
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "list_price": 10.0,
                "taxes_id": [(5, 0, 0)],
            }
            for sku in SKUS
        ]
    )
    return journal, fba


def create_account(env, emulator, journal, fba):
    """An Amazon account on the emulator, connected."""
    account = env["amazon.account"].create(
        {
            "name": "Bench",
            "seller_id": SELLER,
            "lwa_client_id": CREDENTIALS[0],
            "lwa_client_secret": CREDENTIALS[1],
            "refresh_token": CREDENTIALS[2],
            "api_endpoint": emulator.url,
            "lwa_endpoint": emulator.lwa_url,
            "fba_warehouse_id": fba.id,
            "payment_journal_id": journal.id,
            "order_import_days": 1,
        }
    )
    account._check_connection()
    env.cr.commit()
    return account


def timed(env, clock, job):
    """Run `job()` as a scheduled run at the emulator's time; (seconds, queries)."""
    SHARED_RATE_LIMITER.reset()  # each phase stands for a run after Amazon's quota refilled
    now = lambda *a: clock().replace(tzinfo=None)  # noqa: E731
    with mock.patch.object(fields.Datetime, "now", staticmethod(now)):
        started, before = time.perf_counter(), queries(env)
        assert job()
        elapsed, count = time.perf_counter() - started, queries(env) - before
    env.cr.commit()
    return elapsed, count
