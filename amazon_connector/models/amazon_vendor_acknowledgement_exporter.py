"""Acknowledgements of Amazon's purchase orders sent to Vendor Central, and their outcome.

Each purchase order to send is acknowledged in its own submitAcknowledgement, so Amazon's
verdict is the order's alone: per item, the accepted, back-ordered and rejected quantities of
its lines (in Amazon's unit: cases for case orders), with the scheduled ship and delivery
dates and the rejection reason. Amazon answers with a transaction id; Vendor Transaction
Status says later whether it was applied. Accepted: the sale order keeps what was accepted
and back-ordered and is confirmed (rejected units leave it; all rejected, it is cancelled).
Failed: Amazon's errors are on the order, with an activity and Acknowledge to send again.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..amazon_sp.documents import (
    AcknowledgedQuantity,
    AcknowledgementCode,
    AmazonDocumentError,
    ItemAcknowledgement,
    PurchaseOrderAcknowledgement,
    QuantityUnit,
    build_acknowledgement_request,
    parse_transaction_id,
)
from ..amazon_sp.documents.vendor_edi import build_acknowledgement_855

_logger = logging.getLogger(__name__)


class AmazonVendorAcknowledgementExporter(models.AbstractModel):
    _name = "amazon.vendor.acknowledgement.exporter"
    _description = "Amazon Purchase Order Acknowledgement Sender"

    @api.model
    def _send_all(self, account, client):
        """Send the acknowledgements that wait, each purchase order in its own submission."""
        orders = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_channel", "=", "vendor"),
                ("amazon_ack_state", "=", "to_send"),
            ],
            order="date_order, id",
        )
        cron = self.env["ir.cron"]
        for done, order in enumerate(orders, 1):
            self._send(account, client, order)
            if done % 50 == 0:
                cron._commit_progress(50, remaining=len(orders) - done)
        return len(orders)

    # ------------------------------------------------------------------ sending

    def _send(self, account, client, order):
        """One acknowledgement: over the API (`client`), or as an 855 over AS2 for an EDI
        account (`client` None); either way its verdict comes back as a transaction."""
        acknowledgement = self._acknowledgement(order)
        try:
            if account._uses_edi():
                edi = build_acknowledgement_855(
                    acknowledgement, purchase_order_date=order.date_order
                )
            else:
                body = build_acknowledgement_request([acknowledgement])
        except AmazonDocumentError as error:
            self._failed(order, str(error))
            return
        if account._uses_edi():
            transaction = (
                self.env["amazon.edi.exchange"]
                ._send_sets(account, "855", [edi], sale_order_ids=order)
                .transaction_id
            )
        else:
            # A throttled or failing submission raises: the order stays to send.
            transaction = self.env["amazon.vendor.transaction"].create(
                {
                    "account_id": account.id,
                    "transaction_ref": parse_transaction_id(client.submit_acknowledgement(body)),
                    "kind": "acknowledgement",
                    "sale_order_ids": [fields.Command.set(order.ids)],
                }
            )
        order.write({"amazon_ack_state": "sent", "amazon_transaction_id": transaction.id})

    def _acknowledgement(self, order):
        now = fields.Datetime.now()
        items = []
        for line in order.order_line.filtered("amazon_item_sequence"):
            size = line.amazon_unit_size or 1
            in_cases = line.amazon_quantity_unit == QuantityUnit.CASES and size > 1
            unit = QuantityUnit.CASES if in_cases else QuantityUnit.EACHES
            per_unit = size if in_cases else 1
            ship, deliver = self._scheduled(order, line, now)
            quantities = [
                AcknowledgedQuantity(
                    code,
                    int(quantity // per_unit),
                    unit_of_measure=unit,
                    unit_size=size if in_cases else None,
                    scheduled_ship_date=dates[0],
                    scheduled_delivery_date=dates[1],
                    rejection_reason=line.amazon_rejection_reason or None
                    if code == AcknowledgementCode.REJECTED
                    else None,
                )
                for code, quantity, dates in (
                    (AcknowledgementCode.ACCEPTED, line.amazon_accepted_qty, (ship, deliver)),
                    (
                        AcknowledgementCode.BACKORDERED,
                        line.amazon_backordered_qty,
                        self._backorder_dates(order, line, ship, deliver),
                    ),
                    (AcknowledgementCode.REJECTED, line.amazon_rejected_qty, (None, None)),
                )
                if quantity
            ]
            items.append(
                ItemAcknowledgement(
                    sequence=line.amazon_item_sequence,
                    asin=line.amazon_asin or "",
                    vendor_product_id=line.amazon_vendor_product_ref or "",
                    ordered_quantity=int(line.amazon_ordered_qty // per_unit),
                    unit_of_measure=unit,
                    unit_size=size if in_cases else None,
                    net_cost=Decimal(str(line.price_unit)),
                    currency=order.currency_id.name,
                    quantities=tuple(quantities),
                    back_order_allowed=line.amazon_back_order_allowed,
                )
            )
        return PurchaseOrderAcknowledgement(
            number=order.amazon_order_ref,
            selling_party_id=order.amazon_selling_party or "",
            acknowledged=now,
            items=tuple(items),
        )

    @staticmethod
    def _scheduled(order, line, now):
        """(ship, delivery) dates of what is accepted: the start of Amazon's ship window (now
        when it has begun), delivered as long after as Amazon's windows are apart."""
        ship = max(order.amazon_ship_window_start or now, now)
        if order.amazon_delivery_window_start and order.amazon_ship_window_start:
            transit = order.amazon_delivery_window_start - order.amazon_ship_window_start
        else:
            transit = timedelta(days=line.product_id.sale_delay or 0)
        return ship, ship + max(transit, timedelta(0))

    @staticmethod
    def _backorder_dates(order, line, ship, deliver):
        """Back-ordered units ship once they can be made or bought: the product's lead
        time (its customer lead time, a week when none) after the accepted ones."""
        delay = timedelta(days=line.product_id.sale_delay or 7)
        return ship + delay, deliver + delay

    # ------------------------------------------------------------------ outcome

    @api.model
    def _transaction_done(self, transaction):
        orders = transaction.sale_order_ids.filtered(lambda o: o.amazon_ack_state == "sent")
        for order in orders:
            if transaction.state == "success":
                self._acknowledged(order)
            else:
                self._failed(order, transaction.error)

    def _acknowledged(self, order):
        """Amazon took the acknowledgement: the order keeps what was accepted or
        back-ordered, and is confirmed; rejected units leave it."""
        for line in order.order_line.filtered("amazon_item_sequence"):
            kept = line.amazon_accepted_qty + line.amazon_backordered_qty
            if line.product_uom_qty != kept:
                line.product_uom_qty = kept
        order.write({"amazon_ack_state": "done", "amazon_ack_error": False})
        if not any(order.order_line.filtered("amazon_item_sequence").mapped("product_uom_qty")):
            order._action_cancel()
            return
        if order.state in ("draft", "sent"):
            order.action_confirm()

    def _failed(self, order, error):
        order.write({"amazon_ack_state": "failed", "amazon_ack_error": error})
        order.amazon_account_id._ask_a_person(
            order,
            self.env._("Amazon refused the acknowledgement"),
            self.env._(
                "Amazon's answer for purchase order %(po)s: %(error)s. Fix the quantities or "
                "dates, then press Acknowledge again.",
                po=order.amazon_order_ref,
                error=error,
            ),
        )
