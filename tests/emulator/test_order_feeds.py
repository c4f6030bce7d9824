"""Refunds and cancellations through the XML order feeds, end to end: the feed built by the
documents layer, sent with the client (submit_feed, getFeed polls, the report downloaded),
processed by the emulator against its orders, and the XML processing report read back."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from emulator_support import DE, NOW, SELLER, US, requires_models

from amazon_emulator import AmazonEmulator, find_models_dir, make_order, order_feeds
from amazon_emulator.order_feeds import envelope_schema, validation_errors
from amazon_sp import AccountCredentials, AmazonClient, RateLimiter, TokenCache
from amazon_sp.documents import (
    ORDER_ACKNOWLEDGEMENT_FEED_TYPE,
    ORDER_ADJUSTMENT_FEED_TYPE,
    XML_FEED_CONTENT_TYPE,
    AcknowledgedItem,
    AcknowledgementStatus,
    AdjustedItem,
    AdjustmentReason,
    CancelReason,
    OrderAcknowledgementRequest,
    OrderAdjustmentRequest,
    build_order_acknowledgement_feed,
    build_order_adjustment_feed,
    parse_refund_events,
    parse_xml_processing_report,
)

SELLER_ID = SELLER["seller_id"]
UNSHIPPED = "111-0000001-0000001"
SHIPPED = "111-0000001-0000002"
PARTLY_SHIPPED = "111-0000001-0000003"
FBA = "111-0000001-0000004"
CANCELLED = "111-0000001-0000005"
GERMAN = "302-0000001-0000006"
UNKNOWN = "111-9999999-9999999"
MUG = {
    "sku": "MUG-1",
    "asin": "B000MUG001",
    "unit_price": "12.00",
    "quantity": 2,
    "shipping_price": "4.99",
    "tax": {"ITEM": "1.92", "SHIPPING": "0.40"},
}
CUP = {"sku": "CUP-1", "asin": "B000CUP001", "unit_price": "8.00"}
SCHEMA = envelope_schema(find_models_dir())
requires_xsd = pytest.mark.skipif(
    SCHEMA is None,
    reason="Amazon's XML feed schemas not found (xsd/amzn-envelope.xsd beside the API models; "
    "set AMAZON_MODELS_DIR): the emulator cannot validate feeds",
)


@pytest.fixture
def client(emulator):
    credentials = AccountCredentials(
        SELLER["client_id"], SELLER["client_secret"], SELLER["refresh_token"]
    )
    with AmazonClient(
        credentials,
        "na",
        api_endpoint=emulator.url,
        lwa_endpoint=emulator.lwa_url,
        rate_limiter=RateLimiter(),
        token_cache=TokenCache(),
        sleep=lambda seconds: None,
    ) as amazon:
        yield amazon


@pytest.fixture
def orders(emulator):
    created = NOW - timedelta(days=2)
    for order_id, marketplace, fulfilled_by, status in [
        (UNSHIPPED, US, "MERCHANT", "UNSHIPPED"),
        (SHIPPED, US, "MERCHANT", "SHIPPED"),
        (PARTLY_SHIPPED, US, "MERCHANT", "PARTIALLY_SHIPPED"),
        (FBA, US, "AMAZON", "SHIPPED"),
        (CANCELLED, US, "MERCHANT", "CANCELLED"),
        (GERMAN, DE, "MERCHANT", "SHIPPED"),
    ]:
        order = make_order(order_id, marketplace, fulfilled_by, status, [MUG, CUP], created=created)
        emulator.add_order(SELLER_ID, order)


def item_ids(emulator, order_id) -> list[str]:
    return [i["orderItemId"] for i in emulator.get_stored_order(SELLER_ID, order_id)["orderItems"]]


def send(client, feed_type, content, content_type=XML_FEED_CONTENT_TYPE):
    """Submit the feed, poll getFeed until it is processed: (final feed, report bytes)."""
    feed_id, _document_id = client.submit_feed(feed_type, [US], content, content_type)
    states = [client.get_feed(feed_id)]
    while states[-1]["processingStatus"] not in ("DONE", "FATAL"):
        assert len(states) < 5, "the feed is never processed"
        states.append(client.get_feed(feed_id))
    assert [s["processingStatus"] for s in states[:-1]] == ["IN_PROGRESS"]
    report = client.download_feed_document(states[-1]["resultFeedDocumentId"])
    if SCHEMA is not None:
        assert validation_errors(SCHEMA, report) == []
    return states[-1], report


def refund(client, *requests):
    feed = build_order_adjustment_feed(SELLER_ID, requests)
    state, report = send(client, ORDER_ADJUSTMENT_FEED_TYPE, feed)
    assert state["processingStatus"] == "DONE"
    return parse_xml_processing_report(report)


def acknowledge(client, *requests):
    feed = build_order_acknowledgement_feed(SELLER_ID, requests)
    state, report = send(client, ORDER_ACKNOWLEDGEMENT_FEED_TYPE, feed)
    assert state["processingStatus"] == "DONE"
    return parse_xml_processing_report(report)


def adjustment(order_id, item_id, currency="USD", **amounts) -> OrderAdjustmentRequest:
    reason = amounts.pop("reason", AdjustmentReason.CUSTOMER_RETURN)
    return OrderAdjustmentRequest(order_id, (AdjustedItem(item_id, reason, currency, **amounts),))


def test_a_refund_is_recorded_on_the_order(emulator, client, orders, api, http):
    mug, _cup = item_ids(emulator, SHIPPED)
    request = OrderAdjustmentRequest(
        SHIPPED,
        (
            AdjustedItem(
                mug,
                AdjustmentReason.CUSTOMER_RETURN,
                "USD",
                principal=Decimal("12.00"),
                shipping=Decimal("4.99"),
                tax=Decimal("0.96"),
                quantity=1,
            ),
        ),
        merchant_adjustment_id="RINV/2026/0001",
    )

    report = refund(client, request)

    assert report.status_code == "Complete"
    assert (report.messages_processed, report.messages_successful) == (1, 1)
    assert report.is_accepted(1)
    (recorded,) = emulator.seller_refunds(SELLER_ID, SHIPPED)
    (feed,) = emulator.feeds
    assert recorded == {
        "feed_id": feed["feedId"],
        "message_id": 1,
        "posted": "2026-03-02T12:00:00Z",
        "items": [
            {
                "order_item_id": mug,
                "merchant_adjustment_item_id": "RINV/2026/0001",
                "adjustment_reason": "CustomerReturn",
                "quantity": 1,
                "currency": "USD",
                "components": {
                    "Principal": Decimal("12.00"),
                    "Shipping": Decimal("4.99"),
                    "Tax": Decimal("0.96"),
                },
            }
        ],
    }
    assert report.transaction_id == feed["feedId"]
    assert feed["feedType"] == ORDER_ADJUSTMENT_FEED_TYPE
    assert feed["contentType"] == XML_FEED_CONTENT_TYPE
    assert [r.operation for r in emulator.requests if r.operation != "lwaToken"] == [
        "createFeedDocument",
        "uploadFeedDocument",
        "createFeed",
        "getFeed",
        "getFeed",
        "getFeedDocument",
        "downloadDocument",
    ]
    assert emulator.seller_refunds(SELLER_ID, UNSHIPPED) == []
    document = api.get(f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}").json()
    assert http.get(document["url"]).headers["Content-Type"] == XML_FEED_CONTENT_TYPE


def test_an_applied_refund_is_posted_as_a_refund_event(emulator, client, orders, clock):
    """Amazon books the refund a seller asked for like its own: the Finances API lists it."""
    mug, _cup = item_ids(emulator, SHIPPED)
    request = adjustment(
        SHIPPED,
        mug,
        principal=Decimal("12.00"),
        shipping=Decimal("4.99"),
        restocking_fee=Decimal("2.00"),
        quantity=1,
    )
    assert refund(client, request).is_accepted(1)
    refused = adjustment(UNSHIPPED, item_ids(emulator, UNSHIPPED)[0], principal=Decimal("99"))
    refund(client, refused)  # more than the buyer paid: refused, nothing posted
    clock.advance(minutes=10)

    page = client.list_financial_events(NOW - timedelta(hours=1), NOW + timedelta(minutes=5))

    (posted,) = parse_refund_events(page.items[0])
    assert posted.order_id == SHIPPED
    (item,) = posted.items
    assert (item.sku, item.quantity) == ("MUG-1", 1)
    assert (item.principal, item.shipping) == (Decimal("12.00"), Decimal("4.99"))
    assert item.other == {"RestockingFee": Decimal("-2.00")}
    assert posted.buyer_total == Decimal("14.99")
    (described,) = emulator.refunds(SELLER_ID)
    assert described["refund_id"] == posted.refund_id
    assert emulator.assert_contract_clean() is None


def test_refunds_amazon_refuses(emulator, client, orders):
    mug, cup = item_ids(emulator, SHIPPED)
    german_mug, _ = item_ids(emulator, GERMAN)
    assert refund(client, adjustment(SHIPPED, mug, principal=Decimal("20.00"))).is_accepted(1)

    report = refund(
        client,
        adjustment(SHIPPED, mug, principal=Decimal("5.00")),  # 24.00 paid, 20.00 refunded
        adjustment(SHIPPED, mug, principal=Decimal("4.00")),
        adjustment(UNKNOWN, mug, principal=Decimal("1.00")),
        adjustment(SHIPPED, item_ids(emulator, UNSHIPPED)[0][:-2] + "77", principal=1),
        adjustment(SHIPPED, cup, currency="EUR", principal=Decimal("1.00")),
        adjustment(SHIPPED, cup, shipping=Decimal("0.01")),  # the cup had free shipping
        adjustment(SHIPPED, cup, tax=Decimal("0.01")),  # and no tax
        adjustment(SHIPPED, cup, principal=Decimal("1.00"), restocking_fee=Decimal("1.00")),
        adjustment(GERMAN, german_mug, currency="EUR", principal=Decimal("24.00")),
    )

    assert (report.messages_processed, report.messages_successful) == (9, 2)
    assert report.messages_with_error == 7
    assert sorted(report.errors) == [1, 3, 4, 5, 6, 7, 8]
    assert report.errors[1] == (
        f"90006: The Principal refund 5.00 of order item {mug} exceeds the amount that can be "
        "refunded: 4.00 (paid 24.00, refunded 20.00)."
    )
    assert report.errors[3] == f"90003: Order {UNKNOWN} was not found."
    assert "90004: Order item" in report.errors[4]
    assert f"is not in order {SHIPPED}" in report.errors[4]
    assert report.errors[5] == (
        f"90005: The Principal amount of order item {cup} is in EUR, the order in USD."
    )
    assert report.errors[6].startswith("90006: The Shipping refund 0.01")
    assert report.errors[7].startswith("90006: The Tax refund 0.01")
    assert report.errors[8] == (
        "90007: The net adjustment amount 0.00 is not a positive amount and has therefore "
        "been rejected."
    )
    refused_order = next(r for r in report.results if r.message_id == 3)
    assert (refused_order.amazon_order_id, refused_order.amazon_order_item_id) == (UNKNOWN, None)
    refused_item = next(r for r in report.results if r.message_id == 5)
    assert (refused_item.amazon_order_id, refused_item.amazon_order_item_id) == (SHIPPED, cup)
    principal = [
        recorded["items"][0]["components"]["Principal"]
        for recorded in emulator.seller_refunds(SELLER_ID, SHIPPED)
    ]
    assert principal == [Decimal("20.00"), Decimal("4.00")]
    assert len(emulator.seller_refunds(SELLER_ID, GERMAN)) == 1


def test_tax_refunds_are_limited_by_what_the_tax_was_charged_on(emulator, client, orders):
    mug, _cup = item_ids(emulator, SHIPPED)  # tax 1.92 on the item, 0.40 on its shipping

    report = refund(
        client,
        adjustment(SHIPPED, mug, tax=Decimal("1.93")),
        adjustment(SHIPPED, mug, shipping_tax=Decimal("0.41")),
        adjustment(SHIPPED, mug, tax=Decimal("1.92"), shipping_tax=Decimal("0.40")),
        adjustment(SHIPPED, mug, tax=Decimal("0.01")),
    )

    assert report.errors == {
        1: f"90006: The Tax refund 1.93 of order item {mug} exceeds the amount that can be "
        "refunded: 1.92 (paid 1.92, refunded 0).",
        2: f"90006: The ShippingTax refund 0.41 of order item {mug} exceeds the amount that can "
        "be refunded: 0.40 (paid 0.40, refunded 0).",
        4: f"90006: The Tax refund 0.01 of order item {mug} exceeds the amount that can be "
        "refunded: 0.00 (paid 1.92, refunded 1.92).",
    }
    (recorded,) = emulator.seller_refunds(SELLER_ID, SHIPPED)
    assert recorded["items"][0]["components"] == {
        "Tax": Decimal("1.92"),
        "ShippingTax": Decimal("0.40"),
    }


def test_a_refund_on_a_cancelled_order_is_refused(emulator, client, orders):
    mug, _ = item_ids(emulator, CANCELLED)

    report = refund(client, adjustment(CANCELLED, mug, principal=Decimal("1.00")))

    assert report.errors == {
        1: f"90007: Order {CANCELLED} is cancelled: the buyer was not charged."
    }
    assert emulator.seller_refunds(SELLER_ID, CANCELLED) == []


def test_a_cancellation_cancels_the_order(emulator, client, orders):
    mug, cup = item_ids(emulator, UNSHIPPED)

    report = acknowledge(
        client,
        OrderAcknowledgementRequest.cancellation(
            UNSHIPPED,
            CancelReason.NO_INVENTORY,
            items=[AcknowledgedItem(mug), AcknowledgedItem(cup)],
            merchant_order_id="S00042",
        ),
    )

    assert report.is_accepted(1)
    order = emulator.get_stored_order(SELLER_ID, UNSHIPPED)
    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert order["lastUpdatedTime"] == "2026-03-02T12:00:00Z"
    for item in order["orderItems"]:
        assert item["cancellation"] == {
            "cancellationExecution": {"cancelledBy": "MERCHANT", "cancelReason": "NoInventory"}
        }
        assert item["fulfillment"]["quantityUnfulfilled"] == 0
    served = client.get_order(UNSHIPPED)  # the contract check covers the cancelled order
    assert served["fulfillment"]["fulfillmentStatus"] == "CANCELLED"


def test_a_cancellation_without_items_cancels_the_whole_order(emulator, client, orders):
    report = acknowledge(client, OrderAcknowledgementRequest.cancellation(UNSHIPPED))

    assert report.is_accepted(1)
    order = emulator.get_stored_order(SELLER_ID, UNSHIPPED)
    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert order["orderItems"][0]["cancellation"] == {
        "cancellationExecution": {"cancelledBy": "MERCHANT"}
    }


def test_a_partial_cancellation_cancels_only_the_items(emulator, client, orders):
    mug, cup = item_ids(emulator, UNSHIPPED)
    _shipped_mug, unshipped_cup = item_ids(emulator, PARTLY_SHIPPED)

    report = acknowledge(
        client,
        OrderAcknowledgementRequest.cancellation(
            UNSHIPPED, CancelReason.BUYER_CANCELED, items=[AcknowledgedItem(cup, quantity=1)]
        ),
        OrderAcknowledgementRequest.cancellation(
            PARTLY_SHIPPED, CancelReason.NO_INVENTORY, items=[AcknowledgedItem(unshipped_cup)]
        ),
    )

    assert report.errors == {}
    order = emulator.get_stored_order(SELLER_ID, UNSHIPPED)
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    by_id = {item["orderItemId"]: item for item in order["orderItems"]}
    assert "cancellation" not in by_id[mug]
    assert by_id[cup]["cancellation"]["cancellationExecution"] == {
        "cancelledBy": "MERCHANT",
        "cancelReason": "BuyerCanceled",
    }
    assert by_id[cup]["fulfillment"]["quantityUnfulfilled"] == 0
    partly = emulator.get_stored_order(SELLER_ID, PARTLY_SHIPPED)
    assert partly["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert partly["orderItems"][1]["fulfillment"]["quantityUnfulfilled"] == 0


def test_cancellations_amazon_refuses(emulator, client, orders):
    shipped_mug, unshipped_cup = item_ids(emulator, PARTLY_SHIPPED)
    mug, _cup = item_ids(emulator, UNSHIPPED)
    before = {
        order_id: emulator.get_stored_order(SELLER_ID, order_id)
        for order_id in (SHIPPED, PARTLY_SHIPPED, FBA, UNSHIPPED)
    }

    report = acknowledge(
        client,
        OrderAcknowledgementRequest.cancellation(SHIPPED),
        OrderAcknowledgementRequest.cancellation(PARTLY_SHIPPED),
        OrderAcknowledgementRequest.cancellation(
            PARTLY_SHIPPED, items=[AcknowledgedItem(shipped_mug)]
        ),
        OrderAcknowledgementRequest.cancellation(FBA),
        OrderAcknowledgementRequest.cancellation(UNKNOWN),
        OrderAcknowledgementRequest.cancellation(
            UNSHIPPED, items=[AcknowledgedItem(unshipped_cup)]
        ),
        OrderAcknowledgementRequest.cancellation(
            UNSHIPPED, items=[AcknowledgedItem(mug, quantity=1)]
        ),
    )

    assert report.errors == {
        1: f"90008: Order {SHIPPED} already shipped.",
        2: f"90008: Order {PARTLY_SHIPPED} already shipped in part: cancel its unshipped items "
        "instead.",
        3: f"90008: Order item {shipped_mug} already shipped.",
        4: f"90008: Order {FBA} is fulfilled by Amazon: the seller cannot cancel it.",
        5: f"90003: Order {UNKNOWN} was not found.",
        6: f"90004: Order item {unshipped_cup} is not in order {UNSHIPPED}.",
        7: f"90008: Order item {mug} has 2 unshipped units: the emulator cancels all of them "
        "or none, not 1.",
    }
    assert report.messages_successful == 0
    for order_id, order in before.items():
        assert emulator.get_stored_order(SELLER_ID, order_id) == order


def test_a_success_acknowledges_and_a_repeated_cancellation_changes_nothing(
    emulator, client, orders
):
    report = acknowledge(
        client,
        OrderAcknowledgementRequest(UNSHIPPED, AcknowledgementStatus.SUCCESS, "S00042"),
        OrderAcknowledgementRequest.cancellation(CANCELLED),
    )

    assert report.errors == {}
    assert report.messages_successful == 2
    order = emulator.get_stored_order(SELLER_ID, UNSHIPPED)
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


def test_a_rejected_message(emulator, client, orders):
    mug, _ = item_ids(emulator, SHIPPED)
    emulator.reject_next_order_feed_message(SHIPPED, "Amazon is busy: resubmit later.")
    emulator.reject_next_order_feed_message(UNSHIPPED, "This order is under review.")

    refunds = refund(
        client,
        adjustment(SHIPPED, mug, principal=Decimal("1.00")),
        adjustment(SHIPPED, mug, principal=Decimal("2.00")),
    )
    cancellations = acknowledge(client, OrderAcknowledgementRequest.cancellation(UNSHIPPED))

    assert refunds.errors == {1: "90001: Amazon is busy: resubmit later."}
    (rejected,) = refunds.results
    assert rejected.amazon_order_id == SHIPPED
    (accepted,) = emulator.seller_refunds(SELLER_ID, SHIPPED)
    assert accepted["message_id"] == 2
    assert cancellations.errors == {1: "90001: This order is under review."}
    order = emulator.get_stored_order(SELLER_ID, UNSHIPPED)
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert acknowledge(client, OrderAcknowledgementRequest.cancellation(UNSHIPPED)).errors == {}


def envelope(message_type, *messages, merchant=SELLER_ID) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>'
        f"<Header><DocumentVersion>1.01</DocumentVersion>"
        f"<MerchantIdentifier>{merchant}</MerchantIdentifier></Header>"
        f"<MessageType>{message_type}</MessageType>{''.join(messages)}</AmazonEnvelope>"
    ).encode()


def cancellation_message(message_id, order_id=UNSHIPPED) -> str:
    return (
        f"<Message><MessageID>{message_id}</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{order_id}</AmazonOrderID><StatusCode>Failure</StatusCode>"
        "</OrderAcknowledgement></Message>"
    )


def test_a_message_id_used_twice(emulator, client, orders):
    content = envelope(
        "OrderAcknowledgement", cancellation_message(1), cancellation_message(1, SHIPPED)
    )

    state, report = send(client, ORDER_ACKNOWLEDGEMENT_FEED_TYPE, content)

    assert state["processingStatus"] == "DONE"
    parsed = parse_xml_processing_report(report)
    assert parsed.errors == {1: "90002: MessageID 1 is used by an earlier message of this feed."}
    assert parsed.messages_successful == 1
    order = emulator.get_stored_order(SELLER_ID, UNSHIPPED)
    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"


FATAL_CASES = [
    pytest.param(
        ORDER_ADJUSTMENT_FEED_TYPE,
        b"order-id\tadjustment-reason-code\n111-0000001-0000002\tCustomerReturn\n",
        "5000: XML Parsing Fatal Error at Line 1, Column 1:",
        id="not XML",
    ),
    pytest.param(
        ORDER_ACKNOWLEDGEMENT_FEED_TYPE,
        envelope("OrderAcknowledgement", cancellation_message(1))[:120],
        "5000: XML Parsing Fatal Error at Line 2",
        id="truncated",
    ),
    pytest.param(
        ORDER_ACKNOWLEDGEMENT_FEED_TYPE,
        envelope("OrderAcknowledgement", cancellation_message(1), merchant="A9OTHER"),
        "5001: Header/MerchantIdentifier 'A9OTHER' is not the selling partner",
        id="another merchant",
    ),
    pytest.param(
        ORDER_ADJUSTMENT_FEED_TYPE,
        envelope("OrderAcknowledgement", cancellation_message(1)),
        "5001: MessageType 'OrderAcknowledgement' does not belong in a "
        "POST_PAYMENT_ADJUSTMENT_DATA feed",
        id="wrong message type",
    ),
    pytest.param(
        ORDER_ACKNOWLEDGEMENT_FEED_TYPE,
        envelope(
            "OrderAcknowledgement",
            cancellation_message(1).replace("<StatusCode>Failure", "<StatusCode>Cancelled"),
        ),
        "5001: XML Parsing Error: the document does not validate against Amazon's "
        "amzn-envelope.xsd: line 2: Element 'StatusCode': [facet 'enumeration'] The value "
        "'Cancelled' is not an element of the set {'Success', 'Failure'}.",
        id="against the XSD",
        marks=requires_xsd,
    ),
    pytest.param(
        ORDER_ADJUSTMENT_FEED_TYPE,
        envelope(
            "OrderAdjustment",
            f"<Message><MessageID>1</MessageID><OrderAdjustment><AmazonOrderID>{SHIPPED}"
            "</AmazonOrderID><AdjustedItem><AmazonOrderItemCode>12345678901234"
            "</AmazonOrderItemCode><AdjustmentReason>Refund</AdjustmentReason>"
            "</AdjustedItem></OrderAdjustment></Message>",
        ),
        "'Refund' is not an element of the set",
        id="unknown adjustment reason",
        marks=requires_xsd,
    ),
]


@pytest.mark.contract_violations_expected
@pytest.mark.usefixtures("orders")
@pytest.mark.parametrize(("feed_type", "content", "complaint"), FATAL_CASES)
def test_an_unusable_document_makes_the_feed_fatal(emulator, client, feed_type, content, complaint):
    before = emulator.get_stored_order(SELLER_ID, UNSHIPPED)

    state, report = send(client, feed_type, content)

    assert state["processingStatus"] == "FATAL"
    parsed = parse_xml_processing_report(report)
    (error,) = parsed.document_errors
    assert complaint in error
    assert not parsed.is_accepted(1)
    assert parsed.messages_processed == 0
    if emulator.contract_checks_enabled:
        (violation,) = emulator.contract_violations
        assert violation.startswith(f"{feed_type} feed {state['feedId']}: ")
        assert error.partition(": ")[2] in violation
    assert emulator.get_stored_order(SELLER_ID, UNSHIPPED) == before
    assert emulator.seller_refunds(SELLER_ID, SHIPPED) == []


@requires_models
@pytest.mark.contract_violations_expected
def test_an_xml_feed_sent_as_json_is_a_violation(emulator, client, orders):
    content = build_order_acknowledgement_feed(
        SELLER_ID, [OrderAcknowledgementRequest.cancellation(UNSHIPPED)]
    )

    state, _report = send(
        client, ORDER_ACKNOWLEDGEMENT_FEED_TYPE, content, "application/json; charset=UTF-8"
    )

    assert state["processingStatus"] == "DONE"
    assert emulator.contract_violations == [
        f"{ORDER_ACKNOWLEDGEMENT_FEED_TYPE} feed {state['feedId']}: its document's contentType "
        "is 'application/json; charset=UTF-8', not 'text/xml; charset=UTF-8'"
    ]


def test_reset_forgets_refunds_and_rejections(emulator, client, orders):
    mug, _ = item_ids(emulator, SHIPPED)
    refund(client, adjustment(SHIPPED, mug, principal=Decimal("1.00")))
    emulator.reject_next_order_feed_message(SHIPPED, "no")

    emulator.reset()
    emulator.add_seller(**SELLER)
    emulator.add_order(
        SELLER_ID, make_order(SHIPPED, US, "MERCHANT", "SHIPPED", [MUG], created=NOW)
    )

    assert emulator.seller_refunds(SELLER_ID, SHIPPED) == []
    assert refund(client, adjustment(SHIPPED, mug, principal=Decimal("1.00"))).errors == {}


def test_without_the_schemas_feeds_are_applied_unvalidated_after_one_warning(
    clock, tmp_path, caplog
):
    order_feeds._warn_xsd_missing.cache_clear()
    credentials = AccountCredentials(
        SELLER["client_id"], SELLER["client_secret"], SELLER["refresh_token"]
    )
    with AmazonEmulator(models_dir=tmp_path, clock=clock) as amazon:
        amazon.add_seller(**SELLER)
        amazon.add_order(
            SELLER_ID, make_order(UNSHIPPED, US, "MERCHANT", "UNSHIPPED", [MUG], created=NOW)
        )
        unknown_status = envelope(
            "OrderAcknowledgement",
            cancellation_message(1).replace("<StatusCode>Failure", "<StatusCode>Cancelled"),
        )
        with (
            AmazonClient(
                credentials,
                "na",
                api_endpoint=amazon.url,
                lwa_endpoint=amazon.lwa_url,
                rate_limiter=RateLimiter(),
                token_cache=TokenCache(),
                sleep=lambda seconds: None,
            ) as client,
            caplog.at_level(logging.WARNING, logger="amazon_emulator"),
        ):
            state, report = send(client, ORDER_ACKNOWLEDGEMENT_FEED_TYPE, unknown_status)
            cancelled = acknowledge(client, OrderAcknowledgementRequest.cancellation(UNSHIPPED))

        assert state["processingStatus"] == "DONE"
        assert parse_xml_processing_report(report).errors == {
            1: "90002: StatusCode 'Cancelled' is not Success or Failure."
        }
        assert cancelled.errors == {}
        order = amazon.get_stored_order(SELLER_ID, UNSHIPPED)
        assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    warnings = [r.getMessage() for r in caplog.records if "XML feed schemas" in r.getMessage()]
    assert warnings == [
        "amazon_emulator: Amazon's XML feed schemas not found (no models folder; set "
        "AMAZON_MODELS_DIR): order feeds are NOT validated against amzn-envelope.xsd"
    ]
