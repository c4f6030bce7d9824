"""Built-in scenarios: sellers and orders to start the emulator with.

A scenario is plain data, the shape `AmazonEmulator.load_scenario()` takes (and a scenario
file holds, as JSON):

    {"sellers": [{"seller_id", "client_id", "client_secret", "refresh_token",
                  "marketplace_ids", "store_name"?}, ...],
     "orders": {"<seller_id>": [<Orders API 2026-01-01 Order>, ...]},
     "refunds": {"<seller_id>": [<AmazonEmulator.add_refund keyword arguments>, ...]},
     "settlements": {"<seller_id>": [<AmazonEmulator.add_settlement keyword arguments>, ...]},
     "purchase_orders": {"<seller_id>": [<Vendor Orders Order>, ...]},
     "df_orders": {"<seller_id>": [<Vendor Direct Fulfillment Order>, ...]}}
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from .clock import as_utc
from .df_orders import make_df_order
from .marketplaces import get_marketplace
from .orders import make_order
from .vendor_orders import make_purchase_order

DEMO_SELLER_ID = "A1DEMOSELLER0001"
DEMO_CLIENT_ID = "amzn1.application-oa2-client.demo"
DEMO_CLIENT_SECRET = "demo-client-secret"
DEMO_REFRESH_TOKEN = "Atzr|demo-refresh-token"
DEMO_MARKETPLACES = ("US", "DE")

# sku: (asin, title, {country: unit price})
_DEMO_PRODUCTS = {
    "DEMO-MUG-01": ("B0DEMOMUG1", "Demo Ceramic Mug 350 ml", {"US": "12.99", "DE": "11.99"}),
    "DEMO-TSHIRT-M": ("B0DEMOTSH1", "Demo T-Shirt, size M", {"US": "19.99", "DE": "17.99"}),
    "DEMO-BOTTLE-75": ("B0DEMOBTL1", "Demo Water Bottle 750 ml", {"US": "24.50", "DE": "22.90"}),
    "DEMO-NOTEBOOK-A5": ("B0DEMONTB1", "Demo Notebook A5, dotted", {"US": "8.75", "DE": "7.95"}),
}

# Fictitious customers, by country.
_DEMO_CUSTOMERS = {
    "US": [
        ("Jane Doe", "Seattle", "WA", "98101", "100 Pine Street"),
        ("John Roe", "Austin", "TX", "78701", "42 Congress Avenue"),
        ("Alex Poe", "Denver", "CO", "80202", "7 Larimer Square"),
    ],
    "DE": [
        ("Erika Mustermann", "Berlin", "BE", "10115", "Invalidenstr. 1"),
        ("Max Mustermann", "München", "BY", "80331", "Marienplatz 8"),
    ],
}

_ORDER_ID_PREFIXES = {"US": "111", "DE": "302"}
_US_SALES_TAX = Decimal("0.0825")  # US prices exclude tax; EU prices include VAT
_FBM_SHIPPING = {"US": "4.99", "DE": "3.99"}

# country, fulfilled by, status, lines (sku, quantity, extras), hours since created, since updated
_DEMO_ORDERS = [
    ("US", "AMAZON", "SHIPPED", [("DEMO-MUG-01", 2, {})], 90, 70),
    (
        "US",
        "AMAZON",
        "SHIPPED",
        [
            ("DEMO-TSHIRT-M", 1, {}),
            ("DEMO-BOTTLE-75", 1, {"promotion_discount": "5.00", "promotion_id": "DEMO-SPRING-5"}),
        ],
        80,
        60,
    ),
    ("US", "MERCHANT", "UNSHIPPED", [("DEMO-NOTEBOOK-A5", 3, {"gift_wrap_price": "3.99"})], 30, 30),
    (
        "US",
        "MERCHANT",
        "PARTIALLY_SHIPPED",
        [("DEMO-MUG-01", 1, {"quantity_shipped": 1}), ("DEMO-BOTTLE-75", 2, {})],
        50,
        20,
    ),
    ("US", "MERCHANT", "PENDING", [("DEMO-TSHIRT-M", 1, {})], 2, 2),
    ("US", "MERCHANT", "CANCELLED", [("DEMO-BOTTLE-75", 1, {})], 60, 40),
    ("US", "MERCHANT", "SHIPPED", [("DEMO-MUG-01", 1, {}), ("DEMO-NOTEBOOK-A5", 2, {})], 70, 45),
    ("DE", "AMAZON", "SHIPPED", [("DEMO-MUG-01", 1, {})], 85, 65),
    ("DE", "MERCHANT", "UNSHIPPED", [("DEMO-TSHIRT-M", 2, {})], 20, 20),
    (
        "DE",
        "MERCHANT",
        "SHIPPED",
        [("DEMO-BOTTLE-75", 1, {}), ("DEMO-NOTEBOOK-A5", 2, {})],
        75,
        50,
    ),
    ("DE", "AMAZON", "SHIPPED", [("DEMO-NOTEBOOK-A5", 1, {})], 40, 26),
    ("DE", "MERCHANT", "UNSHIPPED", [("DEMO-MUG-01", 4, {})], 6, 6),
]


def demo_scenario(now: datetime) -> dict:
    """The demo seller with 12 orders of the last four days in the US and DE marketplaces,
    Amazon's refund of one unit of the first, and the settlement of its Amazon-fulfilled US
    orders (with a subscription fee); as a vendor, 3 purchase orders and 3 Direct
    Fulfillment orders.

    Order ids are the same on every run (`111-0000001-0000001`...); times follow `now`.
    """
    now = as_utc(now).replace(microsecond=0)
    numbers = {country: 0 for country in _ORDER_ID_PREFIXES}
    orders = []
    for country, fulfilled_by, status, lines, created_hours, updated_hours in _DEMO_ORDERS:
        numbers[country] += 1
        orders.append(
            make_order(
                order_id=f"{_ORDER_ID_PREFIXES[country]}-0000001-{numbers[country]:07d}",
                marketplace_id=get_marketplace(country).marketplace_id,
                fulfilled_by=fulfilled_by,
                status=status,
                items=[_demo_item(country, fulfilled_by, *line) for line in lines],
                buyer=_demo_buyer(country, numbers[country]),
                address=_demo_address(country, numbers[country]),
                created=now - timedelta(hours=created_hours),
                updated=now - timedelta(hours=updated_hours),
            )
        )
    settled = [
        order["orderId"]
        for order in orders
        if order["salesChannel"]["marketplaceId"] == get_marketplace("US").marketplace_id
        and order["fulfillment"]["fulfilledBy"] == "AMAZON"
    ]
    settlement = {
        "marketplace_id": "US",
        "start": now - timedelta(days=14),
        "end": now - timedelta(minutes=30),
        "order_ids": settled,
        "other_fees": {"Subscription Fee": "-39.99"},
        "compressed": True,
    }
    refund = {
        "order_id": orders[0]["orderId"],
        "items": {"DEMO-MUG-01": 1},
        "posted": now - timedelta(hours=3),
        "reason": "Buyer returned a mug",
    }
    return {
        "sellers": [_demo_seller()],
        "orders": {DEMO_SELLER_ID: orders},
        "refunds": {DEMO_SELLER_ID: [refund]},
        "settlements": {DEMO_SELLER_ID: [settlement]},
        "purchase_orders": {DEMO_SELLER_ID: _demo_purchase_orders(now)},
        "df_orders": {DEMO_SELLER_ID: _demo_df_orders(now)},
    }


def _demo_purchase_orders(now: datetime) -> list[dict]:
    """Amazon, as the demo vendor's customer: three purchase orders of the last day, one
    covered by stock, one partly (back-orders allowed), one for a product out of stock."""
    lines = [
        ("DEMO0001", "ABE2", [("DEMO-MUG-01", "B0DEMOMUG1", 2, "Cases", 6, "6.45", False)]),
        ("DEMO0002", "ABE8", [("DEMO-BOTTLE-75", "B0DEMOBTL7", 20, "Eaches", 1, "9.80", True)]),
        (
            "DEMO0003",
            "BFI4",
            [
                ("DEMO-NOTEBOOK-A5", "B0DEMONTA5", 30, "Eaches", 1, "3.90", False),
                ("DEMO-TSHIRT-M", "B0DEMOTSHM", 10, "Eaches", 1, "11.50", True),
            ],
        ),
    ]
    return [
        make_purchase_order(
            number,
            ship_to=ship_to,
            items=[
                {
                    "vendor_sku": sku,
                    "asin": asin,
                    "quantity": quantity,
                    "unit_of_measure": unit,
                    "unit_size": size,
                    "net_cost": cost,
                    "currency": "USD",
                    "back_order_allowed": back_order,
                }
                for sku, asin, quantity, unit, size, cost, back_order in items
            ],
            created=now - timedelta(hours=20 - 6 * position),
        )
        for position, (number, ship_to, items) in enumerate(lines)
    ]


# The demo vendor's code and the warehouse it ships Direct Fulfillment orders from.
DEMO_VENDOR_CODE = "VNDR1"
DEMO_DF_WAREHOUSE = "DFWH1"


def _demo_df_orders(now: datetime) -> list[dict]:
    """Three Direct Fulfillment orders Amazon's customers placed 45 minutes ago (a 60-to-30
    minute window finds them), of the products of the demo purchase orders: one plain, one
    a gift with a message, one that needs a packing slip."""
    created = now - timedelta(minutes=45)
    lines = [
        ("DFDEMO0001", [("DEMO-MUG-01", 1, "6.45", "B0DEMOMUG1")], {}),
        (
            "DFDEMO0002",
            [("DEMO-BOTTLE-75", 1, "9.80", "B0DEMOBTL7")],
            {"is_gift": True, "gift_message": "Happy birthday! Love, Sam"},
        ),
        (
            "DFDEMO0003",
            [
                ("DEMO-NOTEBOOK-A5", 2, "3.90", "B0DEMONTA5"),
                ("DEMO-TSHIRT-M", 1, "11.50", "B0DEMOTSHM"),
            ],
            {"pslip_required": True},
        ),
    ]
    return [
        make_df_order(
            number,
            created=created + timedelta(seconds=position),
            items=items,
            selling_party=DEMO_VENDOR_CODE,
            ship_from=DEMO_DF_WAREHOUSE,
            ship_to=_demo_address("US", position + 1),
            **options,
        )
        for position, (number, items, options) in enumerate(lines)
    ]


def _demo_seller() -> dict:
    return {
        "seller_id": DEMO_SELLER_ID,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "refresh_token": DEMO_REFRESH_TOKEN,
        "marketplace_ids": [get_marketplace(c).marketplace_id for c in DEMO_MARKETPLACES],
        "store_name": "Demo Store",
    }


def _demo_item(country: str, fulfilled_by: str, sku: str, quantity: int, extras: dict) -> dict:
    asin, title, prices = _DEMO_PRODUCTS[sku]
    unit_price = Decimal(prices[country])
    tax = unit_price * quantity * _US_SALES_TAX if country == "US" else Decimal(0)
    shipping = _FBM_SHIPPING[country] if fulfilled_by == "MERCHANT" else "0.00"
    return {
        "sku": sku,
        "asin": asin,
        "title": title,
        "quantity": quantity,
        "unit_price": str(unit_price),
        "shipping_price": shipping,
        "tax": str(tax.quantize(Decimal("0.01"))),
        **extras,
    }


def _demo_customer(country: str, number: int) -> tuple:
    customers = _DEMO_CUSTOMERS[country]
    return customers[(number - 1) % len(customers)]


def _demo_buyer(country: str, number: int) -> dict:
    name = _demo_customer(country, number)[0]
    domain = get_marketplace(country).domain.removeprefix("www.")
    return {"name": name, "email": f"demo{number:04d}{country.lower()}@marketplace.{domain}"}


def _demo_address(country: str, number: int) -> dict:
    name, city, region, postal_code, street = _demo_customer(country, number)
    return {
        "name": name,
        "addressLine1": street,
        "city": city,
        "stateOrRegion": region,
        "postalCode": postal_code,
        "countryCode": country,
        "phone": "+1 206 555 0100" if country == "US" else "+49 30 1234567",
    }


def empty_scenario(now: datetime) -> dict:
    """The demo seller without orders."""
    return {"sellers": [_demo_seller()], "orders": {}}


SCENARIOS: dict[str, Callable[[datetime], dict]] = {
    "demo": demo_scenario,
    "empty": empty_scenario,
}


def build_scenario(name: str, now: datetime) -> dict:
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; one of {sorted(SCENARIOS)}")
    return SCENARIOS[name](now)
