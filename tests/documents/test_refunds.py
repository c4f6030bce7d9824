"""Finances API v0 refund events (RefundEventList, GuaranteeClaimEventList, ChargebackEventList)
turned into `Refund`s: Amazon's own examples, signs, totals, the refund key, malformed input."""

import copy
import json
from datetime import datetime
from decimal import Decimal

import pytest

from amazon_emulator import find_models_dir, load_contract_validator
from amazon_sp.documents import (
    CHARGEBACK_KIND,
    GUARANTEE_CLAIM_KIND,
    REFUND_KIND,
    AmazonDocumentError,
    Refund,
    RefundItem,
    parse_refund_events,
    split_refund_events,
)

FINANCES_MODEL = "models/finances-api-model/financesV0.json"
ORDER = "113-1234567-7654321"


def money(amount, currency="USD"):
    return {"CurrencyCode": currency, "CurrencyAmount": amount}


def charge(charge_type, amount, currency="USD"):
    return {"ChargeType": charge_type, "ChargeAmount": money(amount, currency)}


def fee(fee_type, amount):
    return {"FeeType": fee_type, "FeeAmount": money(amount)}


def refunded_mug(**changes):
    """A ShipmentItem of ShipmentItemAdjustmentList: both units of a mug refunded, in the US
    (sales tax collected by Amazon as marketplace facilitator), signed as Amazon sends it."""
    item = {
        "SellerSKU": "MUG-1",
        "OrderAdjustmentItemId": "52934857203941",
        "QuantityShipped": 2,
        "ItemChargeAdjustmentList": [
            charge("Principal", -39.98),
            charge("Tax", -3.2),
            charge("ShippingCharge", -4.99),
            charge("ShippingTax", -0.4),
            charge("Giftwrap", -2.0),
            charge("GiftwrapTax", -0.16),
        ],
        "ItemFeeAdjustmentList": [fee("Commission", 6.0), fee("RefundCommission", -1.2)],
        "ItemTaxWithheldList": [
            {
                "TaxCollectionModel": "MarketplaceFacilitator",
                "TaxesWithheld": [
                    charge("MarketplaceFacilitatorTax-Principal", 3.2),
                    charge("MarketplaceFacilitatorTax-Shipping", 0.4),
                    charge("MarketplaceFacilitatorTax-Giftwrap", 0.16),
                ],
            }
        ],
        "PromotionAdjustmentList": [
            {
                "PromotionType": "PromotionMetaDataDefinitionValue",
                "PromotionId": "PROMO-MUG",
                "PromotionAmount": money(3.0),
            }
        ],
    }
    item.update(changes)
    return item


def refund_event(*items, order_id=ORDER, posted="2026-03-01T06:00:00Z"):
    return {
        "AmazonOrderId": order_id,
        "SellerOrderId": order_id,
        "MarketplaceName": "Amazon.com",
        "PostedDate": posted,
        "ShipmentItemAdjustmentList": list(items) or [refunded_mug()],
    }


def response(**lists):
    """A listFinancialEvents 200 answer with these event lists."""
    return {"payload": {"FinancialEvents": lists}}


def only_refund(payload):
    (refund,) = parse_refund_events(payload)
    return refund


def amazon_sum(event):
    """The sum of every charge, promotion and withheld tax amount of an event, as Amazon
    signs them (fees left out)."""
    total = Decimal(0)
    for item in event["ShipmentItemAdjustmentList"]:
        for component in item.get("ItemChargeAdjustmentList", []):
            total += Decimal(str(component["ChargeAmount"]["CurrencyAmount"]))
        for promotion in item.get("PromotionAdjustmentList", []):
            total += Decimal(str(promotion["PromotionAmount"]["CurrencyAmount"]))
        for withheld in item.get("ItemTaxWithheldList", []):
            for component in withheld["TaxesWithheld"]:
                total += Decimal(str(component["ChargeAmount"]["CurrencyAmount"]))
    return total


# The test data is Amazon's


def finances_model():
    models = find_models_dir()
    if models is None:
        pytest.skip(
            "Amazon API models not found (set AMAZON_MODELS_DIR): Finances examples skipped"
        )
    return json.loads((models / FINANCES_MODEL).read_text(encoding="utf-8"))


def model_examples():
    """(operation id, 200 response) of every static sandbox example of the Finances v0 model."""
    model = finances_model()
    return [
        (operation["operationId"], case["response"])
        for path_item in model["paths"].values()
        for operation in path_item.values()
        for case in operation["responses"]["200"].get("x-amzn-api-sandbox", {}).get("static", [])
    ]


def test_the_test_events_are_shipment_events_of_amazons_model():
    finances_model()
    validator = load_contract_validator()
    assert validator is not None
    partial = refund_event(refunded_mug(QuantityShipped=1, OrderItemId="12345678901234"))

    for event in (refund_event(), partial):
        assert validator.validate_definition("financesV0", "ShipmentEvent", event) == []
    wrong_names = {**refund_event(), "ShipmentEventList": []}
    assert validator.validate_definition("financesV0", "ShipmentEvent", wrong_names) != []


def test_every_example_of_amazons_model_parses():
    examples = model_examples()

    parsed = {operation: parse_refund_events(example) for operation, example in examples}

    assert set(parsed) == {
        "listFinancialEvents",
        "listFinancialEventsByOrderId",
        "listFinancialEventsByGroupId",
        "listFinancialEventGroups",
    }
    assert parsed["listFinancialEvents"] == ()  # its example holds no refund-like event
    (chargeback,) = parsed["listFinancialEventsByGroupId"]
    assert chargeback.kind == CHARGEBACK_KIND
    assert chargeback.order_id == "444-555-3343433"
    assert chargeback.seller_order_id == "454645645656456"
    assert chargeback.posted == datetime(2020, 2, 5, 13, 56, 0, 363000)
    assert chargeback.refund_id == "444-555-3343433:456456465464"
    (item,) = chargeback.items
    assert (item.sku, item.order_item_id, item.order_adjustment_item_id, item.quantity) == (
        "456454455464",
        "4565465645646",
        "456456465464",
        0,
    )
    # The example's figures are placeholders (every amount 25.37), signed as given.
    assert item.item_tax == Decimal("-25.37")
    assert item.promotion == Decimal("25.37")
    assert item.tax_withheld == Decimal("25.37")
    assert item.fees == {"FixedClosingFee": Decimal("25.37")}
    assert chargeback.order_charges == {"Tax": Decimal("-25.37")}
    assert chargeback.fees == {"FixedClosingFee": Decimal("50.74")}


# Amounts and signs


def test_a_full_refund_gives_each_component_back_positive():
    event = refund_event()

    refund = only_refund(response(RefundEventList=[event]))

    assert isinstance(refund, Refund)
    assert refund.kind == REFUND_KIND
    assert (refund.order_id, refund.marketplace_name, refund.currency) == (
        ORDER,
        "Amazon.com",
        "USD",
    )
    assert refund.posted == datetime(2026, 3, 1, 6, 0, 0)
    (item,) = refund.items
    assert (item.sku, item.order_adjustment_item_id, item.order_item_id, item.quantity) == (
        "MUG-1",
        "52934857203941",
        "",
        2,
    )
    assert item.principal == Decimal("39.98")
    assert item.shipping == Decimal("4.99")
    assert item.gift_wrap == Decimal("2.00")
    assert (item.item_tax, item.shipping_tax, item.gift_wrap_tax) == (
        Decimal("3.2"),
        Decimal("0.4"),
        Decimal("0.16"),
    )
    assert item.tax == Decimal("3.76")
    assert item.promotion == Decimal("3.00")
    assert item.tax_withheld == Decimal("3.76")
    assert item.promotion_ids == ("PROMO-MUG",)
    assert item.tax_collection_models == ("MarketplaceFacilitator",)
    assert item.tax_collected_by_amazon
    assert item.other == {}
    assert item.fees == {"Commission": Decimal("6.0"), "RefundCommission": Decimal("-1.2")}


def test_totals_say_what_the_buyer_gets_and_what_the_seller_bears():
    event = refund_event()

    refund = only_refund(response(RefundEventList=[event]))

    (item,) = refund.items
    # 39.98 + 4.99 + 2.00 + 3.76 tax - 3.00 promotion
    assert item.buyer_total == Decimal("47.73")
    # the tax Amazon withheld is Amazon's to give back
    assert item.total == Decimal("43.97")
    assert refund.total == item.total == -amazon_sum(event)
    assert refund.buyer_total == Decimal("47.73")
    assert refund.tax_withheld == Decimal("3.76")


def test_a_partial_refund_of_one_unit_in_a_seller_collected_marketplace():
    item = {
        "SellerSKU": "MUG-1",
        "OrderItemId": "12345678901234",
        "OrderAdjustmentItemId": "52934857209999",
        "QuantityShipped": 1,
        "ItemChargeAdjustmentList": [
            charge("Principal", -16.8, "EUR"),
            charge("Tax", -3.19, "EUR"),
        ],
        "ItemFeeAdjustmentList": [
            {"FeeType": "Commission", "FeeAmount": money(2.52, "EUR")},
        ],
    }
    event = {**refund_event(item, order_id="302-1234567-7654321"), "MarketplaceName": "Amazon.de"}

    refund = only_refund(response(RefundEventList=[event]))

    (refunded,) = refund.items
    assert refund.currency == "EUR"
    assert (refunded.order_item_id, refunded.quantity) == ("12345678901234", 1)
    assert (refunded.principal, refunded.tax) == (Decimal("16.8"), Decimal("3.19"))
    assert refunded.shipping == refunded.promotion == refunded.tax_withheld == Decimal(0)
    assert not refunded.tax_collected_by_amazon
    assert refund.total == refund.buyer_total == Decimal("19.99")
    assert refund.refund_id == "302-1234567-7654321:52934857209999"


def test_unknown_and_deducted_charges_go_to_other_never_dropped():
    item = refunded_mug(
        ItemChargeAdjustmentList=[
            charge("Principal", -39.98),
            charge("RestockingFee", 8.0),
            charge("ReturnShipping", -5.5),
            charge("SomethingAmazonAddsLater", -1.25),
            charge("GiftWrap", -2.0),  # Amazon writes both Giftwrap and GiftWrap
        ],
        ItemTaxWithheldList=[],
        PromotionAdjustmentList=[],
    )

    refund = only_refund(response(RefundEventList=[refund_event(item)]))

    (refunded,) = refund.items
    assert refunded.other == {
        "RestockingFee": Decimal("-8.0"),
        "ReturnShipping": Decimal("5.5"),
        "SomethingAmazonAddsLater": Decimal("1.25"),
    }
    assert refunded.gift_wrap == Decimal("2.0")
    assert refunded.total == Decimal("40.73")  # 39.98 + 2.00 - 8.00 + 5.50 + 1.25


def test_discounts_and_withheld_taxes_are_known_by_their_charge_types():
    item = refunded_mug(
        ItemChargeAdjustmentList=[
            charge("Principal", -20.0),
            charge("Discount", 2.0),
            charge("Tax", -1.6),
            charge("TaxDiscount", 0.16),
            charge("MarketplaceFacilitatorVAT-Principal", 1.44),
        ],
        ItemTaxWithheldList=[],
        PromotionAdjustmentList=[],
    )

    (refunded,) = only_refund(response(RefundEventList=[refund_event(item)])).items

    assert refunded.promotion == Decimal("2.0")
    assert refunded.item_tax == Decimal("1.44")  # 1.60 less the tax of the discount
    assert refunded.tax_withheld == Decimal("1.44")
    assert refunded.total == Decimal("18.00")


def test_order_level_charges_and_fees_are_kept():
    event = {
        **refund_event(),
        "OrderChargeAdjustmentList": [charge("CODOrderCharge", -3.0)],
        "ShipmentFeeAdjustmentList": [fee("FBAPerOrderFulfillmentFee", 1.0)],
        "OrderFeeAdjustmentList": [fee("FBAPerOrderFulfillmentFee", 0.5)],
    }

    refund = only_refund(response(RefundEventList=[event]))

    assert refund.order_charges == {"CODOrderCharge": Decimal("3.0")}
    assert refund.fees == {"FBAPerOrderFulfillmentFee": Decimal("1.5")}
    assert refund.total == -amazon_sum(event) + Decimal("3.0")


def test_guarantee_claims_and_chargebacks_are_refunds_of_their_kind():
    claim = refund_event(refunded_mug(OrderAdjustmentItemId="1"), order_id="111-0000000-0000001")
    chargeback = refund_event(
        refunded_mug(OrderAdjustmentItemId="2"), order_id="111-0000000-0000002"
    )
    payload = response(
        ChargebackEventList=[chargeback],
        GuaranteeClaimEventList=[claim],
        RefundEventList=[refund_event()],
        ShipmentEventList=[refund_event(order_id="111-0000000-0000003")],
    )

    refunds = parse_refund_events(payload)

    assert [(r.kind, r.order_id) for r in refunds] == [
        (REFUND_KIND, ORDER),
        (GUARANTEE_CLAIM_KIND, "111-0000000-0000001"),
        (CHARGEBACK_KIND, "111-0000000-0000002"),
    ]


def test_the_whole_answer_its_payload_or_its_events_parse_alike():
    lists = {"RefundEventList": [refund_event()], "ServiceFeeEventList": [{"FeeReason": "x"}]}
    answers = (
        {"payload": {"NextToken": "abc", "FinancialEvents": lists}},
        {"NextToken": "abc", "FinancialEvents": lists},
        lists,
    )

    parsed = [parse_refund_events(answer) for answer in answers]

    assert parsed[0] == parsed[1] == parsed[2]
    assert len(parsed[0]) == 1
    assert parse_refund_events(response()) == ()
    assert parse_refund_events({"payload": {}}) == ()
    assert parse_refund_events(response(RefundEventList=None)) == ()


def test_item_amounts_default_to_zero_and_totals_add_up():
    item = RefundItem(sku="MUG-1", principal=Decimal("10"), promotion=Decimal("1"))

    assert item.total == item.buyer_total == Decimal("9")
    assert item.other == {} and item.fees == {}


# The refund key


def test_refund_id_is_the_order_and_its_sorted_adjustment_item_ids():
    first = refunded_mug(OrderAdjustmentItemId="52934857203942", SellerSKU="CUP-1")
    second = refunded_mug(OrderAdjustmentItemId="52934857203941")
    event = refund_event(first, second)
    swapped = refund_event(second, first)

    refund = only_refund(response(RefundEventList=[event]))
    again = only_refund(response(RefundEventList=[swapped]))

    assert refund.refund_id == f"{ORDER}:52934857203941,52934857203942"
    assert again.refund_id == refund.refund_id
    another = only_refund(
        response(RefundEventList=[refund_event(refunded_mug(OrderAdjustmentItemId="5"))])
    )
    assert another.refund_id != refund.refund_id


def test_without_adjustment_item_ids_the_refund_is_keyed_by_order_kind_and_posted_date():
    item = refunded_mug()
    del item["OrderAdjustmentItemId"]

    refund = only_refund(response(ChargebackEventList=[refund_event(item)]))
    no_items = only_refund(
        response(RefundEventList=[{**refund_event(), "ShipmentItemAdjustmentList": []}])
    )

    assert refund.refund_id == f"{ORDER}@2026-03-01T06:00:00#chargeback"
    assert no_items.refund_id == f"{ORDER}@2026-03-01T06:00:00#refund"
    assert no_items.items == () and no_items.currency == ""


# Malformed input


def broken(change):
    event = copy.deepcopy(refund_event())
    change(event)
    return response(RefundEventList=[event])


def set_amount(value):
    def change(event):
        event["ShipmentItemAdjustmentList"][0]["ItemChargeAdjustmentList"][0]["ChargeAmount"][
            "CurrencyAmount"
        ] = value

    return change


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "expected an object"),
        ({"payload": []}, "expected an object at payload"),
        ({"FinancialEvents": "none"}, "expected an object at FinancialEvents"),
        (response(RefundEventList={"AmazonOrderId": ORDER}), "RefundEventList should be a list"),
        (response(RefundEventList=["refund"]), "expected an object at RefundEventList[0]"),
        (broken(lambda e: e.pop("AmazonOrderId")), "missing AmazonOrderId at RefundEventList[0]"),
        (broken(lambda e: e.pop("PostedDate")), "missing PostedDate"),
        (broken(lambda e: e.update(PostedDate="yesterday")), "not an ISO 8601 date-time"),
        (broken(set_amount("twelve")), "not an amount: 'twelve'"),
        (broken(set_amount(True)), "CurrencyAmount should be a number"),
        (broken(set_amount(None)), "CurrencyAmount should be a number"),
        (broken(set_amount(float("nan"))), "not an amount"),
        (
            broken(
                lambda e: e["ShipmentItemAdjustmentList"][0]["ItemChargeAdjustmentList"].append(
                    charge("Tax", -1, "EUR")
                )
            ),
            "amount in EUR, the event's other amounts are in USD at "
            "RefundEventList[0].ShipmentItemAdjustmentList[0].ItemChargeAdjustmentList[6]",
        ),
        (
            broken(lambda e: e["ShipmentItemAdjustmentList"][0].update(QuantityShipped=-1)),
            "QuantityShipped should be a whole number",
        ),
        (
            broken(
                lambda e: e["ShipmentItemAdjustmentList"][0]["ItemChargeAdjustmentList"][0].pop(
                    "ChargeType"
                )
            ),
            "missing ChargeType",
        ),
        (
            broken(
                lambda e: e["ShipmentItemAdjustmentList"][0]["ItemFeeAdjustmentList"][0].pop(
                    "FeeAmount"
                )
            ),
            "expected an object at RefundEventList[0].ShipmentItemAdjustmentList[0]."
            "ItemFeeAdjustmentList[0]",
        ),
        (
            broken(lambda e: e["ShipmentItemAdjustmentList"][0].update(SellerSKU=12)),
            "SellerSKU should be a string",
        ),
    ],
)
def test_malformed_events_are_refused_clearly(payload, message):
    with pytest.raises(AmazonDocumentError) as raised:
        parse_refund_events(payload)

    assert message in str(raised.value)
    assert str(raised.value).startswith("financial events: ")


def test_each_event_is_read_alone_so_a_malformed_one_hides_no_other():
    good = refund_event()
    bad = refund_event(refunded_mug(QuantityShipped="two"), order_id="113-0000000-0000002")
    claim = refund_event(order_id="113-0000000-0000003")
    events = split_refund_events(
        response(RefundEventList=[good, bad], GuaranteeClaimEventList=[claim])
    )

    assert [event.order_id for event in events] == [
        ORDER,
        "113-0000000-0000002",
        "113-0000000-0000003",
    ]
    first, broken_one, third = events
    assert first.error is None and first.refund == only_refund(response(RefundEventList=[good]))
    assert broken_one.refund is None
    assert "QuantityShipped should be a whole number" in str(broken_one.error)
    assert third.refund.kind == GUARANTEE_CLAIM_KIND
    # each event's document is what parse_refund_events reads again later
    assert parse_refund_events(third.document) == (third.refund,)
    assert broken_one.document == {"RefundEventList": [bad]}


def test_split_events_name_no_order_when_amazon_gives_none():
    event = refund_event()
    del event["AmazonOrderId"]
    (only,) = split_refund_events(response(RefundEventList=[event]))

    assert only.order_id == ""
    assert "missing AmazonOrderId" in str(only.error)


def test_a_malformed_answer_is_refused_whole_by_the_splitter():
    with pytest.raises(AmazonDocumentError, match="RefundEventList should be a list"):
        split_refund_events(response(RefundEventList={"not": "a list"}))
