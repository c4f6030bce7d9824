"""End to end: the emulator and Odoo as separate processes, as `make run` starts them.

A real Odoo server (odoo-bin) on a free loopback port serves a database with the addon; the
demo set-up script configures the demo account against a standalone emulator process; then a
client talks to Odoo over JSON-RPC like the web client does.
"""

import subprocess
import sys

import pytest
import requests

from .e2e_support import REPO, JsonRpc, free_port, wait_for_port


@pytest.fixture(scope="module")
def emulator_process(odoo_setup):
    env = odoo_setup.env
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amazon_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--scenario",
            "demo",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def odoo_server(odoo_setup, emulator_process):
    odoo_bin, options, env, database = (
        odoo_setup.odoo_bin,
        odoo_setup.options,
        odoo_setup.env,
        odoo_setup.database,
    )
    demo = subprocess.run(
        [*odoo_bin, "shell", *options, "--no-http", "--log-level=warn"],
        input=(REPO / "setup" / "demo.py").read_bytes(),
        env={**env, "EMULATOR_URL": emulator_process},
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr.decode()[-2000:]
    assert b"connected" in demo.stdout, demo.stdout.decode()[-2000:]
    port = free_port()
    process = subprocess.Popen(
        [
            *odoo_bin,
            *options,
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            f"--db-filter=^{database}$",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", database
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def rpc(odoo_server):
    url, database = odoo_server
    return JsonRpc(url, database, "admin", "admin")


# The demo scenario's orders that Odoo imports: four shipped by Amazon (US and DE), and three
# of the six fulfilled from local stock still to ship.
DEMO_FBA_ORDERS = 4
DEMO_UNSHIPPED_FBM_ORDERS = 3


def demo_account(rpc):
    accounts = rpc.execute(
        "amazon.account",
        "search_read",
        [["seller_id", "=", "A1DEMOSELLER0001"]],
        fields=["state", "marketplace_ids", "api_endpoint", "fba_warehouse_id", "last_error"],
    )
    assert len(accounts) == 1
    return accounts[0]


def test_login_page_is_served(odoo_server):
    url, _database = odoo_server
    response = requests.get(f"{url}/web/login", timeout=30)
    assert response.status_code == 200
    assert "Log in" in response.text


def test_demo_account_is_connected_to_the_emulator(rpc, emulator_process):
    account = demo_account(rpc)
    assert account["state"] == "connected", account["last_error"]
    assert account["api_endpoint"] == emulator_process
    marketplaces = rpc.execute(
        "amazon.marketplace", "read", account["marketplace_ids"], fields=["marketplace_id"]
    )
    assert {m["marketplace_id"] for m in marketplaces} == {"ATVPDKIKX0DER", "A1PA6795UKMFR9"}
    assert account["fba_warehouse_id"]


def test_demo_orders_are_imported(rpc):
    account_id = demo_account(rpc)["id"]
    orders = rpc.execute(
        "sale.order",
        "search_read",
        [["amazon_account_id", "=", account_id]],
        fields=["amazon_channel", "amazon_status", "state", "invoice_status", "currency_id"],
    )
    # An all() over a filtered list passes when the list is empty: each size is checked first.
    fba = [o for o in orders if o["amazon_channel"] == "fba"]
    assert len(fba) == DEMO_FBA_ORDERS, fba
    assert all(
        o["amazon_status"] == "SHIPPED"
        and o["state"] == "sale"
        and o["invoice_status"] == "invoiced"
        for o in fba
    ), fba
    unshipped_fbm = [
        o for o in orders if o["amazon_channel"] == "fbm" and o["amazon_status"] == "UNSHIPPED"
    ]
    assert len(unshipped_fbm) == DEMO_UNSHIPPED_FBM_ORDERS, orders
    assert all(o["state"] == "draft" for o in unshipped_fbm), unshipped_fbm
    assert {o["currency_id"][1] for o in orders} == {"USD", "EUR"}
    assert not [o for o in orders if o["amazon_status"] in ("PENDING", "PENDING_AVAILABILITY")]


def test_demo_vendor_purchase_orders_are_proposed_from_stock(rpc):
    (vendor,) = rpc.execute(
        "amazon.account",
        "search_read",
        [["kind", "=", "vendor"]],
        fields=["state", "last_error", "vendor_partner_id"],
    )
    assert vendor["state"] == "connected", vendor["last_error"]
    orders = rpc.execute(
        "sale.order",
        "search_read",
        [["amazon_account_id", "=", vendor["id"]], ["amazon_channel", "=", "vendor"]],
        fields=["amazon_order_ref", "state", "amazon_ack_state", "partner_id", "order_line"],
    )
    assert sorted(o["amazon_order_ref"] for o in orders) == ["DEMO0001", "DEMO0002", "DEMO0003"]
    assert {o["state"] for o in orders} == {"draft"}
    assert {o["amazon_ack_state"] for o in orders} == {"proposed"}
    assert {o["partner_id"][0] for o in orders} == {vendor["vendor_partner_id"][0]}
    lines = rpc.execute(
        "sale.order.line",
        "search_read",
        [
            ["order_id.amazon_account_id", "=", vendor["id"]],
            ["order_id.amazon_channel", "=", "vendor"],
        ],
        fields=[
            "amazon_ordered_qty",
            "amazon_accepted_qty",
            "amazon_backordered_qty",
            "amazon_rejected_qty",
        ],
    )
    for line in lines:
        split = (
            line["amazon_accepted_qty"]
            + line["amazon_backordered_qty"]
            + line["amazon_rejected_qty"]
        )
        assert split == line["amazon_ordered_qty"], line
    # the bottles (7 in stock, 20 ordered, back-orders allowed) are part accepted
    assert any(0 < line["amazon_accepted_qty"] < line["amazon_ordered_qty"] for line in lines)


def test_demo_direct_fulfilment_orders_confirmed_and_acknowledged(rpc):
    (vendor,) = rpc.execute(
        "amazon.account", "search_read", [["kind", "=", "vendor"]], fields=["vendor_partner_id"]
    )
    orders = rpc.execute(
        "sale.order",
        "search_read",
        [["amazon_account_id", "=", vendor["id"]], ["amazon_channel", "=", "direct_fulfillment"]],
        fields=["state", "amazon_ack_state", "partner_id", "partner_shipping_id", "amazon_df_gift"],
    )
    assert len(orders) == 3, orders
    assert {o["state"] for o in orders} == {"sale"}
    assert {o["amazon_ack_state"] for o in orders} <= {"sent", "done"}
    assert {o["partner_id"][0] for o in orders} == {vendor["vendor_partner_id"][0]}
    assert all(o["partner_shipping_id"][0] != o["partner_id"][0] for o in orders)
    assert any(o["amazon_df_gift"] for o in orders)


def test_demo_stock_and_prices_published(rpc):
    account_id = demo_account(rpc)["id"]
    offers = rpc.execute(
        "amazon.offer",
        "search_read",
        [["account_id", "=", account_id], ["fulfillment_channel", "=", "fbm"]],
        fields=["sku", "amazon_export_state", "amazon_quantity", "amazon_prices"],
    )
    # An offer is made for the channel a SKU is first sold on: in the demo, only the notebook
    # is first sold from local stock.
    assert [offer["sku"] for offer in offers] == ["DEMO-NOTEBOOK-A5"], offers
    assert {offer["amazon_export_state"] for offer in offers} == {"done"}, offers
    assert all(offer["amazon_prices"] for offer in offers)


def test_buttons_over_rpc(rpc):
    account_id = demo_account(rpc)["id"]
    result = rpc.execute("amazon.account", "action_test_connection", [account_id])
    assert result["params"]["type"] == "success"
    cron = xmlid_to_res_id(rpc, "ir_cron_amazon_sync_orders")
    before = rpc.execute("ir.cron.trigger", "search_count", [["cron_id", "=", cron]])
    rpc.execute("amazon.account", "action_sync_orders", [account_id])
    after = rpc.execute("ir.cron.trigger", "search_count", [["cron_id", "=", cron]])
    assert after == before + 1


def xmlid_to_res_id(rpc, name):
    (reference,) = rpc.execute(
        "ir.model.data",
        "search_read",
        [["module", "=", "amazon_connector"], ["name", "=", name]],
        fields=["res_id"],
    )
    return reference["res_id"]


def test_amazon_menu_under_sales(rpc):
    root = xmlid_to_res_id(rpc, "menu_amazon_root")
    menus = rpc.execute(
        "ir.ui.menu", "search_read", [["parent_id", "=", root]], fields=["complete_name"]
    )
    names = {menu["complete_name"] for menu in menus}
    assert names == {
        "Sales/Amazon/Overview",
        "Sales/Amazon/Orders",
        "Sales/Amazon/Import Issues",
        "Sales/Amazon/Settlements",
        "Sales/Amazon/Settlement Rows to Check",
        "Sales/Amazon/Refunds",
        "Sales/Amazon/FBA Returns",
        "Sales/Amazon/Offers",
        "Sales/Amazon/Accounts",
        "Sales/Amazon/Feeds",
        "Sales/Amazon/Vendor Transactions",
        "Sales/Amazon/EDI",
        "Sales/Amazon/Marketplaces",
    }
