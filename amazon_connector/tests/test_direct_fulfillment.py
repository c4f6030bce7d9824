"""Vendor direct fulfilment: Amazon's customers' orders downloaded over the 60-to-30-minute
window, once each, acknowledged at once; the restricted ship-to data required; labels
attached; full and partial shipments confirmed; invoices; the daily inventory."""

import base64
from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import SELLER, import_emulator_module
from .test_vendor_shipments import VendorDeliveryCase

ACCOUNT_LOGGER = "odoo.addons.amazon_connector.models.amazon_account"
SHIP_FROM = "DFWH1"
VENDOR_CODE = "DFVENDOR"


class DirectFulfilmentCase(VendorDeliveryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor.write(
            {
                "df_enabled": True,
                "df_ship_from_codes": SHIP_FROM,
                "df_warehouse_id": cls.vendor.vendor_warehouse_id.id,
                "vendor_codes": VENDOR_CODE,
            }
        )
        cls.bottle.weight = 0.6

    def setUp(self):
        super().setUp()
        self.make_df_order = import_emulator_module().make_df_order
        self.df_count = 0

    def add_df_order(self, items=None, minutes_ago=45, number=None, **values):
        """A direct fulfilment order Amazon made `minutes_ago` minutes before the clock."""
        self.df_count += 1
        number = number or f"DF{self.df_count:06d}"
        order = self.make_df_order(
            number,
            created=self.clock() - timedelta(minutes=minutes_ago),
            items=items or [("MUG-1", 2, "5.00")],
            selling_party=VENDOR_CODE,
            ship_from=SHIP_FROM,
            **values,
        )
        self.emulator.add_df_order(SELLER, order)
        return number

    def download(self, advance_minutes=0):
        """A run of the download job (now, or after moving the clock)."""
        self.clock.advance(minutes=advance_minutes)
        result = self.vendor._df_sync_orders()
        self.env.flush_all()
        return result

    def df_orders(self, *numbers):
        domain = [
            ("amazon_account_id", "=", self.vendor.id),
            ("amazon_channel", "=", "direct_fulfillment"),
        ]
        if numbers:
            domain.append(("amazon_order_ref", "in", numbers))
        return self.env["sale.order"].search(domain)

    def confirmed_df_order(self, items=None, **values):
        number = self.add_df_order(items, **values)
        self.assertTrue(self.download(), self.vendor.last_error)
        self.exchange()
        sale = self.df_orders(number)
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
        return number, sale


@tagged("post_install", "-at_install")
class TestDirectFulfilmentOrders(DirectFulfilmentCase):
    def test_window_orders_imported_once_confirmed_and_acknowledged(self):
        inside = self.add_df_order(
            [("MUG-1", 2, "5.00"), ("4006381333931", 1, "3.20")],
            is_gift=True,
            gift_message="Happy birthday",
        )
        recent = self.add_df_order(minutes_ago=20)
        self.assertTrue(self.download(), self.vendor.last_error)

        sale = self.df_orders()
        self.assertEqual(sale.mapped("amazon_order_ref"), [inside], "the 20-minute-old one waits")
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.partner_id, self.vendor.vendor_partner_id)
        delivery = sale.partner_shipping_id
        self.assertEqual(delivery.parent_id, self.vendor.vendor_partner_id)
        self.assertEqual(delivery.type, "delivery")
        self.assertTrue(delivery.amazon_buyer and delivery.amazon_address_key)
        self.assertTrue(delivery.street and delivery.country_id)
        self.assertEqual(sale.warehouse_id, self.vendor.df_warehouse_id)
        self.assertTrue(sale.amazon_df_gift)
        self.assertEqual(sale.amazon_df_gift_message, "Happy birthday")
        self.assertTrue(sale.amazon_df_ship_method)
        self.assertEqual(
            sale.commitment_date,
            self.emulator_required_ship_date(inside),
        )
        lines = {line.product_id: line for line in sale.order_line}
        self.assertEqual(lines[self.mug].product_uom_qty, 2)
        self.assertEqual(lines[self.mug].price_unit, 5.0)
        self.assertEqual(lines[self.bottle].product_uom_qty, 1)
        self.assertEqual(len(sale.picking_ids), 1)

        # Acknowledged on download with a full accept; Amazon's verdict read back.
        self.assertEqual(sale.amazon_ack_state, "sent")
        transaction = sale.amazon_transaction_id
        self.assertEqual(transaction.kind, "df_acknowledgement")
        self.exchange()
        self.assertEqual(transaction.state, "success")
        self.assertEqual(sale.amazon_ack_state, "done")
        acknowledgement = self.emulator.df_acknowledgements(SELLER, inside)
        self.assertEqual(len(acknowledgement), 1)
        self.assertEqual(acknowledgement[0]["acknowledgementStatus"]["code"], "00")
        self.assertEqual(
            self.emulator.df_order(SELLER, inside)["orderDetails"]["orderStatus"], "ACCEPTED"
        )

        # The next run (30 minutes later) finds the other; the first is not imported again.
        self.assertTrue(self.download(advance_minutes=30), self.vendor.last_error)
        self.assertEqual(
            sorted(self.df_orders().mapped("amazon_order_ref")), sorted([inside, recent])
        )
        self.assertEqual(len(self.df_orders(inside)), 1)
        self.assertEqual(len(self.emulator.df_acknowledgements(SELLER, inside)), 1)

    def emulator_required_ship_date(self, number):
        raw = self.emulator.df_order(SELLER, number)["orderDetails"]["shipmentDetails"]
        text = raw["shipmentDates"]["requiredShipDate"]
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)

    def test_an_order_is_never_changed_by_a_later_download(self):
        number, sale = self.confirmed_df_order()
        self.vendor.write({"df_orders_synced_until": False, "df_window_from": 24 * 60})
        self.assertTrue(self.download(advance_minutes=30), self.vendor.last_error)
        self.assertEqual(self.df_orders(number), sale)
        self.assertEqual(sale.amazon_ack_state, "done")
        self.assertEqual(len(self.emulator.df_acknowledgements(SELLER, number)), 1)

    def test_without_the_restricted_role_nothing_is_imported_and_the_role_is_named(self):
        self.add_df_order()
        self.emulator.set_restricted_role(SELLER, False)
        with self.assertLogs(ACCOUNT_LOGGER, "WARNING") as logs:
            self.assertFalse(self.download())
        self.assertIn("Direct-to-Consumer Shipping", logs.output[0])
        self.assertFalse(self.df_orders())
        self.assertEqual(self.vendor.state, "error")
        self.assertIn("Direct-to-Consumer Shipping", self.vendor.last_error)
        self.assertFalse(self.vendor.df_orders_synced_until, "the window is read again")

        self.emulator.set_restricted_role(SELLER, True)
        self.assertTrue(self.download(advance_minutes=10), self.vendor.last_error)
        self.assertEqual(len(self.df_orders()), 1)
        self.assertEqual(self.vendor.state, "connected")

    def test_unknown_item_waits_as_an_issue_then_imports(self):
        number = self.add_df_order([("NEW-SKU", 1, "9.00")])
        self.assertTrue(self.download(), self.vendor.last_error)
        self.assertFalse(self.df_orders())
        issue = self.env["amazon.order.issue"].search(
            [("account_id", "=", self.vendor.id), ("amazon_order_ref", "=", number)]
        )
        self.assertEqual(issue.state, "open")
        self.assertEqual(issue.channel, "direct_fulfillment")
        self.env["product.product"].create(
            {"name": "New", "default_code": "NEW-SKU", "type": "consu", "is_storable": True}
        )
        issue.action_retry()
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(self.df_orders(number).state, "sale")

    def test_rejection_of_an_unknown_item_and_of_a_shortage_cancels_the_order(self):
        self.vendor.df_reject_unavailable = True
        unknown = self.add_df_order([("NEW-SKU", 1, "9.00"), ("MUG-1", 1, "5.00")])
        short = self.add_df_order([("MUG-1", 80, "5.00")])
        self.assertTrue(self.download(), self.vendor.last_error)
        self.exchange()
        for number, code in ((unknown, "02"), (short, "03")):
            sale = self.df_orders(number)
            self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
            self.assertEqual(sale.amazon_df_ack_code, code)
            self.assertEqual(sale.state, "cancel")
            sent = self.emulator.df_acknowledgements(SELLER, number)
            self.assertEqual(sent[0]["acknowledgementStatus"]["code"], code)
            self.assertEqual(
                self.emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"], "CANCELLED"
            )
        items = self.emulator.df_acknowledgements(SELLER, unknown)[0]["itemAcknowledgements"]
        self.assertEqual(len(items), 2, "every item of Amazon's order, the unknown one too")

    def test_refused_acknowledgement_is_shown_then_sent_again(self):
        number = self.add_df_order()
        other = self.add_df_order()
        for _submission in range(2):  # the batch of two, then the order sent alone
            self.emulator.fail_next_vendor_transaction(number, "InvalidInput", "Bad vendor order")
        self.assertTrue(self.download(), self.vendor.last_error)
        self.exchange(runs=6)
        # The batch of two failed: each order went again alone; only the faulty one fails.
        sale, fine = self.df_orders(number), self.df_orders(other)
        self.assertEqual(fine.amazon_ack_state, "done")
        self.assertEqual(sale.amazon_ack_state, "failed")
        self.assertIn("Bad vendor order", sale.amazon_ack_error)
        self.assertTrue(sale.activity_ids)
        sale.action_amazon_acknowledge()
        self.exchange()
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)


@tagged("post_install", "-at_install")
class TestDirectFulfilmentShipping(DirectFulfilmentCase):
    def test_label_and_packing_slip_attached_with_the_tracking_number(self):
        self.vendor.df_use_amazon_labels = True
        number, sale = self.confirmed_df_order(pslip_required=True)
        picking = sale.picking_ids
        self.exchange()
        self.assertEqual(picking.amazon_df_label_state, "done", picking.amazon_df_label_error)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)]
        )
        label = attachments.filtered(lambda a: a.mimetype == "image/png")
        self.assertEqual(len(label), 1)
        self.assertTrue(base64.b64decode(label.datas).startswith(b"\x89PNG"))
        slip = attachments.filtered(lambda a: a.mimetype == "application/pdf")
        self.assertTrue(base64.b64decode(slip.datas).startswith(b"%PDF"))
        made = self.emulator.df_label_requests(SELLER, number)
        self.assertEqual(len(made), 1)
        self.assertTrue(picking.carrier_tracking_ref)

    def test_full_and_partial_shipments_confirmed_with_carrier_and_tracking(self):
        number, sale = self.confirmed_df_order([("MUG-1", 3, "5.00")])
        picking = self.delivery(sale)
        picking.move_ids.quantity = 2
        self.validate(picking)
        self.exchange()
        self.assertEqual(picking.amazon_asn_state, "done", picking.amazon_asn_error)
        first = self.emulator.df_shipment_confirmations(SELLER, number)
        self.assertEqual(len(first), 1)
        self.assertEqual(first[0]["items"][0]["shippedQuantity"]["amount"], 2)
        container = first[0]["containers"][0]
        self.assertEqual(container["trackingNumber"], picking.carrier_tracking_ref)
        self.assertEqual(container["scacCode"], "OURT")
        self.assertEqual(
            self.emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"], "ACCEPTED"
        )

        backorder = self.delivery(sale)
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.validate(backorder)
        self.exchange()
        self.assertEqual(backorder.amazon_asn_state, "done", backorder.amazon_asn_error)
        confirmations = self.emulator.df_shipment_confirmations(SELLER, number)
        self.assertEqual(
            [c["items"][0]["shippedQuantity"]["amount"] for c in confirmations], [2, 1]
        )
        self.assertEqual(
            self.emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"], "SHIPPED"
        )

    def test_invoice_sent_through_the_payments_api(self):
        number, sale = self.confirmed_df_order()
        self.validate(self.delivery(sale))
        invoice = sale._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amazon_vendor_invoice_state, "to_send")
        self.exchange()
        self.assertEqual(
            invoice.amazon_vendor_invoice_state, "done", invoice.amazon_vendor_invoice_error
        )
        sent = self.emulator.df_invoices(SELLER)
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["items"][0]["purchaseOrderNumber"], number)
        self.assertEqual(float(sent[0]["invoiceTotal"]["amount"]), invoice.amount_total)


@tagged("post_install", "-at_install")
class TestDirectFulfilmentInventory(DirectFulfilmentCase):
    def test_daily_inventory_of_one_warehouse_with_the_reserve(self):
        other = self.env["stock.warehouse"].create({"name": "Other", "code": "OTH"})
        self.env["stock.quant"]._update_available_quantity(self.mug, other.lot_stock_id, 500)
        self.put_in_stock(self.bottle, 7)
        self.env["amazon.offer"].create(
            {
                "account_id": self.vendor.id,
                "sku": "MUG-1",
                "asin": "B000MUG001",
                "product_id": self.mug.id,
                "reserve_type": "fixed",
                "reserve": 5,
            }
        )
        self.confirmed_df_order([("4006381333931", 1, "3.20")])  # sold through DF: included
        self.vendor.write({"df_inventory_hour": 20.0, "stock_reserve": 2})
        exporter = self.env["amazon.df.inventory.exporter"]
        morning = self.clock().replace(hour=9, minute=0)
        self.assertFalse(exporter._is_due(self.vendor, morning.replace(tzinfo=None)))
        self.assertTrue(exporter._is_due(self.vendor, morning.replace(hour=21, tzinfo=None)))

        self.vendor._df_send_inventory()
        self.assertEqual(self.vendor.df_inventory_state, "sent", self.vendor.df_inventory_error)
        self.exchange()
        self.assertEqual(self.vendor.df_inventory_state, "done")
        stock = self.emulator.df_inventory(SELLER, SHIP_FROM)
        # mug: 50 free in the DF warehouse (the other warehouse's 500 not counted), less 5;
        # bottle: 7 less the 1 reserved for the order, less the account's reserve of 2.
        self.assertEqual(stock, {"MUG-1": 45, "4006381333931": 4})
        self.assertFalse(exporter._is_due(self.vendor))

    def test_refused_inventory_is_shown_and_sent_again(self):
        self.env["amazon.offer"].create(
            {"account_id": self.vendor.id, "sku": "MUG-1", "product_id": self.mug.id}
        )
        self.emulator.fail_next_vendor_transaction(SHIP_FROM, "InvalidInput", "Unknown item")
        self.vendor._df_send_inventory()
        self.exchange()
        self.assertEqual(self.vendor.df_inventory_state, "failed")
        self.assertIn("Unknown item", self.vendor.df_inventory_error)
        failed = self.env["amazon.vendor.transaction"].search(
            [("account_id", "=", self.vendor.id), ("kind", "=", "df_inventory")]
        )
        self.assertEqual(failed.state, "failure")
        self.vendor.action_df_send_inventory()
        self.exchange()
        self.assertEqual(self.vendor.df_inventory_state, "done")
        self.assertEqual(self.emulator.df_inventory(SELLER, SHIP_FROM), {"MUG-1": 50})
