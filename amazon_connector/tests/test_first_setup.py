"""A new account on a plain database reaches a clean first sync through its form alone;
the overview's figures count the records they open."""

from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import (
    CLIENT_ID,
    CLIENT_SECRET,
    DE,
    REFRESH_TOKEN,
    SELLER,
    US,
    ClockedAmazonCase,
)
from .test_order_import import BOTTLE, MUG, OrderImportCase, add_us_order

PRODUCTS = {"type": "consu", "is_storable": True}


@tagged("post_install", "-at_install")
class TestFirstSetup(ClockedAmazonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the products the seller sells, known by their internal references (the SKUs)
        for values in (MUG, BOTTLE):
            cls.env["product.product"].create(
                {**PRODUCTS, "name": values["title"], "default_code": values["sku"]}
            )

    def setUp(self):
        super().setUp()
        # a seller of Amazon.com, as a US company on a plain database would be
        self.emulator.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US])

    def add_order(self, order_id, channel):
        items = [{**MUG, "quantity": 2}, {**BOTTLE, "quantity": 1}]
        add_us_order(self.emulator, order_id, channel, items, self.clock() - timedelta(hours=1))

    def new_account_form(self):
        form = Form(self.env["amazon.account"].with_user(self.amazon_admin))
        form.name = "My shop"
        form.region = "na"
        form.seller_id = SELLER
        form.lwa_client_id = CLIENT_ID
        form.lwa_client_secret = CLIENT_SECRET
        form.refresh_token = REFRESH_TOKEN
        form.api_endpoint = self.emulator.url
        form.lwa_endpoint = self.emulator.lwa_url
        return form.save()

    def test_a_new_account_reaches_a_clean_first_sync_through_its_form(self):
        self.add_order("111-0000001-0000001", "fba")
        self.add_order("111-0000002-0000001", "fbm")
        account = self.new_account_form()
        self.assertFalse(account.setup_ready)
        self.assertTrue(account.setup_needs_connection)
        self.assertTrue(account.setup_needs_fba_warehouse)
        self.assertTrue(account.setup_needs_journal)
        self.assertFalse(account.setup_needs_credentials)
        self.assertFalse(account.setup_needs_customers, "made with the account")
        with self.assertRaisesRegex(UserError, "FBA"):
            account.action_sync_orders()

        account.action_test_connection()
        account.action_prepare_first_sync()

        self.assertTrue(account.setup_ready, account.setup_missing)
        self.assertFalse(account.setup_proposed_taxes)
        warehouse = account.fba_warehouse_id
        self.assertTrue(warehouse.is_amazon_fba)
        self.assertEqual(warehouse.company_id, account.company_id)
        self.assertEqual(account.payment_journal_id.type, "bank")
        self.assertEqual(account.payment_journal_id.name, "Amazon")
        self.assertFalse(account.fbm_warehouse_id.is_amazon_fba)

        self.clock.advance(minutes=15)
        # as the scheduled job runs it (as the superuser), not as the administrator
        self.assertTrue(self.env["amazon.account"].browse(account.id)._sync_orders())
        self.env.flush_all()
        self.assertFalse(self.env["amazon.order.issue"].search([("account_id", "=", account.id)]))
        self.assertFalse(account.last_error)
        fba, fbm = (
            self.env["sale.order"].search(
                [("amazon_account_id", "=", account.id), ("amazon_channel", "=", channel)]
            )
            for channel in ("fba", "fbm")
        )
        self.assertEqual(fba.state, "sale")
        self.assertEqual(fba.picking_ids.state, "done")
        self.assertEqual(fba.picking_ids.picking_type_id.warehouse_id, warehouse)
        self.assertEqual(fba.invoice_ids.state, "posted")
        self.assertIn(fba.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(fbm.state, "draft")
        self.assertEqual(fbm.warehouse_id, account.fbm_warehouse_id)

    def test_the_setup_buttons_reuse_what_exists_and_never_duplicate(self):
        account = self.new_account_form()
        account.with_user(self.amazon_admin).action_prepare_first_sync()
        other = self.new_account_form()
        other.with_user(self.amazon_admin).action_prepare_first_sync()
        self.assertEqual(other.payment_journal_id, account.payment_journal_id)
        self.assertNotEqual(other.fba_warehouse_id, account.fba_warehouse_id)
        self.assertEqual(other.fba_warehouse_id.name, "Amazon FBA (My shop)")
        journal = account.payment_journal_id
        account.action_prepare_first_sync()
        self.assertEqual(account.payment_journal_id, journal)

    def test_a_marketplace_in_an_inactive_currency_is_listed_before_the_first_sync(self):
        self.emulator.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US, DE])
        euro = self.env.ref("base.EUR")
        euro.active = False
        account = self.new_account_form()
        account.action_test_connection()
        account.action_prepare_first_sync()
        self.assertEqual([step for step, _label in account._setup_steps()], ["currencies"])
        self.assertIn("EUR", account.setup_missing)
        self.assertFalse(account.setup_needs_pricelists, "proposed once the currency is active")
        with self.assertRaisesRegex(UserError, "EUR"):
            account.action_sync_orders()
        euro.active = True
        account.invalidate_recordset()
        self.assertTrue(account.setup_ready, account.setup_missing)
        self.assertTrue(account.setup_needs_pricelists)
        account.action_prepare_first_sync()
        self.assertFalse(account.setup_needs_pricelists)
        pricelists = self.env["product.pricelist"].search([("currency_id", "=", euro.id)])
        self.assertEqual(len(pricelists), 1)

    def test_a_salesperson_cannot_set_up_an_account(self):
        account = self.new_account_form()
        with self.assertRaises(UserError):
            account.with_user(self.salesman).action_setup_fba_warehouse()
        self.assertFalse(account.fba_warehouse_id)

    def test_domestic_marketplace_gets_the_company_sales_tax_proposed(self):
        company = self.env.company
        tax = self.env["account.tax"].create(
            {"name": "Sales tax 9%", "amount": 9, "type_tax_use": "sale", "company_id": company.id}
        )
        company.write({"account_sale_tax_id": tax.id, "country_id": self.env.ref("base.de").id})
        self.emulator.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US, DE])
        account = self.new_account_form()
        account.action_test_connection()
        self.assertEqual(account.setup_proposed_taxes, "Germany")
        account.with_user(self.amazon_admin).action_setup_taxes()
        german = account.marketplace_setting_ids.filtered(
            lambda s: s.marketplace_id.country_id.code == "DE"
        )
        self.assertEqual(german.tax_ids, tax)
        us = account.marketplace_setting_ids - german
        self.assertFalse(us.tax_ids, "Amazon collects the US sales tax")
        self.assertFalse(account.setup_proposed_taxes)


@tagged("post_install", "-at_install")
class TestOverview(OrderImportCase):
    def test_the_figures_count_the_records_they_open(self):
        now = self.clock().replace(tzinfo=None)
        late = self.add_order("fbm")
        past = {
            "earliestDateTime": "2026-01-01T00:00:00Z",
            "latestDateTime": "2026-01-02T00:00:00Z",
        }
        self.emulator.update_order(SELLER, late, fulfillment={"shipByWindow": past})
        on_time = self.add_order("fbm")
        self.add_order("fba")
        self.add_order(
            "fbm", items=[{"sku": "NOT-MAPPED", "asin": "B0", "title": "?", "unit_price": "5.00"}]
        )
        self.sync()
        orders = self.sales()
        self.assertEqual(len(orders), 3)
        # one of yesterday's orders: not of today
        yesterday = self.sales(on_time)
        self.env.cr.execute(
            "UPDATE sale_order SET create_date = %s WHERE id = %s",
            (now - timedelta(days=1, hours=1), yesterday.id),
        )
        yesterday.invalidate_recordset(["create_date"])
        self.sales(late).action_confirm()
        picking = self.sales(late).picking_ids
        picking.amazon_shipment_state = "error"
        offer = self.env["amazon.offer"].search([("account_id", "=", self.account.id)], limit=1)
        offer.amazon_export_state = "error"
        cron = self.env.ref("amazon_connector.ir_cron_amazon_export_offers")
        cron.write({"failure_count": 2, "first_failure_date": now})

        account = self.account
        account.invalidate_recordset()
        self.assertEqual(account.overview_orders_today, 2)
        self.assertEqual(account.overview_fbm_to_ship, 2)
        self.assertEqual(account.overview_fbm_late, 1)
        self.assertEqual(account.overview_shipment_errors, 1)
        self.assertEqual(account.overview_offer_errors, 1)
        self.assertEqual(account.issue_count, 1)
        self.assertEqual(account.overview_last_sync, account.orders_synced_until)
        self.assertIn(cron.name, account.overview_failing_jobs)

        expected = {
            "action_overview_orders_today": orders - yesterday,
            "action_overview_fbm_to_ship": self.sales(late, on_time),
            "action_overview_fbm_late": self.sales(late),
            "action_overview_shipment_errors": picking,
            "action_overview_offer_errors": offer,
        }
        for method, records in expected.items():
            action = getattr(account, method)()
            self.assertEqual(
                self.env[action["res_model"]].search(action["domain"]), records, method
            )
        self.assertLess(self.sales(late).amazon_ship_by, now)
        self.assertGreater(self.sales(on_time).amazon_ship_by, now)

    def test_an_incomplete_account_says_so_on_the_overview(self):
        self.account.payment_journal_id = False
        self.assertFalse(self.account.setup_ready)
        self.assertIn("journal", self.account.setup_missing)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.amazon_setup_count, 1)
        self.account.payment_journal_id = self.journal
        self.account.invalidate_recordset()
        self.assertTrue(self.account.setup_ready, self.account.setup_missing)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.amazon_setup_count, 0)
        self.assertEqual(settings.amazon_connected_count, 1)
