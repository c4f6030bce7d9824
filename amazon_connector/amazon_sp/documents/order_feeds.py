"""Refunds and cancellations decided by the seller, sent to Amazon as XML feeds, and the XML
processing report Amazon answers them with.

- `POST_PAYMENT_ADJUSTMENT_DATA` (message type OrderAdjustment): refunds, item by item and
  amount by amount (principal, shipping, tax...). Amounts are what goes back to the buyer;
  a restocking fee is kept from it (Amazon takes it as a negative amount).
- `POST_ORDER_ACKNOWLEDGEMENT_DATA` (message type OrderAcknowledgement): StatusCode `Failure`
  cancels the order, or only the listed items; `Success` acknowledges it. Amazon's schema
  carries a CancelReason per item only, so a reason needs the items it applies to.

Feeds are AmazonEnvelopes (Header, MessageType, one Message per request, MessageID 1..n
unless given) with elements in the order Amazon's XSD sequences require; they are sent with
content type `text/xml; charset=UTF-8`. Both feeds are answered with an AmazonEnvelope holding
one ProcessingReport: counts, and a Result per message Amazon refused or warned about
(MessageID 0 for the document as a whole).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.parsers.expat import ExpatError

import xmltodict

from .common import AmazonDocumentError

ORDER_ADJUSTMENT_FEED_TYPE = "POST_PAYMENT_ADJUSTMENT_DATA"
ORDER_ACKNOWLEDGEMENT_FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
XML_FEED_CONTENT_TYPE = "text/xml; charset=UTF-8"
DOCUMENT_VERSION = "1.01"
ADJUSTMENT_FEED = "order adjustment feed"
ACKNOWLEDGEMENT_FEED = "order acknowledgement feed"
REPORT = "XML feed processing report"

_AMAZON_ORDER_ID = re.compile(r"^\w{3}-\w{7}-\w{7}$")
_AMAZON_ORDER_ITEM_CODE = re.compile(r"^\d{14}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})
_MAX_MERCHANT_ID_LENGTH = 50  # Amazon's String / StringNotNull types


def _values(namespace):
    return tuple(value for name, value in vars(namespace).items() if name.isupper())


class AdjustmentReason:
    """AdjustmentReason values of OrderAdjustment.xsd."""

    NO_INVENTORY = "NoInventory"
    CUSTOMER_RETURN = "CustomerReturn"
    GENERAL_ADJUSTMENT = "GeneralAdjustment"
    COULD_NOT_SHIP = "CouldNotShip"
    DIFFERENT_ITEM = "DifferentItem"
    ABANDONED = "Abandoned"
    CUSTOMER_CANCEL = "CustomerCancel"
    PRICE_ERROR = "PriceError"
    PRODUCT_OUT_OF_STOCK = "ProductOutofStock"
    CUSTOMER_ADDRESS_INCORRECT = "CustomerAddressIncorrect"
    EXCHANGE = "Exchange"
    OTHER = "Other"
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision"
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = "RiskAssessmentInformationNotValid"
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure"
    TRANSACTION_RECORD = "TransactionRecord"
    UNDELIVERABLE = "Undeliverable"
    REFUSED_DELIVERY = "RefusedDelivery"


class CancelReason:
    """CancelReason values of an OrderAcknowledgement item (OrderAcknowledgement.xsd)."""

    NO_INVENTORY = "NoInventory"
    SHIPPING_ADDRESS_UNDELIVERABLE = "ShippingAddressUndeliverable"
    CUSTOMER_EXCHANGE = "CustomerExchange"
    BUYER_CANCELED = "BuyerCanceled"
    GENERAL_ADJUSTMENT = "GeneralAdjustment"
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision"
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = "RiskAssessmentInformationNotValid"
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure"
    CUSTOMER_RETURN = "CustomerReturn"
    MERCHANDISE_NOT_RECEIVED = "MerchandiseNotReceived"
    CANNOT_VERIFY_INFORMATION = "CannotVerifyInformation"
    PRICING_ERROR = "PricingError"
    REJECT_ORDER = "RejectOrder"
    WEATHER_DELAY = "WeatherDelay"


class AcknowledgementStatus:
    """StatusCode of an OrderAcknowledgement: Failure cancels, Success acknowledges."""

    SUCCESS = "Success"
    FAILURE = "Failure"


class ProcessingReportStatus:
    """StatusCode of a ProcessingReport."""

    COMPLETE = "Complete"
    PROCESSING = "Processing"
    REJECTED = "Rejected"


ADJUSTMENT_REASONS = _values(AdjustmentReason)
CANCEL_REASONS = _values(CancelReason)
ACKNOWLEDGEMENT_STATUSES = _values(AcknowledgementStatus)

# AdjustedItem field -> Component Type (ItemPriceAdjustments), in the XSD's enumeration order.
REFUNDED_COMPONENTS = {
    "principal": "Principal",
    "shipping": "Shipping",
    "tax": "Tax",
    "shipping_tax": "ShippingTax",
    "gift_wrap": "GiftWrap",
    "gift_wrap_tax": "GiftWrapTax",
    "goodwill": "Goodwill",
}
# Charged to the buyer, kept from the refund: written as a negative Amount.
CHARGED_COMPONENTS = {"restocking_fee": "RestockingFee"}


@dataclass(frozen=True)
class AdjustedItem:
    """What to refund on one Amazon order item. Amounts are positive (Decimal, int or str)
    with at most the currency's decimals; None or zero leaves a component out."""

    amazon_order_item_id: str
    adjustment_reason: str
    currency: str
    principal: Decimal | None = None
    shipping: Decimal | None = None
    tax: Decimal | None = None
    shipping_tax: Decimal | None = None
    gift_wrap: Decimal | None = None
    gift_wrap_tax: Decimal | None = None
    goodwill: Decimal | None = None
    restocking_fee: Decimal | None = None
    quantity: int | None = None  # units refunded
    merchant_adjustment_item_id: str | None = None  # default: the request's merchant id


@dataclass(frozen=True)
class OrderAdjustmentRequest:
    """One refund of an Amazon order: one OrderAdjustment message.

    `merchant_adjustment_id` (the credit note, say) is written as the MerchantAdjustmentItemID
    of every item that has none of its own: Amazon's schema has no order-level id, and its
    settlement report gives this id back on each refunded item."""

    amazon_order_id: str
    items: tuple[AdjustedItem, ...]
    merchant_adjustment_id: str | None = None
    message_id: int | None = None  # default: the request's position, from 1


@dataclass(frozen=True)
class AcknowledgedItem:
    """One item of an acknowledgement; with StatusCode Failure, the item cancelled."""

    amazon_order_item_id: str
    cancel_reason: str | None = None  # default: the acknowledgement's
    quantity: int | None = None  # units cancelled
    merchant_order_item_id: str | None = None


@dataclass(frozen=True)
class OrderAcknowledgementRequest:
    """One OrderAcknowledgement message. StatusCode Failure (`cancellation`) without items
    cancels the whole order; with items, those items. `cancel_reason` goes on every item
    without a reason of its own, so it needs items."""

    amazon_order_id: str
    status_code: str
    merchant_order_id: str | None = None
    cancel_reason: str | None = None
    items: tuple[AcknowledgedItem, ...] = ()
    message_id: int | None = None  # default: the request's position, from 1

    @classmethod
    def cancellation(cls, amazon_order_id, cancel_reason=None, items=(), **fields):
        return cls(
            amazon_order_id,
            AcknowledgementStatus.FAILURE,
            cancel_reason=cancel_reason,
            items=tuple(items),
            **fields,
        )


# Building


def build_order_adjustment_feed(merchant_id, adjustments):
    """POST_PAYMENT_ADJUSTMENT_DATA feed bytes: one OrderAdjustment message per
    OrderAdjustmentRequest. Raises AmazonDocumentError for what Amazon would refuse."""
    return _feed(merchant_id, adjustments, "OrderAdjustment", _order_adjustment, ADJUSTMENT_FEED)


def build_order_acknowledgement_feed(merchant_id, acknowledgements):
    """POST_ORDER_ACKNOWLEDGEMENT_DATA feed bytes: one OrderAcknowledgement message per
    OrderAcknowledgementRequest. Raises AmazonDocumentError for what Amazon would refuse."""
    return _feed(
        merchant_id,
        acknowledgements,
        "OrderAcknowledgement",
        _acknowledgement,
        ACKNOWLEDGEMENT_FEED,
    )


def _feed(merchant_id, requests, message_type, build, document):
    """The feed of one `message_type` message, `build`'s body, per request."""
    requests = list(requests)
    message_ids = _message_ids(requests, document)
    messages = [
        {"MessageID": str(message_id), message_type: build(request)}
        for message_id, request in zip(message_ids, requests, strict=True)
    ]
    return _envelope(merchant_id, message_type, messages, document)


def _envelope(merchant_id, message_type, messages, document):
    if not messages:
        raise AmazonDocumentError("a feed needs at least one message", document=document)
    _check_merchant_text(merchant_id, "merchant id", document, path="Header")
    envelope = {
        "AmazonEnvelope": {
            "@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "@xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
            "Header": {"DocumentVersion": DOCUMENT_VERSION, "MerchantIdentifier": merchant_id},
            "MessageType": message_type,
            "Message": messages,
        }
    }
    return xmltodict.unparse(envelope, encoding="UTF-8", pretty=True, indent="  ").encode("utf-8")


def _message_ids(requests, document):
    ids = []
    for position, request in enumerate(requests, 1):
        message_id = position if request.message_id is None else request.message_id
        if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 1:
            raise AmazonDocumentError(
                f"message id {message_id!r} is not an integer >= 1",
                document=document,
                path=request.amazon_order_id,
            )
        if message_id in ids:
            raise AmazonDocumentError(
                f"message id {message_id} is used twice", document=document, path=message_id
            )
        ids.append(message_id)
    return ids


def _order_adjustment(request):
    document, order_id = ADJUSTMENT_FEED, request.amazon_order_id
    _check_order_id(order_id, document)
    if not request.items:
        raise AmazonDocumentError("no adjusted item", document=document, path=order_id)
    if request.merchant_adjustment_id is not None:
        _check_merchant_text(
            request.merchant_adjustment_id, "merchant adjustment id", document, order_id
        )
    return {
        "AmazonOrderID": order_id,
        "ActionType": "Refund",
        "AdjustedItem": [_adjusted_item(item, request) for item in request.items],
    }


def _adjusted_item(item, request):
    document = ADJUSTMENT_FEED
    path = f"{request.amazon_order_id}/{item.amazon_order_item_id}"
    _check_order_item_id(item.amazon_order_item_id, document, path)
    if item.adjustment_reason not in ADJUSTMENT_REASONS:
        raise AmazonDocumentError(
            f"adjustment reason {item.adjustment_reason!r} is not one of Amazon's: "
            f"{', '.join(ADJUSTMENT_REASONS)}",
            document=document,
            path=path,
        )
    if not isinstance(item.currency, str) or not _CURRENCY.match(item.currency):
        raise AmazonDocumentError(
            f"currency {item.currency!r} is not an ISO 4217 code", document=document, path=path
        )
    components = [
        _component(kind, getattr(item, field), item.currency, path, sign=1)
        for field, kind in REFUNDED_COMPONENTS.items()
    ] + [
        _component(kind, getattr(item, field), item.currency, path, sign=-1)
        for field, kind in CHARGED_COMPONENTS.items()
    ]
    components = [component for component in components if component]
    refunded = [c for c in components if not c["Amount"]["#text"].startswith("-")]
    if not refunded:
        raise AmazonDocumentError("nothing to refund", document=document, path=path)
    adjusted = {"AmazonOrderItemCode": item.amazon_order_item_id}
    merchant_item_id = item.merchant_adjustment_item_id or request.merchant_adjustment_id
    if merchant_item_id:
        _check_merchant_text(merchant_item_id, "merchant adjustment item id", document, path)
        adjusted["MerchantAdjustmentItemID"] = merchant_item_id
    adjusted["AdjustmentReason"] = item.adjustment_reason
    adjusted["ItemPriceAdjustments"] = {"Component": components}
    if item.quantity is not None:
        adjusted["Quantity"] = _positive_quantity(item.quantity, document, path)
    return adjusted


def _component(kind, value, currency, path, sign):
    """A Component {Type, Amount currency=...}, or None for no amount."""
    if value is None:
        return None
    amount = _amount(value, currency, f"{path}/{kind}")
    if amount.is_zero():
        return None
    return {
        "Type": kind,
        "Amount": {"@currency": currency, "#text": _format_amount(sign * amount, currency)},
    }


def _amount(value, currency, path):
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise AmazonDocumentError(
            f"amount {value!r} should be a Decimal, int or str", document=ADJUSTMENT_FEED, path=path
        )
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise AmazonDocumentError(
            f"amount {value!r} is not a number", document=ADJUSTMENT_FEED, path=path
        ) from None
    if not amount.is_finite() or amount < 0:
        raise AmazonDocumentError(
            f"amount {value!r} should be a positive number", document=ADJUSTMENT_FEED, path=path
        )
    decimals = 0 if currency in _ZERO_DECIMAL_CURRENCIES else 2
    if amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        raise AmazonDocumentError(
            f"amount {value} has more than {decimals} decimals for {currency}",
            document=ADJUSTMENT_FEED,
            path=path,
        )
    return amount


def _format_amount(amount, currency):
    decimals = 0 if currency in _ZERO_DECIMAL_CURRENCIES else 2
    return f"{amount:.{decimals}f}"


def _acknowledgement(request):
    document, order_id = ACKNOWLEDGEMENT_FEED, request.amazon_order_id
    _check_order_id(order_id, document)
    if request.status_code not in ACKNOWLEDGEMENT_STATUSES:
        raise AmazonDocumentError(
            f"status code {request.status_code!r} is not Success or Failure",
            document=document,
            path=order_id,
        )
    if request.cancel_reason is not None and not request.items:
        raise AmazonDocumentError(
            "a cancel reason needs the items it applies to: Amazon's OrderAcknowledgement "
            "carries CancelReason per item only",
            document=document,
            path=order_id,
        )
    acknowledgement = {"AmazonOrderID": order_id}
    if request.merchant_order_id:
        _check_merchant_text(request.merchant_order_id, "merchant order id", document, order_id)
        acknowledgement["MerchantOrderID"] = request.merchant_order_id
    acknowledgement["StatusCode"] = request.status_code
    if request.items:
        acknowledgement["Item"] = [_acknowledged_item(item, request) for item in request.items]
    return acknowledgement


def _acknowledged_item(item, request):
    document = ACKNOWLEDGEMENT_FEED
    path = f"{request.amazon_order_id}/{item.amazon_order_item_id}"
    _check_order_item_id(item.amazon_order_item_id, document, path)
    entry = {"AmazonOrderItemCode": item.amazon_order_item_id}
    if item.merchant_order_item_id:
        _check_merchant_text(item.merchant_order_item_id, "merchant order item id", document, path)
        entry["MerchantOrderItemID"] = item.merchant_order_item_id
    reason = item.cancel_reason or request.cancel_reason
    if reason is not None:
        if reason not in CANCEL_REASONS:
            raise AmazonDocumentError(
                f"cancel reason {reason!r} is not one of Amazon's: {', '.join(CANCEL_REASONS)}",
                document=document,
                path=path,
            )
        entry["CancelReason"] = reason
    if item.quantity is not None:
        entry["Quantity"] = _positive_quantity(item.quantity, document, path)
    return entry


def _check_order_id(order_id, document):
    if not isinstance(order_id, str) or not _AMAZON_ORDER_ID.match(order_id):
        raise AmazonDocumentError(
            f"Amazon order id {order_id!r} is not of the form 123-1234567-1234567",
            document=document,
        )


def _check_order_item_id(item_id, document, path):
    if not isinstance(item_id, str) or not _AMAZON_ORDER_ITEM_CODE.match(item_id):
        raise AmazonDocumentError(
            f"Amazon order item id {item_id!r} is not 14 digits", document=document, path=path
        )


def _check_merchant_text(value, label, document, path):
    if not isinstance(value, str) or not value.strip():
        raise AmazonDocumentError(f"{label} {value!r} is empty", document=document, path=path)
    if len(value) > _MAX_MERCHANT_ID_LENGTH:
        raise AmazonDocumentError(
            f"{label} {value!r} is longer than {_MAX_MERCHANT_ID_LENGTH} characters",
            document=document,
            path=path,
        )


def _positive_quantity(quantity, document, path):
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise AmazonDocumentError(
            f"quantity {quantity!r} is not an integer >= 1", document=document, path=path
        )
    return str(quantity)


# Processing report


@dataclass(frozen=True)
class ProcessingResult:
    """One Result of a processing report: an error or a warning about one message
    (message id 0: about the document as a whole)."""

    message_id: int
    result_code: str  # "Error" or "Warning"
    message_code: str
    description: str
    amazon_order_id: str | None = None
    amazon_order_item_id: str | None = None
    sku: str | None = None

    @property
    def is_error(self):
        return self.result_code == "Error"

    def text(self):
        return f"{self.message_code}: {self.description}"


@dataclass(frozen=True)
class XmlProcessingReport:
    """What Amazon made of an XML feed."""

    transaction_id: str  # DocumentTransactionID: the feed id
    status_code: str  # ProcessingReportStatus
    messages_processed: int
    messages_successful: int
    messages_with_error: int
    messages_with_warning: int
    results: tuple[ProcessingResult, ...] = ()

    @property
    def document_errors(self):
        """Errors about the feed as a whole (bad XML, schema): no message was applied."""
        return tuple(r.text() for r in self.results if r.is_error and r.message_id == 0)

    @property
    def errors(self):
        """Message id -> its error texts joined ("code: description; ...")."""
        return self._texts(error=True)

    @property
    def warnings(self):
        """Message id -> its warning texts joined."""
        return self._texts(error=False)

    def _texts(self, *, error):
        found = {}
        for result in self.results:
            if result.is_error != error or result.message_id == 0:
                continue
            previous = found.get(result.message_id)
            found[result.message_id] = f"{previous}; {result.text()}" if previous else result.text()
        return found

    def error_for(self, message_id):
        """Why Amazon did not apply the message, None when it did."""
        if self.document_errors:
            return "; ".join(self.document_errors)
        if self.status_code != ProcessingReportStatus.COMPLETE:
            return f"the feed is not processed (report status {self.status_code})"
        return self.errors.get(message_id)

    def is_accepted(self, message_id):
        return self.error_for(message_id) is None


_REPORT_LISTS = ("Message", "Result")


def parse_xml_processing_report(content):
    """An XML feed's processing report (bytes or str, an AmazonEnvelope of message type
    ProcessingReport) as an XmlProcessingReport."""
    if isinstance(content, bytearray | memoryview):
        content = bytes(content)
    if not isinstance(content, bytes | str):
        raise AmazonDocumentError(
            f"expected bytes or text, not {type(content).__name__}", document=REPORT
        )
    if isinstance(content, bytes) and content.startswith(b"\x1f\x8b"):
        raise AmazonDocumentError(
            "gzip-compressed: the client decompresses feed documents before parsing",
            document=REPORT,
        )
    try:
        parsed = xmltodict.parse(content, force_list=_REPORT_LISTS)
    except (ExpatError, ValueError) as error:
        raise AmazonDocumentError(f"not XML: {error}", document=REPORT) from None
    envelope = parsed.get("AmazonEnvelope") if isinstance(parsed, dict) else None
    if not isinstance(envelope, dict):
        root = next(iter(parsed), None) if isinstance(parsed, dict) else None
        raise AmazonDocumentError(f"root element {root!r} is not AmazonEnvelope", document=REPORT)
    if envelope.get("MessageType") != "ProcessingReport":
        raise AmazonDocumentError(
            f"MessageType {envelope.get('MessageType')!r} is not ProcessingReport",
            document=REPORT,
        )
    messages = envelope.get("Message") or []
    reports = [m.get("ProcessingReport") for m in messages if isinstance(m, dict)]
    if len(reports) != 1 or not isinstance(reports[0], dict):
        raise AmazonDocumentError(
            "expected one Message holding a ProcessingReport", document=REPORT, path="Message"
        )
    return _report(reports[0])


def _report(report):
    path = "ProcessingReport"
    summary = report.get("ProcessingSummary") or {}
    if not isinstance(summary, dict):
        raise AmazonDocumentError("ProcessingSummary is not an element", document=REPORT)
    results = report.get("Result") or []
    return XmlProcessingReport(
        transaction_id=_text(report, "DocumentTransactionID", path),
        status_code=_text(report, "StatusCode", path),
        messages_processed=_count(summary, "MessagesProcessed"),
        messages_successful=_count(summary, "MessagesSuccessful"),
        messages_with_error=_count(summary, "MessagesWithError"),
        messages_with_warning=_count(summary, "MessagesWithWarning"),
        results=tuple(_result(result, index) for index, result in enumerate(results)),
    )


def _result(result, index):
    path = f"Result[{index}]"
    if not isinstance(result, dict):
        raise AmazonDocumentError("Result has no elements", document=REPORT, path=path)
    message_id = _text(result, "MessageID", path)
    if not message_id.isdigit():
        raise AmazonDocumentError(
            f"MessageID {message_id!r} is not a number", document=REPORT, path=path
        )
    result_code = _text(result, "ResultCode", path)
    if result_code not in ("Error", "Warning"):
        raise AmazonDocumentError(
            f"ResultCode {result_code!r} is not Error or Warning", document=REPORT, path=path
        )
    info = result.get("AdditionalInfo") or {}
    if not isinstance(info, dict):
        info = {}
    return ProcessingResult(
        message_id=int(message_id),
        result_code=result_code,
        message_code=_optional_text(result, "ResultMessageCode") or "",
        description=_optional_text(result, "ResultDescription") or "",
        amazon_order_id=_optional_text(info, "AmazonOrderID"),
        amazon_order_item_id=_optional_text(info, "AmazonOrderItemCode"),
        sku=_optional_text(info, "SKU"),
    )


def _optional_text(element, name):
    value = element.get(name)
    if isinstance(value, dict):  # an element with attributes
        value = value.get("#text")
    if value is not None and not isinstance(value, str):
        raise AmazonDocumentError(f"{name} is not text", document=REPORT)
    return value.strip() if value else None


def _text(element, name, path):
    value = _optional_text(element, name)
    if not value:
        raise AmazonDocumentError(f"missing {name}", document=REPORT, path=path)
    return value


def _count(summary, name):
    value = _optional_text(summary, name) or "0"
    if not value.isdigit():
        raise AmazonDocumentError(
            f"{name} {value!r} is not a number", document=REPORT, path="ProcessingSummary"
        )
    return int(value)
