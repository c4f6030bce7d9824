"""Vendor Orders API v1 (Vendor Central retail procurement): Amazon's purchase orders to a
vendor, and the vendor's acknowledgements of them.

A vendor is an emulator seller (same Login with Amazon authorisation). Its purchase orders are
added by the emulator's owner (`AmazonEmulator.add_purchase_order`, built by
`make_purchase_order`), changed by "Amazon" (`change_purchase_order` sets
`purchaseOrderChangedDate`) and closed (`close_purchase_order`).

getPurchaseOrders, from the model's descriptions: the time frame is `createdAfter` /
`createdBefore` and/or `changedAfter` / `changedBefore` ("The date range must not exceed 7
days"); a pair given by one end only runs to the time of the request (`...Before`) or from 7
days before its end (`...After`); with neither pair (the model requires none) the emulator
lists what was created in the 7 days before the request. After is inclusive, before exclusive.
"Changed" is the order's last change: creation, Amazon's change (`purchaseOrderChangedDate`)
or a new state (`purchaseOrderStateChangedDate`). A wider range, or an end before its start,
is 400 InvalidInput (Amazon's code for this operation's bad input). `limit` is 1-100 (100);
`sortOrder` sorts by creation date (ASC unless DESC is asked); `includeDetails=false` leaves
`orderDetails` out; `purchaseOrderState`, `orderingVendorCode` (the order's
`sellingParty.partyId`), `isPOChanged=true` (orders Amazon changed after placing them; false
filters nothing) and `poItemState=Cancelled` (orders with an item cancelled by Amazon, its
quantity zero) filter. A `nextToken` keeps the filters of the call that made it; it comes
alone or with the same filters (`limit` and `includeDetails` may change). getPurchaseOrder
answers 404 NotFound for a number the vendor does not have, and 400 (as the model's sandbox
does for "null") for one that is not 8 letters or digits.

submitAcknowledgement: the body is checked against the model (the contract check); a body
without acknowledgements is 400. It answers 202 with a transaction id at once; Amazon
processes it later (see `vendor_transactions`): the whole submission fails, applying nothing,
when one of its acknowledgements breaks a rule below, and each error names its purchase
order (and item) in `details`. The rules, with where they come from:

- `INVALID_ORDER_ID` "Invalid order ID." (the Transaction Status model's sandbox failure):
  the purchase order is not one of the vendor's.
- `ORDER_CLOSED`: the order is Closed ("no further action is required from the vendor").
- `INVALID_SELLING_PARTY`: `sellingParty.partyId` is not the order's selling party
  (orderingVendorCode "should be same as 'sellingParty.partyId' in the purchase order").
- `INVALID_ITEM`: an item that is not on the order (found by `itemSequenceNumber`, else ASIN,
  else vendor product id; the identifiers given must agree with the order's item), or the
  same item twice in one acknowledgement.
- `MISSING_NET_COST` / `INVALID_NET_COST`: netCost "is a required field. If left blank, Amazon
  systems will reject the file. Price information must not be zero or negative"; and "The
  price cannot be higher than the price submitted in the purchase order" (Submit order
  acknowledgement guide).
- `INVALID_QUANTITY`: an acknowledged quantity of zero ("This value should not be zero"), or
  an item's acknowledged quantities (Accepted, Backordered and Rejected) not adding up to its
  ordered quantity, compared in eaches (Cases times unitSize; a quantity without
  unitOfMeasure is in the ordered quantity's unit): the guide's "accurate view of the actual
  shipment quantities", and Amazon "does not allow the vendor to send a higher quantity in
  the acknowledgement than what was submitted in the purchase order".
- `BACKORDER_NOT_ALLOWED`: Backordered on an item whose `isBackOrderAllowed` is false ("When
  true, we will accept backorder confirmations for this item").
- `MISSING_SCHEDULED_DATE`: Backordered without scheduledShipDate or scheduledDeliveryDate
  (a backorder "provides a scheduledShipDate or scheduledDeliveryDate").
- `MISSING_REJECTION_REASON`: Rejected without `rejectionReason`.
- `REJECTED_ITEM_CANNOT_CHANGE`: "If the first acknowledgment code for a specific line item was
  rejected, you cannot change this with your update to either accepted or backordered." (an
  item whose first acknowledgement rejected all of it; items left out are not held to this).

Only `INVALID_ORDER_ID` is Amazon's own code; the others are the emulator's, in its style.
Applied, an acknowledgement makes a New order Acknowledged (`purchaseOrderStateChangedDate`
then). An update replaces the earlier acknowledgement of the items it names; the order's items
it leaves out and that were never acknowledged are rejected ("If you do not provide all line
items ... Amazon implicitly rejects the missing line items"). The acknowledged quantities are
kept for the owner (`acknowledgements`).
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from .clock import as_utc, format_timestamp, parse_timestamp, timestamp_or_none
from .paging import (
    UNREADABLE_STATE,
    VENDOR_NEXT_TOKEN_UNREADABLE,
    decode_token,
    encode_token,
    page_size_parameter,
    query_time,
)
from .store import EmulatorStore, SellerAccount
from .vendor_transactions import (
    TransactionDesk,
    mark_processed,
    new_transaction_id,
    submitted_entries,
    vendor_error,
)
from .wire import InputError, first_value

SUBMIT_ACKNOWLEDGEMENT = "submitAcknowledgement"
PURCHASE_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9]{8}$")
ORDER_STATES = ("New", "Acknowledged", "Closed")
ORDER_TYPES = ("RegularOrder", "ConsignedOrder", "NewProductIntroduction", "RushOrder")
PAYMENT_METHODS = ("Invoice", "Consignment", "CreditCard", "Prepaid")
UNITS_OF_MEASURE = ("Cases", "Eaches")
SORT_ORDERS = ("ASC", "DESC")
ITEM_STATES = ("Cancelled",)
# OrderDetails fields Amazon may change (`change_purchase_order`), by the model's names.
CHANGEABLE_DETAILS = (
    "purchaseOrderType",
    "importDetails",
    "dealCode",
    "paymentMethod",
    "buyingParty",
    "sellingParty",
    "shipToParty",
    "billToParty",
    "shipWindow",
    "deliveryWindow",
)
_WINDOWS = ("shipWindow", "deliveryWindow")
LIST_PARAMETERS = (
    "limit",
    "createdAfter",
    "createdBefore",
    "sortOrder",
    "nextToken",
    "includeDetails",
    "changedAfter",
    "changedBefore",
    "poItemState",
    "isPOChanged",
    "purchaseOrderState",
    "orderingVendorCode",
)
_FILTER_NAMES = (
    "created",
    "changed",
    "sortOrder",
    "purchaseOrderState",
    "orderingVendorCode",
    "isPOChanged",
    "poItemState",
)
MAX_RANGE = timedelta(days=7)
DEFAULT_LIMIT = 100
MAX_LIMIT = 100
SHIP_WINDOW_DELAY = timedelta(days=2)  # the default ship window starts 2 days after creation
SHIP_WINDOW_LENGTH = timedelta(days=7)
NEXT_TOKEN_UNREADABLE = VENDOR_NEXT_TOKEN_UNREADABLE

_US_BUYER = {
    "name": "Amazon.com Services LLC",
    "addressLine1": "410 Terry Avenue North",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98109",
    "countryCode": "US",
}
_EU_BUYER = {
    "name": "Amazon EU S.a r.l.",
    "addressLine1": "38 avenue John F. Kennedy",
    "city": "Luxembourg",
    "postalCode": "1855",
    "countryCode": "LU",
}
# Who buys, by the country of the fulfilment centre the order goes to.
BUYER_ADDRESSES = {"US": _US_BUYER, "DE": _EU_BUYER}
CURRENCIES = {"US": "USD", "DE": "EUR"}


# The operators named in the fulfilment centres' addresses, by country.
_OPERATORS = {"US": "Amazon.com Services LLC", "DE": "Amazon Fulfillment Germany GmbH"}


def _fulfillment_center(line1: str, city: str, postal: str, country: str, state=None) -> dict:
    address = {"name": _OPERATORS[country], "addressLine1": line1, "city": city}
    if state:
        address["stateOrRegion"] = state
    return {**address, "postalCode": postal, "countryCode": country}


# Ship-to codes of some of Amazon's fulfilment centres, with their public addresses.
FULFILLMENT_CENTERS = {
    "ABE2": _fulfillment_center("705 Boulder Drive", "Breinigsville", "18031", "US", "PA"),
    "ABE8": _fulfillment_center("401 Independence Road", "Florence", "08518", "US", "NJ"),
    "BFI4": _fulfillment_center("21005 64th Avenue South", "Kent", "98032", "US", "WA"),
    "MDW2": _fulfillment_center("250 Emerald Drive", "Joliet", "60433", "US", "IL"),
    "ONT8": _fulfillment_center("24300 Nandina Avenue", "Moreno Valley", "92551", "US", "CA"),
    "PHX7": _fulfillment_center("800 North 75th Avenue", "Phoenix", "85043", "US", "AZ"),
    "LEJ1": _fulfillment_center("Amazonstrasse 1", "Leipzig", "04347", "DE"),
    "MUC3": _fulfillment_center("Amazonstrasse 1", "Graben", "86836", "DE"),
}
_ITEM_KEYS = frozenset(
    {
        "vendor_sku",
        "asin",
        "quantity",
        "unit_of_measure",
        "unit_size",
        "net_cost",
        "currency",
        "back_order_allowed",
        "list_price",
    }
)


class VendorOrdersInputError(InputError):
    """A Vendor Orders request Amazon answers with 400 InvalidInput."""


# Building purchase orders


def make_purchase_order(
    number: str,
    *,
    items: Iterable[Mapping],
    created: datetime,
    ship_to: str = "ABE2",
    ship_to_address: Mapping | None = None,
    selling_party: str | Mapping = "VNDR1",
    buying_party: str | Mapping = "AMZN",
    bill_to: str | Mapping | None = None,
    order_type: str = "RegularOrder",
    payment_method: str = "Invoice",
    ship_window: tuple[datetime, datetime] | str | None = None,
    delivery_window: tuple[datetime, datetime] | str | None = None,
    state: str = "New",
    deal_code: str | None = None,
    import_details: Mapping | None = None,
) -> dict:
    """A Vendor Orders `Order` with its `orderDetails`, placed at `created`.

    `number`: 8 letters or digits. `ship_to`: the fulfilment centre's code; its address is
    `ship_to_address` (`Address` fields), else Amazon's for the codes in
    `FULFILLMENT_CENTERS`, else none. Parties are a party id or a whole
    `PartyIdentification`; the buying party and the bill-to party (default: the buying party's
    id) get Amazon's buyer address of the ship-to country. `items`: dicts with `vendor_sku`,
    `asin`, `quantity` (1; 0 is an item Amazon cancelled), `unit_of_measure` ("Eaches" or
    "Cases"), `unit_size` (1), `net_cost` (required; an amount as a string), `currency` (the
    ship-to country's, USD by default), `back_order_allowed` (False), `list_price`. Item
    sequence numbers are "1", "2"... `ship_window` defaults to the week starting 2 days after
    `created`; `delivery_window` to none. Windows are (start, end) or Amazon's `start--end`.
    Raises ValueError for what Amazon's model does not allow.
    """
    if not isinstance(number, str) or not PURCHASE_ORDER_NUMBER.match(number):
        raise ValueError(f"a purchase order number is 8 letters or digits, not {number!r}")
    _require_one_of("state", state, ORDER_STATES)
    _require_one_of("order_type", order_type, ORDER_TYPES)
    _require_one_of("payment_method", payment_method, PAYMENT_METHODS)
    placed = as_utc(created)
    ship_to_party: dict = {"partyId": ship_to}
    address = ship_to_address if ship_to_address is not None else FULFILLMENT_CENTERS.get(ship_to)
    if address:
        ship_to_party["address"] = dict(address)
    country = (address or {}).get("countryCode", "US")
    buyer_address = BUYER_ADDRESSES.get(country, _US_BUYER)
    buyer = _party(buying_party, buyer_address)
    currency = CURRENCIES.get(country, "USD")
    order_items = [
        purchase_order_item(position, spec, currency)
        for position, spec in enumerate(items, start=1)
    ]
    if not order_items:
        raise ValueError("a purchase order has at least one item")
    details: dict = {
        "purchaseOrderDate": format_timestamp(placed),
        "purchaseOrderStateChangedDate": format_timestamp(placed),
        "purchaseOrderType": order_type,
    }
    if import_details is not None:
        details["importDetails"] = copy.deepcopy(dict(import_details))
    if deal_code is not None:
        details["dealCode"] = deal_code
    details["paymentMethod"] = payment_method
    details["buyingParty"] = buyer
    details["sellingParty"] = _party(selling_party, None)
    details["shipToParty"] = ship_to_party
    details["billToParty"] = _party(
        bill_to if bill_to is not None else buyer["partyId"], buyer_address
    )
    window = ship_window or (
        placed + SHIP_WINDOW_DELAY,
        placed + SHIP_WINDOW_DELAY + SHIP_WINDOW_LENGTH,
    )
    details["shipWindow"] = date_time_interval(window)
    if delivery_window is not None:
        details["deliveryWindow"] = date_time_interval(delivery_window)
    details["items"] = order_items
    return {"purchaseOrderNumber": number, "purchaseOrderState": state, "orderDetails": details}


def purchase_order_item(sequence: int, spec: Mapping, currency: str) -> dict:
    """One `OrderItem` from `make_purchase_order`'s item dict."""
    unknown = set(spec) - _ITEM_KEYS
    if unknown:
        raise ValueError(f"unknown purchase order item keys {sorted(unknown)}")
    if not spec.get("vendor_sku") and not spec.get("asin"):
        raise ValueError("a purchase order item has a vendor_sku or an asin")
    quantity = spec.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError(f"an ordered quantity is a whole number, 0 or more: {quantity!r}")
    unit = spec.get("unit_of_measure", "Eaches")
    _require_one_of("unit_of_measure", unit, UNITS_OF_MEASURE)
    unit_size = spec.get("unit_size", 1)
    if isinstance(unit_size, bool) or not isinstance(unit_size, int) or unit_size < 1:
        raise ValueError(f"a unit size is a whole number above 0: {unit_size!r}")
    if spec.get("net_cost") is None:
        raise ValueError("a purchase order item has a net_cost")
    item_currency = spec.get("currency") or currency
    item: dict = {"itemSequenceNumber": str(sequence)}
    if spec.get("asin"):
        item["amazonProductIdentifier"] = spec["asin"]
    if spec.get("vendor_sku"):
        item["vendorProductIdentifier"] = spec["vendor_sku"]
    item["orderedQuantity"] = {"amount": quantity, "unitOfMeasure": unit, "unitSize": unit_size}
    item["isBackOrderAllowed"] = bool(spec.get("back_order_allowed", False))
    item["netCost"] = _money(spec["net_cost"], item_currency)
    if spec.get("list_price") is not None:
        item["listPrice"] = _money(spec["list_price"], item_currency)
    return item


def date_time_interval(window: tuple[datetime, datetime] | str) -> str:
    """Amazon's `DateTimeInterval`: `start--end`, ISO 8601 in UTC."""
    if isinstance(window, str):
        start, separator, end = window.partition("--")
        if not separator:
            raise ValueError(f"a date-time interval is start--end, not {window!r}")
        window = (parse_timestamp(start), parse_timestamp(end))
    start, end = (
        parse_timestamp(moment) if isinstance(moment, str) else as_utc(moment) for moment in window
    )
    if end < start:
        raise ValueError("a date-time interval ends after it starts")
    return f"{format_timestamp(start)}--{format_timestamp(end)}"


def _party(value: str | Mapping, address: Mapping | None) -> dict:
    if isinstance(value, Mapping):
        return copy.deepcopy(dict(value))
    party: dict = {"partyId": value}
    if address:
        party["address"] = dict(address)
    return party


def _money(amount, currency: str) -> dict:
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"an amount is a decimal number, not {amount!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"an amount is a decimal number, 0 or more: {amount!r}")
    return {"currencyCode": currency, "amount": format(value, "f")}


def _require_one_of(name: str, value, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} is one of {', '.join(allowed)}, not {value!r}")


# The desk


@dataclass
class _StoredOrder:
    order: dict
    sequence: int
    # item sequence number -> its acknowledged quantities (the latest acknowledgement)
    acknowledged: dict[str, dict] = field(default_factory=dict)
    # item sequence number -> the codes of its first acknowledgement
    first_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def details(self) -> dict:
        return self.order.get("orderDetails") or {}

    @property
    def sort_key(self) -> tuple[str, int]:
        created = timestamp_or_none(self.details.get("purchaseOrderDate"))
        return (format_timestamp(created) if created else "", self.sequence)


@dataclass
class _Acknowledgement:
    """One acknowledgement of a submission, as the owner sees it."""

    transaction_id: str
    seller_id: str
    number: str | None
    received: datetime
    acknowledgement: dict
    status: str = "Processing"
    processed: datetime | None = None
    errors: list[dict] = field(default_factory=list)
    items: list[dict] | None = None  # the order's items once acknowledged (Success)

    def describe(self) -> dict:
        return copy.deepcopy(
            {
                "transaction_id": self.transaction_id,
                "purchase_order_number": self.number,
                "status": self.status,
                "received": self.received,
                "processed": self.processed,
                "errors": self.errors,
                "items": self.items,
                "acknowledgement": self.acknowledgement,
            }
        )


@dataclass(frozen=True)
class PurchaseOrdersQuery:
    """One getPurchaseOrders page: its filters (as the next token keeps them) and where it is."""

    filters: dict
    limit: int
    include_details: bool
    last_key: tuple[str, int] | None = None

    @property
    def descending(self) -> bool:
        return self.filters["sortOrder"] == "DESC"

    def matches(self, stored: _StoredOrder) -> bool:
        filters, details = self.filters, stored.details
        state, vendor_code = filters["purchaseOrderState"], filters["orderingVendorCode"]
        items = details.get("items") or []
        return (
            _in_window(timestamp_or_none(details.get("purchaseOrderDate")), filters["created"])
            and _in_window(_last_change(details), filters["changed"])
            and state in (None, stored.order.get("purchaseOrderState"))
            and vendor_code in (None, (details.get("sellingParty") or {}).get("partyId"))
            and (not filters["isPOChanged"] or bool(details.get("purchaseOrderChangedDate")))
            and (
                filters["poItemState"] != "Cancelled"
                or any(_ordered(item).get("amount") == 0 for item in items)
            )
        )

    def after_last(self, stored: _StoredOrder) -> bool:
        if self.last_key is None:
            return True
        key = stored.sort_key
        return key < self.last_key if self.descending else key > self.last_key


class VendorOrdersDesk:
    """Thread-safe purchase orders and acknowledgements of all vendors."""

    def __init__(
        self, store: EmulatorStore, clock: Callable[[], datetime], transactions: TransactionDesk
    ):
        self._store = store
        self._clock = clock
        self._transactions = transactions
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._orders: dict[str, dict[str, _StoredOrder]] = {}
            self._acknowledgements: list[_Acknowledgement] = []
            self._sequence = 0

    # The owner's side

    def add(self, seller_id: str, order: Mapping) -> None:
        """Store the order as it is (a number already there is replaced, acknowledgements
        forgotten)."""
        number = order.get("purchaseOrderNumber")
        with self._lock:
            orders = self._seller_orders(seller_id)
            self._sequence += 1
            key = number if isinstance(number, str) else f"<order without number #{self._sequence}>"
            orders[key] = _StoredOrder(copy.deepcopy(dict(order)), self._sequence)

    def order(self, seller_id: str, number: str) -> dict | None:
        with self._lock:
            stored = self._seller_orders(seller_id).get(number)
            return copy.deepcopy(stored.order) if stored else None

    def change(
        self,
        seller_id: str,
        number: str,
        *,
        items: Iterable[Mapping] | None = None,
        changed: datetime | None = None,
        details: Mapping,
    ) -> dict:
        """Amazon changes the order: `items` replace its items, `details` its OrderDetails
        fields (None removes one); `purchaseOrderChangedDate` becomes `changed` (now)."""
        unknown = [name for name in details if name not in CHANGEABLE_DETAILS]
        if unknown:
            raise ValueError(f"Amazon cannot change {unknown}; one of {list(CHANGEABLE_DETAILS)}")
        moment = as_utc(changed) if changed else self._clock()
        with self._lock:
            stored = self._require(seller_id, number)
            order_details = stored.order.setdefault("orderDetails", {})
            for name, value in details.items():
                if value is None:
                    order_details.pop(name, None)
                elif name in _WINDOWS:
                    order_details[name] = date_time_interval(value)
                else:
                    order_details[name] = copy.deepcopy(value)
            if items is not None:
                order_details["items"] = self._new_items(order_details, items)
            order_details["purchaseOrderChangedDate"] = format_timestamp(moment)
            return copy.deepcopy(stored.order)

    def close(self, seller_id: str, number: str) -> dict:
        """The order is Closed (received, cancelled...), its state changed now."""
        with self._lock:
            stored = self._require(seller_id, number)
            self._set_state(stored, "Closed", self._clock())
            return copy.deepcopy(stored.order)

    def snapshot(self, seller_id: str, number: str) -> PurchaseOrderSnapshot | None:
        """The order and its acknowledged quantities as they are now (copies), for the desks
        that follow purchase orders (shipments, invoices); None when the vendor has none."""
        with self._lock:
            stored = self._seller_orders(seller_id).get(number)
            if stored is None:
                return None
            return PurchaseOrderSnapshot(
                copy.deepcopy(stored.order), copy.deepcopy(stored.acknowledged)
            )

    def acknowledgements(self, seller_id: str, number: str | None = None) -> list[dict]:
        """The acknowledgements the vendor submitted (of one order), oldest first."""
        with self._lock:
            self._store.seller(seller_id)
            return [
                record.describe()
                for record in self._acknowledgements
                if record.seller_id == seller_id and number in (None, record.number)
            ]

    # Serving

    def list_orders(self, seller: SellerAccount, query: Mapping[str, list[str]]) -> dict:
        """getPurchaseOrders' answer; raises VendorOrdersInputError for Amazon's 400."""
        orders_query = parse_list_query(query, seller, self._clock())
        with self._lock:
            matching = sorted(
                (
                    stored
                    for stored in self._seller_orders(seller.seller_id).values()
                    if orders_query.matches(stored) and orders_query.after_last(stored)
                ),
                key=lambda stored: stored.sort_key,
                reverse=orders_query.descending,
            )
            page = matching[: orders_query.limit]
            orders = [_served(stored.order, orders_query.include_details) for stored in page]
        payload: dict = {"orders": orders}
        if len(matching) > len(page):
            payload["pagination"] = {
                "nextToken": _next_token(orders_query, seller, page[-1].sort_key)
            }
        return {"payload": payload}

    def served_order(self, seller: SellerAccount, number: str) -> dict | None:
        """getPurchaseOrder's order, None when the vendor has no such order."""
        return self.order(seller.seller_id, number)

    def submit_acknowledgement(self, seller: SellerAccount, body: Mapping) -> str:
        """Record the acknowledgements and register their transaction; its id. Raises
        VendorOrdersInputError for what Amazon refuses at once."""
        acknowledgements = submitted_entries(
            body,
            "acknowledgements",
            VendorOrdersInputError,
            empty="acknowledgements must hold at least one acknowledgement.",
            not_object="Each acknowledgement must be an OrderAcknowledgement.",
        )
        now = self._clock()
        transaction_id = new_transaction_id(now)
        records = [
            _Acknowledgement(
                transaction_id=transaction_id,
                seller_id=seller.seller_id,
                number=ack.get("purchaseOrderNumber"),
                received=now,
                acknowledgement=copy.deepcopy(ack),
            )
            for ack in acknowledgements
        ]
        with self._lock:
            self._acknowledgements.extend(records)
        subjects = [record.number for record in records if isinstance(record.number, str)]
        process = functools.partial(self._process, seller.seller_id, records)
        self._transactions.register(
            transaction_id, seller.seller_id, SUBMIT_ACKNOWLEDGEMENT, subjects, process
        )
        return transaction_id

    # Processing acknowledgements

    def _process(self, seller_id: str, records: list[_Acknowledgement], forced) -> list[dict]:
        with self._lock:
            now = self._clock()
            errors = list(forced) or [
                error for record in records for error in self._check(seller_id, record)
            ]
            mark_processed(records, errors, now)
            if errors:
                return errors
            for record in records:
                stored = self._seller_orders(seller_id)[record.number]
                record.items = self._apply(stored, record.acknowledgement, now)
            return []

    def _check(self, seller_id: str, record: _Acknowledgement) -> list[dict]:
        ack, number = record.acknowledgement, record.number
        where = f"purchaseOrderNumber {number}"
        stored = self._seller_orders(seller_id).get(number) if isinstance(number, str) else None
        if stored is None:
            return [vendor_error("INVALID_ORDER_ID", "Invalid order ID.", where)]
        if stored.order.get("purchaseOrderState") == "Closed":
            return [vendor_error("ORDER_CLOSED", "The purchase order is closed.", where)]
        errors = []
        party = (ack.get("sellingParty") or {}).get("partyId")
        expected = (stored.details.get("sellingParty") or {}).get("partyId")
        if party != expected:
            errors.append(
                vendor_error(
                    "INVALID_SELLING_PARTY",
                    "The selling party is not the purchase order's.",
                    f"{where}: sellingParty.partyId {party!r}, the order's is {expected!r}",
                )
            )
        seen: set[str] = set()
        for position, ack_item in enumerate(ack.get("items") or [], start=1):
            item_where = f"{where}, items[{position - 1}]"
            item = _find_item(stored.details.get("items") or [], ack_item)
            if item is None:
                errors.append(
                    vendor_error(
                        "INVALID_ITEM", "The item is not on the purchase order.", item_where
                    )
                )
                continue
            sequence = item.get("itemSequenceNumber")
            if sequence in seen:
                errors.append(
                    vendor_error(
                        "INVALID_ITEM",
                        "The item is acknowledged twice.",
                        f"{item_where}: item {sequence}",
                    )
                )
                continue
            seen.add(sequence)
            errors += _item_errors(stored, item, ack_item, f"{where}, item {sequence}")
        return errors

    def _apply(self, stored: _StoredOrder, ack: Mapping, now: datetime) -> list[dict]:
        """Apply a checked acknowledgement; the order's items as acknowledged now."""
        items = stored.details.get("items") or []
        for ack_item in ack.get("items") or []:
            item = _find_item(items, ack_item)
            sequence = item.get("itemSequenceNumber")
            lines = ack_item.get("itemAcknowledgements") or []
            stored.first_codes.setdefault(
                sequence, tuple(line.get("acknowledgementCode") for line in lines)
            )
            stored.acknowledged[sequence] = _acknowledged_quantities(
                item, lines, (ack_item.get("netCost") or {}).get("amount")
            )
        for item in items:
            sequence = item.get("itemSequenceNumber")
            if sequence not in stored.acknowledged:
                # "Amazon implicitly rejects the missing line items"
                stored.acknowledged[sequence] = _implicitly_rejected(item)
                stored.first_codes.setdefault(sequence, ())
        if stored.order.get("purchaseOrderState") == "New":
            self._set_state(stored, "Acknowledged", now)
        return [
            {
                "item_sequence_number": item.get("itemSequenceNumber"),
                "amazon_product_identifier": item.get("amazonProductIdentifier"),
                "vendor_product_identifier": item.get("vendorProductIdentifier"),
                **stored.acknowledged[item.get("itemSequenceNumber")],
            }
            for item in items
        ]

    # Machinery

    def _new_items(self, details: Mapping, items: Iterable[Mapping]) -> list[dict]:
        current = details.get("items") or [{}]
        currency = (current[0].get("netCost") or {}).get("currencyCode") or "USD"
        return [
            copy.deepcopy(dict(item))
            if "orderedQuantity" in item
            else purchase_order_item(position, item, currency)
            for position, item in enumerate(items, start=1)
        ]

    @staticmethod
    def _set_state(stored: _StoredOrder, state: str, now: datetime) -> None:
        stored.order["purchaseOrderState"] = state
        stored.order.setdefault("orderDetails", {})["purchaseOrderStateChangedDate"] = (
            format_timestamp(now)
        )

    def _require(self, seller_id: str, number: str) -> _StoredOrder:
        stored = self._seller_orders(seller_id).get(number)
        if stored is None:
            raise KeyError(f"seller {seller_id!r} has no purchase order {number!r}")
        return stored

    def _seller_orders(self, seller_id: str) -> dict[str, _StoredOrder]:
        self._store.seller(seller_id)  # raises KeyError for an unknown seller
        return self._orders.setdefault(seller_id, {})


# Purchase orders as the shipments and invoices desks see them


@dataclass(frozen=True)
class PurchaseOrderSnapshot:
    """A purchase order and what its latest acknowledgements said of its items."""

    order: dict
    acknowledged: dict[str, dict]  # item sequence number -> `_acknowledged_quantities`

    @property
    def number(self) -> str:
        return self.order.get("purchaseOrderNumber")

    @property
    def state(self) -> str | None:
        return self.order.get("purchaseOrderState")

    @property
    def details(self) -> dict:
        return self.order.get("orderDetails") or {}

    @property
    def items(self) -> list[dict]:
        return self.details.get("items") or []

    @property
    def selling_party(self) -> str | None:
        return (self.details.get("sellingParty") or {}).get("partyId")

    def item_for(self, line: Mapping, asin_field: str = "amazonProductIdentifier") -> dict | None:
        """The order's item a document's line stands for, by the line's own numbers."""
        return self.find_item(
            line.get("itemSequenceNumber"),
            line.get(asin_field),
            line.get("vendorProductIdentifier"),
        )

    def find_item(
        self,
        sequence: str | int | None = None,
        asin: str | None = None,
        vendor_id: str | None = None,
    ) -> dict | None:
        """The order's item a shipment or invoice line stands for. Their line numbers are the
        document's own ("001", "002"... referenced from cartons and pallets), so the product
        identifiers decide when given (all those given must agree); the line number only
        when no identifier is given, or to choose between items of the same product."""
        if asin is None and vendor_id is None:
            if sequence is None:
                return None
            return next(
                (
                    item
                    for item in self.items
                    if _same_sequence(item.get("itemSequenceNumber"), str(sequence))
                ),
                None,
            )
        candidates = [
            item
            for item in self.items
            if asin in (None, item.get("amazonProductIdentifier"))
            and vendor_id in (None, item.get("vendorProductIdentifier"))
        ]
        if len(candidates) > 1 and sequence is not None:
            same_line = [
                item
                for item in candidates
                if _same_sequence(item.get("itemSequenceNumber"), str(sequence))
            ]
            candidates = same_line or candidates
        return candidates[0] if candidates else None

    def shippable(self, item: Mapping) -> int:
        """Eaches the vendor may ship of the item: accepted and backordered."""
        quantities = self.acknowledged.get(item.get("itemSequenceNumber")) or {}
        return quantities.get("accepted", 0) + quantities.get("backordered", 0)

    def net_cost(self, item: Mapping) -> tuple[Decimal | None, str | None]:
        """The item's net cost (per each or weight unit) and currency: the acknowledged net
        cost, else the order's."""
        ordered = item.get("netCost") or {}
        acknowledged = (self.acknowledged.get(item.get("itemSequenceNumber")) or {}).get("net_cost")
        cost = _amount({"amount": acknowledged}) if acknowledged is not None else None
        return (cost if cost is not None else _amount(ordered)), ordered.get("currencyCode")


def item_eaches(quantity: Mapping, item: Mapping | None) -> int:
    """The eaches of an `ItemQuantity` of a purchase order's item (Cases times unitSize, else
    the item's case size), for any of the vendor APIs' ItemQuantity."""
    return _eaches(quantity, _ordered(item or {}))


# Acknowledgement rules


def _find_item(items: list[dict], ack_item: Mapping) -> dict | None:
    """The order's item an acknowledged item stands for: by sequence number, else ASIN,
    else vendor product id; the identifiers given must all agree with it."""
    sequence = ack_item.get("itemSequenceNumber")
    asin = ack_item.get("amazonProductIdentifier")
    vendor_id = ack_item.get("vendorProductIdentifier")
    if sequence is None and asin is None and vendor_id is None:
        return None
    for item in items:
        if sequence is not None and not _same_sequence(item.get("itemSequenceNumber"), sequence):
            continue
        if asin is not None and item.get("amazonProductIdentifier") != asin:
            continue
        if vendor_id is not None and item.get("vendorProductIdentifier") != vendor_id:
            continue
        return item
    return None


def _same_sequence(ordered: str | None, acknowledged: str) -> bool:
    """ "1" and "00001" are the same line (Amazon's sandbox shows both)."""
    if ordered is None:
        return False
    if ordered.isdigit() and acknowledged.isdigit():
        return int(ordered) == int(acknowledged)
    return ordered == acknowledged


def _item_errors(stored: _StoredOrder, item: Mapping, ack_item: Mapping, where: str):
    errors = []
    net_cost = ack_item.get("netCost")
    ordered_cost = _amount(item.get("netCost"))
    if not net_cost or net_cost.get("amount") is None:
        errors.append(vendor_error("MISSING_NET_COST", "The item's netCost is required.", where))
    else:
        cost = _amount(net_cost)
        if cost is None or cost <= 0:
            errors.append(
                vendor_error(
                    "INVALID_NET_COST", "The net cost must not be zero or negative.", where
                )
            )
        elif ordered_cost is not None and cost > ordered_cost:
            errors.append(
                vendor_error(
                    "INVALID_NET_COST",
                    "The net cost cannot be higher than the purchase order's.",
                    f"{where}: {net_cost.get('amount')} for {item['netCost'].get('amount')}",
                )
            )
    lines = ack_item.get("itemAcknowledgements") or []
    acknowledged = 0
    for line in lines:
        code = line.get("acknowledgementCode")
        quantity = line.get("acknowledgedQuantity") or {}
        units = _eaches(quantity, _ordered(item))
        if not isinstance(quantity.get("amount"), int) or quantity["amount"] <= 0:
            errors.append(
                vendor_error(
                    "INVALID_QUANTITY", "An acknowledged quantity must not be zero.", where
                )
            )
        acknowledged += units
        if code == "Backordered" and not item.get("isBackOrderAllowed"):
            errors.append(
                vendor_error("BACKORDER_NOT_ALLOWED", "The item may not be backordered.", where)
            )
        if code == "Backordered" and not (
            line.get("scheduledShipDate") or line.get("scheduledDeliveryDate")
        ):
            errors.append(
                vendor_error(
                    "MISSING_SCHEDULED_DATE",
                    "A backorder provides a scheduledShipDate or scheduledDeliveryDate.",
                    where,
                )
            )
        if code == "Rejected" and not line.get("rejectionReason"):
            errors.append(
                vendor_error(
                    "MISSING_REJECTION_REASON", "A rejection needs a rejectionReason.", where
                )
            )
    ordered = _eaches(_ordered(item), _ordered(item))
    if acknowledged != ordered:
        errors.append(
            vendor_error(
                "INVALID_QUANTITY",
                "The acknowledged quantities must add up to the ordered quantity.",
                f"{where}: {acknowledged} of {ordered} eaches acknowledged",
            )
        )
    first = stored.first_codes.get(item.get("itemSequenceNumber"))
    codes = {line.get("acknowledgementCode") for line in lines}
    if first and set(first) == {"Rejected"} and codes & {"Accepted", "Backordered"}:
        errors.append(
            vendor_error(
                "REJECTED_ITEM_CANNOT_CHANGE",
                "A rejected item cannot be accepted or backordered by an update.",
                where,
            )
        )
    return errors


def _acknowledged_quantities(item: Mapping, lines: list[dict], net_cost=None) -> dict:
    """What the acknowledgement says of one item: quantities in eaches, the first rejection
    reason and scheduled dates, the acknowledged net cost."""
    quantities = {"ordered": _eaches(_ordered(item), _ordered(item))}
    for code in ("Accepted", "Backordered", "Rejected"):
        quantities[code.lower()] = sum(
            _eaches(line.get("acknowledgedQuantity") or {}, _ordered(item))
            for line in lines
            if line.get("acknowledgementCode") == code
        )
    reasons = [line["rejectionReason"] for line in lines if line.get("rejectionReason")]
    ship_dates = [line["scheduledShipDate"] for line in lines if line.get("scheduledShipDate")]
    delivery_dates = [
        line["scheduledDeliveryDate"] for line in lines if line.get("scheduledDeliveryDate")
    ]
    return {
        **quantities,
        "implicitly_rejected": False,
        "rejection_reason": reasons[0] if reasons else None,
        "scheduled_ship_date": ship_dates[0] if ship_dates else None,
        "scheduled_delivery_date": delivery_dates[0] if delivery_dates else None,
        "net_cost": net_cost,
    }


def _implicitly_rejected(item: Mapping) -> dict:
    ordered = _eaches(_ordered(item), _ordered(item))
    return {
        **_acknowledged_quantities(item, []),
        "rejected": ordered,
        "implicitly_rejected": True,
    }


def _eaches(quantity: Mapping, ordered: Mapping) -> int:
    """The units of an `ItemQuantity`: Cases times unitSize. Without unitOfMeasure it is in
    the ordered quantity's unit (and case size)."""
    amount = quantity.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool):
        return 0
    unit = quantity.get("unitOfMeasure") or ordered.get("unitOfMeasure") or "Eaches"
    if unit != "Cases":
        return amount
    size = quantity.get("unitSize")
    if size is None and ordered.get("unitOfMeasure") == "Cases":
        size = ordered.get("unitSize")
    return amount * (size if isinstance(size, int) and size > 0 else 1)


def _ordered(item: Mapping) -> dict:
    return item.get("orderedQuantity") or {}


def _amount(money: Mapping | None) -> Decimal | None:
    try:
        return Decimal(str((money or {})["amount"]))
    except (KeyError, InvalidOperation):
        return None


# Listing


def _served(order: Mapping, include_details: bool) -> dict:
    if include_details:
        return copy.deepcopy(dict(order))
    return {
        name: order[name] for name in ("purchaseOrderNumber", "purchaseOrderState") if name in order
    }


def _last_change(details: Mapping) -> datetime | None:
    moments = [
        timestamp_or_none(details.get(name))
        for name in (
            "purchaseOrderDate",
            "purchaseOrderChangedDate",
            "purchaseOrderStateChangedDate",
        )
    ]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _in_window(moment: datetime | None, window: list[str] | None) -> bool:
    if window is None:
        return True
    if moment is None:
        return False
    after, before = (datetime.fromisoformat(end) for end in window)
    return after <= moment < before


def parse_list_query(
    query: Mapping[str, list[str]], seller: SellerAccount, now: datetime
) -> PurchaseOrdersQuery:
    """getPurchaseOrders' query as Amazon reads it; raises VendorOrdersInputError."""
    undefined = [name for name in query if name not in LIST_PARAMETERS]
    if undefined:
        raise VendorOrdersInputError(f"Unknown parameters: {', '.join(undefined)}.")
    limit = _limit(query)
    include_details = _boolean(query, "includeDetails")
    token = first_value(query, "nextToken")
    if token is not None:
        from_token = _read_token(token, seller)
        _same_filters(query, from_token.filters)
        return replace(
            from_token,
            limit=from_token.limit if limit is None else limit,
            include_details=(
                from_token.include_details if include_details is None else include_details
            ),
        )
    created = _window(query, "created", now)
    changed = _window(query, "changed", now)
    if created is None and changed is None:
        created = [(now - MAX_RANGE).isoformat(), now.isoformat()]
    filters = {
        "created": created,
        "changed": changed,
        "sortOrder": _one_of(query, "sortOrder", SORT_ORDERS) or "ASC",
        "purchaseOrderState": _one_of(query, "purchaseOrderState", ORDER_STATES),
        "orderingVendorCode": first_value(query, "orderingVendorCode"),
        "isPOChanged": bool(_boolean(query, "isPOChanged")),
        "poItemState": _one_of(query, "poItemState", ITEM_STATES),
    }
    return PurchaseOrdersQuery(
        filters,
        DEFAULT_LIMIT if limit is None else limit,
        True if include_details is None else include_details,
    )


def _window(query: Mapping[str, list[str]], prefix: str, now: datetime) -> list[str] | None:
    after_name, before_name = f"{prefix}After", f"{prefix}Before"
    after, before = _query_time(query, after_name), _query_time(query, before_name)
    if after is None and before is None:
        return None
    before = before or now
    after = after or before - MAX_RANGE
    if after > before:
        raise VendorOrdersInputError(
            f"{after_name} must be before {before_name}.",
            details=f"{after_name} {format_timestamp(after)}, "
            f"{before_name} {format_timestamp(before)} (the time of the request by default)",
        )
    if before - after > MAX_RANGE:
        raise VendorOrdersInputError(
            "The date range must not exceed 7 days.",
            details=f"{after_name} {format_timestamp(after)} to "
            f"{before_name} {format_timestamp(before)}",
        )
    return [after.isoformat(), before.isoformat()]


def _same_filters(query: Mapping[str, list[str]], filters: Mapping) -> None:
    """A nextToken comes alone or with the filters of the call that produced it."""
    sent: dict[str, object] = {}
    for prefix in ("created", "changed"):
        for position, end in enumerate(("After", "Before")):
            name = f"{prefix}{end}"
            if name in query:
                window = filters[prefix]
                sent[name] = (
                    _query_time(query, name),
                    datetime.fromisoformat(window[position]) if window else None,
                )
    for name, allowed in (
        ("sortOrder", SORT_ORDERS),
        ("purchaseOrderState", ORDER_STATES),
        ("poItemState", ITEM_STATES),
    ):
        if name in query:
            sent[name] = (_one_of(query, name, allowed), filters[name])
    if "orderingVendorCode" in query:
        sent["orderingVendorCode"] = (
            first_value(query, "orderingVendorCode"),
            filters["orderingVendorCode"],
        )
    if "isPOChanged" in query:
        sent["isPOChanged"] = (bool(_boolean(query, "isPOChanged")), filters["isPOChanged"])
    for name, (value, expected) in sent.items():
        if value != expected:
            raise VendorOrdersInputError(
                "Include the same arguments as the call that produced the nextToken.",
                details=f"{name} differs",
            )


def _limit(query: Mapping[str, list[str]]) -> int | None:
    return page_size_parameter(query, "limit", MAX_LIMIT, None, VendorOrdersInputError)


def _boolean(query: Mapping[str, list[str]], name: str) -> bool | None:
    raw = first_value(query, name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise VendorOrdersInputError(f"{name} must be true or false, not {raw!r}.")
    return raw == "true"


def _one_of(query: Mapping[str, list[str]], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = first_value(query, name)
    if raw is not None and raw not in allowed:
        raise VendorOrdersInputError(f"{name} must be one of {', '.join(allowed)}.")
    return raw


def _query_time(query: Mapping[str, list[str]], name: str) -> datetime | None:
    return query_time(query, name, VendorOrdersInputError)


def _next_token(query: PurchaseOrdersQuery, seller: SellerAccount, last: tuple[str, int]) -> str:
    state = {
        "seller": seller.seller_id,
        "filters": query.filters,
        "limit": query.limit,
        "includeDetails": query.include_details,
        "last": list(last),
    }
    return encode_token(state)


def _read_token(token: str, seller: SellerAccount) -> PurchaseOrdersQuery:
    try:
        state = decode_token(token)
        filters = dict(state["filters"])
        last_date, last_sequence = state["last"]
        query = PurchaseOrdersQuery(
            filters=filters,
            limit=int(state["limit"]),
            include_details=bool(state["includeDetails"]),
            last_key=(str(last_date), int(last_sequence)),
        )
        missing = set(_FILTER_NAMES) - set(filters)
    except UNREADABLE_STATE:
        raise VendorOrdersInputError(NEXT_TOKEN_UNREADABLE) from None
    if missing or state.get("seller") != seller.seller_id:
        raise VendorOrdersInputError(NEXT_TOKEN_UNREADABLE)
    return query
