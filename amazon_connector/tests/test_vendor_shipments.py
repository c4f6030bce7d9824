"""Vendor Central deliveries and invoices: collect shipments routed by Amazon (no validation
without the ARN), shipment notices with cartons, ARN and carrier, partial shipments, and
invoices sent and accepted."""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SELLER
from .test_vendor_orders import MUG, VendorCase


class VendorDeliveryCase(VendorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The company's address: where Amazon picks up, and where it remits invoices.
        cls.company.partner_id.write(
            {
                "street": "500 Industrial Way",
                "city": "Tacoma",
                "zip": "98421",
                "country_id": cls.env.ref("base.us").id,
                "state_id": cls.env.ref("base.state_us_48").id,
            }
        )
        cls.mug.weight = 0.4
        service = cls.env["product.product"].create({"name": "Freight", "type": "service"})
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Our trucks",
                "product_id": service.id,
                "delivery_type": "fixed",
                "amazon_scac": "OURT",
            }
        )

    def setUp(self):
        super().setUp()
        self.put_in_stock(self.mug, 50)

    def confirmed_po(self, quantity=10):
        number = self.add_po([{**MUG, "quantity": quantity}])
        self.sync()
        sale = self.purchase_orders(number)
        self.acknowledge(sale)
        self.assertEqual(sale.state, "sale", sale.amazon_ack_error)
        return number, sale

    def delivery(self, sale):
        """The delivery still to ship, by our trucks (SCAC OURT) unless Amazon routes it."""
        picking = sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if picking and not picking.carrier_tracking_ref:
            picking.carrier_id = picking.carrier_id or self.carrier
            picking.carrier_tracking_ref = f"TRUCK-{picking.id:04d}"
        return picking

    def pack(self, picking, sizes, weight=2.5):
        """Put the delivery's units in packages of these sizes."""
        picking.action_assign()
        move = picking.move_ids
        move.move_line_ids.unlink()
        for size in sizes:
            package = self.env["stock.package"].create({"shipping_weight": weight})
            self.env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": size,
                    "result_package_id": package.id,
                    "picked": True,
                }
            )
        move.picked = True

    def validate(self, picking):
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env[result["res_model"]].with_context(**result["context"])).save().process()

    def exchange(self, runs=4):
        for _run in range(runs):
            self.clock.advance(minutes=1)
            self.assertTrue(self.vendor._vendor_submissions(), self.vendor.last_error)


@tagged("post_install", "-at_install")
class TestVendorShipments(VendorDeliveryCase):
    def test_collect_delivery_waits_for_the_arn_then_notice_with_cartons(self):
        self.vendor.vendor_freight_term = "Collect"
        self.emulator.set_vendor_freight_term(SELLER, "Collect")
        number, sale = self.confirmed_po(10)
        picking = self.delivery(sale)
        self.assertEqual(picking.amazon_freight_term, "Collect")
        with self.assertRaises(UserError):
            picking.action_amazon_request_routing()  # not packed yet
        self.pack(picking, [6, 4])
        with self.assertRaisesRegex(UserError, "ARN"):
            picking.button_validate()
        picking.action_amazon_request_routing()
        self.exchange()
        self.assertEqual(picking.amazon_routing_state, "routed", picking.amazon_routing_error)
        self.assertTrue(picking.amazon_arn)
        self.assertTrue(picking.amazon_carrier_scac)
        (request,) = self.emulator.vendor_shipment_requests(SELLER)
        self.validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_asn_state, "to_send")
        self.exchange()
        self.assertEqual(picking.amazon_asn_state, "done", picking.amazon_asn_error)
        (notice,) = self.emulator.vendor_shipment_confirmations(SELLER, number)
        confirmation = notice["confirmation"]
        self.assertEqual(confirmation["amazonReferenceNumber"], picking.amazon_arn)
        self.assertEqual(
            [c["items"][0]["shippedQuantity"]["amount"] for c in confirmation["cartons"]], [6, 4]
        )
        self.assertEqual(
            confirmation["transportationDetails"]["carrierScac"], picking.amazon_carrier_scac
        )
        (item,) = confirmation["shippedItems"]
        self.assertEqual(item["shippedQuantity"]["amount"], 10)
        self.assertEqual(item["itemDetails"]["purchaseOrderNumber"], number)
        self.assertTrue(request)
        self.assertContractClean()

    def test_prepaid_partial_shipment_and_its_backorder_are_each_confirmed(self):
        number, sale = self.confirmed_po(10)
        picking = self.delivery(sale)
        self.pack(picking, [6])
        self.validate(picking)  # no ARN needed for prepaid freight
        backorder = self.delivery(sale)
        self.assertEqual(backorder.move_ids.product_uom_qty, 4)
        self.exchange()
        self.assertEqual(picking.amazon_asn_state, "done", picking.amazon_asn_error)
        self.pack(backorder, [4])
        self.validate(backorder)
        self.exchange()
        self.assertEqual(backorder.amazon_asn_state, "done", backorder.amazon_asn_error)
        first, second = self.emulator.vendor_shipment_confirmations(SELLER, number)
        quantities = [
            n["confirmation"]["shippedItems"][0]["shippedQuantity"]["amount"]
            for n in (first, second)
        ]
        self.assertEqual(quantities, [6, 4])
        self.assertEqual(first["confirmation"]["transportationDetails"]["carrierScac"], "OURT")

    def test_refused_notice_shows_amazons_error_and_is_sent_again(self):
        number, sale = self.confirmed_po(3)
        picking = self.delivery(sale)
        self.pack(picking, [3])
        self.emulator.fail_next_vendor_transaction(number, "InvalidInput", "Unknown carrier.")
        self.validate(picking)
        self.exchange()
        self.assertEqual(picking.amazon_asn_state, "failed")
        self.assertIn("Unknown carrier.", picking.amazon_asn_error)
        self.assertTrue(picking.activity_ids)
        picking.action_amazon_resend_notice()
        self.exchange()
        self.assertEqual(picking.amazon_asn_state, "done", picking.amazon_asn_error)


@tagged("post_install", "-at_install")
class TestVendorInvoices(VendorDeliveryCase):
    def test_invoice_is_sent_and_its_transaction_accepted(self):
        number, sale = self.confirmed_po(4)
        picking = self.delivery(sale)
        self.pack(picking, [4])
        self.validate(picking)
        self.exchange()
        self.assertEqual(picking.amazon_asn_state, "done", picking.amazon_asn_error)
        invoice = sale._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amazon_vendor_invoice_state, "to_send")
        self.exchange()
        self.assertEqual(
            invoice.amazon_vendor_invoice_state, "done", invoice.amazon_vendor_invoice_error
        )
        (sent,) = self.emulator.vendor_invoices(SELLER)
        body = sent["invoice"]
        (item,) = body["items"]
        self.assertEqual(item["invoicedQuantity"]["amount"], 4)
        self.assertEqual(item["netCost"]["amount"], "5.00")
        self.assertEqual(item["purchaseOrderNumber"], number)
        self.assertEqual(body["invoiceTotal"]["amount"], f"{invoice.amount_total:.2f}")
        self.assertEqual(invoice.amazon_vendor_transaction_id.state, "success")
        self.assertContractClean()

    def test_refused_invoice_shows_amazons_error_and_is_sent_again(self):
        number, sale = self.confirmed_po(2)
        picking = self.delivery(sale)
        self.pack(picking, [2])
        self.validate(picking)
        self.exchange()
        self.emulator.fail_next_vendor_transaction(number, "InvalidInput", "Remit-to unknown.")
        invoice = sale._create_invoices()
        invoice.action_post()
        self.exchange()
        self.assertEqual(invoice.amazon_vendor_invoice_state, "failed")
        self.assertIn("Remit-to unknown.", invoice.amazon_vendor_invoice_error)
        invoice.action_amazon_send_vendor_invoice()
        self.exchange()
        self.assertEqual(
            invoice.amazon_vendor_invoice_state, "done", invoice.amazon_vendor_invoice_error
        )
