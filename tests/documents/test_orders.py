"""Orders API 2026-01-01 `Order` documents."""

import copy
import json
from datetime import datetime
from decimal import Decimal

import pytest

from amazon_emulator import find_models_dir, load_contract_validator, make_order
from amazon_sp.documents import AmazonDocumentError, parse_order

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
CREATED = datetime(2026, 11, 20, 8, 30)
ADDRESS = {
    "name": "Jane Doe",
    "addressLine1": "100 Pine Street",
    "addressLine2": "Apt 4",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
    "phone": "+1 206 555 0100",
}


def fbm_order(**overrides):
    values = {
        "fulfilled_by": "MERCHANT",
        "status": "UNSHIPPED",
        "items": [
            {
                "sku": "MUG-1",
                "asin": "B000MUG001",
                "title": "Mug",
                "quantity": 2,
                "unit_price": "19.99",
                "shipping_price": "4.99",
                "gift_wrap_price": "2.00",
                "promotion_discount": "3.00",
                "tax": "1.50",
            },
            {"sku": "BOTTLE-1", "asin": "B000BTL001", "quantity": 1, "unit_price": "10.00"},
        ],
        "buyer": {"name": "Jane Doe", "email": "Jane@Marketplace.Amazon.com"},
        "address": ADDRESS,
        "created": CREATED,
        "updated": CREATED,
    }
    values.update(overrides)
    return make_order("111-0000001-0000001", US, **values)


def test_make_order_output_is_a_valid_amazon_order():
    if not find_models_dir():
        pytest.skip("Amazon API models not found: contract checks skipped")
    validator = load_contract_validator()
    assert validator.validate_definition("orders", "Order", fbm_order()) == []


def test_fbm_order_is_parsed():
    order = parse_order(fbm_order())
    assert order.order_id == "111-0000001-0000001"
    assert order.marketplace_id == US
    assert order.channel == "fbm"
    assert order.status == "UNSHIPPED"
    assert order.currency == "USD"
    assert order.created == CREATED
    assert not order.is_pending
    mug, bottle = order.items
    assert (mug.sku, mug.quantity, mug.unit_price) == ("MUG-1", 2, Decimal("19.99"))
    assert mug.amounts.item == Decimal("39.98")
    assert mug.amounts.shipping == Decimal("4.99")
    assert mug.amounts.gift_wrap == Decimal("2.00")
    assert mug.amounts.discount == Decimal("-3.00")
    assert mug.amounts.tax == Decimal("1.50")
    assert bottle.amounts.total == Decimal("10.00")
    assert order.grand_total == mug.amounts.total + bottle.amounts.total
    assert order.amounts.total == order.grand_total
    assert order.buyer.email == "jane@marketplace.amazon.com"
    assert order.address.street2 == "Apt 4"
    assert order.address.country_code == "US"


def test_same_address_same_key_whatever_the_case():
    first = parse_order(fbm_order()).address
    shouting = {key: value.upper() for key, value in ADDRESS.items()}
    second = parse_order(fbm_order(address=shouting)).address
    assert first.key() == second.key()
    other = parse_order(fbm_order(address={**ADDRESS, "postalCode": "98102"})).address
    assert other.key() != first.key()


def test_fba_order_in_euros():
    raw = make_order(
        "302-0000001-0000001",
        DE,
        fulfilled_by="AMAZON",
        status="SHIPPED",
        items=[{"sku": "MUG-1", "asin": "B000MUG001", "quantity": 1, "unit_price": "11.99"}],
        created=CREATED,
        updated=CREATED,
    )
    order = parse_order(raw)
    assert (order.channel, order.currency, order.grand_total) == ("fba", "EUR", Decimal("11.99"))


def test_pending_order_has_no_address():
    raw = fbm_order(status="PENDING")
    raw.pop("recipient", None)
    order = parse_order(raw)
    assert order.is_pending
    assert order.address is None


def broken(mutate):
    raw = copy.deepcopy(fbm_order())
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda o: o.pop("orderId"), "missing orderId"),
        (lambda o: o.pop("fulfillment"), "missing fulfillment"),
        (lambda o: o["fulfillment"].update(fulfilledBy="SOMEONE"), "unknown fulfilledBy"),
        (lambda o: o.update(orderItems=[]), "an order without items"),
        (lambda o: o["orderItems"][0]["product"].pop("sellerSku"), "missing sellerSku"),
        (lambda o: o["orderItems"][0].update(quantityOrdered="2"), "quantityOrdered should be int"),
        (lambda o: o.update(lastUpdatedTime="yesterday"), "not an ISO 8601"),
        (
            lambda o: o["orderItems"][0]["proceeds"]["breakdowns"][0]["subtotal"].update(
                currencyCode="EUR"
            ),
            "amount in EUR, the order is in USD",
        ),
        (
            lambda o: o["orderItems"][0]["proceeds"]["breakdowns"][0]["subtotal"].update(
                amount="12,50"
            ),
            "not an amount",
        ),
    ],
)
def test_malformed_orders_are_clear_errors(mutate, message):
    with pytest.raises(AmazonDocumentError, match=message):
        parse_order(broken(mutate))


def test_not_an_object():
    with pytest.raises(AmazonDocumentError, match="expected an object"):
        parse_order(["not", "an", "order"])


def test_us_tax_is_collected_by_amazon_and_said_so_per_item():
    order = parse_order(fbm_order())
    assert all(item.tax_collected_by_amazon for item in order.items)
    assert order.items[0].tax_collection_models == ("MARKETPLACE_FACILITATOR",)


def test_seller_collected_tax_has_no_facilitator_model():
    raw = make_order(
        "302-0000001-0000001",
        DE,
        items=[{"sku": "MUG-1", "asin": "B000MUG001", "unit_price": "23.80", "quantity": 2}],
        created=CREATED,
    )
    item = parse_order(raw).items[0]
    assert item.tax_collection_models == ()
    assert not item.tax_collected_by_amazon
    assert item.amounts.item == Decimal("47.60")


def test_tax_split_by_what_it_is_charged_on():
    raw = fbm_order(
        items=[
            {
                "sku": "MUG-1",
                "asin": "B000MUG001",
                "unit_price": "10.00",
                "shipping_price": "5.00",
                "tax": {"ITEM": "0.80", "SHIPPING": "0.40", "COD_FEE": "0.10"},
                "charges": {"COD_FEE": "2.00"},
            }
        ]
    )
    item = parse_order(raw).items[0]
    assert (item.amounts.tax_item, item.amounts.tax_shipping) == (
        Decimal("0.80"),
        Decimal("0.40"),
    )
    assert [(c.kind, c.amount, c.tax) for c in item.charges] == [
        ("COD_FEE", Decimal("2.00"), Decimal("0.10"))
    ]
    assert item.total == Decimal("18.30")


def test_order_level_charges_and_unknown_kinds_are_kept():
    raw = fbm_order(order_charges={"DELIVERY_TIP": "5.00", "SOMETHING_NEW": "1.25"})
    order = parse_order(raw)
    assert [(c.kind, c.amount) for c in order.charges] == [
        ("DELIVERY_TIP", Decimal("5.00")),
        ("SOMETHING_NEW", Decimal("1.25")),
    ]
    items_total = sum(item.total for item in order.items)
    assert order.grand_total == items_total + Decimal("6.25")


def test_amazons_own_example_with_a_delivery_tip():
    if not find_models_dir():
        pytest.skip("Amazon API models not found")
    model = json.loads(
        (find_models_dir() / "models/orders-api-model/orders_2026-01-01.json").read_text()
    )
    examples = [
        order
        for path in model["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        for body in (response.get("examples") or {}).values()
        for order in (body.get("orders") or [body.get("order")] if isinstance(body, dict) else [])
        if isinstance(order, dict)
        and any(
            b.get("type") == "DELIVERY_TIP"
            for b in (order.get("proceeds") or {}).get("breakdowns", [])
        )
    ]
    assert examples, "Amazon's model has an order with a DELIVERY_TIP"
    order = parse_order(examples[0])
    assert [c.kind for c in order.charges] == ["DELIVERY_TIP"]
    assert not any(c.kind in ("ITEM", "TAX") for c in order.charges)
