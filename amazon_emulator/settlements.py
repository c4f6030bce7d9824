"""Settlement reports (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) built from stored orders.

Amazon generates a settlement report every settlement period (it cannot be requested): a
tab-separated file whose columns are those of Amazon's "Settlement reports" documentation (plus
the `promotion-id` real files carry), a summary row (settlement id, dates, total, currency)
and then one row per amount. What the emulator writes:

- per settled order item, from its `proceeds.breakdowns` (transaction-type `Order`):
  `ItemPrice` / `Principal` (ITEM), `Shipping` (SHIPPING), `GiftWrap` (GIFT_WRAP), `Tax` (TAX);
  `Promotion` / `Principal` or `Shipping` (DISCOUNT, negative, by its detailed subtype);
  `ItemWithheldTax` / `MarketplaceFacilitatorTax-Principal` (minus the TAX amount) when Amazon
  collects the item's tax (`tax.taxCollections[].model` MARKETPLACE_FACILITATOR);
  `ItemFees` / `Commission` (minus 15% of the principal) and, for FBA (fulfillment-id AFN),
  `ItemFees` / `FBAPerUnitFulfillmentFee` (minus 3.22 a unit);
- per refund (transaction-type `Refund`, with an adjustment-id): `ItemPrice` / `Principal`
  (negative), `ItemFees` / `Commission` (the commission given back, positive, in proportion)
  and `ItemFees` / `RefundCommission` (minus 20% of what was given back, at most 5.00);
- per refund recorded for the Finances API (`AmazonEmulator.add_refund`, see `finances`), the
  same refund with its adjustment id, posted date and amounts, item by item: `ItemPrice` rows
  for what the buyer got back (Principal, Shipping, GiftWrap, Tax, ShippingTax, GiftWrapTax,
  RestockingFee...), `Promotion` rows for the discounts taken back, `ItemWithheldTax` rows
  (MarketplaceFacilitatorTax-Principal...) and `ItemFees` rows (Commission,
  RefundCommission), signed as in the Finances API;
- other transactions (transaction-type `ServiceFee` unless told otherwise, amount-type
  `other-transaction`), signed as given.

The summary's total-amount is the exact sum of the rows. Dates and amounts follow the
marketplace's locale (see `settlement_locale`); posted-date-time is always
`YYYY-MM-DD HH:MM:SS UTC`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .clock import as_utc, format_timestamp, parse_timestamp
from .marketplaces import Marketplace, get_marketplace
from .orders import fulfilled_by, fulfillment_status, make_order, marketplace_id

SETTLEMENT_REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
COLUMNS = (
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
    "transaction-type",
    "order-id",
    "merchant-order-id",
    "adjustment-id",
    "shipment-id",
    "marketplace-name",
    "amount-type",
    "amount-description",
    "amount",
    "fulfillment-id",
    "posted-date",
    "posted-date-time",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "quantity-purchased",
    "promotion-id",
)
COMMISSION_RATE = Decimal("0.15")
REFUND_COMMISSION_RATE = Decimal("0.20")
REFUND_COMMISSION_CAP = Decimal("5.00")
FBA_FEE_PER_UNIT = Decimal("3.22")
DEPOSIT_DELAY = timedelta(days=2)
MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR"
OTHER_TRANSACTION_TYPE = "ServiceFee"
UNKNOWN_ORDER_ASIN = "B0UNKNOWN0"

# proceeds breakdown type -> (amount-type, amount-description); other types but DISCOUNT
# (Amazon's OTHER, or what a test invents) are written ItemPrice / Other.
_ITEM_PRICE_ROWS = {
    "ITEM": ("ItemPrice", "Principal"),
    "SHIPPING": ("ItemPrice", "Shipping"),
    "GIFT_WRAP": ("ItemPrice", "GiftWrap"),
    "COD_FEE": ("ItemPrice", "CODFee"),
    "TAX": ("ItemPrice", "Tax"),
}
_OTHER_ITEM_PRICE = ("ItemPrice", "Other")
# ChargeType of a refund recorded for the Finances API -> amount-description of its ItemPrice
# row; other charge types are written as they are.
_REFUND_CHARGE_DESCRIPTIONS = {
    "Principal": "Principal",
    "ShippingCharge": "Shipping",
    "Giftwrap": "GiftWrap",
    "CODItemCharge": "CODFee",
    "Tax": "Tax",
    "ShippingTax": "ShippingTax",
    "GiftwrapTax": "GiftWrapTax",
    "CODItemTaxCharge": "CODFeeTax",
}
# detailed subtype of a DISCOUNT -> amount-description of its Promotion row
_PROMOTION_DESCRIPTIONS = {"ITEM": "Principal", "SHIPPING": "Shipping", "GIFT_WRAP": "GiftWrap"}
_ZERO_DECIMAL_CURRENCIES = {"JPY"}


@dataclass(frozen=True)
class SettlementLocale:
    """How a marketplace's settlement files write dates and amounts."""

    date_time_format: str  # settlement-start-date, settlement-end-date, deposit-date
    posted_date_format: str
    decimal_comma: bool


ISO_LOCALE = SettlementLocale("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d", decimal_comma=False)
EUROPEAN_LOCALE = SettlementLocale("%d.%m.%Y %H:%M:%S UTC", "%d.%m.%Y", decimal_comma=True)
# English-speaking European marketplaces: European dates, a decimal point.
BRITISH_LOCALE = replace(EUROPEAN_LOCALE, decimal_comma=False)
_LOCALES_BY_COUNTRY = {
    **dict.fromkeys(("DE", "FR", "IT", "ES", "NL", "BE", "SE", "PL", "TR"), EUROPEAN_LOCALE),
    **dict.fromkeys(("GB", "IE"), BRITISH_LOCALE),
}
POSTED_DATE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


def settlement_locale(marketplace: Marketplace) -> SettlementLocale:
    """European marketplaces write `16.06.2026 00:00:00 UTC` (and, on the continent, `1234,56`);
    the others `2026-06-16 00:00:00 UTC` and `1234.56`."""
    return _LOCALES_BY_COUNTRY.get(marketplace.country_code, ISO_LOCALE)


@dataclass(frozen=True)
class SettlementDocument:
    settlement_id: str
    marketplace_id: str
    currency: str
    start: datetime
    end: datetime
    deposit: datetime
    total_amount: Decimal
    rows: tuple[dict[str, str], ...]  # the data rows (after the summary), by column name
    text: str
    order_ids: tuple[str, ...]  # the orders with Order rows, in file order


@dataclass
class _Row:
    amount_type: str
    amount_description: str
    amount: Decimal
    _: KW_ONLY
    transaction_type: str
    posted: datetime
    order_id: str = ""
    adjustment_id: str = ""
    shipment_id: str = ""
    fulfillment_id: str = ""
    order_item_code: str = ""
    sku: str = ""
    quantity: int | None = None
    promotion_id: str = ""


def settlement_id_for(seller_id: str, marketplace_id: str, start: datetime, end: datetime) -> str:
    """11 digits, the same for the same seller, marketplace and period (stable across runs)."""
    key = f"{seller_id}|{marketplace_id}|{format_timestamp(start)}|{format_timestamp(end)}"
    return str(10**10 + _digest_number(key) % (9 * 10**10))


def settlement_report_id(seller_id: str, settlement_id: str) -> str:
    """The id of the settlement's report: digits, like Amazon's, the same on every run."""
    return str(60_000_000_000 + _digest_number(f"{seller_id}|{settlement_id}") % 10**10)


def build_settlement(
    orders: Iterable[Mapping],
    marketplace_id_or_country: str,
    *,
    settlement_id: str,
    start: datetime,
    end: datetime,
    deposit: datetime | None = None,
    order_ids: Iterable[str] | None = None,
    refunds: Mapping[str, object] | None = None,
    recorded_refunds: Iterable[Mapping] | None = None,
    other_fees: Mapping[str, object] | Iterable | None = None,
    unknown_orders: Iterable[Mapping] | None = None,
) -> SettlementDocument:
    """The settlement document of one seller's marketplace for [start, end].

    `orders`: the seller's stored Orders API 2026-01-01 orders. `order_ids`: the orders settled
    (default: every SHIPPED order of the marketplace); an order is settled for its items with
    shipped units. `refunds`: order id -> principal refunded (an amount, or
    `{"amount", "posted"?}`), for stored or unknown orders. `recorded_refunds`: refunds as
    `FinanceDesk.add_refund` describes them, settled with their own adjustment id, posted
    date and amounts. `other_fees`: description -> signed
    amount, or entries `(description, amount)` / `{"description", "amount",
    "transaction_type"?, "posted"?}`. `unknown_orders`: orders the seller's store does not hold,
    settled too: `{"order_id", "items": [make_order item specs] | the keys of one item (sku,
    unit_price, quantity...), "fulfilled_by"? (AMAZON), "marketplace_facilitator"? (bool),
    "posted"?}`. Raises ValueError for what cannot be settled.
    """
    marketplace = get_marketplace(marketplace_id_or_country)
    start, end = as_utc(start), as_utc(end)
    if end < start:
        raise ValueError("a settlement's end must not be before its start")
    deposit = as_utc(deposit) if deposit else end + DEPOSIT_DELAY
    known = {order.get("orderId"): order for order in orders if order.get("orderId")}
    extra = [_unknown_order(spec, marketplace, start) for spec in unknown_orders or ()]
    for order in extra:
        if order["orderId"] in known:
            raise ValueError(f"unknown order {order['orderId']} is a stored order")
    settled = _settled_orders(known, order_ids, marketplace) + extra
    settled.sort(key=lambda order: (_posted_time(order, start, end), order["orderId"]))
    rows: list[_Row] = []
    for order in settled:
        rows += _order_rows(order, _posted_time(order, start, end))
    everything = {**known, **{order["orderId"]: order for order in extra}}
    for order_id, refund in (refunds or {}).items():
        rows += _refund_rows(
            everything,
            order_id,
            refund,
            marketplace=marketplace,
            settlement_id=settlement_id,
            end=end,
        )
    for recorded in recorded_refunds or ():
        if recorded["marketplace_id"] != marketplace.marketplace_id:
            raise ValueError(
                f"refund {recorded['adjustment_id']} is not of marketplace {marketplace.name}"
            )
        rows += _recorded_refund_rows(recorded)
    rows += _other_transaction_rows(other_fees, end)
    currency = marketplace.currency
    rows = [replace(row, amount=_quantize(row.amount, currency)) for row in rows]
    total = sum((row.amount for row in rows), _quantize(0, currency))
    locale = settlement_locale(marketplace)
    summary = {
        "settlement-id": settlement_id,
        "settlement-start-date": start.strftime(locale.date_time_format),
        "settlement-end-date": end.strftime(locale.date_time_format),
        "deposit-date": deposit.strftime(locale.date_time_format),
        "total-amount": _format_amount(total, locale),
        "currency": currency,
    }
    rendered = tuple(
        _render(row, settlement_id, currency, _marketplace_name(marketplace), locale)
        for row in rows
    )
    lines = [COLUMNS, *([record[column] for column in COLUMNS] for record in rendered)]
    lines.insert(1, [summary.get(column, "") for column in COLUMNS])
    return SettlementDocument(
        settlement_id=settlement_id,
        marketplace_id=marketplace.marketplace_id,
        currency=currency,
        start=start,
        end=end,
        deposit=deposit,
        total_amount=total,
        rows=rendered,
        text="".join("\t".join(line) + "\n" for line in lines),
        order_ids=tuple(order["orderId"] for order in settled),
    )


# Which orders


def _settled_orders(known: dict, order_ids, marketplace: Marketplace) -> list[Mapping]:
    if order_ids is None:
        return [
            order
            for order in known.values()
            if marketplace_id(order) == marketplace.marketplace_id
            and fulfillment_status(order) == "SHIPPED"
        ]
    settled = []
    for order_id in order_ids:
        order = known.get(order_id)
        if order is None:
            raise ValueError(
                f"no stored order {order_id}; describe it in unknown_orders to settle it"
            )
        if marketplace_id(order) != marketplace.marketplace_id:
            raise ValueError(f"order {order_id} is not of marketplace {marketplace.name}")
        if not _shipped_items(order):
            raise ValueError(f"order {order_id} has no shipped unit to settle")
        settled.append(order)
    return settled


def _shipped_items(order: Mapping) -> list[Mapping]:
    return [
        item
        for item in order.get("orderItems", [])
        if (item.get("fulfillment") or {}).get("quantityFulfilled", 0) > 0
    ]


def _unknown_order(spec: Mapping, marketplace: Marketplace, start: datetime) -> dict:
    order_id = spec.get("order_id")
    if not order_id:
        raise ValueError("an unknown order needs an order_id")
    posted = _moment(spec.get("posted")) or start
    items = spec.get("items") or [
        {k: v for k, v in spec.items() if k not in _UNKNOWN_ORDER_KEYS},
    ]
    order = make_order(
        order_id,
        marketplace.marketplace_id,
        spec.get("fulfilled_by", "AMAZON"),
        "SHIPPED",
        [{"asin": UNKNOWN_ORDER_ASIN, **item} for item in items],
        created=posted,
    )
    if "marketplace_facilitator" in spec:
        collections = (
            [{"model": MARKETPLACE_FACILITATOR, "responsibleParty": "Amazon Services, Inc."}]
            if spec["marketplace_facilitator"]
            else []
        )
        for item in order["orderItems"]:
            item.setdefault("tax", {})["taxCollections"] = collections
    return order


_UNKNOWN_ORDER_KEYS = {"order_id", "fulfilled_by", "marketplace_facilitator", "posted", "items"}


def _posted_time(order: Mapping, start: datetime, end: datetime) -> datetime:
    """When the order's shipment was posted: its (first) package's ship time, else its last
    update; kept inside the settlement period."""
    packages = order.get("packages") or [{}]
    for candidate in (
        packages[0].get("shipTime"),
        order.get("lastUpdatedTime"),
        order.get("createdTime"),
    ):
        try:
            moment = _moment(candidate)
        except ValueError:  # a deliberately broken order: try the next time
            continue
        if moment is not None:
            return min(max(moment, start), end)
    return start


# Rows


def _order_rows(order: Mapping, posted: datetime) -> list[_Row]:
    fulfillment_id = _fulfillment_id(order)
    common = {
        "transaction_type": "Order",
        "posted": posted,
        "order_id": order["orderId"],
        "shipment_id": _shipment_id(order["orderId"]),
        "fulfillment_id": fulfillment_id,
    }
    rows = []
    for item in _shipped_items(order):
        item_row = functools.partial(
            _Row,
            **common,
            order_item_code=item.get("orderItemId", ""),
            sku=(item.get("product") or {}).get("sellerSku", ""),
            quantity=item.get("quantityOrdered"),
        )
        amounts = _breakdown_amounts(item)
        rows.append(item_row("ItemPrice", "Principal", amounts.get("ITEM", Decimal(0))))
        for kind, amount in sorted(amounts.items(), key=lambda entry: entry[0] == "TAX"):
            if kind not in ("ITEM", "DISCOUNT") and amount:
                amount_type, description = _ITEM_PRICE_ROWS.get(kind, _OTHER_ITEM_PRICE)
                rows.append(item_row(amount_type, description, amount))
        promotion_id = _promotion_id(item)
        for description, amount in _promotion_amounts(item):
            rows.append(item_row("Promotion", description, amount, promotion_id=promotion_id))
        if amounts.get("TAX") and _tax_collected_by_amazon(item):
            withheld = "MarketplaceFacilitatorTax-Principal"
            rows.append(item_row("ItemWithheldTax", withheld, -amounts["TAX"]))
        principal = amounts.get("ITEM", Decimal(0))
        rows.append(item_row("ItemFees", "Commission", -_commission(principal)))
        if fulfillment_id == "AFN":
            units = int(item.get("quantityOrdered") or 0)
            fee = -FBA_FEE_PER_UNIT * units
            rows.append(item_row("ItemFees", "FBAPerUnitFulfillmentFee", fee))
    return rows


def _breakdown_amounts(item: Mapping) -> dict[str, Decimal]:
    """Amounts by proceeds type (every type of `_ITEM_PRICE_ROWS`, zero when absent)."""
    amounts: dict[str, Decimal] = dict.fromkeys(_ITEM_PRICE_ROWS, Decimal(0))
    for breakdown in (item.get("proceeds") or {}).get("breakdowns", []):
        kind = breakdown.get("type")
        amount = Decimal(breakdown["subtotal"]["amount"])
        amounts[kind] = amounts.get(kind, Decimal(0)) + amount
    return amounts


def _promotion_amounts(item: Mapping) -> list[tuple[str, Decimal]]:
    """(amount-description, negative amount) of the item's discounts, by what they reduce."""
    found: dict[str, Decimal] = {}
    for breakdown in (item.get("proceeds") or {}).get("breakdowns", []):
        if breakdown.get("type") != "DISCOUNT":
            continue
        details = breakdown.get("detailedBreakdowns") or [
            {"subtype": "ITEM", "value": breakdown["subtotal"]}
        ]
        for detail in details:
            description = _PROMOTION_DESCRIPTIONS.get(detail.get("subtype"), "Principal")
            amount = Decimal(detail["value"]["amount"])
            found[description] = found.get(description, Decimal(0)) + amount
    return [(description, -abs(amount)) for description, amount in found.items()]


def _promotion_id(item: Mapping) -> str:
    breakdowns = (item.get("promotion") or {}).get("breakdowns") or [{}]
    return breakdowns[0].get("promotionId", "")


def _tax_collected_by_amazon(item: Mapping) -> bool:
    collections = (item.get("tax") or {}).get("taxCollections") or []
    return any(c.get("model") == MARKETPLACE_FACILITATOR for c in collections)


def _commission(principal: Decimal) -> Decimal:
    return (principal * COMMISSION_RATE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _refund_rows(
    orders: Mapping[str, Mapping],
    order_id: str,
    refund,
    *,
    marketplace: Marketplace,
    settlement_id: str,
    end: datetime,
) -> list[_Row]:
    order = orders.get(order_id)
    if order is None:
        raise ValueError(f"no order {order_id} to refund; describe it in unknown_orders")
    if marketplace_id(order) != marketplace.marketplace_id:
        raise ValueError(f"order {order_id} is not of marketplace {marketplace.name}")
    amount, posted = _refund_spec(refund, end)
    items = [
        (item, _breakdown_amounts(item).get("ITEM", Decimal(0))) for item in order["orderItems"]
    ]
    refundable = sum((principal for _, principal in items), Decimal(0))
    if not 0 < amount <= refundable:
        raise ValueError(
            f"refund of {amount} for order {order_id}: must be above 0 and at most its "
            f"principal {refundable}"
        )
    common = {
        "transaction_type": "Refund",
        "posted": posted,
        "order_id": order_id,
        "adjustment_id": _adjustment_id(settlement_id, order_id),
        "fulfillment_id": _fulfillment_id(order),
    }
    rows, left = [], amount
    for item, principal in items:
        refunded = min(left, principal)
        if refunded <= 0:
            continue
        left -= refunded
        given_back = (_commission(principal) * refunded / principal).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        refund_commission = min(
            (given_back * REFUND_COMMISSION_RATE).quantize(Decimal("0.01"), ROUND_HALF_UP),
            REFUND_COMMISSION_CAP,
        )
        item_row = functools.partial(
            _Row,
            **common,
            order_item_code=item.get("orderItemId", ""),
            sku=(item.get("product") or {}).get("sellerSku", ""),
        )
        rows += [
            item_row("ItemPrice", "Principal", -refunded),
            item_row("ItemFees", "Commission", given_back),
            item_row("ItemFees", "RefundCommission", -refund_commission),
        ]
    return rows


def _recorded_refund_rows(refund: Mapping) -> list[_Row]:
    """The settlement rows of a refund the Finances API serves, amounts signed alike."""
    rows = []
    for item in refund["items"]:
        item_row = functools.partial(
            _Row,
            transaction_type="Refund",
            posted=as_utc(refund["posted"]),
            order_id=refund["order_id"],
            adjustment_id=refund["adjustment_id"],
            fulfillment_id=refund["fulfillment_channel"],
            order_item_code=item["order_item_id"],
            sku=item["sku"],
        )
        for charge_type, amount in item["charges"].items():
            description = _REFUND_CHARGE_DESCRIPTIONS.get(charge_type, charge_type)
            rows.append(item_row("ItemPrice", description, amount))
        for promotion in item["promotions"]:
            rows.append(
                item_row(
                    "Promotion",
                    promotion["target"],
                    promotion["amount"],
                    promotion_id=promotion["promotion_id"],
                )
            )
        for charge_type, amount in item["taxes_withheld"].items():
            rows.append(item_row("ItemWithheldTax", charge_type, amount))
        for fee_type, amount in item["fees"].items():
            rows.append(item_row("ItemFees", fee_type, amount))
    return rows


def _refund_spec(refund, end: datetime) -> tuple[Decimal, datetime]:
    if isinstance(refund, Mapping):
        return Decimal(str(refund["amount"])), _moment(refund.get("posted")) or end
    return Decimal(str(refund)), end


def _other_transaction_rows(other_fees, end: datetime) -> list[_Row]:
    if not other_fees:
        return []
    if isinstance(other_fees, Mapping):
        entries = [{"description": d, "amount": a} for d, a in other_fees.items()]
    else:
        entries = [
            entry if isinstance(entry, Mapping) else {"description": entry[0], "amount": entry[1]}
            for entry in other_fees
        ]
    return [
        _Row(
            "other-transaction",
            entry["description"],
            Decimal(str(entry["amount"])),
            transaction_type=entry.get("transaction_type", OTHER_TRANSACTION_TYPE),
            posted=_moment(entry.get("posted")) or end,
        )
        for entry in entries
    ]


# Writing


def _render(
    row: _Row, settlement_id: str, currency: str, marketplace_name: str, locale: SettlementLocale
) -> dict[str, str]:
    return {
        **dict.fromkeys(COLUMNS, ""),
        "settlement-id": settlement_id,
        "currency": currency,
        "transaction-type": row.transaction_type,
        "order-id": row.order_id,
        "adjustment-id": row.adjustment_id,
        "shipment-id": row.shipment_id,
        "marketplace-name": marketplace_name,
        "amount-type": row.amount_type,
        "amount-description": row.amount_description,
        "amount": _format_amount(row.amount, locale),
        "fulfillment-id": row.fulfillment_id,
        "posted-date": row.posted.strftime(locale.posted_date_format),
        "posted-date-time": row.posted.strftime(POSTED_DATE_TIME_FORMAT),
        "order-item-code": row.order_item_code,
        "sku": row.sku,
        "quantity-purchased": "" if row.quantity is None else str(row.quantity),
        "promotion-id": row.promotion_id,
    }


def _format_amount(amount: Decimal, locale: SettlementLocale) -> str:
    text = str(abs(amount) if amount.is_zero() else amount)  # never "-0.00"
    return text.replace(".", ",") if locale.decimal_comma else text


def _quantize(amount, currency: str) -> Decimal:
    exponent = Decimal(1) if currency in _ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return Decimal(str(amount)).quantize(exponent, ROUND_HALF_UP)


def _marketplace_name(marketplace: Marketplace) -> str:
    return marketplace.domain.removeprefix("www.")


def _fulfillment_id(order: Mapping) -> str:
    return "AFN" if fulfilled_by(order) == "AMAZON" else "MFN"


def _shipment_id(order_id: str) -> str:
    digest = hashlib.sha256(f"shipment|{order_id}".encode()).digest()
    return "D" + base64.b32encode(digest).decode()[:8]


def _adjustment_id(settlement_id: str, order_id: str) -> str:
    digest = hashlib.sha256(f"refund|{settlement_id}|{order_id}".encode()).digest()
    return "amzn1:crow:" + base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def _digest_number(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16)


def _moment(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return parse_timestamp(str(value))
