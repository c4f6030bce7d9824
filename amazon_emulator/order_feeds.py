"""The XML order feeds a seller sends to act on its orders, as Amazon processes them:
`POST_PAYMENT_ADJUSTMENT_DATA` (OrderAdjustment: refunds) and `POST_ORDER_ACKNOWLEDGEMENT_DATA`
(OrderAcknowledgement: StatusCode Failure cancels an order or some of its items).

A document that is not XML, or does not validate against Amazon's `amzn-envelope.xsd`, makes
the feed FATAL (and is a contract violation of whoever sent it). The XSDs are read from the
`xsd/` folder beside the API models (Amazon's confidential schemas: never copied into the
project); without them the emulator checks only what it needs to apply the messages. Each
message is applied or refused on its own, and the processing report is Amazon's XML
ProcessingReport: the counts, and a Result for every refused message.

What Amazon checks and the emulator copies: a refund needs a known order and order item, its
currency, and may not give back more principal, shipping, gift wrap or tax than the buyer paid
for the item minus earlier refunds; its net amount must be positive. A cancellation needs a
merchant-fulfilled order that has not shipped; listed items cancel only those items (all their
unshipped units: the emulator does not cancel a part of an item's units).
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import xmltodict
from lxml import etree

from .clock import format_timestamp, parse_timestamp
from .orders import (
    apply_fulfillment_status,
    cancel_items,
    fulfilled_by,
    fulfilled_units,
    fulfillment_status,
    unshipped_units,
)
from .store import EmulatorStore

_log = logging.getLogger("amazon_emulator")

ORDER_ADJUSTMENT_FEED = "POST_PAYMENT_ADJUSTMENT_DATA"
ORDER_ACKNOWLEDGEMENT_FEED = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
MESSAGE_TYPES = {
    ORDER_ADJUSTMENT_FEED: "OrderAdjustment",
    ORDER_ACKNOWLEDGEMENT_FEED: "OrderAcknowledgement",
}
ORDER_FEED_TYPES = tuple(MESSAGE_TYPES)
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
ENVELOPE_XSD = "xsd/amzn-envelope.xsd"
XSD_MISSING_WARNING = (
    "amazon_emulator: Amazon's XML feed schemas not found (%s; set AMAZON_MODELS_DIR): "
    "order feeds are NOT validated against amzn-envelope.xsd"
)

# ResultMessageCode values. 5000 and 5001 are the XML parsing errors Amazon reports; Amazon
# publishes no list of the others, so these numbers are the emulator's own.
XML_PARSING_FATAL_ERROR = 5000
XML_PARSING_ERROR = 5001
REJECTED = 90001  # reject_next_order_feed_message
INVALID_MESSAGE = 90002
ORDER_NOT_FOUND = 90003
ORDER_ITEM_NOT_FOUND = 90004
CURRENCY_MISMATCH = 90005
REFUND_EXCEEDS_BALANCE = 90006
NOT_A_REFUND = 90007
NOT_CANCELLABLE = 90008

# Component Type -> (item proceeds breakdown type, TAX detailed breakdown subtype) it refunds.
_REFUND_LIMITS = {
    "Principal": ("ITEM", None),
    "Shipping": ("SHIPPING", None),
    "GiftWrap": ("GIFT_WRAP", None),
    "Tax": ("TAX", "ITEM"),
    "ShippingTax": ("TAX", "SHIPPING"),
    "GiftWrapTax": ("TAX", "GIFT_WRAP"),
}
_MAX_LISTED_SCHEMA_ERRORS = 5
# What ProcessingReport.xsd takes in a Result's AdditionalInfo (amzn-base.xsd patterns).
_AMAZON_ORDER_ID = re.compile(r"^\w{3}-\w{7}-\w{7}$")
_AMAZON_ORDER_ITEM_CODE = re.compile(r"^\d{14}$")
_schema_lock = threading.Lock()


class _MessageRefused(Exception):
    def __init__(self, code: int, description: str, item_id: str | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.item_id = item_id


@dataclass(frozen=True)
class _Outcome:
    message_id: int
    order_id: str | None
    refusal: _MessageRefused | None = None


class OrderFeedDesk:
    """Processes order feeds against the store's orders; keeps the refunds they made."""

    def __init__(
        self,
        store: EmulatorStore,
        schemas_dir: Callable[[], Path | None],
        report_problems: Callable[[list[str]], None],
        on_refund: Callable[[str, str, list[dict], datetime], object] | None = None,
    ):
        """`on_refund(seller_id, order_id, refunded items, now)` is told of each refund
        applied (the Finances API then serves it, as Amazon does)."""
        self._store = store
        self._on_refund = on_refund
        self._schemas_dir = schemas_dir
        self._report_problems = report_problems
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._refunds: dict[tuple[str, str], list[dict]] = {}
            self._rejections: dict[str, deque[str]] = {}

    def reject_next(self, order_id: str, message: str) -> None:
        with self._lock:
            self._rejections.setdefault(order_id, deque()).append(message)

    def refunds(self, seller_id: str, order_id: str) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._refunds.get((seller_id, order_id), []))

    def process(
        self,
        *,
        feed_id: str,
        seller_id: str,
        feed_type: str,
        content: bytes,
        content_type: str,
        now: datetime,
    ) -> tuple[bytes, bool]:
        """(the processing report document, whether the feed is FATAL)."""
        label = f"{feed_type} feed {feed_id}"
        if content_type.partition(";")[0].strip().lower() != "text/xml":
            wrong_type = f"its document's contentType is {content_type!r}, not {XML_CONTENT_TYPE!r}"
            self._report_problems([f"{label}: {wrong_type}"])
        with self._lock:
            run = _FeedRun(self, feed_id, seller_id, feed_type, now)
            fatal_problem = run.check_document(content, self._schema())
            if fatal_problem:
                code, description = fatal_problem
                self._report_problems([f"{label}: {description}"])
                report = _report(seller_id, feed_id, [], fatal=(code, description))
            else:
                report = _report(seller_id, feed_id, run.apply_messages())
        self._check_report(label, report)
        return report, fatal_problem is not None

    def _schema(self) -> etree.XMLSchema | None:
        directory = self._schemas_dir()
        schema = envelope_schema(directory)
        if schema is None:
            _warn_xsd_missing(str(directory / ENVELOPE_XSD if directory else "no models folder"))
        return schema

    def _check_report(self, label: str, report: bytes) -> None:
        schema = self._schema()
        if schema is None:
            return
        problems = validation_errors(schema, etree.fromstring(report))
        self._report_problems([f"processing report of {label}: {p}" for p in problems])

    # Used by _FeedRun, under the lock

    def _take_rejection(self, order_id: str) -> str | None:
        queue = self._rejections.get(order_id)
        return queue.popleft() if queue else None

    def _refunded(self, seller_id: str, order_id: str) -> list[dict]:
        return self._refunds.get((seller_id, order_id), [])

    def _record_refund(self, seller_id: str, order_id: str, refund: dict) -> None:
        self._refunds.setdefault((seller_id, order_id), []).append(refund)
        if self._on_refund is not None:
            self._on_refund(seller_id, order_id, refund["items"], parse_timestamp(refund["posted"]))


def envelope_schema(models_dir: Path | None) -> etree.XMLSchema | None:
    """Amazon's `amzn-envelope.xsd` (every XML feed and report) from the models folder, loaded
    once per process; None when the folder does not hold it."""
    path = Path(models_dir) / ENVELOPE_XSD if models_dir else None
    return _load_schema(path.resolve()) if path and path.is_file() else None


def validation_errors(schema: etree.XMLSchema, document) -> list[str]:
    """Why `document` (XML bytes or a parsed element) breaks `schema`, one line per error."""
    root = etree.fromstring(document) if isinstance(document, bytes | str) else document
    with _schema_lock:
        schema.validate(root)
        return [f"line {error.line}: {error.message}" for error in schema.error_log]


@functools.cache
def _load_schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


@functools.cache
def _warn_xsd_missing(where: str) -> None:
    _log.warning(XSD_MISSING_WARNING, where)


class _FeedRun:
    """One processing of one order feed document."""

    def __init__(self, desk: OrderFeedDesk, feed_id, seller_id, feed_type, now: datetime):
        self.desk = desk
        self.feed_id = feed_id
        self.seller_id = seller_id
        self.feed_type = feed_type
        self.message_type = MESSAGE_TYPES[feed_type]
        self.now = now
        self.root = None

    def check_document(self, content: bytes, schema) -> tuple[int, str] | None:
        """(result message code, description) of what makes the document unusable."""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            self.root = etree.fromstring(content, parser)
        except etree.XMLSyntaxError as error:
            line, column = error.position
            return (
                XML_PARSING_FATAL_ERROR,
                f"XML Parsing Fatal Error at Line {line}, Column {column}: {error.msg}",
            )
        if schema is not None:
            problems = validation_errors(schema, self.root)
            if problems:
                listed = "; ".join(problems[:_MAX_LISTED_SCHEMA_ERRORS])
                more = len(problems) - _MAX_LISTED_SCHEMA_ERRORS
                suffix = f" (and {more} more)" if more > 0 else ""
                return (
                    XML_PARSING_ERROR,
                    f"XML Parsing Error: the document does not validate against Amazon's "
                    f"amzn-envelope.xsd: {listed}{suffix}",
                )
        return self._envelope_problem()

    def _envelope_problem(self) -> tuple[int, str] | None:
        root = self.root
        if root.tag != "AmazonEnvelope":
            return (
                XML_PARSING_ERROR,
                f"XML Parsing Error: root element {root.tag} is not AmazonEnvelope",
            )
        merchant = _text(root, "Header/MerchantIdentifier")
        if merchant != self.seller_id:
            return (
                XML_PARSING_ERROR,
                f"Header/MerchantIdentifier {merchant!r} is not the selling partner that "
                f"submitted the feed ({self.seller_id}).",
            )
        message_type = _text(root, "MessageType")
        if message_type != self.message_type:
            return (
                XML_PARSING_ERROR,
                f"MessageType {message_type!r} does not belong in a {self.feed_type} feed: "
                f"it takes {self.message_type} messages.",
            )
        if root.find("Message") is None:
            return XML_PARSING_ERROR, "XML Parsing Error: the envelope holds no Message"
        return None

    def apply_messages(self) -> list[_Outcome]:
        outcomes = []
        seen: set[int] = set()
        for message in self.root.findall("Message"):
            message_id = _positive_int(_text(message, "MessageID")) or 0
            body = message.find(self.message_type)
            order_id = _text(body, "AmazonOrderID") if body is not None else None
            try:
                if not message_id:
                    raise _MessageRefused(INVALID_MESSAGE, "The Message has no valid MessageID.")
                if message_id in seen:
                    raise _MessageRefused(
                        INVALID_MESSAGE,
                        f"MessageID {message_id} is used by an earlier message of this feed.",
                    )
                seen.add(message_id)
                if body is None:
                    raise _MessageRefused(
                        INVALID_MESSAGE, f"The Message holds no {self.message_type}."
                    )
                self._apply(body, message_id, order_id)
            except _MessageRefused as refusal:
                outcomes.append(_Outcome(message_id, order_id, refusal))
            else:
                outcomes.append(_Outcome(message_id, order_id))
        return outcomes

    def _apply(self, body, message_id: int, order_id: str | None) -> None:
        if not order_id:
            raise _MessageRefused(
                ORDER_NOT_FOUND,
                "The message has no AmazonOrderID: the emulator finds orders by their Amazon "
                "order id only.",
            )
        order = self.desk._store.order(self.seller_id, order_id)
        if order is None:
            raise _MessageRefused(ORDER_NOT_FOUND, f"Order {order_id} was not found.")
        rejection = self.desk._take_rejection(order_id)
        if rejection is not None:
            raise _MessageRefused(REJECTED, rejection)
        if self.feed_type == ORDER_ADJUSTMENT_FEED:
            self._refund(body, message_id, order)
        else:
            self._acknowledge(body, order_id)

    # Refunds

    def _refund(self, adjustment, message_id: int, order: Mapping) -> None:
        order_id = order["orderId"]
        if fulfillment_status(order) == "CANCELLED":
            raise _MessageRefused(
                NOT_A_REFUND, f"Order {order_id} is cancelled: the buyer was not charged."
            )
        items = {item.get("orderItemId"): item for item in order.get("orderItems", [])}
        earlier = _refunded_by_item(self.desk._refunded(self.seller_id, order_id))
        refunded_items = []
        for adjusted in adjustment.findall("AdjustedItem"):
            refunded = self._refunded_item(adjusted, items, earlier, order_id)
            refunded_items.append(refunded)
            earlier.setdefault(refunded["order_item_id"], []).append(refunded["components"])
        if not refunded_items:
            raise _MessageRefused(INVALID_MESSAGE, "The OrderAdjustment has no AdjustedItem.")
        net = sum((sum(i["components"].values(), Decimal(0)) for i in refunded_items), Decimal(0))
        if net <= 0:
            raise _MessageRefused(
                NOT_A_REFUND,
                f"The net adjustment amount {net} is not a positive amount and has therefore "
                "been rejected.",
            )
        self.desk._record_refund(
            self.seller_id,
            order_id,
            {
                "feed_id": self.feed_id,
                "message_id": message_id,
                "posted": format_timestamp(self.now),
                "items": refunded_items,
            },
        )

    def _refunded_item(self, adjusted, items: Mapping, earlier: Mapping, order_id: str) -> dict:
        item_id = _text(adjusted, "AmazonOrderItemCode")
        if item_id is None:
            raise _MessageRefused(
                ORDER_ITEM_NOT_FOUND,
                "An AdjustedItem has no AmazonOrderItemCode: the emulator finds order items by "
                "their Amazon order item code only.",
            )
        item = items.get(item_id)
        if item is None:
            raise _MessageRefused(
                ORDER_ITEM_NOT_FOUND, f"Order item {item_id} is not in order {order_id}.", item_id
            )
        currency = _item_currency(item)
        components: dict[str, Decimal] = {}
        for component in adjusted.findall("ItemPriceAdjustments/Component"):
            kind, amount = _component(component, currency, item_id)
            components[kind] = components.get(kind, Decimal(0)) + amount
        quantity = _text(adjusted, "Quantity")
        if quantity is not None and (_positive_int(quantity) or 0) > item.get("quantityOrdered", 0):
            raise _MessageRefused(
                INVALID_MESSAGE,
                f"Quantity {quantity} of order item {item_id} is more than its ordered quantity "
                f"({item.get('quantityOrdered', 0)}).",
                item_id,
            )
        for kind, amount in components.items():
            _check_balance(item, kind, amount, earlier.get(item_id, []))
        return {
            "order_item_id": item_id,
            "merchant_adjustment_item_id": _text(adjusted, "MerchantAdjustmentItemID"),
            "adjustment_reason": _text(adjusted, "AdjustmentReason"),
            "quantity": _positive_int(quantity) if quantity is not None else None,
            "currency": currency,
            "components": components,
        }

    # Cancellations

    def _acknowledge(self, acknowledgement, order_id: str) -> None:
        status = _text(acknowledgement, "StatusCode")
        if status == "Success":
            return
        if status != "Failure":
            raise _MessageRefused(
                INVALID_MESSAGE, f"StatusCode {status!r} is not Success or Failure."
            )
        listed = [
            (
                _text(item, "AmazonOrderItemCode"),
                _text(item, "CancelReason"),
                _positive_int(_text(item, "Quantity")),
            )
            for item in acknowledgement.findall("Item")
        ]
        now = format_timestamp(self.now)

        def cancel(order: dict) -> None:
            _cancel(order, listed)
            order["lastUpdatedTime"] = now

        self.desk._store.change_order(self.seller_id, order_id, cancel)


def _cancel(order: dict, listed: list[tuple]) -> None:
    """Cancel the order, or the listed items (code, reason, quantity); raises _MessageRefused."""
    order_id = order.get("orderId")
    if fulfilled_by(order) != "MERCHANT":
        raise _MessageRefused(
            NOT_CANCELLABLE,
            f"Order {order_id} is fulfilled by Amazon: the seller cannot cancel it.",
        )
    status = fulfillment_status(order)
    if status == "CANCELLED":
        return
    if status == "SHIPPED":
        raise _MessageRefused(NOT_CANCELLABLE, f"Order {order_id} already shipped.")
    items = {item.get("orderItemId"): item for item in order.get("orderItems", [])}
    for item_id, _reason, _quantity in listed:
        if item_id not in items:
            raise _MessageRefused(
                ORDER_ITEM_NOT_FOUND, f"Order item {item_id} is not in order {order_id}.", item_id
            )
    whole_order = not listed or (
        {item_id for item_id, _r, _q in listed} == set(items)
        and all(q in (None, items[i].get("quantityOrdered")) for i, _r, q in listed)
    )
    if whole_order:
        if any(fulfilled_units(item) for item in items.values()):
            raise _MessageRefused(
                NOT_CANCELLABLE,
                f"Order {order_id} already shipped in part: cancel its unshipped items instead.",
            )
        reason = next((reason for _i, reason, _q in listed if reason), None)
        apply_fulfillment_status(order, "CANCELLED", "MERCHANT", reason)
        return
    for item_id, reason, quantity in listed:
        item = items[item_id]
        unshipped = unshipped_units(item)
        if unshipped == 0:
            if item.get("cancellation"):
                continue
            raise _MessageRefused(
                NOT_CANCELLABLE, f"Order item {item_id} already shipped.", item_id
            )
        if quantity is not None and quantity != unshipped:
            raise _MessageRefused(
                NOT_CANCELLABLE,
                f"Order item {item_id} has {unshipped} unshipped units: the emulator cancels "
                f"all of them or none, not {quantity}.",
                item_id,
            )
        cancel_items(order, [item["product"]["sellerSku"]], "MERCHANT", reason)


# Refund amounts


def _component(component, currency: str, item_id: str) -> tuple[str, Decimal]:
    kind = _text(component, "Type")
    amount_element = component.find("Amount")
    text = _text(component, "Amount")
    if not kind or amount_element is None or text is None:
        raise _MessageRefused(
            INVALID_MESSAGE,
            f"A Component of order item {item_id} lacks its Type or Amount.",
            item_id,
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _MessageRefused(
            INVALID_MESSAGE, f"Amount {text!r} of {kind} is not a number.", item_id
        ) from None
    sent_currency = amount_element.get("currency") or currency
    if sent_currency != currency:
        raise _MessageRefused(
            CURRENCY_MISMATCH,
            f"The {kind} amount of order item {item_id} is in {sent_currency}, the order in "
            f"{currency}.",
            item_id,
        )
    return kind, amount


def _check_balance(item: Mapping, kind: str, amount: Decimal, earlier: list[dict]) -> None:
    if kind not in _REFUND_LIMITS or amount <= 0:
        return
    paid = _paid(item, *_REFUND_LIMITS[kind])
    refunded = sum((components.get(kind, Decimal(0)) for components in earlier), Decimal(0))
    if refunded + amount > paid:
        item_id = item.get("orderItemId")
        raise _MessageRefused(
            REFUND_EXCEEDS_BALANCE,
            f"The {kind} refund {amount} of order item {item_id} exceeds the amount that can be "
            f"refunded: {paid - refunded} (paid {paid}, refunded {refunded}).",
            item_id,
        )


def _paid(item: Mapping, breakdown_type: str, tax_subtype: str | None) -> Decimal:
    """What the buyer paid for the item's `breakdown_type` (its proceeds breakdowns)."""
    for breakdown in (item.get("proceeds") or {}).get("breakdowns", []):
        if breakdown.get("type") != breakdown_type:
            continue
        details = breakdown.get("detailedBreakdowns")
        if tax_subtype is None or (not details and tax_subtype == "ITEM"):
            return Decimal(breakdown["subtotal"]["amount"])
        for detail in details or []:
            if detail.get("subtype") == tax_subtype:
                return Decimal(detail["value"]["amount"])
    return Decimal(0)


def _item_currency(item: Mapping) -> str:
    unit_price = ((item.get("product") or {}).get("price") or {}).get("unitPrice") or {}
    return unit_price.get("currencyCode") or (item.get("proceeds") or {}).get(
        "proceedsTotal", {}
    ).get("currencyCode", "")


def _refunded_by_item(refunds: list[dict]) -> dict[str, list[dict]]:
    by_item: dict[str, list[dict]] = {}
    for refund in refunds:
        for item in refund["items"]:
            by_item.setdefault(item["order_item_id"], []).append(item["components"])
    return by_item


# Reading and writing XML


def _text(element, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _positive_int(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or int(text) < 1:
        return None
    return int(text)


def failure_report(seller_id: str, feed_id: str) -> bytes:
    """The report of a feed the emulator failed processing (its log says why)."""
    failure = (XML_PARSING_FATAL_ERROR, "The emulator failed processing the feed; see its log.")
    return _report(seller_id, feed_id, [], fatal=failure)


def _report(
    seller_id: str, feed_id: str, outcomes: list[_Outcome], fatal: tuple[int, str] | None = None
) -> bytes:
    """Amazon's AmazonEnvelope with one ProcessingReport message."""
    refused = [outcome for outcome in outcomes if outcome.refusal]
    if fatal:
        code, description = fatal
        results = [_result(0, _MessageRefused(code, description))]
        summary = (0, 0, 1, 0)
    else:
        results = [
            _result(outcome.message_id, outcome.refusal, outcome.order_id) for outcome in refused
        ]
        summary = (len(outcomes), len(outcomes) - len(refused), len(refused), 0)
    processing_report = {
        "DocumentTransactionID": feed_id,
        "StatusCode": "Complete",
        "ProcessingSummary": {
            name: str(count) for name, count in zip(_SUMMARY_COUNTS, summary, strict=True)
        },
    }
    if results:
        processing_report["Result"] = results
    envelope = {
        "AmazonEnvelope": {
            "@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "@xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
            "Header": {"DocumentVersion": "1.02", "MerchantIdentifier": seller_id},
            "MessageType": "ProcessingReport",
            "Message": {"MessageID": "1", "ProcessingReport": processing_report},
        }
    }
    return xmltodict.unparse(envelope, encoding="UTF-8", pretty=True, indent="  ").encode("utf-8")


_SUMMARY_COUNTS = (
    "MessagesProcessed",
    "MessagesSuccessful",
    "MessagesWithError",
    "MessagesWithWarning",
)


def _result(message_id: int, refusal: _MessageRefused, order_id: str | None = None) -> dict:
    result = {
        "MessageID": str(message_id),
        "ResultCode": "Error",
        "ResultMessageCode": str(refusal.code),
        "ResultDescription": refusal.description,
    }
    info = {}
    if order_id and _AMAZON_ORDER_ID.match(order_id):
        info["AmazonOrderID"] = order_id
    if refusal.item_id and _AMAZON_ORDER_ITEM_CODE.match(refusal.item_id):
        info["AmazonOrderItemCode"] = refusal.item_id
    if info:
        result["AdditionalInfo"] = info
    return result
