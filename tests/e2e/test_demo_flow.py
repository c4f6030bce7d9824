"""End to end: the emulator and Odoo as separate processes, as `make run` starts them.

A real Odoo server (odoo-bin) on a free loopback port serves a database with the addon; the
demo set-up script configures the demo account against a standalone emulator process; then a
client talks to Odoo over JSON-RPC like the web client does.
"""

import configparser
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
REQUIRED = ("ODOO_SRC", "ODOO_CONFIG")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before opening {port}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def addon_installed(config_path, database):
    config = configparser.ConfigParser()
    config.read(config_path)
    options = config["options"]
    try:
        connection = psycopg2.connect(
            dbname=database,
            host=options["db_host"],
            port=options["db_port"],
            user=options["db_user"],
        )
    except psycopg2.OperationalError:
        return False
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM ir_module_module WHERE name = 'amazon_connector' AND state = 'installed'"
        )
        installed = cursor.fetchone() is not None
    connection.close()
    return installed


@pytest.fixture(scope="module")
def odoo_setup():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(f"run through `make test` (missing {', '.join(missing)})")
    database = os.environ.get("ODOO_TEST_DB", "amazon_connector_test")
    odoo_bin = [sys.executable, str(Path(os.environ["ODOO_SRC"]) / "odoo-bin")]
    options = ["-c", os.environ["ODOO_CONFIG"], "-d", database]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # The Odoo stage leaves the addon installed; install it when this stage runs alone.
    if not addon_installed(os.environ["ODOO_CONFIG"], database):
        subprocess.run(
            [
                *odoo_bin,
                *options,
                "-i",
                "amazon_connector",
                "--stop-after-init",
                "--without-demo",
                "--log-level=warn",
                "--http-port=0",
            ],
            env=env,
            check=True,
            timeout=600,
        )
    return odoo_bin, options, env, database


@pytest.fixture(scope="module")
def emulator_process(odoo_setup):
    _odoo_bin, _options, env, _database = odoo_setup
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
    odoo_bin, options, env, database = odoo_setup
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


class JsonRpc:
    def __init__(self, url, database, login, password):
        self.url = url
        self.database = database
        self.password = password
        self.uid = self.call("common", "login", database, login, password)
        assert self.uid, "admin login refused"

    def call(self, service, method, *args):
        response = requests.post(
            f"{self.url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"service": service, "method": method, "args": list(args)},
            },
            timeout=60,
        )
        body = response.json()
        if "error" in body:
            raise AssertionError(body["error"]["data"]["message"])
        return body["result"]

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.database,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


@pytest.fixture(scope="module")
def rpc(odoo_server):
    url, database = odoo_server
    return JsonRpc(url, database, "admin", "admin")


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
    fba = [o for o in orders if o["amazon_channel"] == "fba" and o["amazon_status"] == "SHIPPED"]
    fbm = [o for o in orders if o["amazon_channel"] == "fbm"]
    assert fba and all(o["state"] == "sale" and o["invoice_status"] == "invoiced" for o in fba)
    assert fbm and all(o["state"] == "draft" for o in fbm if o["amazon_status"] == "UNSHIPPED")
    assert {o["currency_id"][1] for o in orders} == {"USD", "EUR"}
    assert not [o for o in orders if o["amazon_status"] in ("PENDING", "PENDING_AVAILABILITY")]


def test_demo_stock_and_prices_published(rpc):
    account_id = demo_account(rpc)["id"]
    offers = rpc.execute(
        "amazon.offer",
        "search_read",
        [["account_id", "=", account_id], ["fulfillment_channel", "=", "fbm"]],
        fields=["sku", "amazon_export_state", "amazon_quantity", "amazon_prices"],
    )
    assert offers
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
        "Sales/Amazon/Orders",
        "Sales/Amazon/Import Issues",
        "Sales/Amazon/Settlements",
        "Sales/Amazon/Settlement Rows to Check",
        "Sales/Amazon/FBA Returns",
        "Sales/Amazon/Offers",
        "Sales/Amazon/Accounts",
        "Sales/Amazon/Feeds",
        "Sales/Amazon/Marketplaces",
    }
