"""FBA customer returns: Amazon's returns report puts units back, once per line."""

from datetime import timedelta

from odoo.tests import tagged

from .common import SELLER
from .test_order_import import MUG, OrderImportCase


@tagged("post_install", "-at_install")
class TestFbaReturns(OrderImportCase):
    def import_returns(self):
        """Runs of the job until the report asked for is read (Amazon makes it meanwhile)."""
        for _run in range(6):
            self.clock.advance(minutes=10)
            self.assertTrue(self.account._import_fba_returns(), self.account.last_error)
            if not self.account.returns_report_ref:
                return
        self.fail("the returns report was never read")

    def returns(self):
        return self.env["amazon.fba.return"].search([("account_id", "=", self.account.id)])

    def damaged_quantity(self, product):
        location = self.account.fba_damaged_location_id
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id)]
        )
        return sum(quants.mapped("quantity"))

    def test_sellable_units_back_damaged_aside_each_line_once(self):
        order_id = self.add_order("fba", items=[{**MUG, "quantity": 3}])
        self.sync()
        self.assertEqual(self.quantity_at(self.mug, self.fba_warehouse), -3)
        returned = self.clock() - timedelta(minutes=30)
        self.emulator.add_fba_return(
            SELLER, order_id, "MUG-1", quantity=2, returned=returned, license_plate="LPN0001"
        )
        self.emulator.add_fba_return(
            SELLER,
            order_id,
            "MUG-1",
            quantity=1,
            disposition="CUSTOMER_DAMAGED",
            returned=returned,
            license_plate="LPN0002",
        )
        self.import_returns()
        returns = self.returns()
        self.assertEqual(len(returns), 2)
        self.assertEqual(set(returns.mapped("state")), {"done"})
        self.assertEqual(returns.sale_order_id, self.sales(order_id))
        self.assertEqual(self.quantity_at(self.mug, self.fba_warehouse), -1)
        self.assertEqual(self.damaged_quantity(self.mug), 1)
        self.assertEqual(set(returns.move_id.mapped("state")), {"done"})
        # the next window overlaps this one: Amazon lists the same lines, nothing moves twice
        self.import_returns()
        self.assertEqual(len(self.returns()), 2)
        self.assertEqual(self.quantity_at(self.mug, self.fba_warehouse), -1)
        self.assertEqual(self.damaged_quantity(self.mug), 1)
        self.assertEqual(len(self.emulator.requests_for("createReport")), 2)
        self.assertContractClean()

    def test_return_of_an_unknown_order_waits_for_a_person(self):
        order_id = self.add_order("fba")
        self.sync()
        sale = self.sales(order_id)
        sale.amazon_order_ref = "111-9999999-0000001"  # Odoo no longer knows Amazon's id
        self.emulator.add_fba_return(SELLER, order_id, "MUG-1", returned=self.clock())
        self.import_returns()
        record = self.returns()
        self.assertEqual(record.state, "issue")
        self.assertIn("No such Amazon order", record.problem)
        sale.amazon_order_ref = order_id
        record.action_retry()
        self.assertEqual(record.state, "done")
        self.assertEqual(self.quantity_at(self.mug, self.fba_warehouse), 0)
