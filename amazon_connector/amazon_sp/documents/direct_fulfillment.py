"""Vendor Direct Fulfillment APIs: Amazon's orders that a vendor ships straight to Amazon's
customer (drop shipping), and everything the vendor sends back about them.

The APIs and their versions: Orders, Shipping and Transactions 2021-12-28, which answer
without a `payload` wrapper; Payments v1 and Inventory v1, which answer
`{"payload": {"transactionId": ...}}`. Every submission answers 202 with a transaction id
(`parse_df_transaction_id` reads both shapes); whether Amazon applied it is told later by
getTransactionStatus (`vendor_transactions.parse_transaction_status` reads its answer, with
errors given as an ErrorList object `{"errors": [...]}`).

Reading (tolerant: an optional field that is absent is "", None or False; what the model
requires is required, and anything malformed raises AmazonDocumentError naming the document
and the path of the faulty part):
- `split_df_orders` reads each order of a getOrders page alone (one malformed order hides no
  other), `parse_df_order` one getOrder answer. The ship-to party is the buyer's address:
  restricted data, got with a Restricted Data Token, to be kept only as long as the order
  needs it. For "Amazon label only" vendors its fields are `xxxxx`, kept as given. Amazon's
  examples write a 3-letter countryCode ("USA"): 2 or 3 letters are accepted, kept as given
  (upper case). An `attention` other than the name is the person the parcel is for (see
  `vendor_common.read_address`). Quantities are in Each (Amazon's examples write "EACH":
  matched ignoring case). An item's tax is the sum of its taxLineItem amounts, or of its
  TOTAL lines when it has some (a TOTAL line is "Combined total of all the applicable taxes":
  adding it to the others would count them twice).
- `parse_shipping_label` reads a getShippingLabel (or createShippingLabels) answer, its label
  contents base64-decoded; `parse_packing_slip` a getPackingSlip answer (a PDF, decoded).
- `parse_customer_invoice` reads a getCustomerInvoice answer. The model calls the content
  "The Base64 customer invoice", but its own example is plain text ("base 64 encoded
  string"): content that is valid base64 is decoded, other content is kept as the UTF-8 bytes
  of its text; the content type is then told by the bytes (application/pdf for a PDF,
  text/html for markup, text/plain for other text, application/octet-stream otherwise).

Writing (strict: what Amazon's models require, and what Amazon would refuse, is refused with
the purchase order number, invoice number or item as path):
- purchase order numbers are letters and digits (the models' "Formatting Notes:
  alpha-numeric code", `^[a-zA-Z0-9]+$`), 8 of them on invoice items (the payments model:
  "8-character alpha-numeric code");
- quantities are whole numbers >= 1 in Each ("This value should not be zero"), available
  inventory >= 0; item sequence numbers are strings where the model has strings (orders,
  invoices) and integers >= 1 where it has integers (shipping);
- the same purchase order (or invoice) twice in a request, the same item twice in an order,
  the same container twice in a shipment is refused; packed items must be items of the
  shipment, and containers may not hold more of an item than the shipment ships;
- dates are datetimes (naive ones are UTC), written ISO 8601 in UTC with a Z (a shipped date
  in the future is Amazon's to refuse, by its clock, not this machine's); amounts are the model's
  Decimal strings (Decimal, int or str accepted, floats refused).
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from .common import AmazonDocumentError, as_utc, expect_object, read_choice, read_list, read_text
from .orders import Address
from .vendor_common import (
    COUNTRY,
    COUNTRY_ALPHA_2_OR_3,
    Party,
    decimal_text,
    format_date,
    read_address,
    read_amount,
    read_flag,
    read_money,
    read_party,
    read_timestamp,
    read_whole,
    values_of,
    write_address,
    write_choice,
    write_currency,
    write_entries,
    write_money,
    write_party,
    write_product_ids,
    write_purchase_order_number,
    write_text,
    write_whole,
)
from .vendor_invoices import TaxDetail, tax_total, write_tax_detail
from .vendor_orders import parse_transaction_id
from .vendor_transactions import refuse_error_response

ORDER_DOCUMENT = "direct fulfillment order"
ORDERS_DOCUMENT = "direct fulfillment orders"
ACKNOWLEDGEMENT_DOCUMENT = "direct fulfillment acknowledgement"
LABEL_REQUEST_DOCUMENT = "direct fulfillment shipping label request"
LABEL_DOCUMENT = "direct fulfillment shipping label"
PACKING_SLIP_DOCUMENT = "direct fulfillment packing slip"
CUSTOMER_INVOICE_DOCUMENT = "direct fulfillment customer invoice"
CONFIRMATION_DOCUMENT = "direct fulfillment shipment confirmation"
STATUS_UPDATE_DOCUMENT = "direct fulfillment shipment status update"
INVOICE_DOCUMENT = "direct fulfillment invoice"
INVENTORY_DOCUMENT = "direct fulfillment inventory update"
TRANSACTION_DOCUMENT = "direct fulfillment transaction"

# ItemQuantity.unitOfMeasure: the models' only unit.
EACH = "Each"
PDF = "application/pdf"
CENT = Decimal("0.01")
ZERO = Decimal(0)
# Inventory items per submitInventoryUpdate body (see `build_inventory_updates`).
DF_INVENTORY_BATCH_SIZE = 1000
# AcknowledgementStatus.code: "a unique two digit value".
_ACKNOWLEDGEMENT_CODE = re.compile(r"^\d{2}$")
# Tax lines of type TOTAL sum up the others (TaxDetails.type: "Combined total").
TOTAL_TAX = "TOTAL"


class DfAcknowledgementCode:
    """AcknowledgementStatus.code of an order acknowledgement (the Vendor Direct Fulfillment
    Use Case Guide's codes; Amazon lists more cancellation reasons, which the builder takes
    too as long as they are two digits)."""

    ACCEPTED = "00"  # shipping 100 percent of ordered product
    INVALID_SKU = "02"  # cancelled: missing or invalid SKU
    OUT_OF_STOCK = "03"  # cancelled: out of stock


DF_ACKNOWLEDGEMENT_DESCRIPTIONS = {
    DfAcknowledgementCode.ACCEPTED: "Accepted",
    DfAcknowledgementCode.INVALID_SKU: "Rejected: unknown item",
    DfAcknowledgementCode.OUT_OF_STOCK: "Rejected: out of stock",
}


class DfOrderStatus:
    """OrderDetails.orderStatus."""

    NEW = "NEW"
    SHIPPED = "SHIPPED"
    ACCEPTED = "ACCEPTED"
    CANCELLED = "CANCELLED"


class DfLabelFormat:
    """ShippingLabel.labelFormat."""

    PNG = "PNG"
    ZPL = "ZPL"


class DfWeightUnit:
    """Weight.unitOfMeasure of a container."""

    KG = "KG"
    LB = "LB"


class DfContainerType:
    """Container.containerType."""

    CARTON = "Carton"
    PALLET = "Pallet"


class DfShipmentStatus:
    """ShipmentDetails.shipmentStatus of a shipment confirmation: SHIPPED, or FLOOR_DENIAL
    (not shipped: the product is unfit, or the physical and virtual inventory differ)."""

    SHIPPED = "SHIPPED"
    FLOOR_DENIAL = "FLOOR_DENIAL"


DF_ORDER_STATUSES = values_of(DfOrderStatus)
DF_LABEL_FORMATS = values_of(DfLabelFormat)
DF_WEIGHT_UNITS = values_of(DfWeightUnit)
DF_CONTAINER_TYPES = values_of(DfContainerType)
DF_SHIPMENT_STATUSES = values_of(DfShipmentStatus)


# Orders


@dataclass(frozen=True)
class DfItem:
    """One line of a direct fulfillment order. `quantity` is in Each; `net_price` is the
    price to the vendor per each, before tax, in `currency`."""

    sequence: str  # itemSequenceNumber, as given ("00001")
    asin: str  # buyerProductIdentifier
    vendor_product_id: str
    title: str
    quantity: int
    net_price: Decimal | None
    currency: str  # of the net price, "" without one
    gift_message: str
    gift_wrap_id: str
    tax_amount: Decimal | None  # the item's tax (see the module's docstring), None: none


@dataclass(frozen=True)
class DfOrder:
    """An order Amazon's customer placed, which the vendor ships to `ship_to` (the buyer)."""

    number: str  # purchaseOrderNumber
    customer_order_number: str
    ordered: datetime  # orderDate
    status: str  # DfOrderStatus, "" when absent
    selling_party: Party  # the vendor code
    ship_from_party: Party  # the vendor's warehouse
    bill_to_party: Party
    ship_to: Address  # restricted data: the buyer's name and address
    ship_method: str
    required_ship_date: datetime
    promised_delivery_date: datetime | None
    is_priority: bool
    is_gift: bool
    is_pslip_required: bool  # a packing slip goes into the parcel
    is_scheduled_delivery: bool
    message_to_customer: str
    has_customizable_items: bool
    items: tuple[DfItem, ...]
    raw: dict = field(default=None, repr=False, compare=False)  # the Order as received


@dataclass(frozen=True)
class ReadDfOrder:
    """One order of a getOrders page, read on its own: its DfOrder, or why it is unreadable.
    `number` is the purchaseOrderNumber as given (None when missing), `raw` the Order object
    (None when it is not an object)."""

    number: str | None
    order: DfOrder | None
    error: AmazonDocumentError | None
    raw: dict | None


def parse_df_order(payload):
    """A getOrder answer (one Order) as a DfOrder. Raises AmazonDocumentError, with the path
    of the faulty part, for what is malformed."""
    payload = _order_object(payload)
    return _order(payload, "order")


def split_df_orders(payload):
    """Each order of a getOrders answer (an OrderList: {"orders": [...], "pagination": ...}),
    parsed alone, so that one malformed order does not hide the others of its page. Raises
    AmazonDocumentError only when the answer itself is not an OrderList."""
    orders = _order_list(payload)
    found = []
    for index, raw in enumerate(orders):
        number = raw.get("purchaseOrderNumber") if isinstance(raw, dict) else None
        number = number if isinstance(number, str) and number else None
        kept = raw if isinstance(raw, dict) else None
        try:
            order = _order(raw, f"orders[{index}]")
        except AmazonDocumentError as error:
            found.append(ReadDfOrder(number=number, order=None, error=error, raw=kept))
        else:
            found.append(ReadDfOrder(number=number, order=order, error=None, raw=kept))
    return found


def _order_object(payload):
    payload = expect_object(payload, document=ORDER_DOCUMENT)
    if payload.get("payload") is not None:
        return expect_object(payload["payload"], "payload", document=ORDER_DOCUMENT)
    if "purchaseOrderNumber" not in payload and "errors" in payload:
        refuse_error_response(payload, ORDER_DOCUMENT)
    if "orders" in payload:
        raise AmazonDocumentError(
            "a list of orders, not an Order (split_df_orders reads a getOrders answer)",
            document=ORDER_DOCUMENT,
        )
    return payload


def _order_list(payload):
    payload = expect_object(payload, document=ORDERS_DOCUMENT)
    if payload.get("payload") is not None:
        payload = expect_object(payload["payload"], "payload", document=ORDERS_DOCUMENT)
    if "orders" not in payload:
        if "errors" in payload:
            refuse_error_response(payload, ORDERS_DOCUMENT)
        if "purchaseOrderNumber" in payload:
            raise AmazonDocumentError(
                "an Order, not a list of orders (parse_df_order reads one order)",
                document=ORDERS_DOCUMENT,
            )
        if payload.keys() - {"pagination"}:
            raise AmazonDocumentError(
                "not an OrderList: no orders", document=ORDERS_DOCUMENT, path="OrderList"
            )
    return read_list(payload, "orders", "OrderList", document=ORDERS_DOCUMENT)


def _order(order, path):
    order = _object(order, path)
    number = _text(order, "purchaseOrderNumber", path, required=True)
    path = f"order {number}"
    details = order.get("orderDetails")
    if details is None:
        raise AmazonDocumentError(
            "an order without orderDetails (getOrders with includeDetails=false): getOrder "
            "reads it whole",
            document=ORDER_DOCUMENT,
            path=path,
        )
    path = f"{path}.orderDetails"
    details = _object(details, path)
    shipment_path = f"{path}.shipmentDetails"
    shipment = _required_object(details, "shipmentDetails", path)
    dates_path = f"{shipment_path}.shipmentDates"
    dates = _required_object(shipment, "shipmentDates", shipment_path)
    if details.get("shipToParty") is None:
        raise AmazonDocumentError("missing shipToParty", document=ORDER_DOCUMENT, path=path)
    return DfOrder(
        number=number,
        customer_order_number=_text(details, "customerOrderNumber", path, required=True),
        ordered=_timestamp(details, "orderDate", path, required=True),
        status=_choice(details, "orderStatus", DF_ORDER_STATUSES, path),
        selling_party=_required_party(details, "sellingParty", path),
        ship_from_party=_required_party(details, "shipFromParty", path),
        bill_to_party=_required_party(details, "billToParty", path),
        ship_to=_address(details["shipToParty"], f"{path}.shipToParty"),
        ship_method=_text(shipment, "shipMethod", shipment_path, required=True),
        required_ship_date=_timestamp(dates, "requiredShipDate", dates_path, required=True),
        promised_delivery_date=_timestamp(dates, "promisedDeliveryDate", dates_path),
        is_priority=_flag(shipment, "isPriorityShipment", shipment_path, required=True),
        is_gift=_flag(shipment, "isGift", shipment_path),
        is_pslip_required=_flag(shipment, "isPslipRequired", shipment_path, required=True),
        is_scheduled_delivery=_flag(shipment, "isScheduledDeliveryShipment", shipment_path),
        message_to_customer=_text(shipment, "messageToCustomer", shipment_path),
        has_customizable_items=_flag(details, "hasCustomizableItems", path),
        items=_items(details, path),
        raw=order,
    )


def _items(details, path):
    raw_items = read_list(details, "items", path, document=ORDER_DOCUMENT, required=True)
    if not raw_items:
        raise AmazonDocumentError("an order without items", document=ORDER_DOCUMENT, path=path)
    items = []
    for index, raw in enumerate(raw_items):
        where = f"{path}.items[{index}]"
        item = _item(raw, where)
        if any(known.sequence == item.sequence for known in items):
            raise AmazonDocumentError(
                f"item sequence number {item.sequence!r} is used twice",
                document=ORDER_DOCUMENT,
                path=where,
            )
        items.append(item)
    return tuple(items)


def _item(raw, path):
    raw = _object(raw, path)
    sequence = _text(raw, "itemSequenceNumber", path, required=True)
    path = f"{path} (item {sequence})"
    quantity_path = f"{path}.orderedQuantity"
    quantity = _required_object(raw, "orderedQuantity", path)
    unit = _text(quantity, "unitOfMeasure", quantity_path)
    if unit and unit.casefold() != EACH.casefold():
        raise AmazonDocumentError(
            f"unknown unitOfMeasure {unit!r} (Amazon's: {EACH})",
            document=ORDER_DOCUMENT,
            path=quantity_path,
        )
    net_price, currency, _ = read_money(raw, "netPrice", path, document=ORDER_DOCUMENT, units=None)
    gift_path = f"{path}.giftDetails"
    gift = raw.get("giftDetails")
    gift = {} if gift is None else _object(gift, gift_path)
    return DfItem(
        sequence=sequence,
        asin=_text(raw, "buyerProductIdentifier", path),
        vendor_product_id=_text(raw, "vendorProductIdentifier", path),
        title=_text(raw, "title", path),
        quantity=read_whole(
            quantity, "amount", quantity_path, document=ORDER_DOCUMENT, minimum=1, required=True
        ),
        net_price=net_price,
        currency=currency,
        gift_message=_text(gift, "giftMessage", gift_path),
        gift_wrap_id=_text(gift, "giftWrapId", gift_path),
        tax_amount=_tax_amount(raw, path),
    )


def _tax_amount(raw, path):
    """The item's tax: its TOTAL tax lines when it has some, else all its lines; None
    without tax lines."""
    details = raw.get("taxDetails")
    if details is None:
        return None
    path = f"{path}.taxDetails"
    lines = read_list(_object(details, path), "taxLineItem", path, document=ORDER_DOCUMENT)
    amounts = []
    for index, raw_line in enumerate(lines):
        where = f"{path}.taxLineItem[{index}]"
        line = _object(raw_line, where)
        if line.get("taxAmount") is None:
            raise AmazonDocumentError("missing taxAmount", document=ORDER_DOCUMENT, path=where)
        amount, _, _ = read_money(line, "taxAmount", where, document=ORDER_DOCUMENT, units=None)
        amounts.append((_text(line, "type", where), amount))
    if not amounts:
        return None
    totals = [amount for kind, amount in amounts if kind == TOTAL_TAX]
    return sum(totals or [amount for _, amount in amounts], ZERO)


def _required_object(mapping, key, path):
    value = mapping.get(key)
    if value is None:
        raise AmazonDocumentError(f"missing {key}", document=ORDER_DOCUMENT, path=path)
    return _object(value, f"{path}.{key}")


def _required_party(details, key, path):
    party = read_party(
        details,
        key,
        path,
        document=ORDER_DOCUMENT,
        type_required=False,
        countries=COUNTRY_ALPHA_2_OR_3,
    )
    if party is None:
        raise AmazonDocumentError(f"missing {key}", document=ORDER_DOCUMENT, path=path)
    return party


# Acknowledgements


@dataclass(frozen=True)
class DfItemAcknowledgement:
    """One item of an acknowledged order, as the order has it."""

    sequence: str  # the order's itemSequenceNumber, as given
    asin: str
    vendor_product_id: str
    quantity: int  # acknowledged (shipped, or cancelled) units, in Each


@dataclass(frozen=True)
class DfOrderAcknowledgement:
    """The vendor's answer to one order: accepted (code 00) or cancelled (02, 03...).
    `description` "" takes DF_ACKNOWLEDGEMENT_DESCRIPTIONS' for a known code."""

    number: str
    vendor_order_number: str  # the vendor's own number of the order (required by Amazon)
    acknowledged: datetime
    code: str  # DfAcknowledgementCode
    description: str
    selling_party_id: str  # the vendor code of the order (sellingParty.partyId)
    ship_from_party_id: str  # the warehouse of the order (shipFromParty.partyId)
    items: tuple[DfItemAcknowledgement, ...]


def build_df_acknowledgement_request(acknowledgements):
    """The JSON body (a dict) of submitAcknowledgement, a SubmitAcknowledgementRequest:
    {"orderAcknowledgements": [...]}, one per DfOrderAcknowledgement. Raises
    AmazonDocumentError for what Amazon would refuse."""
    built = write_entries(
        acknowledgements,
        _acknowledgement,
        "purchaseOrderNumber",
        document=ACKNOWLEDGEMENT_DOCUMENT,
        nothing="no acknowledgement to send",
        twice="the purchase order is acknowledged twice in the request",
    )
    return {"orderAcknowledgements": built}


def _acknowledgement(acknowledgement):
    document = ACKNOWLEDGEMENT_DOCUMENT
    _expect(acknowledgement, DfOrderAcknowledgement, document)
    number = _purchase_order_number(acknowledgement.number, document)
    code = acknowledgement.code
    if not isinstance(code, str) or not _ACKNOWLEDGEMENT_CODE.match(code):
        raise AmazonDocumentError(
            f"acknowledgement code {code!r} is not a two-digit code (00: accepted)",
            document=document,
            path=number,
        )
    description = write_text(
        acknowledgement.description,
        "acknowledgement description",
        document=document,
        path=number,
        required=False,
    ) or DF_ACKNOWLEDGEMENT_DESCRIPTIONS.get(code, "")
    status = {"code": code}
    if description:
        status["description"] = description
    items = tuple(acknowledgement.items or ())
    if not items:
        raise AmazonDocumentError(
            "an acknowledgement without items", document=document, path=number
        )
    built, sequences = [], set()
    for index, item in enumerate(items):
        where = f"{number} items[{index}]"
        _expect(item, DfItemAcknowledgement, document, where)
        sequence = write_text(item.sequence, "item sequence number", document=document, path=where)
        where = f"{number}/{sequence}"
        if sequence in sequences:
            raise AmazonDocumentError(
                f"item sequence number {sequence!r} is used twice", document=document, path=where
            )
        sequences.add(sequence)
        entry = {"itemSequenceNumber": sequence}
        entry.update(_product_ids(item, document, where, required=False))
        entry["acknowledgedQuantity"] = _quantity(item.quantity, document, where)
        built.append(entry)
    return {
        "purchaseOrderNumber": number,
        "vendorOrderNumber": write_text(
            acknowledgement.vendor_order_number,
            "vendor order number",
            document=document,
            path=number,
        ),
        "acknowledgementDate": format_date(
            acknowledgement.acknowledged, "acknowledged", document=document, path=number
        ),
        "acknowledgementStatus": status,
        "sellingParty": _party_id(
            acknowledgement.selling_party_id, "selling party", document, number
        ),
        "shipFromParty": _party_id(
            acknowledgement.ship_from_party_id, "ship-from party", document, number
        ),
        "itemAcknowledgements": built,
    }


# Shipping labels, packing slips, customer invoices


@dataclass(frozen=True)
class DfPackedItem:
    """What a container holds of an order item (a PackedItem), in Each."""

    sequence: int  # the order item's sequence number as an integer ("00001" is 1)
    asin: str
    vendor_product_id: str
    quantity: int


@dataclass(frozen=True)
class DfContainer:
    """A package (Carton) or pallet of a shipment. `sequence` is its containerSequenceNumber
    (1, 2...); `ship_method` is required in shipment confirmations, `scac` (NA) and `carrier`
    (EU) for vendors shipping with their own carrier."""

    identifier: str
    sequence: int
    weight: Decimal
    weight_unit: str  # DfWeightUnit: KG or LB
    items: tuple[DfPackedItem, ...]
    tracking_number: str = ""
    carrier: str = ""
    scac: str = ""
    ship_method: str = ""
    container_type: str = DfContainerType.CARTON


@dataclass(frozen=True)
class DfLabelRequest:
    """A request for the shipping labels of one order's packages."""

    number: str
    selling_party_id: str
    ship_from_party_id: str
    containers: tuple[DfContainer, ...]


def build_shipping_label_request(requests):
    """The JSON body (a dict) of submitShippingLabelRequest, a SubmitShippingLabelsRequest:
    {"shippingLabelRequests": [...]}, one per DfLabelRequest. Amazon makes the labels later:
    getShippingLabel answers 404 until then."""
    built = write_entries(
        requests,
        _label_request,
        "purchaseOrderNumber",
        document=LABEL_REQUEST_DOCUMENT,
        nothing="no shipping label request to send",
        twice="labels are asked twice for the purchase order in the request",
    )
    return {"shippingLabelRequests": built}


def _label_request(request):
    document = LABEL_REQUEST_DOCUMENT
    _expect(request, DfLabelRequest, document)
    number = _purchase_order_number(request.number, document)
    entry = {
        "purchaseOrderNumber": number,
        "sellingParty": _party_id(request.selling_party_id, "selling party", document, number),
        "shipFromParty": _party_id(request.ship_from_party_id, "ship-from party", document, number),
    }
    containers = _containers(request.containers, document, number, ship_method_required=False)
    if containers:
        entry["containers"] = containers
    return entry


@dataclass(frozen=True)
class DfLabel:
    """One package's label: `content` is the label itself (PNG or ZPL bytes)."""

    package_id: str
    tracking_number: str
    ship_method: str
    ship_method_name: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class DfShippingLabel:
    """The labels of an order's packages, in `label_format` (PNG or ZPL)."""

    number: str
    label_format: str
    labels: tuple[DfLabel, ...]


@dataclass(frozen=True)
class DfDocument:
    """A document Amazon makes for an order (packing slip, customer invoice), decoded."""

    number: str
    content: bytes = field(repr=False)
    content_type: str = PDF


def parse_shipping_label(payload):
    """A getShippingLabel (or createShippingLabels) answer, a ShippingLabel, as a
    DfShippingLabel with the labels base64-decoded."""
    document = LABEL_DOCUMENT
    label = _document_object(payload, document)
    number = read_text(
        label, "purchaseOrderNumber", "ShippingLabel", document=document, required=True
    )
    path = f"label {number}"
    label_format = read_choice(
        label, "labelFormat", DF_LABEL_FORMATS, path, document=document, required=True
    )
    entries = read_list(label, "labelData", path, document=document, required=True)
    if not entries:
        raise AmazonDocumentError(
            "a shipping label without label data", document=document, path=path
        )
    labels = []
    for index, raw_entry in enumerate(entries):
        where = f"{path}.labelData[{index}]"
        entry = expect_object(raw_entry, where, document=document)
        text = partial(read_text, entry, path=where, document=document)
        labels.append(
            DfLabel(
                package_id=text("packageIdentifier"),
                tracking_number=text("trackingNumber"),
                ship_method=text("shipMethod"),
                ship_method_name=text("shipMethodName"),
                content=_base64(text("content", required=True), document, where),
            )
        )
    return DfShippingLabel(number=number, label_format=label_format, labels=tuple(labels))


def parse_packing_slip(payload):
    """A getPackingSlip answer, a PackingSlip, as a DfDocument: the PDF, base64-decoded."""
    document = PACKING_SLIP_DOCUMENT
    slip = _document_object(payload, document)
    number = read_text(slip, "purchaseOrderNumber", "PackingSlip", document=document, required=True)
    path = f"packing slip {number}"
    content = _base64(
        read_text(slip, "content", path, document=document, required=True), document, path
    )
    content_type = read_choice(slip, "contentType", (PDF,), path, document=document) or PDF
    return DfDocument(number=number, content=content, content_type=content_type)


def parse_customer_invoice(payload):
    """A getCustomerInvoice answer, a CustomerInvoice, as a DfDocument: base64 content
    decoded, other content kept as its UTF-8 bytes, the content type told by the bytes (see
    the module's docstring)."""
    document = CUSTOMER_INVOICE_DOCUMENT
    invoice = _document_object(payload, document)
    number = read_text(
        invoice, "purchaseOrderNumber", "CustomerInvoice", document=document, required=True
    )
    text = read_text(
        invoice, "content", f"customer invoice {number}", document=document, required=True
    )
    try:
        content = _decode_base64(text)
    except ValueError:
        content = text.encode("utf-8")
    return DfDocument(number=number, content=content, content_type=_content_type(content))


def _document_object(payload, document):
    payload = expect_object(payload, document=document)
    if payload.get("payload") is not None:
        return expect_object(payload["payload"], "payload", document=document)
    if "purchaseOrderNumber" not in payload and "errors" in payload:
        refuse_error_response(payload, document)
    return payload


def _decode_base64(text):
    """The bytes of a base64 text (line breaks allowed); ValueError when it is not base64."""
    compact = "".join(text.split())
    if not compact:
        raise ValueError("empty")
    try:
        return base64.b64decode(compact, validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from None


def _base64(text, document, path):
    try:
        return _decode_base64(text)
    except ValueError:
        raise AmazonDocumentError("content is not base64", document=document, path=path) from None


def _content_type(content):
    if content.startswith(b"%PDF"):
        return PDF
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/html" if text.lstrip().startswith("<") else "text/plain"


# Shipment confirmations and status updates


@dataclass(frozen=True)
class DfShippedItem:
    """An order item in a shipment, in Each."""

    sequence: int  # the order item's sequence number as an integer ("00001" is 1)
    asin: str
    vendor_product_id: str
    quantity: int


@dataclass(frozen=True)
class DfShipmentConfirmation:
    """The vendor's notice that an order left its warehouse (or was floor-denied)."""

    number: str
    selling_party_id: str
    ship_from_party_id: str
    shipped: datetime  # not in the future
    items: tuple[DfShippedItem, ...]
    containers: tuple[DfContainer, ...]
    vendor_order_number: str = ""
    estimated_delivery: datetime | None = None
    status: str = DfShipmentStatus.SHIPPED


def build_df_shipment_confirmations(confirmations):
    """The JSON body (a dict) of submitShipmentConfirmations, a
    SubmitShipmentConfirmationsRequest: {"shipmentConfirmations": [...]}, one per
    DfShipmentConfirmation. Each container needs its ship method (the model: "required when
    calling the submitShipmentConfirmations operation")."""
    built = write_entries(
        confirmations,
        _confirmation,
        "purchaseOrderNumber",
        document=CONFIRMATION_DOCUMENT,
        nothing="no shipment confirmation to send",
        twice="the purchase order is confirmed twice in the request",
    )
    return {"shipmentConfirmations": built}


def _confirmation(confirmation):
    document = CONFIRMATION_DOCUMENT
    _expect(confirmation, DfShipmentConfirmation, document)
    number = _purchase_order_number(confirmation.number, document)
    shipped = format_date(confirmation.shipped, "shipped date", document=document, path=number)
    details = {
        "shippedDate": shipped,
        "shipmentStatus": write_choice(
            confirmation.status,
            DF_SHIPMENT_STATUSES,
            "shipment status",
            document=document,
            path=number,
        ),
    }
    vendor_order = write_text(
        confirmation.vendor_order_number,
        "vendor order number",
        document=document,
        path=number,
        required=False,
    )
    if vendor_order:
        details["vendorOrderNumber"] = vendor_order
    if confirmation.estimated_delivery is not None:
        details["estimatedDeliveryDate"] = format_date(
            confirmation.estimated_delivery, "estimated delivery", document=document, path=number
        )
        if as_utc(confirmation.estimated_delivery) < as_utc(confirmation.shipped):
            raise AmazonDocumentError(
                "estimated delivery before the shipped date", document=document, path=number
            )
    items, shipped_quantities = _shipped_items(confirmation.items, number)
    entry = {
        "purchaseOrderNumber": number,
        "shipmentDetails": details,
        "sellingParty": _party_id(confirmation.selling_party_id, "selling party", document, number),
        "shipFromParty": _party_id(
            confirmation.ship_from_party_id, "ship-from party", document, number
        ),
        "items": items,
    }
    containers = _containers(
        confirmation.containers,
        document,
        number,
        ship_method_required=True,
        shipped=shipped_quantities,
    )
    if containers:
        entry["containers"] = containers
    return entry


def _shipped_items(items, path):
    """(the Items, {sequence: quantity shipped})."""
    document = CONFIRMATION_DOCUMENT
    items = tuple(items or ())
    if not items:
        raise AmazonDocumentError(
            "a shipment confirmation without items", document=document, path=path
        )
    built, shipped = [], {}
    for index, item in enumerate(items):
        where = f"{path} items[{index}]"
        _expect(item, DfShippedItem, document, where)
        sequence = write_whole(item.sequence, "item sequence number", document=document, path=where)
        where = f"{path}/{sequence}"
        if sequence in shipped:
            raise AmazonDocumentError(
                f"item sequence number {sequence} is used twice", document=document, path=where
            )
        entry = {"itemSequenceNumber": sequence}
        entry.update(_product_ids(item, document, where))
        entry["shippedQuantity"] = _quantity(item.quantity, document, where)
        shipped[sequence] = item.quantity
        built.append(entry)
    return built, shipped


def _containers(containers, document, path, *, ship_method_required, shipped=None):
    """The Containers of a label request or confirmation; with `shipped` ({sequence:
    quantity}), packed items must be shipped items and no more of them than shipped."""
    containers = tuple(containers or ())
    built, identifiers, sequences, packed = [], set(), set(), {}
    for index, container in enumerate(containers):
        where = f"{path} containers[{index}]"
        _expect(container, DfContainer, document, where)
        identifier = write_text(
            container.identifier, "container identifier", document=document, path=where
        )
        where = f"{path}/container {identifier}"
        if identifier in identifiers:
            raise AmazonDocumentError(
                f"container {identifier!r} is given twice", document=document, path=where
            )
        identifiers.add(identifier)
        sequence = write_whole(
            container.sequence, "container sequence number", document=document, path=where
        )
        if sequence in sequences:
            raise AmazonDocumentError(
                f"container sequence number {sequence} is used twice", document=document, path=where
            )
        sequences.add(sequence)
        entry = {
            "containerType": write_choice(
                container.container_type,
                DF_CONTAINER_TYPES,
                "container type",
                document=document,
                path=where,
            ),
            "containerIdentifier": identifier,
        }
        for key, value, label in (
            ("trackingNumber", container.tracking_number, "tracking number"),
            ("shipMethod", container.ship_method, "ship method"),
            ("scacCode", container.scac, "SCAC"),
            ("carrier", container.carrier, "carrier"),
        ):
            required = ship_method_required and key == "shipMethod"
            text = write_text(value, label, document=document, path=where, required=required)
            if text:
                entry[key] = text
        entry["containerSequenceNumber"] = sequence
        weight = read_amount(
            container.weight, "weight", document=document, path=where, positive=True
        )
        entry["weight"] = {
            "unitOfMeasure": write_choice(
                container.weight_unit, DF_WEIGHT_UNITS, "weight unit", document=document, path=where
            ),
            "value": decimal_text(weight),
        }
        entry["packedItems"] = _packed_items(container, document, where, shipped, packed)
        built.append(entry)
    return built


def _packed_items(container, document, path, shipped, packed):
    items = tuple(container.items or ())
    if not items:
        raise AmazonDocumentError("a container without packed items", document=document, path=path)
    built, sequences = [], set()
    for index, item in enumerate(items):
        where = f"{path} items[{index}]"
        _expect(item, DfPackedItem, document, where)
        sequence = write_whole(item.sequence, "item sequence number", document=document, path=where)
        where = f"{path}/item {sequence}"
        if sequence in sequences:
            raise AmazonDocumentError(
                f"item {sequence} is packed twice in the container", document=document, path=where
            )
        sequences.add(sequence)
        entry = {"itemSequenceNumber": sequence}
        entry.update(_product_ids(item, document, where))
        entry["packedQuantity"] = _quantity(item.quantity, document, where)
        if shipped is not None:
            if sequence not in shipped:
                raise AmazonDocumentError(
                    f"item {sequence} is packed but not an item of the shipment",
                    document=document,
                    path=where,
                )
            packed[sequence] = packed.get(sequence, 0) + item.quantity
            if packed[sequence] > shipped[sequence]:
                raise AmazonDocumentError(
                    f"the containers hold {packed[sequence]} units of item {sequence}, the "
                    f"shipment ships {shipped[sequence]}",
                    document=document,
                    path=where,
                )
        built.append(entry)
    return built


@dataclass(frozen=True)
class DfStatusUpdate:
    """Where a package shipped by the vendor's own carrier is (Vendor-Own-Carrier vendors
    only): Amazon's status and reason codes (Shipping API Use Case Guide) at `status_time`
    in `location`."""

    number: str
    selling_party_id: str
    ship_from_party_id: str
    tracking_number: str
    status_code: str
    reason_code: str
    status_time: datetime
    location: Address  # name, street and country required
    estimated_delivery: datetime | None = None


def build_df_status_updates(updates):
    """The JSON body (a dict) of submitShipmentStatusUpdates, a
    SubmitShipmentStatusUpdatesRequest: {"shipmentStatusUpdates": [...]} (at least one)."""
    document = STATUS_UPDATE_DOCUMENT
    updates = list(updates or ())
    if not updates:
        raise AmazonDocumentError("no status update to send", document=document)
    built, seen = [], set()
    for update in updates:
        entry = _status_update(update)
        details = entry["statusUpdateDetails"]
        key = (
            entry["purchaseOrderNumber"],
            details["trackingNumber"],
            details["statusCode"],
            details["statusDateTime"],
        )
        if key in seen:
            raise AmazonDocumentError(
                "the same status update is given twice", document=document, path=key[0]
            )
        seen.add(key)
        built.append(entry)
    return {"shipmentStatusUpdates": built}


def _status_update(update):
    document = STATUS_UPDATE_DOCUMENT
    _expect(update, DfStatusUpdate, document)
    number = _purchase_order_number(update.number, document)
    text = partial(write_text, document=document, path=number)
    details = {
        "trackingNumber": text(update.tracking_number, "tracking number"),
        "statusCode": text(update.status_code, "status code"),
        "reasonCode": text(update.reason_code, "reason code"),
        "statusDateTime": format_date(
            update.status_time, "status time", document=document, path=number
        ),
        "statusLocationAddress": write_address(
            update.location, "status location", document=document, path=number
        ),
    }
    if update.estimated_delivery is not None:
        details["shipmentSchedule"] = {
            "estimatedDeliveryDateTime": format_date(
                update.estimated_delivery, "estimated delivery", document=document, path=number
            )
        }
    return {
        "purchaseOrderNumber": number,
        "sellingParty": _party_id(update.selling_party_id, "selling party", document, number),
        "shipFromParty": _party_id(update.ship_from_party_id, "ship-from party", document, number),
        "statusUpdateDetails": details,
    }


# Invoices


@dataclass(frozen=True)
class DfInvoiceItem:
    """One invoiced line: `quantity` units (Each) at `net_cost` each, before tax; its tax
    (of `tax_type`, at `tax_rate` percent) in `tax_amount`."""

    sequence: str  # the order item's itemSequenceNumber
    asin: str
    vendor_product_id: str
    quantity: int
    net_cost: Decimal
    purchase_order_number: str  # 8 letters or digits (the payments model's format)
    vendor_order_number: str = ""
    tax_type: str = ""  # vendor_invoices.TaxType
    tax_rate: Decimal | None = None
    tax_amount: Decimal | None = None


@dataclass(frozen=True)
class DfInvoice:
    """An invoice of shipped direct fulfillment orders. `total` includes the taxes: it must
    be, to the cent, the items' net amounts (quantity x net cost, each rounded half up to the
    cent) plus the taxes (the `tax_totals` when given, else the items' tax amounts)."""

    number: str
    date: datetime
    currency: str
    total: Decimal
    remit_to: Party  # party_id: the vendor code; its address with city, state and postal code
    ship_from_party_id: str
    items: tuple[DfInvoiceItem, ...]
    bill_to_party_id: str = ""
    ship_to_country_code: str = ""
    reference: str = ""
    # (tax type, rate, amount, taxable amount) per tax of the invoice
    tax_totals: tuple[tuple[str, Decimal | None, Decimal, Decimal | None], ...] = ()


def build_df_invoice_request(invoices):
    """The JSON body (a dict) of submitInvoice (payments v1), a SubmitInvoiceRequest:
    {"invoices": [...]}, one InvoiceDetail per DfInvoice."""
    built = write_entries(
        invoices,
        _invoice,
        "invoiceNumber",
        document=INVOICE_DOCUMENT,
        nothing="no invoice to send",
        twice="the invoice number is used twice in the request",
    )
    return {"invoices": built}


def _invoice(invoice):
    document = INVOICE_DOCUMENT
    _expect(invoice, DfInvoice, document)
    number = write_text(invoice.number, "invoice number", document=document)
    currency = write_currency(invoice.currency, document=document, path=number)
    entry = {
        "invoiceNumber": number,
        "invoiceDate": format_date(invoice.date, "invoice date", document=document, path=number),
    }
    reference = write_text(
        invoice.reference, "reference number", document=document, path=number, required=False
    )
    if reference:
        entry["referenceNumber"] = reference
    entry["remitToParty"] = write_party(
        invoice.remit_to,
        "remit-to party",
        document=document,
        path=number,
        address_required=True,
        required_fields=("city", "state", "zip"),
    )
    entry["shipFromParty"] = _party_id(
        invoice.ship_from_party_id, "ship-from party", document, number
    )
    bill_to = write_text(
        invoice.bill_to_party_id, "bill-to party id", document=document, path=number, required=False
    )
    if bill_to:
        entry["billToParty"] = {"partyId": bill_to}
    country = invoice.ship_to_country_code or ""
    if country:
        if not isinstance(country, str) or not COUNTRY.match(country):
            raise AmazonDocumentError(
                f"ship-to country {country!r} is not an ISO 3166-1 alpha-2 code",
                document=document,
                path=number,
            )
        entry["shipToCountryCode"] = country.upper()
    items, lines, item_taxes = _invoice_items(invoice.items, currency, number)
    taxes = [_tax_total(values, number) for values in invoice.tax_totals or ()]
    tax_entries = [write_tax_detail(tax, currency, document=document, path=number) for tax in taxes]
    expected = lines + (tax_total(taxes) if taxes else item_taxes)
    total = read_amount(invoice.total, "invoice total", document=document, path=number)
    if total <= 0:
        raise AmazonDocumentError(
            f"invoice total {total} is not above zero", document=document, path=number
        )
    if total.quantize(CENT, ROUND_HALF_UP) != expected.quantize(CENT, ROUND_HALF_UP):
        raise AmazonDocumentError(
            f"invoice total {total} is not the items' net amounts {lines} plus taxes "
            f"{expected - lines}: {expected.quantize(CENT, ROUND_HALF_UP)}",
            document=document,
            path=number,
        )
    entry["invoiceTotal"] = write_money(total, currency)
    if tax_entries:
        entry["taxTotals"] = tax_entries
    entry["items"] = items
    return entry


def _tax_total(values, path):
    if not isinstance(values, tuple | list) or len(values) != 4:
        raise AmazonDocumentError(
            f"a tax total should be (type, rate, amount, taxable amount), not {values!r}",
            document=INVOICE_DOCUMENT,
            path=path,
        )
    tax_type, rate, amount, taxable = values
    return TaxDetail(tax_type=tax_type, amount=amount, rate=rate, taxable_amount=taxable)


def _invoice_items(items, currency, path):
    """(the InvoiceItems, the sum of their net amounts, the sum of their taxes)."""
    document = INVOICE_DOCUMENT
    items = tuple(items or ())
    if not items:
        raise AmazonDocumentError("an invoice without items", document=document, path=path)
    built, keys, lines, taxes = [], set(), ZERO, ZERO
    for index, item in enumerate(items):
        where = f"{path} items[{index}]"
        _expect(item, DfInvoiceItem, document, where)
        sequence = write_text(item.sequence, "item sequence number", document=document, path=where)
        order = write_purchase_order_number(
            item.purchase_order_number, document=document, path=f"{path}/{sequence}"
        )
        where = f"{path}/{order}/{sequence}"
        if (order, sequence) in keys:
            raise AmazonDocumentError(
                f"item {sequence} of purchase order {order} is invoiced twice",
                document=document,
                path=where,
            )
        keys.add((order, sequence))
        entry = {"itemSequenceNumber": sequence}
        entry.update(_product_ids(item, document, where))
        entry["invoicedQuantity"] = _quantity(item.quantity, document, where)
        cost = read_amount(item.net_cost, "net cost", document=document, path=where, positive=True)
        entry["netCost"] = write_money(cost, currency)
        entry["purchaseOrderNumber"] = order
        vendor_order = write_text(
            item.vendor_order_number,
            "vendor order number",
            document=document,
            path=where,
            required=False,
        )
        if vendor_order:
            entry["vendorOrderNumber"] = vendor_order
        tax = _item_tax(item, where)
        if tax is not None:
            entry["taxDetails"] = [write_tax_detail(tax, currency, document=document, path=where)]
            taxes += tax_total([tax])
        lines += (cost * item.quantity).quantize(CENT, ROUND_HALF_UP)
        built.append(entry)
    return built, lines, taxes


def _item_tax(item, path):
    """The TaxDetail of an invoice item, None without tax."""
    if not item.tax_type and item.tax_amount is None:
        if item.tax_rate is not None:
            raise AmazonDocumentError(
                "a tax rate without tax type and amount", document=INVOICE_DOCUMENT, path=path
            )
        return None
    if not item.tax_type or item.tax_amount is None:
        raise AmazonDocumentError(
            "an item tax needs both its type and its amount", document=INVOICE_DOCUMENT, path=path
        )
    return TaxDetail(tax_type=item.tax_type, amount=item.tax_amount, rate=item.tax_rate)


# Inventory


@dataclass(frozen=True)
class DfInventoryItem:
    """What a warehouse can ship of one item: `quantity` available units (0: none);
    `is_obsolete`: the item is permanently unavailable."""

    vendor_product_id: str
    asin: str
    quantity: int
    is_obsolete: bool = False


def build_inventory_updates(selling_party_id, items, batch_size=DF_INVENTORY_BATCH_SIZE):
    """The JSON bodies (dicts) of submitInventoryUpdate that set a warehouse's whole
    inventory to `items`, in batches of `batch_size` items: the first body is a full update
    (isFullUpdate true: Amazon sets every item it does not name to unavailable), the others
    partial updates on top of it (isFullUpdate false), so after the last one the warehouse
    holds exactly `items`. Send them in order, and the partial ones only once the full one's
    transaction succeeded: a full update applied after them would undo them. Refused: no
    item (a full update of nothing would empty the warehouse), an item without either
    identifier, the same identifier twice, a quantity below 0."""
    document = INVENTORY_DOCUMENT
    party = write_text(selling_party_id, "selling party id", document=document)
    write_whole(batch_size, "batch size", document=document)
    items = list(items or ())
    if not items:
        raise AmazonDocumentError(
            "no inventory item to send: a full update of nothing would set every item of the "
            "warehouse to unavailable",
            document=document,
        )
    built, seen = [], set()
    for index, item in enumerate(items):
        where = f"items[{index}]"
        _expect(item, DfInventoryItem, document, where)
        identifiers = _product_ids(item, document, where)
        for key, value in identifiers.items():
            if (key, value) in seen:
                raise AmazonDocumentError(
                    f"{key} {value!r} is given twice", document=document, path=where
                )
            seen.add((key, value))
        where = identifiers.get("vendorProductIdentifier") or identifiers["buyerProductIdentifier"]
        entry = dict(identifiers)
        entry["availableQuantity"] = {
            "amount": write_whole(
                item.quantity, "available quantity", document=document, path=where, minimum=0
            ),
            "unitOfMeasure": EACH,
        }
        if not isinstance(item.is_obsolete, bool):
            raise AmazonDocumentError(
                f"is_obsolete {item.is_obsolete!r} should be true or false",
                document=document,
                path=where,
            )
        if item.is_obsolete:
            entry["isObsolete"] = True
        built.append(entry)
    return [
        {
            "inventory": {
                "sellingParty": {"partyId": party},
                "isFullUpdate": start == 0,
                "items": built[start : start + batch_size],
            }
        }
        for start in range(0, len(built), batch_size)
    ]


# Transactions


def parse_df_transaction_id(payload):
    """The transactionId of a 202 answer of any direct fulfillment submission:
    {"transactionId": ...} (2021-12-28) or {"payload": {"transactionId": ...}} (v1)."""
    return parse_transaction_id(payload, document=TRANSACTION_DOCUMENT)


# Helpers


_object = partial(expect_object, document=ORDER_DOCUMENT)
_text = partial(read_text, document=ORDER_DOCUMENT)
_choice = partial(read_choice, document=ORDER_DOCUMENT)
_timestamp = partial(read_timestamp, document=ORDER_DOCUMENT)
_flag = partial(read_flag, document=ORDER_DOCUMENT)


def _address(address, path):
    return read_address(address, path, document=ORDER_DOCUMENT, countries=COUNTRY_ALPHA_2_OR_3)


def _expect(value, kind, document, path=None):
    if not isinstance(value, kind):
        raise AmazonDocumentError(
            f"expected a {kind.__name__}, not {type(value).__name__}", document=document, path=path
        )


def _purchase_order_number(number, document):
    return write_purchase_order_number(number, document=document, eight_characters=False)


def _party_id(party_id, label, document, path):
    """A PartyIdentification of only its partyId."""
    return {"partyId": write_text(party_id, f"{label} id", document=document, path=path)}


def _product_ids(item, document, path, *, required=True):
    """{buyerProductIdentifier, vendorProductIdentifier} of what is given, at least one
    unless not `required` (an acknowledged item: its sequence number identifies it)."""
    return write_product_ids(
        item.asin,
        item.vendor_product_id,
        document=document,
        path=path,
        asin_key="buyerProductIdentifier",
        required=required,
    )


def _quantity(amount, document, path):
    """An ItemQuantity {amount >= 1, unitOfMeasure Each}."""
    return {
        "amount": write_whole(amount, "quantity", document=document, path=path),
        "unitOfMeasure": EACH,
    }
