"""Finances API v0 financial events: the money Amazon gave buyers back, as `Refund`s.

Which operation. The hourly refund job reads v0 `listFinancialEvents` (PostedAfter,
PostedBefore, MaxResultsPerPage up to 100, NextToken; 0.5 requests a second, burst 30)
rather than 2024-06-19 `listTransactions`, because v0 is the one whose model states, per
refunded item, what each amount is:
- refunds have their own list (`RefundEventList`; A-to-z claims and chargebacks theirs), while
  listTransactions has no transaction type filter and documents a single `transactionType`
  value, `Shipment`;
- each refunded item (`ShipmentItemAdjustmentList`) carries its `SellerSKU`,
  `OrderAdjustmentItemId` and `QuantityShipped`, and its amounts as typed components whose
  values the model documents: `ItemChargeAdjustmentList` (ChargeType Principal, Tax,
  ShippingCharge, ShippingTax, Giftwrap, GiftwrapTax, RestockingFee...),
  `PromotionAdjustmentList`, `ItemTaxWithheldList` (tax Amazon collects and remits itself:
  MarketplaceFacilitatorTax-Principal...) and `ItemFeeAdjustmentList`; listTransactions
  nests free-text `breakdownType`s the model leaves undocumented (its own example writes
  "Principle"), and its items name neither order item nor quantity outside optional contexts.
Events may be posted up to 48 hours late, so the job reads a trailing window (see
`amazon_sp.financial_events_window`) and deduplicates by `Refund.refund_id`.

The refund events: `RefundEventList` (kind REFUND_KIND), `GuaranteeClaimEventList`
(GUARANTEE_CLAIM_KIND, A-to-z Guarantee claims) and `ChargebackEventList` (CHARGEBACK_KIND), each a
list of `ShipmentEvent`s. Only the adjustment lists of a refund are read (a refund's
`ItemChargeList`, `ItemFeeList`, `PromotionList` are not refund amounts); order-level charge
adjustments (`OrderChargeAdjustmentList`, COD orders) and shipment and order fee adjustments
are kept on the `Refund`.

Signs. Amazon signs every amount from the seller's account: what a refund gives the buyer
is negative (Principal -20.00), a discount taken back and the tax Amazon withheld and pays
back are positive. Here, every amount of the buyer's side is POSITIVE when given back to the
buyer (Amazon's sign turned around): `principal`, `shipping`, `gift_wrap`, the taxes, the
`other` charges (a RestockingFee the buyer is charged is therefore negative). `promotion` is
the discount taken back (Amazon's amount as it is: positive), which the buyer does not get;
`tax_withheld` is the part of the refunded tax Amazon pays back itself (Amazon's amount as it
is: positive). So `RefundItem.total`, what the refund costs the seller before fees, is
exactly minus the sum of Amazon's charge, promotion and withheld tax amounts. Fees keep
Amazon's sign (Commission given back positive, RefundCommission negative) and are not part of
any total.

ChargeType values are compared ignoring case (Amazon writes both `Giftwrap` and `GiftWrap`);
charge types this module does not know go to `other` under Amazon's name, never dropped.

The refund key. A v0 ShipmentEvent has no id of its own; each refunded item has Amazon's
`OrderAdjustmentItemId`, unique to that item of that refund. `refund_id` is the order id and
the sorted set of its items' OrderAdjustmentItemIds: `111-2223334-5556667:52934857,52934858`.
When an item has none, the refund is keyed by its order id, kind and posted date instead:
`111-2223334-5556667@2026-03-01T06:00:00#refund`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from .common import (
    AmazonDocumentError,
    decimal_amount,
    expect_object,
    parse_iso_datetime,
    read_list,
    read_text,
)

DOCUMENT = "financial events"
ZERO = Decimal("0")

# Kinds of refund, by the list of FinancialEvents they come in.
REFUND_KIND = "refund"
GUARANTEE_CLAIM_KIND = "guarantee_claim"
CHARGEBACK_KIND = "chargeback"
REFUND_EVENT_LISTS = {
    "RefundEventList": REFUND_KIND,
    "GuaranteeClaimEventList": GUARANTEE_CLAIM_KIND,
    "ChargebackEventList": CHARGEBACK_KIND,
}

# ChargeType values the Finances v0 model documents.
PRINCIPAL = "Principal"
TAX = "Tax"
SHIPPING_CHARGE = "ShippingCharge"
SHIPPING_TAX = "ShippingTax"
GIFT_WRAP = "Giftwrap"
GIFT_WRAP_TAX = "GiftwrapTax"
DISCOUNT = "Discount"
TAX_DISCOUNT = "TaxDiscount"
RESTOCKING_FEE = "RestockingFee"
RETURN_SHIPPING = "ReturnShipping"
GOODWILL = "Goodwill"
POINTS_FEE = "PointsFee"
GENERIC_DEDUCTION = "GenericDeduction"
FREE_REPLACEMENT_RETURN_SHIPPING = "FreeReplacementReturnShipping"
PAYMENT_METHOD_FEE = "PaymentMethodFee"
EXPORT_CHARGE = "ExportCharge"
COD_ITEM_CHARGE = "CODItemCharge"
COD_ITEM_TAX_CHARGE = "CODItemTaxCharge"
COD_ORDER_CHARGE = "CODOrderCharge"
COD_ORDER_TAX_CHARGE = "CODOrderTaxCharge"
COD_SHIPPING_CHARGE = "CODShippingCharge"
COD_SHIPPING_TAX_CHARGE = "CODShippingTaxCharge"
# Taxes withheld (ItemTaxWithheldList.TaxesWithheld).
MARKETPLACE_FACILITATOR_TAX_PRINCIPAL = "MarketplaceFacilitatorTax-Principal"
MARKETPLACE_FACILITATOR_TAX_SHIPPING = "MarketplaceFacilitatorTax-Shipping"
MARKETPLACE_FACILITATOR_TAX_GIFT_WRAP = "MarketplaceFacilitatorTax-Giftwrap"
MARKETPLACE_FACILITATOR_TAX_OTHER = "MarketplaceFacilitatorTax-Other"
TCS_CGST = "TCS-CGST"
TCS_SGST = "TCS-SGST"
TCS_IGST = "TCS-IGST"
TCS_UTGST = "TCS-UTGST"
# A charge whose type starts so is a tax Amazon withholds, in whichever list it comes.
WITHHELD_TAX_PREFIXES = ("MarketplaceFacilitator", "LowValueGoodsTax", "TCS-")
# TaxWithheldComponent.TaxCollectionModel: Amazon remits the tax itself.
MARKETPLACE_FACILITATOR = "MarketplaceFacilitator"

# ChargeType -> the RefundItem field it adds to (signs: see the module's docstring).
CHARGE_FIELDS = {
    PRINCIPAL: "principal",
    SHIPPING_CHARGE: "shipping",
    GIFT_WRAP: "gift_wrap",
    TAX: "item_tax",
    TAX_DISCOUNT: "item_tax",
    SHIPPING_TAX: "shipping_tax",
    GIFT_WRAP_TAX: "gift_wrap_tax",
    DISCOUNT: "promotion",
}
_FIELD_BY_KEY = {charge_type.casefold(): name for charge_type, name in CHARGE_FIELDS.items()}
_WITHHELD_KEYS = tuple(prefix.casefold() for prefix in WITHHELD_TAX_PREFIXES)
AMOUNT_FIELDS = (
    "principal",
    "shipping",
    "gift_wrap",
    "promotion",
    "item_tax",
    "shipping_tax",
    "gift_wrap_tax",
    "tax_withheld",
)
# Fields whose amount is Amazon's as it is; the others turn Amazon's sign around.
_AMAZON_SIGNED_FIELDS = frozenset({"promotion", "tax_withheld"})


@dataclass(frozen=True)
class RefundItem:
    """One refunded item. Amounts are positive when given back to the buyer, except
    `promotion` (the discount taken back) and `tax_withheld` (the refunded tax Amazon pays
    back itself); see the module's docstring."""

    order_item_id: str = ""  # Amazon's OrderItemId; often left out of refunds: match by sku
    order_adjustment_item_id: str = ""
    sku: str = ""
    quantity: int = 0  # QuantityShipped: the units refunded (0 when Amazon does not say)
    principal: Decimal = ZERO
    shipping: Decimal = ZERO
    gift_wrap: Decimal = ZERO
    promotion: Decimal = ZERO
    item_tax: Decimal = ZERO  # Tax and TaxDiscount
    shipping_tax: Decimal = ZERO
    gift_wrap_tax: Decimal = ZERO
    tax_withheld: Decimal = ZERO
    # Charge types not above, by Amazon's name, given back to the buyer (a RestockingFee
    # is negative: the buyer is charged it).
    other: dict = field(default_factory=dict, hash=False)
    # ItemFeeAdjustmentList by FeeType, with Amazon's sign (positive: credited to the seller).
    fees: dict = field(default_factory=dict, hash=False)
    promotion_ids: tuple = ()
    tax_collection_models: tuple = ()  # ItemTaxWithheldList's TaxCollectionModel values

    @property
    def tax(self):
        """The tax given back to the buyer: on the item, its shipping and its gift wrap."""
        return self.item_tax + self.shipping_tax + self.gift_wrap_tax

    @property
    def buyer_total(self):
        """What the buyer gets back for the item."""
        others = sum(self.other.values(), ZERO)
        return self.principal + self.shipping + self.gift_wrap + self.tax + others - self.promotion

    @property
    def total(self):
        """What the refund of the item costs the seller, fees left out: what the buyer gets
        back, less the tax Amazon pays back itself:
        principal + shipping + gift_wrap + tax + other - promotion - tax_withheld."""
        return self.buyer_total - self.tax_withheld

    @property
    def tax_collected_by_amazon(self):
        return bool(self.tax_withheld) or MARKETPLACE_FACILITATOR in self.tax_collection_models


@dataclass(frozen=True)
class Refund:
    """One refund, A-to-z claim or chargeback of an Amazon order (one ShipmentEvent)."""

    refund_id: str  # the unique key (see the module's docstring)
    kind: str  # REFUND_KIND, GUARANTEE_CLAIM_KIND or CHARGEBACK_KIND
    order_id: str
    seller_order_id: str
    marketplace_name: str
    posted: datetime  # naive UTC
    currency: str  # "" when the event has no amount at all
    items: tuple = ()  # (RefundItem, ...) in Amazon's order
    # OrderChargeAdjustmentList by ChargeType, given back to the buyer (COD orders).
    order_charges: dict = field(default_factory=dict, hash=False)
    # ShipmentFeeAdjustmentList and OrderFeeAdjustmentList by FeeType, with Amazon's sign.
    fees: dict = field(default_factory=dict, hash=False)

    @property
    def buyer_total(self):
        """What the buyer gets back."""
        items = sum((item.buyer_total for item in self.items), ZERO)
        return items + sum(self.order_charges.values(), ZERO)

    @property
    def tax_withheld(self):
        return sum((item.tax_withheld for item in self.items), ZERO)

    @property
    def total(self):
        """What the refund costs the seller, fees left out: the items' totals and the
        order-level charges."""
        items = sum((item.total for item in self.items), ZERO)
        return items + sum(self.order_charges.values(), ZERO)


def parse_refund_events(payload):
    """The refunds of a listFinancialEvents (or listFinancialEventsByOrderId, or by group)
    answer: the whole response, its `payload`, or the `FinancialEvents` object.

    Returns a tuple of `Refund`s: those of RefundEventList, then GuaranteeClaimEventList, then
    ChargebackEventList, each in Amazon's order; other event lists are ignored. Raises
    AmazonDocumentError, with the path of the faulty part, for what is malformed.
    """
    events = _financial_events(payload)
    refunds = []
    for list_name, kind in REFUND_EVENT_LISTS.items():
        for index, event in enumerate(_list(events, list_name, list_name)):
            refunds.append(_refund(event, kind, f"{list_name}[{index}]"))
    return tuple(refunds)


@dataclass(frozen=True)
class RefundEvent:
    """One refund event of a page, read on its own: its `Refund`, or why it is unreadable.
    `document` is a FinancialEvents object holding this event only (what
    `parse_refund_events` reads again later), `order_id` Amazon's order id as given ("" when
    missing)."""

    document: dict
    order_id: str
    refund: Refund | None = None
    error: AmazonDocumentError | None = None


def split_refund_events(payload):
    """Each refund event of a listFinancialEvents answer (as `parse_refund_events` takes
    it), parsed alone, so that one malformed event does not hide the others of its page.
    Raises AmazonDocumentError when the answer itself is malformed."""
    events = _financial_events(payload)
    found = []
    for list_name, kind in REFUND_EVENT_LISTS.items():
        for index, event in enumerate(_list(events, list_name, list_name)):
            document = {list_name: [event]}
            order_id = event.get("AmazonOrderId") if isinstance(event, dict) else None
            order_id = order_id if isinstance(order_id, str) else ""
            try:
                refund = _refund(event, kind, f"{list_name}[{index}]")
            except AmazonDocumentError as error:
                found.append(RefundEvent(document, order_id, error=error))
            else:
                found.append(RefundEvent(document, order_id, refund=refund))
    return tuple(found)


def _financial_events(payload):
    if not isinstance(payload, dict):
        raise AmazonDocumentError("expected an object", document=DOCUMENT)
    if "payload" in payload:
        payload = payload["payload"]
        if not isinstance(payload, dict):
            raise AmazonDocumentError("expected an object", document=DOCUMENT, path="payload")
    if "FinancialEvents" in payload:
        payload = payload["FinancialEvents"]
        if not isinstance(payload, dict):
            raise AmazonDocumentError(
                "expected an object", document=DOCUMENT, path="FinancialEvents"
            )
    return payload


_list = partial(read_list, document=DOCUMENT)


def _objects(mapping, key, path):
    """(path, object) of each entry of the list `mapping[key]`."""
    for index, value in enumerate(_list(mapping, key, f"{path}.{key}")):
        where = f"{path}.{key}[{index}]"
        yield where, _object(value, where)


_text = partial(read_text, document=DOCUMENT)
_object = partial(expect_object, document=DOCUMENT)


class _Currency:
    """The one currency of an event's amounts."""

    def __init__(self):
        self.code = ""

    def amount(self, money, path):
        """The Decimal of an Amazon `Currency` object ({CurrencyCode, CurrencyAmount})."""
        money = _object(money, path)
        code = _text(money, "CurrencyCode", path, required=True)
        if self.code and code != self.code:
            raise AmazonDocumentError(
                f"amount in {code}, the event's other amounts are in {self.code}",
                document=DOCUMENT,
                path=path,
            )
        self.code = code
        value = money.get("CurrencyAmount")
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise AmazonDocumentError(
                f"CurrencyAmount should be a number, not {value!r}", document=DOCUMENT, path=path
            )
        return decimal_amount(value, document=DOCUMENT, path=path)


def _refund(event, kind, path):
    event = _object(event, path)
    order_id = _text(event, "AmazonOrderId", path, required=True)
    posted = _timestamp(event.get("PostedDate"), f"{path}.PostedDate")
    currency = _Currency()
    items = tuple(
        _item(raw, currency, where)
        for where, raw in _objects(event, "ShipmentItemAdjustmentList", path)
    )
    order_charges = {}
    for charge_type, amount in _charges(
        event, "OrderChargeAdjustmentList", currency, path, type_key="ChargeType"
    ):
        order_charges[charge_type] = order_charges.get(charge_type, ZERO) - amount
    fees = {}
    for list_name in ("ShipmentFeeAdjustmentList", "OrderFeeAdjustmentList"):
        for fee_type, amount in _charges(event, list_name, currency, path, type_key="FeeType"):
            fees[fee_type] = fees.get(fee_type, ZERO) + amount
    return Refund(
        refund_id=_refund_id(order_id, kind, posted, items),
        kind=kind,
        order_id=order_id,
        seller_order_id=_text(event, "SellerOrderId", path),
        marketplace_name=_text(event, "MarketplaceName", path),
        posted=posted,
        currency=currency.code,
        items=items,
        order_charges=order_charges,
        fees=fees,
    )


def _refund_id(order_id, kind, posted, items):
    adjustment_item_ids = {item.order_adjustment_item_id for item in items}
    if items and "" not in adjustment_item_ids:
        return f"{order_id}:{','.join(sorted(adjustment_item_ids))}"
    return f"{order_id}@{posted.isoformat()}#{kind}"


def _timestamp(value, path):
    if not isinstance(value, str) or not value:
        raise AmazonDocumentError("missing PostedDate", document=DOCUMENT, path=path)
    return parse_iso_datetime(
        value.strip().replace("Z", "+00:00"),
        f"not an ISO 8601 date-time: {value!r}",
        document=DOCUMENT,
        path=path,
    )


def _charges(mapping, list_name, currency, path, *, type_key):
    """(type, Amazon's amount) of a ChargeComponent or FeeComponent list."""
    amount_key = "ChargeAmount" if type_key == "ChargeType" else "FeeAmount"
    found = []
    for where, component in _objects(mapping, list_name, path):
        component_type = _text(component, type_key, where, required=True)
        found.append((component_type, currency.amount(component.get(amount_key), where)))
    return found


def _item(raw, currency, path):
    amounts = dict.fromkeys(AMOUNT_FIELDS, ZERO)
    other = {}
    for charge_type, amount in _charges(
        raw, "ItemChargeAdjustmentList", currency, path, type_key="ChargeType"
    ):
        name = _charge_field(charge_type)
        if name is None:
            other[charge_type] = other.get(charge_type, ZERO) - amount
        else:
            amounts[name] += amount if name in _AMAZON_SIGNED_FIELDS else -amount
    models = []
    for where, withheld in _objects(raw, "ItemTaxWithheldList", path):
        model = _text(withheld, "TaxCollectionModel", where)
        if model:
            models.append(model)
        for _charge_type, amount in _charges(
            withheld, "TaxesWithheld", currency, where, type_key="ChargeType"
        ):
            amounts["tax_withheld"] += amount
    promotion_ids = []
    for where, promotion in _objects(raw, "PromotionAdjustmentList", path):
        amounts["promotion"] += currency.amount(promotion.get("PromotionAmount"), where)
        promotion_id = _text(promotion, "PromotionId", where)
        if promotion_id and promotion_id not in promotion_ids:
            promotion_ids.append(promotion_id)
    fees = {}
    for fee_type, amount in _charges(
        raw, "ItemFeeAdjustmentList", currency, path, type_key="FeeType"
    ):
        fees[fee_type] = fees.get(fee_type, ZERO) + amount
    return RefundItem(
        order_item_id=_text(raw, "OrderItemId", path),
        order_adjustment_item_id=_text(raw, "OrderAdjustmentItemId", path),
        sku=_text(raw, "SellerSKU", path),
        quantity=_quantity(raw.get("QuantityShipped"), path),
        other=other,
        fees=fees,
        promotion_ids=tuple(promotion_ids),
        tax_collection_models=tuple(models),
        **amounts,
    )


def _charge_field(charge_type):
    key = charge_type.casefold()
    if key.startswith(_WITHHELD_KEYS):
        return "tax_withheld"
    return _FIELD_BY_KEY.get(key)


def _quantity(value, path):
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AmazonDocumentError(
            f"QuantityShipped should be a whole number, not {value!r}",
            document=DOCUMENT,
            path=path,
        )
    return value
