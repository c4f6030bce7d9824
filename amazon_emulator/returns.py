"""FBA customer returns (report GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA) of stored orders.

A return is added by the emulator's owner (`AmazonEmulator.add_fba_return`): some shipped units
of an FBA order's SKU came back to a fulfilment centre. createReport of the returns report type
makes a tab-separated file of the seller's returns whose return date lies in the request's
[dataStartTime, dataEndTime] and whose order belongs to one of its marketplaces, oldest first;
the header row is always there, so a window without returns gives a header-only document.

Columns, as Amazon's "FBA customer concessions reports attributes" lists them: return-date,
order-id, sku, asin, fnsku, product-name, quantity, fulfillment-center-id,
detailed-disposition, reason, status, license-plate-number, customer-comments. Return dates
are written `2025-06-05T15:31:40+00:00`, as in files seen in public code.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .clock import as_utc, parse_timestamp
from .orders import fulfilled_by, marketplace_id
from .store import EmulatorStore

RETURNS_REPORT_TYPE = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
COLUMNS = (
    "return-date",
    "order-id",
    "sku",
    "asin",
    "fnsku",
    "product-name",
    "quantity",
    "fulfillment-center-id",
    "detailed-disposition",
    "reason",
    "status",
    "license-plate-number",
    "customer-comments",
)
RETURN_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S+00:00"


@dataclass(frozen=True)
class FbaReturn:
    seller_id: str
    marketplace_id: str
    returned: datetime  # aware, UTC, whole seconds
    row: dict  # column name -> cell text, in COLUMNS order

    def line(self) -> str:
        return "\t".join(self.row[column] for column in COLUMNS)


class ReturnsDesk:
    """Thread-safe FBA customer returns of all sellers, and the report made of them."""

    def __init__(self, store: EmulatorStore, clock: Callable[[], datetime]):
        self._store = store
        self._clock = clock
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._returns: list[FbaReturn] = []

    def add(
        self,
        seller_id: str,
        order_id: str,
        sku: str,
        *,
        quantity: int = 1,
        disposition: str = "SELLABLE",
        reason: str = "UNWANTED_ITEM",
        status: str = "Unit returned to inventory",
        returned: datetime | str | None = None,
        license_plate: str | None = None,
        fulfillment_center: str = "PHX7",
        customer_comments: str = "",
    ) -> dict:
        """Record that `quantity` shipped units of the order's SKU came back; returns the
        report row (column name -> text). Raises ValueError when the order is not a stored
        FBA order of the seller with that many shipped units of the SKU not returned yet
        (KeyError for an unknown seller)."""
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValueError(f"a return's quantity is a whole number above 0, not {quantity!r}")
        if not isinstance(disposition, str) or not disposition:
            raise ValueError("a return needs a detailed disposition, such as SELLABLE")
        moment = _moment(returned) if returned is not None else self._clock()
        moment = as_utc(moment).replace(microsecond=0)
        with self._lock:
            order = self._store.order(seller_id, order_id)
            if order is None:
                raise ValueError(f"seller {seller_id} has no order {order_id} to return")
            if fulfilled_by(order) != "AMAZON":
                raise ValueError(
                    f"order {order_id} is fulfilled by {fulfilled_by(order)}: only orders "
                    "fulfilled by Amazon have FBA customer returns"
                )
            items = [
                item
                for item in order.get("orderItems", [])
                if (item.get("product") or {}).get("sellerSku") == sku
            ]
            if not items:
                raise ValueError(f"order {order_id} has no item with SKU {sku}")
            shipped = sum(
                (item.get("fulfillment") or {}).get("quantityFulfilled", 0) for item in items
            )
            returned_before = sum(
                int(known.row["quantity"])
                for known in self._returns
                if known.seller_id == seller_id
                and known.row["order-id"] == order_id
                and known.row["sku"] == sku
            )
            if quantity > shipped - returned_before:
                raise ValueError(
                    f"order {order_id} shipped {shipped} unit(s) of {sku}, {returned_before} "
                    f"returned already: {quantity} more cannot come back"
                )
            product = items[0].get("product") or {}
            row = {
                "return-date": moment.strftime(RETURN_DATE_FORMAT),
                "order-id": order_id,
                "sku": sku,
                "asin": product.get("asin", ""),
                "fnsku": fnsku_for(seller_id, sku),
                "product-name": product.get("title", ""),
                "quantity": str(quantity),
                "fulfillment-center-id": fulfillment_center,
                "detailed-disposition": disposition,
                "reason": reason,
                "status": status,
                "license-plate-number": license_plate or "",
                "customer-comments": customer_comments,
            }
            self._returns.append(FbaReturn(seller_id, marketplace_id(order) or "", moment, row))
            return dict(row)

    def returns(self, seller_id: str) -> list[dict]:
        """The seller's returns (report rows), in the order they were added."""
        with self._lock:
            return [dict(known.row) for known in self._returns if known.seller_id == seller_id]

    def report_document(self, request: Mapping) -> str:
        """The report generator (see `ReportDesk`): the header, then the seller's returns of
        the request's marketplaces and data window, oldest first."""
        marketplaces = set(request.get("marketplaceIds") or ())
        start, end = request.get("dataStartTime"), request.get("dataEndTime")
        with self._lock:
            selected = [
                known
                for known in self._returns
                if known.seller_id == request.get("sellerId")
                and known.marketplace_id in marketplaces
                and (start is None or known.returned >= start)
                and (end is None or known.returned <= end)
            ]
        selected.sort(key=lambda known: known.returned)  # stable: same second, added order
        return "".join(f"{line}\n" for line in ["\t".join(COLUMNS), *(r.line() for r in selected)])


def fnsku_for(seller_id: str, sku: str) -> str:
    """The Fulfillment Network SKU Amazon labels the seller's units with: `X00` and 7 letters
    or digits, the same for the same seller and SKU every time."""
    digest = hashlib.sha256(f"fnsku|{seller_id}|{sku}".encode()).digest()
    return "X00" + base64.b32encode(digest).decode()[:7]


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else parse_timestamp(value)
