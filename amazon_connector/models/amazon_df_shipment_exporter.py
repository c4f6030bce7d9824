"""Deliveries of Amazon's direct fulfilment orders: Amazon's shipping labels (with the packing
slip and customer invoice Amazon makes), and the shipment confirmation of each validated
delivery.

- Labels (when the account uses Amazon's): once the order is confirmed (and again on request,
  after repacking), the label request sends the delivery's packages (what is not in a
  package is one parcel) with their weights and contents. When Amazon has made the label,
  it is fetched onto the delivery as an attachment, its tracking numbers become the
  delivery's; the packing slip is attached too when Amazon requires one for the order, and
  the customer invoice where the account says Amazon provides them.
- Confirmation: each validated delivery (a partial one, then its backorder) is confirmed
  with the units it shipped per Amazon item, a package per parcel with its weight, contents,
  carrier and tracking number, the ship date and Amazon's ship-from warehouse.

Both are transactions whose outcome the direct fulfilment transactions API gives later;
Amazon's errors land on the delivery with an activity and a button to send again.
"""

import base64
import logging
from decimal import Decimal

from odoo import api, fields, models

from ..amazon_sp import AmazonRequestError
from ..amazon_sp.documents import (
    AmazonDocumentError,
    DfContainer,
    DfLabelRequest,
    DfPackedItem,
    DfShipmentConfirmation,
    DfShippedItem,
    build_df_shipment_confirmations,
    build_shipping_label_request,
    parse_customer_invoice,
    parse_packing_slip,
    parse_shipping_label,
)

_logger = logging.getLogger(__name__)

CHANNEL = "direct_fulfillment"
KILOGRAMS = "KG"
LABEL_MIMETYPES = {"PNG": ("image/png", "png"), "ZPL": ("text/plain", "zpl")}
NOT_MADE_YET = 404


class AmazonDfShipmentExporter(models.AbstractModel):
    _name = "amazon.df.shipment.exporter"
    _description = "Amazon Direct Fulfilment Label and Shipment Confirmation Sender"

    @api.model
    def _send_all(self, account, client):
        """Ask the labels that wait, fetch those Amazon made, confirm validated deliveries.
        Returns how many submissions were sent."""
        Picking = self.env["stock.picking"]
        base = [
            ("sale_id.amazon_account_id", "=", account.id),
            ("sale_id.amazon_channel", "=", CHANNEL),
            ("picking_type_code", "=", "outgoing"),
        ]
        sent = 0
        for picking in Picking.search([*base, ("amazon_df_label_state", "=", "to_send")]):
            sent += self._send(account, client, picking, "df_label")
        for picking in Picking.search([*base, ("amazon_df_label_state", "=", "accepted")]):
            self._fetch_documents(account, client, picking)
        for picking in Picking.search([*base, ("amazon_asn_state", "=", "to_send")]):
            sent += self._send(account, client, picking, "df_shipment")
        return sent

    # ------------------------------------------------------------------ sending

    def _send(self, account, client, picking, kind):
        submit = self.env["amazon.vendor.shipment.exporter"]._submit
        if kind == "df_label":
            return submit(
                account,
                picking,
                kind,
                "amazon_df_label",
                lambda: build_shipping_label_request([self._label_request(picking)]),
                client.submit_shipping_label_request,
            )
        return submit(
            account,
            picking,
            kind,
            "amazon_asn",
            lambda: build_df_shipment_confirmations([self._confirmation(picking)]),
            client.submit_df_shipment_confirmations,
        )

    def _parties(self, picking):
        order = picking.sale_id
        return order.amazon_selling_party or "", order.amazon_df_ship_from or ""

    def _containers(self, picking, done):
        """DfContainers of the delivery: its packages as packed (what is in none, one
        parcel), or, before anything is reserved, one parcel of every unit to ship."""
        exporter = self.env["amazon.vendor.shipment.exporter"]
        contents = exporter._package_contents(picking)
        if not contents:
            quantities = exporter._item_quantities(picking, done)
            contents = [
                (self.env["stock.package"], {seq: qty for seq, (_l, qty) in quantities.items()})
            ]
        lines = {
            line.amazon_item_sequence: line
            for line in picking.sale_id.order_line
            if line.amazon_item_sequence
        }
        carrier = picking.carrier_id
        containers = []
        for number, (package, packed) in enumerate(contents, 1):
            weight = (package.shipping_weight if package else 0.0) or sum(
                lines[sequence].product_id.weight * units for sequence, units in packed.items()
            )
            if not weight:
                raise AmazonDocumentError(
                    self.env._(
                        "Amazon needs the weight of each parcel: give the products a weight "
                        "(or weigh the packages), then send it again."
                    ),
                    document="direct fulfilment shipment",
                )
            containers.append(
                DfContainer(
                    identifier=package.name if package else f"{picking.name}-{number}",
                    sequence=number,
                    weight=Decimal(str(round(weight, 3))),
                    weight_unit=KILOGRAMS,
                    items=tuple(
                        DfPackedItem(
                            sequence=int(sequence),
                            asin=lines[sequence].amazon_asin or "",
                            vendor_product_id=lines[sequence].amazon_vendor_product_ref or "",
                            quantity=quantity,
                        )
                        for sequence, quantity in packed.items()
                    ),
                    tracking_number=picking.carrier_tracking_ref or "",
                    carrier=carrier.name or "",
                    scac=carrier.amazon_scac or "",
                    ship_method=picking.sale_id.amazon_df_ship_method or "",
                )
            )
        return tuple(containers)

    def _label_request(self, picking):
        selling_party, ship_from = self._parties(picking)
        return DfLabelRequest(
            number=picking.sale_id.amazon_order_ref,
            selling_party_id=selling_party,
            ship_from_party_id=ship_from,
            containers=self._containers(picking, done=False),
        )

    def _confirmation(self, picking):
        selling_party, ship_from = self._parties(picking)
        quantities = self.env["amazon.vendor.shipment.exporter"]._item_quantities(
            picking, done=True
        )
        return DfShipmentConfirmation(
            number=picking.sale_id.amazon_order_ref,
            selling_party_id=selling_party,
            ship_from_party_id=ship_from,
            shipped=picking.date_done or fields.Datetime.now(),
            items=tuple(
                DfShippedItem(
                    sequence=int(sequence),
                    asin=line.amazon_asin or "",
                    vendor_product_id=line.amazon_vendor_product_ref or "",
                    quantity=quantity,
                )
                for sequence, (line, quantity) in quantities.items()
            ),
            containers=self._containers(picking, done=True),
            vendor_order_number=picking.sale_id.name,
        )

    # ------------------------------------------------------------------ Amazon's documents

    def _fetch_documents(self, account, client, picking):
        """The label Amazon made, with the packing slip and customer invoice; a document
        not made yet (404) is fetched on a later run."""
        number = picking.sale_id.amazon_order_ref
        try:
            label = parse_shipping_label(client.get_shipping_label(number))
            slip = (
                parse_packing_slip(client.get_packing_slip(number))
                if picking.sale_id.amazon_df_packing_slip_required
                else None
            )
            invoice = (
                parse_customer_invoice(client.get_customer_invoice(number))
                if account.df_customer_invoices
                else None
            )
        except AmazonRequestError as error:
            if error.status != NOT_MADE_YET:
                raise
            _logger.info("Amazon's documents of %s are not made yet", number)
            return
        except AmazonDocumentError as error:
            self._failed(picking, "df_label", str(error))
            return
        mimetype, extension = LABEL_MIMETYPES.get(label.label_format, ("text/plain", "txt"))
        attachments = [
            (f"Amazon label {number} {position}.{extension}", entry.content, mimetype)
            for position, entry in enumerate(label.labels, 1)
        ]
        if slip is not None:
            attachments.append((f"Packing slip {number}.pdf", slip.content, slip.content_type))
        if invoice is not None:
            attachments.append(
                (f"Customer invoice {number}", invoice.content, invoice.content_type)
            )
        self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": "stock.picking",
                    "res_id": picking.id,
                }
                for name, content, mimetype in attachments
            ]
        )
        tracking = ",".join(
            label_entry.tracking_number
            for label_entry in label.labels
            if label_entry.tracking_number
        )
        values = {"amazon_df_label_state": "done", "amazon_df_label_error": False}
        if tracking:
            values["carrier_tracking_ref"] = tracking
        picking.write(values)
        picking.message_post(
            body=self.env._("Amazon's shipping label is attached (tracking %s).", tracking or "-")
        )

    # ------------------------------------------------------------------ outcome

    @api.model
    def _transaction_done(self, transaction):
        picking = transaction.picking_id
        label = transaction.kind == "df_label"
        state_field = "amazon_df_label_state" if label else "amazon_asn_state"
        if not picking or picking[state_field] != "sent":
            return
        if transaction.state == "failure":
            self._failed(picking, transaction.kind, transaction.error)
        elif transaction.kind == "df_label":
            picking.amazon_df_label_state = "accepted"  # fetched by the next step of the run
        else:
            picking.write({"amazon_asn_state": "done", "amazon_asn_error": False})

    def _failed(self, picking, kind, error):
        if kind == "df_label":
            picking.write({"amazon_df_label_state": "failed", "amazon_df_label_error": error})
            summary = self.env._("Amazon refused the label request")
        else:
            picking.write({"amazon_asn_state": "failed", "amazon_asn_error": error})
            summary = self.env._("Amazon refused the shipment confirmation")
        picking.sale_id.amazon_account_id._ask_a_person(
            picking,
            summary,
            self.env._("Amazon's answer: %s. Fix the cause, then send it again.", error),
        )
