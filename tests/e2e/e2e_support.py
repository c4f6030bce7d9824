"""What the end-to-end tests share: real `odoo-bin` servers, the standalone emulator with its
control port, JSON-RPC, a throwaway database whose demo account imports from an emulator of
the test's own (`ImportLab`), orders in bulk, and the synchronisation run until done."""

import configparser
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import psycopg2
import requests
from psycopg2.sql import SQL, Identifier

from amazon_emulator.orders import make_order

REPO = Path(__file__).resolve().parents[2]
REQUIRED = ("ODOO_SRC", "ODOO_CONFIG")
# The product's import window (amazon_account.IMPORT_LAG and IMPORT_OVERLAP): it ends Amazon's
# lag before now, and starts this overlap before where the previous one ended.
IMPORT_LAG = timedelta(minutes=3)
IMPORT_OVERLAP = timedelta(minutes=10)
# What a cron job may spend before Odoo asks it to stop (ir_cron.MIN_TIME_PER_JOB).
CRON_TIME_BUDGET = timedelta(seconds=10)
DEMO_SELLER_ID = "A1DEMOSELLER0001"
SYNC_CRON_XMLID = "amazon_connector.ir_cron_amazon_sync_orders"


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


def database_options(config_path):
    config = configparser.ConfigParser()
    config.read(config_path)
    options = config["options"]
    return {"host": options["db_host"], "port": options["db_port"], "user": options["db_user"]}


def data_dir(config_path):
    config = configparser.ConfigParser()
    config.read(config_path)
    return Path(config["options"]["data_dir"])


def connect(config_path, database):
    """An autocommit connection: every query sees what Odoo committed, and locks nothing."""
    connection = psycopg2.connect(dbname=database, **database_options(config_path))
    connection.autocommit = True
    return connection


def addon_installed(config_path, database):
    try:
        connection = connect(config_path, database)
    except psycopg2.OperationalError:
        return False
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM ir_module_module WHERE name = 'amazon_connector' AND state = 'installed'"
        )
        installed = cursor.fetchone() is not None
    connection.close()
    return installed


@dataclass(frozen=True)
class OdooSetup:
    odoo_bin: list
    options: list  # -c CONFIG -d DATABASE
    env: dict
    database: str
    config: str

    def options_for(self, database):
        return ["-c", self.config, "-d", database]


class JsonRpc:
    def __init__(self, url, database, login, password, timeout=60):
        self.url = url
        self.database = database
        self.password = password
        self.timeout = timeout
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
            timeout=self.timeout,
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


class EmulatorProcess:
    """`python -m amazon_emulator` with its control port, on free loopback ports."""

    def __init__(self, env, log_path, scenario="empty", usage_plans=()):
        command = [
            sys.executable,
            "-m",
            "amazon_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--control-port",
            "0",
            "--scenario",
            scenario,
            *(f"--usage-plan={plan}" for plan in usage_plans),
        ]
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - open while the process runs
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=self._log, text=True
        )
        watchdog = threading.Timer(60, self.process.kill)
        watchdog.start()
        try:
            self.url = self._banner_url(" served at ")
            self.control_url = self._banner_url(" control operations at ")
        finally:
            watchdog.cancel()

    def _banner_url(self, marker):
        line = self.process.stdout.readline()
        if marker not in line:
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line!r}; see {self.log_path}")
        return line.split(marker)[1].split()[0]

    def control(self, method, path, payload=None):
        response = requests.request(
            method, f"{self.control_url}{path}", json=payload or {}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()

    def add_orders(self, seller_id, orders):
        return self.control("POST", "/orders", {"seller_id": seller_id, "orders": orders})

    def stored_orders(self, seller_id, order_ids):
        payload = {"seller_id": seller_id, "order_ids": list(order_ids)}
        return self.control("POST", "/orders/read", payload)["orders"]

    def inject_fault(self, kind, operation=None, times=1, after=0, **options):
        payload = {
            "kind": kind,
            "operation": operation,
            "times": times,
            "after": after,
            "options": options,
        }
        return self.control("POST", "/faults", payload)

    def inject_random_faults(self, **plan):
        return self.control("POST", "/faults/random", plan)["planned"]

    def faults(self):
        return self.control("GET", "/faults")

    def served(self, operation, status=200):
        by_operation = self.control("GET", "/requests")["by_operation"]
        return by_operation.get(operation, {}).get(str(status), 0)

    def requests(self, operation):
        """[{status, query}] of the requests of `operation` so far, oldest first."""
        recorded = self.control("GET", "/requests")["requests"]
        return [request for request in recorded if request["operation"] == operation]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process.stdout.close()
        self._log.close()


class OdooServer:
    """A real odoo-bin serving one database on a free loopback port, with one cron worker."""

    def __init__(self, setup, database, log_path, cron_threads=1):
        self.setup = setup
        self.database = database
        self.log_path = log_path
        self.cron_threads = cron_threads
        self.process = None
        self.url = None

    def start(self):
        port = free_port()
        self.process = subprocess.Popen(
            [
                *self.setup.odoo_bin,
                *self.setup.options_for(self.database),
                f"--http-port={port}",
                "--http-interface=127.0.0.1",
                f"--db-filter=^{self.database}$",
                f"--max-cron-threads={self.cron_threads}",
                "--log-level=info",
                f"--logfile={self.log_path}",
            ],
            env=self.setup.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, self.process)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def kill(self):
        """SIGKILL: no clean-up, no commit; what a crash, an OOM kill or a pulled plug does."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()  # a graceful stop waits for the cron worker; nothing is left to save

    def rpc(self, timeout=60):
        return JsonRpc(self.url, self.database, "admin", "admin", timeout=timeout)


LAB_SETUP_SCRIPT = f"""
sync_cron = env.ref({SYNC_CRON_XMLID!r})
# Only the order synchronisation runs in this database: nothing else takes the cron worker.
env["ir.cron"].search([("id", "!=", sync_cron.id)]).write({{"active": False}})
lab_account = env["amazon.account"].search([("seller_id", "=", {DEMO_SELLER_ID!r})])
env["amazon.account"].search([("id", "!=", lab_account.id)]).write({{"active": False}})
env.cr.commit()
print(f"lab account {{lab_account.id}} {{lab_account.state}} cron {{sync_cron.id}}")
"""


class ImportLab:
    """A throwaway copy of the test database whose demo account imports from an emulator of
    this lab's own, a real Odoo server with one cron worker, and what the tests read of them."""

    def __init__(self, setup, name, workdir, usage_plans=()):
        self.setup = setup
        self.database = f"{setup.database}_{name}"[:63]
        self.workdir = workdir
        self.emulator = None
        self.server = None
        self.sql = None
        self.account_id = None
        self.cron_id = None
        self.dead_progress_id = 0  # progress rows up to this one belong to killed servers
        self._usage_plans = usage_plans

    def __enter__(self):
        try:
            self._odoo_db("duplicate", "--force", self.setup.database, self.database)
            self.emulator = EmulatorProcess(
                self.setup.env, self.workdir / "emulator.log", usage_plans=self._usage_plans
            )
            self._configure()
            self.sql = connect(self.setup.config, self.database)
            self.server = OdooServer(self.setup, self.database, self.workdir / "odoo.log")
            self.server.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info):
        if self.server:
            self.server.stop()
        if self.emulator:
            self.emulator.stop()
        if self.sql:
            self.sql.close()
        self._drop_database()

    def _drop_database(self):
        """What `odoo-bin db drop` does, without loading Odoo: the database and its filestore."""
        connection = connect(self.setup.config, "postgres")
        with connection.cursor() as cursor:
            cursor.execute(
                SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(self.database))
            )
        connection.close()
        shutil.rmtree(data_dir(self.setup.config) / "filestore" / self.database, ignore_errors=True)

    def _odoo_db(self, *args):
        subprocess.run(
            [*self.setup.odoo_bin, "db", "-c", self.setup.config, *args],
            env=self.setup.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def _configure(self):
        """The demo set-up (products, warehouses, journal, the demo account connected and
        synchronised once) against this lab's emulator, then only this account and the order
        synchronisation left active."""
        script = (REPO / "setup" / "demo.py").read_text() + LAB_SETUP_SCRIPT
        shell = subprocess.run(
            [
                *self.setup.odoo_bin,
                "shell",
                *self.setup.options_for(self.database),
                "--no-http",
                "--log-level=warn",
            ],
            input=script.encode(),
            env={**self.setup.env, "EMULATOR_URL": self.emulator.url},
            capture_output=True,
            timeout=300,
            check=False,
        )
        output = shell.stdout.decode()
        assert shell.returncode == 0, shell.stderr.decode()[-2000:]
        (line,) = [line for line in output.splitlines() if line.startswith("lab account ")]
        _label, _account, account_id, state, _cron, cron_id = line.split()
        assert state == "connected", output[-2000:]
        self.account_id, self.cron_id = int(account_id), int(cron_id)

    # What Odoo committed, read from the database

    def query(self, sql, *params):
        with self.sql.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def imported_refs(self):
        """Amazon order ids of the account's sale orders, one per sale order (so twice for
        an order imported twice)."""
        rows = self.query(
            "SELECT amazon_order_ref FROM sale_order WHERE amazon_account_id = %s",
            self.account_id,
        )
        return [ref for (ref,) in rows]

    def window(self):
        (row,) = self.query(
            "SELECT orders_page_token, orders_window_end, orders_synced_until, state, last_error"
            " FROM amazon_account WHERE id = %s",
            self.account_id,
        )
        return dict(
            zip(("page_token", "window_end", "synced_until", "state", "error"), row, strict=True)
        )

    def window_done_after(self, moment):
        """A predicate: the window open (or next) when the account was synchronised until
        `moment` is closed: `orders_synced_until` moved, and no window is stored."""

        def done():
            window = self.window()
            return (
                window["synced_until"] != moment
                and not window["page_token"]
                and not window["window_end"]
            )

        return done

    def window_read_after(self, moment):
        """A predicate: the window open (or next) at `moment` has had its last page committed:
        it is closed, or left open with no page to go. Either way the next run starts a window
        of its own, which may bring back what this one lost: a test of one window stops
        here."""

        def read():
            window = self.window()
            return not window["page_token"] and (
                window["synced_until"] != moment or bool(window["window_end"])
            )

        return read

    def fresh_window_orders(self, count, series):
        """`count` new orders, and the account marked synchronised just past the newest
        order it imported: the next window holds these orders and nothing else."""
        ((newest,),) = self.query(
            "SELECT max(amazon_last_update) FROM sale_order WHERE amazon_account_id = %s",
            self.account_id,
        )
        start = newest.replace(tzinfo=timezone.utc) + timedelta(seconds=1)
        synced_until = (start + IMPORT_OVERLAP).strftime("%Y-%m-%d %H:%M:%S")
        self.server.rpc().execute(
            "amazon.account", "write", [self.account_id], {"orders_synced_until": synced_until}
        )
        room = datetime.now(timezone.utc) - IMPORT_LAG - timedelta(seconds=30) - start
        assert room > timedelta(0), f"no room for a window after {start} before Amazon's lag"
        spacing = min(timedelta(seconds=1), room / count)
        return bulk_orders(count, series, start, spacing=spacing)

    def open_issue_refs(self):
        rows = self.query(
            "SELECT amazon_order_ref FROM amazon_order_issue"
            " WHERE account_id = %s AND state = 'open'",
            self.account_id,
        )
        return sorted(ref for (ref,) in rows)

    def sync_runs(self):
        """Executions of the synchronisation job so far (one progress row each)."""
        ((count,),) = self.query(
            "SELECT count(*) FROM ir_cron_progress WHERE cron_id = %s", self.cron_id
        )
        return count

    def sync_running(self):
        """A live server is executing the job: its newest progress row was made by a server
        still running (a killed one leaves its row behind) and not closed yet."""
        rows = self.query(
            "SELECT id, timed_out_counter FROM ir_cron_progress WHERE cron_id = %s"
            " ORDER BY id DESC LIMIT 1",
            self.cron_id,
        )
        return bool(rows) and rows[0][0] > self.dead_progress_id and rows[0][1] > 0

    def sync_due(self):
        """The job waits for the cron worker: its next call or a trigger has come."""
        ((due,),) = self.query(
            "SELECT nextcall <= now() AT TIME ZONE 'UTC' OR EXISTS ("
            "  SELECT 1 FROM ir_cron_trigger WHERE cron_id = ir_cron.id"
            "  AND call_at <= now() AT TIME ZONE 'UTC')"
            " FROM ir_cron WHERE id = %s",
            self.cron_id,
        )
        return due

    def sync_scheduled_within(self, seconds):
        """The job is due, or its next call or a trigger comes within `seconds`."""
        ((scheduled,),) = self.query(
            "SELECT nextcall <= now() AT TIME ZONE 'UTC' + make_interval(secs => %s)"
            " OR EXISTS (SELECT 1 FROM ir_cron_trigger WHERE cron_id = ir_cron.id"
            "  AND call_at <= now() AT TIME ZONE 'UTC' + make_interval(secs => %s))"
            " FROM ir_cron WHERE id = %s",
            seconds,
            seconds,
            self.cron_id,
        )
        return scheduled

    # The server

    def press_sync_now(self):
        """The account's Sync now button: the job is triggered for the cron worker."""
        self.server.rpc().execute("amazon.account", "action_sync_orders", [self.account_id])

    def crash_and_restart(self):
        """SIGKILL the server, then start it again; returns what the killed server left
        committed: (the account's sale orders, its import window)."""
        self.server.kill()
        ((last,),) = self.query(
            "SELECT coalesce(max(id), 0) FROM ir_cron_progress WHERE cron_id = %s", self.cron_id
        )
        self.dead_progress_id = last
        left = (len(self.imported_refs()), self.window())
        self.server.start()
        return left


# Orders of the demo products (setup/demo.py makes them): sku -> (asin, {country: unit price})
DEMO_ITEMS = {
    "DEMO-MUG-01": ("B0DEMOMUG1", {"US": "12.99", "DE": "11.99"}),
    "DEMO-TSHIRT-M": ("B0DEMOTSH1", {"US": "19.99", "DE": "17.99"}),
    "DEMO-BOTTLE-75": ("B0DEMOBTL1", {"US": "24.50", "DE": "22.90"}),
    "DEMO-NOTEBOOK-A5": ("B0DEMONTB1", {"US": "8.75", "DE": "7.95"}),
}
MARKETPLACES = {"US": "ATVPDKIKX0DER", "DE": "A1PA6795UKMFR9"}
ORDER_ID_PREFIXES = {"US": "111", "DE": "302"}
ADDRESSES = {
    "US": {
        "name": "Jane Doe",
        "addressLine1": "100 Pine Street",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98101",
        "countryCode": "US",
    },
    "DE": {
        "name": "Erika Mustermann",
        "addressLine1": "Invalidenstr. 1",
        "city": "Berlin",
        "stateOrRegion": "BE",
        "postalCode": "10115",
        "countryCode": "DE",
    },
}
# country, fulfilled by, status, one in five orders FBA: FBA orders arrive completed
# (delivered, invoiced, paid: some half a second each on a small machine), FBM ones as
# quotations.
ORDER_MIX = [
    ("US", "MERCHANT", "UNSHIPPED"),
    ("DE", "MERCHANT", "UNSHIPPED"),
    ("US", "AMAZON", "SHIPPED"),
    ("US", "MERCHANT", "UNSHIPPED"),
    ("DE", "MERCHANT", "UNSHIPPED"),
    ("US", "MERCHANT", "UNSHIPPED"),
    ("DE", "MERCHANT", "UNSHIPPED"),
    ("DE", "AMAZON", "SHIPPED"),
    ("US", "MERCHANT", "UNSHIPPED"),
    ("DE", "MERCHANT", "UNSHIPPED"),
]
US_SALES_TAX = Decimal("0.0825")  # collected by Amazon


def bulk_orders(count, series, updated_from, mix=ORDER_MIX, spacing=timedelta(seconds=1)):
    """`count` importable orders of the demo products, ids `111-<series>-<n>` (US) and
    `302-<series>-<n>` (DE), last updated `spacing` apart from `updated_from`, of the kinds
    of `mix` in turn."""
    skus = list(DEMO_ITEMS)
    orders = []
    for number in range(count):
        country, fulfilled_by, status = mix[number % len(mix)]
        lines = [(skus[number % len(skus)], 1 + number % 3)]
        if number % 5 == 0:
            lines.append((skus[(number + 1) % len(skus)], 2))
        moment = updated_from + spacing * number
        orders.append(
            make_order(
                f"{ORDER_ID_PREFIXES[country]}-{series:07d}-{number:07d}",
                MARKETPLACES[country],
                fulfilled_by,
                status,
                [_item(country, fulfilled_by, sku, quantity) for sku, quantity in lines],
                buyer={"name": ADDRESSES[country]["name"], "email": f"buyer{number}@example.com"},
                address=ADDRESSES[country],
                created=moment - timedelta(hours=1),
                updated=moment,
            )
        )
    return orders


def _item(country, fulfilled_by, sku, quantity):
    asin, prices = DEMO_ITEMS[sku]
    unit_price = Decimal(prices[country])
    tax = unit_price * quantity * US_SALES_TAX if country == "US" else Decimal(0)
    return {
        "sku": sku,
        "asin": asin,
        "quantity": quantity,
        "unit_price": str(unit_price),
        "shipping_price": "4.99" if fulfilled_by == "MERCHANT" else "0.00",
        "tax": str(tax.quantize(Decimal("0.01"))),
    }


def recent_moment(minutes_ago):
    """`minutes_ago` before now: with 11, a moment of the import window the next run opens
    (it starts 10 minutes before the set-up's synchronisation, itself Amazon's lag before)."""
    return datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=minutes_ago)


def seller_total(order):
    """What the seller sells an Amazon order for: the buyer's grand total without the tax
    Amazon collects and remits itself (marketplace facilitator)."""
    total = Decimal(order["proceeds"]["grandTotal"]["amount"])
    for item in order["orderItems"]:
        collections = (item.get("tax") or {}).get("taxCollections") or []
        if any(c.get("model") == "MARKETPLACE_FACILITATOR" for c in collections):
            total -= sum(
                Decimal(b["subtotal"]["amount"])
                for b in item["proceeds"]["breakdowns"]
                if b["type"] == "TAX"
            )
    return total


@dataclass
class SyncReport:
    runs: int = 0  # executions of the synchronisation job
    presses: int = 0  # Sync now pressed by the test
    crashes: list = field(default_factory=list)  # what each killed server left committed
    seconds: float = 0.0


# How long the cron worker may leave a due job alone before Sync now wakes it again (Odoo's
# worker wakes up on a trigger's notification, else once a minute).
NUDGE_AFTER = 3.0


def synchronise_until(lab, done, *, max_runs, time_limit, crash_now=None):
    """Run the order synchronisation the way a user would, until `done()`: whenever the cron
    worker has nothing to do, press Sync now. `crash_now(report)`, asked while a run goes on,
    says when to SIGKILL the server (it is restarted at once). Bounded by `max_runs` job
    executions and `time_limit` seconds; fails with what it saw when either is reached."""
    report = SyncReport()
    started = time.monotonic()
    runs_before = lab.sync_runs()
    idle_since = None
    while True:
        report.runs = lab.sync_runs() - runs_before
        report.seconds = time.monotonic() - started
        running, due = lab.sync_running(), lab.sync_due()
        if not running and not due and done():
            return report
        assert report.seconds < time_limit, f"not done after {time_limit}s: {_state(lab, report)}"
        if running:
            idle_since = None
            if crash_now and crash_now(report):
                report.crashes.append(lab.crash_and_restart())
                lab.press_sync_now()  # the restarted worker is woken up at once
                report.presses += 1
        else:
            idle_since = idle_since or time.monotonic()
            if not due or time.monotonic() - idle_since > NUDGE_AFTER:
                assert report.runs < max_runs, (
                    f"not done after {max_runs} runs: {_state(lab, report)}"
                )
                lab.press_sync_now()
                report.presses += 1
                idle_since = time.monotonic()
        time.sleep(0.2)


def wait_for_the_scheduler(lab, done, *, time_limit, soon=90):
    """Leave the synchronisation to Odoo's scheduler (nobody presses Sync now) until `done()`,
    or until nothing runs and nothing is scheduled within `soon` seconds; returns `done()`."""
    deadline = time.monotonic() + time_limit
    while time.monotonic() < deadline:
        if done():
            return True
        if not lab.sync_running() and not lab.sync_scheduled_within(soon):
            return done()
        time.sleep(0.5)
    return done()


def _state(lab, report):
    refs = lab.imported_refs()
    return (
        f"{report}; {len(refs)} sale orders ({len(set(refs))} distinct), window {lab.window()}, "
        f"emulator faults {lab.emulator.faults()}; logs in {lab.workdir}"
    )
