"""Vendor Shipments API v1 (Vendor Central retail procurement): routing requests
(SubmitShipments), the shipments Amazon routes (GetShipmentDetails) and the vendor's shipment
confirmations, the ASNs (SubmitShipmentConfirmations).

Both submissions answer 202 with a transaction id at once; Amazon processes them later (see
`vendor_transactions`, getTransaction): a submission fails as a whole, applying nothing, when
one of its shipments or confirmations breaks a rule below; each error names the shipment, the
purchase order and the item in `details`. Only `INVALID_ORDER_ID` ("Invalid order ID.") is
Amazon's own code (the Transaction Status model's sandbox); the others are the emulator's, in
its style.

A vendor's freight term is Prepaid ("Vendor pays / They Pay for the transportation", the
default) or Collect ("Buyer Pays / We Pay": Amazon picks the goods up), set by the owner
(`AmazonEmulator.set_vendor_freight_term`).

SubmitShipments, transactionType New: a routing request for purchase orders of the vendor.
Rules:

- `MISSING_FREIGHT_TERM` / `INVALID_FREIGHT_TERM`: shipmentFreightTerm "Specifies if payment
  is Collect (WePay) or Prepaid (TheyPay). Required."; it must be the vendor's freight term.
- `MISSING_PURCHASE_ORDER`, `INVALID_ORDER_ID`, `ORDER_NOT_ACKNOWLEDGED`, `ORDER_CLOSED`: a
  purchase order without number, not the vendor's, not confirmed yet ("Unconfirmed purchase
  orders cause the request to fail", Submit or update a shipment request), or Closed.
- `INVALID_SELLING_PARTY`: sellingParty.partyId ("Vendor code") is not the order's.
- `INVALID_ITEM`, `INVALID_QUANTITY`, `QUANTITY_EXCEEDS_ACKNOWLEDGED`: an item not on its
  order (see `PurchaseOrderSnapshot.find_item`; the request names the ASIN
  buyerProductIdentifier), a quantity of zero, or more eaches than acknowledged (accepted and
  backordered) and not confirmed shipped yet.
- For Collect: `MISSING_PURCHASE_ORDERS` (purchaseOrders "is a mandatory information for
  Buyer performing transportation from vendor warehouse (WePay/Collect)"),
  `MISSING_SHIPMENT_MEASUREMENTS` ("This is a mandatory detail"), `MISSING_PICKUP_DATE`
  (collectFreightPickupDetails "is mandatory to be filled for requesting transportation from
  Buyer (WePay/Collect)") and `INVALID_PICKUP_DATE` ("The requestedPickUp in the shipment
  request must be a minimum of two business days after the current date", Update or cancel
  shipment; Saturdays and Sundays are not business days; dates in UTC).
- `DUPLICATE_SHIPMENT_ID`: vendorShipmentIdentifier "Should not be used over the last 365
  days": the identifier of a cancelled request, or twice in one submission. A New request
  with the identifier of a request still open updates it ("All shipment request values are
  editable, except vendorShipmentIdentifier, buyerReferenceNumber, and sellingParty.partyId,
  which must remain identical for a successful update. You can modify all other fields in the
  shipment request before the carrier is assigned."): `INVALID_UPDATE` when sellingParty or
  buyerReferenceNumber differ, `CARRIER_ALREADY_ASSIGNED` once a carrier is assigned.

transactionType Cancel cancels a request not shipped yet (`SHIPMENT_NOT_FOUND`,
`SHIPMENT_ALREADY_CANCELLED`, `SHIPMENT_ALREADY_SHIPPED`, `INVALID_UPDATE`). The model's
statuses have no "cancelled": GetShipmentDetails no longer lists a cancelled shipment, and
its ARN is no longer valid.

Applied, a request is a shipment: Created ("Shipment request was received by buyer"). A
Collect one gets its Amazon Reference Number (ARN, 10 digits) in buyerReferenceNumber at once
(GetShipmentDetails' "response contains the Amazon Reference Number (ARN) and other shipment
details", the carrier assignment details coming later: Retrieve shipment details) and is
TransportationRequested; then Amazon assigns a carrier (name, SCAC code, the
carrier's shipment reference, a pickup window whose start is scheduledPickUp, the model having
no field for its end) and it is CarrierAssigned. With `auto_route` (the default) the carrier
is assigned when the request is applied; without, when the owner calls `route` (UPS Freight,
SCAC UPSN, a made-up PRO number and a 4-hour window from the requested pickup by default;
each may be given). An update before the carrier keeps the ARN. A Prepaid
shipment gets neither ARN nor carrier: the vendor ships it. A shipment is Shipped once a
confirmation names its ARN (or, without ARN, has its vendorShipmentIdentifier as
shipmentIdentifier).

GetShipmentDetails lists the vendor's shipments with the model's filters (the date pairs,
after inclusive and before exclusive: createdAfter/Before on shipmentCreateDate, the moment
the vendor sent the request; shipmentConfirmed... on shipmentConfirmDate, shipped... on
transportationDetails.shippedDate, estimatedDelivery... and shipmentDelivery... on
transportationDetails, requestedPickUp... and scheduledPickUp... on
collectFreightPickupDetails, packageLabelCreated... on packageLabelCreateDate, which the
emulator never sets; currentShipmentStatus, vendorShipmentIdentifier, buyerReferenceNumber,
buyerWarehouseCode as shipToParty.partyId and sellerWarehouseCode as sellingParty.partyId, as
the model says), sorted by shipment creation (ASC by default), `limit` 1 to 50 (50), and a
`nextToken` that keeps the filters (it comes alone or with the same ones; `limit` may
change). A bad value is 400 InvalidRequest "Request is missing or has invalid parameters",
as the model's sandbox answers vendorShipmentIdentifier "null". Date-times are served as
Amazon's examples of this model show them: UTC without offset, with milliseconds
("2019-08-09T19:56:45.632"); purchaseOrders[].shipWindow as "08/25/2021 - 08/31/2021".

SubmitShipmentConfirmations (the ASN). The purchase order of a shipped item is its
itemDetails.purchaseOrderNumber, else the one its cartons' or pallets' items give ("If the
items in this shipment belong to multiple purchase order numbers that are in particular carton
or pallet within the shipment, then provide the purchaseOrderNumber at the appropriate carton
or pallet level"). Rules:

- `MISSING_PURCHASE_ORDER`, `INVALID_ORDER_ID`, `ORDER_NOT_ACKNOWLEDGED`, `ORDER_CLOSED`,
  `INVALID_SELLING_PARTY`: as for routing requests.
- `INVALID_ITEM`: an item not on its purchase order, or two shipped items with one
  itemSequenceNumber (the number cartons and pallets refer to).
- `INVALID_QUANTITY` (zero) and `QUANTITY_EXCEEDS_ACKNOWLEDGED`: the eaches shipped of an
  order's item (Cases times unitSize, else the order's case size), with those of the
  confirmations applied before (a replaced confirmation no longer counts), exceed what was
  acknowledged (accepted and backordered).
- `DUPLICATE_SHIPMENT_ID`: shipmentIdentifier "Unique shipment ID (not used over the last 365
  days)": an Original confirmation with the identifier of a confirmation applied in the last
  365 days, or one identifier twice in a submission. Failed confirmations do not use their
  identifier: the vendor may send them again. `INVALID_REPLACEMENT`: a Replace confirmation
  without one to replace, or with another sellingParty ("be sure to provide the identical
  shipmentIdentifier and sellingParty information as in the previous confirmation").
- `INVALID_CONTAINER` / `CONTAINER_QUANTITY_MISMATCH`: cartons and pallets that refer to
  items or cartons the confirmation does not list, a carton on two pallets, or contents that
  do not add up to the shipped items. A pallet holds its `items`, or, listing none, the
  cartons it references; cartons on no pallet count on their own; each shipped item's eaches
  in them must be its shipped quantity (checked only when cartons or pallets are given:
  "Container details are only required for multi-box scenarios").
- `MISSING_AMAZON_REFERENCE_NUMBER` / `INVALID_AMAZON_REFERENCE_NUMBER`: amazonReferenceNumber
  "is mandatory for Collect/WePay shipments"; one given must be an ARN Amazon assigned to the
  vendor, for a shipment not cancelled.
- `INVALID_SHIPPED_DATE`: "Shipped date mentioned in the shipment confirmation should not be
  in the future."

Applied, the shipped eaches of each order's item are kept; the order stays Acknowledged (the
Vendor Orders model closes an order when it is "fully received by Amazon", which the owner
does with `close_purchase_order`).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from .clock import as_utc, parse_timestamp, timestamp_or_none
from .paging import (
    UNREADABLE_STATE,
    VENDOR_NEXT_TOKEN_UNREADABLE,
    decode_token,
    encode_token,
    page_size_parameter,
)
from .store import EmulatorStore, SellerAccount
from .vendor_orders import PurchaseOrderSnapshot, VendorOrdersDesk, item_eaches
from .vendor_transactions import (
    TransactionDesk,
    mark_processed,
    new_transaction_id,
    submitted_entries,
    vendor_error,
)
from .wire import InputError, first_value

SUBMIT_SHIPMENTS = "SubmitShipments"
GET_SHIPMENT_DETAILS = "GetShipmentDetails"
SUBMIT_SHIPMENT_CONFIRMATIONS = "SubmitShipmentConfirmations"
FREIGHT_TERMS = ("Prepaid", "Collect")
SHIPMENT_STATUSES = ("Created", "TransportationRequested", "CarrierAssigned", "Shipped")
CANCELLED = "Cancelled"  # the owner's view only: the model has no such status
SORT_ORDERS = ("ASC", "DESC")
ID_REUSE_PERIOD = timedelta(days=365)
PICKUP_LEAD_BUSINESS_DAYS = 2
PICKUP_WINDOW = timedelta(hours=4)  # the default pickup window Amazon schedules
DEFAULT_PICKUP_TIME = time(9, 0)  # without requested pickup: 09:00 UTC, 2 business days on
DEFAULT_LIMIT = 50
MAX_LIMIT = 50
INVALID_REQUEST = "Request is missing or has invalid parameters"  # the model's sandbox 400
NEXT_TOKEN_UNREADABLE = VENDOR_NEXT_TOKEN_UNREADABLE

# GetShipmentDetails' date filters: the query names are <prefix>After and <prefix>Before.
DATE_FILTERS = (
    "created",
    "shipmentConfirmed",
    "packageLabelCreated",
    "shipped",
    "estimatedDelivery",
    "shipmentDelivery",
    "requestedPickUp",
    "scheduledPickUp",
)
TEXT_FILTERS = (
    "currentShipmentStatus",
    "vendorShipmentIdentifier",
    "buyerReferenceNumber",
    "buyerWarehouseCode",
    "sellerWarehouseCode",
)
DATE_PARAMETERS = tuple(f"{prefix}{end}" for prefix in DATE_FILTERS for end in ("After", "Before"))
FILTER_PARAMETERS = (*DATE_PARAMETERS, *TEXT_FILTERS, "sortOrder")
LIST_PARAMETERS = ("limit", "nextToken", *FILTER_PARAMETERS)


class VendorShipmentsInputError(InputError):
    """A request Amazon answers with 400 at once (code InvalidInput for submissions,
    InvalidRequest for GetShipmentDetails, as the model's sandbox shows them)."""


def _invalid_request(details: str) -> VendorShipmentsInputError:
    return VendorShipmentsInputError(INVALID_REQUEST, details, code="InvalidRequest")


def amazon_time(moment: datetime) -> str:
    """A date-time as this model's examples show them: UTC, milliseconds, no offset."""
    utc = as_utc(moment)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}"


def business_days_after(moment: datetime, days: int) -> date:
    """The date `days` business days (Monday to Friday) after the moment's date, in UTC."""
    day = as_utc(moment).date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


# What the desk keeps


@dataclass
class _ShipmentRequest:
    """One shipment of a SubmitShipments submission, as the owner sees it."""

    transaction_id: str
    seller_id: str
    received: datetime
    shipment: dict
    status: str = "Processing"
    processed: datetime | None = None
    errors: list[dict] = field(default_factory=list)

    @property
    def vendor_shipment_identifier(self):
        return self.shipment.get("vendorShipmentIdentifier")

    @property
    def transaction_type(self):
        return self.shipment.get("transactionType")

    def describe(self) -> dict:
        return copy.deepcopy(
            {
                "transaction_id": self.transaction_id,
                "vendor_shipment_identifier": self.vendor_shipment_identifier,
                "transaction_type": self.transaction_type,
                "purchase_order_numbers": _routed_orders(self.shipment),
                "status": self.status,
                "received": self.received,
                "processed": self.processed,
                "errors": self.errors,
                "shipment": self.shipment,
            }
        )


@dataclass
class _Confirmation:
    """One shipment confirmation of a SubmitShipmentConfirmations submission."""

    transaction_id: str
    seller_id: str
    received: datetime
    confirmation: dict
    status: str = "Processing"
    processed: datetime | None = None
    errors: list[dict] = field(default_factory=list)
    items: list[dict] | None = None  # the eaches shipped per order's item (Success)
    replaced: bool = False  # a later Replace confirmation took its place

    @property
    def shipment_identifier(self):
        return self.confirmation.get("shipmentIdentifier")

    @property
    def selling_party(self):
        return (self.confirmation.get("sellingParty") or {}).get("partyId")

    @property
    def counts(self) -> bool:
        return self.status == "Success" and not self.replaced

    def describe(self) -> dict:
        return copy.deepcopy(
            {
                "transaction_id": self.transaction_id,
                "shipment_identifier": self.shipment_identifier,
                "confirmation_type": self.confirmation.get("shipmentConfirmationType"),
                "purchase_order_numbers": _confirmed_orders(self.confirmation),
                "status": self.status,
                "received": self.received,
                "processed": self.processed,
                "errors": self.errors,
                "items": self.items,
                "replaced": self.replaced,
                "confirmation": self.confirmation,
            }
        )


@dataclass
class _Shipment:
    """A routing request Amazon took: its latest New request, and what Amazon made of it."""

    seller_id: str
    sequence: int
    request: dict
    freight_term: str
    created: datetime
    statuses: list[tuple[str, datetime]] = field(default_factory=list)  # oldest first
    arn: str | None = None
    carrier: dict | None = None  # {name, scac, reference}
    pickup: tuple[datetime, datetime] | None = None
    carrier_assigned: datetime | None = None
    cancelled: datetime | None = None
    confirmed: datetime | None = None  # shipmentConfirmDate
    shipped: dict = field(default_factory=dict)  # from the ASN: shippedDate and so on

    @property
    def identifier(self) -> str:
        return self.request.get("vendorShipmentIdentifier")

    @property
    def status(self) -> str:
        return CANCELLED if self.cancelled else self.statuses[-1][0]

    @property
    def sort_key(self) -> tuple[str, int]:
        return (self.created.isoformat(), self.sequence)

    def set_status(self, status: str, moment: datetime) -> None:
        if self.statuses and self.statuses[-1][0] == status:
            self.statuses[-1] = (status, moment)
        else:
            self.statuses.append((status, moment))

    def moment(self, prefix: str) -> datetime | None:
        """The moment a GetShipmentDetails date filter looks at."""
        transport = self.request.get("transportationDetails") or {}
        pickup = self.request.get("collectFreightPickupDetails") or {}
        moments = {
            "created": self.created,
            "shipmentConfirmed": self.confirmed,
            "packageLabelCreated": None,
            "shipped": self.shipped.get("shippedDate")
            or timestamp_or_none(transport.get("shippedDate")),
            "estimatedDelivery": self.shipped.get("estimatedDeliveryDate")
            or timestamp_or_none(transport.get("estimatedDeliveryDate")),
            "shipmentDelivery": timestamp_or_none(transport.get("shipmentDeliveryDate")),
            "requestedPickUp": timestamp_or_none(pickup.get("requestedPickUp")),
            "scheduledPickUp": self.pickup[0] if self.pickup else None,
        }
        return moments[prefix]

    def describe_carrier(self) -> dict | None:
        return dict(self.carrier) if self.carrier else None


@dataclass
class _Pending:
    """What the confirmations checked so far in one submission add up to."""

    shipped: Counter = field(default_factory=Counter)  # (order, item sequence) -> eaches
    identifiers: set = field(default_factory=set)


@dataclass
class _Plan:
    items: list[dict]
    replaces: _Confirmation | None = None


@dataclass(frozen=True)
class _Entry:
    """An item's quantity in a carton or on a pallet."""

    where: str
    reference: str
    quantity: dict
    purchase_order_number: str | None


# GetShipmentDetails' query


@dataclass(frozen=True)
class ShipmentsQuery:
    """One GetShipmentDetails page: its filters (as the next token keeps them) and where."""

    filters: dict  # parameter name -> normalised value; sortOrder always there
    limit: int
    last_key: tuple[str, int] | None = None

    @property
    def descending(self) -> bool:
        return self.filters["sortOrder"] == "DESC"

    def matches(self, shipment: _Shipment) -> bool:
        filters = self.filters
        for prefix in DATE_FILTERS:
            after, before = filters.get(f"{prefix}After"), filters.get(f"{prefix}Before")
            if after is None and before is None:
                continue
            moment = shipment.moment(prefix)
            if moment is None:
                return False
            if after is not None and moment < datetime.fromisoformat(after):
                return False
            if before is not None and moment >= datetime.fromisoformat(before):
                return False
        request = shipment.request
        values = {
            "currentShipmentStatus": shipment.status,
            "vendorShipmentIdentifier": shipment.identifier,
            "buyerReferenceNumber": shipment.arn,
            "buyerWarehouseCode": (request.get("shipToParty") or {}).get("partyId"),
            "sellerWarehouseCode": (request.get("sellingParty") or {}).get("partyId"),
        }
        return all(filters.get(name) in (None, value) for name, value in values.items())

    def after_last(self, shipment: _Shipment) -> bool:
        if self.last_key is None:
            return True
        key = shipment.sort_key
        return key < self.last_key if self.descending else key > self.last_key


def parse_shipments_query(query: Mapping[str, list[str]], seller: SellerAccount) -> ShipmentsQuery:
    """GetShipmentDetails' query as Amazon reads it; raises VendorShipmentsInputError."""
    undefined = [name for name in query if name not in LIST_PARAMETERS]
    if undefined:
        raise _invalid_request(f"Unknown parameters: {', '.join(undefined)}")
    limit = _limit(query)
    token = first_value(query, "nextToken")
    if token is not None:
        from_token = _read_token(token, seller)
        for name in FILTER_PARAMETERS:
            if name in query and _filter_value(query, name) != from_token.filters.get(name):
                raise _invalid_request(
                    f"Include the same arguments as the call that produced the nextToken: "
                    f"{name} differs"
                )
        return replace(from_token, limit=from_token.limit if limit is None else limit)
    filters = {name: _filter_value(query, name) for name in FILTER_PARAMETERS if name in query}
    filters["sortOrder"] = filters.get("sortOrder") or "ASC"
    for prefix in DATE_FILTERS:
        after, before = filters.get(f"{prefix}After"), filters.get(f"{prefix}Before")
        if after is not None and before is not None and after > before:
            raise _invalid_request(f"{prefix}After must be before {prefix}Before")
    return ShipmentsQuery(filters, DEFAULT_LIMIT if limit is None else limit)


def _filter_value(query: Mapping[str, list[str]], name: str) -> str | None:
    raw = first_value(query, name)
    if raw is None:
        return None
    if name in DATE_PARAMETERS:
        try:
            return parse_timestamp(raw).isoformat()
        except ValueError:
            raise _invalid_request(f"{name} must be an ISO 8601 date-time, not {raw!r}") from None
    if name == "sortOrder" and raw not in SORT_ORDERS:
        raise _invalid_request(f"sortOrder must be one of {', '.join(SORT_ORDERS)}")
    if name == "currentShipmentStatus" and raw not in SHIPMENT_STATUSES:
        raise _invalid_request(
            f"currentShipmentStatus must be one of {', '.join(SHIPMENT_STATUSES)}"
        )
    if name == "vendorShipmentIdentifier" and raw.strip() in ("", "null"):
        raise _invalid_request("vendor Shipment Identifier cannot be null")
    return raw


def _limit(query: Mapping[str, list[str]]) -> int | None:
    return page_size_parameter(query, "limit", MAX_LIMIT, None, _invalid_request, end="")


def _next_token(query: ShipmentsQuery, seller: SellerAccount, last: tuple[str, int]) -> str:
    state = {
        "seller": seller.seller_id,
        "filters": query.filters,
        "limit": query.limit,
        "last": list(last),
    }
    return encode_token(state)


def _read_token(token: str, seller: SellerAccount) -> ShipmentsQuery:
    try:
        state = decode_token(token)
        filters = dict(state["filters"])
        last_created, last_sequence = state["last"]
        query = ShipmentsQuery(
            filters=filters,
            limit=int(state["limit"]),
            last_key=(str(last_created), int(last_sequence)),
        )
        readable = filters.get("sortOrder") in SORT_ORDERS and set(filters) <= set(
            FILTER_PARAMETERS
        )
    except UNREADABLE_STATE:
        raise _invalid_request(NEXT_TOKEN_UNREADABLE) from None
    if not readable or state.get("seller") != seller.seller_id:
        raise _invalid_request(NEXT_TOKEN_UNREADABLE)
    return query


# The desk


class VendorShipmentsDesk:
    """Thread-safe routing requests, shipments and shipment confirmations of all vendors.

    Lock order: this desk's lock, then the purchase orders desk's (never the other way)."""

    def __init__(
        self,
        store: EmulatorStore,
        clock: Callable[[], datetime],
        transactions: TransactionDesk,
        orders: VendorOrdersDesk,
    ):
        self._store = store
        self._clock = clock
        self._transactions = transactions
        self._orders = orders
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget requests, shipments, ARNs, confirmations and freight terms; auto-route on."""
        with self._lock:
            self._requests: list[_ShipmentRequest] = []
            self._confirmations: list[_Confirmation] = []
            self._shipments: dict[str, dict[str, _Shipment]] = {}
            self._arns: dict[str, _Shipment] = {}
            self._freight_terms: dict[str, str] = {}
            self._sequence = 0
            self.auto_route = True

    # The owner's side

    def set_freight_term(self, seller_id: str, term: str) -> None:
        if term not in FREIGHT_TERMS:
            raise ValueError(f"a freight term is one of {', '.join(FREIGHT_TERMS)}, not {term!r}")
        with self._lock:
            self._store.seller(seller_id)
            self._freight_terms[seller_id] = term

    def freight_term(self, seller_id: str) -> str:
        with self._lock:
            self._store.seller(seller_id)
            return self._freight_terms.get(seller_id, "Prepaid")

    def shipment_requests(self, seller_id: str) -> list[dict]:
        with self._lock:
            self._store.seller(seller_id)
            return [r.describe() for r in self._requests if r.seller_id == seller_id]

    def confirmations(self, seller_id: str, number: str | None = None) -> list[dict]:
        with self._lock:
            self._store.seller(seller_id)
            return [
                record.describe()
                for record in self._confirmations
                if record.seller_id == seller_id
                and (number is None or number in _confirmed_orders(record.confirmation))
            ]

    def shipment(self, seller_id: str, identifier: str) -> dict | None:
        with self._lock:
            shipment = self._seller_shipments(seller_id).get(identifier)
            return self._describe(shipment) if shipment else None

    def route(
        self,
        seller_id: str,
        identifier: str,
        *,
        arn: str | None = None,
        carrier_scac: str = "UPSN",
        carrier_name: str = "UPS Freight",
        reference: str | None = None,
        pickup: datetime | str | tuple | None = None,
    ) -> dict:
        """Amazon assigns the carrier now (again, overriding an earlier assignment)."""
        with self._lock:
            shipment = self._seller_shipments(seller_id).get(identifier)
            if shipment is None:
                raise KeyError(f"vendor {seller_id!r} has no shipment {identifier!r}")
            if shipment.freight_term != "Collect":
                raise ValueError("Amazon routes Collect shipments only; this one is Prepaid")
            if shipment.status in (CANCELLED, "Shipped"):
                raise ValueError(f"the shipment is {shipment.status}")
            if arn is not None:
                self._set_arn(shipment, str(arn))
            self._assign_carrier(
                shipment,
                self._clock(),
                scac=carrier_scac,
                name=carrier_name,
                reference=reference,
                pickup=_pickup_window(pickup) if pickup is not None else None,
            )
            return self._describe(shipment)

    def shipped_eaches(self, seller_id: str, number: str, sequence: str) -> int:
        """Eaches of the order's item the applied confirmations shipped."""
        with self._lock:
            return self._shipped(seller_id, number, sequence)

    def shipped_quantities(self, seller_id: str, number: str) -> dict[str, int]:
        """The order's item sequence numbers -> eaches shipped (items shipped only)."""
        with self._lock:
            self._store.seller(seller_id)
            shipped: Counter = Counter()
            for record in self._confirmations:
                if record.seller_id == seller_id and record.counts:
                    for item in record.items or []:
                        if item["purchase_order_number"] == number:
                            shipped[item["item_sequence_number"]] += item["shipped"]
            return dict(shipped)

    # Serving

    def submit_shipments(self, seller: SellerAccount, body: Mapping) -> str:
        """Record the routing requests and register their transaction; its id."""
        shipments = _submitted(body, "shipments", "Shipment")
        now = self._clock()
        transaction_id = new_transaction_id(now)
        records = [
            _ShipmentRequest(transaction_id, seller.seller_id, now, copy.deepcopy(shipment))
            for shipment in shipments
        ]
        with self._lock:
            self._requests.extend(records)
            subjects = []
            for record in records:
                subjects += _routed_orders(record.shipment)
                existing = self._seller_shipments(seller.seller_id).get(
                    record.vendor_shipment_identifier
                )
                if existing is not None and record.transaction_type == "Cancel":
                    subjects += _routed_orders(existing.request)
        process = functools.partial(self._process_requests, seller.seller_id, records)
        self._transactions.register(
            transaction_id, seller.seller_id, SUBMIT_SHIPMENTS, subjects, process
        )
        return transaction_id

    def submit_confirmations(self, seller: SellerAccount, body: Mapping) -> str:
        """Record the shipment confirmations and register their transaction; its id."""
        confirmations = _submitted(body, "shipmentConfirmations", "ShipmentConfirmation")
        now = self._clock()
        transaction_id = new_transaction_id(now)
        records = [
            _Confirmation(transaction_id, seller.seller_id, now, copy.deepcopy(confirmation))
            for confirmation in confirmations
        ]
        with self._lock:
            self._confirmations.extend(records)
        subjects = [n for record in records for n in _confirmed_orders(record.confirmation)]
        process = functools.partial(self._process_confirmations, seller.seller_id, records)
        self._transactions.register(
            transaction_id, seller.seller_id, SUBMIT_SHIPMENT_CONFIRMATIONS, subjects, process
        )
        return transaction_id

    def list_shipments(self, seller: SellerAccount, query: Mapping[str, list[str]]) -> dict:
        """GetShipmentDetails' answer; raises VendorShipmentsInputError for Amazon's 400."""
        shipments_query = parse_shipments_query(query, seller)
        with self._lock:
            matching = sorted(
                (
                    shipment
                    for shipment in self._seller_shipments(seller.seller_id).values()
                    if not shipment.cancelled
                    and shipments_query.matches(shipment)
                    and shipments_query.after_last(shipment)
                ),
                key=lambda shipment: shipment.sort_key,
                reverse=shipments_query.descending,
            )
            page = matching[: shipments_query.limit]
            served = [self._served(shipment) for shipment in page]
        payload: dict = {}
        if len(matching) > len(page):
            payload["pagination"] = {
                "nextToken": _next_token(shipments_query, seller, page[-1].sort_key)
            }
        payload["shipments"] = served
        return {"payload": payload}

    # Routing requests

    def _process_requests(self, seller_id: str, records: list[_ShipmentRequest], forced):
        with self._lock:
            now = self._clock()
            errors = list(forced) or self._check_requests(seller_id, records)
            mark_processed(records, errors, now)
            if errors:
                return errors
            for record in records:
                self._apply_request(seller_id, record, now)
            return []

    def _check_requests(self, seller_id: str, records: list[_ShipmentRequest]) -> list[dict]:
        errors, seen = [], set()
        for record in records:
            identifier = record.vendor_shipment_identifier
            where = f"vendorShipmentIdentifier {identifier}"
            if identifier in seen:
                errors.append(
                    vendor_error(
                        "DUPLICATE_SHIPMENT_ID",
                        "The vendorShipmentIdentifier is used twice in the submission.",
                        where,
                    )
                )
            seen.add(identifier)
            if record.transaction_type == "Cancel":
                errors += self._cancel_errors(seller_id, record.shipment, where)
            else:
                errors += self._new_request_errors(seller_id, record, where)
        return errors

    def _new_request_errors(self, seller_id: str, record: _ShipmentRequest, where: str):
        shipment = record.shipment
        errors = []
        vendor_term = self._freight_terms.get(seller_id, "Prepaid")
        term = shipment.get("shipmentFreightTerm")
        if term is None:
            errors.append(
                vendor_error("MISSING_FREIGHT_TERM", "The shipmentFreightTerm is required.", where)
            )
        elif term != vendor_term:
            errors.append(
                vendor_error(
                    "INVALID_FREIGHT_TERM",
                    "The shipmentFreightTerm is not the vendor's freight term.",
                    f"{where}: shipmentFreightTerm {term}, the vendor's is {vendor_term}",
                )
            )
        errors += self._update_errors(seller_id, shipment, record.received, where)
        orders = shipment.get("purchaseOrders") or []
        if (term or vendor_term) == "Collect":
            errors += _collect_errors(shipment, orders, record.received, where)
        party = (shipment.get("sellingParty") or {}).get("partyId")
        for index, entry in enumerate(orders):
            errors += self._routed_order_errors(
                seller_id, entry, party, f"{where}, purchaseOrders[{index}]"
            )
        return errors

    def _update_errors(self, seller_id: str, shipment: Mapping, received: datetime, where: str):
        existing = self._seller_shipments(seller_id).get(shipment.get("vendorShipmentIdentifier"))
        if existing is None:
            return []
        if existing.cancelled:
            if received - existing.created < ID_REUSE_PERIOD:
                return [
                    vendor_error(
                        "DUPLICATE_SHIPMENT_ID",
                        "The vendorShipmentIdentifier was used in the last 365 days.",
                        f"{where}: cancelled {amazon_time(existing.cancelled)}",
                    )
                ]
            return []
        if existing.status in ("CarrierAssigned", "Shipped"):
            return [
                vendor_error(
                    "CARRIER_ALREADY_ASSIGNED",
                    "The shipment request cannot change once a carrier is assigned.",
                    f"{where}: {existing.status}",
                )
            ]
        return _identity_errors(existing, shipment, where)

    def _cancel_errors(self, seller_id: str, shipment: Mapping, where: str) -> list[dict]:
        existing = self._seller_shipments(seller_id).get(shipment.get("vendorShipmentIdentifier"))
        if existing is None:
            return [vendor_error("SHIPMENT_NOT_FOUND", "There is no such shipment.", where)]
        if existing.cancelled:
            return [
                vendor_error(
                    "SHIPMENT_ALREADY_CANCELLED", "The shipment is already cancelled.", where
                )
            ]
        if existing.status == "Shipped":
            return [
                vendor_error(
                    "SHIPMENT_ALREADY_SHIPPED", "A shipped shipment cannot be cancelled.", where
                )
            ]
        return _identity_errors(existing, shipment, where)

    def _routed_order_errors(self, seller_id: str, entry: Mapping, party, where: str):
        number = entry.get("purchaseOrderNumber")
        if not number:
            return [
                vendor_error(
                    "MISSING_PURCHASE_ORDER", "The purchaseOrderNumber is required.", where
                )
            ]
        where = f"{where}: purchaseOrderNumber {number}"
        snapshot, errors = self._order(seller_id, number, party, where)
        if snapshot is None:
            return errors
        for index, item in enumerate(entry.get("items") or []):
            item_where = f"{where}, items[{index}]"
            order_item = snapshot.item_for(item, asin_field="buyerProductIdentifier")
            if order_item is None:
                errors.append(_not_on_order(item_where))
                continue
            eaches = item_eaches(item.get("shippedQuantity") or {}, order_item)
            sequence = order_item.get("itemSequenceNumber")
            errors += _quantity_errors(
                eaches,
                snapshot.shippable(order_item),
                self._shipped(seller_id, number, sequence),
                f"{where}, item {sequence}",
            )
        return errors

    def _apply_request(self, seller_id: str, record: _ShipmentRequest, now: datetime) -> None:
        request = copy.deepcopy(record.shipment)
        shipments = self._seller_shipments(seller_id)
        existing = shipments.get(record.vendor_shipment_identifier)
        if record.transaction_type == "Cancel":
            existing.cancelled = now
            if existing.arn:
                self._arns.pop(existing.arn, None)
            return
        if existing is not None and not existing.cancelled:
            existing.request = request
            shipment = existing
        else:
            term = request.get("shipmentFreightTerm") or self._freight_terms.get(
                seller_id, "Prepaid"
            )
            self._sequence += 1
            shipment = _Shipment(seller_id, self._sequence, request, term, record.received)
            shipment.set_status("Created", now)
            shipments[record.vendor_shipment_identifier] = shipment
            if term == "Collect":
                shipment.set_status("TransportationRequested", now)
                self._set_arn(shipment, self._new_arn(shipment))
        if shipment.freight_term == "Collect" and self.auto_route:
            self._assign_carrier(shipment, now)

    def _assign_carrier(
        self,
        shipment: _Shipment,
        now: datetime,
        *,
        scac: str = "UPSN",
        name: str = "UPS Freight",
        reference: str | None = None,
        pickup: tuple[datetime, datetime] | None = None,
    ) -> None:
        if pickup is None:
            requested = timestamp_or_none(
                (shipment.request.get("collectFreightPickupDetails") or {}).get("requestedPickUp")
            )
            start = requested or datetime.combine(
                business_days_after(now, PICKUP_LEAD_BUSINESS_DAYS), DEFAULT_PICKUP_TIME
            )
            pickup = (as_utc(start), as_utc(start) + PICKUP_WINDOW)
        shipment.carrier = {
            "name": name,
            "scac": scac,
            "reference": reference or _digits(f"{shipment.arn}/{scac}/{now.isoformat()}", 9),
        }
        shipment.pickup = pickup
        shipment.carrier_assigned = now
        shipment.set_status("CarrierAssigned", now)

    def _new_arn(self, shipment: _Shipment) -> str:
        seed = f"{shipment.seller_id}/{shipment.identifier}/{shipment.sequence}"
        arn = _digits(seed, 10, first_nonzero=True)
        while arn in self._arns:
            arn = _digits(arn, 10, first_nonzero=True)
        return arn

    def _set_arn(self, shipment: _Shipment, arn: str) -> None:
        holder = self._arns.get(arn)
        if holder is not None and holder is not shipment:
            raise ValueError(f"the ARN {arn} is another shipment's")
        if shipment.arn:
            self._arns.pop(shipment.arn, None)
        shipment.arn = arn
        self._arns[arn] = shipment

    # Shipment confirmations

    def _process_confirmations(self, seller_id: str, records: list[_Confirmation], forced):
        with self._lock:
            now = self._clock()
            pending = _Pending()
            plans, errors = [], list(forced)
            if not errors:
                for record in records:
                    plan, confirmation_errors = self._plan_confirmation(
                        seller_id, record, pending, now
                    )
                    plans.append(plan)
                    errors += confirmation_errors
            mark_processed(records, errors, now)
            if errors:
                return errors
            for record, plan in zip(records, plans, strict=True):
                record.items = plan.items
                if plan.replaces is not None:
                    plan.replaces.replaced = True
                self._ship(seller_id, record.confirmation, now)
            return []

    def _plan_confirmation(
        self, seller_id: str, record: _Confirmation, pending: _Pending, now: datetime
    ) -> tuple[_Plan, list[dict]]:
        confirmation = record.confirmation
        identifier = record.shipment_identifier
        where = f"shipmentIdentifier {identifier}"
        errors, replaces = self._identifier_errors(seller_id, record, pending, now, where)
        shipped_date = timestamp_or_none(confirmation.get("shippedDate"))
        if shipped_date is not None and shipped_date > now:
            errors.append(
                vendor_error(
                    "INVALID_SHIPPED_DATE",
                    "The shipped date should not be in the future.",
                    f"{where}: shippedDate {confirmation.get('shippedDate')}",
                )
            )
        errors += self._arn_errors(seller_id, confirmation, where)
        items, item_errors = self._shipped_items(seller_id, record, pending, replaces, where)
        return _Plan(items, replaces), errors + item_errors

    def _identifier_errors(self, seller_id, record: _Confirmation, pending, now, where):
        identifier = record.shipment_identifier
        errors = []
        if identifier in pending.identifiers:
            errors.append(
                vendor_error(
                    "DUPLICATE_SHIPMENT_ID",
                    "The shipmentIdentifier is used twice in the submission.",
                    where,
                )
            )
        pending.identifiers.add(identifier)
        earlier = next(
            (
                other
                for other in reversed(self._confirmations)
                if other.seller_id == seller_id
                and other.counts
                and other.shipment_identifier == identifier
                and now - other.received < ID_REUSE_PERIOD
            ),
            None,
        )
        if record.confirmation.get("shipmentConfirmationType") != "Replace":
            if earlier is not None:
                errors.append(
                    vendor_error(
                        "DUPLICATE_SHIPMENT_ID",
                        "The shipmentIdentifier was used in the last 365 days; send a Replace "
                        "confirmation to change that confirmation.",
                        f"{where}: confirmed {amazon_time(earlier.received)}",
                    )
                )
            return errors, None
        if earlier is None:
            errors.append(
                vendor_error(
                    "INVALID_REPLACEMENT",
                    "There is no shipment confirmation with this shipmentIdentifier to replace.",
                    where,
                )
            )
        elif earlier.selling_party != record.selling_party:
            errors.append(
                vendor_error(
                    "INVALID_REPLACEMENT",
                    "A replacement has the sellingParty of the confirmation it replaces.",
                    f"{where}: sellingParty.partyId {record.selling_party!r}, the "
                    f"confirmation's is {earlier.selling_party!r}",
                )
            )
        return errors, earlier

    def _arn_errors(self, seller_id: str, confirmation: Mapping, where: str) -> list[dict]:
        arn = confirmation.get("amazonReferenceNumber")
        if not arn:
            if self._freight_terms.get(seller_id, "Prepaid") == "Collect":
                return [
                    vendor_error(
                        "MISSING_AMAZON_REFERENCE_NUMBER",
                        "The amazonReferenceNumber is mandatory for Collect shipments.",
                        where,
                    )
                ]
            return []
        shipment = self._arns.get(arn)
        if shipment is None or shipment.seller_id != seller_id or shipment.cancelled:
            return [
                vendor_error(
                    "INVALID_AMAZON_REFERENCE_NUMBER",
                    "Amazon did not assign this Amazon Reference Number to a shipment of the "
                    "vendor.",
                    f"{where}: amazonReferenceNumber {arn}",
                )
            ]
        return []

    def _shipped_items(
        self,
        seller_id: str,
        record: _Confirmation,
        pending: _Pending,
        replaces: _Confirmation | None,
        where: str,
    ) -> tuple[list[dict], list[dict]]:
        """The eaches the confirmation ships per order's item, and the errors of its items,
        orders and containers."""
        confirmation = record.confirmation
        lines, errors = _shipped_lines(confirmation, where)
        entries, container_errors = _container_entries(confirmation, where)
        errors += container_errors + _container_item_errors(confirmation, lines, where)
        snapshots: dict[str, PurchaseOrderSnapshot | None] = {}
        for number in _confirmed_orders(confirmation):
            snapshots[number], order_errors = self._order(
                seller_id, number, record.selling_party, f"{where}: purchaseOrderNumber {number}"
            )
            errors += order_errors
        has_containers = bool(confirmation.get("cartons") or confirmation.get("pallets"))
        shipped: Counter = Counter()
        details: dict[tuple[str, str], dict] = {}
        for key, (index, item) in lines.items():
            in_containers = [entry for entry in entries if _line_key(entry.reference) == key]
            parts, line_errors = _line_parts(
                item, in_containers, snapshots, has_containers, f"{where}, shippedItems[{index}]"
            )
            errors += line_errors
            for number, order_item, eaches in parts:
                sequence = order_item.get("itemSequenceNumber")
                shipped[(number, sequence)] += eaches
                details.setdefault((number, sequence), _shipped_item(number, order_item, item))
        for (number, sequence), eaches in shipped.items():
            snapshot = snapshots[number]
            if eaches > 0:
                errors += _quantity_errors(
                    eaches,
                    snapshot.shippable(snapshot.find_item(sequence)),
                    self._shipped(seller_id, number, sequence, excluding=replaces)
                    + pending.shipped[(number, sequence)],
                    f"{where}, purchaseOrderNumber {number}, item {sequence}",
                )
            pending.shipped[(number, sequence)] += eaches
        items = [{**details[key], "shipped": eaches} for key, eaches in shipped.items()]
        return items, errors

    def _ship(self, seller_id: str, confirmation: Mapping, now: datetime) -> None:
        """The confirmed shipment is Shipped (the routed shipment of its ARN, else of its
        shipmentIdentifier)."""
        arn = confirmation.get("amazonReferenceNumber")
        shipment = (
            self._arns.get(arn)
            if arn
            else self._seller_shipments(seller_id).get(confirmation.get("shipmentIdentifier"))
        )
        if shipment is None or shipment.cancelled or shipment.seller_id != seller_id:
            return
        confirmed = timestamp_or_none(confirmation.get("shipmentConfirmationDate")) or now
        transport = confirmation.get("transportationDetails") or {}
        shipment.confirmed = confirmed
        shipment.shipped = {
            "shippedDate": timestamp_or_none(confirmation.get("shippedDate")) or confirmed,
            "estimatedDeliveryDate": timestamp_or_none(confirmation.get("estimatedDeliveryDate")),
            "billOfLadingNumber": transport.get("billOfLadingNumber"),
            "transportationMode": transport.get("transportationMode"),
        }
        shipment.set_status("Shipped", now)

    # Machinery

    def _order(self, seller_id: str, number: str, party, where: str):
        """The order as shipments need it (acknowledged), else None and the errors."""
        snapshot = self._orders.snapshot(seller_id, number)
        if snapshot is None:
            return None, [vendor_error("INVALID_ORDER_ID", "Invalid order ID.", where)]
        if snapshot.state == "Closed":
            return None, [vendor_error("ORDER_CLOSED", "The purchase order is closed.", where)]
        if snapshot.state != "Acknowledged":
            return None, [
                vendor_error(
                    "ORDER_NOT_ACKNOWLEDGED",
                    "The purchase order is not acknowledged (confirmed) yet.",
                    where,
                )
            ]
        if party != snapshot.selling_party:
            return snapshot, [
                vendor_error(
                    "INVALID_SELLING_PARTY",
                    "The selling party is not the purchase order's.",
                    f"{where}: sellingParty.partyId {party!r}, the order's is "
                    f"{snapshot.selling_party!r}",
                )
            ]
        return snapshot, []

    def _shipped(
        self, seller_id: str, number: str, sequence: str, excluding: _Confirmation | None = None
    ) -> int:
        return sum(
            item["shipped"]
            for record in self._confirmations
            if record.seller_id == seller_id and record.counts and record is not excluding
            for item in record.items or []
            if item["purchase_order_number"] == number
            and _line_key(item["item_sequence_number"]) == _line_key(sequence)
        )

    def _seller_shipments(self, seller_id: str) -> dict[str, _Shipment]:
        self._store.seller(seller_id)  # raises KeyError for an unknown seller
        return self._shipments.setdefault(seller_id, {})

    def _describe(self, shipment: _Shipment) -> dict:
        return copy.deepcopy(
            {
                "vendor_shipment_identifier": shipment.identifier,
                "status": shipment.status,
                "freight_term": shipment.freight_term,
                "arn": shipment.arn,
                "carrier": shipment.describe_carrier(),
                "scheduled_pickup": shipment.pickup,
                "carrier_assigned": shipment.carrier_assigned,
                "created": shipment.created,
                "cancelled": shipment.cancelled,
                "confirmed": shipment.confirmed,
                "purchase_order_numbers": _routed_orders(shipment.request),
                "shipment": self._served(shipment),
            }
        )

    def _served(self, shipment: _Shipment) -> dict:
        """The shipment as GetShipmentDetails serves it (a `Shipment` of the model)."""
        request = shipment.request
        served: dict = {
            "vendorShipmentIdentifier": shipment.identifier,
            "transactionType": "New",
        }
        if shipment.arn:
            served["buyerReferenceNumber"] = shipment.arn
        sent = timestamp_or_none(request.get("transactionDate"))
        if sent is not None:
            served["transactionDate"] = amazon_time(sent)
        status, status_date = shipment.statuses[-1]
        served["currentShipmentStatus"] = status
        served["currentshipmentStatusDate"] = amazon_time(status_date)
        served["shipmentStatusDetails"] = [
            {"shipmentStatus": name, "shipmentStatusDate": amazon_time(moment)}
            for name, moment in reversed(shipment.statuses)
        ]
        served["shipmentCreateDate"] = amazon_time(shipment.created)
        if shipment.confirmed is not None:
            served["shipmentConfirmDate"] = amazon_time(shipment.confirmed)
        served["shipmentFreightTerm"] = shipment.freight_term
        for name in ("sellingParty", "shipFromParty", "shipToParty", "shipmentMeasurements"):
            if name in request:
                served[name] = copy.deepcopy(request[name])
        pickup = self._served_pickup(shipment)
        if pickup:
            served["collectFreightPickupDetails"] = pickup
        if request.get("purchaseOrders"):
            served["purchaseOrders"] = [
                self._served_order(shipment.seller_id, entry) for entry in request["purchaseOrders"]
            ]
        for name in ("importDetails", "containers"):
            if name in request:
                served[name] = copy.deepcopy(request[name])
        transport = self._served_transport(shipment)
        if transport:
            served["transportationDetails"] = transport
        return served

    @staticmethod
    def _served_pickup(shipment: _Shipment) -> dict:
        sent = shipment.request.get("collectFreightPickupDetails") or {}
        pickup = {}
        requested = timestamp_or_none(sent.get("requestedPickUp"))
        if requested is not None:
            pickup["requestedPickUp"] = amazon_time(requested)
        if shipment.pickup is not None:
            pickup["scheduledPickUp"] = amazon_time(shipment.pickup[0])
        if shipment.carrier_assigned is not None:
            pickup["carrierAssignmentDate"] = amazon_time(shipment.carrier_assigned)
        return pickup

    def _served_order(self, seller_id: str, entry: Mapping) -> dict:
        served = copy.deepcopy(dict(entry))
        number = entry.get("purchaseOrderNumber")
        snapshot = self._orders.snapshot(seller_id, number) if number else None
        if snapshot is None:
            return served
        details = snapshot.details
        placed = timestamp_or_none(details.get("purchaseOrderDate"))
        if "purchaseOrderDate" not in served and placed is not None:
            served["purchaseOrderDate"] = amazon_time(placed)
        window = _ship_window(details.get("shipWindow"))
        if "shipWindow" not in served and window:
            served["shipWindow"] = window
        names = ("purchaseOrderNumber", "purchaseOrderDate", "shipWindow", "items")
        return {name: served[name] for name in names if name in served}

    @staticmethod
    def _served_transport(shipment: _Shipment) -> dict:
        sent = copy.deepcopy(shipment.request.get("transportationDetails") or {})
        shipped = shipment.shipped
        if shipped.get("transportationMode") and "transportationMode" not in sent:
            sent["transportationMode"] = shipped["transportationMode"]
        for name in ("shippedDate", "estimatedDeliveryDate", "shipmentDeliveryDate"):
            moment = shipped.get(name) or timestamp_or_none(sent.get(name))
            if moment is not None:
                sent[name] = amazon_time(moment)
        if shipment.carrier is not None:
            sent["carrierDetails"] = {
                "name": shipment.carrier["name"],
                "code": shipment.carrier["scac"],
                "shipmentReferenceNumber": shipment.carrier["reference"],
            }
        if shipped.get("billOfLadingNumber"):
            sent["billOfLadingNumber"] = shipped["billOfLadingNumber"]
        names = (
            "shipMode",
            "transportationMode",
            "shippedDate",
            "estimatedDeliveryDate",
            "shipmentDeliveryDate",
            "carrierDetails",
            "billOfLadingNumber",
        )
        return {name: sent[name] for name in names if name in sent}


# Rules


def _submitted(body: Mapping, name: str, kind: str) -> list[dict]:
    return submitted_entries(
        body,
        name,
        VendorShipmentsInputError,
        empty=f"{name} must hold at least one {kind}.",
        not_object=f"Each of {name} must be a {kind}.",
    )


def _collect_errors(shipment: Mapping, orders: list, received: datetime, where: str):
    errors = []
    if not orders:
        errors.append(
            vendor_error(
                "MISSING_PURCHASE_ORDERS",
                "A Collect shipment request lists its purchase orders.",
                where,
            )
        )
    if not shipment.get("shipmentMeasurements"):
        errors.append(
            vendor_error(
                "MISSING_SHIPMENT_MEASUREMENTS",
                "A Collect shipment request gives its shipmentMeasurements.",
                where,
            )
        )
    requested = (shipment.get("collectFreightPickupDetails") or {}).get("requestedPickUp")
    if not requested:
        errors.append(
            vendor_error(
                "MISSING_PICKUP_DATE",
                "A Collect shipment request gives collectFreightPickupDetails.requestedPickUp.",
                where,
            )
        )
        return errors
    earliest = business_days_after(received, PICKUP_LEAD_BUSINESS_DAYS)
    moment = timestamp_or_none(requested)
    if moment is None or moment.date() < earliest:
        errors.append(
            vendor_error(
                "INVALID_PICKUP_DATE",
                "The requested pickup must be at least two business days after the request.",
                f"{where}: requestedPickUp {requested}, the earliest is {earliest.isoformat()}",
            )
        )
    return errors


def _identity_errors(existing: _Shipment, shipment: Mapping, where: str) -> list[dict]:
    """An update or cancellation keeps sellingParty.partyId and buyerReferenceNumber."""
    errors = []
    party = (shipment.get("sellingParty") or {}).get("partyId")
    expected = (existing.request.get("sellingParty") or {}).get("partyId")
    if party != expected:
        errors.append(
            vendor_error(
                "INVALID_UPDATE",
                "The sellingParty must remain identical.",
                f"{where}: sellingParty.partyId {party!r}, the request's is {expected!r}",
            )
        )
    reference = shipment.get("buyerReferenceNumber")
    if reference is not None and reference != existing.arn:
        errors.append(
            vendor_error(
                "INVALID_UPDATE",
                "The buyerReferenceNumber must remain identical.",
                f"{where}: buyerReferenceNumber {reference!r}, the shipment's is {existing.arn!r}",
            )
        )
    return errors


def _quantity_errors(eaches: int, shippable: int, shipped_before: int, where: str):
    if eaches <= 0:
        return [vendor_error("INVALID_QUANTITY", "A shipped quantity must be above zero.", where)]
    if eaches > shippable - shipped_before:
        return [
            vendor_error(
                "QUANTITY_EXCEEDS_ACKNOWLEDGED",
                "More is shipped than was acknowledged (accepted and backordered) and not "
                "shipped yet.",
                f"{where}: {eaches} eaches, {max(shippable - shipped_before, 0)} left of "
                f"{shippable} acknowledged ({shipped_before} shipped before)",
            )
        ]
    return []


def _not_on_order(where: str) -> dict:
    return vendor_error("INVALID_ITEM", "The item is not on the purchase order.", where)


def _shipped_lines(confirmation: Mapping, where: str):
    """The shipped items by their itemSequenceNumber (the cartons' and pallets' reference)."""
    errors: list[dict] = []
    lines: dict[str, tuple[int, dict]] = {}
    for index, item in enumerate(confirmation.get("shippedItems") or []):
        key = _line_key(item.get("itemSequenceNumber"))
        if key in lines:
            errors.append(
                vendor_error(
                    "INVALID_ITEM",
                    "Two shipped items have the same itemSequenceNumber.",
                    f"{where}, shippedItems[{index}]: itemSequenceNumber "
                    f"{item.get('itemSequenceNumber')}",
                )
            )
            continue
        lines[key] = (index, item)
    return lines, errors


def _line_parts(
    item: Mapping,
    in_containers: list[_Entry],
    snapshots: Mapping[str, PurchaseOrderSnapshot | None],
    has_containers: bool,
    where: str,
) -> tuple[list[tuple[str, dict, int]], list[dict]]:
    """What one shipped item ships: (order number, order's item, eaches) by purchase order
    (its own, else its cartons' and pallets'), and its errors."""
    quantity = item.get("shippedQuantity") or {}
    own = (item.get("itemDetails") or {}).get("purchaseOrderNumber")
    if own:
        sent = [(own, quantity)]
    elif in_containers and all(entry.purchase_order_number for entry in in_containers):
        sent = [(entry.purchase_order_number, entry.quantity) for entry in in_containers]
    else:
        return [], [
            vendor_error(
                "MISSING_PURCHASE_ORDER",
                "The shipped item has no purchaseOrderNumber, at item, carton or pallet level.",
                where,
            )
        ]
    errors = []
    if not isinstance(quantity.get("amount"), int) or quantity["amount"] <= 0:
        errors.append(
            vendor_error("INVALID_QUANTITY", "A shipped quantity must be above zero.", where)
        )
    parts, line_item = [], None
    for number, part in sent:
        snapshot = snapshots.get(number)
        if snapshot is None:
            continue  # the order's error is reported already
        order_item = snapshot.item_for(item)
        if order_item is None:
            errors.append(_not_on_order(f"{where}: purchaseOrderNumber {number}"))
            continue
        line_item = line_item or order_item
        parts.append((number, order_item, item_eaches(part, order_item)))
    if has_containers:
        packed = sum(item_eaches(entry.quantity, line_item) for entry in in_containers)
        expected = item_eaches(quantity, line_item)
        if packed != expected:
            errors.append(
                vendor_error(
                    "CONTAINER_QUANTITY_MISMATCH",
                    "The cartons and pallets do not hold the shipped quantity.",
                    f"{where}: {expected} eaches shipped, {packed} in cartons and pallets",
                )
            )
    return parts, errors


def _shipped_item(number: str, order_item: Mapping, item: Mapping) -> dict:
    return {
        "purchase_order_number": number,
        "item_sequence_number": order_item.get("itemSequenceNumber"),
        "shipment_item_sequence_number": item.get("itemSequenceNumber"),
        "amazon_product_identifier": order_item.get("amazonProductIdentifier"),
        "vendor_product_identifier": order_item.get("vendorProductIdentifier"),
    }


def _container_item_errors(confirmation: Mapping, lines: Mapping, where: str) -> list[dict]:
    return [
        vendor_error(
            "INVALID_CONTAINER",
            "A carton or pallet holds an item the confirmation does not ship.",
            f"{entry.where}: itemReference {entry.reference}",
        )
        for entry in _all_container_items(confirmation, where)
        if _line_key(entry.reference) not in lines
    ]


def _container_entries(confirmation: Mapping, where: str) -> tuple[list[_Entry], list[dict]]:
    """The item quantities the cartons and pallets hold, each counted once: a pallet's items,
    else the cartons it references; cartons on no pallet on their own."""
    errors: list[dict] = []
    cartons: dict[str, tuple[int, dict]] = {}
    for index, carton in enumerate(confirmation.get("cartons") or []):
        key = _line_key(carton.get("cartonSequenceNumber"))
        if key in cartons:
            errors.append(
                vendor_error(
                    "INVALID_CONTAINER",
                    "Two cartons have the same cartonSequenceNumber.",
                    f"{where}, cartons[{index}]",
                )
            )
            continue
        cartons[key] = (index, carton)
    on_pallet: dict[str, int] = {}
    entries: list[_Entry] = []
    for index, pallet in enumerate(confirmation.get("pallets") or []):
        pallet_where = f"{where}, pallets[{index}]"
        referenced = []
        references = (pallet.get("cartonReferenceDetails") or {}).get("cartonReferenceNumbers")
        for reference in references or []:
            key = _line_key(reference)
            if key not in cartons:
                errors.append(
                    vendor_error(
                        "INVALID_CONTAINER",
                        "The pallet references a carton the confirmation does not list.",
                        f"{pallet_where}: cartonReferenceNumber {reference}",
                    )
                )
            elif key in on_pallet:
                errors.append(
                    vendor_error(
                        "INVALID_CONTAINER",
                        "A carton is on two pallets.",
                        f"{pallet_where}: cartonReferenceNumber {reference}",
                    )
                )
            else:
                on_pallet[key] = index
                referenced.append(key)
        if pallet.get("items"):
            entries += _entries(pallet["items"], pallet_where)
        else:
            for key in referenced:
                carton_index, carton = cartons[key]
                entries += _entries(carton.get("items") or [], f"{where}, cartons[{carton_index}]")
    for key, (index, carton) in cartons.items():
        if key not in on_pallet:
            entries += _entries(carton.get("items") or [], f"{where}, cartons[{index}]")
    return entries, errors


def _all_container_items(confirmation: Mapping, where: str) -> list[_Entry]:
    return [
        entry
        for name in ("cartons", "pallets")
        for index, container in enumerate(confirmation.get(name) or [])
        for entry in _entries(container.get("items") or [], f"{where}, {name}[{index}]")
    ]


def _entries(items: Iterable[Mapping], where: str) -> list[_Entry]:
    return [
        _Entry(
            f"{where}.items[{index}]",
            str(item.get("itemReference")),
            item.get("shippedQuantity") or {},
            (item.get("itemDetails") or {}).get("purchaseOrderNumber"),
        )
        for index, item in enumerate(items)
    ]


def _routed_orders(shipment: Mapping) -> list[str]:
    numbers = [entry.get("purchaseOrderNumber") for entry in shipment.get("purchaseOrders") or []]
    return list(dict.fromkeys(n for n in numbers if isinstance(n, str) and n))


def _confirmed_orders(confirmation: Mapping) -> list[str]:
    """The purchase order numbers a confirmation names, at item, carton or pallet level."""
    items = [
        *(confirmation.get("shippedItems") or []),
        *(
            item
            for name in ("cartons", "pallets")
            for container in confirmation.get(name) or []
            for item in container.get("items") or []
        ),
    ]
    numbers = [(item.get("itemDetails") or {}).get("purchaseOrderNumber") for item in items]
    return list(dict.fromkeys(n for n in numbers if isinstance(n, str) and n))


# Machinery


def _line_key(text) -> str:
    """ "1" and "001" are the same line (the model numbers lines 001, 002...)."""
    text = str(text)
    return str(int(text)) if text.isdigit() else text


def _pickup_window(pickup: datetime | str | tuple) -> tuple[datetime, datetime]:
    if isinstance(pickup, tuple | list):
        start, end = (_as_moment(moment) for moment in pickup)
        if end < start:
            raise ValueError("a pickup window ends after it starts")
        return start, end
    start = _as_moment(pickup)
    return start, start + PICKUP_WINDOW


def _as_moment(value: datetime | str) -> datetime:
    return parse_timestamp(value) if isinstance(value, str) else as_utc(value)


def _ship_window(window) -> str | None:
    """A purchase order's `start--end` window as this model's example shows a ship window."""
    if not isinstance(window, str) or "--" not in window:
        return None
    start, end = (timestamp_or_none(part) for part in window.split("--", 1))
    if start is None or end is None:
        return None
    return f"{start:%m/%d/%Y} - {end:%m/%d/%Y}"


def _digits(seed: str, length: int, first_nonzero: bool = False) -> str:
    """A number of `length` digits derived from `seed` (the same seed, the same number)."""
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    if first_nonzero:
        low = 10 ** (length - 1)
        return str(low + number % (9 * low))
    return str(number % 10**length).zfill(length)
