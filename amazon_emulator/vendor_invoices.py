"""Vendor Invoices API v1 (Vendor Central retail procurement): submitInvoices, the vendor's
invoices (and credit notes) for what it shipped.

submitInvoices answers 202 with a transaction id at once; Amazon processes the invoices later
(see `vendor_transactions`, getTransaction): the submission fails as a whole, applying nothing,
when one of its invoices breaks a rule below, each error naming the invoice, the purchase order
and the item in `details`. Only `INVALID_ORDER_ID` ("Invalid order ID.") is Amazon's own code;
the others are the emulator's, in its style. The rules, with the model's words:

- `DUPLICATE_INVOICE_ID`: id is the "Unique number relating to the charges defined in this
  document": an id of an invoice or credit note of the vendor Amazon took before, or twice in
  one submission (failed invoices do not use their id).
- `INVALID_TOTAL`: invoiceTotal, the "Total monetary amount charged in the invoice ...
  including all relevant taxes ... (including charges, less allowances)", differs by more than
  a cent from the items' net amounts (netCost, the "net unit price", times the eaches invoiced,
  or times totalWeight for items priced by weight, with netCostUnitOfMeasure) plus the taxes
  (taxDetails of the invoice, else of its items), plus charges and less allowances (with their
  taxes; the invoice's, else its items').
- For invoiceType Invoice:
  - `MISSING_ITEMS`: an invoice that lists no items cannot be matched to what was shipped.
  - `MISSING_PURCHASE_ORDER`: an item without purchaseOrderNumber ("mandatory only when
    invoiceType is Invoice").
  - `INVALID_ORDER_ID`: the purchase order is not one of the vendor's.
  - `INVALID_ITEM`: an item not on its purchase order (see
    `PurchaseOrderSnapshot.find_item`: the product identifiers decide, else the line number).
  - `INVALID_QUANTITY`: an invoiced quantity of zero ("Quantity must be greater than zero").
  - `QUANTITY_EXCEEDS_SHIPPED`: the eaches invoiced of an order's item, with those of the
    invoices taken before, exceed what the vendor's applied shipment confirmations shipped
    ("Items should be invoiced only after they are confirmed and shipped").
  - `INVALID_NET_COST`: netCost "should match the cost on the order" (the acknowledged net
    cost, which "must match the cost on the invoice", else the order's), in its currency.
  - `INVALID_REMIT_TO_PARTY`: remitToParty.partyId, the "party receiving the payment of this
    invoice", is not the order's selling party (the vendor code).
  - `INVALID_INVOICE_DATE`: "The invoice date should be on or after the purchase order creation
    date."
- A CreditNote's items may name a purchase order ("not required when invoiceType is
  CreditNote"): one named must be the vendor's and hold the item; quantities, costs and
  parties of credit notes (returns, COOP, price corrections) are not checked.

Applied, the invoiced eaches of each order's item are kept (`invoices`).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .clock import timestamp_or_none
from .store import EmulatorStore, SellerAccount
from .vendor_orders import PurchaseOrderSnapshot, VendorOrdersDesk, item_eaches
from .vendor_shipments import VendorShipmentsDesk
from .vendor_transactions import (
    TransactionDesk,
    mark_processed,
    new_transaction_id,
    submitted_entries,
    vendor_error,
)
from .wire import InputError

SUBMIT_INVOICES = "submitInvoices"
INVOICE_TYPES = ("Invoice", "CreditNote")
TOTAL_TOLERANCE = Decimal("0.01")


class VendorInvoicesInputError(InputError):
    """A submitInvoices request Amazon answers with 400 InvalidInput at once."""


@dataclass
class _Invoice:
    """One invoice of a submission, as the owner sees it."""

    transaction_id: str
    seller_id: str
    received: datetime
    invoice: dict
    status: str = "Processing"
    processed: datetime | None = None
    errors: list[dict] = field(default_factory=list)
    items: list[dict] | None = None  # the invoiced eaches per order's item (Success)

    @property
    def invoice_id(self):
        return self.invoice.get("id")

    @property
    def is_invoice(self) -> bool:
        return self.invoice.get("invoiceType") == "Invoice"

    def describe(self) -> dict:
        return copy.deepcopy(
            {
                "transaction_id": self.transaction_id,
                "invoice_id": self.invoice_id,
                "invoice_type": self.invoice.get("invoiceType"),
                "purchase_order_numbers": _invoiced_orders(self.invoice),
                "status": self.status,
                "received": self.received,
                "processed": self.processed,
                "errors": self.errors,
                "items": self.items,
                "invoice": self.invoice,
            }
        )


@dataclass
class _Pending:
    """What the invoices checked so far in one submission add up to."""

    invoiced: Counter = field(default_factory=Counter)  # (order, item sequence) -> eaches
    ids: set = field(default_factory=set)


class VendorInvoicesDesk:
    """Thread-safe invoices of all vendors.

    Lock order: this desk's lock, then the shipments desk's, then the purchase orders desk's."""

    def __init__(
        self,
        store: EmulatorStore,
        clock: Callable[[], datetime],
        transactions: TransactionDesk,
        orders: VendorOrdersDesk,
        shipments: VendorShipmentsDesk,
    ):
        self._store = store
        self._clock = clock
        self._transactions = transactions
        self._orders = orders
        self._shipments = shipments
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._invoices: list[_Invoice] = []

    # The owner's side

    def invoices(self, seller_id: str) -> list[dict]:
        """The invoices the vendor submitted, oldest first."""
        with self._lock:
            self._store.seller(seller_id)
            return [record.describe() for record in self._invoices if record.seller_id == seller_id]

    def invoiced_eaches(self, seller_id: str, number: str, sequence: str) -> int:
        with self._lock:
            return self._invoiced(seller_id, number, sequence)

    # Serving

    def submit_invoices(self, seller: SellerAccount, body: Mapping) -> str:
        """Record the invoices and register their transaction; its id."""
        invoices = submitted_entries(
            body,
            "invoices",
            VendorInvoicesInputError,
            empty="invoices must hold at least one Invoice.",
            not_object="Each of invoices must be an Invoice.",
        )
        now = self._clock()
        transaction_id = new_transaction_id(now)
        records = [
            _Invoice(transaction_id, seller.seller_id, now, copy.deepcopy(invoice))
            for invoice in invoices
        ]
        with self._lock:
            self._invoices.extend(records)
        subjects = [number for record in records for number in _invoiced_orders(record.invoice)]
        process = functools.partial(self._process, seller.seller_id, records)
        self._transactions.register(
            transaction_id, seller.seller_id, SUBMIT_INVOICES, subjects, process
        )
        return transaction_id

    # Processing

    def _process(self, seller_id: str, records: list[_Invoice], forced) -> list[dict]:
        with self._lock:
            now = self._clock()
            pending = _Pending()
            errors, planned = list(forced), []
            if not errors:
                for record in records:
                    items, invoice_errors = self._check(seller_id, record, pending)
                    planned.append(items)
                    errors += invoice_errors
            mark_processed(records, errors, now)
            if errors:
                return errors
            for record, items in zip(records, planned, strict=True):
                record.items = items
            return []

    def _check(self, seller_id: str, record: _Invoice, pending: _Pending):
        invoice = record.invoice
        where = f"invoice {record.invoice_id}"
        errors = self._id_errors(seller_id, record, pending, where)
        items = invoice.get("items") or []
        if record.is_invoice and not items:
            errors.append(vendor_error("MISSING_ITEMS", "The invoice lists no items.", where))
        snapshots: dict[str, PurchaseOrderSnapshot | None] = {}
        for number in _invoiced_orders(invoice):
            snapshots[number] = self._orders.snapshot(seller_id, number)
            order_where = f"{where}: purchaseOrderNumber {number}"
            if snapshots[number] is None:
                errors.append(vendor_error("INVALID_ORDER_ID", "Invalid order ID.", order_where))
            elif record.is_invoice:
                errors += _order_errors(invoice, snapshots[number], order_where)
        lines: list[dict] = []
        net_total: Decimal | None = Decimal(0)
        invoiced: Counter = Counter()
        for index, item in enumerate(items):
            line, amount, line_errors = self._line(
                record, item, snapshots, f"{where}, items[{index}]"
            )
            errors += line_errors
            # The total of an item of unknown case size cannot be checked.
            net_total = None if net_total is None or amount is None else net_total + amount
            if line is not None:
                lines.append(line)
                key = (line["purchase_order_number"], line["item_sequence_number"])
                invoiced[key] += line["invoiced"]
        if record.is_invoice:
            for (number, sequence), eaches in invoiced.items():
                before = (
                    self._invoiced(seller_id, number, sequence)
                    + pending.invoiced[(number, sequence)]
                )
                errors += self._quantity_errors(
                    seller_id, (number, sequence), eaches, before, where
                )
                pending.invoiced[(number, sequence)] += eaches
        if net_total is not None:
            errors += _total_errors(invoice, net_total, where)
        return lines, errors

    def _id_errors(self, seller_id: str, record: _Invoice, pending: _Pending, where: str):
        invoice_id = record.invoice_id
        errors = []
        if invoice_id in pending.ids:
            errors.append(
                vendor_error(
                    "DUPLICATE_INVOICE_ID", "The invoice id is used twice in the submission.", where
                )
            )
        pending.ids.add(invoice_id)
        earlier = next(
            (
                other
                for other in self._invoices
                if other.seller_id == seller_id
                and other.status == "Success"
                and other.invoice_id == invoice_id
            ),
            None,
        )
        if earlier is not None:
            errors.append(
                vendor_error(
                    "DUPLICATE_INVOICE_ID",
                    "The vendor used this invoice id before.",
                    f"{where}: taken {earlier.processed:%Y-%m-%dT%H:%M:%SZ}",
                )
            )
        return errors

    def _line(self, record: _Invoice, item: Mapping, snapshots: Mapping, where: str):
        """One invoice item: (its line for the owner or None, its net amount, its errors)."""
        number = item.get("purchaseOrderNumber")
        quantity = item.get("invoicedQuantity") or {}
        errors = []
        if record.is_invoice and (
            not isinstance(quantity.get("amount"), int) or quantity["amount"] <= 0
        ):
            errors.append(
                vendor_error(
                    "INVALID_QUANTITY", "An invoiced quantity must be greater than zero.", where
                )
            )
        if not number:
            if record.is_invoice:
                errors.append(
                    vendor_error(
                        "MISSING_PURCHASE_ORDER",
                        "An invoice item gives its purchaseOrderNumber.",
                        where,
                    )
                )
            return None, _net_amount(item, None), errors
        where = f"{where}: purchaseOrderNumber {number}"
        snapshot = snapshots.get(number)
        if snapshot is None:
            return None, _net_amount(item, None), errors  # reported for the order already
        order_item = snapshot.item_for(item)
        if order_item is None:
            errors.append(
                vendor_error("INVALID_ITEM", "The item is not on the purchase order.", where)
            )
            return None, _net_amount(item, None), errors
        sequence = order_item.get("itemSequenceNumber")
        if record.is_invoice:
            errors += _net_cost_errors(item, snapshot, order_item, f"{where}, item {sequence}")
        amount = _net_amount(item, order_item)
        line = {
            "purchase_order_number": number,
            "item_sequence_number": sequence,
            "invoice_item_sequence_number": item.get("itemSequenceNumber"),
            "amazon_product_identifier": order_item.get("amazonProductIdentifier"),
            "vendor_product_identifier": order_item.get("vendorProductIdentifier"),
            "invoiced": item_eaches(quantity, order_item),
            "net_cost": (item.get("netCost") or {}).get("amount"),
            "net_amount": format(amount, "f"),
        }
        return line, amount, errors

    def _quantity_errors(
        self, seller_id: str, key: tuple[str, str], eaches: int, before: int, where: str
    ) -> list[dict]:
        number, sequence = key
        shipped = self._shipments.shipped_eaches(seller_id, number, sequence)
        if eaches <= shipped - before:
            return []
        return [
            vendor_error(
                "QUANTITY_EXCEEDS_SHIPPED",
                "More is invoiced than was confirmed shipped and not invoiced yet.",
                f"{where}: purchaseOrderNumber {number}, item {sequence}: {eaches} eaches "
                f"invoiced, {max(shipped - before, 0)} left of {shipped} shipped ({before} "
                "invoiced before)",
            )
        ]

    def _invoiced(self, seller_id: str, number: str, sequence: str) -> int:
        return sum(
            line["invoiced"]
            for record in self._invoices
            if record.seller_id == seller_id and record.status == "Success" and record.is_invoice
            for line in record.items or []
            if line["purchase_order_number"] == number and line["item_sequence_number"] == sequence
        )


# Rules


def _order_errors(invoice: Mapping, snapshot: PurchaseOrderSnapshot, where: str) -> list[dict]:
    errors = []
    remit_to = (invoice.get("remitToParty") or {}).get("partyId")
    if remit_to != snapshot.selling_party:
        errors.append(
            vendor_error(
                "INVALID_REMIT_TO_PARTY",
                "The remit-to party is not the purchase order's selling party.",
                f"{where}: remitToParty.partyId {remit_to!r}, the order's selling party is "
                f"{snapshot.selling_party!r}",
            )
        )
    invoiced = timestamp_or_none(invoice.get("date"))
    placed = timestamp_or_none(snapshot.details.get("purchaseOrderDate"))
    if invoiced is not None and placed is not None and invoiced < placed:
        errors.append(
            vendor_error(
                "INVALID_INVOICE_DATE",
                "The invoice date is before the purchase order was placed.",
                f"{where}: date {invoice.get('date')}, the order's "
                f"{snapshot.details.get('purchaseOrderDate')}",
            )
        )
    return errors


def _net_cost_errors(item: Mapping, snapshot, order_item: Mapping, where: str) -> list[dict]:
    sent = item.get("netCost") or {}
    cost = _decimal(sent.get("amount"))
    expected, currency = snapshot.net_cost(order_item)
    if cost is None or cost <= 0:
        return [
            vendor_error(
                "INVALID_NET_COST", "The net cost must be given, not zero or negative.", where
            )
        ]
    sent_currency = sent.get("currencyCode")
    if cost != expected or sent_currency not in (None, currency):
        return [
            vendor_error(
                "INVALID_NET_COST",
                "The net cost does not match the cost on the order.",
                f"{where}: netCost {sent.get('amount')} {sent_currency or ''}".rstrip()
                + f", the order's is {expected} {currency}",
            )
        ]
    return []


def _net_amount(item: Mapping, order_item: Mapping | None) -> Decimal | None:
    """netCost times the eaches invoiced, or times the total weight for items priced by
    weight; None when the case size is unknown (cases of an item not on an order)."""
    cost = _decimal((item.get("netCost") or {}).get("amount")) or Decimal(0)
    quantity = item.get("invoicedQuantity") or {}
    weight = _decimal((quantity.get("totalWeight") or {}).get("amount"))
    if item.get("netCostUnitOfMeasure") and weight is not None:
        return cost * weight
    unknown_case_size = not isinstance(quantity.get("unitSize"), int)
    if order_item is None and quantity.get("unitOfMeasure") == "Cases" and unknown_case_size:
        return None
    return cost * item_eaches(quantity, order_item)


def _total_errors(invoice: Mapping, net_total: Decimal, where: str) -> list[dict]:
    total = _decimal((invoice.get("invoiceTotal") or {}).get("amount"))
    items = invoice.get("items") or []
    taxes = _taxes(_details(invoice, items, "taxDetails"))
    charges = _charges(_details(invoice, items, "chargeDetails"), "chargeAmount")
    allowances = _charges(_details(invoice, items, "allowanceDetails"), "allowanceAmount")
    expected = net_total + taxes + charges - allowances
    if total is not None and abs(total - expected) <= TOTAL_TOLERANCE:
        return []
    return [
        vendor_error(
            "INVALID_TOTAL",
            "The invoice total is not the items' net amounts plus taxes (and charges, less "
            "allowances).",
            f"{where}: invoiceTotal {(invoice.get('invoiceTotal') or {}).get('amount')}, the "
            f"items make {net_total} net, {taxes} taxes, {charges} charges, {allowances} "
            f"allowances: {expected}",
        )
    ]


def _details(invoice: Mapping, items: Iterable[Mapping], name: str) -> list[dict]:
    """The invoice's totals of `name` (taxDetails...), else its items'."""
    if invoice.get(name):
        return list(invoice[name])
    return [detail for item in items for detail in item.get(name) or []]


def _taxes(details: Iterable[Mapping]) -> Decimal:
    return sum(
        (_decimal((d.get("taxAmount") or {}).get("amount")) or Decimal(0) for d in details),
        Decimal(0),
    )


def _charges(details: Iterable[Mapping], amount_name: str) -> Decimal:
    return sum(
        (
            (_decimal((d.get(amount_name) or {}).get("amount")) or Decimal(0))
            + _taxes(d.get("taxDetails") or [])
            for d in details
        ),
        Decimal(0),
    )


def _invoiced_orders(invoice: Mapping) -> list[str]:
    numbers = [item.get("purchaseOrderNumber") for item in invoice.get("items") or []]
    return list(dict.fromkeys(n for n in numbers if isinstance(n, str) and n))


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
