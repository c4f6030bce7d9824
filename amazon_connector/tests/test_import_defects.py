"""Paths where an Amazon order was imported wrongly, or one bad order stopped every run."""

from datetime import timedelta
from unittest import mock

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import CLIENT_ID, CLIENT_SECRET, DE, REFRESH_TOKEN, SELLER, US
from .test_order_import import ACCOUNT_LOGGER, BOTTLE, MUG, OrderImportCase

IMPORTER_LOGGER = "odoo.addons.amazon_connector.models.amazon_order_importer"
JP = "A1VC38T7YXB528"


@tagged("post_install", "-at_install")
class TestImportDefects(OrderImportCase):
    def issues(self, *refs):
        return self.env["amazon.order.issue"].search(
            [("account_id", "=", self.account.id), ("amazon_order_ref", "in", refs)]
        )

    def map_sku(self, sku, product):
        self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": sku, "product_id": product.id}
        )

    # 1. a held order follows Amazon's latest state

    def test_held_order_cancelled_on_amazon_is_never_imported(self):
        order_id = self.add_order("fbm", items=[{**MUG, "sku": "NEW-SKU"}])
        self.sync()
        issue = self.issues(order_id)
        self.assertEqual(issue.state, "open")
        self.clock.advance(minutes=1)
        self.emulator.cancel_order(SELLER, order_id)
        self.sync()
        self.assertEqual(issue.state, "cancelled")
        self.assertIn("CANCELLED", issue.sudo().payload)
        self.map_sku("NEW-SKU", self.mug)
        self.sync()
        issue.action_retry()
        self.assertFalse(self.sales(order_id))

    def test_held_order_keeps_amazons_newest_document(self):
        order_id = self.add_order("fbm", items=[{**MUG, "sku": "NEW-SKU"}])
        self.sync()
        self.clock.advance(minutes=1)
        self.emulator.update_order(
            SELLER, order_id, recipient={"deliveryAddress": {"addressLine1": "1 New Street"}}
        )
        self.sync()
        self.map_sku("NEW-SKU", self.mug)
        self.issues(order_id).action_retry()
        self.assertEqual(self.sales(order_id).partner_shipping_id.street, "1 New Street")

    # 2. archived offers

    def test_archived_offer_holds_its_orders_and_the_page_goes_on(self):
        self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": "MUG-1", "product_id": self.mug.id}
        ).active = False
        held = self.add_order("fbm")
        fine = self.add_order("fbm", items=[BOTTLE])
        for _run in range(2):
            self.assertTrue(self.sync())
            self.assertTrue(self.sales(fine))
            self.assertFalse(self.sales(held))
            self.assertIn("archived", self.issues(held).reason)
        offers = (
            self.env["amazon.offer"]
            .with_context(active_test=False)
            .search([("account_id", "=", self.account.id), ("sku", "=", "MUG-1")])
        )
        self.assertEqual(len(offers), 1)

    def test_offer_of_an_archived_product_holds_the_order(self):
        product = self.env["product.product"].create({"name": "Old mug", "type": "consu"})
        self.map_sku("OLD-MUG", product)
        product.active = False
        order_id = self.add_order("fbm", items=[{**MUG, "sku": "OLD-MUG"}])
        self.sync()
        self.assertFalse(self.sales(order_id))
        self.assertEqual(self.issues(order_id).kind, "product")

    # 3. failures confined to their order and their account

    def test_failing_look_up_is_confined_to_its_order(self):
        bad = self.add_order("fbm", address={**self.address(), "name": "Explodes Here"})
        good = self.add_order("fbm", items=[BOTTLE])
        partner_class = type(self.env["res.partner"])
        original = partner_class.create

        def create(records, vals_list):
            names = [
                v.get("name") for v in (vals_list if isinstance(vals_list, list) else [vals_list])
            ]
            if "Explodes Here" in names:
                raise ValueError("partner creation failed")
            return original(records, vals_list)

        with (
            mock.patch.object(partner_class, "create", create),
            self.assertLogs(IMPORTER_LOGGER, "WARNING"),
        ):
            self.assertTrue(self.sync())
        self.assertTrue(self.sales(good))
        self.assertFalse(self.sales(bad))
        self.assertEqual(self.issues(bad).kind, "other")

    def test_one_failing_account_does_not_stop_the_next(self):
        other = self.account.copy(
            {
                "name": "Second seller",
                "state": "connected",
                "lwa_client_id": CLIENT_ID,
                "lwa_client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "fba_warehouse_id": self.fba_warehouse.id,
                "payment_journal_id": self.journal.id,
                "marketplace_ids": [fields.Command.set(self.account.marketplace_ids.ids)],
            }
        )
        order_id = self.add_order("fbm")
        self.clock.advance(minutes=15)
        account_class = type(self.account)
        original = account_class._import_order_pages

        def import_pages(account, marketplace_ids):
            if account == self.account:
                raise RuntimeError("something unexpected")
            return original(account, marketplace_ids)

        with (
            mock.patch.object(account_class, "_import_order_pages", import_pages),
            self.assertLogs(ACCOUNT_LOGGER, "WARNING"),
        ):
            self.env["amazon.account"]._cron_sync_orders()
        self.assertEqual(self.account.state, "error")
        self.assertIn("something unexpected", self.account.last_error)
        imported = self.env["sale.order"].search([("amazon_account_id", "=", other.id)])
        self.assertEqual(imported.mapped("amazon_order_ref"), [order_id])

    # 4. Odoo is told what remains

    def test_commit_progress_is_told_when_pages_remain(self):
        for _index in range(150):
            self.add_order("fbm")
        self.sync()
        remaining = [call.kwargs.get("remaining") for call in self.commit_progress.call_args_list]
        # one commit between the two pages, saying more is to come; the last page is
        # committed with its window by the cron itself
        self.assertEqual(remaining, [1])

    # 5. a server clock a little ahead of Amazon's

    def test_clock_ahead_of_amazon_keeps_the_account_connected(self):
        order_id = self.add_order("fbm")
        skew = timedelta(seconds=30)
        with mock.patch.object(
            fields.Datetime,
            "now",
            staticmethod(lambda *a: (self.clock() + skew).replace(tzinfo=None)),
        ):
            self.clock.advance(minutes=15)
            self.assertTrue(self.account._sync_orders())
        self.assertTrue(self.sales(order_id))

    def test_window_too_recent_for_amazon_is_tried_later(self):
        skew = timedelta(minutes=2)
        with mock.patch.object(
            fields.Datetime,
            "now",
            staticmethod(lambda *a: (self.clock() + skew).replace(tzinfo=None)),
        ):
            self.clock.advance(minutes=15)
            self.assertFalse(self.account._sync_orders())
        self.assertEqual(self.account.state, "connected")
        self.assertIn("too recent", self.account.last_error)
        self.emulator.clear_contract_violations()  # the refused window was the point
        self.assertTrue(self.sync())

    # 6. an FBM order shipped before Odoo saw it

    def test_fbm_order_first_seen_shipped_is_not_shipped_again(self):
        order_id = self.add_order("fbm", status="SHIPPED")
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual(sale.state, "sale")
        picking = sale.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_shipment_state, "sent")
        self.assertEqual(sale.invoice_ids.state, "posted")
        self.assertIn("Shipped before the import", sale.activity_ids.mapped("summary"))
        self.env["stock.picking"]._cron_send_amazon_shipments()
        self.assertFalse(self.emulator.requests_for("confirmShipment"))

    def test_fbm_quotation_shipped_outside_odoo_gets_an_activity(self):
        order_id = self.add_order("fbm")
        self.sync()
        self.clock.advance(minutes=1)
        self.emulator.set_fulfillment_status(SELLER, order_id, "SHIPPED")
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual((sale.state, sale.amazon_status), ("draft", "SHIPPED"))
        self.assertIn("Shipped outside Odoo", sale.activity_ids.mapped("summary"))

    # 7. currencies and pricelists

    def test_inactive_currency_holds_the_account_until_activated(self):
        eur = self.env.ref("base.EUR")
        eur.active = False
        order_id = self.add_order("fba", marketplace=DE, items=[{**MUG, "unit_price": "17.99"}])
        self.assertFalse(self.sync())
        self.assertFalse(self.sales(order_id))
        self.assertFalse(self.issues(order_id), "the account says what it needs, once")
        self.assertIn("EUR", self.account.last_error)
        self.assertFalse(eur.active, "activated at a rate of 1.0 it would convert wrongly")
        eur.active = True
        self.assertTrue(self.sync())
        self.assertEqual(self.sales(order_id).currency_id, eur)

    def test_salesperson_retry_makes_no_pricelist(self):
        jpy = self.env.ref("base.JPY")
        jpy.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": jpy.id, "rate": 150.0, "company_id": self.company.id}
        )
        self.env["product.pricelist"].search([("currency_id", "=", jpy.id)]).active = False
        self.emulator.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US, DE, JP])
        self.account.marketplace_ids |= self.env["amazon.marketplace"].search(
            [("marketplace_id", "=", JP)]
        )
        order_id = self.add_order(
            "fbm",
            marketplace=JP,
            order_id="503-0000001-0000001",
            items=[{**MUG, "sku": "NEW-SKU", "unit_price": "1500"}],
            address={**self.address(), "countryCode": "JP", "stateOrRegion": "JP-13"},
        )
        self.sync()
        self.map_sku("NEW-SKU", self.mug)
        pricelists_before = self.env["product.pricelist"].search_count([])
        self.issues(order_id).with_user(self.salesman).action_retry()
        self.assertEqual(self.env["product.pricelist"].search_count([]), pricelists_before)
        issue = self.issues(order_id)
        self.assertEqual(issue.state, "open")
        self.assertIn("No pricelist in JPY", issue.reason)

    # 8. a salesperson's retry completes FBA orders

    def test_salesperson_retry_completes_and_pays_an_fba_order(self):
        salesperson = new_test_user(
            self.env,
            login="amazon_seller_only",
            groups="sales_team.group_sale_salesman,amazon_connector.group_amazon_user",
        )
        order_id = self.add_order("fba", items=[{**MUG, "sku": "NEW-SKU"}])
        self.sync()
        self.map_sku("NEW-SKU", self.mug)
        self.issues(order_id).with_user(salesperson).action_retry()
        sale = self.sales(order_id)
        self.assertEqual(sale.state, "sale")
        self.assertIn(sale.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertFalse(salesperson.has_group("account.group_account_invoice"))

    def address(self):
        return {
            "name": "Jane Doe",
            "addressLine1": "100 Pine Street",
            "city": "Seattle",
            "stateOrRegion": "WA",
            "postalCode": "98101",
            "countryCode": "US",
        }
