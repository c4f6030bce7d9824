"""Finances v0: refunds of stored orders served by listFinancialEvents and
listFinancialEventsByOrderId, the request rules, pagination, faults, and the same refunds in
settlement reports."""

from datetime import timedelta
from decimal import Decimal

import pytest
from emulator_support import DE, NOW, OTHER_SELLER, SELLER, US, SpApi, iso

from amazon_emulator import make_order
from amazon_emulator.ratelimit import USAGE_PLANS

SELLER_ID = SELLER["seller_id"]
EVENTS = "/finances/v0/financialEvents"
ORDER = "111-0000001-0000001"
GERMAN_ORDER = "302-0000001-0000001"
SHIPPED = NOW - timedelta(days=5)


def by_order_path(order_id):
    return f"/finances/v0/orders/{order_id}/financialEvents"


def us_order(order_id=ORDER, quantity=3, **item):
    """A shipped FBA order of the US (sales tax collected by Amazon): a mug with shipping,
    gift wrap, a promotion and tax on each, and a cup."""
    mug = {
        "sku": "MUG-1",
        "asin": "B000MUG001",
        "quantity": quantity,
        "unit_price": "10.00",
        "shipping_price": "4.99",
        "gift_wrap_price": "2.00",
        "promotion_discount": "1.00",
        "tax": {"ITEM": "2.40", "SHIPPING": "0.40", "GIFT_WRAP": "0.16"},
        **item,
    }
    cup = {"sku": "CUP-1", "asin": "B000CUP001", "unit_price": "5.00", "tax": "0.40"}
    return make_order(order_id, US, "AMAZON", "SHIPPED", [mug, cup], created=SHIPPED)


def german_order():
    """A shipped order of Germany, VAT inside the price and collected by the seller."""
    return make_order(
        GERMAN_ORDER,
        DE,
        "MERCHANT",
        "SHIPPED",
        [{"sku": "MUG-1", "asin": "B000MUG001", "quantity": 2, "unit_price": "19.99"}],
        created=SHIPPED,
    )


def charges(event_item):
    return {
        c["ChargeType"]: Decimal(str(c["ChargeAmount"]["CurrencyAmount"]))
        for c in event_item["ItemChargeAdjustmentList"]
    }


def withheld(event_item):
    return {
        c["ChargeType"]: Decimal(str(c["ChargeAmount"]["CurrencyAmount"]))
        for group in event_item.get("ItemTaxWithheldList", [])
        for c in group["TaxesWithheld"]
    }


def promotions(event_item):
    return [
        Decimal(str(p["PromotionAmount"]["CurrencyAmount"]))
        for p in event_item.get("PromotionAdjustmentList", [])
    ]


def fees(event_item):
    return {
        f["FeeType"]: Decimal(str(f["FeeAmount"]["CurrencyAmount"]))
        for f in event_item["ItemFeeAdjustmentList"]
    }


def listed(api, **params):
    """The RefundEventList of one listFinancialEvents page, and the page's payload."""
    response = api.get(EVENTS, **params)
    assert response.status_code == 200, response.text
    payload = response.json()["payload"]
    return payload["FinancialEvents"]["RefundEventList"], payload


def errors(response):
    assert response.status_code == 400, response.text
    return [error["message"] for error in response.json()["errors"]]


# add_refund: what a refund holds


def test_a_full_refund_is_a_refund_event_signed_as_amazon_sends_it(emulator, api):
    emulator.add_order(SELLER_ID, us_order())

    refund = emulator.add_refund(SELLER_ID, ORDER, posted=NOW - timedelta(hours=3))

    (event,) = listed(api, PostedAfter=iso(NOW - timedelta(days=1)))[0]
    assert event == refund["event"]
    assert event["AmazonOrderId"] == ORDER
    assert event["MarketplaceName"] == "Amazon.com"
    assert event["PostedDate"] == iso(NOW - timedelta(hours=3))
    mug, cup = event["ShipmentItemAdjustmentList"]
    assert (mug["SellerSKU"], mug["QuantityShipped"], cup["QuantityShipped"]) == ("MUG-1", 3, 1)
    assert "OrderItemId" not in mug  # as Amazon's refunds often are
    assert charges(mug) == {
        "Principal": Decimal("-30.00"),
        "ShippingCharge": Decimal("-4.99"),
        "Giftwrap": Decimal("-2.00"),
        "Tax": Decimal("-2.40"),
        "ShippingTax": Decimal("-0.40"),
        "GiftwrapTax": Decimal("-0.16"),
    }
    assert withheld(mug) == {
        "MarketplaceFacilitatorTax-Principal": Decimal("2.40"),
        "MarketplaceFacilitatorTax-Shipping": Decimal("0.40"),
        "MarketplaceFacilitatorTax-Giftwrap": Decimal("0.16"),
    }
    assert mug["ItemTaxWithheldList"][0]["TaxCollectionModel"] == "MarketplaceFacilitator"
    assert promotions(mug) == [Decimal("1.00")]
    assert fees(mug) == {"Commission": Decimal("4.50"), "RefundCommission": Decimal("-0.90")}
    assert charges(cup) == {"Principal": Decimal("-5.00"), "Tax": Decimal("-0.40")}
    ids = sorted(item["OrderAdjustmentItemId"] for item in event["ShipmentItemAdjustmentList"])
    assert all(len(i) == 14 and i.isdigit() for i in ids)
    assert refund["refund_id"] == f"{ORDER}:{','.join(ids)}"
    assert refund["adjustment_id"].startswith("amzn1:crow:")


def test_a_full_refund_gives_back_what_the_buyer_paid(emulator):
    order = us_order()
    emulator.add_order(SELLER_ID, order)

    refund = emulator.add_refund(SELLER_ID, ORDER)

    paid = Decimal(order["proceeds"]["grandTotal"]["amount"])
    given_back = sum(
        -amount
        for item in refund["items"]
        for amount in [*item["charges"].values(), *(p["amount"] for p in item["promotions"])]
    )
    assert given_back == paid


def test_partial_refunds_are_proportional_and_add_up_to_the_item(emulator, api):
    emulator.add_order(SELLER_ID, us_order())

    first = emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1})
    rest = emulator.add_refund(SELLER_ID, ORDER, items=[{"sku": "MUG-1", "quantity": 2}])

    (one,) = first["items"]
    (two,) = rest["items"]
    assert (one["quantity"], two["quantity"]) == (1, 2)
    assert one["charges"]["Principal"] == Decimal("-10.00")
    assert one["charges"]["ShippingCharge"] == Decimal("-1.66")
    assert two["charges"]["ShippingCharge"] == Decimal("-3.33")
    assert one["promotions"][0]["amount"] + two["promotions"][0]["amount"] == Decimal("1.00")
    for charge_type, whole in (("ShippingCharge", "-4.99"), ("GiftwrapTax", "-0.16")):
        assert one["charges"][charge_type] + two["charges"][charge_type] == Decimal(whole)
    assert first["refund_id"] != rest["refund_id"]
    assert first["adjustment_id"] != rest["adjustment_id"]
    with pytest.raises(ValueError, match="0 shipped unit"):
        emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1})
    cup_only = emulator.add_refund(SELLER_ID, ORDER)
    assert [item["sku"] for item in cup_only["items"]] == ["CUP-1"]
    with pytest.raises(ValueError, match="nothing left to refund"):
        emulator.add_refund(SELLER_ID, ORDER)


def test_unit_by_unit_refunds_are_rounded_to_add_up_exactly(emulator):
    emulator.add_order(SELLER_ID, us_order())

    refunds = [emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1}) for _ in range(3)]

    shipping = [refund["items"][0]["charges"]["ShippingCharge"] for refund in refunds]
    promotion = [refund["items"][0]["promotions"][0]["amount"] for refund in refunds]
    assert shipping == [Decimal("-1.66"), Decimal("-1.67"), Decimal("-1.66")]
    assert sum(promotion) == Decimal("1.00")


def test_shipping_can_be_kept_and_seller_collected_tax_is_not_withheld(emulator):
    emulator.add_order(SELLER_ID, us_order())
    emulator.add_order(SELLER_ID, german_order())

    without_shipping = emulator.add_refund(
        SELLER_ID, ORDER, items={"MUG-1": 3}, include_shipping=False
    )
    german = emulator.add_refund(SELLER_ID, GERMAN_ORDER, with_order_item_ids=True)

    (mug,) = without_shipping["items"]
    assert set(mug["charges"]) == {"Principal", "Giftwrap", "Tax", "GiftwrapTax"}
    assert set(mug["taxes_withheld"]) == {
        "MarketplaceFacilitatorTax-Principal",
        "MarketplaceFacilitatorTax-Giftwrap",
    }
    (event_item,) = german["event"]["ShipmentItemAdjustmentList"]
    assert german["event"]["MarketplaceName"] == "Amazon.de"
    assert german["currency"] == "EUR"
    assert event_item["ItemChargeAdjustmentList"][0]["ChargeAmount"] == {
        "CurrencyCode": "EUR",
        "CurrencyAmount": -39.98,
    }
    assert "ItemTaxWithheldList" not in event_item
    assert event_item["OrderItemId"] == german_order()["orderItems"][0]["orderItemId"]
    seller_collected = us_order("111-0000001-0000003", tax_collection=None)
    emulator.add_order(SELLER_ID, seller_collected)
    (mug, _cup) = emulator.add_refund(SELLER_ID, "111-0000001-0000003")["items"]
    assert mug["charges"]["Tax"] == Decimal("-2.40")
    assert mug["taxes_withheld"] == {}


def test_a_restocking_fee_is_charged_to_the_buyer(emulator):
    emulator.add_order(SELLER_ID, us_order())

    refund = emulator.add_refund(
        SELLER_ID, ORDER, items=[{"sku": "CUP-1", "restocking_fee": "1.50"}], reason="Returned"
    )

    (cup,) = refund["items"]
    assert cup["charges"]["RestockingFee"] == Decimal("1.50")
    assert refund["reason"] == "Returned"


def test_what_cannot_be_refunded_is_refused(emulator):
    emulator.add_order(SELLER_ID, us_order())
    unshipped = make_order(
        "111-0000001-0000009",
        US,
        "MERCHANT",
        "UNSHIPPED",
        [{"sku": "MUG-1", "asin": "B000MUG001", "unit_price": "10.00"}],
    )
    emulator.add_order(SELLER_ID, unshipped)

    with pytest.raises(ValueError, match="no order"):
        emulator.add_refund(SELLER_ID, "111-9999999-9999999")
    with pytest.raises(ValueError, match="no SKU NOPE"):
        emulator.add_refund(SELLER_ID, ORDER, items={"NOPE": 1})
    with pytest.raises(ValueError, match="3 shipped unit"):
        emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 4})
    with pytest.raises(ValueError, match="whole number above 0"):
        emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 0})
    with pytest.raises(ValueError, match="named twice"):
        emulator.add_refund(SELLER_ID, ORDER, items=[{"sku": "MUG-1"}, {"sku": "MUG-1"}])
    with pytest.raises(ValueError, match="nothing left"):
        emulator.add_refund(SELLER_ID, "111-0000001-0000009")
    with pytest.raises(KeyError):
        emulator.add_refund("A9UNKNOWN", ORDER)
    assert emulator.refunds(SELLER_ID) == []


def test_refund_ids_are_the_same_on_every_run(emulator):
    emulator.add_order(SELLER_ID, us_order())
    first = emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1})
    emulator.reset()
    emulator.add_seller(**SELLER)
    emulator.add_order(SELLER_ID, us_order())

    again = emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1})

    assert (again["refund_id"], again["adjustment_id"]) == (
        first["refund_id"],
        first["adjustment_id"],
    )


# listFinancialEvents: the window


def test_posted_after_is_inclusive_and_posted_before_exclusive(emulator, api):
    emulator.add_order(SELLER_ID, us_order())
    at = NOW - timedelta(hours=10)
    emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1}, posted=at)

    assert len(listed(api, PostedAfter=iso(at))[0]) == 1
    assert listed(api, PostedAfter=iso(at - timedelta(hours=1)), PostedBefore=iso(at))[0] == []
    assert (
        len(listed(api, PostedAfter=iso(at), PostedBefore=iso(at + timedelta(seconds=1)))[0]) == 1
    )
    assert listed(api, PostedAfter=iso(at + timedelta(seconds=1)))[0] == []


def test_posted_before_defaults_to_two_minutes_before_the_request(emulator, api, clock):
    emulator.add_order(SELLER_ID, us_order())
    emulator.add_refund(SELLER_ID, ORDER, items={"MUG-1": 1}, posted=NOW - timedelta(minutes=1))

    assert listed(api, PostedAfter=iso(NOW - timedelta(hours=1)))[0] == []
    clock.advance(minutes=1, seconds=1)
    assert len(listed(api, PostedAfter=iso(NOW - timedelta(hours=1)))[0]) == 1


def test_a_late_posted_event_appears_inside_the_trailing_window(emulator, api, clock):
    """Amazon posts some events up to 48 hours late: a job reading from its cursor minus 48
    hours still finds one posted before its last run."""
    emulator.add_order(SELLER_ID, us_order())
    cursor = NOW - timedelta(minutes=3)  # the posted_before of the job's last run
    assert (
        listed(api, PostedAfter=iso(cursor - timedelta(hours=1)), PostedBefore=iso(cursor))[0] == []
    )

    late = emulator.add_refund(
        SELLER_ID,
        ORDER,
        items={"MUG-1": 1},
        posted=NOW - timedelta(hours=30),
        visible_from=NOW + timedelta(minutes=15),
    )
    clock.advance(minutes=10)
    window = {
        "PostedAfter": iso(cursor - timedelta(hours=48)),
        "PostedBefore": iso(clock() - timedelta(minutes=3)),
    }
    assert listed(api, **window)[0] == []  # not released yet
    clock.advance(minutes=10)

    (event,) = listed(api, **window)[0]
    assert event == late["event"]
    assert (
        listed(api, PostedAfter=iso(cursor), PostedBefore=iso(clock() - timedelta(minutes=3)))[0]
        == []
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {
                "PostedAfter": iso(NOW - timedelta(hours=1)),
                "PostedBefore": iso(NOW - timedelta(hours=2)),
            },
            "PostedBefore must be later than PostedAfter.",
        ),
        (
            {
                "PostedAfter": iso(NOW - timedelta(hours=1)),
                "PostedBefore": iso(NOW - timedelta(hours=1)),
            },
            "PostedBefore must be later than PostedAfter.",
        ),
        (
            {"PostedAfter": iso(NOW - timedelta(minutes=1))},
            "PostedAfter must be more than two minutes before the time of the request.",
        ),
        (
            {
                "PostedAfter": iso(NOW - timedelta(hours=1)),
                "PostedBefore": iso(NOW - timedelta(minutes=2)),
            },
            "PostedBefore must be more than two minutes before the time of the request.",
        ),
        (
            {"PostedBefore": iso(NOW - timedelta(hours=1))},
            "PostedBefore requires PostedAfter.",
        ),
        ({"NextToken": "not-a-token"}, "We could not decode your NextToken"),
    ],
)
def test_requests_breaking_the_models_rules_get_400(emulator, api, params, message):
    (error,) = errors(api.get(EVENTS, **params))

    assert error.startswith(message)
    assert api.get(EVENTS, **params).json()["errors"][0]["code"] == "InvalidInput"


@pytest.mark.contract_violations_expected
@pytest.mark.parametrize(
    "params",
    [
        {"PostedAfter": iso(NOW - timedelta(days=1)), "MaxResultsPerPage": "101"},
        {"PostedAfter": iso(NOW - timedelta(days=1)), "MaxResultsPerPage": "0"},
        {"PostedAfter": "yesterday"},
        {"PostedAfter": iso(NOW - timedelta(days=1)), "postedAfter": iso(NOW)},
    ],
)
def test_requests_breaking_the_models_schema_get_400(emulator, api, params):
    assert errors(api.get(EVENTS, **params))
    assert emulator.contract_violations


def test_more_than_180_days_apart_the_answer_is_empty(emulator, api):
    emulator.add_order(SELLER_ID, us_order())
    emulator.add_refund(SELLER_ID, ORDER, posted=NOW - timedelta(days=1))

    far = listed(api, PostedAfter=iso(NOW - timedelta(days=181)))[0]
    near = listed(
        api, PostedAfter=iso(NOW - timedelta(days=180)), PostedBefore=iso(NOW - timedelta(hours=1))
    )[0]

    assert far == []
    assert len(near) == 1


def test_sellers_see_only_their_refunds(emulator, api, http):
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_order(SELLER_ID, us_order())
    emulator.add_refund(SELLER_ID, ORDER, posted=NOW - timedelta(hours=1))
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))

    assert listed(other, PostedAfter=iso(NOW - timedelta(days=1)))[0] == []
    assert emulator.refunds(OTHER_SELLER["seller_id"]) == []


# Pagination


def add_refunds(emulator, count):
    """`count` refunds of one unit each, posted an hour apart, oldest first."""
    emulator.add_order(SELLER_ID, us_order(quantity=count))
    return [
        emulator.add_refund(
            SELLER_ID, ORDER, items={"MUG-1": 1}, posted=NOW - timedelta(hours=count - n)
        )
        for n in range(count)
    ]


def test_pages_follow_next_tokens_alone_or_with_the_same_arguments(emulator, api):
    refunds = add_refunds(emulator, 3)
    window = {"PostedAfter": iso(NOW - timedelta(days=1)), "MaxResultsPerPage": "1"}

    first, first_payload = listed(api, **window)
    second, second_payload = listed(api, NextToken=first_payload["NextToken"])
    third, third_payload = listed(api, NextToken=second_payload["NextToken"], **window)

    assert [e["PostedDate"] for e in first + second + third] == [
        r["event"]["PostedDate"] for r in refunds
    ]
    assert "NextToken" not in third_payload
    (error,) = errors(
        api.get(
            EVENTS, NextToken=first_payload["NextToken"], PostedAfter=iso(NOW - timedelta(days=2))
        )
    )
    assert error == "Include the same arguments as the call that produced the NextToken."


def test_a_page_size_cap_makes_pages_of_few_events(emulator, api):
    add_refunds(emulator, 3)
    emulator.financial_events_page_size = 2

    first, payload = listed(api, PostedAfter=iso(NOW - timedelta(days=1)))
    second, last = listed(api, NextToken=payload["NextToken"])

    assert (len(first), len(second)) == (2, 1)
    assert "NextToken" not in last
    with pytest.raises(ValueError):
        emulator.financial_events_page_size = 0


def test_an_event_posted_while_paging_is_not_served_twice(emulator, api):
    refunds = add_refunds(emulator, 2)
    first, payload = listed(api, PostedAfter=iso(NOW - timedelta(days=1)), MaxResultsPerPage="1")
    emulator.add_order(SELLER_ID, us_order("111-0000001-0000002"))
    emulator.add_refund(SELLER_ID, "111-0000001-0000002", posted=NOW - timedelta(days=1))

    second, _ = listed(api, NextToken=payload["NextToken"])

    assert [e["PostedDate"] for e in first + second] == [r["event"]["PostedDate"] for r in refunds]


def test_a_token_of_another_seller_is_refused(emulator, api, http):
    add_refunds(emulator, 2)
    emulator.add_seller(**OTHER_SELLER)
    _, payload = listed(api, PostedAfter=iso(NOW - timedelta(days=1)), MaxResultsPerPage="1")
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))

    (error,) = errors(other.get(EVENTS, NextToken=payload["NextToken"]))

    assert error.startswith("We could not decode your NextToken")


# listFinancialEventsByOrderId


def test_an_orders_refunds_by_order_id_with_pages(emulator, api):
    refunds = add_refunds(emulator, 3)
    emulator.add_order(SELLER_ID, german_order())
    emulator.add_refund(SELLER_ID, GERMAN_ORDER)

    first = api.get(by_order_path(ORDER), MaxResultsPerPage=2).json()["payload"]
    rest = api.get(by_order_path(ORDER), NextToken=first["NextToken"]).json()["payload"]
    unknown = api.get(by_order_path("111-9999999-9999999")).json()["payload"]

    served = (
        first["FinancialEvents"]["RefundEventList"] + rest["FinancialEvents"]["RefundEventList"]
    )
    assert served == [r["event"] for r in refunds]
    assert "NextToken" not in rest
    assert unknown["FinancialEvents"]["RefundEventList"] == []
    (error,) = errors(api.get(by_order_path(GERMAN_ORDER), NextToken=first["NextToken"]))
    assert error.startswith("We could not decode your NextToken")


# Usage plan and faults


def test_the_usage_plan_is_the_models(emulator, api):
    response = api.get(EVENTS, PostedAfter=iso(NOW - timedelta(days=1)))

    assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert (USAGE_PLANS["listFinancialEvents"].rate, USAGE_PLANS["listFinancialEvents"].burst) == (
        0.5,
        30,
    )
    assert USAGE_PLANS["listFinancialEventsByOrderId"].burst == 30


def test_throttling_and_server_faults(emulator, api):
    emulator.inject_fault("throttle", "listFinancialEvents", retry_after=2)
    emulator.inject_fault("server_error", "listFinancialEventsByOrderId", status=503)

    throttled = api.get(EVENTS, PostedAfter=iso(NOW - timedelta(days=1)))
    failed = api.get(by_order_path(ORDER))

    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "2"
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert failed.status_code == 503
    assert api.get(EVENTS, PostedAfter=iso(NOW - timedelta(days=1))).status_code == 200


def test_rate_limits_are_enforced_when_asked(emulator, api):
    emulator.enforce_rate_limits = True
    statuses = [api.get(by_order_path(ORDER)).status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


# The same refund in a settlement report


def settlement_rows(settlement, adjustment_id):
    return [row for row in settlement["rows"] if row["adjustment-id"] == adjustment_id]


def test_a_refund_appears_in_a_settlement_with_its_adjustment_id(emulator):
    emulator.add_order(SELLER_ID, us_order())
    refund = emulator.add_refund(
        SELLER_ID, ORDER, items={"MUG-1": 2}, posted=NOW - timedelta(days=1)
    )

    settlement = emulator.add_settlement(
        SELLER_ID,
        US,
        start=NOW - timedelta(days=7),
        end=NOW,
        refund_ids=[refund["adjustment_id"]],
        refunds={ORDER: "5.00"},
    )

    rows = settlement_rows(settlement, refund["adjustment_id"])
    assert {row["transaction-type"] for row in rows} == {"Refund"}
    assert {row["posted-date-time"] for row in rows} == {"2026-03-01 12:00:00 UTC"}
    described = {
        (row["amount-type"], row["amount-description"]): Decimal(row["amount"]) for row in rows
    }
    (item,) = refund["items"]
    assert (
        described[("ItemPrice", "Principal")] == item["charges"]["Principal"] == Decimal("-20.00")
    )
    assert described[("ItemPrice", "Shipping")] == item["charges"]["ShippingCharge"]
    assert described[("ItemPrice", "GiftWrapTax")] == item["charges"]["GiftwrapTax"]
    assert described[("Promotion", "Principal")] == item["promotions"][0]["amount"]
    assert described[("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal")] == Decimal("1.60")
    assert described[("ItemFees", "RefundCommission")] == item["fees"]["RefundCommission"]
    assert {row["order-item-code"] for row in rows} == {item["order_item_id"]}
    # the refunds= option still makes its own refund, with another adjustment id
    others = [
        row
        for row in settlement["rows"]
        if row["transaction-type"] == "Refund" and row["adjustment-id"] != refund["adjustment_id"]
    ]
    assert [row["amount"] for row in others if row["amount-description"] == "Principal"] == [
        "-5.00"
    ]
    assert settlement["total_amount"] == sum(Decimal(row["amount"]) for row in settlement["rows"])


def test_a_refund_is_settled_once_and_in_its_marketplace(emulator):
    emulator.add_order(SELLER_ID, us_order())
    emulator.add_order(SELLER_ID, german_order())
    refund = emulator.add_refund(SELLER_ID, ORDER, posted=NOW - timedelta(days=1))
    german = emulator.add_refund(SELLER_ID, GERMAN_ORDER, posted=NOW - timedelta(days=1))
    week = {"start": NOW - timedelta(days=7), "end": NOW}
    emulator.add_settlement(SELLER_ID, US, **week, refund_ids=[refund["refund_id"]])

    with pytest.raises(ValueError, match="settled twice"):
        emulator.add_settlement(
            SELLER_ID,
            US,
            start=NOW,
            end=NOW + timedelta(days=7),
            refund_ids=[refund["adjustment_id"]],
        )
    with pytest.raises(ValueError, match="not of marketplace"):
        emulator.add_settlement(
            SELLER_ID,
            US,
            start=NOW,
            end=NOW + timedelta(days=7),
            refund_ids=[german["adjustment_id"]],
        )
    with pytest.raises(KeyError):
        emulator.add_settlement(
            SELLER_ID, US, start=NOW, end=NOW + timedelta(days=7), refund_ids=["amzn1:crow:nope"]
        )
    assert len(emulator.reports) == 1


def test_reset_forgets_refunds(emulator, api):
    emulator.add_order(SELLER_ID, us_order())
    emulator.add_refund(SELLER_ID, ORDER, posted=NOW - timedelta(hours=1))

    emulator.reset()
    emulator.add_seller(**SELLER)

    assert emulator.refunds(SELLER_ID) == []
