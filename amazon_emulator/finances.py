"""Finances API v0: refunds of stored orders as financial events.

A refund is added by the emulator's owner (`AmazonEmulator.add_refund`): some shipped units
of a stored order are given back to the buyer at `posted`. Each refund becomes one
`ShipmentEvent` of `RefundEventList`, as Amazon's model describes it: the order id, the
marketplace name, `PostedDate`, and one `ShipmentItemAdjustmentList` entry per refunded
item with its `SellerSKU`, `OrderAdjustmentItemId` (14 digits, Amazon's own id of the
refunded line) and `QuantityShipped` (the units refunded). Amounts are Amazon's `Currency`
objects (`CurrencyCode`, `CurrencyAmount` a JSON number), signed from the seller's account:

- `ItemChargeAdjustmentList`: what goes back to the buyer, NEGATIVE: `Principal`,
  `ShippingCharge`, `Giftwrap`, `CODItemCharge`, their taxes `Tax`, `ShippingTax`,
  `GiftwrapTax`, `CODItemTaxCharge`, `TaxDiscount` (the tax of a discount, positive), and a
  `RestockingFee` the buyer is charged (positive: the seller keeps it);
- `PromotionAdjustmentList`: the item's discounts taken back, POSITIVE;
- `ItemTaxWithheldList` (TaxCollectionModel `MarketplaceFacilitator`) when Amazon collected
  the item's tax (`tax.taxCollections[].model` MARKETPLACE_FACILITATOR): the refunded tax
  Amazon pays back itself, POSITIVE (`MarketplaceFacilitatorTax-Principal`, `-Shipping`,
  `-Giftwrap`, `-Other`), so that the seller bears none of it;
- `ItemFeeAdjustmentList`: the commission given back (`Commission`, positive) and the fee
  Amazon keeps for the refund (`RefundCommission`, negative), at the settlement's rates.

Amounts come from the item's `proceeds.breakdowns` (ITEM, SHIPPING, GIFT_WRAP, COD_FEE,
DISCOUNT, TAX by its detailed subtypes), in proportion to the units refunded, rounded so that
the refunds of all units of an item add up to the item's amounts exactly. Other proceeds
kinds are not refunded.

listFinancialEvents, from the model's parameter descriptions: `PostedAfter` (inclusive) and
`PostedBefore` (exclusive) must be more than two minutes before the request; `PostedBefore`
needs `PostedAfter` and must be later than it, and defaults to two minutes before the
request; more than 180 days apart, the answer is empty; `MaxResultsPerPage` is 1-100 (100);
a `NextToken` comes with the same arguments as the call that produced it (or alone). Without
`PostedAfter` (the model sets no default) the emulator looks 180 days back from
`PostedBefore`. listFinancialEventsByOrderId serves every refund of one order. Events come in
`PostedDate` order; a refund is served once the emulator's clock reaches its `visible_from`
(default: when it was added), so an event posted long ago can appear late, as Amazon's do (up
to 48 hours). The refund's `reason` is kept for the owner: the model has no field for it.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .clock import as_utc, format_timestamp, parse_timestamp
from .marketplaces import Marketplace, get_marketplace
from .orders import MARKETPLACE_FACILITATOR, fulfilled_by, marketplace_id
from .paging import (
    NEXT_TOKEN_UNREADABLE,
    UNREADABLE_STATE,
    decode_token,
    encode_token,
    page_size_parameter,
    query_time,
)
from .settlements import COMMISSION_RATE, REFUND_COMMISSION_CAP, REFUND_COMMISSION_RATE
from .store import EmulatorStore, SellerAccount
from .wire import InputError, first_value

LIST_FINANCIAL_EVENTS = "listFinancialEvents"
LIST_FINANCIAL_EVENTS_BY_ORDER_ID = "listFinancialEventsByOrderId"
LIST_PARAMETERS = ("MaxResultsPerPage", "PostedAfter", "PostedBefore", "NextToken")
BY_ORDER_PARAMETERS = ("MaxResultsPerPage", "NextToken")
DEFAULT_MAX_RESULTS = 100
MAX_RESULTS = 100
POSTED_MARGIN = timedelta(minutes=2)  # both dates must be more than this before the request
MAX_POSTED_RANGE = timedelta(days=180)  # wider, and the answer is empty
# The ShipmentEvent lists Amazon answers with; the emulator fills RefundEventList only.
SHIPMENT_EVENT_LISTS = (
    "ShipmentEventList",
    "RefundEventList",
    "GuaranteeClaimEventList",
    "ChargebackEventList",
)
TAX_COLLECTION_MODEL = "MarketplaceFacilitator"  # TaxWithheldComponent's name for it
PROMOTION_TYPE = "PromotionMetaDataDefinitionValue"
_ZERO = Decimal(0)
_ZERO_DECIMAL_CURRENCIES = {"JPY"}
# proceeds kind -> ChargeType of the amount given back
_CHARGE_TYPES = {
    "ITEM": "Principal",
    "SHIPPING": "ShippingCharge",
    "GIFT_WRAP": "Giftwrap",
    "COD_FEE": "CODItemCharge",
}
# TAX detailed subtype -> (ChargeType of the tax given back, ChargeType Amazon withheld it as)
_TAX_CHARGE_TYPES = {
    "ITEM": ("Tax", "MarketplaceFacilitatorTax-Principal"),
    "SHIPPING": ("ShippingTax", "MarketplaceFacilitatorTax-Shipping"),
    "GIFT_WRAP": ("GiftwrapTax", "MarketplaceFacilitatorTax-Giftwrap"),
    "COD_FEE": ("CODItemTaxCharge", "MarketplaceFacilitatorTax-Other"),
    "DISCOUNT": ("TaxDiscount", "MarketplaceFacilitatorTax-Principal"),
}
_OTHER_WITHHELD = "MarketplaceFacilitatorTax-Other"
RESTOCKING_FEE = "RestockingFee"
# DISCOUNT detailed subtype -> what the promotion reduced (the settlement's description)
_PROMOTION_TARGETS = {"ITEM": "Principal", "SHIPPING": "Shipping", "GIFT_WRAP": "GiftWrap"}
_SHIPPING_KIND = "SHIPPING"


class FinancesInputError(InputError):
    """A Finances request Amazon answers with 400 InvalidInput."""


@dataclass(frozen=True)
class _RefundTarget:
    """The stored order a refund being added refunds, and what the refund takes from it."""

    seller_id: str
    order_id: str
    order: Mapping
    marketplace: Marketplace
    currency: str
    adjustment_id: str


@dataclass
class RecordedRefund:
    """One refund as the emulator keeps it: what `add_refund` returns, and its event."""

    seller_id: str
    order_id: str
    marketplace_id: str
    adjustment_id: str
    currency: str
    posted: datetime  # aware UTC, whole seconds
    visible_from: datetime
    sequence: int  # the order refunds were added in, to sort those posted the same second
    reason: str | None
    fulfillment_channel: str  # "AFN" (by Amazon) or "MFN"
    items: list[dict]
    event: dict = field(repr=False)

    @property
    def refund_id(self) -> str:
        """The key `documents.refunds` derives from the event: the order id and the sorted
        OrderAdjustmentItemIds of its items."""
        ids = sorted(item["order_adjustment_item_id"] for item in self.items)
        return f"{self.order_id}:{','.join(ids)}"

    @property
    def sort_key(self) -> tuple[str, int]:
        return format_timestamp(self.posted), self.sequence

    def describe(self) -> dict:
        return copy.deepcopy(
            {
                "refund_id": self.refund_id,
                "adjustment_id": self.adjustment_id,
                "seller_id": self.seller_id,
                "order_id": self.order_id,
                "marketplace_id": self.marketplace_id,
                "currency": self.currency,
                "posted": self.posted,
                "visible_from": self.visible_from,
                "reason": self.reason,
                "fulfillment_channel": self.fulfillment_channel,
                "items": self.items,
                "event": self.event,
            }
        )


@dataclass(frozen=True)
class EventsQuery:
    """One page of a Finances listing: its filters (as the token keeps them) and where it is."""

    operation: str
    after: datetime | None
    before: datetime | None
    order_id: str | None
    max_results: int
    last_key: tuple[str, int] | None = None

    def matches(self, refund: RecordedRefund, now: datetime) -> bool:
        if refund.visible_from > now:
            return False
        if self.order_id is not None:
            return refund.order_id == self.order_id and refund.posted <= now
        if self.before - self.after > MAX_POSTED_RANGE:
            return False
        return self.after <= refund.posted < self.before

    def filters(self) -> dict:
        return {
            "operation": self.operation,
            "after": self.after and format_timestamp(self.after),
            "before": self.before and format_timestamp(self.before),
            "orderId": self.order_id,
            "maxResults": self.max_results,
        }


class FinanceDesk:
    """Thread-safe refunds of all sellers, served as Finances v0 financial events."""

    def __init__(self, store: EmulatorStore, clock: Callable[[], datetime]):
        self._store = store
        self._clock = clock
        self._lock = threading.RLock()
        self.page_size: int | None = None
        self.reset()

    def reset(self) -> None:
        """Forget refunds (the page size cap stays)."""
        with self._lock:
            self._refunds: list[RecordedRefund] = []
            self._settled: set[str] = set()

    # Refunds the owner adds

    def add_refund(
        self,
        seller_id: str,
        order_id: str,
        *,
        items: Iterable[Mapping] | Mapping[str, int] | None = None,
        posted: datetime | str | None = None,
        visible_from: datetime | str | None = None,
        reason: str | None = None,
        include_shipping: bool = True,
        with_order_item_ids: bool = False,
    ) -> dict:
        """Record a refund of the stored order; returns its description (see `describe`).

        `items`: None refunds every shipped unit not refunded yet; else {sku: quantity}, or
        dicts {"sku" or "order_item_id", "quantity"? (default: every unit left),
        "restocking_fee"? (an amount charged to the buyer)}. Raises ValueError for an order
        that is not the seller's, an item it does not have, or more units than it shipped
        and did not refund yet (KeyError for an unknown seller).
        """
        now = self._clock()
        posted_at = _whole_seconds(_moment(posted) if posted is not None else now)
        visible_at = _moment(visible_from) if visible_from is not None else now
        with self._lock:
            target = self._refund_target(seller_id, order_id)
            wanted = self._wanted_items(seller_id, target.order, items)
            refunded_items = [
                _refunded_item(
                    item,
                    quantity,
                    already,
                    currency=target.currency,
                    adjustment_id=target.adjustment_id,
                    include_shipping=include_shipping,
                    restocking_fee=restocking_fee,
                )
                for item, quantity, already, restocking_fee in wanted
            ]
            return self._record_refund(
                target,
                refunded_items,
                posted=posted_at,
                visible_from=visible_at,
                reason=reason,
                with_order_item_ids=with_order_item_ids,
            )

    def add_seller_refund(
        self, seller_id: str, order_id: str, items: Iterable[Mapping], posted: datetime
    ) -> dict:
        """Record the refund a seller asked for in an order adjustment feed Amazon applied:
        `items` are the order feed desk's refunded items ({order_item_id, quantity,
        components: {Component Type: amount}}, a charged RestockingFee negative). Amazon
        posts it as a RefundEventList event like its own refunds; returns its description."""
        with self._lock:
            target = self._refund_target(seller_id, order_id)
            order_items = {
                item.get("orderItemId"): item for item in target.order.get("orderItems") or []
            }
            refunded_items = [
                _seller_refunded_item(
                    order_items[item["order_item_id"]],
                    item,
                    target.currency,
                    target.adjustment_id,
                )
                for item in items
            ]
            posted_at = _whole_seconds(posted)
            return self._record_refund(
                target,
                refunded_items,
                posted=posted_at,
                visible_from=posted_at,
                reason=None,
                with_order_item_ids=False,
            )

    def _refund_target(self, seller_id: str, order_id: str) -> _RefundTarget:
        """The stored order a new refund refunds; raises ValueError when there is none."""
        order = self._store.order(seller_id, order_id)
        if order is None:
            raise ValueError(f"seller {seller_id} has no order {order_id} to refund")
        marketplace = get_marketplace(marketplace_id(order) or "")
        return _RefundTarget(
            seller_id=seller_id,
            order_id=order_id,
            order=order,
            marketplace=marketplace,
            currency=_order_currency(order) or marketplace.currency,
            adjustment_id=adjustment_id_for(seller_id, order_id, self._refund_count(order_id)),
        )

    def _record_refund(
        self,
        target: _RefundTarget,
        refunded_items: list[dict],
        *,
        posted: datetime,
        visible_from: datetime,
        reason: str | None,
        with_order_item_ids: bool,
    ) -> dict:
        """Keep the refund of `refunded_items` with its RefundEventList event; its description."""
        refund = RecordedRefund(
            seller_id=target.seller_id,
            order_id=target.order_id,
            marketplace_id=target.marketplace.marketplace_id,
            adjustment_id=target.adjustment_id,
            currency=target.currency,
            posted=posted,
            visible_from=visible_from,
            sequence=len(self._refunds) + 1,
            reason=reason,
            fulfillment_channel="AFN" if fulfilled_by(target.order) == "AMAZON" else "MFN",
            items=refunded_items,
            event={
                "AmazonOrderId": target.order_id,
                "SellerOrderId": target.order_id,
                "MarketplaceName": target.marketplace.name,
                "PostedDate": format_timestamp(posted),
                "ShipmentItemAdjustmentList": [
                    _event_item(refunded, target.currency, with_order_item_ids)
                    for refunded in refunded_items
                ],
            },
        )
        self._refunds.append(refund)
        return refund.describe()

    def _refund_count(self, order_id: str) -> int:
        return sum(1 for refund in self._refunds if refund.order_id == order_id)

    def _wanted_items(self, seller_id: str, order: Mapping, items) -> list[tuple]:
        """(order item, units to refund, units refunded before, restocking fee) of a refund."""
        order_items = order.get("orderItems") or []
        if items is None:
            specs = [{"order_item_id": item.get("orderItemId")} for item in order_items]
            specs = [spec for spec in specs if self._units_left(seller_id, order, spec)]
        elif isinstance(items, Mapping):
            specs = [{"sku": sku, "quantity": quantity} for sku, quantity in items.items()]
        else:
            specs = [dict(spec) for spec in items]
        if not specs:
            raise ValueError(f"order {order['orderId']} has nothing left to refund")
        wanted = []
        for spec in specs:
            item = _find_item(order, spec)
            if any(item is known for known, *_ in wanted):
                raise ValueError(f"item {item['orderItemId']} is named twice in one refund")
            left = self._units_left(seller_id, order, spec)
            quantity = spec.get("quantity", left)
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                raise ValueError(f"a refunded quantity is a whole number above 0: {quantity!r}")
            if quantity > left:
                raise ValueError(
                    f"order {order['orderId']} item {item['orderItemId']}: {left} shipped "
                    f"unit(s) not refunded yet, {quantity} cannot be refunded"
                )
            already = self._units_refunded(seller_id, order["orderId"], item["orderItemId"])
            fee = spec.get("restocking_fee")
            wanted.append((item, quantity, already, Decimal(str(fee)) if fee else _ZERO))
        return wanted

    def _units_left(self, seller_id: str, order: Mapping, spec: Mapping) -> int:
        item = _find_item(order, spec)
        shipped = int((item.get("fulfillment") or {}).get("quantityFulfilled") or 0)
        return shipped - self._units_refunded(seller_id, order["orderId"], item["orderItemId"])

    def _units_refunded(self, seller_id: str, order_id: str, order_item_id: str) -> int:
        return sum(
            item["quantity"]
            for refund in self._refunds
            if refund.seller_id == seller_id and refund.order_id == order_id
            for item in refund.items
            if item["order_item_id"] == order_item_id
        )

    def refunds(self, seller_id: str) -> list[dict]:
        """The seller's refunds, in the order they were added."""
        with self._lock:
            return [r.describe() for r in self._refunds if r.seller_id == seller_id]

    def refund(self, seller_id: str, adjustment_id: str) -> dict:
        """One of the seller's refunds by adjustment id (or refund id); KeyError if unknown."""
        with self._lock:
            for refund in self._refunds:
                if refund.seller_id == seller_id and adjustment_id in (
                    refund.adjustment_id,
                    refund.refund_id,
                ):
                    return refund.describe()
        raise KeyError(f"seller {seller_id} has no refund {adjustment_id}")

    def check_unsettled(self, adjustment_ids: Iterable[str]) -> None:
        """Raises ValueError when one of the refunds is already settled, or named twice."""
        ids = list(adjustment_ids)
        with self._lock:
            twice = sorted({i for i in ids if i in self._settled or ids.count(i) > 1})
        if twice:
            raise ValueError(f"refund(s) {', '.join(twice)} settled twice")

    def mark_settled(self, adjustment_ids: Iterable[str]) -> None:
        """Remember refunds put in a settlement (see `check_unsettled`)."""
        ids = list(adjustment_ids)
        with self._lock:
            self.check_unsettled(ids)
            self._settled.update(ids)

    # Serving

    def list_events(self, seller: SellerAccount, query: Mapping[str, list[str]]) -> dict:
        """listFinancialEvents' answer; raises FinancesInputError like Amazon's 400."""
        now = self._clock()
        events_query = parse_list_query(query, seller, now)
        return self._page(seller, events_query, now)

    def list_events_by_order(
        self, seller: SellerAccount, order_id: str, query: Mapping[str, list[str]]
    ) -> dict:
        """listFinancialEventsByOrderId's answer; raises FinancesInputError."""
        events_query = parse_by_order_query(query, seller, order_id)
        return self._page(seller, events_query, self._clock())

    def _page(self, seller: SellerAccount, query: EventsQuery, now: datetime) -> dict:
        with self._lock:
            matching = sorted(
                (
                    refund
                    for refund in self._refunds
                    if refund.seller_id == seller.seller_id and query.matches(refund, now)
                ),
                key=lambda refund: refund.sort_key,
            )
            page_size = min(query.max_results, self.page_size or query.max_results)
            if query.last_key is not None:
                matching = [r for r in matching if r.sort_key > query.last_key]
            served = matching[:page_size]
            lists = {name: [] for name in SHIPMENT_EVENT_LISTS}
            lists["RefundEventList"] = [copy.deepcopy(refund.event) for refund in served]
        payload: dict = {"FinancialEvents": lists}
        if len(matching) > page_size:
            payload["NextToken"] = _next_token(query, seller, served[-1].sort_key)
        return {"payload": payload}


# Building a refund


def adjustment_id_for(seller_id: str, order_id: str, count: int) -> str:
    """The refund's adjustment id (as settlement reports show it), the same on every run
    for the same seller, order and number of earlier refunds of it."""
    digest = hashlib.sha256(f"refund|{seller_id}|{order_id}|{count}".encode()).digest()
    return "amzn1:crow:" + base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def order_adjustment_item_id(adjustment_id: str, order_item_id: str) -> str:
    """14 digits, like Amazon's OrderAdjustmentItemId, stable for the refund's item."""
    digest = int(hashlib.sha256(f"{adjustment_id}|{order_item_id}".encode()).hexdigest(), 16)
    return f"{10**13 + digest % (9 * 10**13)}"


def _find_item(order: Mapping, spec: Mapping) -> dict:
    order_items = order.get("orderItems") or []
    if spec.get("order_item_id"):
        found = [i for i in order_items if i.get("orderItemId") == spec["order_item_id"]]
        what = f"order item {spec['order_item_id']}"
    elif spec.get("sku"):
        found = [i for i in order_items if (i.get("product") or {}).get("sellerSku") == spec["sku"]]
        what = f"SKU {spec['sku']}"
    else:
        raise ValueError("a refunded item is named by its sku or order_item_id")
    if not found:
        raise ValueError(f"order {order.get('orderId')} has no {what}")
    return found[0]


def _refunded_item(
    item: Mapping,
    quantity: int,
    already: int,
    *,
    currency: str,
    adjustment_id: str,
    include_shipping: bool,
    restocking_fee: Decimal,
) -> dict:
    """A refunded item: its ids and amounts by Amazon's types, signed as Amazon sends them."""
    ordered = int(item.get("quantityOrdered") or quantity)

    def portion(amount: Decimal) -> Decimal:
        # Rounded cumulatively: the refunds of every unit add up to the item's amount.
        through = _round(amount * (already + quantity) / ordered, currency)
        return through - _round(amount * already / ordered, currency)

    amounts, discounts, taxes = _proceeds(item)
    charges: dict[str, Decimal] = {}
    taxes_withheld: dict[str, Decimal] = {}
    for kind, amount in amounts.items():
        if kind in _CHARGE_TYPES and (include_shipping or kind != _SHIPPING_KIND):
            charges[_CHARGE_TYPES[kind]] = -portion(amount)
    for subtype, amount in taxes.items():
        if subtype == _SHIPPING_KIND and not include_shipping:
            continue
        charge_type, withheld_type = _TAX_CHARGE_TYPES.get(subtype, ("Tax", _OTHER_WITHHELD))
        charges[charge_type] = charges.get(charge_type, _ZERO) - portion(amount)
        if _tax_collected_by_amazon(item):
            taxes_withheld[withheld_type] = taxes_withheld.get(withheld_type, _ZERO) + portion(
                amount
            )
    if restocking_fee:
        charges[RESTOCKING_FEE] = _round(restocking_fee, currency)
    promotions = [
        {"promotion_id": _promotion_id(item), "target": target, "amount": -portion(amount)}
        for target, amount in discounts.items()
        if include_shipping or target != "Shipping"
    ]
    principal = amounts.get("ITEM", _ZERO)
    commission_back = portion(_round(principal * COMMISSION_RATE, currency))
    refund_commission = min(
        _round(commission_back * REFUND_COMMISSION_RATE, currency), REFUND_COMMISSION_CAP
    )
    return {
        "order_item_id": item["orderItemId"],
        "order_adjustment_item_id": order_adjustment_item_id(adjustment_id, item["orderItemId"]),
        "sku": (item.get("product") or {}).get("sellerSku", ""),
        "quantity": quantity,
        "charges": {
            charge_type: amount
            for charge_type, amount in charges.items()
            if amount or charge_type == "Principal"
        },
        "promotions": [p for p in promotions if p["amount"]],
        "taxes_withheld": {kind: amount for kind, amount in taxes_withheld.items() if amount},
        "fees": {"Commission": commission_back, "RefundCommission": -refund_commission},
    }


# Component Type of an order adjustment feed -> ChargeType of the refund event.
_FEED_CHARGE_TYPES = {
    "Principal": "Principal",
    "Shipping": "ShippingCharge",
    "Tax": "Tax",
    "ShippingTax": "ShippingTax",
    "GiftWrap": "Giftwrap",
    "GiftWrapTax": "GiftwrapTax",
    "Goodwill": "Goodwill",
    "RestockingFee": RESTOCKING_FEE,
}
_FEED_TAX_WITHHELD = {
    "Tax": "MarketplaceFacilitatorTax-Principal",
    "ShippingTax": "MarketplaceFacilitatorTax-Shipping",
    "GiftWrapTax": "MarketplaceFacilitatorTax-Giftwrap",
}


def _seller_refunded_item(
    item: Mapping, adjusted: Mapping, currency: str, adjustment_id: str
) -> dict:
    """A refunded item of a seller's adjustment, in `_refunded_item`'s shape: what the
    seller gave back is negative (Amazon's sign), a restocking fee charged positive."""
    charges: dict[str, Decimal] = {}
    taxes_withheld: dict[str, Decimal] = {}
    for kind, amount in adjusted["components"].items():
        charge_type = _FEED_CHARGE_TYPES.get(kind, kind)
        charges[charge_type] = charges.get(charge_type, _ZERO) - amount
        if kind in _FEED_TAX_WITHHELD and _tax_collected_by_amazon(item):
            withheld = _FEED_TAX_WITHHELD[kind]
            taxes_withheld[withheld] = taxes_withheld.get(withheld, _ZERO) + amount
    principal = adjusted["components"].get("Principal", _ZERO)
    commission_back = _round(principal * COMMISSION_RATE, currency)
    refund_commission = min(
        _round(commission_back * REFUND_COMMISSION_RATE, currency), REFUND_COMMISSION_CAP
    )
    return {
        "order_item_id": item["orderItemId"],
        "order_adjustment_item_id": order_adjustment_item_id(adjustment_id, item["orderItemId"]),
        "sku": (item.get("product") or {}).get("sellerSku", ""),
        "quantity": adjusted.get("quantity") or 1,
        "charges": charges,
        "promotions": [],
        "taxes_withheld": taxes_withheld,
        "fees": {"Commission": commission_back, "RefundCommission": -refund_commission},
    }


def _proceeds(item: Mapping) -> tuple[dict, dict, dict]:
    """(amounts by proceeds kind, discounts by what they reduce, taxes by detailed subtype)
    of an order item, as Amazon's proceeds breakdowns give them."""
    amounts: dict[str, Decimal] = {}
    discounts: dict[str, Decimal] = {}
    taxes: dict[str, Decimal] = {}
    for breakdown in (item.get("proceeds") or {}).get("breakdowns") or []:
        kind = breakdown.get("type")
        total = Decimal(str(breakdown["subtotal"]["amount"]))
        details = breakdown.get("detailedBreakdowns") or []
        if kind == "TAX":
            for detail in details or [{"subtype": "ITEM", "value": breakdown["subtotal"]}]:
                subtype = detail.get("subtype") or "ITEM"
                taxes[subtype] = taxes.get(subtype, _ZERO) + Decimal(str(detail["value"]["amount"]))
        elif kind == "DISCOUNT":
            for detail in details or [{"subtype": "ITEM", "value": breakdown["subtotal"]}]:
                target = _PROMOTION_TARGETS.get(detail.get("subtype"), "Principal")
                value = Decimal(str(detail["value"]["amount"]))
                discounts[target] = discounts.get(target, _ZERO) + value
        else:
            amounts[kind] = amounts.get(kind, _ZERO) + total
    return amounts, discounts, taxes


def _tax_collected_by_amazon(item: Mapping) -> bool:
    collections = (item.get("tax") or {}).get("taxCollections") or []
    return any(c.get("model") == MARKETPLACE_FACILITATOR for c in collections)


def _promotion_id(item: Mapping) -> str:
    breakdowns = (item.get("promotion") or {}).get("breakdowns") or [{}]
    return breakdowns[0].get("promotionId") or ""


def _event_item(refunded: Mapping, currency: str, with_order_item_id: bool) -> dict:
    """The refunded item as a ShipmentItem of ShipmentItemAdjustmentList."""
    event_item: dict = {"SellerSKU": refunded["sku"]}
    if with_order_item_id:
        event_item["OrderItemId"] = refunded["order_item_id"]
    event_item["OrderAdjustmentItemId"] = refunded["order_adjustment_item_id"]
    event_item["QuantityShipped"] = refunded["quantity"]
    event_item["ItemChargeAdjustmentList"] = [
        {"ChargeType": charge_type, "ChargeAmount": _currency(amount, currency)}
        for charge_type, amount in refunded["charges"].items()
    ]
    event_item["ItemFeeAdjustmentList"] = [
        {"FeeType": fee_type, "FeeAmount": _currency(amount, currency)}
        for fee_type, amount in refunded["fees"].items()
    ]
    if refunded["taxes_withheld"]:
        event_item["ItemTaxWithheldList"] = [
            {
                "TaxCollectionModel": TAX_COLLECTION_MODEL,
                "TaxesWithheld": [
                    {"ChargeType": charge_type, "ChargeAmount": _currency(amount, currency)}
                    for charge_type, amount in refunded["taxes_withheld"].items()
                ],
            }
        ]
    if refunded["promotions"]:
        event_item["PromotionAdjustmentList"] = [
            {
                "PromotionType": PROMOTION_TYPE,
                "PromotionId": promotion["promotion_id"],
                "PromotionAmount": _currency(promotion["amount"], currency),
            }
            for promotion in refunded["promotions"]
        ]
    return event_item


def _currency(amount: Decimal, currency: str) -> dict:
    """Amazon's `Currency`: the amount as a JSON number (`BigDecimal`), never -0."""
    return {"CurrencyCode": currency, "CurrencyAmount": float(_round(amount, currency)) or 0.0}


def _order_currency(order: Mapping) -> str | None:
    total = (order.get("proceeds") or {}).get("grandTotal") or {}
    return total.get("currencyCode")


def _round(amount: Decimal, currency: str) -> Decimal:
    exponent = Decimal(1) if currency in _ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return Decimal(amount).quantize(exponent, ROUND_HALF_UP)


def _moment(value: datetime | str) -> datetime:
    return as_utc(value) if isinstance(value, datetime) else parse_timestamp(value)


def _whole_seconds(moment: datetime) -> datetime:
    return as_utc(moment).replace(microsecond=0)


# Requests


def parse_list_query(
    query: Mapping[str, list[str]], seller: SellerAccount, now: datetime
) -> EventsQuery:
    """listFinancialEvents' query as Amazon reads it; raises FinancesInputError."""
    from_token = _continued(query, LIST_PARAMETERS, seller, LIST_FINANCIAL_EVENTS)
    if from_token is not None:
        return from_token
    latest = now - POSTED_MARGIN
    after = _query_time(query, "PostedAfter")
    before = _query_time(query, "PostedBefore")
    if before is not None and after is None:
        raise FinancesInputError("PostedBefore requires PostedAfter.")
    for name, moment in (("PostedAfter", after), ("PostedBefore", before)):
        if moment is not None and moment >= latest:
            raise FinancesInputError(
                f"{name} must be more than two minutes before the time of the request.",
                details=f"{name} {format_timestamp(moment)}, request at {format_timestamp(now)}",
            )
    before = before or latest
    after = after or before - MAX_POSTED_RANGE
    if before <= after:
        raise FinancesInputError("PostedBefore must be later than PostedAfter.")
    return EventsQuery(LIST_FINANCIAL_EVENTS, after, before, None, _max_results(query))


def parse_by_order_query(
    query: Mapping[str, list[str]], seller: SellerAccount, order_id: str
) -> EventsQuery:
    """listFinancialEventsByOrderId's query; raises FinancesInputError."""
    from_token = _continued(
        query, BY_ORDER_PARAMETERS, seller, LIST_FINANCIAL_EVENTS_BY_ORDER_ID, order_id
    )
    if from_token is not None:
        return from_token
    return EventsQuery(LIST_FINANCIAL_EVENTS_BY_ORDER_ID, None, None, order_id, _max_results(query))


def _continued(
    query: Mapping[str, list[str]],
    defined: tuple[str, ...],
    seller: SellerAccount,
    operation: str,
    order_id: str | None = None,
) -> EventsQuery | None:
    """The query the request's NextToken continues (that of `order_id`, when given), None
    without a NextToken; parameters other than the `defined` are refused first."""
    _refuse_undefined(query, defined)
    token = first_value(query, "NextToken")
    if token is None:
        return None
    from_token = _read_token(token, seller, operation)
    if order_id is not None and from_token.order_id != order_id:
        raise FinancesInputError(NEXT_TOKEN_UNREADABLE, details="another order's NextToken")
    _same_arguments(query, from_token)
    return from_token


def _refuse_undefined(query: Mapping[str, list[str]], defined: tuple[str, ...]) -> None:
    undefined = [name for name in query if name not in defined]
    if undefined:
        raise FinancesInputError(f"Unknown parameters: {', '.join(undefined)}.")


def _same_arguments(query: Mapping[str, list[str]], from_token: EventsQuery) -> None:
    """A NextToken comes alone or with the arguments of the call that produced it."""
    given = {
        "PostedAfter": from_token.after,
        "PostedBefore": from_token.before,
        "MaxResultsPerPage": from_token.max_results,
    }
    for name, expected in given.items():
        if name not in query:
            continue
        sent = _max_results(query) if name == "MaxResultsPerPage" else _query_time(query, name)
        if sent != expected:
            raise FinancesInputError(
                "Include the same arguments as the call that produced the NextToken.",
                details=f"{name} differs",
            )


def _max_results(query: Mapping[str, list[str]]) -> int:
    return page_size_parameter(
        query, "MaxResultsPerPage", MAX_RESULTS, DEFAULT_MAX_RESULTS, FinancesInputError
    )


def _query_time(query: Mapping[str, list[str]], name: str) -> datetime | None:
    return query_time(query, name, FinancesInputError)


def _next_token(query: EventsQuery, seller: SellerAccount, last_key: tuple[str, int]) -> str:
    state = {"seller": seller.seller_id, **query.filters(), "last": list(last_key)}
    return encode_token(state)


def _read_token(token: str, seller: SellerAccount, operation: str) -> EventsQuery:
    try:
        state = decode_token(token)
        last_posted, last_sequence = state["last"]
        query = EventsQuery(
            operation=state["operation"],
            after=parse_timestamp(state["after"]) if state["after"] else None,
            before=parse_timestamp(state["before"]) if state["before"] else None,
            order_id=state["orderId"],
            max_results=int(state["maxResults"]),
            last_key=(str(last_posted), int(last_sequence)),
        )
    except UNREADABLE_STATE:
        raise FinancesInputError(NEXT_TOKEN_UNREADABLE) from None
    if state.get("seller") != seller.seller_id or query.operation != operation:
        raise FinancesInputError(NEXT_TOKEN_UNREADABLE)
    return query
