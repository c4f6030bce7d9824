"""The main journeys in a real (headless) browser, against the local Amazon emulator.

The scheduler does not run during tests: what a button schedules (`ir.cron._trigger()`,
as Sync now and a validated delivery do) runs at once, as a free worker would run it.
Screenshots of the main screens go to AMAZON_SCREENSHOTS_DIR (default: docs/screenshots of
the repository), where the README shows them.
"""

import base64
import json
import os
from datetime import timedelta
from pathlib import Path
from unittest import mock

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    REPO,
    SELLER,
    US,
    AmazonCase,
)
from .test_order_import import BOTTLE, MUG, add_us_order

SCREENSHOT_MARK = "amazon-screenshot:"
SCREENSHOTS = Path(os.environ.get("AMAZON_SCREENSHOTS_DIR") or REPO / "docs" / "screenshots")


def _save_screenshots(browser, message):
    """ChromeBrowser's console handler, saving a PNG when a tour step asks for it."""
    if isinstance(message, str) and message.startswith(SCREENSHOT_MARK):
        name = message.removeprefix(SCREENSHOT_MARK).strip()
        future = browser._websocket_send("Page.captureScreenshot", with_future=True)

        def write(done):
            data = done.result().get("data")
            if data:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(data))

        future.add_done_callback(write)


def _run_at_once(cron, at=None):
    """`ir.cron._trigger`, in a test: an immediate trigger runs the job now."""
    if at is None and not cron.env.context.get("cron_id"):
        for job in cron:
            job.sudo().method_direct_trigger()
        return
    _original_trigger(cron, at)


_original_trigger = None


@tagged("post_install", "-at_install")
class TestTours(HttpCase, AmazonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        global _original_trigger  # noqa: PLW0603 - the patch below calls the real method
        cron_class = type(cls.env["ir.cron"])
        _original_trigger = cron_class._trigger
        cls.startClassPatcher(mock.patch.object(cron_class, "_trigger", _run_at_once))
        original_console = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, stackTrace=None, **kw):
            if args:
                _save_screenshots(browser, browser._from_remoteobject(args[0]))
            return original_console(browser, type, args=args, stackTrace=stackTrace, **kw)

        cls.startClassPatcher(mock.patch.object(ChromeBrowser, "_handle_console", handle_console))
        env = cls.env
        product = {"type": "consu", "is_storable": True}
        cls.products = {
            values["sku"]: env["product.product"].create(
                {**product, "name": values["title"], "default_code": values["sku"]}
            )
            for values in (MUG, BOTTLE)
        }
        cls.lamp = env["product.product"].create({**product, "name": "Tour lamp"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        for product_record in cls.products.values():
            env["stock.quant"]._update_available_quantity(
                product_record, warehouse.lot_stock_id, 50
            )
        ups = env["product.product"].create({"name": "UPS Ground", "type": "service"})
        env["delivery.carrier"].create(
            {
                "name": "UPS Ground",
                "product_id": ups.id,
                "delivery_type": "fixed",
                "amazon_carrier_code": "UPS",
            }
        )
        cls.sales_tour_user = new_test_user(
            env,
            login="amazon_tour_sales",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        cls.admin_tour_user = new_test_user(
            env,
            login="amazon_tour_admin",
            groups="sales_team.group_sale_manager,amazon_connector.group_amazon_manager,"
            "stock.group_stock_manager,account.group_account_manager,base.group_system",
        )

    def setUp(self):
        super().setUp()
        self.emulator.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US])

    def add_order(self, order_id, channel, items=(MUG, BOTTLE)):
        items = [{**item, "quantity": 1} for item in items]
        updated = fields.Datetime.now() - timedelta(hours=1)
        add_us_order(self.emulator, order_id, channel, items, updated)

    def ready_account(self):
        """The class's account, set up and synchronised once (as tour 1 leaves one)."""
        self.account.action_test_connection()
        self.account.action_prepare_first_sync()
        self.assertTrue(self.account.setup_ready, self.account.setup_missing)
        self.assertTrue(self.account._sync_orders())

    def tour(self, name, login):
        emulator = {
            "sellerId": SELLER,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "refreshToken": REFRESH_TOKEN,
            "apiEndpoint": self.emulator.url,
            "lwaEndpoint": self.emulator.lwa_url,
        }
        # the tour's steps are built as soon as Odoo checks it is ready: the emulator's
        # addresses are given there
        ready = f"(window.amazonTour = {json.dumps(emulator)}) && odoo.isTourReady({name!r})"
        self.start_tour("/odoo/sales", name, login=login, ready=ready, timeout=180)

    def test_1_an_administrator_connects_an_account_and_sees_its_orders(self):
        self.add_order("111-1000001-0000001", "fba")
        self.add_order("111-1000002-0000001", "fbm")
        self.tour("amazon_connector_first_setup", self.admin_tour_user.login)
        account = self.env["amazon.account"].search([("name", "=", "Tour shop")])
        self.assertTrue(account.setup_ready)
        self.assertTrue(account.fba_warehouse_id.is_amazon_fba)
        orders = self.env["sale.order"].search([("amazon_account_id", "=", account.id)])
        fba = orders.filtered(lambda o: o.amazon_channel == "fba")
        fbm = orders - fba
        self.assertEqual(fba.state, "sale")
        self.assertEqual(fba.picking_ids.state, "done")
        self.assertIn(fba.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(fbm.state, "draft")
        self.assertFalse(self.env["amazon.order.issue"].search([("account_id", "=", account.id)]))
        for name in ("account", "orders_list", "fba_order", "overview"):
            self.assertTrue((SCREENSHOTS / f"{name}.png").is_file(), name)

    def test_2_a_salesperson_ships_an_fbm_order_and_amazon_is_told(self):
        self.add_order("111-2000001-0000001", "fbm", items=(MUG,))
        self.ready_account()
        self.tour("amazon_connector_ship_fbm", self.sales_tour_user.login)
        sale = self.env["sale.order"].search([("amazon_order_ref", "=", "111-2000001-0000001")])
        picking = sale.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_shipment_state, "sent")
        (confirmation,) = self.emulator.shipments_for(SELLER, "111-2000001-0000001")
        self.assertEqual(confirmation["packageDetail"]["trackingNumber"], "1Z999AA10123456784")
        self.assertEqual(confirmation["packageDetail"]["carrierCode"], "UPS")

    def test_3_a_salesperson_maps_an_unknown_sku_and_the_order_arrives(self):
        self.add_order(
            "111-3000001-0000001",
            "fbm",
            items=({"sku": "LAMP-9", "asin": "B000LAMP09", "title": "Lamp", "unit_price": "30"},),
        )
        self.ready_account()
        issue = self.env["amazon.order.issue"].search(
            [("amazon_order_ref", "=", "111-3000001-0000001")]
        )
        self.assertEqual((issue.kind, issue.sku), ("product", "LAMP-9"))
        self.tour("amazon_connector_fix_issue", self.sales_tour_user.login)
        self.assertEqual(issue.state, "resolved")
        sale = self.env["sale.order"].search([("amazon_order_ref", "=", "111-3000001-0000001")])
        self.assertEqual(sale.order_line.product_id, self.lamp)
        offer = self.env["amazon.offer"].search([("sku", "=", "LAMP-9")])
        self.assertEqual(offer.product_id, self.lamp)

    def test_4_a_salesperson_never_sees_the_credentials(self):
        self.tour("amazon_connector_no_credentials", self.sales_tour_user.login)
