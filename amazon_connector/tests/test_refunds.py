"""Refunds both ways: Amazon's refunds booked as credit notes (once each, settled as the
order was, FBM units returned), and refunds and cancellations decided in Odoo sent to Amazon
through the XML order feeds, Amazon's answer read back."""

from datetime import timedelta
from decimal import Decimal

from odoo.tests import tagged

from .common import DE, SELLER, US
from .test_order_import import BOTTLE, MUG, OrderImportCase

IMPORTER_LOGGER = "odoo.addons.amazon_connector.models.amazon_refund_importer"


def amazon_refund_cost(refund):
    """What an emulator refund costs the seller: minus Amazon's charge, promotion and
    withheld tax amounts (Amazon signs them from the seller's account)."""
    total = Decimal(0)
    for item in refund["items"]:
        total -= sum(item["charges"].values(), Decimal(0))
        total -= sum((p["amount"] for p in item["promotions"]), Decimal(0))
        total -= sum(item["taxes_withheld"].values(), Decimal(0))
    return float(total)


class RefundCase(OrderImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stock = cls.account.fbm_warehouse_id.lot_stock_id
        for product in (cls.mug, cls.bottle):
            cls.env["stock.quant"]._update_available_quantity(product, stock, 20)
        cls.account.fbm_register_payment = True

    def import_refunds(self, advance_minutes=60):
        self.clock.advance(minutes=advance_minutes)
        self.assertTrue(self.account._import_refunds(), self.account.last_error)
        self.env.flush_all()

    def send_order_feeds(self):
        """Runs of the feed job until Amazon answered every feed sent."""
        for _run in range(4):
            self.clock.advance(minutes=3)
            self.assertTrue(self.account._send_order_feeds(), self.account.last_error)
            submitted = self.env["amazon.feed"].search(
                [("account_id", "=", self.account.id), ("state", "=", "submitted")]
            )
            if not submitted:
                return
        self.fail("a feed was never processed")

    def credit_notes(self, order_id):
        return self.env["account.move"].search(
            [
                ("move_type", "=", "out_refund"),
                ("amazon_account_id", "=", self.account.id),
                ("amazon_order_ref", "=", order_id),
            ]
        )

    def refunds(self, order_id):
        return self.env["amazon.refund"].search(
            [("account_id", "=", self.account.id), ("order_ref", "=", order_id)]
        )

    def invoiced_fbm_order(self, items):
        """An FBM order delivered from the FBM warehouse, confirmed to Amazon, invoiced and
        paid (Amazon collected the buyer's money)."""
        order_id = self.add_order("fbm", items=items)
        self.sync()
        sale = self.sales(order_id)
        sale.action_confirm()
        picking = sale.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()
        self.emulator.set_fulfillment_status(SELLER, order_id, "SHIPPED")
        sale._create_invoices().action_post()
        return order_id, sale

    def partial_credit_note(self, invoice, price, quantity=1, reason="CustomerReturn"):
        """A person's credit note from the invoice: `quantity` units at `price`."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Broken handle"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.write({"quantity": quantity, "price_unit": price})
        credit_note.amazon_adjustment_reason = reason
        credit_note.action_post()
        return credit_note


@tagged("post_install", "-at_install")
class TestAmazonRefunds(RefundCase):
    def test_partial_then_full_fba_refund_one_credit_note_each(self):
        order_id = self.add_order("fba", items=[{**MUG, "quantity": 3}])
        self.sync()
        sale = self.sales(order_id)
        invoice = sale.invoice_ids
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        partial = self.emulator.add_refund(SELLER, order_id, items={"MUG-1": 1})
        self.import_refunds()
        (first,) = self.credit_notes(order_id)
        self.assertEqual(first.state, "posted")
        self.assertAlmostEqual(first.amount_total, amazon_refund_cost(partial))
        self.assertEqual(first.amazon_refund_ref, partial["refund_id"])
        self.assertEqual(first.reversed_entry_id, invoice)
        self.assertEqual(first.invoice_line_ids.product_id, self.mug)
        self.assertEqual(first.invoice_line_ids.quantity, 1)
        # paid at import: Amazon paid the buyer back from the same journal
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        refund = self.refunds(order_id)
        self.assertEqual(refund.state, "done")
        self.assertEqual(refund.payment_id.journal_id, self.journal)
        self.assertAlmostEqual(refund.payment_id.amount, amazon_refund_cost(partial))
        self.assertEqual(refund.payment_id.payment_type, "outbound")

        full = self.emulator.add_refund(SELLER, order_id)  # the two units left
        self.import_refunds()
        notes = self.credit_notes(order_id)
        self.assertEqual(len(notes), 2)
        second = notes - first
        self.assertAlmostEqual(second.amount_total, amazon_refund_cost(full))
        self.assertEqual(second.invoice_line_ids.quantity, 2)
        self.assertIn(second.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(sum(notes.mapped("amount_total")), invoice.amount_total)
        # money given back is not units to invoice again
        self.assertEqual(sale.invoice_status, "invoiced")
        self.assertEqual(set(sale.invoice_ids.ids), {invoice.id, *notes.ids})

        # the next runs read Amazon's late window again: the same refunds, nothing new
        calls = len(self.emulator.requests_for("listFinancialEvents"))
        self.import_refunds()
        self.import_refunds()
        self.assertGreater(len(self.emulator.requests_for("listFinancialEvents")), calls)
        self.assertEqual(len(self.credit_notes(order_id)), 2)
        self.assertEqual(len(self.refunds(order_id)), 2)
        self.assertEqual(
            len(self.env["account.payment"].search([("journal_id", "=", self.journal.id)])), 3
        )
        self.assertContractClean()

    def test_late_refund_is_read_from_the_window_before(self):
        order_id = self.add_order("fba")
        self.sync()
        self.import_refunds()
        # posted 30 hours ago, shown by Amazon only now
        late = self.emulator.add_refund(SELLER, order_id, posted=self.clock() - timedelta(hours=30))
        self.import_refunds()
        (note,) = self.credit_notes(order_id)
        self.assertEqual(note.amazon_refund_ref, late["refund_id"])

    def test_fbm_refund_returns_the_units_when_the_parcel_arrives(self):
        order_id, sale = self.invoiced_fbm_order([{**MUG, "quantity": 2}, BOTTLE])
        warehouse = self.account.fbm_warehouse_id
        self.assertEqual(self.quantity_at(self.mug, warehouse), 18)
        refund = self.emulator.add_refund(SELLER, order_id, items={"MUG-1": 1})
        self.import_refunds()
        (note,) = self.credit_notes(order_id)
        self.assertAlmostEqual(note.amount_total, amazon_refund_cost(refund))
        self.assertIn(note.payment_state, ("paid", "in_payment"))
        record = self.refunds(order_id)
        picking = record.return_picking_id
        self.assertTrue(picking)
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.sale_id, sale)
        self.assertIn(picking.state, ("assigned", "confirmed"))
        self.assertEqual(picking.move_ids.product_id, self.mug)
        self.assertEqual(picking.move_ids.product_uom_qty, 1)
        self.assertEqual(picking.location_dest_id, warehouse.lot_stock_id)
        # waiting for the parcel: nothing back yet
        self.assertEqual(self.quantity_at(self.mug, warehouse), 18)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.quantity_at(self.mug, warehouse), 19)
        self.assertEqual(
            sale.order_line.filtered(lambda line: line.product_id == self.mug).qty_delivered, 2
        )
        self.assertEqual(sale.invoice_status, "invoiced")

    def test_refund_of_an_unknown_order_waits_as_an_issue(self):
        order_id = self.add_order("fba")
        self.sync()
        sale = self.sales(order_id)
        sale.amazon_order_ref = "111-9999999-0000009"  # Odoo no longer knows Amazon's id
        self.emulator.add_refund(SELLER, order_id)
        self.import_refunds()
        record = self.refunds(order_id)
        self.assertEqual(record.state, "issue")
        self.assertIn(order_id, record.problem)
        issue = self.env["amazon.order.issue"].search(
            [("amazon_order_ref", "=", order_id), ("kind", "=", "refund")]
        )
        self.assertEqual(issue.state, "open")
        self.assertIn("not in Odoo", issue.reason)
        self.assertFalse(self.credit_notes(order_id))
        sale.amazon_order_ref = order_id
        self.import_refunds()  # the next run books what waits
        self.assertEqual(record.state, "done")
        self.assertEqual(len(self.credit_notes(order_id)), 1)
        self.assertEqual(issue.state, "resolved")

    def test_refund_of_more_than_is_left_to_credit_is_an_issue(self):
        order_id = self.add_order("fba")
        self.sync()
        invoice = self.sales(order_id).invoice_ids
        # a person credited part of it in Odoo; Amazon refunds the whole order
        self.partial_credit_note(invoice, 12.0)
        self.emulator.add_refund(SELLER, order_id)
        self.import_refunds()
        record = self.refunds(order_id)
        self.assertEqual(record.state, "issue")
        self.assertIn("more than is left to credit", record.problem)
        self.assertEqual(len(self.credit_notes(order_id)), 1)
        issue = self.env["amazon.order.issue"].search(
            [("amazon_order_ref", "=", order_id), ("kind", "=", "refund")]
        )
        self.assertIn("more than is left to credit", issue.reason)

    def test_refund_seen_in_a_settlement_is_booked_once(self):
        self.account.payout_journal_id = self.env["account.journal"].search(
            [("type", "=", "bank"), ("id", "!=", self.journal.id)], limit=1
        )
        order_id = self.add_order("fba", items=[{**MUG, "quantity": 2}])
        self.sync()
        refund = self.emulator.add_refund(SELLER, order_id, items={"MUG-1": 1})
        # the settlement comes first: its refund waits for the credit note
        self.emulator.add_settlement(
            SELLER,
            US,
            start=self.clock() - timedelta(days=14),
            end=self.clock() + timedelta(minutes=1),
            order_ids=[order_id],
            refund_ids=[refund["refund_id"]],
        )
        self.clock.advance(minutes=5)
        self.assertTrue(self.account._import_settlements(), self.account.last_error)
        settlement = self.env["amazon.settlement"].search([("account_id", "=", self.account.id)])
        self.assertEqual(
            set(settlement.line_ids.filtered("problem").mapped("problem")), {"no_credit_note"}
        )
        self.import_refunds()
        (note,) = self.credit_notes(order_id)
        # booking the refund booked the settlement again, against the refund payment
        self.assertEqual(settlement.state, "booked", settlement.last_error)
        self.assertFalse(settlement.line_ids.filtered("problem"))
        payment = self.refunds(order_id).payment_id
        outstanding = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.outstanding_account_id
        )
        self.assertTrue(outstanding.reconciled)
        # and reading both again books nothing more
        self.import_refunds()
        self.clock.advance(minutes=5)
        self.account._import_settlements()
        self.assertEqual(self.credit_notes(order_id), note)
        self.assertEqual(
            len(self.env["amazon.settlement"].search([("account_id", "=", self.account.id)])), 1
        )


@tagged("post_install", "-at_install")
class TestRefundsDecidedInOdoo(RefundCase):
    def test_partial_refund_is_sent_accepted_and_matched_with_amazons(self):
        order_id, sale = self.invoiced_fbm_order([{**MUG, "quantity": 2}])
        invoice = sale.invoice_ids
        credit_note = self.partial_credit_note(invoice, 5.0)
        self.assertEqual(credit_note.amazon_refund_state, "to_send")
        self.assertEqual(credit_note.amazon_order_ref, order_id)
        self.send_order_feeds()
        self.assertEqual(
            credit_note.amazon_refund_state, "accepted", credit_note.amazon_refund_error
        )
        (feed,) = self.env["amazon.feed"].search(
            [("feed_type", "=", "POST_PAYMENT_ADJUSTMENT_DATA")]
        )
        self.assertEqual(feed.state, "done")
        (sent,) = self.emulator.seller_refunds(SELLER, order_id)
        (item,) = sent["items"]
        self.assertEqual(item["order_item_id"], sale.order_line.amazon_order_item_id)
        self.assertEqual(item["components"], {"Principal": Decimal("5.00")})
        self.assertEqual(item["adjustment_reason"], "CustomerReturn")
        self.assertEqual(item["merchant_adjustment_item_id"], credit_note.name)
        # Amazon's refund event of it is the same refund: matched, not booked again
        self.import_refunds()
        self.assertEqual(self.credit_notes(order_id), credit_note)
        record = self.refunds(order_id)
        self.assertEqual(record.origin, "odoo")
        self.assertEqual(record.credit_note_id, credit_note)
        self.assertTrue(credit_note.amazon_refund_ref)
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        self.assertEqual(record.payment_id.journal_id, self.journal)
        self.assertContractClean()

    def test_rejected_refund_shows_amazons_error_and_is_sent_again(self):
        order_id, sale = self.invoiced_fbm_order([MUG])
        self.emulator.reject_next_order_feed_message(order_id, "Refund window closed.")
        credit_note = self.partial_credit_note(sale.invoice_ids, 19.99)
        self.send_order_feeds()
        self.assertEqual(credit_note.amazon_refund_state, "rejected")
        self.assertIn("Refund window closed.", credit_note.amazon_refund_error)
        self.assertTrue(credit_note.activity_ids)
        self.assertFalse(self.emulator.seller_refunds(SELLER, order_id))
        credit_note.action_amazon_send_refund()
        self.assertEqual(credit_note.amazon_refund_state, "to_send")
        self.send_order_feeds()
        self.assertEqual(credit_note.amazon_refund_state, "accepted")
        self.assertEqual(len(self.emulator.seller_refunds(SELLER, order_id)), 1)
        self.assertEqual(
            len(self.env["amazon.feed"].search([("account_id", "=", self.account.id)])), 2
        )

    def test_fba_credit_note_is_not_sent_and_amazons_refund_matches_it(self):
        order_id = self.add_order("fba")
        self.sync()
        invoice = self.sales(order_id).invoice_ids
        credit_note = self.partial_credit_note(invoice, 19.99)
        self.assertEqual(credit_note.amazon_refund_state, "fba")
        self.send_order_feeds()
        self.assertFalse(self.env["amazon.feed"].search([("account_id", "=", self.account.id)]))
        self.emulator.add_refund(SELLER, order_id)
        self.import_refunds()
        self.assertEqual(self.credit_notes(order_id), credit_note)
        self.assertEqual(self.refunds(order_id).origin, "odoo")

    def test_cancellation_in_odoo_reaches_amazon(self):
        order_id = self.add_order("fbm", items=[MUG, BOTTLE])
        self.sync()
        sale = self.sales(order_id)
        sale.amazon_cancel_reason = "NoInventory"
        sale.action_cancel()
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(sale.amazon_cancel_state, "to_send")
        self.send_order_feeds()
        self.assertEqual(sale.amazon_cancel_state, "accepted", sale.amazon_cancel_error)
        stored = self.emulator.get_stored_order(SELLER, order_id)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "CANCELLED")
        # the next import sees Amazon's cancellation: nothing is sent back
        self.sync()
        self.assertEqual(sale.amazon_status, "CANCELLED")
        self.send_order_feeds()
        self.assertEqual(
            len(self.env["amazon.feed"].search([("account_id", "=", self.account.id)])), 1
        )
        self.assertContractClean()

    def test_cancellation_of_a_shipped_order_is_rejected_with_amazons_reason(self):
        order_id = self.add_order("fbm")
        self.sync()
        sale = self.sales(order_id)
        self.emulator.set_fulfillment_status(SELLER, order_id, "SHIPPED")  # shipped elsewhere
        sale.action_cancel()
        self.send_order_feeds()
        self.assertEqual(sale.amazon_cancel_state, "rejected")
        self.assertIn("already shipped", sale.amazon_cancel_error)


@tagged("post_install", "-at_install")
class TestRefundTaxes(RefundCase):
    """The seller's tax on credit notes, as on the invoices: VAT included in European
    prices, whether Amazon's refund lists the tax apart or not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As on a fresh database: every product carries the company's default sale tax.
        cls.sale_tax = cls.env.company.account_sale_tax_id or cls.env["account.tax"].create(
            {"name": "15%", "amount": 15.0, "type_tax_use": "sale"}
        )
        (cls.mug | cls.bottle).taxes_id = cls.sale_tax

    def german_order(self):
        """Two bottles at 23.80 with 19% VAT included (the marketplace's tax)."""
        vat = self.env["account.tax"].create(
            {"name": "19% VAT", "amount": 19.0, "type_tax_use": "sale"}
        )
        self.account.marketplace_setting_ids.filtered(
            lambda s: s.marketplace_id.marketplace_id == DE
        ).tax_ids = vat
        order_id = self.add_order(
            "fba", marketplace=DE, items=[{**BOTTLE, "quantity": 2, "unit_price": "23.80"}]
        )
        self.sync()
        sale = self.sales(order_id)
        self.assertTrue(sale.order_line.tax_ids.price_include)
        self.assertEqual(sale.order_line.tax_ids.amount, 19.0)
        self.assertAlmostEqual(sale.amount_tax, 7.60)
        return order_id, sale

    def test_vat_included_refund_credits_amazons_amount_with_its_vat(self):
        order_id, sale = self.german_order()
        refund = self.emulator.add_refund(SELLER, order_id, items={"BOTTLE-1": 1})
        self.import_refunds()
        (note,) = self.credit_notes(order_id)
        self.assertAlmostEqual(note.amount_total, amazon_refund_cost(refund))
        self.assertAlmostEqual(note.amount_total, 23.80)
        self.assertAlmostEqual(note.amount_tax, 3.80)
        self.assertEqual(note.invoice_line_ids.tax_ids, sale.order_line.tax_ids)
        self.assertIn(note.payment_state, ("paid", "in_payment"))

    def test_refund_listing_the_vat_apart_credits_the_same_gross(self):
        """An event as Amazon's model writes it, the VAT in its own Tax charge."""
        order_id, _sale = self.german_order()
        net = 20.00
        events = {
            "RefundEventList": [
                {
                    "AmazonOrderId": order_id,
                    "MarketplaceName": "Amazon.de",
                    "PostedDate": "2026-03-01T06:00:00Z",
                    "ShipmentItemAdjustmentList": [
                        {
                            "SellerSKU": "BOTTLE-1",
                            "OrderAdjustmentItemId": "80123456789012",
                            "QuantityShipped": 1,
                            "ItemChargeAdjustmentList": [
                                {
                                    "ChargeType": "Principal",
                                    "ChargeAmount": {"CurrencyCode": "EUR", "CurrencyAmount": -net},
                                },
                                {
                                    "ChargeType": "Tax",
                                    "ChargeAmount": {
                                        "CurrencyCode": "EUR",
                                        "CurrencyAmount": -3.80,
                                    },
                                },
                            ],
                            "ItemFeeAdjustmentList": [
                                {
                                    "FeeType": "Commission",
                                    "FeeAmount": {"CurrencyCode": "EUR", "CurrencyAmount": 3.57},
                                }
                            ],
                        }
                    ],
                }
            ]
        }
        importer = self.env["amazon.refund.importer"]
        records = importer._record(self.account, events)
        importer._book(records)
        self.assertEqual(records.state, "done", records.problem)
        (note,) = self.credit_notes(order_id)
        self.assertAlmostEqual(note.amount_total, 23.80)
        self.assertAlmostEqual(note.amount_tax, 3.80)
        self.assertAlmostEqual(records.amount, 23.80)
        self.assertEqual(note.invoice_line_ids.quantity, 1)
        # the same event read again is recorded once
        self.assertFalse(importer._record(self.account, events))
