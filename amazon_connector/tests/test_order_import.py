from datetime import datetime, timedelta
from unittest import mock

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..amazon_sp import SHARED_RATE_LIMITER
from .common import (
    CLIENT_ID,
    CLIENT_SECRET,
    DE,
    REFRESH_TOKEN,
    SELLER,
    US,
    ClockedAmazonCase,
    import_emulator_module,
)

ACCOUNT_LOGGER = "odoo.addons.amazon_connector.models.amazon_account"

ADDRESS_US = {
    "name": "Jane Doe",
    "addressLine1": "100 Pine Street",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
}
ADDRESS_DE = {
    "name": "Erika Mustermann",
    "addressLine1": "Invalidenstr. 1",
    "city": "Berlin",
    "postalCode": "10115",
    "countryCode": "DE",
}
MUG = {"sku": "MUG-1", "asin": "B000MUG001", "title": "Mug", "unit_price": "19.99"}
BOTTLE = {"sku": "BOTTLE-1", "asin": "B000BTL001", "title": "Bottle", "unit_price": "10.00"}


def add_us_order(emulator, order_id, channel, items, updated):
    """An Amazon.com order of the test seller (FBA shipped, FBM unshipped), last changed at
    `updated`, an hour after it was placed."""
    emulator.add_order(
        SELLER,
        import_emulator_module().make_order(
            order_id,
            US,
            fulfilled_by="AMAZON" if channel == "fba" else "MERCHANT",
            status="SHIPPED" if channel == "fba" else "UNSHIPPED",
            items=list(items),
            address=ADDRESS_US,
            buyer={"name": "Jane Doe", "email": "jane@example.com"},
            created=updated - timedelta(hours=1),
            updated=updated,
        ),
    )


class OrderImportCase(ClockedAmazonCase):
    """An account ready to import: marketplaces, warehouses, journal, products; Odoo and
    the emulator share a clock the test moves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.ref("base.EUR").active = True
        cls.fba_warehouse = env["stock.warehouse"].create(
            {"name": "Amazon FBA", "code": "AFBA", "is_amazon_fba": True}
        )
        cls.journal = env["account.journal"].create(
            {"name": "Amazon", "code": "AMZN", "type": "bank"}
        )
        product_values = {"type": "consu", "is_storable": True, "taxes_id": [(5, 0, 0)]}
        cls.mug = env["product.product"].create(
            {**product_values, "name": "Mug", "default_code": "MUG-1"}
        )
        cls.bottle = env["product.product"].create(
            {**product_values, "name": "Bottle", "default_code": "BOTTLE-1"}
        )
        cls.account.write(
            {
                "state": "connected",
                "fba_warehouse_id": cls.fba_warehouse.id,
                "payment_journal_id": cls.journal.id,
                "marketplace_ids": [
                    fields.Command.set(
                        env["amazon.marketplace"].search([("marketplace_id", "in", [US, DE])]).ids
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.make_order = import_emulator_module().make_order
        self.order_count = 0

    def add_order(self, channel="fba", status=None, items=(MUG,), marketplace=US, **values):
        self.order_count += 1
        prefix = "111" if marketplace == US else "302"
        order_id = values.pop("order_id", f"{prefix}-{self.order_count:07d}-0000001")
        updated = values.pop("updated", self.clock() - timedelta(hours=1))
        order = self.make_order(
            order_id,
            marketplace,
            fulfilled_by="AMAZON" if channel == "fba" else "MERCHANT",
            status=status or ("SHIPPED" if channel == "fba" else "UNSHIPPED"),
            items=[{"quantity": 1, **item} for item in items],
            address=values.pop("address", ADDRESS_US if marketplace == US else ADDRESS_DE),
            buyer=values.pop("buyer", {"name": "Jane Doe", "email": "jane@example.com"}),
            created=updated - timedelta(hours=1),
            updated=updated,
            **values,
        )
        self.emulator.add_order(SELLER, order)
        return order_id

    def sync(self, advance_minutes=15):
        """One scheduled run, `advance_minutes` after the previous moment."""
        self.clock.advance(minutes=advance_minutes)
        result = self.account._sync_orders()
        self.env.flush_all()
        return result

    def sales(self, *order_ids):
        domain = [("amazon_account_id", "=", self.account.id)]
        if order_ids:
            domain.append(("amazon_order_ref", "in", order_ids))
        return self.env["sale.order"].search(domain)

    def quantity_at(self, product, warehouse):
        return sum(
            self.env["stock.quant"]
            .search(
                [
                    ("product_id", "=", product.id),
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                ]
            )
            .mapped("quantity")
        )


@tagged("post_install", "-at_install")
class TestFbaImport(OrderImportCase):
    def test_fba_order_is_completed_invoiced_and_paid(self):
        order_id = self.add_order(
            "fba",
            items=[{**MUG, "quantity": 2, "shipping_price": "4.99"}, BOTTLE],
        )
        self.assertTrue(self.sync())
        sale = self.sales(order_id)
        self.assertEqual(len(sale), 1)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.partner_id, self.account.fba_partner_id)
        self.assertEqual(sale.partner_shipping_id.parent_id, self.account.fba_partner_id)
        self.assertEqual(sale.partner_shipping_id.street, "100 Pine Street")
        self.assertEqual(sale.partner_shipping_id.state_id.code, "WA")
        self.assertEqual(sale.client_order_ref, order_id)
        amazon_order = self.emulator.get_stored_order(SELLER, order_id)
        placed = datetime.fromisoformat(amazon_order["createdTime"].replace("Z", "+00:00"))
        self.assertEqual(sale.date_order, placed.replace(tzinfo=None))
        self.assertEqual(sale.warehouse_id, self.fba_warehouse)
        self.assertEqual((sale.amazon_channel, sale.amazon_status), ("fba", "SHIPPED"))
        self.assertEqual(sale.amazon_marketplace_id.marketplace_id, US)
        self.assertEqual(sale.currency_id.name, "USD")
        # 2 x 19.99 + 10.00 + 4.99 shipping
        self.assertAlmostEqual(sale.amazon_total, 54.97)
        self.assertAlmostEqual(sale.amount_total, 54.97)
        self.assertFalse(sale.amazon_total_mismatch)
        mug_line = sale.order_line.filtered(lambda line: line.product_id == self.mug)
        self.assertEqual((mug_line.product_uom_qty, mug_line.qty_delivered), (2, 2))
        self.assertTrue(mug_line.amazon_order_item_id)
        # delivered from the FBA warehouse: its stock went down (negative: not counted)
        picking = sale.picking_ids
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.picking_type_id.warehouse_id, self.fba_warehouse)
        self.assertEqual(picking.amazon_order_ref, order_id)
        self.assertEqual(self.quantity_at(self.mug, self.fba_warehouse), -2)
        self.assertEqual(self.quantity_at(self.bottle, self.fba_warehouse), -1)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(invoice.amount_total, 54.97)
        self.assertEqual(invoice.amazon_order_ref, order_id)
        self.assertEqual(invoice.amazon_account_id, self.account)
        payment = self.env["account.payment"].search([("invoice_ids", "in", invoice.ids)])
        self.assertEqual(payment.journal_id, self.journal)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "account.move")]))
        self.assertContractClean()

    def test_delivery_slip_shows_the_amazon_order(self):
        order_id = self.add_order("fba")
        self.sync()
        picking = self.sales(order_id).picking_ids
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "stock.report_deliveryslip", picking.ids
        )
        # the addon's block, not the customer reference Odoo may print on its own
        block = html.decode().split('name="div_amazon_order"', 1)
        self.assertEqual(len(block), 2, "the delivery slip has no Amazon order block")
        self.assertIn("Amazon Order", block[1][:400])
        self.assertIn(order_id, block[1][:400])

    def test_shipping_gift_wrap_and_promotion_lines(self):
        order_id = self.add_order(
            "fbm",
            items=[
                {
                    **MUG,
                    "quantity": 2,
                    "shipping_price": "4.99",
                    "gift_wrap_price": "2.00",
                    "promotion_discount": "3.00",
                }
            ],
        )
        self.sync()
        sale = self.sales(order_id)
        by_product = {line.product_id: line for line in sale.order_line}
        account = self.account
        self.assertEqual(
            set(by_product),
            {
                self.mug,
                account.shipping_product_id,
                account.gift_wrap_product_id,
                account.discount_product_id,
            },
        )
        self.assertAlmostEqual(by_product[account.shipping_product_id].price_total, 4.99)
        self.assertAlmostEqual(by_product[account.gift_wrap_product_id].price_total, 2.00)
        self.assertAlmostEqual(by_product[account.discount_product_id].price_total, -3.00)
        self.assertAlmostEqual(sale.amount_total, 2 * 19.99 + 4.99 + 2.00 - 3.00)
        self.assertFalse(sale.amazon_total_mismatch)

    def test_fba_payment_can_wait_for_the_settlement(self):
        self.account.fba_register_payment = False
        order_id = self.add_order("fba")
        self.sync()
        invoice = self.sales(order_id).invoice_ids
        self.assertEqual((invoice.state, invoice.payment_state), ("posted", "not_paid"))

    def test_fba_order_waits_until_shipped(self):
        order_id = self.add_order("fba", status="UNSHIPPED")
        self.sync()
        self.assertFalse(self.sales(order_id))
        self.emulator.set_fulfillment_status(SELLER, order_id, "SHIPPED")
        self.sync()
        self.assertEqual(self.sales(order_id).state, "sale")


@tagged("post_install", "-at_install")
class TestFbmImport(OrderImportCase):
    def test_fbm_order_is_a_draft_in_the_fbm_warehouse(self):
        order_id = self.add_order("fbm", items=[{**MUG, "shipping_price": "4.99"}])
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual(sale.state, "draft")
        self.assertEqual(sale.warehouse_id, self.account.fbm_warehouse_id)
        self.assertEqual(sale.partner_id, self.account.fbm_partner_id)
        self.assertEqual(sale.partner_shipping_id.name, "Jane Doe")
        self.assertEqual(sale.partner_shipping_id.type, "delivery")
        self.assertEqual((sale.amazon_channel, sale.amazon_status), ("fbm", "UNSHIPPED"))
        self.assertAlmostEqual(sale.amount_total, 24.98)
        self.assertFalse(sale.picking_ids)
        self.assertFalse(sale.invoice_ids)

    def test_fbm_payment_registered_when_invoice_is_posted(self):
        order_id = self.add_order("fbm")
        self.sync()
        sale = self.sales(order_id)
        sale.action_confirm()
        picking = sale.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        invoice = sale._create_invoices()
        invoice.action_post()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_rerun_fetches_the_same_orders_and_creates_nothing(self):
        # changed 5 minutes ago: inside the first window, and again inside the second one
        # (each window starts 10 minutes before the previous end)
        changed = self.clock() + timedelta(minutes=10)
        ids = [
            self.add_order("fbm", items=[MUG if n % 2 else BOTTLE], updated=changed)
            for n in range(130)
        ]
        self.clock.set(changed + timedelta(minutes=5))
        self.sync(advance_minutes=0)
        self.assertEqual(len(self.sales()), 130)
        self.emulator.clear_requests()
        self.sync(advance_minutes=5)
        served = [
            order["orderId"]
            for request in self.emulator.requests_for("searchOrders")
            for order in request.response_json["orders"]
        ]
        self.assertEqual(len(self.emulator.requests_for("searchOrders")), 2)  # two pages again
        self.assertEqual(sorted(served), sorted(ids))
        self.assertEqual(len(self.sales()), 130)
        self.assertEqual(len(self.sales().partner_shipping_id), 1)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("parent_id", "=", self.account.fbm_partner_id.id), ("type", "=", "delivery")]
            ),
            1,
        )

    def test_pending_order_arrives_once_paid(self):
        order_id = self.add_order("fbm", status="PENDING")
        self.sync()
        self.assertFalse(self.sales(order_id))
        self.clock.advance(minutes=1)
        self.emulator.set_fulfillment_status(SELLER, order_id, "UNSHIPPED")
        self.sync()
        self.assertEqual(self.sales(order_id).state, "draft")

    def test_cancelled_on_amazon_cancels_the_draft(self):
        order_id = self.add_order("fbm")
        self.sync()
        self.clock.advance(minutes=1)
        self.emulator.cancel_order(SELLER, order_id)
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual((sale.state, sale.amazon_status), ("cancel", "CANCELLED"))

    def test_items_cancelled_on_amazon_leave_the_quotation(self):
        order_id = self.add_order("fbm", items=[{**MUG, "quantity": 2}, BOTTLE])
        self.sync()
        self.assertEqual(len(self.sales(order_id).order_line), 2)
        self.clock.advance(minutes=1)
        self.emulator.cancel_items(SELLER, order_id, ["BOTTLE-1"])
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual((sale.state, sale.amazon_status), ("draft", "UNSHIPPED"))
        self.assertEqual(sale.order_line.product_id, self.mug)
        self.assertEqual(sale.order_line.product_uom_qty, 2)

    def test_items_cancelled_before_the_import_are_not_sold(self):
        order_id = self.add_order("fbm", items=[MUG, BOTTLE])
        self.emulator.cancel_items(SELLER, order_id, ["MUG-1"])
        self.sync()
        self.assertEqual(self.sales(order_id).order_line.product_id, self.bottle)

    def test_cancelled_after_shipping_is_flagged_for_a_person(self):
        order_id = self.add_order("fba")
        self.sync()
        self.clock.advance(minutes=1)
        self.emulator.cancel_order(SELLER, order_id)
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.amazon_status, "CANCELLED")
        self.assertIn("Cancelled on Amazon", sale.activity_ids.mapped("summary"))

    def test_one_customer_per_buyer(self):
        self.account.customer_mode = "buyer"
        first = self.add_order("fbm", buyer={"name": "Jane Doe", "email": "jane@example.com"})
        second = self.add_order("fbm", buyer={"name": "Jane Doe", "email": "jane@example.com"})
        third = self.add_order("fbm", buyer={"name": "John Roe", "email": "john@example.com"})
        self.sync()
        self.assertEqual(self.sales(first).partner_id, self.sales(second).partner_id)
        self.assertEqual(self.sales(first).partner_id.email, "jane@example.com")
        self.assertEqual(self.sales(third).partner_id.email, "john@example.com")
        self.assertEqual(self.sales(first).partner_shipping_id.parent_id.email, "jane@example.com")


@tagged("post_install", "-at_install")
class TestImportIssues(OrderImportCase):
    def issues(self, *refs):
        return self.env["amazon.order.issue"].search(
            [("account_id", "=", self.account.id), ("amazon_order_ref", "in", refs)]
        )

    def test_unknown_sku_held_then_imported_after_mapping(self):
        order_id = self.add_order("fbm", items=[{**MUG, "sku": "NEW-SKU"}])
        ok_id = self.add_order("fbm")
        self.sync()
        self.assertFalse(self.sales(order_id))
        self.assertTrue(self.sales(ok_id))
        issue = self.issues(order_id)
        self.assertEqual((issue.state, issue.kind), ("open", "product"))
        self.assertIn("NEW-SKU", issue.reason)
        self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": "NEW-SKU", "product_id": self.mug.id}
        )
        self.sync()  # open issues are retried at the end of each run
        self.assertEqual(self.sales(order_id).order_line.product_id, self.mug)
        self.assertEqual((issue.state, issue.sale_order_id), ("resolved", self.sales(order_id)))

    def test_sku_found_by_internal_reference_creates_the_offer(self):
        order_id = self.add_order("fbm", items=[BOTTLE])
        self.sync()
        self.assertTrue(self.sales(order_id))
        offer = self.env["amazon.offer"].search(
            [("account_id", "=", self.account.id), ("sku", "=", "BOTTLE-1")]
        )
        self.assertEqual((offer.product_id, offer.fulfillment_channel), (self.bottle, "fbm"))
        self.assertEqual(offer.asin, "B000BTL001")

    def test_malformed_order_is_held_and_the_rest_imported(self):
        bad_currency = self.add_order("fbm")
        self.emulator.update_order(
            SELLER, bad_currency, proceeds={"grandTotal": {"currencyCode": "EUR"}}
        )
        bad_channel = self.add_order("fbm", order_id="111-0000099-0000001")
        self.emulator.update_order(SELLER, bad_channel, fulfillment={"fulfilledBy": "SOMEONE"})
        good = self.add_order("fbm")
        self.clock.advance(minutes=1)
        self.sync()
        self.assertTrue(self.sales(good))
        self.assertFalse(self.sales(bad_currency, bad_channel))
        self.assertEqual(set(self.issues(bad_currency, bad_channel).mapped("kind")), {"document"})

    def test_unknown_country_is_an_issue(self):
        order_id = self.add_order("fbm", address={**ADDRESS_US, "countryCode": "XX"})
        self.sync()
        self.assertFalse(self.sales(order_id))
        self.assertEqual(self.issues(order_id).kind, "address")

    def test_incomplete_account_waits_then_imports(self):
        """An account missing its payment journal leaves the orders on Amazon (no import
        issue per order) and says what it needs; once completed, the next run imports."""
        self.account.payment_journal_id = False
        order_id = self.add_order("fba")
        self.assertFalse(self.sync())
        self.assertFalse(self.sales(order_id))
        self.assertFalse(self.issues(order_id))
        self.assertIn("journal", self.account.last_error)
        self.assertFalse(self.account.orders_synced_until)
        with self.assertRaisesRegex(UserError, "journal"):
            self.account.action_sync_orders()
        self.account.payment_journal_id = self.journal
        self.assertTrue(self.sync())
        self.assertEqual(self.sales(order_id).invoice_ids.state, "posted")
        self.assertFalse(self.issues(order_id))


@tagged("post_install", "-at_install")
class TestImportResilience(OrderImportCase):
    def test_throttled_in_the_middle_of_the_pages_loses_nothing(self):
        ids = [self.add_order("fbm") for _ in range(230)]
        # first page served, then Amazon throttles for longer than the client waits
        self.emulator.inject_fault("throttle", operation="searchOrders", after=1, rate=0.0056)
        with self.assertLogs(ACCOUNT_LOGGER, "WARNING"):
            self.assertFalse(self.sync())
        self.assertEqual(len(self.sales()), 100)
        self.assertTrue(self.account.orders_page_token)
        self.assertIn("Throttled", self.account.last_error)
        self.assertEqual(self.account.state, "connected")
        cron = self.env.ref("amazon_connector.ir_cron_amazon_sync_orders")
        later = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", cron.id), ("call_at", ">", fields.Datetime.now())]
        )
        self.assertTrue(later)
        SHARED_RATE_LIMITER.reset()  # the next run comes once Amazon's wait is over
        self.assertTrue(self.sync())
        self.assertEqual(sorted(self.sales().mapped("amazon_order_ref")), sorted(ids))
        self.assertFalse(self.account.orders_page_token)
        self.assertContractClean()

    def test_crash_after_some_orders_then_rerun_imports_each_once(self):
        ids = [self.add_order("fba") for _ in range(6)]
        importer = type(self.env["amazon.order.importer"])
        original = importer._complete_fba

        def crash_on_third(this, account, sales):
            if any(sale.amazon_order_ref == ids[2] for sale in sales):
                raise KeyboardInterrupt("worker killed")
            return original(this, account, sales)

        with (
            mock.patch.object(importer, "_complete_fba", crash_on_third),
            self.assertRaises(KeyboardInterrupt),
            self.env.cr.savepoint(),
        ):
            self.sync()
        self.env.invalidate_all()
        self.assertFalse(self.sales())  # the page's transaction never committed
        self.sync()
        sales = self.sales()
        self.assertEqual(sorted(sales.mapped("amazon_order_ref")), sorted(ids))
        self.assertEqual(len(sales.invoice_ids), 6)
        self.assertEqual(set(sales.mapped("state")), {"sale"})

    def test_two_marketplaces_two_currencies(self):
        us = self.add_order("fba", marketplace=US)
        de = self.add_order("fba", marketplace=DE, items=[{**MUG, "unit_price": "17.99"}])
        self.sync()
        self.assertEqual(self.sales(us).currency_id.name, "USD")
        self.assertEqual(self.sales(de).currency_id.name, "EUR")
        self.assertEqual(self.sales(de).invoice_ids.currency_id.name, "EUR")
        self.assertAlmostEqual(self.sales(de).amount_total, 17.99)
        self.assertEqual(self.sales(de).amazon_marketplace_id.marketplace_id, DE)
        request = self.emulator.requests_for("searchOrders")[0]
        self.assertEqual(set(request.query["marketplaceIds"][0].split(",")), {US, DE})

    def test_window_and_cursor(self):
        self.sync()
        first_end = self.account.orders_synced_until
        # 3 minutes: Amazon's 2-minute minimum and a margin for clocks that differ
        self.assertEqual(first_end, (self.clock() - timedelta(minutes=3)).replace(tzinfo=None))
        self.sync()
        query = self.emulator.requests_for("searchOrders")[-1].query
        after = datetime.fromisoformat(query["lastUpdatedAfter"][0].replace("Z", "+00:00"))
        self.assertEqual(after.replace(tzinfo=None), first_end - timedelta(minutes=10))
        self.assertEqual(
            set(query["fulfillmentStatuses"][0].split(",")),
            {"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED"},
        )

    def test_cron_imports_every_connected_account(self):
        order_id = self.add_order("fbm")
        self.clock.advance(minutes=15)
        self.env["amazon.account"]._cron_sync_orders()
        self.assertTrue(self.sales(order_id))
        self.assertTrue(self.commit_progress.called)

    def test_concurrent_worker_skips_a_locked_account(self):
        """Two real database connections on a committed account: while one worker holds the
        account, the other skips it (no request to Amazon), and takes it once released."""
        registry = self.env.registry
        with registry.cursor() as cr:
            account = api.Environment(cr, SUPERUSER_ID, {})["amazon.account"].create(
                {
                    "name": "Committed seller",
                    "state": "connected",
                    "seller_id": SELLER,
                    "lwa_client_id": CLIENT_ID,
                    "lwa_client_secret": CLIENT_SECRET,
                    "refresh_token": REFRESH_TOKEN,
                    "api_endpoint": self.emulator.url,
                    "lwa_endpoint": self.emulator.lwa_url,
                    "marketplace_ids": [fields.Command.set(self.account.marketplace_ids.ids)],
                }
            )
            account_id = account.id
            partner_ids = (account.fba_partner_id | account.fbm_partner_id).ids
        self.addCleanup(self._drop_committed, account_id, partner_ids)
        self.add_order("fbm")
        with registry.cursor() as first, registry.cursor() as second:
            # a broken lock would wait for the first worker: fail instead of hanging
            second.execute("SET LOCAL lock_timeout = '2s'")
            worker = api.Environment(first, SUPERUSER_ID, {})["amazon.account"].browse(account_id)
            other = api.Environment(second, SUPERUSER_ID, {})["amazon.account"].browse(account_id)
            self.assertTrue(worker._lock_for_sync())
            self.assertFalse(other._sync_orders())
            self.assertEqual(other.state, "connected")
            self.assertFalse(self.emulator.requests_for("searchOrders"))
            first.rollback()  # the first worker is done
            self.assertTrue(other._lock_for_sync())
            second.rollback()

    def _drop_committed(self, account_id, partner_ids):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["amazon.account"].browse(account_id).unlink()
            env["res.partner"].browse(partner_ids).unlink()
