"""Vendor Central: Amazon's purchase orders imported once as sale orders to Amazon, an
acknowledgement proposed from stock, sent, and Amazon's verdict read back."""

from datetime import datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SELLER, ClockedAmazonCase, import_emulator_module

MUG = {"vendor_sku": "MUG-1", "asin": "B000MUG001", "net_cost": "5.00", "currency": "USD"}
BOTTLE = {
    "vendor_sku": "4006381333931",
    "asin": "B000BTL001",
    "net_cost": "3.20",
    "currency": "USD",
}


def sale_ship_end(case, number):
    """The end of the ship window Amazon gave the purchase order (naive UTC)."""
    window = case.emulator.purchase_order(SELLER, number)["orderDetails"]["shipWindow"]
    end = window.split("--")[1]
    return datetime.fromisoformat(end.replace("Z", "+00:00")).replace(tzinfo=None)


class VendorCase(ClockedAmazonCase):
    """A vendor account on the emulator; Odoo and the emulator share a clock the test moves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.vendor = env["amazon.account"].create(
            {
                "name": "Emulated vendor",
                "kind": "vendor",
                "company_id": cls.company.id,
                "region": "na",
                "lwa_client_id": cls.account.lwa_client_id,
                "lwa_client_secret": cls.account.sudo().lwa_client_secret,
                "refresh_token": cls.account.sudo().refresh_token,
                "api_endpoint": cls.emulator.url,
                "lwa_endpoint": cls.emulator.lwa_url,
            }
        )
        cls.vendor.state = "connected"
        product_values = {"type": "consu", "is_storable": True}
        cls.mug = env["product.product"].create(
            {**product_values, "name": "Mug", "default_code": "MUG-1"}
        )
        cls.bottle = env["product.product"].create(
            {**product_values, "name": "Bottle", "barcode": "4006381333931"}
        )
        cls.stock = cls.vendor.vendor_warehouse_id.lot_stock_id

    def setUp(self):
        super().setUp()
        self.make_purchase_order = import_emulator_module().make_purchase_order
        self.po_count = 0

    def add_po(self, items, number=None, **values):
        self.po_count += 1
        number = number or f"PO{self.po_count:06d}"
        order = self.make_purchase_order(
            number,
            items=[
                {"quantity": 1, "unit_of_measure": "Eaches", "unit_size": 1, **i} for i in items
            ],
            created=values.pop("created", self.clock() - timedelta(hours=1)),
            **values,
        )
        self.emulator.add_purchase_order(SELLER, order)
        return number

    def put_in_stock(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(product, self.stock, quantity)

    def sync(self, advance_minutes=15):
        self.clock.advance(minutes=advance_minutes)
        result = self.vendor._sync_orders()
        self.env.flush_all()
        return result

    def purchase_orders(self, *numbers):
        domain = [("amazon_account_id", "=", self.vendor.id)]
        if numbers:
            domain.append(("amazon_order_ref", "in", numbers))
        return self.env["sale.order"].search(domain)

    def acknowledge(self, sale):
        """Press Acknowledge, then runs of the job until Amazon's verdict is read."""
        sale.action_amazon_acknowledge()
        for _run in range(4):
            self.clock.advance(minutes=1)
            self.assertTrue(self.vendor._vendor_submissions(), self.vendor.last_error)
            if sale.amazon_ack_state not in ("to_send", "sent"):
                return
        self.fail("Amazon's verdict was never read")

    def line_of(self, sale, product):
        return sale.order_line.filtered(lambda line: line.product_id == product)


@tagged("post_install", "-at_install")
class TestVendorOrders(VendorCase):
    def test_connection_check_of_a_vendor_account(self):
        self.vendor.state = "draft"
        self.assertTrue(self.vendor._check_connection(), self.vendor.last_error)
        self.assertEqual(self.vendor.state, "connected")
        self.assertTrue(self.emulator.requests_for("getPurchaseOrders"))

    def test_purchase_orders_imported_once_on_the_centre_address_at_net_cost(self):
        deliver_by = self.clock().replace(microsecond=0) + timedelta(days=9)
        cases = self.add_po(
            [{**MUG, "quantity": 2, "unit_of_measure": "Cases", "unit_size": 6}],
            ship_to="ABE2",
            delivery_window=(deliver_by - timedelta(days=3), deliver_by),
        )
        eaches = self.add_po([{**BOTTLE, "quantity": 5}], ship_to="ABE2")
        self.assertTrue(self.sync())
        sales = self.purchase_orders()
        self.assertEqual(len(sales), 2)
        sale = self.purchase_orders(cases)
        self.assertEqual(sale.partner_id, self.vendor.vendor_partner_id)
        self.assertEqual(sale.client_order_ref, cases)
        self.assertEqual(sale.amazon_channel, "vendor")
        self.assertEqual(sale.state, "draft")
        centre = sale.partner_shipping_id
        self.assertEqual(centre.ref, "ABE2")
        self.assertEqual(centre.parent_id, self.vendor.vendor_partner_id)
        self.assertEqual(centre.type, "delivery")
        amazon_po = self.emulator.purchase_order(SELLER, cases)
        address = amazon_po["orderDetails"]["shipToParty"]["address"]
        self.assertEqual(centre.street, address["addressLine1"])
        self.assertEqual(centre.country_id.code, address["countryCode"])
        # the other order of the same centre uses the same address
        self.assertEqual(self.purchase_orders(eaches).partner_shipping_id, centre)
        line = sale.order_line
        self.assertEqual(line.product_id, self.mug)
        self.assertEqual(line.product_uom_qty, 12)  # 2 cases of 6
        self.assertAlmostEqual(line.price_unit, 5.00)
        self.assertEqual(self.purchase_orders(eaches).order_line.product_id, self.bottle)
        self.assertEqual(sale.commitment_date, deliver_by.replace(tzinfo=None))
        self.assertEqual(self.purchase_orders(eaches).commitment_date, sale_ship_end(self, eaches))
        self.assertTrue(sale.amazon_ship_window_start < sale.amazon_ship_window_end)
        self.assertEqual(sale.amazon_po_type, "RegularOrder")
        # the next runs read the same orders again: nothing new
        calls = len(self.emulator.requests_for("getPurchaseOrders"))
        self.sync()
        self.sync()
        self.assertGreater(len(self.emulator.requests_for("getPurchaseOrders")), calls)
        self.assertEqual(len(self.purchase_orders()), 2)
        self.assertContractClean()

    def test_unknown_product_waits_as_an_issue_then_imports(self):
        number = self.add_po([{"vendor_sku": "NEW-1", "asin": "B000NEW001", "net_cost": "9.99"}])
        self.sync()
        self.assertFalse(self.purchase_orders(number))
        issue = self.env["amazon.order.issue"].search([("amazon_order_ref", "=", number)])
        self.assertEqual((issue.kind, issue.state), ("product", "open"))
        self.assertIn("NEW-1", issue.reason)
        self.env["product.product"].create({"name": "New", "default_code": "NEW-1"})
        issue.action_retry()
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(len(self.purchase_orders(number)), 1)

    def test_changed_order_updates_the_quotation_until_acknowledged(self):
        self.put_in_stock(self.mug, 50)
        number = self.add_po([{**MUG, "quantity": 4}])
        self.sync()
        sale = self.purchase_orders(number)
        self.emulator.change_purchase_order(
            SELLER,
            number,
            items=[{**MUG, "quantity": 6, "unit_of_measure": "Eaches", "unit_size": 1}],
            changed=self.clock(),
        )
        self.sync()
        self.assertEqual(sale.order_line.product_uom_qty, 6)
        self.assertEqual(sale.order_line.amazon_accepted_qty, 6)
        self.acknowledge(sale)
        self.assertEqual(sale.amazon_ack_state, "done")
        self.emulator.change_purchase_order(
            SELLER,
            number,
            items=[{**MUG, "quantity": 2, "unit_of_measure": "Eaches", "unit_size": 1}],
            changed=self.clock(),
        )
        self.sync()
        self.assertEqual(sale.order_line.product_uom_qty, 6)  # a person decides now
        self.assertTrue(sale.activity_ids)


@tagged("post_install", "-at_install")
class TestVendorAcknowledgements(VendorCase):
    def test_line_partly_in_stock_is_part_accepted_part_backordered(self):
        self.put_in_stock(self.mug, 7)
        number = self.add_po([{**MUG, "quantity": 10, "back_order_allowed": True}])
        self.sync()
        sale = self.purchase_orders(number)
        line = sale.order_line
        self.assertEqual(sale.amazon_ack_state, "proposed")
        self.assertEqual(
            (line.amazon_accepted_qty, line.amazon_backordered_qty, line.amazon_rejected_qty),
            (7, 3, 0),
        )
        self.acknowledge(sale)
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(line.product_uom_qty, 10)
        (sent,) = self.emulator.vendor_acknowledgements(SELLER, number)
        self.assertEqual(
            self.emulator.purchase_order(SELLER, number)["purchaseOrderState"], "Acknowledged"
        )
        (item,) = sent["acknowledgement"]["items"]
        codes = {
            a["acknowledgementCode"]: a["acknowledgedQuantity"]["amount"]
            for a in item["itemAcknowledgements"]
        }
        self.assertEqual(codes, {"Accepted": 7, "Backordered": 3})
        self.assertEqual(sale.amazon_transaction_id.state, "success")
        self.assertContractClean()

    def test_stock_accepted_on_a_waiting_order_is_not_offered_again(self):
        self.put_in_stock(self.mug, 7)
        first = self.add_po([{**MUG, "quantity": 5, "back_order_allowed": True}])
        self.sync()
        second = self.add_po(
            [{**MUG, "quantity": 5, "back_order_allowed": True}], created=self.clock()
        )
        self.sync()  # a later run: the first quotation reserves nothing, its 5 are promised
        line = self.purchase_orders(second).order_line
        self.assertEqual(self.purchase_orders(first).order_line.amazon_accepted_qty, 5)
        self.assertEqual((line.amazon_accepted_qty, line.amazon_backordered_qty), (2, 3))

    def test_rejection_policy_rejects_what_stock_does_not_cover(self):
        self.vendor.vendor_shortage_policy = "reject"
        self.put_in_stock(self.mug, 7)
        number = self.add_po(
            [
                {
                    **MUG,
                    "quantity": 2,
                    "unit_of_measure": "Cases",
                    "unit_size": 6,
                    "back_order_allowed": True,
                }
            ]
        )
        self.sync()
        sale = self.purchase_orders(number)
        line = sale.order_line
        # whole cases only: one case of six is covered
        self.assertEqual(
            (line.amazon_accepted_qty, line.amazon_backordered_qty, line.amazon_rejected_qty),
            (6, 0, 6),
        )
        self.assertEqual(line.amazon_rejection_reason, "TemporarilyUnavailable")
        self.acknowledge(sale)
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
        self.assertEqual(line.product_uom_qty, 6)
        (sent,) = self.emulator.vendor_acknowledgements(SELLER, number)
        (item,) = sent["acknowledgement"]["items"]
        by_code = {a["acknowledgementCode"]: a for a in item["itemAcknowledgements"]}
        self.assertEqual(
            by_code["Accepted"]["acknowledgedQuantity"],
            {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 6},
        )
        self.assertEqual(by_code["Rejected"]["rejectionReason"], "TemporarilyUnavailable")

    def test_nothing_in_stock_and_no_backorder_allowed_rejects_and_cancels(self):
        number = self.add_po([{**MUG, "quantity": 3, "back_order_allowed": False}])
        self.sync()
        sale = self.purchase_orders(number)
        self.assertEqual(sale.order_line.amazon_rejected_qty, 3)
        self.acknowledge(sale)
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
        self.assertEqual(sale.state, "cancel")

    def test_failed_transaction_shows_amazons_error_and_is_sent_again(self):
        self.put_in_stock(self.mug, 10)
        number = self.add_po([{**MUG, "quantity": 4}])
        self.sync()
        sale = self.purchase_orders(number)
        self.emulator.fail_next_vendor_transaction(
            number, "InvalidInput", "Ship date is in the past."
        )
        self.acknowledge(sale)
        self.assertEqual(sale.amazon_ack_state, "failed")
        self.assertIn("Ship date is in the past.", sale.amazon_ack_error)
        self.assertEqual(sale.amazon_transaction_id.state, "failure")
        self.assertTrue(sale.activity_ids)
        self.assertEqual(sale.state, "draft")
        self.acknowledge(sale)
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(
            len(
                self.env["amazon.vendor.transaction"].search([("account_id", "=", self.vendor.id)])
            ),
            2,
        )

    def test_automatic_acknowledgement(self):
        self.vendor.vendor_auto_acknowledge = True
        self.put_in_stock(self.mug, 10)
        number = self.add_po([{**MUG, "quantity": 4}])
        self.sync()
        sale = self.purchase_orders(number)
        self.assertEqual(sale.amazon_ack_state, "to_send")
        self.clock.advance(minutes=1)
        self.vendor._vendor_submissions()
        self.clock.advance(minutes=1)
        self.vendor._vendor_submissions()
        self.clock.advance(minutes=1)
        self.vendor._vendor_submissions()
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)

    def test_proposal_adds_up_to_what_amazon_ordered(self):
        number = self.add_po([{**MUG, "quantity": 4}])
        self.sync()
        line = self.purchase_orders(number).order_line
        with self.assertRaises(ValidationError):
            line.amazon_accepted_qty = 5
        with self.assertRaises(ValidationError):
            line.write(
                {
                    "amazon_accepted_qty": 1,
                    "amazon_backordered_qty": 0,
                    "amazon_rejected_qty": 3,
                    "amazon_rejection_reason": False,
                }
            )
