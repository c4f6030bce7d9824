"""Orders API 2026-01-01 `Order` objects: building them, and shaping them as Amazon serves them."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from .clock import format_timestamp, utc_now
from .marketplaces import get_marketplace

FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)
# Amazon hides who bought and where it goes until an order is ready to ship.
STATUSES_WITHOUT_PERSONAL_DATA = ("PENDING_AVAILABILITY", "PENDING")

# includedData value -> (Order fields, OrderItem fields) it brings into the response.
# Fields in no dataset (orderId, createdTime, salesChannel, orderItems[].product...) always come.
DATASETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "BUYER": (("buyer",), ()),
    "RECIPIENT": (("recipient",), ()),
    "PROCEEDS": (("proceeds",), ("proceeds",)),
    "EXPENSE": ((), ("expense",)),
    "PROMOTION": ((), ("promotion",)),
    "CANCELLATION": ((), ("cancellation",)),
    "FULFILLMENT": (("fulfillment",), ("fulfillment",)),
    "PACKAGES": (("packages",), ()),
    "TAX": (("tax",), ("tax",)),
    "PAYMENT": (("payment",), ()),
    "FULFILLMENT_ORDERS": (("fulfillmentOrders",), ()),
}

_ZERO_DECIMAL_CURRENCIES = {"JPY"}
_PROCEEDS_ORDER = ("ITEM", "SHIPPING", "GIFT_WRAP", "DISCOUNT", "TAX")
MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR"
# Where Amazon collects and remits the sales tax of every sale (marketplace facilitator laws
# of every US state); elsewhere it does only for some sales, said item by item.
_FACILITATOR_COUNTRIES = {"US": "Amazon.com Services LLC"}


# Serving


def project_order(order: Mapping, included_data: Iterable[str]) -> dict:
    """The order as searchOrders/getOrder return it for these `includedData` values."""
    included = set(included_data)
    hidden_order_fields = _fields_outside(included, level=0)
    hidden_item_fields = _fields_outside(included, level=1)
    served = {k: copy.deepcopy(v) for k, v in order.items() if k not in hidden_order_fields}
    if isinstance(served.get("orderItems"), list):
        served["orderItems"] = [
            {k: v for k, v in item.items() if k not in hidden_item_fields}
            for item in served["orderItems"]
        ]
    return _redact_personal_data(served, fulfillment_status(order), fulfilled_by(order))


def _fields_outside(included: set[str], level: int) -> set[str]:
    """Fields of datasets not asked for; level 0 is the order, 1 its items."""
    return {
        field
        for dataset, fields in DATASETS.items()
        if dataset not in included
        for field in fields[level]
    }


def _redact_personal_data(order: dict, status: str | None, fulfilled: str | None) -> dict:
    if status in STATUSES_WITHOUT_PERSONAL_DATA:
        order.pop("buyer", None)
        order.pop("recipient", None)
    if fulfilled == "AMAZON":
        # Documented for FBA orders: no buyer e-mail, no phone number.
        order.get("buyer", {}).pop("buyerEmail", None)
        order.get("recipient", {}).get("deliveryAddress", {}).pop("phone", None)
    return order


def fulfillment_status(order: Mapping) -> str | None:
    return (order.get("fulfillment") or {}).get("fulfillmentStatus")


def fulfilled_by(order: Mapping) -> str | None:
    return (order.get("fulfillment") or {}).get("fulfilledBy")


def marketplace_id(order: Mapping) -> str | None:
    return (order.get("salesChannel") or {}).get("marketplaceId")


# Changing state


def fulfilled_units(item: Mapping) -> int:
    """The order item's units shipped."""
    return int((item.get("fulfillment") or {}).get("quantityFulfilled", 0))


def unshipped_units(item: Mapping) -> int:
    """The order item's units not shipped yet."""
    fulfillment = item.get("fulfillment") or {}
    if "quantityUnfulfilled" in fulfillment:
        return int(fulfillment["quantityUnfulfilled"])
    return int(item.get("quantityOrdered", 0)) - fulfilled_units(item)


def apply_fulfillment_status(
    order: dict, status: str, cancelled_by: str = "MERCHANT", cancel_reason: str | None = None
) -> None:
    """Set the order's fulfillment status and make its items' quantities agree with it.

    PARTIALLY_SHIPPED keeps the items' quantities as they are: only the caller knows which
    units left.
    """
    if status not in FULFILLMENT_STATUSES:
        raise ValueError(f"unknown fulfillment status {status!r}")
    order.setdefault("fulfillment", {})["fulfillmentStatus"] = status
    if status == "PARTIALLY_SHIPPED":
        return
    for item in order.get("orderItems", []):
        quantity = item.get("quantityOrdered", 0)
        shipped = quantity if status == "SHIPPED" else 0
        item["fulfillment"] = _item_fulfillment(item.get("fulfillment"), quantity, shipped, status)
        if status == "CANCELLED":
            item["cancellation"] = _cancellation(cancelled_by, cancel_reason)


def cancel_items(
    order: dict, skus: Iterable[str], cancelled_by: str = "BUYER", reason: str | None = None
) -> None:
    """Amazon cancels these items (by seller SKU) of an order that goes on: their unshipped
    units are no longer due; the order's status is unchanged."""
    wanted = set(skus)
    found = set()
    for item in order.get("orderItems", []):
        if item.get("product", {}).get("sellerSku") not in wanted:
            continue
        found.add(item["product"]["sellerSku"])
        shipped = (item.get("fulfillment") or {}).get("quantityFulfilled", 0)
        item["fulfillment"] = {
            **(item.get("fulfillment") or {}),
            "quantityFulfilled": shipped,
            "quantityUnfulfilled": 0,
        }
        item["cancellation"] = _cancellation(cancelled_by, reason)
    if wanted - found:
        raise ValueError(f"no item with SKU {sorted(wanted - found)} in the order")


def _item_fulfillment(current: Mapping | None, quantity: int, shipped: int, status: str) -> dict:
    remaining = 0 if status == "CANCELLED" else quantity - shipped
    return {**(current or {}), "quantityFulfilled": shipped, "quantityUnfulfilled": remaining}


def _cancellation(cancelled_by: str, reason: str | None) -> dict:
    execution = {"cancelledBy": cancelled_by}
    if reason:
        execution["cancelReason"] = reason
    return {"cancellationExecution": execution}


def deep_merge(target: dict, changes: Mapping) -> dict:
    """Merge `changes` into `target`: nested dicts merge, anything else is replaced."""
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


# Building


def make_order(
    order_id: str,
    marketplace_id: str,
    fulfilled_by: str = "AMAZON",
    status: str = "SHIPPED",
    items: Iterable[Mapping] = (),
    *,
    currency: str | None = None,
    buyer: Mapping | None = None,
    address: Mapping | None = None,
    created: datetime | None = None,
    updated: datetime | None = None,
    programs: Iterable[str] | None = None,
    order_charges: Mapping[str, str] | None = None,
) -> dict:
    """A complete Orders API 2026-01-01 `Order`: core fields plus the BUYER, RECIPIENT,
    PROCEEDS, PROMOTION, CANCELLATION, FULFILLMENT and PACKAGES datasets.

    `items`: dicts with `sku`, `asin`, `title`, `quantity` (1), `unit_price` and the line
    amounts `shipping_price` ("0.00"), `gift_wrap_price`, `promotion_discount` (positive
    number, served as a negative DISCOUNT), `tax` ("0.00", on the item price; or a dict by
    what it is charged on: {"ITEM": .., "SHIPPING": .., "GIFT_WRAP": .., "COD_FEE": ..}),
    `charges` (other item proceeds by Amazon's type, e.g. {"COD_FEE": "2.00"}); optional
    `promotion_id`, `order_item_id`, `quantity_shipped` (for PARTIALLY_SHIPPED orders; without
    it the first item counts as shipped, the others not) and `tax_collection` (who collects
    the tax: "MARKETPLACE_FACILITATOR", or None for the seller; default: Amazon in the US,
    the seller elsewhere) — served in the TAX dataset.
    `order_charges`: order-level proceeds not attributed to an item ({"DELIVERY_TIP": "5"}).
    `currency` defaults to the marketplace's; `buyer` has `name`, `email`, optional `company`;
    `address` holds `CustomerAddress` fields. Amounts are strings, as Amazon's `Decimal`.
    """
    if status not in FULFILLMENT_STATUSES:
        raise ValueError(f"unknown fulfillment status {status!r}")
    if fulfilled_by not in ("AMAZON", "MERCHANT"):
        raise ValueError(f"fulfilled_by must be AMAZON or MERCHANT, not {fulfilled_by!r}")
    marketplace = get_marketplace(marketplace_id)
    currency = currency or marketplace.currency
    created = (created or utc_now()).replace(microsecond=0)
    updated = updated or created
    order_items = [
        _make_item(
            order_id,
            index,
            spec,
            currency,
            shipped=_shipped_quantity(status, index, spec),
            facilitator=_FACILITATOR_COUNTRIES.get(marketplace.country_code),
        )
        for index, spec in enumerate(items)
    ]
    fields = {
        "orderId": order_id,
        "createdTime": format_timestamp(created),
        "lastUpdatedTime": format_timestamp(updated),
        "programs": list(programs) if programs else None,
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": marketplace.marketplace_id,
            "marketplaceName": marketplace.name,
        },
        "buyer": _buyer(buyer, fulfilled_by) if buyer else None,
        "recipient": _recipient(address, fulfilled_by) if address else None,
        "proceeds": _order_proceeds(order_items, currency, order_charges or {}),
        "fulfillment": _order_fulfillment(status, fulfilled_by, created),
        "orderItems": order_items,
        "packages": _packages(order_id, order_items, fulfilled_by, created) or None,
    }
    order = {key: value for key, value in fields.items() if value is not None}
    if status == "CANCELLED":
        apply_fulfillment_status(order, status, cancelled_by="BUYER", cancel_reason="Buyer request")
    return order


def _shipped_quantity(status: str, index: int, spec: Mapping) -> int:
    quantity = int(spec.get("quantity", 1))
    if "quantity_shipped" in spec:
        return int(spec["quantity_shipped"])
    if status == "SHIPPED" or (status == "PARTIALLY_SHIPPED" and index == 0):
        return quantity
    return 0


def _make_item(
    order_id: str,
    index: int,
    spec: Mapping,
    currency: str,
    *,
    shipped: int,
    facilitator: str | None,
) -> dict:
    quantity = int(spec.get("quantity", 1))
    unit_price = _decimal(spec["unit_price"], currency)
    item = {
        "orderItemId": spec.get("order_item_id") or _order_item_id(order_id, index),
        "quantityOrdered": quantity,
        "product": {
            "asin": spec["asin"],
            "title": spec.get("title", spec["sku"]),
            "sellerSku": spec["sku"],
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": {"unitPrice": _money(unit_price, currency)},
        },
        "proceeds": _item_proceeds(spec, unit_price * quantity, currency),
        "fulfillment": {"quantityFulfilled": shipped, "quantityUnfulfilled": quantity - shipped},
    }
    if spec.get("promotion_id") or spec.get("promotion_discount"):
        promotion_id = spec.get("promotion_id") or f"PROMO-{spec['sku']}"
        item["promotion"] = {"breakdowns": [{"promotionId": promotion_id}]}
    model = spec.get("tax_collection", MARKETPLACE_FACILITATOR if facilitator else None)
    if model:
        collection = {"model": model, "responsibleParty": facilitator or "Amazon Services"}
        item["tax"] = {"taxCollections": [collection]}
    return item


def _order_item_id(order_id: str, index: int) -> str:
    """14 digits, like Amazon's, and the same for the same order every time."""
    digest = int(hashlib.sha256(order_id.encode()).hexdigest(), 16)
    return f"{digest % 10**12:012d}{index:02d}"


def _item_proceeds(spec: Mapping, item_total: Decimal, currency: str) -> dict:
    taxes = spec.get("tax") or {}
    if not isinstance(taxes, Mapping):
        taxes = {"ITEM": taxes}
    taxes = {kind: _decimal(amount, currency) for kind, amount in taxes.items()}
    amounts = {
        "ITEM": item_total,
        "SHIPPING": _decimal(spec.get("shipping_price") or 0, currency),
        "GIFT_WRAP": _decimal(spec.get("gift_wrap_price") or 0, currency),
        "DISCOUNT": -_decimal(spec.get("promotion_discount") or 0, currency),
        **{
            kind: _decimal(amount, currency) for kind, amount in (spec.get("charges") or {}).items()
        },
        "TAX": sum(taxes.values(), Decimal(0)),
    }
    breakdowns = [
        _item_breakdown(kind, amount, currency, taxes)
        for kind, amount in amounts.items()
        if kind == "ITEM" or amount
    ]
    return {"proceedsTotal": _money(sum(amounts.values()), currency), "breakdowns": breakdowns}


def _item_breakdown(kind: str, amount: Decimal, currency: str, taxes: Mapping) -> dict:
    breakdown = {"type": kind, "subtotal": _money(amount, currency)}
    # Amazon details only these two kinds: tax by what it is charged on, discounts on the item.
    if kind == "TAX":
        breakdown["detailedBreakdowns"] = [
            {"subtype": subtype, "value": _money(value, currency)}
            for subtype, value in taxes.items()
            if value
        ]
    elif kind == "DISCOUNT":
        breakdown["detailedBreakdowns"] = [{"subtype": "ITEM", "value": _money(amount, currency)}]
    return breakdown


def _order_proceeds(items: list[dict], currency: str, order_charges: Mapping) -> dict:
    totals: dict[str, Decimal] = {}
    for item in items:
        for breakdown in item["proceeds"]["breakdowns"]:
            kind = breakdown["type"]
            totals[kind] = totals.get(kind, Decimal(0)) + Decimal(breakdown["subtotal"]["amount"])
    charges = {kind: _decimal(amount, currency) for kind, amount in order_charges.items()}
    grand_total = sum(
        (Decimal(i["proceeds"]["proceedsTotal"]["amount"]) for i in items), Decimal(0)
    ) + sum(charges.values(), Decimal(0))
    kinds = [*_PROCEEDS_ORDER, *sorted(set(totals) - set(_PROCEEDS_ORDER))]
    breakdowns = [
        {"type": kind, "subtotal": _money(totals[kind], currency)}
        for kind in kinds
        if kind in totals
    ]
    breakdowns += [
        # Charged apart from checkout (a tip is final once delivered).
        {"type": kind, "status": "FINALIZED", "subtotal": _money(amount, currency)}
        for kind, amount in charges.items()
    ]
    return {"grandTotal": _money(grand_total, currency), "breakdowns": breakdowns}


def _order_fulfillment(status: str, fulfilled_by: str, created: datetime) -> dict:
    return {
        "fulfillmentStatus": status,
        "fulfilledBy": fulfilled_by,
        "fulfillmentServiceLevel": "STANDARD",
        "shipByWindow": _window(created, timedelta(days=1), timedelta(days=2)),
        "deliverByWindow": _window(created, timedelta(days=3), timedelta(days=6)),
    }


def _window(start: datetime, earliest: timedelta, latest: timedelta) -> dict:
    return {
        "earliestDateTime": format_timestamp(start + earliest),
        "latestDateTime": format_timestamp(start + latest),
    }


def _buyer(buyer: Mapping, fulfilled_by: str) -> dict:
    result = {"buyerName": buyer["name"]}
    if buyer.get("email") and fulfilled_by == "MERCHANT":
        result["buyerEmail"] = buyer["email"]
    if buyer.get("company"):
        result["buyerCompanyName"] = buyer["company"]
    return result


def _recipient(address: Mapping, fulfilled_by: str) -> dict:
    delivery_address = {"addressType": "RESIDENTIAL", **address}
    if fulfilled_by == "AMAZON":
        delivery_address.pop("phone", None)
    return {"deliveryAddress": delivery_address}


def _packages(order_id: str, items: list[dict], fulfilled_by: str, created: datetime) -> list:
    """One package with the shipped units; Amazon reports packages of FBM orders only."""
    shipped = [
        {"orderItemId": item["orderItemId"], "quantity": item["fulfillment"]["quantityFulfilled"]}
        for item in items
        if item["fulfillment"]["quantityFulfilled"]
    ]
    if fulfilled_by != "MERCHANT" or not shipped:
        return []
    ship_time = format_timestamp(created + timedelta(days=1))
    tracking_number = "1Z" + hashlib.sha256(order_id.encode()).hexdigest()[:16].upper()
    return [
        {
            "packageReferenceId": "1",
            "createdTime": ship_time,
            "packageStatus": {"status": "SHIPPED"},
            "carrier": "UPS",
            "shipTime": ship_time,
            "shippingService": "UPS Ground",
            "trackingNumber": tracking_number,
            "packageItems": shipped,
        }
    ]


def _decimal(value, currency: str) -> Decimal:
    exponent = Decimal(1) if currency in _ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return Decimal(str(value)).quantize(exponent)


def _money(amount: Decimal, currency: str) -> dict:
    amount = _decimal(amount, currency)
    if amount.is_zero():
        amount = abs(amount)  # never "-0.00"
    return {"amount": str(amount), "currencyCode": currency}
