from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SELLER
from .test_order_import import BOTTLE, MUG, OrderImportCase

PICKING_LOGGER = "odoo.addons.amazon_connector.models.stock_picking"


@tagged("post_install", "-at_install")
class TestShipmentConfirmation(OrderImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        service = cls.env["product.product"].create({"name": "UPS shipping", "type": "service"})
        cls.ups = cls.env["delivery.carrier"].create(
            {
                "name": "UPS Ground",
                "product_id": service.id,
                "delivery_type": "fixed",
                "amazon_carrier_code": "UPS",
            }
        )
        cls.courier = cls.env["delivery.carrier"].create(
            {"name": "Bike courier", "product_id": service.id, "delivery_type": "fixed"}
        )
        stock = cls.account.fbm_warehouse_id.lot_stock_id
        for product in (cls.mug, cls.bottle):
            cls.env["stock.quant"]._update_available_quantity(product, stock, 50)

    def import_confirmed(self, items):
        order_id = self.add_order("fbm", items=items)
        self.sync()
        sale = self.sales(order_id)
        sale.action_confirm()
        return order_id, sale

    def ship(self, sale, quantities=None, tracking="1Z999AA10123456784", carrier=None):
        picking = sale.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking.carrier_id = carrier or self.ups
        picking.carrier_tracking_ref = tracking
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env[result["res_model"]].with_context(**result["context"])).save().process()
        return picking

    def send(self):
        self.env["stock.picking"]._cron_send_amazon_shipments()

    def item_ids(self, sale):
        return {line.product_id: line.amazon_order_item_id for line in sale.order_line}

    def test_full_shipment_is_confirmed_with_every_item(self):
        order_id, sale = self.import_confirmed([{**MUG, "quantity": 2}, BOTTLE])
        picking = self.ship(sale)
        self.assertEqual(picking.amazon_shipment_state, "to_send")
        self.send()
        self.assertEqual(picking.amazon_shipment_state, "sent", picking.amazon_shipment_error)
        self.assertTrue(picking.amazon_shipment_date)
        (confirmation,) = self.emulator.shipments_for(SELLER, order_id)
        package = confirmation["packageDetail"]
        items = {i["orderItemId"]: i["quantity"] for i in package["orderItems"]}
        ids = self.item_ids(sale)
        self.assertEqual(items, {ids[self.mug]: 2, ids[self.bottle]: 1})
        self.assertEqual(package["carrierCode"], "UPS")
        self.assertEqual(package["trackingNumber"], "1Z999AA10123456784")
        self.assertEqual(confirmation["marketplaceId"], sale.amazon_marketplace_id.marketplace_id)
        stored = self.emulator.get_stored_order(SELLER, order_id)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        self.assertContractClean()

    def test_partial_shipment_then_backorder(self):
        order_id, sale = self.import_confirmed([{**MUG, "quantity": 3}])
        first = self.ship(sale, {self.mug: 2}, tracking="TRACK-1")
        self.send()
        self.assertEqual(first.amazon_shipment_state, "sent")
        stored = self.emulator.get_stored_order(SELLER, order_id)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "PARTIALLY_SHIPPED")
        second = self.ship(sale, tracking="TRACK-2")
        self.assertNotEqual(first, second)
        self.send()
        self.assertEqual(second.amazon_shipment_state, "sent")
        quantities = [
            [item["quantity"] for item in c["packageDetail"]["orderItems"]]
            for c in self.emulator.shipments_for(SELLER, order_id)
        ]
        self.assertEqual(quantities, [[2], [1]])
        stored = self.emulator.get_stored_order(SELLER, order_id)
        self.assertEqual(stored["fulfillment"]["fulfillmentStatus"], "SHIPPED")

    def test_missing_tracking_number_blocks_validation(self):
        _order_id, sale = self.import_confirmed([MUG])
        with self.assertRaisesRegex(UserError, "tracking number"):
            self.ship(sale, tracking=False)
        self.assertEqual(sale.picking_ids.state, "assigned")
        self.assertFalse(self.emulator.requests_for("confirmShipment"))

    def test_carrier_without_amazon_code_blocks_validation(self):
        _order_id, sale = self.import_confirmed([MUG])
        with self.assertRaisesRegex(UserError, "Amazon carrier"):
            self.ship(sale, carrier=self.courier)

    def test_carrier_other_sends_its_name(self):
        self.courier.amazon_carrier_code = "Other"
        order_id, sale = self.import_confirmed([MUG])
        self.ship(sale, carrier=self.courier)
        self.send()
        (confirmation,) = self.emulator.shipments_for(SELLER, order_id)
        package = confirmation["packageDetail"]
        self.assertEqual(
            (package["carrierCode"], package["carrierName"]), ("Other", "Bike courier")
        )

    def test_amazon_rejection_is_shown_and_retry_works(self):
        order_id, sale = self.import_confirmed([MUG])
        picking = self.ship(sale)
        self.emulator.reject_next_shipment(order_id, "The tracking number is not valid")
        self.send()
        self.assertEqual(picking.amazon_shipment_state, "error")
        self.assertIn("The tracking number is not valid", picking.amazon_shipment_error)
        self.assertTrue(picking.activity_ids)
        picking.action_amazon_retry_shipment()
        self.assertEqual(picking.amazon_shipment_state, "to_send")
        self.send()
        self.assertEqual(picking.amazon_shipment_state, "sent")
        self.assertEqual(len(self.emulator.shipments_for(SELLER, order_id)), 1)

    def test_amazon_down_keeps_it_to_send(self):
        _order_id, sale = self.import_confirmed([MUG])
        picking = self.ship(sale)
        self.emulator.inject_fault("server_error", operation="confirmShipment", status=503)
        with self.assertLogs(PICKING_LOGGER, "WARNING"):
            self.send()
        self.assertEqual(picking.amazon_shipment_state, "to_send")
        self.send()
        self.assertEqual(picking.amazon_shipment_state, "sent")

    def test_fba_deliveries_are_never_confirmed(self):
        order_id = self.add_order("fba")
        self.sync()
        self.assertFalse(self.sales(order_id).picking_ids.amazon_shipment_state)
