import json
from unittest import mock

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SELLER
from .test_order_import import ADDRESS_US, MUG, OrderImportCase

JANE = {"name": "Jane Doe", "email": "jane@example.com"}
BUYER_TRACES = ("Jane Doe", "100 Pine Street", "jane@example.com", "Seattle")
ADDON_LOGGER = "odoo.addons.amazon_connector"


@tagged("post_install", "-at_install")
class TestBuyerData(OrderImportCase):
    def anonymise(self):
        result = self.env["amazon.buyer.data"]._anonymise(self.account)
        self.env.flush_all()
        self.env.cr.precommit.run()  # what a commit of the batch would write (tracking)
        self.env.invalidate_all()
        return (result.orders, result.partners, result.issues)

    def later(self, days):
        self.clock.advance(days=days)

    def deliver(self, sale):
        """An FBM order processed the usual way: confirmed, its delivery validated now."""
        sale.action_confirm()
        picking = sale.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()
        return picking

    def partners_with_buyer_data(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        return Partner.search(
            [
                "|",
                "|",
                ("name", "ilike", "Jane Doe"),
                ("street", "!=", False),
                ("email", "=", JANE["email"]),
            ]
        ).filtered(lambda p: p.amazon_address_key or p.amazon_buyer or p.email == JANE["email"])

    # ------------------------------------------------------------------ orders and contacts

    def test_fba_contact_anonymised_after_the_retention_and_kept_before(self):
        order_id = self.add_order("fba", address={**ADDRESS_US, "phone": "+1 206 555 0100"})
        self.sync()
        sale = self.sales(order_id)
        contact = sale.partner_shipping_id
        self.assertEqual((contact.name, contact.street), ("Jane Doe", "100 Pine Street"))
        # a person corrects the phone: the contact's chatter tracks it
        contact.phone = "+1 206 555 0199"
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written when the transaction commits
        self.assertTrue(self._messages_of(contact))

        self.later(days=29)
        self.assertEqual(self.anonymise(), (0, 0, 0))
        self.assertEqual(contact.street, "100 Pine Street")
        self.assertFalse(sale.amazon_buyer_data_removal_date)

        self.later(days=2)
        self.assertEqual(self.anonymise(), (1, 1, 0))
        self.assertEqual(contact.name, "Amazon buyer")
        for name in ("street", "street2", "city", "phone", "email", "company_name"):
            self.assertFalse(contact[name], name)
        self.assertEqual(
            (contact.zip, contact.state_id.code, contact.country_id.code), ("98101", "WA", "US")
        )
        self.assertFalse(contact.amazon_address_key)
        self.assertTrue(sale.amazon_buyer_data_removal_date)
        # what accounting needs stays; deliveries and invoices show the anonymised contact
        self.assertEqual((sale.amazon_order_ref, sale.client_order_ref), (order_id, order_id))
        self.assertAlmostEqual(sale.amount_total, 19.99)
        self.assertEqual(sale.picking_ids.partner_id, contact)
        invoice = sale.invoice_ids
        self.assertEqual(invoice.partner_id, self.account.fba_partner_id)
        self.assertEqual(invoice.partner_shipping_id, contact)
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(self._messages_of(contact))
        tracked = self.env["mail.tracking.value"].sudo().search([])
        for trace in (*BUYER_TRACES, "555 0100", "555 0199"):
            self.assertFalse(
                tracked.filtered(lambda t, s=trace: s in f"{t.old_value_char}{t.new_value_char}")
            )
        self.assertFalse(self.partners_with_buyer_data())

        self.assertEqual(self.anonymise(), (0, 0, 0))  # done once
        self.assertEqual(contact.name, "Amazon buyer")

    def _messages_of(self, partner):
        return (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])
        )

    def test_fbm_order_kept_until_delivered_then_for_the_retention(self):
        order_id = self.add_order("fbm")
        self.sync()
        sale = self.sales(order_id)
        contact = sale.partner_shipping_id
        self.later(days=40)
        self.assertEqual(self.anonymise(), (0, 0, 0))  # not shipped yet: the address is needed
        picking = self.deliver(sale)
        self.assertEqual(picking.partner_id, contact)
        self.later(days=29)
        self.assertEqual(self.anonymise(), (0, 0, 0))
        self.later(days=2)
        self.assertEqual(self.anonymise(), (1, 1, 0))
        self.assertEqual((contact.name, contact.street), ("Amazon buyer", False))

    def test_open_backorder_keeps_the_address(self):
        order_id = self.add_order("fbm", items=[{**MUG, "quantity": 2}])
        self.sync()
        sale = self.sales(order_id)
        sale.action_confirm()
        picking = sale.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=False)._action_done()
        self.assertEqual(len(sale.picking_ids), 2)  # the rest is still to ship
        self.later(days=31)
        self.assertEqual(self.anonymise(), (0, 0, 0))
        self.assertEqual(sale.partner_shipping_id.street, "100 Pine Street")

    def test_cancelled_order_anonymised_after_its_cancellation(self):
        order_id = self.add_order("fbm")
        self.sync()
        self.later(days=10)
        self.emulator.cancel_order(SELLER, order_id)
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual(sale.state, "cancel")
        self.later(days=25)  # 35 days after the import, 25 after the cancellation
        self.assertEqual(self.anonymise(), (0, 0, 0))
        self.later(days=6)
        self.assertEqual(self.anonymise(), (1, 1, 0))
        self.assertEqual(sale.partner_shipping_id.name, "Amazon buyer")

    def test_address_still_used_by_a_recent_order_waits_for_it(self):
        first = self.add_order("fba")
        self.sync()
        self.later(days=20)
        second = self.add_order("fba")
        self.sync()
        contact = self.sales(first).partner_shipping_id
        self.assertEqual(self.sales(second).partner_shipping_id, contact)
        self.later(days=11)
        self.assertEqual(self.anonymise(), (1, 0, 0))
        self.assertTrue(self.sales(first).amazon_buyer_data_removal_date)
        self.assertEqual(contact.street, "100 Pine Street")  # the second order still needs it
        self.later(days=20)
        self.assertEqual(self.anonymise(), (1, 1, 0))
        self.assertEqual(contact.name, "Amazon buyer")
        # the next order of that buyer gets a contact of its own again
        third = self.add_order("fba")
        self.sync()
        new_contact = self.sales(third).partner_shipping_id
        self.assertNotEqual(new_contact, contact)
        self.assertEqual((new_contact.name, new_contact.street), ("Jane Doe", "100 Pine Street"))

    def test_retention_of_zero_days_anonymises_as_soon_as_delivered(self):
        self.account.buyer_data_retention_days = 0
        fba = self.add_order("fba")
        fbm = self.add_order("fbm", address={**ADDRESS_US, "addressLine1": "2 Oak Road"})
        self.sync()
        self.later(days=0.01)
        self.assertEqual(self.anonymise(), (1, 1, 0))
        self.assertEqual(self.sales(fba).partner_shipping_id.name, "Amazon buyer")
        self.assertEqual(self.sales(fbm).partner_shipping_id.street, "2 Oak Road")

    def test_retention_is_0_to_30_days(self):
        self.assertEqual(self.env["amazon.account"].new({}).buyer_data_retention_days, 30)
        for days in (31, -1):
            with (
                self.subTest(days=days),
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                self.account.buyer_data_retention_days = days
                self.env.flush_all()

    # ------------------------------------------------------------------ one customer per buyer

    def test_buyer_customer_anonymised_once_none_of_its_orders_is_kept(self):
        self.account.customer_mode = "buyer"
        first = self.add_order("fbm", buyer=JANE)
        second = self.add_order("fbm", buyer=JANE, address={**ADDRESS_US, "addressLine1": "9 Elm"})
        self.sync()
        buyer = self.sales(first).partner_id
        self.assertEqual((buyer.email, buyer.amazon_buyer), (JANE["email"], True))
        self.deliver(self.sales(first))
        invoice = self.sales(first)._create_invoices()
        invoice.action_post()
        self.later(days=10)
        self.deliver(self.sales(second))
        self.later(days=21)
        self.assertEqual(self.anonymise(), (1, 1, 0))  # the first order's delivery contact
        self.assertEqual((buyer.name, buyer.email), ("Jane Doe", JANE["email"]))
        self.later(days=10)
        self.assertEqual(self.anonymise(), (1, 2, 0))  # the buyer and the second's contact
        self.assertEqual(buyer.name, "Amazon buyer")
        self.assertFalse(buyer.email or buyer.phone)
        self.assertFalse(buyer.amazon_buyer)
        self.assertEqual(invoice.invoice_partner_display_name, "Amazon buyer")
        self.assertFalse(self.partners_with_buyer_data())
        # the buyer's next order makes a new customer: the anonymised one is not found again
        third = self.add_order("fbm", buyer=JANE)
        self.sync()
        self.assertNotEqual(self.sales(third).partner_id, buyer)
        self.assertEqual(self.sales(third).partner_id.email, JANE["email"])

    def test_existing_customer_matched_by_email_is_left_alone(self):
        self.account.customer_mode = "buyer"
        customer = self.env["res.partner"].create(
            {"name": "Jane Doe Consulting", "email": JANE["email"], "street": "1 Main St"}
        )
        order_id = self.add_order("fba", buyer=JANE)
        self.add_order("fbm", buyer=JANE)  # the FBM order gives Amazon's e-mail
        self.sync()
        self.deliver(self.sales().filtered(lambda s: s.amazon_channel == "fbm"))
        self.later(days=31)
        self.anonymise()
        self.assertTrue(self.sales(order_id).amazon_buyer_data_removal_date)
        self.assertEqual(
            (customer.name, customer.email, customer.street),
            ("Jane Doe Consulting", JANE["email"], "1 Main St"),
        )

    # ------------------------------------------------------------------ import issues

    def issue(self, order_id):
        return (
            self.env["amazon.order.issue"]
            .sudo()
            .search([("account_id", "=", self.account.id), ("amazon_order_ref", "=", order_id)])
        )

    def test_issue_documents_lose_their_buyer_data_after_the_retention(self):
        hidden = {**ADDRESS_US, "addressLine1": "5 Hidden Way"}
        held = self.add_order("fbm", buyer=JANE, address=hidden, items=[{**MUG, "sku": "NEW-SKU"}])
        resolved = self.add_order("fbm", buyer=JANE, items=[{**MUG, "sku": "LATER-SKU"}])
        self.sync()
        self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": "LATER-SKU", "product_id": self.mug.id}
        )
        self.sync()
        self.assertEqual(self.issue(resolved).state, "resolved")
        self.assertIn("Jane Doe", self.issue(held).payload)
        Partner = self.env["res.partner"].with_context(active_test=False)
        self.assertTrue(Partner.search([("street", "=", "5 Hidden Way")]))  # made for it

        self.later(days=29)
        self.assertEqual(self.anonymise(), (0, 0, 0))
        self.assertIn("Jane Doe", self.issue(held).payload)

        self.later(days=2)
        _orders, _partners, issues = self.anonymise()
        self.assertEqual(issues, 2)
        document = json.loads(self.issue(held).payload)
        for trace in (*BUYER_TRACES, "5 Hidden Way"):
            self.assertNotIn(trace, self.issue(held).payload)
        self.assertNotIn("buyer", document)
        self.assertEqual(
            document["recipient"],
            {
                "deliveryAddress": {
                    "countryCode": "US",
                    "stateOrRegion": "WA",
                    "postalCode": "98101",
                    "addressType": "RESIDENTIAL",
                }
            },
        )
        self.assertEqual(document["orderId"], held)
        self.assertFalse(self.issue(resolved).payload)
        # the contact made for the held order (never used by an order) went too
        self.assertFalse(Partner.search([("street", "=", "5 Hidden Way")]))
        self.assertEqual(self.anonymise()[2], 0)  # an issue already stripped stays as it is

        # what is left still imports once the SKU is known, without the buyer's data
        self.env["amazon.offer"].create(
            {"account_id": self.account.id, "sku": "NEW-SKU", "product_id": self.mug.id}
        )
        self.issue(held).action_retry()
        sale = self.sales(held)
        self.assertEqual(sale.partner_id, self.account.fbm_partner_id)
        self.assertEqual(
            (sale.partner_shipping_id.zip, sale.partner_shipping_id.street), ("98101", False)
        )

    # ------------------------------------------------------------------ never in logs

    def test_full_import_logs_no_buyer_data_and_issue_detail_is_for_administrators(self):
        buyers = [
            ({"name": "Jane Doe", "email": "jane@example.com"}, ADDRESS_US),
            (
                {"name": "Erika Mustermann", "email": "erika@example.com"},
                {**ADDRESS_US, "name": "Erika Mustermann", "addressLine1": "7 Birch Lane"},
            ),
            (
                {"name": "John Roe", "email": "john@example.com"},
                {**ADDRESS_US, "name": "John Roe", "addressLine1": "12 Cedar Court"},
            ),
        ]
        ids = [
            self.add_order(channel, buyer=buyer, address=address)
            for channel in ("fba", "fbm")
            for buyer, address in buyers
        ]
        failing = ids[1]
        importer = type(self.env["amazon.order.importer"])
        original = importer._complete_fba

        def fail_on_erika(this, account, sales):
            if any(sale.amazon_order_ref == failing for sale in sales):
                raise ValueError("bad Erika Mustermann 7 Birch Lane erika@example.com")
            return original(this, account, sales)

        with (
            mock.patch.object(importer, "_complete_fba", fail_on_erika),
            self.assertLogs(ADDON_LOGGER, "DEBUG") as addon_logs,
        ):
            self.sync()
        self.assertEqual(len(self.sales()), 5)
        records = addon_logs.records
        logged = "\n".join([*addon_logs.output, *(str(r.__dict__) for r in records)])
        for secret in (
            *("Jane Doe", "100 Pine Street", "jane@example.com"),
            *("Erika Mustermann", "7 Birch Lane", "erika@example.com"),
            *("John Roe", "12 Cedar Court", "john@example.com"),
            "odoo-test-refresh-token",
        ):
            self.assertNotIn(secret, logged)
        failure = [r for r in addon_logs.records if failing in r.getMessage()]
        self.assertIn("ValueError", failure[0].getMessage())

        issue = self.issue(failing)
        self.assertEqual(issue.kind, "other")
        self.assertIn("ValueError", issue.reason)
        for trace in ("Erika", "Birch", "erika@example.com"):
            self.assertNotIn(trace, issue.reason)
        self.assertIn("bad Erika Mustermann 7 Birch Lane", issue.detail)
        as_salesman = issue.with_user(self.salesman).sudo(False)
        self.assertEqual(as_salesman.reason, issue.reason)
        with self.assertRaises(AccessError):
            as_salesman.read(["detail"])
        self.assertIn("Erika", issue.with_user(self.amazon_admin).detail)

    # ------------------------------------------------------------------ the scheduled job

    def test_daily_cron_anonymises_every_account_archived_ones_too(self):
        order_id = self.add_order("fba")
        self.sync()
        self.account.active = False
        self.later(days=31)
        cron = self.env.ref("amazon_connector.ir_cron_amazon_anonymise_buyer_data")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        cron.ir_actions_server_id.run()
        self.assertEqual(self.sales(order_id).partner_shipping_id.name, "Amazon buyer")
        self.commit_progress.assert_called_with(1, remaining=0)
