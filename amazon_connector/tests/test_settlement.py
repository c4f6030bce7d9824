"""Settlement reports: fetched from the emulator's Reports API, stored once, booked."""

from datetime import timedelta
from decimal import Decimal

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DE, SELLER, US
from .test_order_import import BOTTLE, MUG, OrderImportCase

IMPORTER_LOGGER = "odoo.addons.amazon_connector.models.amazon_settlement_importer"


@tagged("post_install", "-at_install")
class TestSettlement(OrderImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env["account.journal"].search(
            [
                ("type", "=", "bank"),
                ("company_id", "=", cls.company.id),
                ("id", "!=", cls.journal.id),
            ],
            limit=1,
        )
        cls.account.payout_journal_id = cls.bank

    def import_order(self, channel="fba", **values):
        """An order Amazon changes now, imported by the next run."""
        order_id = self.add_order(channel, **values)
        self.emulator.update_order(SELLER, order_id)
        self.sync()
        return order_id

    def invoiced_fbm_order(self, **values):
        """An FBM order shipped and invoiced in Odoo."""
        order_id = self.import_order("fbm", **values)
        sale = self.sales(order_id)
        sale.action_confirm()
        for move in sale.picking_ids.move_ids:
            move.quantity = move.product_uom_qty
        sale.picking_ids.move_ids.picked = True
        sale.picking_ids._action_done()
        sale._create_invoices().action_post()
        self.emulator.set_fulfillment_status(SELLER, order_id, "SHIPPED")
        return order_id

    def add_settlement(self, **values):
        return self.emulator.add_settlement(
            SELLER,
            US,
            start=self.clock() - timedelta(days=14),
            end=self.clock() - timedelta(hours=1),
            **values,
        )

    def import_settlements(self):
        self.clock.advance(minutes=5)
        result = self.account._import_settlements()
        self.env.flush_all()
        return result

    @staticmethod
    def outstanding(payment):
        """The payment's line that waits to be matched (by a bank line or a settlement)."""
        return payment.move_id.line_ids.filtered(
            lambda line: line.account_id == payment.outstanding_account_id
        )

    def settlements(self):
        return self.env["amazon.settlement"].search([("account_id", "=", self.account.id)])

    def test_settlement_closes_invoices_books_fees_and_matches_import_payments(self):
        self.account.write({"fba_register_payment": False, "fbm_register_payment": False})
        open_fba = self.import_order(items=[{**MUG, "quantity": 2}])
        self.account.fba_register_payment = True
        paid_fba = self.import_order(items=[BOTTLE])
        open_fbm = self.invoiced_fbm_order(items=[{**BOTTLE, "shipping_price": "4.99"}])
        paid_invoice = self.sales(paid_fba).invoice_ids
        import_payment = self.env["account.payment"].search(
            [("invoice_ids", "in", paid_invoice.ids)]
        )
        self.assertFalse(self.outstanding(import_payment).reconciled)
        expected = self.add_settlement(
            order_ids=[open_fba, paid_fba, open_fbm],
            other_fees={"Subscription Fee": "-39.99", "Mystery Fee": "-1.00"},
            unknown_orders=[{"order_id": "111-9999999-9999999", **MUG}],
            compressed=True,
        )

        self.assertTrue(self.import_settlements())
        settlement = self.settlements()
        self.assertEqual(len(settlement), 1)
        self.assertEqual(settlement.settlement_ref, expected["settlement_id"])
        self.assertEqual(settlement.state, "to_check")
        self.assertAlmostEqual(settlement.total_amount, float(expected["total_amount"]))
        self.assertEqual(len(settlement.line_ids), len(expected["rows"]))
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        # invoices left open are closed; the payment made at import is matched, not repeated
        for order_id in (open_fba, open_fbm):
            self.assertIn(
                self.sales(order_id).invoice_ids.payment_state, ("paid", "in_payment"), order_id
            )
        self.assertTrue(self.outstanding(import_payment).reconciled)
        self.assertEqual(
            self.env["account.payment"].search_count([("invoice_ids", "in", paid_invoice.ids)]),
            1,
        )
        # fees on the expense account, as much as Amazon charged
        fees = sum(
            Decimal(row["amount"])
            for row in expected["rows"]
            if row["amount-type"] == "ItemFees" or row["amount-description"] == "Subscription Fee"
        )
        expense = self.company.expense_account_id
        booked_fees = sum(
            move.line_ids.filtered(lambda line: line.account_id == expense).mapped("balance")
        )
        self.assertAlmostEqual(booked_fees, float(-fees))
        # the payout waits for the bank statement on the payout journal's outstanding account
        payout = move.line_ids.filtered(lambda line: "payout" in line.name)
        self.assertEqual(payout.account_id, self.account._payout_account())
        self.assertAlmostEqual(sum(payout.mapped("balance")), float(expected["total_amount"]))
        self.assertFalse(payout.reconciled)
        # what matches nothing is flagged for a person, on the suspense account
        problems = settlement.line_ids.filtered("problem")
        self.assertEqual(
            set(problems.mapped("problem")),
            {"unknown_order", "unmapped"},
            problems.mapped("description"),
        )
        self.assertEqual(
            set(
                problems.filtered(lambda line: line.problem == "unknown_order").mapped("order_ref")
            ),
            {"111-9999999-9999999"},
        )
        self.assertEqual(
            problems.filtered(lambda line: line.problem == "unmapped").description, "Mystery Fee"
        )
        suspense = self.company.account_journal_suspense_account_id
        self.assertTrue(move.line_ids.filtered(lambda line: line.account_id == suspense))
        self.assertContractClean()

    def test_second_import_books_nothing_and_rebook_places_a_mapped_fee(self):
        order_id = self.import_order()
        self.add_settlement(order_ids=[order_id], other_fees={"Mystery Fee": "-1.00"})
        self.import_settlements()
        settlement = self.settlements()
        move = settlement.move_id
        self.assertEqual(settlement.line_ids.filtered("problem").description, "Mystery Fee")
        import_payment = self.env["account.payment"].search(
            [("invoice_ids", "in", self.sales(order_id).invoice_ids.ids)]
        )
        self.assertTrue(self.outstanding(import_payment).reconciled)
        moves_before = self.env["account.move"].search_count([])
        self.assertTrue(self.import_settlements())
        self.assertEqual(len(self.settlements()), 1)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        expense = self.company.expense_account_id
        other = (
            self.env["account.account"].search(
                [("account_type", "=", "expense"), ("id", "!=", expense.id)], limit=1
            )
            or expense
        )
        self.env["amazon.settlement.mapping"].create(
            {
                "account_id": self.account.id,
                "description": "Mystery Fee",
                "ledger_account_id": other.id,
            }
        )
        settlement.with_user(self.amazon_admin).action_rebook()
        self.assertFalse(move.exists())
        self.assertEqual(settlement.state, "booked")
        mystery = settlement.line_ids.filtered(lambda line: line.description == "Mystery Fee")
        self.assertEqual(mystery.ledger_account_id, other)
        self.assertFalse(mystery.problem)
        self.assertTrue(self.outstanding(import_payment).reconciled)
        self.assertEqual(
            self.env["account.move"].search_count([("ref", "like", settlement.settlement_ref)]), 1
        )

    def test_a_salesperson_cannot_rebook(self):
        order_id = self.import_order()
        self.add_settlement(order_ids=[order_id])
        self.import_settlements()
        with self.assertRaises(AccessError):
            self.settlements().with_user(self.salesman).action_rebook()

    def test_amazon_collected_tax_is_withheld_not_revenue(self):
        self.account.fba_register_payment = False
        order_id = self.import_order(items=[{**MUG, "tax": "1.65"}])
        invoice = self.sales(order_id).invoice_ids
        self.assertAlmostEqual(invoice.amount_total, 19.99)
        self.add_settlement(order_ids=[order_id])
        self.import_settlements()
        settlement = self.settlements()
        kinds = set(settlement.line_ids.mapped("kind"))
        self.assertIn("withheld_tax", kinds)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(settlement.state, "booked")
        self.assertFalse(settlement.line_ids.filtered("problem"))

    def test_german_settlement_in_euros_closes_the_invoice(self):
        self.account.fba_register_payment = False
        order_id = self.import_order(marketplace=DE, items=[{**MUG, "unit_price": "1234.50"}])
        invoice = self.sales(order_id).invoice_ids
        self.assertEqual(invoice.currency_id.name, "EUR")
        expected = self.emulator.add_settlement(
            SELLER,
            DE,
            start=self.clock() - timedelta(days=14),
            end=self.clock() - timedelta(hours=1),
            order_ids=[order_id],
        )
        self.assertIn("1234,50", expected["text"])  # Amazon.de writes decimal commas
        self.import_settlements()
        settlement = self.settlements()
        self.assertEqual(settlement.currency_id.name, "EUR")
        self.assertEqual(settlement.state, "booked")
        self.assertAlmostEqual(settlement.total_amount, float(expected["total_amount"]))
        self.assertEqual(invoice.payment_state, "paid")

    def test_refund_settles_the_credit_note(self):
        self.account.fba_register_payment = False
        order_id = self.import_order(items=[{**MUG, "quantity": 2}])
        invoice = self.sales(order_id).invoice_ids
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Amazon refund"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.invoice_line_ids.quantity = 1
        credit_note.action_post()
        self.add_settlement(order_ids=[order_id], refunds={order_id: "19.99"})
        self.import_settlements()
        settlement = self.settlements()
        refund_lines = settlement.line_ids.filtered("refund_side")
        self.assertTrue(refund_lines)
        self.assertFalse(refund_lines.filtered("problem").mapped("problem"))
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))

    def test_refund_without_credit_note_waits_for_a_person(self):
        order_id = self.import_order()
        self.add_settlement(order_ids=[order_id], refunds={order_id: "19.99"})
        self.import_settlements()
        settlement = self.settlements()
        self.assertEqual(settlement.state, "to_check")
        self.assertEqual(
            set(settlement.line_ids.filtered("problem").mapped("problem")), {"no_credit_note"}
        )

    def test_malformed_report_is_kept_in_error_and_the_rest_booked(self):
        order_id = self.import_order()
        self.emulator.add_report(
            SELLER,
            "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
            "settlement-id\ttotal-amount\n",
            marketplace_ids=[US],
        )
        good = self.add_settlement(order_ids=[order_id])
        with self.assertLogs(IMPORTER_LOGGER, "WARNING"):
            self.import_settlements()
        settlements = self.settlements()
        self.assertEqual(sorted(settlements.mapped("state")), ["booked", "error"])
        broken = settlements.filtered(lambda s: s.state == "error")
        self.assertIn("missing", broken.last_error)
        self.assertEqual(
            settlements.filtered(lambda s: s.state == "booked").settlement_ref,
            good["settlement_id"],
        )
        # a rerun reads the broken report again, and stores nothing twice
        with self.assertLogs(IMPORTER_LOGGER, "WARNING"):
            self.import_settlements()
        self.assertEqual(len(self.settlements()), 2)
        self.assertEqual(len(self.emulator.requests_for("getReportDocument")), 3)
