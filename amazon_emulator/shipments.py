"""Orders v0 `confirmShipment`: Amazon's checks of a shipment confirmation, and what an
accepted one changes in the order (a package, the items' quantities, the fulfillment status).
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Mapping
from datetime import datetime

from .clock import format_timestamp, parse_timestamp
from .marketplaces import get_marketplace
from .orders import (
    fulfilled_by,
    fulfilled_units,
    fulfillment_status,
    marketplace_id,
    unshipped_units,
)
from .store import EmulatorStore

_NOT_SHIPPABLE = {
    "CANCELLED": "is cancelled",
    "PENDING": "is pending: it cannot be shipped before it is ready to ship",
    "PENDING_AVAILABILITY": "is pending availability: it cannot be shipped yet",
    "UNFULFILLABLE": "is unfulfillable",
}


class ShipmentRejected(Exception):
    """A confirmation Amazon refuses; `status` is the HTTP status of the reply."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class ShipmentDesk:
    """Confirmations of shipments, thread-safe; orders change in the store."""

    def __init__(self, store: EmulatorStore, clock: Callable[[], datetime]):
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._rejections: dict[str, str] = {}  # order id -> message
            self._confirmations: dict[tuple[str, str], list[dict]] = {}
            self._rejected: dict[tuple[str, str], list[dict]] = {}
            self._positions = itertools.count()

    def reject_next(self, order_id: str, message: str) -> None:
        with self._lock:
            self._rejections[order_id] = message

    def confirmations(self, seller_id: str, order_id: str, include_rejected: bool) -> list[dict]:
        with self._lock:
            accepted = self._confirmations.get((seller_id, order_id), [])
            rejected = self._rejected.get((seller_id, order_id), []) if include_rejected else []
            found = sorted(accepted + rejected, key=lambda entry: entry["_position"])
            return [{k: v for k, v in copy.deepcopy(e).items() if k != "_position"} for e in found]

    def confirm(self, seller_id: str, order_id: str, request: Mapping) -> None:
        """Apply a confirmation (a body valid against the model); raises ShipmentRejected."""
        key = (seller_id, order_id)
        with self._lock:
            entry = {**copy.deepcopy(dict(request)), "_position": next(self._positions)}
            try:
                if self._store.order(seller_id, order_id) is None:
                    raise ShipmentRejected(f"Order {order_id} was not found.", 404)
                rejection = self._rejections.pop(order_id, None)
                if rejection is not None:
                    raise ShipmentRejected(rejection)
                now = self._clock()
                self._store.change_order(
                    seller_id, order_id, lambda order: _apply(order, request, now)
                )
            except ShipmentRejected:
                self._rejected.setdefault(key, []).append(entry)
                raise
            self._confirmations.setdefault(key, []).append(entry)


def _apply(order: dict, request: Mapping, now: datetime) -> None:
    """Check the confirmation against the order and record it; raises ShipmentRejected."""
    package = request["packageDetail"]
    order_id = order.get("orderId")
    if request["marketplaceId"] != marketplace_id(order):
        raise ShipmentRejected(
            f"marketplaceId {request['marketplaceId']} is not the marketplace of order "
            f"{order_id} ({marketplace_id(order)})."
        )
    if fulfilled_by(order) != "MERCHANT":
        raise ShipmentRejected(
            f"Order {order_id} is fulfilled by Amazon: only merchant-fulfilled orders can be "
            "confirmed."
        )
    status = fulfillment_status(order)
    if status in _NOT_SHIPPABLE:
        raise ShipmentRejected(f"Order {order_id} {_NOT_SHIPPABLE[status]}.")
    if (
        request.get("codCollectionMethod")
        and get_marketplace(marketplace_id(order)).country_code != "JP"
    ):
        raise ShipmentRejected("codCollectionMethod is only supported in the JP marketplace.")
    _check_package(order, package)
    shipped = _shipped_quantities(order, package["orderItems"])
    for item in order.get("orderItems", []):
        quantity = shipped.get(item["orderItemId"], 0)
        if quantity:
            fulfillment = item.setdefault("fulfillment", {})
            fulfillment["quantityFulfilled"] = fulfilled_units(item) + quantity
            fulfillment["quantityUnfulfilled"] = unshipped_units(item) - quantity
    order.setdefault("packages", []).append(_package(package, now))
    done = all(unshipped_units(item) == 0 for item in order.get("orderItems", []))
    order.setdefault("fulfillment", {})["fulfillmentStatus"] = (
        "SHIPPED" if done else "PARTIALLY_SHIPPED"
    )
    order["lastUpdatedTime"] = format_timestamp(now)


def _check_package(order: dict, package: Mapping) -> None:
    reference = package["packageReferenceId"]
    if not (reference.isascii() and reference.isdigit() and int(reference) > 0):
        raise ShipmentRejected(
            f"packageReferenceId {reference!r} is invalid: only positive numeric values are "
            "supported."
        )
    used = {p.get("packageReferenceId") for p in order.get("packages") or []}
    if reference in used:
        raise ShipmentRejected(
            f"packageReferenceId {reference} is already used by a package of order "
            f"{order.get('orderId')}."
        )
    if package["carrierCode"] == "Other" and not package.get("carrierName"):
        raise ShipmentRejected("carrierName is required when carrierCode is Other.")
    if not package["orderItems"]:
        raise ShipmentRejected("packageDetail.orderItems must list at least one order item.")
    try:
        parse_timestamp(package["shipDate"])
    except ValueError:
        message = f"shipDate {package['shipDate']!r} is not an ISO 8601 date-time."
        raise ShipmentRejected(message) from None


def _shipped_quantities(order: dict, order_items: list) -> dict[str, int]:
    items = {item["orderItemId"]: item for item in order.get("orderItems", [])}
    shipped: dict[str, int] = {}
    for entry in order_items:
        item_id, quantity = entry["orderItemId"], entry["quantity"]
        if item_id not in items:
            raise ShipmentRejected(
                f"orderItemId {item_id} is not an item of order {order.get('orderId')}."
            )
        if quantity < 1:
            raise ShipmentRejected(f"quantity {quantity} of orderItemId {item_id} must be >= 1.")
        shipped[item_id] = shipped.get(item_id, 0) + quantity
    for item_id, quantity in shipped.items():
        unshipped = unshipped_units(items[item_id])
        if quantity > unshipped:
            raise ShipmentRejected(
                f"quantity {quantity} of orderItemId {item_id} is more than its unshipped "
                f"quantity ({unshipped})."
            )
    return shipped


def _package(package: Mapping, now: datetime) -> dict:
    """An Orders API 2026-01-01 `OrderPackage` for the confirmed package."""
    carrier = package["carrierCode"]
    if carrier == "Other":
        carrier = package["carrierName"]
    result = {
        "packageReferenceId": package["packageReferenceId"],
        "createdTime": format_timestamp(now),
        "packageStatus": {"status": "SHIPPED"},
        "carrier": carrier,
        "shipTime": format_timestamp(parse_timestamp(package["shipDate"])),
        "trackingNumber": package["trackingNumber"],
    }
    if package.get("shippingMethod"):
        result["shippingService"] = package["shippingMethod"]
    result["packageItems"] = [
        {
            "orderItemId": entry["orderItemId"],
            "quantity": entry["quantity"],
            **(
                {"transparencyCodes": entry["transparencyCodes"]}
                if entry.get("transparencyCodes")
                else {}
            ),
        }
        for entry in package["orderItems"]
    ]
    return result
