"""Vendor Direct Fulfillment (DF): Amazon's orders that a vendor ships to Amazon's customers.

APIs (Amazon's models): Orders 2021-12-28 (getOrders, getOrder, submitAcknowledgement),
Shipping 2021-12-28 (shipping labels, packing slips, customer invoices, shipment
confirmations and status updates, container labels), Transactions 2021-12-28
(getTransactionStatus), Payments v1 (submitInvoice) and Inventory v1 (submitInventoryUpdate).
The 2021-12-28 APIs answer without a `payload` wrapper (202: `{"transactionId"}`); the v1 ones
with one (`{"payload": {"transactionId"}}`). Orders are added by the emulator's owner
(`AmazonEmulator.add_df_order`, built by `make_df_order`); getOrders, getOrder and the label,
packing slip and customer invoice reads need a Restricted Data Token (see `tokens`).

Emulator names: getOrders, getOrder and submitAcknowledgement are also operationIds of models
listed before (Orders v0, Orders 2026-01-01, Vendor Orders), so the emulator names them
`dfGetOrders`, `dfGetOrder` and `dfSubmitAcknowledgement` (usage plans, faults, recorded
requests, transaction kinds; `contract.OPERATION_ALIASES`). The other operations keep their
operationId.

Listings and the served documents: see `df_orders`; reads of one order's document answer
404 NotFound until there is one.

Submissions answer 202 with a transaction id; Amazon processes them later, as the retail
vendor submissions (the shared `vendor_transactions.TransactionDesk`, family
`DIRECT_FULFILLMENT`; `fail_next_vendor_transaction(subject)` fails the next submission
about a purchase order, or about a warehouse for inventory). What the request alone shows
wrong is 400 InvalidInput at once, with a message naming the entry: an unknown purchase order,
parties that are not the order's, a date that is not one, an item that is not on the order,
a quantity of 0 or beyond what was ordered, an acknowledgement that leaves items out or does
not acknowledge the whole ordered quantity ("The order must be accepted or rejected in its
entirety"), an order already acknowledged. What depends on the order's progress when Amazon
processes the submission fails the transaction (the emulator's codes, Amazon's style):
`ORDER_ALREADY_ACKNOWLEDGED` (another acknowledgement was applied meanwhile),
`ORDER_CANCELLED` (labels or shipments of a cancelled order), `INVALID_QUANTITY` (the
shipment confirmations of an item add up to more than was ordered) and
`DUPLICATE_INVOICE_NUMBER` (an invoice number already invoiced, or twice in one submission).

Applied: an acknowledgement with code "00" ("Shipping 100 percent of ordered product") makes
the order ACCEPTED, any other two-digit code (the "Canceled due to..." codes) CANCELLED; a
label request makes the order's ShippingLabel (one LabelData per container, its
containerIdentifier as packageIdentifier, the container's tracking number or a made-up one,
PNG by default or ZPL after `set_df_label_format`); shipment confirmations add up the shipped
quantities of the items and make the order SHIPPED once all is shipped (a FLOOR_DENIAL
confirmation cancels it); status updates and invoices are recorded; an inventory update with
`isFullUpdate` true replaces the warehouse's inventory (items it does not name drop to 0),
false updates the items it names; an obsolete item has 0 available.

submitInventoryUpdate: Amazon documents 413 without giving a size; the emulator's limit is
its own choice: more than `INVENTORY_MAX_ITEMS` items or a body over `INVENTORY_MAX_BYTES`
answers 413 RequestEntityTooLarge (before the contract check).
createShippingLabels (synchronous) makes the label at once; createContainerLabel answers a
label for packages whose tracking numbers are on the vendor's labels.
getTransactionStatus answers its 401-503 with one `Error` object, as the model declares them
(`single_error`).
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .clock import timestamp_or_none
from .df_orders import (
    DF_NUMBER,
    LABEL_FORMATS,
    LISTING_PARAMETERS,
    ORDERS_PARAMETERS,
    SHIP_METHOD_NAMES,
    DfInputError,
    DfNotFound,
    Listing,
    StoredDfOrder,
    customer_invoice,
    label_content,
    ordered_units,
    packing_slip,
    served_order,
)
from .store import EmulatorStore, SellerAccount
from .vendor_transactions import (
    DIRECT_FULFILLMENT,
    INVALID_TRANSACTION_ID,
    TransactionDesk,
    VendorTransaction,
    is_transaction_id,
    mark_processed,
    new_transaction_id,
    submitted_entries,
    vendor_error,
)
from .wire import Reply, json_reply

GET_ORDERS = "dfGetOrders"
GET_ORDER = "dfGetOrder"
SUBMIT_ACKNOWLEDGEMENT = "dfSubmitAcknowledgement"
GET_TRANSACTION_STATUS = "getTransactionStatus"
SUBMIT_SHIPPING_LABEL_REQUEST = "submitShippingLabelRequest"
GET_SHIPPING_LABELS = "getShippingLabels"
GET_SHIPPING_LABEL = "getShippingLabel"
CREATE_SHIPPING_LABELS = "createShippingLabels"
CREATE_CONTAINER_LABEL = "createContainerLabel"
SUBMIT_SHIPMENT_CONFIRMATIONS = "submitShipmentConfirmations"
SUBMIT_SHIPMENT_STATUS_UPDATES = "submitShipmentStatusUpdates"
GET_CUSTOMER_INVOICES = "getCustomerInvoices"
GET_CUSTOMER_INVOICE = "getCustomerInvoice"
GET_PACKING_SLIPS = "getPackingSlips"
GET_PACKING_SLIP = "getPackingSlip"
SUBMIT_INVOICE = "submitInvoice"
SUBMIT_INVENTORY_UPDATE = "submitInventoryUpdate"
# The operations that need a Restricted Data Token (Tokens API Use Case Guide).
RESTRICTED_OPERATIONS = frozenset(
    {
        GET_ORDERS,
        GET_ORDER,
        GET_SHIPPING_LABELS,
        GET_SHIPPING_LABEL,
        GET_PACKING_SLIPS,
        GET_PACKING_SLIP,
        GET_CUSTOMER_INVOICES,
        GET_CUSTOMER_INVOICE,
        CREATE_SHIPPING_LABELS,
    }
)
# Statuses whose body the Transactions model declares as one `Error`, not an ErrorList.
SINGLE_ERROR_STATUSES = {GET_TRANSACTION_STATUS: frozenset({401, 403, 404, 415, 429, 500, 503})}
SHIPMENT_STATUSES = ("SHIPPED", "FLOOR_DENIAL")
ACCEPTED_CODE = "00"
ACKNOWLEDGEMENT_CODE = re.compile(r"^\d{2}$")
INVENTORY_MAX_ITEMS = 5000  # the emulator's choice (see the module's notes)
INVENTORY_MAX_BYTES = 1024 * 1024


def df_transaction_status(transaction: VendorTransaction) -> dict:
    """getTransactionStatus' answer (`TransactionStatus`; errors an ErrorList object)."""
    status: dict = {"transactionId": transaction.transaction_id, "status": transaction.status}
    if transaction.status == "Failure":
        status["errors"] = {"errors": copy.deepcopy(transaction.errors)}
    return {"transactionStatus": status}


def single_error(reply: Reply) -> Reply:
    """The reply with its first error as the body, as `SINGLE_ERROR_STATUSES` declare it."""
    body = reply.json_body
    if not isinstance(body, dict) or not body.get("errors"):
        return reply
    answer = json_reply(reply.status, body["errors"][0])
    answer.headers = dict(reply.headers)
    return answer


# The desk


# What the owner's records are of: kind -> the operation that submits them.
_KINDS = {
    "acknowledgement": SUBMIT_ACKNOWLEDGEMENT,
    "label_request": SUBMIT_SHIPPING_LABEL_REQUEST,
    "confirmation": SUBMIT_SHIPMENT_CONFIRMATIONS,
    "status_update": SUBMIT_SHIPMENT_STATUS_UPDATES,
    "invoice": SUBMIT_INVOICE,
    "inventory": SUBMIT_INVENTORY_UPDATE,
}


@dataclass
class _Record:
    """One entry of a submission (an acknowledgement, an invoice...), as the owner sees it."""

    kind: str
    transaction_id: str
    seller_id: str
    subject: str  # the purchase order number, invoice number or warehouse id
    received: datetime
    entry: dict
    status: str = "Processing"
    processed: datetime | None = None
    errors: list[dict] = field(default_factory=list)
    result: dict | None = None  # the label a label request made

    def describe(self) -> dict:
        """The entry as sent, with what became of it (names no model field uses)."""
        described = {
            **self.entry,
            "status": self.status,
            "errors": self.errors,
            "transaction_id": self.transaction_id,
            "received": self.received,
            "processed": self.processed,
        }
        if self.kind == "label_request":
            described["label"] = self.result
        return copy.deepcopy(described)


class DirectFulfillmentDesk:
    """Thread-safe DF orders, their documents and the vendors' submissions."""

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
            self._orders: dict[str, dict[str, StoredDfOrder]] = {}
            self._records: list[_Record] = []
            self._inventory: dict[tuple[str, str], dict[str, int]] = {}
            self._label_formats: dict[str, str] = {}
            self._sequence = 0

    # The owner's side

    def add(self, seller_id: str, order: Mapping) -> None:
        """Store the order (a number already there is replaced), created at its orderDate."""
        number = order.get("purchaseOrderNumber")
        if not isinstance(number, str) or not number:
            raise ValueError("a DF order has a purchaseOrderNumber")
        created = timestamp_or_none((order.get("orderDetails") or {}).get("orderDate"))
        with self._lock:
            self._sequence += 1
            self._seller_orders(seller_id)[number] = StoredDfOrder(
                copy.deepcopy(dict(order)), self._sequence, created or self._clock()
            )

    def order(self, seller_id: str, number: str) -> dict | None:
        with self._lock:
            stored = self._seller_orders(seller_id).get(number)
            return copy.deepcopy(stored.order) if stored else None

    def records(self, kind: str, seller_id: str, subject: str | None = None) -> list[dict]:
        """The seller's processed entries of `kind` (about `subject`, or all), oldest first."""
        with self._lock:
            self._store.seller(seller_id)
            return [
                record.describe()
                for record in self._records
                if record.kind == kind
                and record.seller_id == seller_id
                and record.status != "Processing"
                and subject in (None, record.subject)
            ]

    def set_customer_invoice(self, seller_id: str, number: str, content: str) -> None:
        with self._lock:
            self._require(seller_id, number).customer_invoice = str(content)

    def set_label_format(self, seller_id: str, label_format: str) -> None:
        if label_format not in LABEL_FORMATS:
            raise ValueError(f"a label format is one of {', '.join(LABEL_FORMATS)}")
        with self._lock:
            self._store.seller(seller_id)
            self._label_formats[seller_id] = label_format

    def inventory(self, seller_id: str, warehouse_id: str) -> dict[str, int]:
        with self._lock:
            self._store.seller(seller_id)
            return dict(self._inventory.get((seller_id, warehouse_id), {}))

    # Reading orders and documents

    def list_orders(self, seller: SellerAccount, query: Mapping[str, list[str]]) -> dict:
        listing = Listing.parse(query, seller, "orders", ORDERS_PARAMETERS)
        status, details = listing.filters["status"], listing.include_details
        with self._lock:
            entries = [
                (stored.created, stored, functools.partial(served_order, stored.order, details))
                for stored in self._seller_orders(seller.seller_id).values()
                if status in (None, stored.status)
            ]
            return listing.page(seller, entries)

    def served_order(self, seller: SellerAccount, number: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._found(seller.seller_id, number).order)

    def label(self, seller: SellerAccount, number: str) -> dict:
        with self._lock:
            stored = self._found(seller.seller_id, number)
            if stored.label is None:
                raise DfNotFound(f"No shipping label was made for purchase order {number}.")
            return copy.deepcopy(stored.label)

    def list_labels(self, seller: SellerAccount, query: Mapping[str, list[str]]) -> dict:
        listing = Listing.parse(query, seller, "shippingLabels", LISTING_PARAMETERS)
        with self._lock:
            entries = [
                (stored.label_created, stored, functools.partial(copy.deepcopy, stored.label))
                for stored in self._seller_orders(seller.seller_id).values()
                if stored.label is not None
            ]
            return listing.page(seller, entries)

    def packing_slip(self, seller: SellerAccount, number: str) -> dict:
        with self._lock:
            stored = self._found(seller.seller_id, number)
            if not stored.pslip_required:
                raise DfNotFound(f"Purchase order {number} has no packing slip.")
            return packing_slip(stored)

    def list_packing_slips(self, seller: SellerAccount, query: Mapping[str, list[str]]) -> dict:
        listing = Listing.parse(query, seller, "packingSlips", LISTING_PARAMETERS)
        with self._lock:
            entries = [
                (stored.created, stored, functools.partial(packing_slip, stored))
                for stored in self._seller_orders(seller.seller_id).values()
                if stored.pslip_required
            ]
            return listing.page(seller, entries)

    def customer_invoice(self, seller: SellerAccount, number: str) -> dict:
        with self._lock:
            stored = self._found(seller.seller_id, number)
            if stored.customer_invoice is None:
                raise DfNotFound(f"No customer invoice is available for purchase order {number}.")
            return customer_invoice(stored)

    def list_customer_invoices(self, seller: SellerAccount, query) -> dict:
        listing = Listing.parse(query, seller, "customerInvoices", LISTING_PARAMETERS)
        with self._lock:
            entries = [
                (stored.created, stored, functools.partial(customer_invoice, stored))
                for stored in self._seller_orders(seller.seller_id).values()
                if stored.customer_invoice is not None
            ]
            return listing.page(seller, entries)

    def transaction(self, seller: SellerAccount, transaction_id: str) -> dict:
        """getTransactionStatus' answer."""
        if not is_transaction_id(transaction_id):
            raise DfInputError(INVALID_TRANSACTION_ID)
        transaction = self._transactions.poll(
            seller.seller_id, transaction_id, family=DIRECT_FULFILLMENT
        )
        if transaction is None:
            raise DfNotFound(f"Transaction {transaction_id} was not found.")
        return df_transaction_status(transaction)

    # Submissions

    def submit_acknowledgements(self, seller: SellerAccount, body: Mapping) -> str:
        entries = _entries(body, "orderAcknowledgements")
        numbers = []
        with self._lock:
            for index, entry in enumerate(entries):
                where = f"orderAcknowledgements[{index}]"
                stored = self._entry_order(seller.seller_id, entry, where)
                if stored.number in numbers:
                    raise DfInputError(
                        f"{where}: purchase order {stored.number} is acknowledged twice."
                    )
                numbers.append(stored.number)
                _check_acknowledgement(stored, entry, where)
        return self._submit(
            seller,
            "acknowledgement",
            entries,
            numbers,
            conflicts=self._ack_conflicts,
            apply=self._apply_acks,
        )

    def submit_label_requests(self, seller: SellerAccount, body: Mapping) -> str:
        entries = _entries(body, "shippingLabelRequests")
        with self._lock:
            numbers = [
                self._checked_label_request(seller.seller_id, entry, f"shippingLabelRequests[{i}]")
                for i, entry in enumerate(entries)
            ]
        return self._submit(
            seller,
            "label_request",
            entries,
            numbers,
            conflicts=self._cancelled_conflicts,
            apply=self._apply_labels,
        )

    def create_labels(self, seller: SellerAccount, number: str, body: Mapping) -> dict:
        """createShippingLabels: the order's label, made now."""
        entry = {"purchaseOrderNumber": number, **body}
        with self._lock:
            stored = self._found(seller.seller_id, number)
            self._checked_label_request(seller.seller_id, entry, "body")
            if stored.status == "CANCELLED":
                raise DfInputError(f"Purchase order {number} is cancelled.")
            return copy.deepcopy(self._make_label(seller.seller_id, stored, entry))

    def create_container_label(self, seller: SellerAccount, body: Mapping) -> dict:
        """createContainerLabel: a pallet label for packages of the vendor's labels."""
        packages = body.get("packages")
        if not isinstance(packages, list) or not packages:
            raise DfInputError("packages must hold at least one package.")
        with self._lock:
            known = {
                data.get("trackingNumber")
                for stored in self._seller_orders(seller.seller_id).values()
                for data in (stored.label or {}).get("labelData", [])
            }
            for index, package in enumerate(packages):
                tracking = (package or {}).get("packageTrackingNumber")
                if tracking not in known:
                    raise DfInputError(
                        f"packages[{index}]: tracking number {tracking!r} is on none of the "
                        "vendor's shipping labels."
                    )
            label_format = self._label_formats.get(seller.seller_id, "PNG")
        tracking = f"TBA{uuid.uuid4().int % 10**12:012d}"
        container = str(body.get("vendorContainerId") or "")
        return {
            "containerLabel": {
                "containerTrackingNumber": tracking,
                "content": label_content(label_format, container, tracking, "SWA"),
                "format": label_format,
            }
        }

    def submit_confirmations(self, seller: SellerAccount, body: Mapping) -> str:
        entries = _entries(body, "shipmentConfirmations")
        with self._lock:
            numbers = [
                self._checked_confirmation(seller.seller_id, entry, f"shipmentConfirmations[{i}]")
                for i, entry in enumerate(entries)
            ]
        return self._submit(
            seller,
            "confirmation",
            entries,
            numbers,
            conflicts=self._confirmation_conflicts,
            apply=self._apply_confirmations,
        )

    def submit_status_updates(self, seller: SellerAccount, body: Mapping) -> str:
        entries = _entries(body, "shipmentStatusUpdates")
        numbers = []
        with self._lock:
            for index, entry in enumerate(entries):
                where = f"shipmentStatusUpdates[{index}]"
                stored = self._entry_order(seller.seller_id, entry, where)
                details = entry.get("statusUpdateDetails") or {}
                for name in ("trackingNumber", "statusCode", "reasonCode"):
                    if not details.get(name):
                        raise DfInputError(f"{where}.statusUpdateDetails.{name} is required.")
                _date(details, "statusDateTime", f"{where}.statusUpdateDetails")
                numbers.append(stored.number)
        return self._submit(
            seller, "status_update", entries, numbers, conflicts=_no_conflicts, apply=_no_change
        )

    def submit_invoices(self, seller: SellerAccount, body: Mapping) -> str:
        entries = _entries(body, "invoices")
        with self._lock:
            for index, entry in enumerate(entries):
                self._check_invoice(seller.seller_id, entry, f"invoices[{index}]")
        subjects = [str(entry["invoiceNumber"]) for entry in entries]
        forced_on = [number for entry in entries for number in _invoice_orders(entry)]
        return self._submit(
            seller,
            "invoice",
            entries,
            subjects,
            conflicts=self._invoice_conflicts,
            apply=_no_change,
            forced_on=forced_on,
        )

    def submit_inventory(self, seller: SellerAccount, warehouse_id: str, body: Mapping) -> str:
        inventory = body.get("inventory")
        if not isinstance(inventory, Mapping):
            raise DfInputError("The request body must hold an inventory (InventoryUpdate).")
        _check_inventory(inventory)
        return self._submit(
            seller,
            "inventory",
            [inventory],
            [warehouse_id],
            conflicts=_no_conflicts,
            apply=self._apply_inventory,
        )

    @staticmethod
    def too_large(body: bytes) -> str | None:
        """Why submitInventoryUpdate's body is too large for the emulator, None when not."""
        if len(body) > INVENTORY_MAX_BYTES:
            return f"The request body is over {INVENTORY_MAX_BYTES} bytes."
        try:
            items = json.loads(body)["inventory"]["items"]
        except (ValueError, KeyError, TypeError):
            return None
        if isinstance(items, list) and len(items) > INVENTORY_MAX_ITEMS:
            return (
                f"An inventory update holds at most {INVENTORY_MAX_ITEMS} items, not {len(items)}."
            )
        return None

    # Processing

    def _submit(
        self,
        seller: SellerAccount,
        kind: str,
        entries: list[dict],
        subjects: list[str],
        *,
        conflicts: Callable[[str, list[_Record]], list[dict]],
        apply: Callable[[str, list[_Record], datetime], None],
        forced_on: list[str] | None = None,
    ) -> str:
        """Record the entries and register their transaction; its id."""
        now = self._clock()
        transaction_id = new_transaction_id(now)
        records = [
            _Record(kind, transaction_id, seller.seller_id, subject, now, copy.deepcopy(entry))
            for entry, subject in zip(entries, subjects, strict=True)
        ]
        with self._lock:
            self._records.extend(records)
        process = functools.partial(self._process, seller.seller_id, records, conflicts, apply)
        self._transactions.register(
            transaction_id,
            seller.seller_id,
            _KINDS[kind],
            forced_on if forced_on is not None else subjects,
            process,
            family=DIRECT_FULFILLMENT,
        )
        return transaction_id

    def _process(self, seller_id, records, conflicts, apply, forced) -> list[dict]:
        with self._lock:
            now = self._clock()
            errors = list(forced) or conflicts(seller_id, records)
            mark_processed(records, errors, now)
            if not errors:
                apply(seller_id, records, now)
            return errors

    def _ack_conflicts(self, seller_id: str, records: list[_Record]) -> list[dict]:
        orders = self._seller_orders(seller_id)
        return [
            vendor_error(
                "ORDER_ALREADY_ACKNOWLEDGED",
                "The purchase order was already acknowledged.",
                f"purchaseOrderNumber {record.subject} is {orders[record.subject].status}",
            )
            for record in records
            if orders[record.subject].status != "NEW"
        ]

    def _apply_acks(self, seller_id: str, records: list[_Record], _now: datetime) -> None:
        for record in records:
            code = record.entry["acknowledgementStatus"]["code"]
            status = "ACCEPTED" if code == ACCEPTED_CODE else "CANCELLED"
            self._seller_orders(seller_id)[record.subject].details["orderStatus"] = status

    def _cancelled_conflicts(self, seller_id: str, records: list[_Record]) -> list[dict]:
        orders = self._seller_orders(seller_id)
        return [
            vendor_error(
                "ORDER_CANCELLED",
                "The purchase order is cancelled.",
                f"purchaseOrderNumber {record.subject}",
            )
            for record in records
            if orders[record.subject].status == "CANCELLED"
        ]

    def _apply_labels(self, seller_id: str, records: list[_Record], _now: datetime) -> None:
        for record in records:
            stored = self._seller_orders(seller_id)[record.subject]
            record.result = copy.deepcopy(self._make_label(seller_id, stored, record.entry))

    def _make_label(self, seller_id: str, stored: StoredDfOrder, request: Mapping) -> dict:
        label_format = self._label_formats.get(seller_id, "PNG")
        order_method = (stored.details.get("shipmentDetails") or {}).get("shipMethod") or ""
        containers = request.get("containers") or [{"containerIdentifier": "PKG001"}]
        label_data = []
        for container in containers:
            tracking = container.get("trackingNumber") or f"1Z{uuid.uuid4().hex[:16].upper()}"
            method = container.get("shipMethod") or order_method
            label_data.append(
                {
                    "packageIdentifier": container.get("containerIdentifier"),
                    "trackingNumber": tracking,
                    "shipMethod": method,
                    "shipMethodName": SHIP_METHOD_NAMES.get(method, method),
                    "content": label_content(label_format, stored.number, tracking, method),
                }
            )
        stored.label = {
            "purchaseOrderNumber": stored.number,
            "sellingParty": {"partyId": stored.selling_party},
            "shipFromParty": {"partyId": stored.ship_from},
            "labelFormat": label_format,
            "labelData": label_data,
        }
        stored.label_created = self._clock()
        return stored.label

    def _confirmation_conflicts(self, seller_id: str, records: list[_Record]) -> list[dict]:
        errors = self._cancelled_conflicts(seller_id, records)
        shipped: dict[tuple[str, str], int] = {}
        for record in records:
            stored = self._seller_orders(seller_id)[record.subject]
            for item, units in _confirmed_units(stored, record.entry):
                sequence = item["itemSequenceNumber"]
                key = (stored.number, sequence)
                shipped[key] = shipped.get(key, stored.shipped.get(sequence, 0)) + units
                if shipped[key] > ordered_units(item):
                    errors.append(
                        vendor_error(
                            "INVALID_QUANTITY",
                            "The shipped quantity exceeds the ordered quantity.",
                            f"purchaseOrderNumber {stored.number}, item {sequence}: "
                            f"{shipped[key]} shipped of {ordered_units(item)} ordered",
                        )
                    )
        return errors

    def _apply_confirmations(self, seller_id: str, records: list[_Record], _now) -> None:
        for record in records:
            stored = self._seller_orders(seller_id)[record.subject]
            if record.entry["shipmentDetails"].get("shipmentStatus") == "FLOOR_DENIAL":
                stored.details["orderStatus"] = "CANCELLED"
                continue
            for item, units in _confirmed_units(stored, record.entry):
                sequence = item["itemSequenceNumber"]
                stored.shipped[sequence] = stored.shipped.get(sequence, 0) + units
            if stored.fully_shipped:
                stored.details["orderStatus"] = "SHIPPED"

    def _invoice_conflicts(self, seller_id: str, records: list[_Record]) -> list[dict]:
        used = {
            record.subject
            for record in self._records
            if record.kind == "invoice"
            and record.seller_id == seller_id
            and record.status == "Success"
        }
        errors = []
        for record in records:
            if record.subject in used:
                errors.append(
                    vendor_error(
                        "DUPLICATE_INVOICE_NUMBER",
                        "The invoice number was already used.",
                        f"invoiceNumber {record.subject}",
                    )
                )
            used.add(record.subject)
        return errors

    def _apply_inventory(self, seller_id: str, records: list[_Record], _now) -> None:
        for record in records:
            stock = self._inventory.setdefault((seller_id, record.subject), {})
            if record.entry.get("isFullUpdate"):
                stock.update(dict.fromkeys(stock, 0))
            for item in record.entry.get("items") or []:
                available = item["availableQuantity"]["amount"]
                stock[_inventory_key(item)] = 0 if item.get("isObsolete") else available

    # Checks at submission

    def _entry_order(self, seller_id: str, entry: Mapping, where: str) -> StoredDfOrder:
        """The order an entry is about, its parties checked; raises DfInputError."""
        number = entry.get("purchaseOrderNumber")
        if not isinstance(number, str) or not number:
            raise DfInputError(f"{where}.purchaseOrderNumber is required.")
        stored = self._seller_orders(seller_id).get(number)
        if stored is None:
            raise DfInputError(
                f"{where}: purchase order {number} is not one of the vendor's orders."
            )
        for name, expected in (
            ("sellingParty", stored.selling_party),
            ("shipFromParty", stored.ship_from),
        ):
            given = (entry.get(name) or {}).get("partyId")
            if given != expected:
                raise DfInputError(
                    f"{where}.{name}.partyId is {given!r}; purchase order {number}'s is "
                    f"{expected!r}."
                )
        return stored

    def _checked_label_request(self, seller_id: str, entry: Mapping, where: str) -> str:
        stored = self._entry_order(seller_id, entry, where)
        containers = entry.get("containers") or []
        packed: dict[str, int] = {}
        seen = set()
        for index, container in enumerate(containers):
            container_where = f"{where}.containers[{index}]"
            identifier = container.get("containerIdentifier")
            if not identifier:
                raise DfInputError(f"{container_where}.containerIdentifier is required.")
            if identifier in seen:
                raise DfInputError(f"{container_where}: container {identifier} is given twice.")
            seen.add(identifier)
            for position, line in enumerate(container.get("packedItems") or []):
                line_where = f"{container_where}.packedItems[{position}]"
                item = _find_item(stored, line, line_where)
                sequence = item["itemSequenceNumber"]
                packed[sequence] = packed.get(sequence, 0) + _units(
                    line.get("packedQuantity"), f"{line_where}.packedQuantity"
                )
                _within_ordered(stored, item, packed[sequence], f"{where}: packed")
        return stored.number

    def _checked_confirmation(self, seller_id: str, entry: Mapping, where: str) -> str:
        stored = self._entry_order(seller_id, entry, where)
        details = entry.get("shipmentDetails") or {}
        _date(details, "shippedDate", f"{where}.shipmentDetails")
        if details.get("shipmentStatus") not in SHIPMENT_STATUSES:
            raise DfInputError(
                f"{where}.shipmentDetails.shipmentStatus must be one of "
                f"{', '.join(SHIPMENT_STATUSES)}."
            )
        items = entry.get("items")
        if not isinstance(items, list) or not items:
            raise DfInputError(f"{where}.items must hold at least one item.")
        shipped = set()
        for position, line in enumerate(items):
            line_where = f"{where}.items[{position}]"
            item = _find_item(stored, line, line_where)
            if item["itemSequenceNumber"] in shipped:
                raise DfInputError(
                    f"{line_where}: item {item['itemSequenceNumber']} is given twice."
                )
            shipped.add(item["itemSequenceNumber"])
            units = _units(line.get("shippedQuantity"), f"{line_where}.shippedQuantity")
            _within_ordered(stored, item, units, f"{line_where}: shipped")
        for index, container in enumerate(entry.get("containers") or []):
            for position, line in enumerate(container.get("packedItems") or []):
                line_where = f"{where}.containers[{index}].packedItems[{position}]"
                if _find_item(stored, line, line_where)["itemSequenceNumber"] not in shipped:
                    raise DfInputError(f"{line_where}: the item is packed but not in items.")
        return stored.number

    def _check_invoice(self, seller_id: str, invoice: Mapping, where: str) -> None:
        if not isinstance(invoice.get("invoiceNumber"), str) or not invoice["invoiceNumber"]:
            raise DfInputError(f"{where}.invoiceNumber is required.")
        _date(invoice, "invoiceDate", where)
        if not (invoice.get("remitToParty") or {}).get("partyId"):
            raise DfInputError(f"{where}.remitToParty.partyId is required.")
        ship_from = (invoice.get("shipFromParty") or {}).get("partyId")
        currency = (invoice.get("invoiceTotal") or {}).get("currencyCode")
        items = invoice.get("items")
        if not isinstance(items, list) or not items:
            raise DfInputError(f"{where}.items must hold at least one item.")
        invoiced = set()
        for position, line in enumerate(items):
            line_where = f"{where}.items[{position}]"
            number = line.get("purchaseOrderNumber")
            stored = self._seller_orders(seller_id).get(number)
            if stored is None:
                raise DfInputError(
                    f"{line_where}: purchase order {number} is not one of the vendor's orders."
                )
            if stored.ship_from != ship_from:
                raise DfInputError(
                    f"{where}.shipFromParty.partyId is {ship_from!r}; purchase order {number}'s "
                    f"is {stored.ship_from!r}."
                )
            item = _find_item(stored, line, line_where)
            key = (number, item["itemSequenceNumber"])
            if key in invoiced:
                raise DfInputError(f"{line_where}: item {key[1]} of {number} is invoiced twice.")
            invoiced.add(key)
            units = _units(line.get("invoicedQuantity"), f"{line_where}.invoicedQuantity")
            _within_ordered(stored, item, units, f"{line_where}: invoiced")
            item_currency = (line.get("netCost") or {}).get("currencyCode")
            if item_currency != currency:
                raise DfInputError(
                    f"{line_where}.netCost.currencyCode is {item_currency!r}, the invoice "
                    f"total's {currency!r}."
                )

    # Machinery

    def _found(self, seller_id: str, number: str) -> StoredDfOrder:
        if not DF_NUMBER.match(number):
            raise DfInputError(f"purchaseOrderNumber must be letters and digits, not {number!r}.")
        stored = self._seller_orders(seller_id).get(number)
        if stored is None:
            raise DfNotFound(f"Purchase order {number} was not found.")
        return stored

    def _require(self, seller_id: str, number: str) -> StoredDfOrder:
        stored = self._seller_orders(seller_id).get(number)
        if stored is None:
            raise KeyError(f"seller {seller_id!r} has no DF order {number!r}")
        return stored

    def _seller_orders(self, seller_id: str) -> dict[str, StoredDfOrder]:
        self._store.seller(seller_id)  # raises KeyError for an unknown seller
        return self._orders.setdefault(seller_id, {})


# Entries


def _entries(body: Mapping, name: str) -> list[dict]:
    return submitted_entries(
        body,
        name,
        DfInputError,
        empty=f"{name} must hold at least one entry.",
        not_object=f"Each entry of {name} must be an object.",
    )


def _no_conflicts(_seller_id: str, _records: list[_Record]) -> list[dict]:
    return []


def _no_change(_seller_id: str, _records: list[_Record], _now: datetime) -> None:
    """Recorded only."""


def _date(entry: Mapping, name: str, where: str) -> datetime:
    moment = timestamp_or_none(entry.get(name))
    if moment is None:
        raise DfInputError(
            f"{where}.{name} must be an ISO 8601 date-time, not {entry.get(name)!r}."
        )
    return moment


def _units(quantity, where: str) -> int:
    amount = (quantity or {}).get("amount") if isinstance(quantity, Mapping) else None
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise DfInputError(f"{where}.amount must be a whole number above 0, not {amount!r}.")
    return amount


def _within_ordered(stored: StoredDfOrder, item: Mapping, units: int, what: str) -> None:
    if units > ordered_units(item):
        raise DfInputError(
            f"{what} {units} units of item {item['itemSequenceNumber']}, more than the "
            f"{ordered_units(item)} purchase order {stored.number} ordered."
        )


def _find_item(stored: StoredDfOrder, line: Mapping, where: str) -> dict:
    """The order's item a line stands for (by itemSequenceNumber; the product identifiers
    given must agree); raises DfInputError when the order has none."""
    sequence = line.get("itemSequenceNumber")
    for item in stored.items:
        if _same_sequence(item.get("itemSequenceNumber"), sequence) and all(
            line.get(name) in (None, item.get(name))
            for name in ("buyerProductIdentifier", "vendorProductIdentifier")
        ):
            return item
    identifiers = {
        name: line[name]
        for name in ("itemSequenceNumber", "buyerProductIdentifier", "vendorProductIdentifier")
        if name in line
    }
    raise DfInputError(f"{where}: {identifiers} is not an item of purchase order {stored.number}.")


def _same_sequence(ordered, given) -> bool:
    """ "1" and 1 (the shipping model's integers) and "001" are the same line."""
    if ordered is None or given is None:
        return False
    ordered, given = str(ordered), str(given)
    if ordered.isdigit() and given.isdigit():
        return int(ordered) == int(given)
    return ordered == given


def _check_acknowledgement(stored: StoredDfOrder, ack: Mapping, where: str) -> None:
    if stored.status != "NEW":
        raise DfInputError(
            f"{where}: purchase order {stored.number} is already {stored.status}; an order is "
            "acknowledged once."
        )
    _date(ack, "acknowledgementDate", where)
    code = (ack.get("acknowledgementStatus") or {}).get("code")
    if not isinstance(code, str) or not ACKNOWLEDGEMENT_CODE.match(code):
        raise DfInputError(
            f"{where}.acknowledgementStatus.code must be a two-digit acknowledgement code "
            f"(00 accepts the order), not {code!r}."
        )
    lines = ack.get("itemAcknowledgements")
    if not isinstance(lines, list) or not lines:
        raise DfInputError(f"{where}.itemAcknowledgements must hold every item of the order.")
    acknowledged = set()
    for position, line in enumerate(lines):
        line_where = f"{where}.itemAcknowledgements[{position}]"
        item = _find_item(stored, line, line_where)
        sequence = item["itemSequenceNumber"]
        if sequence in acknowledged:
            raise DfInputError(f"{line_where}: item {sequence} is acknowledged twice.")
        acknowledged.add(sequence)
        units = _units(line.get("acknowledgedQuantity"), f"{line_where}.acknowledgedQuantity")
        _within_ordered(stored, item, units, f"{line_where}: acknowledges")
        if units < ordered_units(item):
            raise DfInputError(
                f"{line_where}: acknowledges {units} of the {ordered_units(item)} units of item "
                f"{sequence}; Amazon accepts or rejects an order in its entirety."
            )
    missing = [
        i["itemSequenceNumber"] for i in stored.items if i["itemSequenceNumber"] not in acknowledged
    ]
    if missing:
        raise DfInputError(
            f"{where}: items {', '.join(missing)} of purchase order {stored.number} are not "
            "acknowledged; an acknowledgement covers every item of the order."
        )


def _confirmed_units(stored: StoredDfOrder, confirmation: Mapping) -> list[tuple[dict, int]]:
    if (confirmation.get("shipmentDetails") or {}).get("shipmentStatus") == "FLOOR_DENIAL":
        return []
    return [
        (_find_item(stored, line, "items"), line["shippedQuantity"]["amount"])
        for line in confirmation.get("items") or []
    ]


def _invoice_orders(invoice: Mapping) -> list[str]:
    numbers = [line.get("purchaseOrderNumber") for line in invoice.get("items") or []]
    return list(dict.fromkeys(n for n in numbers if isinstance(n, str)))


def _check_inventory(inventory: Mapping) -> None:
    if not (inventory.get("sellingParty") or {}).get("partyId"):
        raise DfInputError("inventory.sellingParty.partyId is required.")
    if not isinstance(inventory.get("isFullUpdate"), bool):
        raise DfInputError("inventory.isFullUpdate must be true or false.")
    items = inventory.get("items")
    if not isinstance(items, list):
        raise DfInputError("inventory.items must be a list of items.")
    seen = set()
    for position, item in enumerate(items):
        where = f"inventory.items[{position}]"
        if not isinstance(item, Mapping) or not _inventory_key(item):
            raise DfInputError(
                f"{where} needs a vendorProductIdentifier or a buyerProductIdentifier."
            )
        amount = (item.get("availableQuantity") or {}).get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise DfInputError(
                f"{where}.availableQuantity.amount must be a whole number, 0 or more, "
                f"not {amount!r}."
            )
        if _inventory_key(item) in seen:
            raise DfInputError(f"{where}: item {_inventory_key(item)} is given twice.")
        seen.add(_inventory_key(item))


def _inventory_key(item: Mapping) -> str | None:
    return item.get("vendorProductIdentifier") or item.get("buyerProductIdentifier")
