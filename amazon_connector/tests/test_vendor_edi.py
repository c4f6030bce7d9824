"""Vendor EDI: the Vendor Central flow with X12 files over AS2, against the emulator's AS2
partner (its own certificates), through Odoo's real HTTP route."""

import unittest
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..amazon_sp.as2 import pyas2lib_unavailable_reason
from ..amazon_sp.as2_certificates import generate_key_pair
from .common import SELLER, AmazonCase, import_emulator_module

AS2_ID = "ODOOVENDOR"
EXCHANGE_LOGGER = "odoo.addons.amazon_connector.models.amazon_edi_exchange"
MUG = {"vendor_sku": "MUG-1", "asin": "B000MUG001"}


@tagged("post_install", "-at_install")
class TestVendorEdi(HttpCase, AmazonCase):
    @classmethod
    def setUpClass(cls):
        reason = pyas2lib_unavailable_reason()
        if reason:
            raise unittest.SkipTest(f"pyas2lib cannot be loaded: {reason}")
        super().setUpClass()
        env = cls.env
        cls.keys = generate_key_pair(AS2_ID, organization="Odoo vendor")
        cls.vendor = env["amazon.account"].create(
            {
                "name": "EDI vendor",
                "kind": "vendor",
                "company_id": cls.company.id,
                "region": "na",
                "lwa_client_id": cls.account.lwa_client_id,
                "lwa_client_secret": cls.account.sudo().lwa_client_secret,
                "refresh_token": cls.account.sudo().refresh_token,
                "api_endpoint": cls.emulator.url,
                "lwa_endpoint": cls.emulator.lwa_url,
                "edi_as2_id": AS2_ID,
                "edi_interchange_id": AS2_ID,
                "edi_private_key": cls.keys.private_key_pem.decode(),
                "edi_certificate": cls.keys.certificate_pem.decode(),
            }
        )
        cls.mug = env["product.product"].create(
            {"name": "Mug", "default_code": "MUG-1", "type": "consu", "is_storable": True}
        )
        cls.stock = cls.vendor.vendor_warehouse_id.lot_stock_id
        cls.company.partner_id.write(
            {
                "street": "500 Industrial Way",
                "city": "Tacoma",
                "zip": "98421",
                "country_id": env.ref("base.us").id,
                "state_id": env.ref("base.state_us_48").id,
            }
        )
        cls.mug.weight = 0.4
        service = env["product.product"].create({"name": "Freight", "type": "service"})
        cls.carrier = env["delivery.carrier"].create(
            {
                "name": "Our trucks",
                "product_id": service.id,
                "delivery_type": "fixed",
                "amazon_scac": "OURT",
            }
        )

    def setUp(self):
        super().setUp()
        self.as2 = self.emulator.as2
        self.vendor.write(
            {
                "vendor_transport": "edi",
                "edi_amazon_url": self.as2.url,
                "edi_amazon_certificate": self.as2.certificate_pem.decode(),
            }
        )
        self.as2.configure_partner(
            AS2_ID,
            self.keys.certificate_pem,
            url=f"{self.base_url()}/amazon_connector/as2/{self.vendor.id}",
            interchange_id=AS2_ID,
        )
        self.assertTrue(self.vendor._check_connection(), self.vendor.last_error)

    def exchanges(self, direction=None, document_type=None):
        domain = [("account_id", "=", self.vendor.id)]
        if direction:
            domain.append(("direction", "=", direction))
        if document_type:
            domain.append(("document_type", "=", document_type))
        return self.env["amazon.edi.exchange"].search(domain)

    def purchase_order(self, number):
        return self.env["sale.order"].search(
            [("amazon_account_id", "=", self.vendor.id), ("amazon_order_ref", "=", number)]
        )

    def received(self, kind):
        """The files of `kind` Amazon took from us, as text."""
        return [f.payload.decode() for f in self.as2.received if f.kind == kind]

    def from_amazon(self, send, *args, **kwargs):
        """Amazon's AS2 server posting to Odoo's route (as any outside client: no session)."""
        self.env.flush_all()  # the server's requests read the database, not this cache
        with self.allow_requests(all_requests=True):
            sent = send(*args, **kwargs)
        self.env.invalidate_all()
        return sent

    def send_850(self, number, quantity=10, **options):
        return self.from_amazon(
            self.as2.send_purchase_order,
            number,
            [{**MUG, "quantity": quantity, "unit_price": "5.00"}],
            ship_to="ABE2",
            **options,
        )

    def test_an_850_becomes_the_same_sale_order_as_the_api_import(self):
        # the same purchase order, once from the API...
        self.vendor.vendor_transport = "api"
        make = import_emulator_module().make_purchase_order
        self.emulator.add_purchase_order(
            SELLER,
            make(
                "PO000001",
                items=[{**MUG, "quantity": 10, "net_cost": "5.00", "currency": "USD"}],
                created=fields.Datetime.now() - timedelta(hours=1),
                ship_to="ABE2",
            ),
        )
        self.assertTrue(self.vendor._sync_orders(), self.vendor.last_error)
        from_api = self.purchase_order("PO000001")
        self.assertTrue(from_api)
        # ...then as an 850 over AS2
        self.vendor.vendor_transport = "edi"
        sent = self.send_850("PO000002")
        self.assertTrue(sent.accepted, (sent.http_status, sent.mdn_status, sent.mdn_detail))
        from_edi = self.purchase_order("PO000002")
        self.assertTrue(from_edi)
        for field in ("partner_id", "partner_shipping_id", "warehouse_id", "pricelist_id"):
            self.assertEqual(from_edi[field], from_api[field], field)
        self.assertEqual(
            [
                (line.product_id, line.product_uom_qty, line.price_unit)
                for line in from_edi.order_line
            ],
            [
                (line.product_id, line.product_uom_qty, line.price_unit)
                for line in from_api.order_line
            ],
        )
        self.assertEqual(from_edi.amazon_channel, "vendor")
        self.assertEqual(from_edi.amazon_ack_state, "proposed")
        self.assertTrue(from_edi.amazon_delivery_window_end)

        (received,) = self.exchanges("in", "850")
        self.assertEqual(received.state, "done", received.error)
        self.assertEqual(received.sale_order_ids, from_edi)
        self.assertEqual(received.mdn_state, "sent")
        # our 997 answered it, positively, and Amazon took it
        (answer,) = self.exchanges("out", "997")
        self.assertEqual(answer.state, "sent", answer.error)
        self.assertEqual(answer.mdn_state, "ok")
        (acknowledgement,) = self.received("997")
        self.assertIn("AK9*A*1*1*1", acknowledgement)

    def test_the_855_carries_accepted_and_back_ordered_lines_and_amazons_997_confirms(self):
        self.env["stock.quant"]._update_available_quantity(self.mug, self.stock, 7)
        self.send_850("PO000003", back_orders_allowed=True)
        sale = self.purchase_order("PO000003")
        line = sale.order_line
        self.assertEqual((line.amazon_accepted_qty, line.amazon_backordered_qty), (7, 3))
        sale.action_amazon_acknowledge()
        self.assertTrue(self.vendor._vendor_submissions())
        self.assertEqual(sale.amazon_ack_state, "sent")
        (sent,) = self.exchanges("out", "855")
        self.assertEqual((sent.state, sent.mdn_state), ("sent", "ok"), sent.error)
        (ack,) = self.received("855")
        self.assertIn("BAK*00*AC*PO000003", ack)
        self.assertIn("ACK*IA*7*EA", ack)
        self.assertIn("ACK*IB*3*EA", ack)
        # Amazon's 997 for it: the acknowledgement is taken, the order confirmed
        (answered,) = self.from_amazon(self.as2.send_acknowledgements)
        self.assertTrue(answered.accepted, answered.mdn_detail)
        self.env.invalidate_all()
        self.assertEqual(sent.state, "accepted")
        self.assertEqual(sale.amazon_transaction_id.state, "success")
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)
        self.assertEqual(sale.state, "sale")

    def confirmed_po(self, number, quantity):
        """An 850 acknowledged in full (855) and confirmed by Amazon's 997."""
        self.env["stock.quant"]._update_available_quantity(self.mug, self.stock, 50)
        self.send_850(number, quantity=quantity)
        sale = self.purchase_order(number)
        sale.action_amazon_acknowledge()
        self.assertTrue(self.vendor._vendor_submissions())
        self.from_amazon(self.as2.send_acknowledgements)
        self.assertEqual(sale.state, "sale", sale.amazon_ack_error)
        return sale

    def test_the_856_carries_cartons_arn_and_carrier_and_the_810_the_invoice(self):
        sale = self.confirmed_po("PO000007", 4)
        picking = sale.picking_ids
        picking.write(
            {
                "carrier_id": self.carrier.id,
                "carrier_tracking_ref": "TRUCK-0007",
                "amazon_arn": "8432975610",
            }
        )
        picking.action_assign()
        move = picking.move_ids
        move.move_line_ids.unlink()
        for _carton in range(2):
            package = self.env["stock.package"].create({"shipping_weight": 1.0})
            self.env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": self.mug.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": 2,
                    "result_package_id": package.id,
                    "picked": True,
                }
            )
        move.picked = True
        picking.button_validate()
        self.assertEqual(picking.amazon_asn_state, "to_send")
        self.assertTrue(self.vendor._vendor_submissions())
        (notice,) = self.received("856")
        self.assertIn("REF*AO*8432975610", notice)
        self.assertIn("OURT", notice)
        self.assertIn("PRF*PO000007", notice)
        self.assertEqual(notice.count("MAN*"), 2, "a label per carton")
        levels = [
            segment.split("*")[3]
            for segment in notice.split("~")
            if segment.strip().startswith("HL*")
        ]
        self.assertEqual(levels[:2], ["S", "O"], "the shipment, then the order")
        self.assertEqual(levels.count("P"), 2, "the two cartons")
        self.assertEqual(levels.count("I"), 2, "the item in each carton")
        self.from_amazon(self.as2.send_acknowledgements)
        self.assertEqual(picking.amazon_asn_state, "done", picking.amazon_asn_error)

        invoice = sale._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amazon_vendor_invoice_state, "to_send")
        self.assertTrue(self.vendor._vendor_submissions())
        (sent,) = self.received("810")
        invoice_number = invoice.name.replace("/", "-")  # Amazon's invoice number characters
        self.assertIn(f"BIG*{invoice.invoice_date:%Y%m%d}*{invoice_number}**PO000007~", sent)
        self.assertIn("IT1*", sent)
        self.assertIn(f"TDS*{round(invoice.amount_total * 100)}", sent)
        self.from_amazon(self.as2.send_acknowledgements)
        self.assertEqual(
            invoice.amazon_vendor_invoice_state, "done", invoice.amazon_vendor_invoice_error
        )

    def test_a_collect_delivery_is_routed_by_a_753_and_amazons_754(self):
        self.vendor.vendor_freight_term = "Collect"
        sale = self.confirmed_po("PO000010", 4)
        picking = sale.picking_ids
        self.assertEqual(picking.amazon_freight_term, "Collect")
        picking.action_assign()
        picking.move_ids.picked = True
        picking.action_put_in_pack()
        picking.action_amazon_request_routing()
        self.assertTrue(self.vendor._vendor_submissions())
        (request,) = self.received("753")
        self.assertIn("PO000010", request)
        self.assertEqual(picking.amazon_routing_state, "sent")
        pickup = fields.Datetime.now().replace(second=0, microsecond=0) + timedelta(days=2)
        routed = self.from_amazon(
            self.as2.send_routing_instructions,
            arn="7710055555",
            carrier_scac="UPSN",
            pickup=pickup,
            carrier_name="UPS Freight",
            carrier_reference="PRO123456",
        )
        self.assertTrue(routed.accepted, routed.mdn_detail)
        self.assertEqual(picking.amazon_routing_state, "routed", picking.amazon_routing_error)
        self.assertEqual((picking.amazon_arn, picking.amazon_carrier_scac), ("7710055555", "UPSN"))
        self.assertEqual(picking.amazon_pickup_start, pickup)
        self.assertEqual(picking.amazon_carrier_reference, "PRO123456")
        answers = self.exchanges("out", "997")
        self.assertEqual(len(answers), 2, "our 997s: for the 850 and for the 754")
        # Amazon's 997 of the 753 comes after: the routing stays as the 754 set it
        self.from_amazon(self.as2.send_acknowledgements)
        self.assertEqual(picking.amazon_routing_state, "routed")
        picking.carrier_tracking_ref = "1ZUPSN0001"  # the small parcel's label from the carrier
        picking.button_validate()
        self.assertEqual((picking.state, picking.amazon_asn_state), ("done", "to_send"))
        self.assertTrue(self.vendor._vendor_submissions())
        self.assertEqual(picking.amazon_asn_state, "sent", picking.amazon_asn_error)
        (notice,) = self.received("856")
        self.assertIn("REF*AO*7710055555", notice)
        self.assertIn("UPSN", notice)

    def test_a_file_amazon_could_not_take_is_kept_and_sent_again(self):
        self.send_850("PO000008", quantity=1)
        sale = self.purchase_order("PO000008")
        url = self.vendor.edi_amazon_url
        self.vendor.edi_amazon_url = "http://127.0.0.1:9/as2"  # nobody listens there
        sale.action_amazon_acknowledge()
        with self.assertLogs(EXCHANGE_LOGGER, "WARNING"):
            self.assertTrue(self.vendor._vendor_submissions())
        (failed,) = self.exchanges("out", "855")
        self.assertEqual((failed.state, failed.mdn_state), ("error", "failed"))
        self.assertTrue(failed.error)
        self.assertFalse(self.received("855"))
        self.vendor.edi_amazon_url = url
        failed.action_resend()
        self.assertEqual(failed.state, "sent", failed.error)
        (ack,) = self.received("855")
        self.assertIn(f"*{failed.interchange_number}*", ack, "the same file, same number")
        self.from_amazon(self.as2.send_acknowledgements)
        self.assertEqual(sale.amazon_ack_state, "done", sale.amazon_ack_error)

    def test_an_unknown_item_is_an_issue_whose_retry_reads_the_file_again(self):
        self.from_amazon(
            self.as2.send_purchase_order,
            "PO000009",
            [{"vendor_sku": "LAMP-9", "quantity": 2, "unit_price": "9.00"}],
            ship_to="ABE2",
        )
        self.assertFalse(self.purchase_order("PO000009"))
        (issue,) = self.env["amazon.order.issue"].search([("account_id", "=", self.vendor.id)])
        self.assertEqual((issue.kind, issue.amazon_order_ref), ("product", "PO000009"))
        lamp = self.env["product.product"].create(
            {"name": "Lamp", "default_code": "LAMP-9", "type": "consu", "is_storable": True}
        )
        issue.action_retry()
        sale = self.purchase_order("PO000009")
        self.assertEqual(sale.order_line.product_id, lamp)
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(len(self.exchanges("in")), 1, "read again from the stored file")

    def test_a_message_not_signed_by_amazon_is_refused(self):
        with (
            self.assertLogs(EXCHANGE_LOGGER, "WARNING") as logs,
            self.assertLogs("pyas2lib", "ERROR"),
        ):
            sent = self.from_amazon(
                self.as2.send_to_partner,
                self.as2.make_850("PO000004", [{**MUG, "quantity": 1, "unit_price": "5"}]).encode(),
                bad_signature=True,
            )
        self.assertEqual(sent.http_status, 403)
        self.assertNotIn("PO000004", "".join(logs.output))
        self.env.invalidate_all()
        self.assertFalse(self.exchanges())
        self.assertFalse(self.purchase_order("PO000004"))

    def test_a_message_received_twice_is_processed_once(self):
        text = self.as2.make_850("PO000005", [{**MUG, "quantity": 2, "unit_price": "5"}])
        first = self.from_amazon(self.as2.send_to_partner, text.encode())
        with self.assertLogs("pyas2lib", "ERROR"):  # pyas2lib's word for a duplicate
            again = self.from_amazon(
                self.as2.send_to_partner, text.encode(), repeat_message_id=True
            )
        self.assertTrue(first.accepted)
        self.assertEqual(again.http_status, 200)
        self.env.invalidate_all()
        self.assertEqual(len(self.exchanges("in")), 1)
        self.assertEqual(len(self.purchase_order("PO000005")), 1)
        self.assertEqual(len(self.exchanges("out", "997")), 1)

    def test_a_malformed_850_gets_a_negative_997_and_an_issue_saying_where(self):
        text = self.as2.make_850("PO000006", [{**MUG, "quantity": 2, "unit_price": "5"}])
        segments = text.split("~")
        se = next(i for i, s in enumerate(segments) if s.strip().startswith("SE*"))
        count, control = segments[se].strip().split("*")[1:3]
        segments[se] = segments[se].replace(f"SE*{count}*", f"SE*{int(count) + 5}*")
        sent = self.from_amazon(self.as2.send_to_partner, "~".join(segments).encode())
        self.assertTrue(sent.accepted, "the file itself arrived")
        self.env.invalidate_all()
        self.assertFalse(self.purchase_order("PO000006"))
        (received,) = self.exchanges("in", "850")
        self.assertIn("segment", received.error)
        (issue,) = self.env["amazon.order.issue"].search([("account_id", "=", self.vendor.id)])
        self.assertEqual(issue.kind, "document")
        self.assertIn(control, issue.reason)
        (acknowledgement,) = self.received("997")
        self.assertIn(f"AK2*850*{control}", acknowledgement)
        self.assertIn("AK5*R", acknowledgement)
        self.assertIn("AK9*R", acknowledgement)
