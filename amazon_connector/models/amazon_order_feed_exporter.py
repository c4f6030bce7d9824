"""Refunds and cancellations decided in Odoo, sent to Amazon as XML feeds, and Amazon's
answer read back onto the credit note or the order.

- A posted credit note of an FBM order becomes one OrderAdjustment message
  (`POST_PAYMENT_ADJUSTMENT_DATA`): per Amazon order item, its principal, shipping, gift wrap
  and tax as the credit note's lines give them, with the credit note's reason.
- An FBM order cancelled in Odoo before shipping becomes one OrderAcknowledgement with
  StatusCode Failure (`POST_ORDER_ACKNOWLEDGEMENT_DATA`), every item with the order's reason.

Each feed's XML processing report says, message by message, whether Amazon applied it: the
credit note (or order) shows Amazon's acceptance, or its error and a button to send again.
"""

import json
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models

from ..amazon_sp.documents import (
    ORDER_ACKNOWLEDGEMENT_FEED_TYPE,
    ORDER_ADJUSTMENT_FEED_TYPE,
    XML_FEED_CONTENT_TYPE,
    AcknowledgedItem,
    AdjustedItem,
    AdjustmentReason,
    AmazonDocumentError,
    OrderAcknowledgementRequest,
    OrderAdjustmentRequest,
    build_order_acknowledgement_feed,
    build_order_adjustment_feed,
    parse_xml_processing_report,
)

_logger = logging.getLogger(__name__)

ORDER_FEED_TYPES = (ORDER_ADJUSTMENT_FEED_TYPE, ORDER_ACKNOWLEDGEMENT_FEED_TYPE)
# How soon the job looks again for the processing report of a feed it sent.
REPORT_CHECK_DELAY = timedelta(minutes=2)
ZERO = Decimal(0)


class AmazonOrderFeedExporter(models.AbstractModel):
    _name = "amazon.order.feed.exporter"
    _description = "Amazon Refund and Cancellation Sender"

    @api.model
    def _run(self, account):
        """Read the reports of the order feeds Amazon finished, then send what waits."""
        refunds = self.env["account.move"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
                ("amazon_refund_state", "=", "to_send"),
            ]
        )
        cancellations = self.env["sale.order"].search(
            [("amazon_account_id", "=", account.id), ("amazon_cancel_state", "=", "to_send")]
        )
        feeds = self.env["amazon.feed"].search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "submitted"),
                ("feed_type", "in", ORDER_FEED_TYPES),
            ]
        )
        if not (refunds or cancellations or feeds):
            return
        with account._amazon_client() as client:
            for feed in feeds:
                self._check_feed(client, feed)
            sent_refunds = self._send(
                account, client, refunds, ORDER_ADJUSTMENT_FEED_TYPE, self._adjustment
            )
            sent_cancellations = self._send(
                account, client, cancellations, ORDER_ACKNOWLEDGEMENT_FEED_TYPE, self._cancellation
            )
        if (
            sent_refunds
            or sent_cancellations
            or feeds.filtered(lambda feed: feed.state == "submitted")
        ):
            cron = self.env.ref("amazon_connector.ir_cron_amazon_send_order_feeds")
            cron._trigger(fields.Datetime.now() + REPORT_CHECK_DELAY)

    # ------------------------------------------------------------------ sending

    def _send(self, account, client, records, feed_type, request_of):
        """One feed of `records`' requests; a record whose request Amazon would refuse is
        rejected at once with the reason. Returns the records sent."""
        requests, sent = [], records.browse()
        for record in records:
            try:
                request = request_of(record, message_id=len(requests) + 1)
                self._build(account, feed_type, [request])
            except AmazonDocumentError as error:
                self._answer(record, str(error))
                continue
            requests.append(request)
            sent |= record
        if not requests:
            return sent
        content = self._build(account, feed_type, requests)
        marketplaces = account.marketplace_ids.mapped("marketplace_id")
        # A throttled or failing createFeed raises: nothing is marked, the next run resends.
        feed_ref, document_ref = client.submit_feed(
            feed_type, marketplaces, content, XML_FEED_CONTENT_TYPE
        )
        feed = self.env["amazon.feed"].create(
            {
                "account_id": account.id,
                "feed_ref": feed_ref,
                "document_ref": document_ref,
                "feed_type": feed_type,
                "message_count": len(requests),
                "messages": json.dumps(
                    {
                        request.message_id: [record._name, record.id]
                        for request, record in zip(requests, sent, strict=True)
                    }
                ),
            }
        )
        state_field = self._state_field(sent)
        sent.write({state_field: "sent", "amazon_feed_id": feed.id})
        return sent

    @staticmethod
    def _build(account, feed_type, requests):
        if feed_type == ORDER_ADJUSTMENT_FEED_TYPE:
            return build_order_adjustment_feed(account.seller_id, requests)
        return build_order_acknowledgement_feed(account.seller_id, requests)

    @staticmethod
    def _state_field(records):
        return "amazon_refund_state" if records._name == "account.move" else "amazon_cancel_state"

    # ------------------------------------------------------------------ the requests

    def _adjustment(self, credit_note, message_id):
        """The OrderAdjustment of a credit note: per Amazon order item, what its lines give
        back. Lines of an item give its principal (with the tax, on marketplaces whose prices
        include it, else apart); shipping, gift wrap and other lines go on the first item,
        as Amazon takes every amount per item; a discount line lowers that item's
        principal."""
        sale = self._sale_of(credit_note)
        account = credit_note.amazon_account_id
        item_lines = sale.order_line.filtered("amazon_order_item_id")
        if not item_lines:
            raise AmazonDocumentError(
                self.env._("The order has no Amazon item to refund."), document="credit note"
            )
        amounts = defaultdict(lambda: defaultdict(lambda: ZERO))
        quantities = defaultdict(float)
        extra = defaultdict(lambda: ZERO)
        kinds = {
            account.shipping_product_id: "shipping",
            account.gift_wrap_product_id: "gift_wrap",
            account.discount_product_id: "discount",
        }
        for line in credit_note.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product"
        ):
            gross = Decimal(str(line.price_total))
            net = Decimal(str(line.price_subtotal))
            included = all(tax.price_include for tax in line.tax_ids)
            base, tax = (gross, ZERO) if included else (net, gross - net)
            sale_line = line.sale_line_ids.filtered("amazon_order_item_id")[:1]
            if sale_line:
                item = amounts[sale_line.amazon_order_item_id]
                item["principal"] += base
                item["tax"] += tax
                quantities[sale_line.amazon_order_item_id] += line.quantity
                continue
            kind = kinds.get(line.product_id) or ("goodwill" if gross >= 0 else "restocking_fee")
            if kind in ("shipping", "gift_wrap"):
                extra[kind] += base
                extra[f"{kind}_tax"] += tax
            else:
                extra[kind] += gross
        first = next(iter(amounts), item_lines[0].amazon_order_item_id)
        for kind, amount in extra.items():
            if kind == "discount":
                amounts[first]["principal"] += amount
            elif kind == "restocking_fee":
                amounts[first]["restocking_fee"] -= amount
            else:
                amounts[first][kind] += amount
        currency = credit_note.currency_id
        reason = credit_note.amazon_adjustment_reason or AdjustmentReason.CUSTOMER_RETURN
        items = []
        for item_id, components in amounts.items():
            quantity = quantities.get(item_id)
            items.append(
                AdjustedItem(
                    amazon_order_item_id=item_id,
                    adjustment_reason=reason,
                    currency=currency.name,
                    quantity=int(quantity) if quantity and quantity == int(quantity) else None,
                    **{
                        kind: self._money(currency, amount)
                        for kind, amount in components.items()
                        if amount
                    },
                )
            )
        return OrderAdjustmentRequest(
            amazon_order_id=sale.amazon_order_ref,
            items=tuple(items),
            merchant_adjustment_id=credit_note.name[:50],
            message_id=message_id,
        )

    @staticmethod
    def _money(currency, amount):
        return Decimal(str(currency.round(float(amount))))

    def _sale_of(self, credit_note):
        sale = credit_note.line_ids.sale_line_ids.order_id[:1]
        return sale or self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", credit_note.amazon_account_id.id),
                ("amazon_order_ref", "=", credit_note.amazon_order_ref),
            ],
            limit=1,
        )

    def _cancellation(self, sale, message_id):
        """The OrderAcknowledgement cancelling an order: all its items, with its reason."""
        items = [
            AcknowledgedItem(line.amazon_order_item_id)
            for line in sale.order_line
            if line.amazon_order_item_id
        ]
        return OrderAcknowledgementRequest.cancellation(
            sale.amazon_order_ref,
            sale.amazon_cancel_reason if items else None,
            items=items,
            merchant_order_id=sale.name[:50],
            message_id=message_id,
        )

    # ------------------------------------------------------------------ Amazon's answer

    def _check_feed(self, client, feed):
        status = client.get_feed(feed.feed_ref)
        processing = status.get("processingStatus")
        if processing == "DONE":
            content = client.download_feed_document(status["resultFeedDocumentId"])
            try:
                report = parse_xml_processing_report(content)
            except AmazonDocumentError as error:
                self._fail_feed(feed, str(error))
                return
            for number, record in self._messages(feed):
                self._answer(record, report.error_for(number))
            feed.write(
                {
                    "state": "done",
                    "accepted_count": report.messages_successful,
                    "error_count": report.messages_with_error,
                }
            )
        elif processing in ("FATAL", "CANCELLED"):
            result = status.get("resultFeedDocumentId")
            text = client.download_feed_document(result).decode() if result else ""
            reason = f"{processing}: {text[:2000]}"
            try:
                errors = parse_xml_processing_report(text).document_errors if text else ()
            except AmazonDocumentError:
                errors = ()
            self._fail_feed(feed, f"{processing}: {'; '.join(errors)}" if errors else reason)

    def _messages(self, feed):
        for number, (model, record_id) in json.loads(feed.messages or "{}").items():
            record = self.env[model].browse(record_id).exists()
            if record:
                yield int(number), record

    def _fail_feed(self, feed, reason):
        for _number, record in self._messages(feed):
            self._answer(record, reason)
        feed.write({"state": "fatal", "result": reason})

    def _answer(self, record, error):
        """Amazon's answer on the credit note or order: accepted, or its error for a person
        (who can send it again once the cause is fixed)."""
        is_refund = record._name == "account.move"
        prefix = "amazon_refund" if is_refund else "amazon_cancel"
        if error is None:
            record.write({f"{prefix}_state": "accepted", f"{prefix}_error": False})
            record.message_post(
                body=self.env._("Amazon accepted the refund.")
                if is_refund
                else self.env._("Amazon cancelled the order.")
            )
            return
        record.write({f"{prefix}_state": "rejected", f"{prefix}_error": error})
        record.amazon_account_id._ask_a_person(
            record,
            self.env._("Amazon rejected the refund")
            if is_refund
            else self.env._("Amazon rejected the cancellation"),
            self.env._("Amazon's answer: %s. Fix the cause, then use Send to Amazon again.", error),
        )
