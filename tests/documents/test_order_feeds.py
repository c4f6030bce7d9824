"""Order adjustment and order acknowledgement XML feeds, and Amazon's XML processing report.

Every feed built here is checked against Amazon's `amzn-envelope.xsd`, read from the models
folder (`../shared/amazon-models/xsd/` or $AMAZON_MODELS_DIR/xsd/), never from the project.
"""

import gzip
from decimal import Decimal

import pytest
import xmltodict
from lxml import etree

from amazon_emulator import find_models_dir
from amazon_emulator.order_feeds import ENVELOPE_XSD, envelope_schema, validation_errors
from amazon_sp.documents import (
    ADJUSTMENT_REASONS,
    CANCEL_REASONS,
    ORDER_ACKNOWLEDGEMENT_FEED_TYPE,
    ORDER_ADJUSTMENT_FEED_TYPE,
    XML_FEED_CONTENT_TYPE,
    AcknowledgedItem,
    AcknowledgementStatus,
    AdjustedItem,
    AdjustmentReason,
    AmazonDocumentError,
    CancelReason,
    OrderAcknowledgementRequest,
    OrderAdjustmentRequest,
    ProcessingReportStatus,
    ProcessingResult,
    build_order_acknowledgement_feed,
    build_order_adjustment_feed,
    parse_xml_processing_report,
)

MERCHANT = "A2TESTSELLER001"
ORDER = "113-1234567-7654321"
OTHER_ORDER = "113-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "12345678901299"
MODELS_DIR = find_models_dir()
SCHEMA = envelope_schema(MODELS_DIR)
requires_xsd = pytest.mark.skipif(
    SCHEMA is None,
    reason=f"Amazon's XML feed schemas not found ({ENVELOPE_XSD} beside the API models; set "
    "AMAZON_MODELS_DIR): built feeds are not validated",
)


def assert_valid(document: bytes):
    """The document validates against amzn-envelope.xsd (when the schemas are there)."""
    if SCHEMA is not None:
        assert validation_errors(SCHEMA, document) == []


def refund(order_id=ORDER, **item_fields) -> OrderAdjustmentRequest:
    fields = {
        "amazon_order_item_id": ITEM,
        "adjustment_reason": AdjustmentReason.CUSTOMER_RETURN,
        "currency": "USD",
        "principal": Decimal("10.00"),
        **item_fields,
    }
    return OrderAdjustmentRequest(order_id, (AdjustedItem(**fields),))


PARTIAL_REFUND_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.01</DocumentVersion>
    <MerchantIdentifier>{MERCHANT}</MerchantIdentifier>
  </Header>
  <MessageType>OrderAdjustment</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <OrderAdjustment>
      <AmazonOrderID>{ORDER}</AmazonOrderID>
      <ActionType>Refund</ActionType>
      <AdjustedItem>
        <AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>
        <MerchantAdjustmentItemID>RINV/2026/0001</MerchantAdjustmentItemID>
        <AdjustmentReason>CustomerReturn</AdjustmentReason>
        <ItemPriceAdjustments>
          <Component>
            <Type>Principal</Type>
            <Amount currency="USD">12.50</Amount>
          </Component>
          <Component>
            <Type>Shipping</Type>
            <Amount currency="USD">4.99</Amount>
          </Component>
          <Component>
            <Type>Tax</Type>
            <Amount currency="USD">1.03</Amount>
          </Component>
        </ItemPriceAdjustments>
        <Quantity>1</Quantity>
      </AdjustedItem>
    </OrderAdjustment>
  </Message>
</AmazonEnvelope>"""


def test_a_partial_refund_with_principal_shipping_and_tax():
    request = OrderAdjustmentRequest(
        ORDER,
        (
            AdjustedItem(
                ITEM,
                AdjustmentReason.CUSTOMER_RETURN,
                "USD",
                principal=Decimal("12.50"),
                shipping="4.99",
                tax=Decimal("1.03"),
                quantity=1,
            ),
        ),
        merchant_adjustment_id="RINV/2026/0001",
    )

    feed = build_order_adjustment_feed(MERCHANT, [request])

    assert feed.decode() == PARTIAL_REFUND_FEED
    assert_valid(feed)
    assert ORDER_ADJUSTMENT_FEED_TYPE == "POST_PAYMENT_ADJUSTMENT_DATA"
    assert XML_FEED_CONTENT_TYPE == "text/xml; charset=UTF-8"


def components_of(feed: bytes, message=0, item=0) -> list[tuple[str, str, str]]:
    envelope = xmltodict.parse(feed, force_list=("Message", "AdjustedItem", "Component"))
    adjusted = envelope["AmazonEnvelope"]["Message"][message]["OrderAdjustment"]["AdjustedItem"]
    return [
        (c["Type"], c["Amount"]["@currency"], c["Amount"]["#text"])
        for c in adjusted[item]["ItemPriceAdjustments"]["Component"]
    ]


def test_every_component_and_a_restocking_fee_kept_from_the_refund():
    feed = build_order_adjustment_feed(
        MERCHANT,
        [
            refund(
                principal=Decimal(20),
                shipping=Decimal("5.00"),
                tax=Decimal("1.60"),
                shipping_tax=Decimal("0.40"),
                gift_wrap=Decimal("2.00"),
                gift_wrap_tax=Decimal("0.16"),
                goodwill=Decimal("3.00"),
                restocking_fee=Decimal("4.00"),
            )
        ],
    )

    assert_valid(feed)
    assert components_of(feed) == [
        ("Principal", "USD", "20.00"),
        ("Shipping", "USD", "5.00"),
        ("Tax", "USD", "1.60"),
        ("ShippingTax", "USD", "0.40"),
        ("GiftWrap", "USD", "2.00"),
        ("GiftWrapTax", "USD", "0.16"),
        ("Goodwill", "USD", "3.00"),
        ("RestockingFee", "USD", "-4.00"),
    ]


def test_zero_amounts_are_left_out_and_yen_have_no_decimals():
    feed = build_order_adjustment_feed(
        MERCHANT, [refund(currency="JPY", principal=1500, shipping=Decimal("0.00"), tax="120")]
    )

    assert_valid(feed)
    assert components_of(feed) == [("Principal", "JPY", "1500"), ("Tax", "JPY", "120")]


def test_several_orders_and_items_and_their_message_ids():
    two_items = OrderAdjustmentRequest(
        OTHER_ORDER,
        (
            AdjustedItem(ITEM, AdjustmentReason.NO_INVENTORY, "EUR", principal=Decimal("9.99")),
            AdjustedItem(
                OTHER_ITEM,
                AdjustmentReason.COULD_NOT_SHIP,
                "EUR",
                shipping=Decimal("3.00"),
                merchant_adjustment_item_id="LINE-2",
            ),
        ),
        merchant_adjustment_id="RINV-7",
    )

    feed = build_order_adjustment_feed(MERCHANT, [refund(), two_items])

    assert_valid(feed)
    envelope = xmltodict.parse(feed, force_list=("Message", "AdjustedItem"))["AmazonEnvelope"]
    assert [m["MessageID"] for m in envelope["Message"]] == ["1", "2"]
    second = envelope["Message"][1]["OrderAdjustment"]
    assert [i["MerchantAdjustmentItemID"] for i in second["AdjustedItem"]] == ["RINV-7", "LINE-2"]
    assert [i["AdjustmentReason"] for i in second["AdjustedItem"]] == [
        "NoInventory",
        "CouldNotShip",
    ]
    assert (
        "MerchantAdjustmentItemID"
        not in envelope["Message"][0]["OrderAdjustment"]["AdjustedItem"][0]
    )

    given = build_order_adjustment_feed(
        MERCHANT,
        [
            OrderAdjustmentRequest(ORDER, refund().items, message_id=41),
            OrderAdjustmentRequest(OTHER_ORDER, refund().items, message_id=7),
        ],
    )
    messages = xmltodict.parse(given, force_list=("Message",))["AmazonEnvelope"]["Message"]
    assert [m["MessageID"] for m in messages] == ["41", "7"]


@pytest.mark.parametrize(
    ("adjustments", "complaint"),
    [
        ([], "a feed needs at least one message"),
        ([refund(order_id="1131234567")], "Amazon order id '1131234567' is not of the form"),
        ([refund(amazon_order_item_id="123")], "Amazon order item id '123' is not 14 digits"),
        ([refund(adjustment_reason="Refund")], "adjustment reason 'Refund' is not one of"),
        ([refund(currency="usd")], "currency 'usd' is not an ISO 4217 code"),
        ([refund(principal=Decimal("-1.00"))], "should be a positive number"),
        ([refund(principal=Decimal("1.005"))], "has more than 2 decimals for USD"),
        ([refund(currency="JPY", principal=Decimal("10.50"))], "more than 0 decimals for JPY"),
        ([refund(principal=1.5)], "should be a Decimal, int or str"),
        ([refund(principal="ten")], "is not a number"),
        ([refund(principal=Decimal("NaN"))], "should be a positive number"),
        ([refund(principal=None)], "nothing to refund"),
        ([refund(principal=None, restocking_fee=Decimal(2))], "nothing to refund"),
        ([refund(quantity=0)], "quantity 0 is not an integer >= 1"),
        ([refund(merchant_adjustment_item_id="X" * 51)], "longer than 50 characters"),
        ([OrderAdjustmentRequest(ORDER, ())], "no adjusted item"),
        ([OrderAdjustmentRequest(ORDER, refund().items, message_id=0)], "is not an integer >= 1"),
        (
            [
                OrderAdjustmentRequest(ORDER, refund().items, message_id=2),
                OrderAdjustmentRequest(OTHER_ORDER, refund().items),
            ],
            "message id 2 is used twice",
        ),
    ],
)
def test_adjustments_amazon_would_refuse(adjustments, complaint):
    with pytest.raises(AmazonDocumentError) as raised:
        build_order_adjustment_feed(MERCHANT, adjustments)

    assert complaint in str(raised.value)
    assert str(raised.value).startswith("order adjustment feed: ")


def test_a_merchant_id_is_required():
    with pytest.raises(AmazonDocumentError, match="merchant id '' is empty"):
        build_order_adjustment_feed("", [refund()])


CANCELLATION_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.01</DocumentVersion>
    <MerchantIdentifier>{MERCHANT}</MerchantIdentifier>
  </Header>
  <MessageType>OrderAcknowledgement</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <OrderAcknowledgement>
      <AmazonOrderID>{ORDER}</AmazonOrderID>
      <MerchantOrderID>S00042</MerchantOrderID>
      <StatusCode>Failure</StatusCode>
      <Item>
        <AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>
        <CancelReason>NoInventory</CancelReason>
      </Item>
    </OrderAcknowledgement>
  </Message>
</AmazonEnvelope>"""


def test_a_cancellation():
    cancellation = OrderAcknowledgementRequest.cancellation(
        ORDER, CancelReason.NO_INVENTORY, items=[AcknowledgedItem(ITEM)], merchant_order_id="S00042"
    )

    feed = build_order_acknowledgement_feed(MERCHANT, [cancellation])

    assert feed.decode() == CANCELLATION_FEED
    assert_valid(feed)
    assert cancellation.status_code == AcknowledgementStatus.FAILURE == "Failure"
    assert ORDER_ACKNOWLEDGEMENT_FEED_TYPE == "POST_ORDER_ACKNOWLEDGEMENT_DATA"


def test_whole_and_partial_cancellations_and_a_success():
    whole = OrderAcknowledgementRequest.cancellation(ORDER)
    partial = OrderAcknowledgementRequest.cancellation(
        OTHER_ORDER,
        CancelReason.BUYER_CANCELED,
        items=(
            AcknowledgedItem(ITEM, quantity=2, merchant_order_item_id="SOL-9"),
            AcknowledgedItem(OTHER_ITEM, cancel_reason=CancelReason.PRICING_ERROR),
        ),
    )
    success = OrderAcknowledgementRequest(
        "113-0000000-0000001", AcknowledgementStatus.SUCCESS, merchant_order_id="S00043"
    )

    feed = build_order_acknowledgement_feed(MERCHANT, [whole, partial, success])

    assert_valid(feed)
    messages = xmltodict.parse(feed, force_list=("Message", "Item"))["AmazonEnvelope"]["Message"]
    assert [m["MessageID"] for m in messages] == ["1", "2", "3"]
    assert messages[0]["OrderAcknowledgement"] == {"AmazonOrderID": ORDER, "StatusCode": "Failure"}
    assert messages[1]["OrderAcknowledgement"]["Item"] == [
        {
            "AmazonOrderItemCode": ITEM,
            "MerchantOrderItemID": "SOL-9",
            "CancelReason": "BuyerCanceled",
            "Quantity": "2",
        },
        {"AmazonOrderItemCode": OTHER_ITEM, "CancelReason": "PricingError"},
    ]
    assert messages[2]["OrderAcknowledgement"] == {
        "AmazonOrderID": "113-0000000-0000001",
        "MerchantOrderID": "S00043",
        "StatusCode": "Success",
    }


@pytest.mark.parametrize(
    ("acknowledgement", "complaint"),
    [
        (
            OrderAcknowledgementRequest.cancellation(ORDER, CancelReason.NO_INVENTORY),
            "a cancel reason needs the items it applies to",
        ),
        (
            OrderAcknowledgementRequest.cancellation(
                ORDER, "OutOfStock", items=[AcknowledgedItem(ITEM)]
            ),
            "cancel reason 'OutOfStock' is not one of Amazon's",
        ),
        (OrderAcknowledgementRequest(ORDER, "Cancelled"), "is not Success or Failure"),
        (OrderAcknowledgementRequest.cancellation("ORDER-1"), "is not of the form"),
        (
            OrderAcknowledgementRequest.cancellation(ORDER, items=[AcknowledgedItem("1-2")]),
            "Amazon order item id '1-2' is not 14 digits",
        ),
        (
            OrderAcknowledgementRequest.cancellation(
                ORDER, items=[AcknowledgedItem(ITEM, quantity=-1)]
            ),
            "quantity -1 is not an integer >= 1",
        ),
        (
            OrderAcknowledgementRequest.cancellation(ORDER, merchant_order_id="S" * 51),
            "merchant order id",
        ),
    ],
)
def test_acknowledgements_amazon_would_refuse(acknowledgement, complaint):
    with pytest.raises(AmazonDocumentError) as raised:
        build_order_acknowledgement_feed(MERCHANT, [acknowledgement])

    assert complaint in str(raised.value)


def xsd_enumeration(file_name: str, element: str) -> list[str]:
    schema = etree.parse(str(MODELS_DIR / "xsd" / file_name))
    values = schema.xpath(
        f"//xsd:element[@name='{element}']//xsd:enumeration/@value",
        namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"},
    )
    return list(values)


@requires_xsd
def test_the_enumerations_are_amazons():
    assert list(ADJUSTMENT_REASONS) == xsd_enumeration("OrderAdjustment.xsd", "AdjustmentReason")
    assert list(CANCEL_REASONS) == xsd_enumeration("OrderAcknowledgement.xsd", "CancelReason")


@requires_xsd
def test_every_reason_validates():
    adjustments = [
        OrderAdjustmentRequest(ORDER, refund(adjustment_reason=reason).items)
        for reason in ADJUSTMENT_REASONS
    ]
    cancellations = [
        OrderAcknowledgementRequest.cancellation(ORDER, reason, items=[AcknowledgedItem(ITEM)])
        for reason in CANCEL_REASONS
    ]

    assert_valid(build_order_adjustment_feed(MERCHANT, adjustments))
    assert_valid(build_order_acknowledgement_feed(MERCHANT, cancellations))


# Processing reports


def processing_report(status="Complete", counts=(3, 1, 2, 1), results="") -> bytes:
    processed, successful, with_error, with_warning = counts
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.02</DocumentVersion>
    <MerchantIdentifier>{MERCHANT}</MerchantIdentifier>
  </Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>51234567890</DocumentTransactionID>
      <StatusCode>{status}</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>{processed}</MessagesProcessed>
        <MessagesSuccessful>{successful}</MessagesSuccessful>
        <MessagesWithError>{with_error}</MessagesWithError>
        <MessagesWithWarning>{with_warning}</MessagesWithWarning>
      </ProcessingSummary>{results}
    </ProcessingReport>
  </Message>
</AmazonEnvelope>""".encode()


def result(message_id, code="Error", message_code="18028", description="", info="") -> str:
    additional = f"<AdditionalInfo>{info}</AdditionalInfo>" if info else ""
    return (
        f"<Result><MessageID>{message_id}</MessageID><ResultCode>{code}</ResultCode>"
        f"<ResultMessageCode>{message_code}</ResultMessageCode>"
        f"<ResultDescription>{description}</ResultDescription>{additional}</Result>"
    )


REPORT_WITH_ERRORS = processing_report(
    results=result(
        2,
        message_code="18028",
        description="The data you submitted is incomplete or invalid.",
        info=f"<AmazonOrderID>{ORDER}</AmazonOrderID><AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>",
    )
    + result(2, message_code="18060", description="Principal exceeds the refundable amount.")
    + result(3, code="Warning", message_code="99001", description="Rounded to cents.")
    + result(4, message_code="25", description="Order not found.")
)


def test_a_report_with_errors_and_a_warning():
    assert_valid(REPORT_WITH_ERRORS)

    report = parse_xml_processing_report(REPORT_WITH_ERRORS)

    assert (report.transaction_id, report.status_code) == ("51234567890", "Complete")
    assert (
        report.messages_processed,
        report.messages_successful,
        report.messages_with_error,
        report.messages_with_warning,
    ) == (3, 1, 2, 1)
    assert report.results[0] == ProcessingResult(
        message_id=2,
        result_code="Error",
        message_code="18028",
        description="The data you submitted is incomplete or invalid.",
        amazon_order_id=ORDER,
        amazon_order_item_id=ITEM,
    )
    assert report.errors == {
        2: "18028: The data you submitted is incomplete or invalid.; "
        "18060: Principal exceeds the refundable amount.",
        4: "25: Order not found.",
    }
    assert report.warnings == {3: "99001: Rounded to cents."}
    assert report.document_errors == ()
    assert [report.is_accepted(message_id) for message_id in (1, 2, 3, 4)] == [
        True,
        False,
        True,
        False,
    ]
    assert report.error_for(4) == "25: Order not found."
    assert report.error_for(1) is None


def test_a_report_without_results_accepts_every_message():
    content = processing_report(counts=(2, 2, 0, 0))
    assert_valid(content)

    report = parse_xml_processing_report(content.decode())

    assert report.results == ()
    assert report.is_accepted(1) and report.is_accepted(2)


PROLOG_ERROR = "XML Parsing Fatal Error at Line 1, Column 1: Content is not allowed in prolog."


def test_a_document_error_refuses_every_message():
    content = processing_report(
        counts=(0, 0, 1, 0),
        results=result(
            0,
            message_code="5000",
            description=PROLOG_ERROR,
        ),
    )
    assert_valid(content)

    report = parse_xml_processing_report(content)

    assert report.document_errors == (f"5000: {PROLOG_ERROR}",)
    assert report.errors == {}
    assert not report.is_accepted(1)
    assert report.error_for(1).startswith("5000: XML Parsing Fatal Error")


def test_a_report_still_processing_accepts_nothing_yet():
    report = parse_xml_processing_report(
        processing_report(ProcessingReportStatus.PROCESSING, (0, 0, 0, 0))
    )

    assert report.error_for(1) == "the feed is not processed (report status Processing)"


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<AmazonEnvelope><MessageType>&lol2;</MessageType></AmazonEnvelope>"""


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"", "not XML"),
        (b"messageId,code\n1,ERROR\n", "not XML"),
        (b'{"summary": {}}', "not XML"),
        (processing_report()[:200], "not XML"),
        (ENTITY_BOMB, "not XML"),
        (gzip.compress(processing_report()), "gzip-compressed"),
        (None, "expected bytes or text, not NoneType"),
        (b"<ProcessingReport/>", "root element 'ProcessingReport' is not AmazonEnvelope"),
        (processing_report().replace(b">ProcessingReport</", b">OrderReport</"), "MessageType"),
        (
            processing_report().replace(
                b"<DocumentTransactionID>51234567890", b"<DocumentTransactionID>"
            ),
            "missing DocumentTransactionID",
        ),
        (
            processing_report().replace(b"<StatusCode>Complete</StatusCode>", b""),
            "missing StatusCode",
        ),
        (
            processing_report().replace(b"<MessagesProcessed>3", b"<MessagesProcessed>three"),
            "MessagesProcessed 'three' is not a number",
        ),
        (processing_report(results=result("x")), "MessageID 'x' is not a number"),
        (processing_report(results="<Result></Result>"), "Result has no elements"),
        (processing_report(results="<Result>2</Result>"), "Result has no elements"),
        (
            processing_report(results="<Result><ResultCode>Error</ResultCode></Result>"),
            "missing MessageID at Result[0]",
        ),
        (processing_report(results=result(1, code="Fatal")), "ResultCode 'Fatal' is not"),
    ],
)
def test_malformed_reports(content, complaint):
    with pytest.raises(AmazonDocumentError) as raised:
        parse_xml_processing_report(content)

    assert complaint in str(raised.value)
    assert str(raised.value).startswith("XML feed processing report: ")
