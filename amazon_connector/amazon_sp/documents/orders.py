"""Orders API 2026-01-01 documents: an `Order` turned into a small typed object.

Amounts come from the PROCEEDS dataset, per item: ITEM (price of the units), SHIPPING,
GIFT_WRAP, DISCOUNT (negative) and TAX. TAX is what Amazon collected on top of the other
amounts (US sales tax, for instance); in marketplaces whose prices include VAT the VAT is
inside ITEM and TAX is zero. So what the buyer paid for an item is the sum of its
breakdowns, and the order's `grandTotal` is the sum over its items. TAX's detailed
breakdowns (subtypes ITEM, SHIPPING, GIFT_WRAP, DISCOUNT) say which amount it belongs to.

Other kinds are charges: COD_FEE and OTHER on an item, and order-level kinds that no item
carries (DELIVERY_TIP, and whatever Amazon adds later). None is dropped: each becomes a
`Charge` with Amazon's type, so the order still adds up to `grandTotal`.

The TAX dataset says, per item, who collects the tax: `taxCollections[].model` is
MARKETPLACE_FACILITATOR when Amazon withholds and remits it (US states, EU and UK deemed
supplier sales, Australia...): that tax is not the seller's.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .common import AmazonDocumentError, parse_iso_datetime, require

DOCUMENT = "Order"
PENDING_STATUSES = frozenset({"PENDING", "PENDING_AVAILABILITY"})
SHIPPED = "SHIPPED"
UNSHIPPED = "UNSHIPPED"
PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
# What the seller still has to ship (merchant-fulfilled orders).
TO_SHIP_STATUSES = (UNSHIPPED, PARTIALLY_SHIPPED)
CANCELLED = "CANCELLED"
FULFILLED_BY = {"AMAZON": "fba", "MERCHANT": "fbm"}
ZERO = Decimal("0")
AMOUNT_KINDS = ("ITEM", "SHIPPING", "GIFT_WRAP", "DISCOUNT", "TAX")
TAX_KIND = "TAX"
# ItemTaxCollection.model: Amazon withholds and remits the tax on the seller's behalf.
MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR"
# Charge types the Orders API documents (others may come: they are kept all the same).
DELIVERY_TIP = "DELIVERY_TIP"
COD_FEE = "COD_FEE"
OTHER_CHARGE = "OTHER"


@dataclass(frozen=True)
class Address:
    name: str
    company: str
    street: str
    street2: str
    city: str
    state: str
    zip: str
    country_code: str
    phone: str

    def key(self):
        """What makes two delivery addresses the same place and recipient."""
        parts = (
            self.name,
            self.company,
            self.street,
            self.street2,
            self.city,
            self.state,
            self.zip,
            self.country_code,
        )
        return "|".join(part.strip().lower() for part in parts)


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str
    company: str


@dataclass(frozen=True)
class Amounts:
    """Amounts of an item (or an order) by kind; TAX split by what it was charged on."""

    item: Decimal = ZERO
    shipping: Decimal = ZERO
    gift_wrap: Decimal = ZERO
    discount: Decimal = ZERO
    tax_item: Decimal = ZERO
    tax_shipping: Decimal = ZERO
    tax_gift_wrap: Decimal = ZERO
    tax_discount: Decimal = ZERO

    @property
    def tax(self):
        return self.tax_item + self.tax_shipping + self.tax_gift_wrap + self.tax_discount

    @property
    def total(self):
        return self.item + self.shipping + self.gift_wrap + self.discount + self.tax


@dataclass(frozen=True)
class Charge:
    """An amount that is not the price, shipping, gift wrap or promotion of an item:
    `kind` is Amazon's type (COD_FEE, OTHER, DELIVERY_TIP, or one Amazon added later)."""

    kind: str
    amount: Decimal
    tax: Decimal = ZERO


@dataclass(frozen=True)
class OrderItem:
    order_item_id: str
    sku: str
    asin: str
    title: str
    quantity: int
    quantity_shipped: int
    unit_price: Decimal
    quantity_unshipped: int
    amounts: Amounts
    charges: tuple = ()
    tax_collection_models: tuple = ()
    cancelled: bool = False  # Amazon cancelled (some of) the units: see quantity_due

    @property
    def quantity_due(self):
        """The units the buyer still gets: all of them, or once Amazon cancelled the item,
        those shipped and still to ship."""
        if not self.cancelled:
            return self.quantity
        return min(self.quantity, self.quantity_shipped + self.quantity_unshipped)

    @property
    def tax_collected_by_amazon(self):
        """Amazon withholds and remits this item's tax (marketplace facilitator)."""
        return MARKETPLACE_FACILITATOR in self.tax_collection_models

    @property
    def total(self):
        """What the buyer paid for the item, its charges included."""
        return self.amounts.total + sum((c.amount + c.tax for c in self.charges), ZERO)


@dataclass(frozen=True)
class AmazonOrder:
    order_id: str
    marketplace_id: str
    created: datetime
    last_updated: datetime
    status: str
    channel: str  # "fba" or "fbm"
    currency: str
    items: tuple
    grand_total: Decimal
    buyer: Buyer | None = None
    address: Address | None = None
    charges: tuple = ()  # order-level charges (DELIVERY_TIP...), not attributed to an item
    ship_by: datetime | None = None  # the end of Amazon's promised ship-by window
    raw: dict = field(default=None, repr=False, compare=False)

    @property
    def is_pending(self):
        return self.status in PENDING_STATUSES

    @property
    def is_cancelled(self):
        return self.status == CANCELLED

    @property
    def is_shipped(self):
        """Every unit left (for FBM orders: the seller already shipped it)."""
        return self.status == SHIPPED

    @property
    def is_partially_shipped(self):
        return self.status == PARTIALLY_SHIPPED

    @property
    def amounts(self):
        """The items' amounts added up by kind."""
        totals = {name: ZERO for name in Amounts.__dataclass_fields__}
        for item in self.items:
            for name in totals:
                totals[name] += getattr(item.amounts, name)
        return Amounts(**totals)


def parse_timestamp(value, *, path, name):
    if not isinstance(value, str) or not value:
        raise AmazonDocumentError(f"missing {name}", document=DOCUMENT, path=path)
    return parse_iso_datetime(
        value.replace("Z", "+00:00"),
        f"{name} is not an ISO 8601 date-time: {value!r}",
        document=DOCUMENT,
        path=path,
    )


def parse_money(money, currency, *, path):
    """Amount of a Money object, which must be in the order's currency."""
    if not isinstance(money, dict):
        raise AmazonDocumentError("expected a Money object", document=DOCUMENT, path=path)
    code = money.get("currencyCode")
    if currency and code != currency:
        raise AmazonDocumentError(
            f"amount in {code}, the order is in {currency}", document=DOCUMENT, path=path
        )
    try:
        return Decimal(str(money.get("amount")))
    except (InvalidOperation, ValueError):
        raise AmazonDocumentError(
            f"not an amount: {money.get('amount')!r}", document=DOCUMENT, path=path
        ) from None


def _text(mapping, *keys):
    values = (mapping or {}).get
    return " ".join(str(values(key)).strip() for key in keys if values(key)).strip()


def parse_address(recipient):
    address = (recipient or {}).get("deliveryAddress")
    if not address:
        return None
    return Address(
        name=_text(address, "name"),
        company=_text(address, "companyName"),
        street=_text(address, "addressLine1"),
        street2=_text(address, "addressLine2", "addressLine3"),
        city=_text(address, "city") or _text(address, "municipality"),
        state=_text(address, "stateOrRegion"),
        zip=_text(address, "postalCode"),
        country_code=_text(address, "countryCode").upper(),
        phone=_text(address, "phone"),
    )


def parse_buyer(buyer):
    if not buyer:
        return None
    return Buyer(
        name=_text(buyer, "buyerName"),
        email=_text(buyer, "buyerEmail").lower(),
        company=_text(buyer, "buyerCompanyName"),
    )


def _item_amounts(item, currency, path):
    """(Amounts, charges) of an item, from its PROCEEDS breakdowns."""
    proceeds = item.get("proceeds") or {}
    values = dict.fromkeys(Amounts.__dataclass_fields__, ZERO)
    charges, charge_taxes = {}, {}
    for index, breakdown in enumerate(proceeds.get("breakdowns") or []):
        where = f"{path}.proceeds.breakdowns[{index}]"
        kind = require(breakdown, "type", document=DOCUMENT, path=where)
        amount = parse_money(breakdown.get("subtotal"), currency, path=f"{where}.subtotal")
        if kind == TAX_KIND:
            _split_tax(breakdown, amount, currency, where, values=values, charge_taxes=charge_taxes)
        elif kind in AMOUNT_KINDS:
            values[kind.lower()] += amount
        else:
            charges[kind] = charges.get(kind, ZERO) + amount
    for kind in charge_taxes:
        charges.setdefault(kind, ZERO)
    return Amounts(**values), tuple(
        Charge(kind, amount, charge_taxes.get(kind, ZERO)) for kind, amount in charges.items()
    )


def _split_tax(breakdown, amount, currency, where, *, values, charge_taxes):
    """TAX by what it was charged on (into `values`, or `charge_taxes` for charges);
    without details, all of it on the item."""
    details = breakdown.get("detailedBreakdowns") or []
    if not details:
        values["tax_item"] += amount
        return
    for index, detail in enumerate(details):
        part = parse_money(detail.get("value"), currency, path=f"{where}.detailed[{index}]")
        subtype = detail.get("subtype") or "ITEM"
        name = f"tax_{subtype.lower()}"
        if name in values:
            values[name] += part
        else:
            charge_taxes[subtype] = charge_taxes.get(subtype, ZERO) + part


def _tax_collection_models(item):
    collections = ((item.get("tax") or {}).get("taxCollections")) or []
    return tuple(c.get("model") for c in collections if isinstance(c, dict) and c.get("model"))


def _order_charges(order, items, currency, path):
    """Order-level proceeds of kinds that no item carries (DELIVERY_TIP...)."""
    item_kinds = {kind for item in items for kind in _item_breakdown_kinds(item)}
    charges = []
    breakdowns = ((order.get("proceeds") or {}).get("breakdowns")) or []
    for index, breakdown in enumerate(breakdowns):
        where = f"{path}.proceeds.breakdowns[{index}]"
        kind = require(breakdown, "type", document=DOCUMENT, path=where)
        if kind in item_kinds or kind in AMOUNT_KINDS:
            continue  # the items' amounts added up
        amount = parse_money(breakdown.get("subtotal"), currency, path=f"{where}.subtotal")
        charges.append(Charge(kind, amount))
    return tuple(charges)


def _item_breakdown_kinds(raw_item):
    breakdowns = ((raw_item.get("proceeds") or {}).get("breakdowns")) or []
    return {b.get("type") for b in breakdowns if isinstance(b, dict)}


def _order_currency(order):
    total = ((order.get("proceeds") or {}).get("grandTotal")) or {}
    if total.get("currencyCode"):
        return total["currencyCode"]
    for item in order.get("orderItems") or []:
        price = (((item.get("product") or {}).get("price") or {}).get("unitPrice")) or {}
        if price.get("currencyCode"):
            return price["currencyCode"]
    raise AmazonDocumentError("no currency in the order", document=DOCUMENT)


def parse_order_item(item, currency, path):
    item_id = require(item, "orderItemId", document=DOCUMENT, path=path)
    quantity = require(item, "quantityOrdered", document=DOCUMENT, path=path, kind=int)
    if quantity < 0:
        raise AmazonDocumentError("negative quantityOrdered", document=DOCUMENT, path=path)
    product = require(item, "product", document=DOCUMENT, path=path, kind=dict)
    sku = require(product, "sellerSku", document=DOCUMENT, path=f"{path}.product")
    amounts, charges = _item_amounts(item, currency, path)
    price = ((product.get("price") or {}).get("unitPrice")) or None
    if price:
        unit_price = parse_money(price, currency, path=f"{path}.product.price.unitPrice")
    elif quantity:
        unit_price = amounts.item / quantity
    else:
        unit_price = ZERO
    fulfillment = item.get("fulfillment") or {}
    shipped = fulfillment.get("quantityFulfilled") or 0
    unshipped = fulfillment.get("quantityUnfulfilled")
    cancellation = (item.get("cancellation") or {}).get("cancellationExecution")
    return OrderItem(
        order_item_id=item_id,
        sku=sku,
        asin=product.get("asin") or "",
        title=product.get("title") or sku,
        quantity=quantity,
        quantity_shipped=int(shipped),
        unit_price=unit_price,
        quantity_unshipped=int(quantity - shipped if unshipped is None else unshipped),
        amounts=amounts,
        charges=charges,
        tax_collection_models=_tax_collection_models(item),
        cancelled=bool(cancellation),
    )


def parse_order(order):
    """An Orders API 2026-01-01 `Order` (with FULFILLMENT and PROCEEDS) as an AmazonOrder."""
    if not isinstance(order, dict):
        raise AmazonDocumentError("expected an object", document=DOCUMENT)
    order_id = require(order, "orderId", document=DOCUMENT, path="orderId")
    path = f"order {order_id}"
    channel_info = require(order, "salesChannel", document=DOCUMENT, path=path, kind=dict)
    marketplace_id = require(channel_info, "marketplaceId", document=DOCUMENT, path=path)
    fulfillment = require(order, "fulfillment", document=DOCUMENT, path=path, kind=dict)
    status = require(fulfillment, "fulfillmentStatus", document=DOCUMENT, path=path)
    fulfilled_by = require(fulfillment, "fulfilledBy", document=DOCUMENT, path=path)
    if fulfilled_by not in FULFILLED_BY:
        raise AmazonDocumentError(
            f"unknown fulfilledBy {fulfilled_by!r}", document=DOCUMENT, path=path
        )
    currency = _order_currency(order)
    raw_items = require(order, "orderItems", document=DOCUMENT, path=path, kind=list)
    items = tuple(
        parse_order_item(item, currency, f"{path}.orderItems[{index}]")
        for index, item in enumerate(raw_items)
    )
    if not items:
        raise AmazonDocumentError("an order without items", document=DOCUMENT, path=path)
    charges = _order_charges(order, raw_items, currency, path)
    grand_total_money = (order.get("proceeds") or {}).get("grandTotal")
    grand_total = (
        parse_money(grand_total_money, currency, path=f"{path}.proceeds.grandTotal")
        if grand_total_money
        else sum((item.total for item in items), ZERO) + sum((c.amount for c in charges), ZERO)
    )
    return AmazonOrder(
        order_id=order_id,
        marketplace_id=marketplace_id,
        created=parse_timestamp(order.get("createdTime"), path=path, name="createdTime"),
        last_updated=parse_timestamp(
            order.get("lastUpdatedTime"), path=path, name="lastUpdatedTime"
        ),
        status=status,
        channel=FULFILLED_BY[fulfilled_by],
        currency=currency,
        items=items,
        grand_total=grand_total,
        buyer=parse_buyer(order.get("buyer")),
        address=parse_address(order.get("recipient")),
        charges=charges,
        ship_by=_ship_by(fulfillment, path),
        raw=order,
    )


def _ship_by(fulfillment, path):
    latest = (fulfillment.get("shipByWindow") or {}).get("latestDateTime")
    if not latest:
        return None
    return parse_timestamp(latest, path=f"{path}.fulfillment.shipByWindow", name="latestDateTime")
