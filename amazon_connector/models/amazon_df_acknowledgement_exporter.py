"""Acknowledgements of Amazon's direct fulfilment orders, sent on download, and their outcome.

Direct fulfilment acknowledges whole orders: Amazon's code "00" (shipping every unit ordered)
for accepted ones, or the rejection code (unknown item, out of stock) with its description.
Orders are acknowledged in submissions of several, as Amazon's request takes a list; Amazon
answers with a transaction whose outcome the direct fulfilment transactions API gives later.
Accepted: the acknowledgement is done (a rejected order is then cancelled). A submission of
several that Amazon refused is sent again order by order, so one order's fault does not hold
the others; an order refused alone shows Amazon's errors, with an activity and Acknowledge to
send it again. An order once acknowledged is never acknowledged again.
"""

from odoo import api, fields, models

from ..amazon_sp.documents import (
    DF_ACKNOWLEDGEMENT_DESCRIPTIONS,
    AmazonDocumentError,
    DfAcknowledgementCode,
    DfItemAcknowledgement,
    DfOrderAcknowledgement,
    build_df_acknowledgement_request,
)

CHANNEL = "direct_fulfillment"
# Orders acknowledged in one submission.
BATCH_SIZE = 50


class AmazonDfAcknowledgementExporter(models.AbstractModel):
    _name = "amazon.df.acknowledgement.exporter"
    _description = "Amazon Direct Fulfilment Acknowledgement Sender"

    @api.model
    def _send_all(self, account, client):
        """Send the acknowledgements that wait. Returns how many submissions were sent."""
        orders = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_channel", "=", CHANNEL),
                ("amazon_ack_state", "=", "to_send"),
            ],
            order="date_order, id",
        )
        alone = orders.filtered("amazon_df_send_alone")
        batches = [alone[i : i + 1] for i in range(len(alone))]
        together = orders - alone
        batches += [together[i : i + BATCH_SIZE] for i in range(0, len(together), BATCH_SIZE)]
        cron = self.env["ir.cron"]
        for done, batch in enumerate(batches, 1):
            self._send(account, client, batch)
            cron._commit_progress(len(batch), remaining=len(batches) - done)
        return len(batches)

    def _send(self, account, client, orders):
        acknowledgements = []
        for order in orders:
            try:
                acknowledgement = self._acknowledgement(order)
                build_df_acknowledgement_request([acknowledgement])  # checked alone first
            except AmazonDocumentError as error:
                self._failed(order, str(error))
                continue
            acknowledgements.append((order, acknowledgement))
        if not acknowledgements:
            return
        sent = self.env["sale.order"].union(*(order for order, _a in acknowledgements))
        body = build_df_acknowledgement_request([a for _o, a in acknowledgements])
        # A throttled or failing submission raises: the orders stay to send for the next run.
        transaction = self.env["amazon.vendor.transaction"]._record(
            account,
            "df_acknowledgement",
            client.submit_df_acknowledgement(body),
            sale_order_ids=sent,
        )
        sent.write(
            {
                "amazon_ack_state": "sent",
                "amazon_ack_error": False,
                "amazon_transaction_id": transaction.id,
            }
        )

    def _acknowledgement(self, order):
        code = order.amazon_df_ack_code or DfAcknowledgementCode.ACCEPTED
        # Every item of Amazon's order, unknown ones included (their note lines keep them).
        items = tuple(
            DfItemAcknowledgement(
                sequence=line.amazon_item_sequence,
                asin=line.amazon_asin or "",
                vendor_product_id=line.amazon_vendor_product_ref or "",
                quantity=int(line.amazon_ordered_qty),
            )
            for line in order.order_line.filtered("amazon_item_sequence")
        )
        return DfOrderAcknowledgement(
            number=order.amazon_order_ref,
            vendor_order_number=order.name,
            acknowledged=fields.Datetime.now(),
            code=code,
            description=DF_ACKNOWLEDGEMENT_DESCRIPTIONS.get(code, ""),
            selling_party_id=order.amazon_selling_party or "",
            ship_from_party_id=order.amazon_df_ship_from or "",
            items=items,
        )

    # ------------------------------------------------------------------ outcome

    @api.model
    def _transaction_done(self, transaction):
        orders = self.env["sale.order"].search(
            [("amazon_transaction_id", "=", transaction.id), ("amazon_ack_state", "=", "sent")]
        )
        if transaction.state == "success":
            orders.write({"amazon_ack_state": "done", "amazon_df_send_alone": False})
            rejected = orders.filtered(
                lambda o: o.amazon_df_ack_code != DfAcknowledgementCode.ACCEPTED
            )
            rejected._action_cancel()
            return
        if len(orders) > 1:
            orders.write(
                {
                    "amazon_ack_state": "to_send",
                    "amazon_df_send_alone": True,
                    "amazon_ack_error": transaction.error,
                }
            )
            return
        for order in orders:
            self._failed(order, transaction.error)

    def _failed(self, order, error):
        order.write({"amazon_ack_state": "failed", "amazon_ack_error": error})
        order.amazon_account_id._ask_a_person(
            order,
            self.env._("Amazon refused the acknowledgement"),
            self.env._(
                "Amazon's answer for direct fulfilment order %(po)s: %(error)s. Fix the "
                "cause, then press Acknowledge again.",
                po=order.amazon_order_ref,
                error=error,
            ),
        )
