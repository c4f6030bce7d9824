"""Deliveries of Amazon's purchase orders: the routing request that gets Amazon's carrier and
reference number (ARN) for collect shipments, and the shipment confirmation (ASN) sent when
the delivery is validated.

- Routing (Vendor Shipments SubmitShipments): once the delivery is packed (its packages,
  with their weights), Request Routing sends the purchase order's items, the carton count,
  the gross weight and the earliest pickup (the delivery's scheduled date). Amazon processes
  it; the carrier it assigns, its reference number and the pickup window are read back
  (GetShipmentDetails) onto the delivery. A collect delivery cannot be validated before its
  ARN is known; a prepaid one needs none.
- Confirmation (SubmitShipmentConfirmations): each validated delivery, partial ones and their
  backorders alike, is confirmed with the quantities it shipped per Amazon item, a carton
  per package (its SSCC when the package name is one, weight, tracking number and contents),
  the ARN, the carrier's SCAC and tracking or bill of lading number, and the expected delivery.

Both are transactions whose outcome Vendor Transaction Status gives later; Amazon's errors
land on the delivery with an activity and a button to send again.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..amazon_sp.documents import (
    AmazonDocumentError,
    Carton,
    ContainerContent,
    Party,
    RoutedPurchaseOrder,
    RoutingRequest,
    ShipmentConfirmationRequest,
    ShippedItem,
    Weight,
    build_routing_request,
    build_shipment_confirmations,
    is_sscc,
    parse_shipment_details,
)
from ..amazon_sp.documents.vendor_edi import build_routing_request_753, build_ship_notice_856
from .amazon_vendor_transaction import OUTCOME_HANDLERS

_logger = logging.getLogger(__name__)

# Amazon's weight units; Odoo keeps product and package weights in kilograms by default.
KILOGRAMS = "Kg"


def _business_days_after(moment, days):
    """Amazon asks a collect pickup at least two business days ahead."""
    while days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


class AmazonVendorShipmentExporter(models.AbstractModel):
    _name = "amazon.vendor.shipment.exporter"
    _description = "Amazon Vendor Routing and Shipment Confirmation Sender"

    @api.model
    def _send_all(self, account, client):
        """Send the routing requests and confirmations that wait; read the carriers Amazon
        assigned to routed deliveries. Returns how many submissions were sent."""
        Picking = self.env["stock.picking"]
        base = [
            ("sale_id.amazon_account_id", "=", account.id),
            ("sale_id.amazon_channel", "=", "vendor"),
            ("picking_type_code", "=", "outgoing"),
        ]
        sent = 0
        for picking in Picking.search([*base, ("amazon_routing_state", "=", "to_send")]):
            sent += self._send(account, client, picking, "routing")
        if client is not None:  # over EDI, Amazon's 754 brings the carrier by itself
            for picking in Picking.search([*base, ("amazon_routing_state", "=", "accepted")]):
                self._read_carrier(client, picking)
        for picking in Picking.search([*base, ("amazon_asn_state", "=", "to_send")]):
            sent += self._send(account, client, picking, "shipment")
        return sent

    # ------------------------------------------------------------------ sending

    def _send(self, account, client, picking, kind):
        if kind == "routing" and account._uses_edi():
            return self._submit(
                account,
                picking,
                kind,
                "amazon_routing",
                lambda: build_routing_request_753(self._routing_request(picking)),
                None,
            )
        if kind == "routing":
            return self._submit(
                account,
                picking,
                kind,
                "amazon_routing",
                lambda: build_routing_request([self._routing_request(picking)]),
                client.submit_shipments,
            )
        if account._uses_edi():
            return self._submit(
                account,
                picking,
                kind,
                "amazon_asn",
                lambda: build_ship_notice_856(self._confirmation(picking)),
                None,
            )
        return self._submit(
            account,
            picking,
            kind,
            "amazon_asn",
            lambda: build_shipment_confirmations([self._confirmation(picking)]),
            client.submit_shipment_confirmations,
        )

    @api.model
    def _submit(self, account, picking, kind, prefix, build, submit):  # noqa: PLR0917
        """Send one submission about a delivery (`build()` its body, `submit` the client's
        operation; None: `build()` makes a 753 or 856 sent over AS2); its state fields
        (`prefix`_state...) say it is sent, with the transaction. A body that cannot be
        built fails the delivery with why."""
        try:
            body = build()
        except AmazonDocumentError as error:
            self.env[OUTCOME_HANDLERS[kind]]._failed(picking, kind, str(error))
            return 0
        links = {"picking_id": picking.id, "sale_order_ids": picking.sale_id}
        if submit is None:
            document_type = "753" if kind == "routing" else "856"
            transaction = (
                self.env["amazon.edi.exchange"]._send_sets(account, document_type, [body], **links)
            ).transaction_id
        else:
            # A throttled or failing submission raises: the delivery stays to send.
            transaction = self.env["amazon.vendor.transaction"]._record(
                account, kind, submit(body), **links
            )
        picking.write(
            {
                f"{prefix}_state": "sent",
                f"{prefix}_transaction_id": transaction.id,
                f"{prefix}_error": False,
            }
        )
        return 1

    def _parties(self, picking):
        order = picking.sale_id
        warehouse = picking.picking_type_id.warehouse_id
        partner = warehouse.partner_id or picking.company_id.partner_id
        ship_from = Party(
            party_id=warehouse.code or order.amazon_selling_party or "",
            address=partner._amazon_address(),
        )
        return order.amazon_selling_party or "", ship_from, order.partner_shipping_id.ref or ""

    def _items(self, picking, done):
        """ShippedItems of the delivery, per Amazon item: what it ships (done) or is to ship."""
        return [
            ShippedItem(
                sequence=sequence,
                asin=line.amazon_asin or "",
                vendor_product_id=line.amazon_vendor_product_ref or "",
                quantity=quantity,
                purchase_order_number=picking.sale_id.amazon_order_ref,
            )
            for sequence, (line, quantity) in self._item_quantities(picking, done).items()
        ]

    @api.model
    def _item_quantities(self, picking, done):
        """{Amazon item sequence: (sale line, units)} the delivery ships (done) or is to
        ship, in the order line's unit; items of no unit left out."""
        quantities = defaultdict(float)
        lines = {}
        for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
            line = move.sale_line_id
            if not line.amazon_item_sequence:
                continue
            quantity = move.quantity if done else move.product_uom_qty
            quantities[line.amazon_item_sequence] += move.product_uom._compute_quantity(
                quantity, line.product_uom_id
            )
            lines[line.amazon_item_sequence] = line
        return {
            sequence: (lines[sequence], round(quantity))
            for sequence, quantity in quantities.items()
            if round(quantity)
        }

    @api.model
    def _package_contents(self, picking):
        """[(package or an empty record, {Amazon item sequence: units})] of a delivery as
        it was packed (what is in no package counts as one parcel), packages in order."""
        by_product = {
            line.product_id: line.amazon_item_sequence
            for line in picking.sale_id.order_line
            if line.amazon_item_sequence
        }
        contents = defaultdict(lambda: defaultdict(float))
        for move_line in picking.move_line_ids:
            sequence = move_line.move_id.sale_line_id.amazon_item_sequence or by_product.get(
                move_line.product_id
            )
            if sequence and move_line.quantity:
                contents[move_line.result_package_id][sequence] += move_line.quantity
        return [
            (package, {sequence: round(quantity) for sequence, quantity in packed.items()})
            for package, packed in sorted(contents.items(), key=lambda entry: entry[0].id or 0)
        ]

    def _routing_request(self, picking):
        selling_party, ship_from, ship_to = self._parties(picking)
        items = self._items(picking, done=False)
        packages = picking.move_line_ids.result_package_id
        weight = sum(p.shipping_weight or 0.0 for p in packages) or picking.shipping_weight
        return RoutingRequest(
            vendor_shipment_id=picking._amazon_vendor_shipment_ref(),
            selling_party_id=selling_party,
            ship_from=ship_from,
            ship_to_party_id=ship_to,
            freight_term=picking.amazon_freight_term,
            requested=fields.Datetime.now(),
            purchase_orders=(
                RoutedPurchaseOrder(number=picking.sale_id.amazon_order_ref, items=tuple(items)),
            ),
            ship_mode=picking.amazon_ship_mode,
            carton_count=len(packages) or None,
            gross_weight=Weight(Decimal(str(round(weight, 3))), KILOGRAMS) if weight else None,
            earliest_pickup=max(
                picking.scheduled_date, _business_days_after(fields.Datetime.now(), 2)
            ),
            estimated_delivery=picking.sale_id.commitment_date or None,
        )

    def _confirmation(self, picking):
        selling_party, ship_from, ship_to = self._parties(picking)
        items = self._items(picking, done=True)
        cartons = []
        for number, (package, packed) in enumerate(self._package_contents(picking), 1):
            weight = package.shipping_weight if package else 0.0
            sscc = package.name if package and is_sscc(package.name or "") else ""
            cartons.append(
                Carton(
                    sequence=f"{number:03d}",
                    items=tuple(
                        ContainerContent(item_sequence=sequence, quantity=quantity)
                        for sequence, quantity in packed.items()
                    ),
                    sscc=sscc,
                    weight=Weight(Decimal(str(round(weight, 3))), KILOGRAMS) if weight else None,
                    tracking_number=picking.carrier_tracking_ref or "",
                )
            )
        shipped = picking.date_done or fields.Datetime.now()
        scac = picking.amazon_carrier_scac or picking.carrier_id.amazon_scac or ""
        return ShipmentConfirmationRequest(
            shipment_id=picking._amazon_vendor_shipment_ref(),
            selling_party_id=selling_party,
            ship_from=ship_from,
            ship_to_party_id=ship_to,
            confirmed=fields.Datetime.now(),
            shipped=shipped,
            items=tuple(items),
            cartons=tuple(cartons),
            shipment_type=picking.amazon_ship_mode,
            arn=picking.amazon_arn or "",
            estimated_delivery=max(
                picking.sale_id.commitment_date or shipped, shipped + timedelta(days=1)
            ),
            carrier_scac=scac,
            carrier_reference=picking.amazon_carrier_reference
            or picking.carrier_tracking_ref
            or "",
            bill_of_lading=picking.amazon_bill_of_lading or "",
            freight_term=picking.amazon_freight_term or "",
        )

    # ------------------------------------------------------------------ Amazon's answers

    def _read_carrier(self, client, picking):
        """The carrier, ARN and pickup Amazon assigned to a routed delivery, once it has."""
        page = client.get_shipment_details(
            vendor_shipment_identifier=picking._amazon_vendor_shipment_ref()
        )
        for detail in parse_shipment_details(page.raw):
            if detail.arn or detail.carrier_scac:
                self._routed(picking, detail)
                return

    def _routed(self, picking, routing):
        """Amazon's carrier, ARN and pickup for a delivery: from GetShipmentDetails (a
        ShipmentDetail) or from a 754 (RoutingInstructions), which read alike."""
        start, end = routing.pickup_window or (False, False)
        picking.write(
            {
                "amazon_routing_state": "routed",
                "amazon_arn": routing.arn or False,
                "amazon_carrier_name": routing.carrier_name or False,
                "amazon_carrier_scac": routing.carrier_scac or False,
                "amazon_carrier_reference": routing.carrier_reference or False,
                "amazon_pickup_start": start,
                "amazon_pickup_end": end,
            }
        )
        picking.message_post(
            body=self.env._(
                "Amazon routed the delivery: ARN %(arn)s, carrier %(carrier)s.",
                arn=routing.arn or "-",
                carrier=routing.carrier_name or routing.carrier_scac or "-",
            )
        )

    @api.model
    def _transaction_done(self, transaction):
        picking = transaction.picking_id
        kind = "routing" if transaction.kind == "routing" else "shipment"
        state_field = "amazon_routing_state" if kind == "routing" else "amazon_asn_state"
        if not picking or picking[state_field] != "sent":
            return
        if transaction.state == "failure":
            self._failed(picking, kind, transaction.error)
            return
        if kind == "routing":
            picking.amazon_routing_state = "accepted"  # the carrier is read on the next runs
            return
        picking.write({"amazon_asn_state": "done", "amazon_asn_error": False})

    def _failed(self, picking, kind, error):
        if kind == "routing":
            picking.write({"amazon_routing_state": "failed", "amazon_routing_error": error})
            summary = self.env._("Amazon refused the routing request")
        else:
            picking.write({"amazon_asn_state": "failed", "amazon_asn_error": error})
            summary = self.env._("Amazon refused the shipment confirmation")
        picking.sale_id.amazon_account_id._ask_a_person(
            picking,
            summary,
            self.env._("Amazon's answer: %s. Fix the cause, then send it again.", error),
        )
