"""make_order builds valid Amazon orders; the demo scenario is made of them."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from emulator_support import MODELS_DIR, NOW, US, requires_models

from amazon_emulator import ContractValidator, make_order
from amazon_emulator.orders import FULFILLMENT_STATUSES
from amazon_emulator.scenarios import DEMO_SELLER_ID, demo_scenario

ITEMS = [
    {
        "sku": "MUG",
        "asin": "B000000001",
        "title": "Mug",
        "quantity": 2,
        "unit_price": "19.99",
        "shipping_price": "4.99",
        "gift_wrap_price": "2.5",
        "promotion_discount": "3",
        "tax": "1.20",
    },
    {"sku": "PEN", "asin": "B000000002", "title": "Pen", "quantity": 3, "unit_price": 1},
]
BUYER = {"name": "Jane Doe", "email": "jane@marketplace.amazon.com"}
ADDRESS = {
    "name": "Jane Doe",
    "addressLine1": "1 Main St",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
    "phone": "+1 206 555 0100",
}


def build(**overrides):
    arguments = {
        "order_id": "111-0000001-0000001",
        "marketplace_id": US,
        "items": ITEMS,
        "buyer": BUYER,
        "address": ADDRESS,
        "created": NOW,
        **overrides,
    }
    return make_order(**arguments)


@pytest.fixture(scope="module")
def validator():
    return ContractValidator(MODELS_DIR)


@requires_models
@pytest.mark.parametrize("fulfilled_by", ["AMAZON", "MERCHANT"])
@pytest.mark.parametrize("status", FULFILLMENT_STATUSES)
def test_orders_validate_against_amazons_order_schema(validator, fulfilled_by, status):
    order = build(fulfilled_by=fulfilled_by, status=status)

    assert validator.validate_definition("orders", "Order", order) == []


@requires_models
def test_demo_orders_validate(validator):
    for order in demo_scenario(NOW)["orders"][DEMO_SELLER_ID]:
        assert validator.validate_definition("orders", "Order", order) == [], order["orderId"]


def test_amounts_are_decimal_strings_that_add_up():
    order = build(fulfilled_by="MERCHANT")
    mug, pen = order["orderItems"]

    breakdowns = {b["type"]: b["subtotal"]["amount"] for b in mug["proceeds"]["breakdowns"]}
    assert breakdowns == {
        "ITEM": "39.98",
        "SHIPPING": "4.99",
        "GIFT_WRAP": "2.50",
        "DISCOUNT": "-3.00",
        "TAX": "1.20",
    }
    assert mug["proceeds"]["proceedsTotal"] == {"amount": "45.67", "currencyCode": "USD"}
    assert pen["product"]["price"]["unitPrice"] == {"amount": "1.00", "currencyCode": "USD"}
    assert order["proceeds"]["grandTotal"]["amount"] == "48.67"
    order_breakdowns = {b["type"]: b["subtotal"]["amount"] for b in order["proceeds"]["breakdowns"]}
    assert Decimal(order_breakdowns["ITEM"]) == Decimal("42.98")
    assert mug["promotion"] == {"breakdowns": [{"promotionId": "PROMO-MUG"}]}


def test_order_basics():
    order = build(status="UNSHIPPED", created=datetime(2026, 3, 1, 8, 30, 15, 999, timezone.utc))

    assert order["createdTime"] == order["lastUpdatedTime"] == "2026-03-01T08:30:15Z"
    assert order["salesChannel"] == {
        "channelName": "AMAZON",
        "marketplaceId": US,
        "marketplaceName": "Amazon.com",
    }
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert order["fulfillment"]["fulfilledBy"] == "AMAZON"
    assert len(order["orderItems"][0]["orderItemId"]) == 14
    assert order["orderItems"][0]["orderItemId"] == build()["orderItems"][0]["orderItemId"]


def test_item_quantities_follow_the_status():
    def quantities(status):
        return [
            (i["fulfillment"]["quantityFulfilled"], i["fulfillment"]["quantityUnfulfilled"])
            for i in build(status=status)["orderItems"]
        ]

    assert quantities("SHIPPED") == [(2, 0), (3, 0)]
    assert quantities("UNSHIPPED") == [(0, 2), (0, 3)]
    assert quantities("PARTIALLY_SHIPPED") == [(2, 0), (0, 3)]
    assert quantities("CANCELLED") == [(0, 0), (0, 0)]


def test_fba_orders_have_no_buyer_email_phone_or_packages():
    fba, fbm = build(fulfilled_by="AMAZON"), build(fulfilled_by="MERCHANT")

    assert "buyerEmail" not in fba["buyer"]
    assert "phone" not in fba["recipient"]["deliveryAddress"]
    assert "packages" not in fba
    assert fbm["buyer"]["buyerEmail"] == BUYER["email"]
    assert fbm["packages"][0]["packageItems"] == [
        {"orderItemId": item["orderItemId"], "quantity": item["quantityOrdered"]}
        for item in fbm["orderItems"]
    ]


def test_currency_follows_the_marketplace():
    de = build(marketplace_id="DE", order_id="302-0000001-0000001")
    jp = build(marketplace_id="JP", order_id="503-0000001-0000001")

    assert de["proceeds"]["grandTotal"]["currencyCode"] == "EUR"
    assert jp["orderItems"][1]["product"]["price"]["unitPrice"] == {
        "amount": "1",
        "currencyCode": "JPY",
    }


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        build(status="SHIPPED_NOT_REAL")
    with pytest.raises(ValueError):
        build(fulfilled_by="SELLER")
    with pytest.raises(KeyError):
        build(marketplace_id="NOWHERE")


def test_demo_scenario_is_deterministic_apart_from_times():
    first = demo_scenario(NOW)
    later = demo_scenario(datetime(2027, 1, 1, tzinfo=timezone.utc))
    ids = [o["orderId"] for o in first["orders"][DEMO_SELLER_ID]]

    assert ids == [o["orderId"] for o in later["orders"][DEMO_SELLER_ID]]
    assert len(ids) == 12
    assert ids[0] == "111-0000001-0000001"
    assert "302-0000001-0000001" in ids
    statuses = {o["fulfillment"]["fulfillmentStatus"] for o in first["orders"][DEMO_SELLER_ID]}
    assert statuses == {"SHIPPED", "UNSHIPPED", "PARTIALLY_SHIPPED", "PENDING", "CANCELLED"}
    skus = {
        item["product"]["sellerSku"]
        for order in first["orders"][DEMO_SELLER_ID]
        for item in order["orderItems"]
    }
    assert skus == {"DEMO-MUG-01", "DEMO-TSHIRT-M", "DEMO-BOTTLE-75", "DEMO-NOTEBOOK-A5"}
