"""Vendor Orders API v1 (Vendor Central retail procurement): Amazon's purchase orders to a
vendor, read as `PurchaseOrder`s, and the acknowledgements the vendor answers them with.

Reading. `getPurchaseOrders` lists the orders created or changed in a window of at most 7 days
(`nextToken` pages on: `purchase_orders_next_token`); with `includeDetails=false` each order
is only its `purchaseOrderNumber` and `purchaseOrderState`, and `getPurchaseOrder` gives the
details of one. Both parse here: an order without `orderDetails` has no items and None dates
(`has_details` False); an order with details must have what the model requires
(purchaseOrderDate, purchaseOrderStateChangedDate, items with itemSequenceNumber,
orderedQuantity and isBackOrderAllowed, a partyId per party, name, addressLine1 and
countryCode per address, both fields of a taxInfo). `split_purchase_orders` reads each order
of a page alone, so one malformed order hides no other.

- Amazon changes orders after placing them (quantities, ship-to, windows): the vendor must
  fulfil the changed order, not the original. `purchaseOrderChangedDate` is then set
  (`is_changed`); `last_change` is the latest of the order's dates, what an importer compares
  to decide whether its copy is stale.
- An item Amazon cancelled stays on the order with an ordered quantity of 0 (what
  `poItemState=Cancelled` returns): `PurchaseOrderItem.is_cancelled`.
- Quantities are in Cases (of `unitSize` units each) or Eaches: `PurchaseOrderItem.eaches` is
  the number of units. Amazon's sandbox writes "CASES": units are matched ignoring case.
  Without a unit, the quantity is taken as Eaches, unless a unitSize above 1 makes it
  ambiguous (refused).
- Costs (`netCost`, `listPrice`) are per each, or per weight unit when the Money carries a
  `unitOfMeasure` (POUNDS, OUNCES, GRAMS, KILOGRAMS: `cost_unit_of_measure`). An item's
  prices are in one currency and so are the net costs of an order (`PurchaseOrder.currency`).
- `shipWindow` and `deliveryWindow` are DateTimeIntervals, `start--end`: (start, end) tuples.
- Dates are naive UTC datetimes, as Odoo stores them.
- `purchaseOrderState` and `purchaseOrderType` must be values of the model (a new value means
  the importer must be reviewed); `paymentMethod` and `importDetails` are kept as given
  (import details with Amazon's own keys).
- The purchase order number is "an 8-character alpha-numeric code", but Amazon's own examples
  use others (TestPO1, mock-purchaseOrderNumber): reading accepts any number, so that no order
  Amazon sends is hidden; acknowledging requires the documented format (see below).

Acknowledging. `build_acknowledgement_request` makes the body of `submitAcknowledgement` (one
OrderAcknowledgement per purchase order) and refuses, with the purchase order number and the
item as path, what Amazon would refuse or the model rules out:
- no acknowledgement, an acknowledgement without items, an item without acknowledged
  quantities, the same purchase order twice in a request, the same item sequence number
  twice in an order;
- a purchase order number that is not 8 letters or digits; an empty selling party id (the
  vendor code the order was placed with, `sellingParty.partyId`);
- an item Amazon can identify by neither ASIN nor vendor product id;
- an ordered quantity below 1: an item Amazon cancelled (ordered quantity 0) has nothing left
  to acknowledge, leave it out;
- an acknowledged quantity below 1 ("This value should not be zero"), a unit other than Cases
  or Eaches, Cases without a unit size (an acknowledged quantity in Cases without one takes
  the item's case size when the item is ordered in Cases), a unit size below 1;
- acknowledged quantities adding up to more units (eaches) than ordered: each acknowledged
  quantity is the part of the ordered quantity given that code, and Amazon does not let a
  vendor acknowledge more than it ordered. The model does not require them to add up to the
  ordered quantity, so fewer is allowed (the caller decides whether to reject the rest);
- a code other than Accepted, Backordered or Rejected; a rejection reason other than
  TemporarilyUnavailable, InvalidProductIdentifier or ObsoleteProduct; a rejection reason on
  a code other than Rejected. The model does not require a reason on Rejected: none is
  allowed;
- Backordered without a scheduled ship or delivery date (the model: the vendor "provides a
  scheduledShipDate or scheduledDeliveryDate" for a backorder), or on an item Amazon does not
  accept backorders for (`isBackOrderAllowed` false, when the acknowledgement says so);
- no net cost, or a net cost (or list price) that is not above zero ("This is a required
  field. If left blank, Amazon systems will reject the file. Price information must not be
  zero or negative"), a currency that is not 3 capital letters, a cost unit of measure other
  than the model's weight units;
- a date that is not a datetime. Naive datetimes are UTC; dates are written ISO 8601 in UTC
  with a Z, to the second. Amounts are written as the model's Decimal strings ("12.50").

A 202 answer holds only a `transactionId` (`parse_transaction_id`): whether Amazon applied the
acknowledgement is told later by the Vendor Transaction Status API (`vendor_transactions`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from .common import (
    AmazonDocumentError,
    expect_object,
    read_choice,
    read_list,
    read_text,
)
from .vendor_common import (
    COST_UNITS_OF_MEASURE,
    QUANTITY_UNITS,
    Party,
    QuantityUnit,
    case_size,
    format_date,
    quantity_eaches,
    read_amount,
    read_datetime,
    read_money,
    read_party,
    read_timestamp,
    read_whole,
    values_of,
    write_choice,
    write_currency,
    write_entries,
    write_item_quantity,
    write_money,
    write_purchase_order_number,
)
from .vendor_transactions import refuse_error_response

DOCUMENT = "vendor purchase order"
ORDERS_DOCUMENT = "vendor purchase orders"
ACKNOWLEDGEMENT_DOCUMENT = "vendor order acknowledgement"
TRANSACTION_DOCUMENT = "vendor transaction"

PURCHASE_ORDER_STATES = ("New", "Acknowledged", "Closed")
NEW = "New"
PURCHASE_ORDER_TYPES = ("RegularOrder", "ConsignedOrder", "NewProductIntroduction", "RushOrder")
WINDOW_SEPARATOR = "--"


class AcknowledgementCode:
    """acknowledgementCode of an OrderItemAcknowledgement."""

    ACCEPTED = "Accepted"
    BACKORDERED = "Backordered"
    REJECTED = "Rejected"


class RejectionReason:
    """rejectionReason of a Rejected OrderItemAcknowledgement."""

    TEMPORARILY_UNAVAILABLE = "TemporarilyUnavailable"
    INVALID_PRODUCT_IDENTIFIER = "InvalidProductIdentifier"
    OBSOLETE_PRODUCT = "ObsoleteProduct"


ACKNOWLEDGEMENT_CODES = values_of(AcknowledgementCode)
REJECTION_REASONS = values_of(RejectionReason)
_UNIT_BY_KEY = {unit.casefold(): unit for unit in QUANTITY_UNITS}


# Purchase orders


@dataclass(frozen=True)
class PurchaseOrderItem:
    """One line of a purchase order. `quantity` is in `unit_of_measure` (Cases or Eaches);
    costs are per each (or per `cost_unit_of_measure` when priced by weight)."""

    sequence: str  # itemSequenceNumber, as given ("1", "00001")
    asin: str
    vendor_product_id: str
    quantity: int
    unit_of_measure: str  # QuantityUnit
    unit_size: int
    back_order_allowed: bool
    net_cost: Decimal | None
    list_price: Decimal | None
    currency: str  # of the net cost (else of the list price), "" without either
    cost_unit_of_measure: str = ""  # "" (per each) or a weight unit: POUNDS...

    @property
    def eaches(self):
        """The units ordered: quantity x unit_size for Cases, quantity for Eaches."""
        if self.unit_of_measure == QuantityUnit.CASES:
            return self.quantity * self.unit_size
        return self.quantity

    @property
    def is_cancelled(self):
        """Amazon cancelled the item: it stays on the order with a quantity of 0."""
        return self.quantity == 0


@dataclass(frozen=True)
class PurchaseOrder:
    """A purchase order Amazon placed with the vendor. Without `orderDetails` (getPurchaseOrders
    with includeDetails=false) only number and state are known: no items, None dates."""

    number: str
    state: str  # New, Acknowledged, Closed
    order_type: str  # PURCHASE_ORDER_TYPES, "" when not given
    ordered: datetime | None  # purchaseOrderDate; None only without details
    changed: datetime | None  # purchaseOrderChangedDate: set once Amazon changed the order
    state_changed: datetime | None
    payment_method: str
    deal_code: str
    buying_party: Party | None
    selling_party: Party | None
    ship_to_party: Party | None
    bill_to_party: Party | None
    ship_window: tuple[datetime, datetime] | None
    delivery_window: tuple[datetime, datetime] | None
    items: tuple[PurchaseOrderItem, ...]
    import_details: dict = field(default_factory=dict, hash=False)
    raw: dict = field(default=None, repr=False, compare=False)

    @property
    def has_details(self):
        return self.ordered is not None

    @property
    def is_changed(self):
        """Amazon changed the order after placing it: the vendor fulfils the changed one."""
        return self.changed is not None

    @property
    def needs_acknowledgement(self):
        """New: the vendor has not acknowledged it yet."""
        return self.state == NEW

    @property
    def last_change(self):
        """The latest of ordered, changed and state_changed (None without details)."""
        dates = [d for d in (self.ordered, self.changed, self.state_changed) if d is not None]
        return max(dates, default=None)

    @property
    def currency(self):
        """The currency of the items' net costs, "" when no item has one."""
        return next((item.currency for item in self.items if item.net_cost is not None), "")


@dataclass(frozen=True)
class ReadPurchaseOrder:
    """One order of a getPurchaseOrders page, read on its own: its PurchaseOrder, or why it is
    unreadable. `number` is Amazon's purchaseOrderNumber as given ("" when missing), `raw`
    the order object (what `parse_purchase_order` reads again later)."""

    number: str
    raw: dict
    order: PurchaseOrder | None = None
    error: AmazonDocumentError | None = None


def parse_purchase_order(payload):
    """A getPurchaseOrder answer: the whole response, its `payload`, or one Order object (of
    a getPurchaseOrders page), as a PurchaseOrder. Raises AmazonDocumentError, with the path
    of the faulty part, for what is malformed."""
    if not isinstance(payload, dict):
        raise AmazonDocumentError("expected an object", document=DOCUMENT)
    path = "order"
    if payload.get("payload") is not None:
        payload, path = payload["payload"], "payload"
    elif "purchaseOrderNumber" not in payload and "errors" in payload:
        refuse_error_response(payload, DOCUMENT)
    return _order(payload, path)


def split_purchase_orders(payload):
    """Each order of a getPurchaseOrders answer (the whole response or its `payload`, an
    OrderList), parsed alone, so that one malformed order does not hide the others of its
    page. Raises AmazonDocumentError only when the answer itself is malformed."""
    orders, path = _order_list(payload)
    found = []
    for index, order in enumerate(orders):
        number = order.get("purchaseOrderNumber") if isinstance(order, dict) else None
        number = number if isinstance(number, str) else ""
        raw = order if isinstance(order, dict) else {}
        try:
            parsed = _order(order, f"{path}.orders[{index}]")
        except AmazonDocumentError as error:
            found.append(ReadPurchaseOrder(number, raw, error=error))
        else:
            found.append(ReadPurchaseOrder(number, raw, order=parsed))
    return tuple(found)


def purchase_orders_next_token(payload):
    """The nextToken of a getPurchaseOrders answer (response or payload), None on the last
    page."""
    orders_payload = _order_list_payload(payload)
    pagination = orders_payload.get("pagination")
    if pagination is None:
        return None
    if not isinstance(pagination, dict):
        raise AmazonDocumentError("expected an object", document=ORDERS_DOCUMENT, path="pagination")
    token = pagination.get("nextToken")
    if token is None or token == "":
        return None
    if not isinstance(token, str):
        raise AmazonDocumentError(
            f"nextToken should be a string, not {type(token).__name__}",
            document=ORDERS_DOCUMENT,
            path="pagination",
        )
    return token


def _order_list_payload(payload):
    if not isinstance(payload, dict):
        raise AmazonDocumentError("expected an object", document=ORDERS_DOCUMENT)
    if payload.get("payload") is not None:
        payload = payload["payload"]
        if not isinstance(payload, dict):
            raise AmazonDocumentError(
                "expected an object", document=ORDERS_DOCUMENT, path="payload"
            )
    elif "orders" not in payload and "pagination" not in payload and "errors" in payload:
        refuse_error_response(payload, ORDERS_DOCUMENT)
    return payload


def _order_list(payload):
    """(orders, path) of a getPurchaseOrders response or payload."""
    path = "payload" if isinstance(payload, dict) and "payload" in payload else "OrderList"
    order_list = _order_list_payload(payload)
    if "purchaseOrderNumber" in order_list:
        raise AmazonDocumentError(
            "an Order, not a list of orders (parse_purchase_order reads one order)",
            document=ORDERS_DOCUMENT,
            path=path,
        )
    return read_list(order_list, "orders", path, document=ORDERS_DOCUMENT), path


def _order(order, path):
    order = _object(order, path)
    number = _text(order, "purchaseOrderNumber", path, required=True)
    path = f"order {number}"
    state = _choice(order, "purchaseOrderState", PURCHASE_ORDER_STATES, path, required=True)
    details = order.get("orderDetails")
    if details is None:
        return PurchaseOrder(
            number=number,
            state=state,
            order_type="",
            ordered=None,
            changed=None,
            state_changed=None,
            payment_method="",
            deal_code="",
            buying_party=None,
            selling_party=None,
            ship_to_party=None,
            bill_to_party=None,
            ship_window=None,
            delivery_window=None,
            items=(),
            raw=order,
        )
    path = f"{path}.orderDetails"
    details = _object(details, path)
    items = _items(details, path)
    return PurchaseOrder(
        number=number,
        state=state,
        order_type=_choice(details, "purchaseOrderType", PURCHASE_ORDER_TYPES, path),
        ordered=_timestamp(details, "purchaseOrderDate", path, required=True),
        changed=_timestamp(details, "purchaseOrderChangedDate", path),
        state_changed=_timestamp(details, "purchaseOrderStateChangedDate", path, required=True),
        payment_method=_text(details, "paymentMethod", path),
        deal_code=_text(details, "dealCode", path),
        buying_party=_party(details, "buyingParty", path),
        selling_party=_party(details, "sellingParty", path),
        ship_to_party=_party(details, "shipToParty", path),
        bill_to_party=_party(details, "billToParty", path),
        ship_window=_window(details, "shipWindow", path),
        delivery_window=_window(details, "deliveryWindow", path),
        items=items,
        import_details=_import_details(details, path),
        raw=order,
    )


def _items(details, path):
    raw_items = read_list(details, "items", path, document=DOCUMENT, required=True)
    if not raw_items:
        raise AmazonDocumentError("an order without items", document=DOCUMENT, path=path)
    items, currencies = [], {}
    for index, raw in enumerate(raw_items):
        where = f"{path}.items[{index}]"
        item = _item(raw, where)
        if any(known.sequence == item.sequence for known in items):
            raise AmazonDocumentError(
                f"item sequence number {item.sequence!r} is used twice",
                document=DOCUMENT,
                path=where,
            )
        if item.net_cost is not None:
            currencies.setdefault(item.currency, where)
        items.append(item)
    if len(currencies) > 1:
        first, *others = currencies
        raise AmazonDocumentError(
            f"net costs in {first} and {', '.join(others)}: an order has one currency",
            document=DOCUMENT,
            path=currencies[others[0]],
        )
    return tuple(items)


def _item(raw, path):
    raw = _object(raw, path)
    sequence = _text(raw, "itemSequenceNumber", path, required=True)
    path = f"{path} (item {sequence})"
    back_order_allowed = raw.get("isBackOrderAllowed")
    if not isinstance(back_order_allowed, bool):
        message = (
            "missing isBackOrderAllowed"
            if back_order_allowed is None
            else f"isBackOrderAllowed should be true or false, not {back_order_allowed!r}"
        )
        raise AmazonDocumentError(message, document=DOCUMENT, path=path)
    quantity, unit, unit_size = _ordered_quantity(raw, path)
    net_cost, currency, cost_unit = _money(raw, "netCost", path)
    list_price, list_currency, list_unit = _money(raw, "listPrice", path)
    if net_cost is not None and list_price is not None and list_currency != currency:
        raise AmazonDocumentError(
            f"list price in {list_currency}, net cost in {currency}",
            document=DOCUMENT,
            path=path,
        )
    return PurchaseOrderItem(
        sequence=sequence,
        asin=_text(raw, "amazonProductIdentifier", path),
        vendor_product_id=_text(raw, "vendorProductIdentifier", path),
        quantity=quantity,
        unit_of_measure=unit,
        unit_size=unit_size,
        back_order_allowed=back_order_allowed,
        net_cost=net_cost,
        list_price=list_price,
        currency=currency or list_currency,
        cost_unit_of_measure=cost_unit if net_cost is not None else list_unit,
    )


def _ordered_quantity(raw, path):
    """(amount, unit, unit size) of an item's orderedQuantity."""
    if raw.get("orderedQuantity") is None:
        raise AmazonDocumentError("missing orderedQuantity", document=DOCUMENT, path=path)
    path = f"{path}.orderedQuantity"
    quantity = _object(raw["orderedQuantity"], path)
    amount = _whole(quantity, "amount", path, minimum=0, required=True)
    unit_size = _whole(quantity, "unitSize", path, minimum=1)
    given_unit = _text(quantity, "unitOfMeasure", path)
    if not given_unit:
        if unit_size not in (None, 1):
            raise AmazonDocumentError(
                f"unitSize {unit_size} without unitOfMeasure: Cases or Eaches?",
                document=DOCUMENT,
                path=path,
            )
        return amount, QuantityUnit.EACHES, 1
    unit = _UNIT_BY_KEY.get(given_unit.casefold())
    if unit is None:
        raise AmazonDocumentError(
            f"unknown unitOfMeasure {given_unit!r} (Amazon's: {', '.join(QUANTITY_UNITS)})",
            document=DOCUMENT,
            path=path,
        )
    if unit == QuantityUnit.CASES and unit_size is None:
        raise AmazonDocumentError(
            "a quantity in Cases without unitSize", document=DOCUMENT, path=path
        )
    return amount, unit, 1 if unit_size is None else unit_size


def _window(details, key, path):
    """A DateTimeInterval `start--end` as (start, end), None when absent."""
    value = _text(details, key, path)
    if not value:
        return None
    parts = value.split(WINDOW_SEPARATOR)
    if len(parts) != 2:
        raise AmazonDocumentError(
            f"{key} {value!r} is not a start--end interval", document=DOCUMENT, path=path
        )
    start, end = (_moment(part, key, path) for part in parts)
    if end < start:
        raise AmazonDocumentError(
            f"{key} {value!r} ends before it starts", document=DOCUMENT, path=path
        )
    return start, end


def _import_details(details, path):
    value = details.get("importDetails")
    if value is None:
        return {}
    return dict(_object(value, f"{path}.importDetails"))


# Acknowledgements


@dataclass(frozen=True)
class AcknowledgedQuantity:
    """A part of an item's ordered quantity, given one acknowledgement code. A quantity in
    Cases without a unit size takes the item's case size (when the item is ordered in
    Cases)."""

    code: str  # AcknowledgementCode
    quantity: int
    unit_of_measure: str = QuantityUnit.EACHES
    unit_size: int | None = None
    scheduled_ship_date: datetime | None = None
    scheduled_delivery_date: datetime | None = None
    rejection_reason: str | None = None  # RejectionReason, Rejected only

    @property
    def eaches(self):
        """The units acknowledged (None when a quantity in Cases has no unit size)."""
        if self.unit_of_measure != QuantityUnit.CASES:
            return self.quantity
        return None if self.unit_size is None else self.quantity * self.unit_size


@dataclass(frozen=True)
class ItemAcknowledgement:
    """One item of a purchase order, as ordered, with its acknowledged quantities.
    `ItemAcknowledgement.for_item` copies what the order says of the item."""

    sequence: str
    asin: str
    vendor_product_id: str
    ordered_quantity: int
    unit_of_measure: str
    unit_size: int | None
    net_cost: Decimal | None  # required by Amazon: above zero, as on the invoice
    currency: str
    quantities: tuple[AcknowledgedQuantity, ...]
    list_price: Decimal | None = None  # only when the vendor sells books at list price
    cost_unit_of_measure: str = ""  # the costs are per weight unit (POUNDS...), "" per each
    back_order_allowed: bool | None = None  # isBackOrderAllowed; None: not checked

    @classmethod
    def for_item(cls, item, quantities, **changes):
        """The acknowledgement of a PurchaseOrderItem, as Amazon ordered it."""
        values = {
            "sequence": item.sequence,
            "asin": item.asin,
            "vendor_product_id": item.vendor_product_id,
            "ordered_quantity": item.quantity,
            "unit_of_measure": item.unit_of_measure,
            "unit_size": item.unit_size,
            "net_cost": item.net_cost,
            "currency": item.currency,
            "quantities": tuple(quantities),
            "list_price": item.list_price,
            "cost_unit_of_measure": item.cost_unit_of_measure,
            "back_order_allowed": item.back_order_allowed,
        }
        values.update(changes)
        return cls(**values)


@dataclass(frozen=True)
class PurchaseOrderAcknowledgement:
    """The acknowledgement of one purchase order: one OrderAcknowledgement."""

    number: str
    selling_party_id: str  # the vendor code the order was placed with (sellingParty.partyId)
    acknowledged: datetime
    items: tuple[ItemAcknowledgement, ...]

    @classmethod
    def for_order(cls, order, items, acknowledged):
        """The acknowledgement of a PurchaseOrder, from its selling party."""
        party = order.selling_party.party_id if order.selling_party else ""
        return cls(order.number, party, acknowledged, tuple(items))


def build_acknowledgement_request(acknowledgements):
    """The JSON body (a dict) of submitAcknowledgement: {"acknowledgements": [...]}, one
    OrderAcknowledgement per PurchaseOrderAcknowledgement. Raises AmazonDocumentError for
    what Amazon would refuse (see the module's docstring)."""
    built = write_entries(
        acknowledgements,
        _acknowledgement,
        "purchaseOrderNumber",
        document=ACKNOWLEDGEMENT_DOCUMENT,
        nothing="no acknowledgement to send",
        twice="the purchase order is acknowledged twice in the request",
    )
    return {"acknowledgements": built}


def _acknowledgement(acknowledgement):
    number = write_purchase_order_number(acknowledgement.number, document=ACKNOWLEDGEMENT_DOCUMENT)
    party = acknowledgement.selling_party_id
    if not isinstance(party, str) or not party.strip() or party != party.strip():
        _refuse(f"selling party id {party!r} is empty or padded", number)
    items = tuple(acknowledgement.items or ())
    if not items:
        _refuse("an acknowledgement without items", number)
    built, sequences = [], set()
    for index, item in enumerate(items):
        entry = _item_acknowledgement(item, f"{number}/{_item_label(item, index)}")
        sequence = entry.get("itemSequenceNumber")
        if sequence is not None:
            if sequence in sequences:
                _refuse(f"item sequence number {sequence!r} is used twice", number)
            sequences.add(sequence)
        built.append(entry)
    return {
        "purchaseOrderNumber": number,
        "sellingParty": {"partyId": party},
        "acknowledgementDate": format_date(
            acknowledgement.acknowledged,
            "acknowledged",
            document=ACKNOWLEDGEMENT_DOCUMENT,
            path=number,
        ),
        "items": built,
    }


def _refuse(message, path=None):
    raise AmazonDocumentError(message, document=ACKNOWLEDGEMENT_DOCUMENT, path=path)


def _item_label(item, index):
    for value in (item.sequence, item.vendor_product_id, item.asin):
        if isinstance(value, str) and value:
            return value
    return f"items[{index}]"


def _item_acknowledgement(item, path):
    entry = {}
    for key, value in (
        ("itemSequenceNumber", item.sequence),
        ("amazonProductIdentifier", item.asin),
        ("vendorProductIdentifier", item.vendor_product_id),
    ):
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value != value.strip():
            _refuse(f"{key} {value!r} should be a string without surrounding blanks", path)
        entry[key] = value
    if "amazonProductIdentifier" not in entry and "vendorProductIdentifier" not in entry:
        _refuse("an item with neither ASIN nor vendor product id", path)
    ordered = item.ordered_quantity
    if isinstance(ordered, int) and not isinstance(ordered, bool) and ordered == 0:
        _refuse(
            "ordered quantity 0: Amazon cancelled the item, there is nothing to acknowledge "
            "(leave it out)",
            path,
        )
    ordered_quantity = _item_quantity(
        ordered, item.unit_of_measure, item.unit_size, f"{path} ordered quantity"
    )
    entry["orderedQuantity"] = ordered_quantity
    cost_unit = item.cost_unit_of_measure or ""
    if cost_unit:
        write_choice(
            cost_unit,
            COST_UNITS_OF_MEASURE,
            "cost unit of measure",
            document=ACKNOWLEDGEMENT_DOCUMENT,
            path=path,
        )
    if item.net_cost is None:
        _refuse("no net cost: Amazon rejects an acknowledgement without one", path)
    entry["netCost"] = _write_money(item.net_cost, item.currency, cost_unit, "net cost", path)
    if item.list_price is not None:
        entry["listPrice"] = _write_money(
            item.list_price, item.currency, cost_unit, "list price", path
        )
    quantities = tuple(item.quantities or ())
    if not quantities:
        _refuse("an item without acknowledged quantities", path)
    acknowledged = [
        _quantity_acknowledgement(quantity, item, f"{path} quantities[{index}]")
        for index, quantity in enumerate(quantities)
    ]
    ordered_eaches = quantity_eaches(ordered_quantity)
    acknowledged_eaches = sum(quantity_eaches(a["acknowledgedQuantity"]) for a in acknowledged)
    if acknowledged_eaches > ordered_eaches:
        _refuse(
            f"{acknowledged_eaches} units acknowledged, {ordered_eaches} ordered: Amazon "
            "accepts no more than it ordered",
            path,
        )
    entry["itemAcknowledgements"] = acknowledged
    return entry


def _quantity_acknowledgement(quantity, item, path):
    code = quantity.code
    write_choice(
        code,
        ACKNOWLEDGEMENT_CODES,
        "acknowledgement code",
        document=ACKNOWLEDGEMENT_DOCUMENT,
        path=path,
    )
    unit_size = case_size(
        quantity.unit_size, quantity.unit_of_measure, item.unit_of_measure, item.unit_size
    )
    entry = {
        "acknowledgementCode": code,
        "acknowledgedQuantity": _item_quantity(
            quantity.quantity, quantity.unit_of_measure, unit_size, path
        ),
    }
    for key, date, label in (
        ("scheduledShipDate", quantity.scheduled_ship_date, "scheduled ship date"),
        ("scheduledDeliveryDate", quantity.scheduled_delivery_date, "scheduled delivery date"),
    ):
        if date is not None:
            entry[key] = format_date(date, label, document=ACKNOWLEDGEMENT_DOCUMENT, path=path)
    if code == AcknowledgementCode.BACKORDERED:
        if item.back_order_allowed is False:
            _refuse(
                "Backordered, but Amazon accepts no backorder for the item "
                "(isBackOrderAllowed false)",
                path,
            )
        if "scheduledShipDate" not in entry and "scheduledDeliveryDate" not in entry:
            _refuse("Backordered needs a scheduled ship date or a scheduled delivery date", path)
    reason = quantity.rejection_reason
    if reason is not None:
        write_choice(
            reason,
            REJECTION_REASONS,
            "rejection reason",
            document=ACKNOWLEDGEMENT_DOCUMENT,
            path=path,
        )
        if code != AcknowledgementCode.REJECTED:
            _refuse(f"a rejection reason on a {code} quantity: only Rejected takes one", path)
        entry["rejectionReason"] = reason
    return entry


def _item_quantity(amount, unit, unit_size, path):
    """An ItemQuantity {amount, unitOfMeasure, unitSize}: Amazon's orders may give Eaches a
    unit size."""
    return write_item_quantity(
        amount, unit, unit_size, document=ACKNOWLEDGEMENT_DOCUMENT, path=path
    )


def _write_money(value, currency, unit, label, path):
    """A Money {currencyCode, amount: Decimal string[, unitOfMeasure]} of a positive amount."""
    write_currency(currency, document=ACKNOWLEDGEMENT_DOCUMENT, path=path)
    amount = read_amount(value, label, document=ACKNOWLEDGEMENT_DOCUMENT, path=path)
    if amount <= 0:
        _refuse(f"{label} {value} is not above zero: Amazon refuses zero or negative prices", path)
    return write_money(amount, currency, unit)


# Transactions


def parse_transaction_id(payload, *, document=TRANSACTION_DOCUMENT):
    """The transactionId of a 202 answer of a vendor POST (submitAcknowledgement, and the
    shipment and invoice submissions): the whole response or its `payload` (the direct
    fulfillment APIs of 2021-12-28 answer without `payload`). What Amazon made of it is read
    with the Transaction Status API."""
    expect_object(payload, document=document)
    path = "response"
    if payload.get("payload") is not None:
        path = "payload"
        payload = expect_object(payload["payload"], path, document=document)
    elif "transactionId" not in payload:
        refuse_error_response(payload, document)
    return read_text(payload, "transactionId", path, document=document, required=True)


# Reading helpers


_object = partial(expect_object, document=DOCUMENT)
_text = partial(read_text, document=DOCUMENT)
_choice = partial(read_choice, document=DOCUMENT)
_timestamp = partial(read_timestamp, document=DOCUMENT)
_moment = partial(read_datetime, document=DOCUMENT)
_money = partial(read_money, document=DOCUMENT)
_party = partial(read_party, document=DOCUMENT)
_whole = partial(read_whole, document=DOCUMENT)
