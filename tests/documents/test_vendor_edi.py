"""Amazon's X12 004010 EDI for vendors: Amazon's direct fulfilment 850 samples and
hand-written retail 850s read as the API's documents, codes outside Amazon's lists refused
with their place, and 855, 856, 810 and 997 written by us, read back equal (by our reader
and by pyx12's), with the meaning Amazon's 856 and 810 renderings give their elements."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal

import pytest

from amazon_emulator.as2_partner import make_754, read_routing_request
from amazon_sp.documents import (
    AcknowledgedQuantity,
    Address,
    AmazonDocumentError,
    Carton,
    ChargeDetail,
    ContainerContent,
    CreditNoteDetails,
    DfItem,
    DfOrder,
    InvoiceItem,
    InvoiceRequest,
    ItemAcknowledgement,
    Pallet,
    Party,
    PaymentTerms,
    PurchaseOrder,
    PurchaseOrderAcknowledgement,
    PurchaseOrderItem,
    QuantityUnit,
    RoutedPurchaseOrder,
    RoutingRequest,
    ShipmentConfirmationRequest,
    ShippedItem,
    TaxDetail,
    Weight,
)
from amazon_sp.documents.vendor_edi import (
    ElementNote,
    FunctionalAcknowledgement,
    RoutingInstructions,
    SegmentNote,
    TransactionSetAcknowledgement,
    build_acknowledgement_855,
    build_functional_acknowledgement,
    build_invoice_810,
    build_routing_request_753,
    build_ship_notice_856,
    parse_df_order_850,
    parse_functional_acknowledgement,
    parse_purchase_order_850,
    parse_routing_instructions_754,
    split_edi_orders,
)
from amazon_sp.documents.x12 import (
    ElementError,
    ErrorLevel,
    SegmentError,
    SetError,
    X12Error,
    read_interchange,
    write_interchange,
)

from .test_x12 import (
    FREIGHT_TRUST,
    ONE_ITEM,
    THREE_ITEMS,
    comparable,
    independent_segments,
    models_x12_dir,
    our_segments,
    sample,
)

PO = "2JK3S9VC"
OTHER_PO = "3JK3S9VC"
CREATED = datetime(2026, 3, 2, 9, 30)
SSCC_1 = "106141411234567897"
SSCC_2 = "000000000000000017"
SSCC_3 = "000000000000000024"
RENDERING_856 = "856-direct-fulfillment-freighttrust-DF856.xml-rendering.xml"
RENDERING_810 = "810-direct-fulfillment-freighttrust-DF810_810002244.xml-rendering.xml"


def retail_850(*body, control="0001"):
    """An 850 transaction set text (ST to SE) of `body` segments, SE counting them."""
    return (
        f"ST*850*{control}~"
        + "".join(f"{segment}~" for segment in body)
        + f"SE*{len(body) + 2}*{control}~"
    )


RETAIL_BODY = (
    f"BEG*00*NE*{PO}**20260302",
    "CUR*BY*USD",
    "REF*CR*VEND1",
    "REF*PD*DEAL42",
    "FOB*CC",
    "CSH*Y",
    "DTM*064*20260305",
    "DTM*063*20260312",
    "N1*ST**92*ABE2",
    "N1*BY**92*AMZN",
    "PO1*1*10*EA*12.50*PE*BP*B000MUG001*VN*MUG-1",
    "CTP**LPR*19.99",
    "PO1*2*3*CA*4.25*PE*UP*012345678905",
    "PO4*12",
    "CTT*2*13",
)


def interchange(*sets, sender="AMAZON", group="11"):
    text = (
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*VENDORX        *260302*0930*U*"
        f"00401*000000007*0*P*>~GS*PO*{sender}*VENDORX*20260302*0930*{group}*X*004010~"
        + "".join(sets)
        + f"GE*{len(sets)}*{group}~IEA*1*000000007~"
    )
    return read_interchange(text)


def retail_set(*replacements, control="0001"):
    """The transaction set of a retail 850, with (old, new) segment replacements."""
    body = list(RETAIL_BODY)
    for old, new in replacements:
        body = [new if segment == old else segment for segment in body]
    return retail_850(*body, control=control)


def read_retail(*replacements):
    return parse_purchase_order_850(interchange(retail_set(*replacements)).transaction_sets[0])


def mapping_error(*replacements):
    with pytest.raises(X12Error) as raised:
        read_retail(*replacements)
    return raised.value


# Retail 850


def test_a_retail_850_is_the_purchase_order_the_api_import_makes():
    ordered = datetime(2026, 3, 2)
    assert read_retail() == PurchaseOrder(
        number=PO,
        state="New",
        order_type="RegularOrder",
        ordered=ordered,
        changed=None,
        state_changed=ordered,
        payment_method="",
        deal_code="DEAL42",
        buying_party=Party("AMZN"),
        selling_party=Party("VEND1"),
        ship_to_party=Party("ABE2"),
        bill_to_party=None,
        ship_window=None,
        delivery_window=(datetime(2026, 3, 5), datetime(2026, 3, 12)),
        items=(
            PurchaseOrderItem(
                sequence="1",
                asin="B000MUG001",
                vendor_product_id="MUG-1",
                quantity=10,
                unit_of_measure=QuantityUnit.EACHES,
                unit_size=1,
                back_order_allowed=True,
                net_cost=Decimal("12.50"),
                list_price=Decimal("19.99"),
                currency="USD",
            ),
            PurchaseOrderItem(
                sequence="2",
                asin="",
                vendor_product_id="012345678905",
                quantity=3,
                unit_of_measure=QuantityUnit.CASES,
                unit_size=12,
                back_order_allowed=True,
                net_cost=Decimal("4.25"),
                list_price=None,
                currency="USD",
            ),
        ),
    )


@pytest.mark.parametrize(
    ("code", "order_type"),
    [
        ("NE", "RegularOrder"),
        ("CN", "ConsignedOrder"),
        ("NP", "NewProductIntroduction"),
        ("RO", "RushOrder"),
    ],
)
def test_beg02_is_the_api_order_type(code, order_type):
    order = read_retail((f"BEG*00*NE*{PO}**20260302", f"BEG*00*{code}*{PO}**20260302"))
    assert order.order_type == order_type


def test_csh_n_means_no_back_order():
    order = read_retail(("CSH*Y", "CSH*N"))
    assert {item.back_order_allowed for item in order.items} == {False}


@pytest.mark.parametrize(
    ("replacement", "segment_id", "position", "element"),
    [
        ((f"BEG*00*NE*{PO}**20260302", f"BEG*00*SA*{PO}**20260302"), "BEG", 2, 2),
        (("CSH*Y", "CSH*B"), "CSH", 7, 1),
        (
            ("PO1*2*3*CA*4.25*PE*UP*012345678905", "PO1*2*3*CA*4.25*PE*XX*012345678905"),
            "PO1",
            14,
            6,
        ),
        (
            ("PO1*2*3*CA*4.25*PE*UP*012345678905", "PO1*2*3*BX*4.25*PE*UP*012345678905"),
            "PO1",
            14,
            3,
        ),
        (("N1*ST**92*ABE2", "N1*ST**01*ABE2"), "N1", 10, 3),
        (("DTM*063*20260312", "DTM*063*20260312*1200*ET"), "DTM", 9, 4),
    ],
)
def test_a_code_outside_amazons_list_is_refused_with_its_place(
    replacement, segment_id, position, element
):
    error = mapping_error(replacement)
    assert (error.level, error.code) == (ErrorLevel.ELEMENT, ElementError.INVALID_CODE)
    assert (error.segment_id, error.segment_position, error.element_position) == (
        segment_id,
        position,
        element,
    )
    assert (error.interchange, error.group, error.transaction_set) == ("000000007", "11", "0001")
    assert "is not one of Amazon's codes" in str(error)
    assert str(error).startswith("X12 850 purchase order: ")


@pytest.mark.parametrize(
    ("replacement", "code", "message"),
    [
        (("CSH*Y", "FOB*PP"), SegmentError.MANDATORY_MISSING, "no CSH segment"),
        (("CTT*2*13", "CTT*3*13"), ElementError.INVALID_CODE, "CTT01 is not the number of PO1"),
        (("CTT*2*13", "CTT*2*14"), ElementError.INVALID_CODE, "CTT02 is not the sum"),
        (("PO4*12", "CTP**LPR*9.99"), SegmentError.MANDATORY_MISSING, "without its PO401"),
        (("DTM*063*20260312", "DTM*063*20260304"), ElementError.INVALID_DATE, "DTM 063 is before"),
        (("DTM*064*20260305", "DTM*064*20260231"), ElementError.INVALID_DATE, "is not a date"),
        (
            ("PO1*1*10*EA*12.50*PE*BP*B000MUG001*VN*MUG-1", "PO1*1*ten*EA*12.50*PE*BP*B1"),
            ElementError.INVALID_CHARACTER,
            "PO102",
        ),
        (("N1*ST**92*ABE2", "N1*SF**92*ABE2"), SegmentError.MANDATORY_MISSING, "no N1 ST"),
    ],
)
def test_an_850_amazon_would_not_send_is_refused(replacement, code, message):
    error = mapping_error(replacement)
    assert error.code == code
    assert message in str(error)


def test_each_850_is_read_alone():
    orders = split_edi_orders(
        interchange(
            retail_set(control="0001"),
            retail_set(("CSH*Y", "CSH*B"), control="0002"),
            retail_set(control="0003").replace("SE*17*0003", "SE*16*0003"),
        )
    )
    assert [(order.control_number, order.number) for order in orders] == [
        ("0001", PO),
        ("0002", PO),
        ("0003", ""),
    ]
    assert isinstance(orders[0].order, PurchaseOrder)
    assert not orders[0].is_direct_fulfillment
    assert orders[1].error.code == ElementError.INVALID_CODE
    assert orders[2].error.code == SetError.SEGMENT_COUNT


# Direct fulfilment 850


def test_a_direct_fulfillment_sample_is_the_df_order_the_api_import_makes():
    (read,) = split_edi_orders(read_interchange(sample(FREIGHT_TRUST)))
    assert read.is_direct_fulfillment
    assert read.order == DfOrder(
        number="TesT0008596",
        customer_order_number="100-0000000-3091800",
        ordered=datetime(2019, 4, 11),
        status="",
        selling_party=Party("VENDOR"),
        ship_from_party=Party("ABCD"),
        bill_to_party=Party("KYDC"),
        ship_to=Address(
            name="Walter White",
            company="HEISENBERG",
            street="3828 Piermont Dr NE",
            street2="",
            city="Albuquerque",
            state="NM",
            zip="87111",
            country_code="US",
            phone="",
        ),
        ship_method="UPS_DOM_3DAY_RES",
        required_ship_date=datetime(2019, 4, 11, 12),
        promised_delivery_date=datetime(2019, 4, 11, 12),
        is_priority=False,
        is_gift=True,
        is_pslip_required=True,
        is_scheduled_delivery=False,
        message_to_customer="This shipment completes your order.",
        has_customizable_items=False,
        items=(
            DfItem(
                sequence="1",
                asin="",
                vendor_product_id="ACC00001",
                title="Designer Mug with Lid, Red",
                quantity=1,
                net_price=Decimal("6.35"),
                currency="USA",
                gift_message="Happy Birthday, I hope you enjoy your gift!",
                gift_wrap_id="",
                tax_amount=None,
            ),
        ),
    )


def test_the_other_direct_fulfillment_samples_are_read():
    one = parse_df_order_850(read_interchange(sample(ONE_ITEM)).transaction_sets[0])
    assert (one.number, one.customer_order_number) == ("T7Fd9Zn55", "002-9977742-6703449")
    assert (one.required_ship_date, one.promised_delivery_date) == (
        datetime(2022, 5, 3, 20, 30),
        datetime(2022, 5, 7, 6, 59),
    )
    assert one.ship_to.city == "Rochester"
    assert one.ship_to.zip == "14616-1629"
    assert not one.is_gift
    assert one.message_to_customer.startswith("As you requested, we've sent this part")
    three = parse_df_order_850(read_interchange(sample(THREE_ITEMS)).transaction_sets[0])
    assert [
        (item.sequence, item.vendor_product_id, item.quantity, item.net_price)
        for item in three.items
    ] == [
        ("1", "1617", 3, Decimal("18.04")),
        ("2", "4927", 2, Decimal("54.42")),
        ("3", "9876", 1, Decimal(18)),
    ]
    assert [item.title for item in three.items] == [
        "Wide Tracker Activity Walker",
        "Deluxe Cozy Convertible",
        "Red Rattle",
    ]
    assert (three.ship_to.company, three.ship_to.street2) == ("Darla Smith", "Suite 112")
    assert len(three.message_to_customer.split("\n")) == 3


def test_a_broken_direct_fulfillment_order_names_no_buyer_data():
    text = sample(ONE_ITEM).replace(
        "N4*Rochester*NY*14616-1629*US*CC*United States", "N4*Rochester*NY*14616-1629"
    )
    (read,) = split_edi_orders(read_interchange(text))
    assert read.order is None
    assert read.error.code == ElementError.MANDATORY_MISSING
    for personal in ("Jennifer", "Smith", "Hardwood", "Rochester", "14616"):
        assert personal not in str(read.error)


def test_a_direct_fulfillment_message_code_outside_01_to_07_is_refused():
    text = sample(FREIGHT_TRUST).replace("N9*ZZ*01~", "N9*ZZ*08~")
    (read,) = split_edi_orders(read_interchange(text))
    assert (read.error.segment_id, read.error.element_position, read.error.code) == (
        "N9",
        2,
        ElementError.INVALID_CODE,
    )


# 855


def acknowledgement(*items):
    return PurchaseOrderAcknowledgement(PO, "VEND1", CREATED, items)


def acknowledged_item(sequence, quantities, **changes):
    values = {
        "sequence": sequence,
        "asin": "B000MUG001",
        "vendor_product_id": "MUG-1",
        "ordered_quantity": 10,
        "unit_of_measure": QuantityUnit.EACHES,
        "unit_size": 1,
        "net_cost": Decimal("12.50"),
        "currency": "USD",
        "quantities": tuple(quantities),
    }
    values.update(changes)
    return ItemAcknowledgement(**values)


def written(outgoing, receiver="AMAZON"):
    """The text of an interchange of `outgoing`, from VENDORX."""
    return write_interchange(
        [outgoing],
        sender_qualifier="ZZ",
        sender_id="VENDORX",
        receiver_qualifier="ZZ",
        receiver_id=receiver,
        control_number=17,
        group_control_number=5,
        created=CREATED,
    )


def written_and_read_back(outgoing):
    """(the text of an interchange of `outgoing`, its body segments as tuples of the
    segment id and its elements' text, its TransactionSet), read back by our reader
    (`test_the_independent_reader_reads_what_we_write_equal` reads them with pyx12's)."""
    text = written(outgoing)
    read = read_interchange(text)
    assert read.errors == ()
    (transaction_set,) = read.transaction_sets
    segments = [
        (segment.id, *(segment.element(i) for i in range(1, len(segment) + 1)))
        for segment in transaction_set.segments
    ]
    return text, segments, transaction_set


def test_an_855_is_written_and_read_back_equal():
    outgoing = build_acknowledgement_855(
        acknowledgement(
            acknowledged_item(
                "1",
                [
                    AcknowledgedQuantity("Accepted", 6),
                    AcknowledgedQuantity(
                        "Backordered", 3, scheduled_ship_date=datetime(2026, 3, 20)
                    ),
                    AcknowledgedQuantity("Rejected", 1, rejection_reason="TemporarilyUnavailable"),
                ],
                list_price=Decimal("19.99"),
            ),
            acknowledged_item(
                "2",
                [
                    AcknowledgedQuantity(
                        "Accepted",
                        3,
                        QuantityUnit.CASES,
                        scheduled_delivery_date=datetime(2026, 3, 9),
                    )
                ],
                asin="",
                vendor_product_id="BOWL-1",
                ordered_quantity=3,
                unit_of_measure=QuantityUnit.CASES,
                unit_size=12,
                net_cost=Decimal("4.25"),
            ),
        ),
        purchase_order_date=datetime(2026, 3, 1),
    )
    text, segments, _ = written_and_read_back(outgoing)
    assert "GS*PR*VENDORX*AMAZON*" in text
    assert segments == [
        ("BAK", "00", "AC", PO, "20260301"),
        ("PO1", "1", "10", "EA", "12.50", "PE", "BP", "B000MUG001", "VN", "MUG-1"),
        ("CTP", "", "LPR", "19.99"),
        ("ACK", "IA", "6", "EA"),
        ("ACK", "IB", "3", "EA", "068", "20260320"),
        ("ACK", "IR", "1", "EA"),
        ("PO1", "2", "3", "CA", "4.25", "PE", "VN", "BOWL-1"),
        ("ACK", "IA", "3", "CA", "067", "20260309"),
        ("CTT", "2", "13"),
    ]


def test_an_855_accepting_everything_as_ordered_is_ad():
    outgoing = build_acknowledgement_855(
        acknowledgement(acknowledged_item("1", [AcknowledgedQuantity("Accepted", 10)]))
    )
    _, segments, _ = written_and_read_back(outgoing)
    assert segments[0] == ("BAK", "00", "AD", PO, "20260302")


def test_an_855_the_api_would_refuse_is_refused():
    with pytest.raises(AmazonDocumentError) as raised:
        build_acknowledgement_855(
            acknowledgement(acknowledged_item("1", [AcknowledgedQuantity("Accepted", 11)]))
        )
    assert "Amazon accepts no more than it ordered" in str(raised.value)


# 856


def rendering(name):
    """(segment id, {element position: text}) of each segment of one of Amazon's XML
    renderings (which do not declare their xsi prefix)."""
    text = (models_x12_dir() / name).read_text(encoding="utf-8")
    root = ET.fromstring(re.sub(r'\s+xsi:nil="true"', "", text))
    return [
        (
            segment.tag,
            {int(child.tag[len(segment.tag) :]): (child.text or "").strip() for child in segment},
        )
        for segment in root.iter()
        if segment.get("type") == "Segment"
    ]


def as_rendering(segments):
    return [(segment[0], dict(enumerate(segment[1:], start=1))) for segment in segments]


KINDS = {
    "date": re.compile(r"^\d{8}$"),
    "time": re.compile(r"^\d{4}(\d{2})?$"),
    "number": re.compile(r"^-?\d+(\.\d+)?$"),
    "text": re.compile(r"^.+$"),
}


def holds(segments, segment_id, element, kind, where=None):
    """Whether a segment `segment_id` has at `element` a value of `kind` (a KINDS key or
    the literal code), and (when given) `where` {element: code} too."""
    pattern = KINDS.get(kind)
    return any(
        found == segment_id
        and all(elements.get(key) == value for key, value in (where or {}).items())
        and (pattern.match(elements.get(element, "")) if pattern else elements.get(element) == kind)
        for found, elements in segments
    )


# What Amazon's DF 856 rendering shows, which our 856 must say the same way.
MEANINGS_856 = [
    ("BSN", 1, "00", None),  # original
    ("BSN", 2, "text", None),  # shipment identification
    ("BSN", 3, "date", None),
    ("BSN", 4, "time", None),
    ("HL", 3, "O", None),
    ("HL", 3, "P", None),
    ("HL", 3, "I", None),
    ("PRF", 1, "text", None),  # purchase order number
    ("N1", 3, "92", {1: "SF"}),
    ("N1", 4, "text", {1: "SF"}),
    ("LIN", 1, "number", None),  # the item's assigned identification
    ("LIN", 3, "text", None),
    ("SN1", 1, "number", None),
    ("SN1", 2, "number", None),  # units shipped
    ("SN1", 3, "EA", None),
    ("MAN", 5, "text", {4: "CP"}),  # the carrier's package id: the tracking number
    ("DTM", 2, "date", {1: "011"}),  # shipped
    ("DTM", 4, "GM", {1: "011"}),
    ("TD1", 7, "number", None),  # weight
]


def shipment_confirmation():
    ship_from = Party(
        "WH01",
        Address("ACME Housewares", "", "1 Main Street", "", "Seattle", "WA", "98101", "US", ""),
    )
    return ShipmentConfirmationRequest(
        shipment_id="SHIP0001",
        selling_party_id="VEND1",
        ship_from=ship_from,
        ship_to_party_id="ABE2",
        confirmed=datetime(2026, 3, 3, 9, 20),
        shipped=datetime(2026, 3, 3, 9, 0),
        items=(
            ShippedItem("001", "B000MUG001", "MUG-1", 20, purchase_order_number=PO),
            ShippedItem("002", "", "BOWL-1", 2, QuantityUnit.CASES, 6, OTHER_PO),
        ),
        cartons=(
            Carton("001", (ContainerContent("001", 8),), sscc=SSCC_1, tracking_number="1Z0001"),
            Carton(
                "002",
                (ContainerContent("001", 8),),
                sscc=SSCC_2,
                weight=Weight(Decimal("4.5"), "Lb"),
            ),
            Carton(
                "003", (ContainerContent("002", 1, QuantityUnit.CASES),), tracking_number="1Z0003"
            ),
        ),
        pallets=(Pallet(SSCC_3, cartons=("001", "002"), weight=Weight(Decimal(40), "Lb")),),
        shipment_type="LessThanTruckLoad",
        arn="ARN12345",
        freight_term="Collect",
        carrier_scac="ABCD",
        carrier_reference="PRO778899",
        bill_of_lading="BOL556677",
        gross_weight=Weight(Decimal("52.5"), "Lb"),
        estimated_delivery=datetime(2026, 3, 6, 15, 0),
    )


def test_an_856_is_written_and_read_back_equal():
    _, segments, _ = written_and_read_back(build_ship_notice_856(shipment_confirmation()))
    assert segments == [
        ("BSN", "00", "SHIP0001", "20260303", "0920", "0001"),
        ("DTM", "011", "20260303", "0900", "GM"),
        ("DTM", "017", "20260306", "1500", "GM"),
        ("HL", "1", "", "S"),
        ("TD1", "PLT94", "1", "", "", "", "G", "52.5", "LB"),
        ("TD5", "", "2", "ABCD", "M"),
        ("REF", "BM", "BOL556677"),
        ("REF", "CN", "PRO778899"),
        ("REF", "AO", "ARN12345"),
        ("N1", "SF", "ACME Housewares", "92", "WH01"),
        ("N3", "1 Main Street"),
        ("N4", "Seattle", "WA", "98101", "US"),
        ("N1", "ST", "", "92", "ABE2"),
        ("HL", "2", "1", "O"),
        ("PRF", PO),
        ("HL", "3", "2", "T"),
        ("MAN", "GM", SSCC_3),
        ("TD1", "PLT94", "1", "", "", "", "G", "40", "LB"),
        ("HL", "4", "3", "P"),
        ("MAN", "GM", SSCC_1, "", "CP", "1Z0001"),
        ("HL", "5", "4", "I"),
        ("LIN", "001", "BP", "B000MUG001", "VN", "MUG-1"),
        ("SN1", "001", "8", "EA"),
        ("HL", "6", "3", "P"),
        ("MAN", "GM", SSCC_2),
        ("TD1", "CTN25", "1", "", "", "", "G", "4.5", "LB"),
        ("HL", "7", "6", "I"),
        ("LIN", "001", "BP", "B000MUG001", "VN", "MUG-1"),
        ("SN1", "001", "8", "EA"),
        ("HL", "8", "2", "I"),  # the 4 units in no carton
        ("LIN", "001", "BP", "B000MUG001", "VN", "MUG-1"),
        ("SN1", "001", "4", "EA"),
        ("HL", "9", "1", "O"),
        ("PRF", OTHER_PO),
        ("HL", "10", "9", "P"),
        ("MAN", "CP", "1Z0003"),
        ("HL", "11", "10", "I"),
        ("LIN", "002", "VN", "BOWL-1"),
        ("SN1", "002", "1", "CA"),
        ("PO4", "6"),
        ("HL", "12", "9", "I"),  # the other case, in units, in no carton
        ("LIN", "002", "VN", "BOWL-1"),
        ("SN1", "002", "6", "EA"),
        ("CTT", "12", "27"),
    ]


def test_an_856_says_what_amazons_rendering_says_the_same_way():
    theirs = rendering(RENDERING_856)
    _, segments, _ = written_and_read_back(build_ship_notice_856(shipment_confirmation()))
    ours = as_rendering(segments)
    for segment_id, element, kind, where in MEANINGS_856:
        assert holds(theirs, segment_id, element, kind, where), (segment_id, element, kind)
        assert holds(ours, segment_id, element, kind, where), (segment_id, element, kind)


def test_an_856_the_api_would_refuse_is_refused():
    request = shipment_confirmation()
    with pytest.raises(AmazonDocumentError) as raised:
        build_ship_notice_856(
            ShipmentConfirmationRequest(**{**request.__dict__, "bill_of_lading": ""})
        )
    assert "needs its bill of lading number" in str(raised.value)


# 810


MEANINGS_810 = [
    ("BIG", 1, "date", None),
    ("BIG", 2, "text", None),  # invoice number
    ("CUR", 1, "BT", None),
    ("CUR", 2, "USD", None),
    ("N1", 3, "92", {1: "RI"}),
    ("N1", 4, "text", {1: "RI"}),
    ("N3", 1, "text", None),
    ("N4", 4, "US", None),
    ("N1", 4, "text", {1: "SF"}),
    ("ITD", 1, "01", None),  # basic
    ("ITD", 2, "3", None),  # from the invoice date
    ("ITD", 3, "number", None),  # discount percent
    ("ITD", 5, "number", None),  # discount days
    ("IT1", 1, "number", None),
    ("IT1", 2, "number", None),
    ("IT1", 3, "EA", None),
    ("IT1", 4, "number", None),
    ("IT1", 5, "NT", None),
    ("IT1", 8, "PO", None),
    ("SAC", 1, "C", None),
    ("SAC", 5, "number", None),  # in cents
    ("TDS", 1, "number", None),  # in cents
    ("CTT", 1, "number", None),
]


def invoice_request(**changes):
    remit_to = Party(
        "VEND1",
        Address("ACME Housewares", "", "PO Box 911", "", "Dallas", "TX", "75201", "US", ""),
        tax_registration="US123",
        tax_registration_type="VAT",
    )
    values = {
        "invoice_id": "INV-2026-0001",
        "date": datetime(2026, 3, 4, 10, 0),
        "currency": "USD",
        "total": Decimal("153.75"),
        "remit_to": remit_to,
        "ship_from": Party("WH01"),
        "ship_to_party_id": "ABE2",
        "payment_terms": PaymentTerms("Basic", 30, Decimal(2), 10),
        "items": (
            InvoiceItem(
                "1",
                "",
                "MUG-1",
                10,
                Decimal("12.50"),
                PO,
                tax_details=(TaxDetail("VAT", Decimal("18.75"), Decimal(15)),),
                charges=(ChargeDetail("Freight", Decimal("10.00")),),
            ),
        ),
    }
    values.update(changes)
    return InvoiceRequest(**values)


def test_an_810_is_written_and_read_back_equal():
    _, segments, _ = written_and_read_back(build_invoice_810(invoice_request()))
    assert segments == [
        ("BIG", "20260304", "INV-2026-0001", "", PO),
        ("CUR", "BT", "USD"),
        ("N1", "RI", "ACME Housewares", "92", "VEND1"),
        ("N3", "PO Box 911"),
        ("N4", "Dallas", "TX", "75201", "US"),
        ("REF", "VX", "US123"),
        ("N1", "ST", "", "92", "ABE2"),
        ("N1", "SF", "", "92", "WH01"),
        ("ITD", "01", "3", "2", "", "10", "", "30"),
        ("IT1", "1", "10", "EA", "12.50", "NT", "VN", "MUG-1", "PO", PO),
        ("TXI", "VA", "18.75", "15"),
        ("SAC", "C", "D240", "", "", "1000"),
        ("TDS", "15375"),
        ("CTT", "1", "10"),
    ]


def test_an_810_says_what_amazons_rendering_says_the_same_way():
    theirs = rendering(RENDERING_810)
    _, segments, _ = written_and_read_back(build_invoice_810(invoice_request()))
    ours = as_rendering(segments)
    for segment_id, element, kind, where in MEANINGS_810:
        assert holds(theirs, segment_id, element, kind, where), (segment_id, element, kind)
        assert holds(ours, segment_id, element, kind, where), (segment_id, element, kind)


def test_an_810_credit_note_and_a_priced_by_weight_item():
    item = InvoiceItem(
        "1",
        "B000MUG001",
        "",
        2,
        Decimal("3.00"),
        "",
        cost_unit_of_measure="POUNDS",
        total_weight=Decimal("4.5"),
        credit_note=CreditNoteDetails(reference_invoice_number="INV-2026-0001", rma_id="RMA9"),
    )
    request = invoice_request(
        invoice_type="CreditNote", total=Decimal("13.50"), items=(item,), payment_terms=None
    )
    _, segments, _ = written_and_read_back(build_invoice_810(request))
    assert segments[0] == ("BIG", "20260304", "INV-2026-0001", "", "", "", "", "CR")
    assert ("IT1", "1", "4.5", "LB", "3.00", "NT", "BP", "B000MUG001") in segments
    assert ("REF", "OI", "INV-2026-0001") in segments
    assert ("REF", "RZ", "RMA9") in segments
    assert ("TDS", "1350") in segments


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"payment_terms": PaymentTerms("LetterofCredit")},
            "payment term type LetterofCredit has no X12",
        ),
        (
            {
                "items": (
                    InvoiceItem(
                        "1",
                        "",
                        "MUG-1",
                        10,
                        Decimal("12.50"),
                        PO,
                        tax_details=(TaxDetail("CGST", Decimal(1)),),
                    ),
                ),
                "total": Decimal(126),
            },
            "tax type CGST has no X12",
        ),
        ({"total": Decimal(1)}, "is not the items' net amounts"),
    ],
)
def test_an_810_without_an_x12_place_or_that_the_api_refuses_is_refused(changes, message):
    with pytest.raises(AmazonDocumentError) as raised:
        build_invoice_810(invoice_request(**changes))
    assert message in str(raised.value)


# 997


def test_a_997_answers_a_group_with_its_errors_where_they_are():
    received = interchange(
        retail_set(control="0001"),
        retail_set(
            ("PO1*2*3*CA*4.25*PE*UP*012345678905", "PO1*2*3*CA*4.25*PE*XX*012345678905"),
            control="0002",
        ),
        retail_set(control="0003").replace("SE*17*0003", "SE*16*0003"),
    )
    (group,) = received.groups
    mapping_errors = [
        read.error
        for read in split_edi_orders(received)
        if read.error and read.error.level == ErrorLevel.ELEMENT
    ]
    outgoing = build_functional_acknowledgement(group, mapping_errors)
    text, segments, transaction_set = written_and_read_back(outgoing)
    assert "GS*FA*VENDORX*AMAZON*" in text
    assert segments == [
        ("AK1", "PO", "11"),
        ("AK2", "850", "0001"),
        ("AK5", "A"),
        ("AK2", "850", "0002"),
        ("AK3", "PO1", "14", "", "8"),
        ("AK4", "6", "", "7"),
        ("AK5", "R", "5"),
        ("AK2", "850", "0003"),
        ("AK5", "R", "4"),
        ("AK9", "P", "3", "3", "1"),
    ]
    assert parse_functional_acknowledgement(transaction_set) == FunctionalAcknowledgement(
        functional_id="PO",
        group_control_number="11",
        status="P",
        included=3,
        received=3,
        accepted_count=1,
        codes=(),
        transaction_sets=(
            TransactionSetAcknowledgement("850", "0001", "A", ()),
            TransactionSetAcknowledgement(
                "850",
                "0002",
                "R",
                ("5",),
                (SegmentNote("PO1", 14, "", "8", (ElementNote(6, None, "", "7"),)),),
            ),
            TransactionSetAcknowledgement("850", "0003", "R", ("4",)),
        ),
    )


def test_a_997_rejects_a_group_whose_trailer_is_wrong():
    text = (
        "ISA*00*          *00*          *ZZ*AMAZON         *ZZ*VENDORX        *260302*0930*U*"
        "00401*000000007*0*P*>~GS*PO*AMAZON*VENDORX*20260302*0930*11*X*004010~"
        + retail_set()
        + "GE*2*11~IEA*1*000000007~"
    )
    (group,) = read_interchange(text).groups
    _, segments, _ = written_and_read_back(build_functional_acknowledgement(group))
    assert segments[-1] == ("AK9", "R", "2", "1", "0", "5")


def test_amazons_997_is_read():
    text = (
        "ISA*00*          *00*          *ZZ*AMAZON         *ZZ*VENDORX        *260303*1010*U*"
        "00401*000000031*0*P*>~GS*FA*AMAZON*VENDORX*20260303*1010*31*X*004010~ST*997*0001~"
        "AK1*SH*5~AK2*856*0001~AK3*HL*4**8~AK4*3**7~AK4*1>2**6~AK5*R*5~AK9*R*1*1*0~"
        "SE*9*0001~GE*1*31~IEA*1*000000031~"
    )
    acknowledgement = parse_functional_acknowledgement(read_interchange(text).transaction_sets[0])
    assert (acknowledgement.functional_id, acknowledgement.group_control_number) == ("SH", "5")
    assert not acknowledgement.accepted
    rejected = acknowledgement.for_set("0001")
    assert not rejected.accepted
    assert rejected.segments == (
        SegmentNote("HL", 4, "", "8", (ElementNote(3, None, "", "7"), ElementNote(1, 2, "", "6"))),
    )


def test_an_accepting_997_without_ak2_accepts_every_set():
    text = (
        "ISA*00*          *00*          *ZZ*AMAZON         *ZZ*VENDORX        *260303*1010*U*"
        "00401*000000031*0*P*>~GS*FA*AMAZON*VENDORX*20260303*1010*31*X*004010~ST*997*0001~"
        "AK1*PR*5~AK9*A*1*1*1~SE*4*0001~GE*1*31~IEA*1*000000031~"
    )
    acknowledgement = parse_functional_acknowledgement(read_interchange(text).transaction_sets[0])
    assert acknowledgement.accepted
    assert acknowledgement.for_set("0001").accepted


def test_a_997_with_an_unknown_status_is_refused():
    text = (
        "ISA*00*          *00*          *ZZ*AMAZON         *ZZ*VENDORX        *260303*1010*U*"
        "00401*000000031*0*P*>~GS*FA*AMAZON*VENDORX*20260303*1010*31*X*004010~ST*997*0001~"
        "AK1*PR*5~AK9*Q*1*1*1~SE*4*0001~GE*1*31~IEA*1*000000031~"
    )
    with pytest.raises(X12Error) as raised:
        parse_functional_acknowledgement(read_interchange(text).transaction_sets[0])
    assert (raised.value.segment_id, raised.value.element_position) == ("AK9", 1)


# The independent reader


def test_the_independent_reader_reads_what_we_write_equal():
    received = interchange(retail_set(), retail_set(("CSH*Y", "CSH*B"), control="0002"))
    errors = [read.error for read in split_edi_orders(received) if read.error]
    documents = [
        build_acknowledgement_855(
            acknowledgement(acknowledged_item("1", [AcknowledgedQuantity("Accepted", 10)]))
        ),
        build_ship_notice_856(shipment_confirmation()),
        build_invoice_810(invoice_request()),
        build_functional_acknowledgement(received.groups[0], errors),
    ]
    for outgoing in documents:
        text = written(outgoing)
        # pyx12 checks the SE, GE and IEA counts and control numbers, and the HL tree.
        segments, found = independent_segments(text)
        assert found == [], outgoing.id_code
        assert comparable(segments) == comparable(our_segments(read_interchange(text)))


# 753 and 754


def routing_request(**changes):
    ship_from = Party(
        "WH01",
        Address("ACME Housewares", "", "1 Main Street", "", "Seattle", "WA", "98101", "US", ""),
    )
    values = {
        "vendor_shipment_id": "VS-0001",
        "selling_party_id": "VEND1",
        "ship_from": ship_from,
        "ship_to_party_id": "ABE2",
        "freight_term": "Collect",
        "requested": datetime(2026, 3, 2, 9, 30),
        "purchase_orders": (
            RoutedPurchaseOrder(PO, (ShippedItem("001", "B000MUG001", "MUG-1", 20),)),
        ),
        "ship_mode": "LessThanTruckLoad",
        "pallet_count": 2,
        "gross_weight": Weight(Decimal("52.5"), "Lb"),
        "earliest_pickup": datetime(2026, 3, 4, 8, 0),
        "estimated_delivery": datetime(2026, 3, 6, 15, 0),
    }
    values.update(changes)
    return RoutingRequest(**values)


def test_a_753_is_written_from_a_routing_request_and_read_back_equal():
    text, segments, transaction_set = written_and_read_back(
        build_routing_request_753(routing_request())
    )
    assert "GS*RF*VENDORX*AMAZON*" in text and transaction_set.id_code == "753"
    assert segments == [
        ("BGN", "00", "VS-0001", "20260302", "0930", "GM"),
        ("N1", "SF", "ACME Housewares", "92", "WH01"),
        ("N3", "1 Main Street"),
        ("N4", "Seattle", "WA", "98101", "US"),
        ("LX", "1"),
        ("N1", "ST", "", "92", "ABE2"),
        ("G62", "10", "20260304", "I", "0800", "GM"),  # earliest (requested) pickup
        ("G62", "17", "20260306", "E", "1500", "GM"),  # estimated delivery
        ("USI", "2", "PLT", "N"),  # 2 pallets, not stackable
        ("OID", "", PO, "", "PLT", "2", "L", "52.5"),
    ]


def test_a_753_is_read_by_the_independent_reader_with_its_values():
    text = written(build_routing_request_753(routing_request()))
    segments, found = independent_segments(text)
    assert found == []
    assert comparable(segments) == comparable(our_segments(read_interchange(text)))
    by_id = {segment_id: elements for segment_id, elements in segments}
    assert by_id["GS"][0] == ("RF",) and by_id["ST"] == (("753",), ("0001",))
    assert by_id["BGN"][1] == ("VS-0001",)
    assert [element[0] for element in by_id["OID"]] == ["", PO, "", "PLT", "2", "L", "52.5"]
    assert by_id["SE"][0] == (str(sum(1 for s, _ in segments if s not in ENVELOPE) + 2),)


ENVELOPE = ("ISA", "GS", "ST", "SE", "GE", "IEA")


def test_a_753_of_cartons_in_grams_and_stackable_pallets():
    cartons = build_routing_request_753(
        routing_request(
            pallet_count=None,
            carton_count=12,
            gross_weight=Weight(Decimal(2500), "G"),
            estimated_delivery=None,
        )
    )
    pallets = build_routing_request_753(routing_request(pallets_stackable=True))
    _, carton_segments, _ = written_and_read_back(cartons)
    _, pallet_segments, _ = written_and_read_back(pallets)
    assert carton_segments[-1] == ("OID", "", PO, "", "CTN", "12", "K", "2.5")
    assert not any(segment[0] == "USI" for segment in carton_segments)
    assert [segment[1] for segment in carton_segments if segment[0] == "G62"] == ["10"]
    assert ("USI", "2", "PLT", "Y") in pallet_segments


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"earliest_pickup": None}, "needs the earliest pickup"),  # the API's own refusal
        ({"pallet_count": None}, "carton count or the pallet count"),
        ({"freight_term": "Prepaid"}, "Amazon routes no Prepaid one"),
        (
            {
                "purchase_orders": (
                    RoutedPurchaseOrder(PO, (ShippedItem("001", "B000MUG001", "MUG-1", 20),)),
                    RoutedPurchaseOrder(OTHER_PO, (ShippedItem("001", "", "BOWL-1", 4),)),
                )
            },
            "route one purchase order per request",
        ),
    ],
)
def test_a_753_the_api_refuses_or_without_an_x12_place_is_refused(changes, message):
    with pytest.raises(AmazonDocumentError) as raised:
        build_routing_request_753(routing_request(**changes))
    assert message in str(raised.value)
    assert "VS-0001" in str(raised.value)


def routing_instructions_interchange(*body, control="0001"):
    """A 754 from Amazon, hand-written with the segments of X12's 754 (in the 004010
    envelope `x12` reads)."""
    sets = f"ST*754*{control}~" + "".join(f"{s}~" for s in body) + f"SE*{len(body) + 2}*{control}~"
    text = (
        "ISA*00*          *00*          *ZZ*AMAZON         *ZZ*VENDORX        *260303*1010*U*"
        "00401*000000041*0*P*>~GS*RG*AMAZON*VENDORX*20260303*1010*41*X*004010~"
        + sets
        + "GE*1*41~IEA*1*000000041~"
    )
    return read_interchange(text)


ROUTING_BODY = (
    "BGN*00*RI0000041*20260303*1010*GM*VS-0001",
    "N1*SF*ACME Housewares*92*WH01",
    "N1*CA*ABCD Freight*2*ABCD",
    "LX*1",
    "L11*ARN12345*AO",
    "L11*BOL556677*BM",
    "L11*PRO778899*CN",
    "BLR*ABCD",
    f"OID**{PO}",
    f"OID**{OTHER_PO}",
    "G62*10*20260304*U*1330*GM",
    "N1*ST**92*ABE2",
)


def read_routing(*replacements):
    body = list(ROUTING_BODY)
    for old, new in replacements:
        assert old in body, old
        body = [segment for segment in (new if s == old else s for s in body) if segment]
    (transaction_set,) = routing_instructions_interchange(*body).transaction_sets
    return parse_routing_instructions_754(transaction_set)


def test_a_754_is_the_routing_amazon_assigned():
    assert read_routing() == RoutingInstructions(
        vendor_shipment_id="VS-0001",
        arn="ARN12345",
        carrier_scac="ABCD",
        carrier_name="ABCD Freight",
        pickup_window=(datetime(2026, 3, 4, 13, 30), datetime(2026, 3, 4, 13, 30)),
        purchase_order_numbers=(PO, OTHER_PO),
        bill_of_lading="BOL556677",
        carrier_reference="PRO778899",
        ship_to_party_id="ABE2",
        reference="RI0000041",
        issued=datetime(2026, 3, 3, 10, 10),
    )


def test_a_754_with_a_pickup_window_and_the_scac_of_its_carrier_only():
    routing = read_routing(
        ("G62*10*20260304*U*1330*GM", "G62*10*20260304*I*0800*GM"),
        ("N1*ST**92*ABE2", "G62*10*20260304*K*1600*GM"),
        ("BLR*ABCD", ""),
        ("BGN*00*RI0000041*20260303*1010*GM*VS-0001", "BGN*05*RI0000041*20260303"),
    )
    assert routing.pickup_window == (datetime(2026, 3, 4, 8), datetime(2026, 3, 4, 16))
    assert (routing.carrier_scac, routing.vendor_shipment_id) == ("ABCD", "")
    assert routing.ship_to_party_id == ""


@pytest.mark.parametrize(
    ("replacement", "code", "segment_id", "position", "element"),
    [
        (
            ("G62*10*20260304*U*1330*GM", "G62*10*20260304*U*2561*GM"),
            ElementError.INVALID_TIME,
            "G62",
            12,
            4,
        ),
        (
            ("G62*10*20260304*U*1330*GM", "G62*10*20260304*U*1330*ET"),
            ElementError.INVALID_CODE,
            "G62",
            12,
            5,
        ),
        (("BLR*ABCD", "BLR*ABCDEF"), ElementError.TOO_LONG, "BLR", 9, 1),
        (("L11*BOL556677*BM", "L11*ARN99999*AO"), ElementError.INVALID_CODE, "L11", 7, 1),
        (
            ("BGN*00*RI0000041*20260303*1010*GM*VS-0001", "BGN*01*RI0000041*20260303"),
            ElementError.INVALID_CODE,
            "BGN",
            2,
            1,
        ),
        (
            ("G62*10*20260304*U*1330*GM", "G62*10*20260304*I*1330*GM"),
            SegmentError.MANDATORY_MISSING,
            "G62",
            12,
            None,
        ),
    ],
)
def test_a_malformed_754_is_refused_with_its_place(
    replacement, code, segment_id, position, element
):
    with pytest.raises(X12Error) as raised:
        read_routing(replacement)
    error = raised.value
    assert error.code == code
    assert (error.segment_id, error.segment_position, error.element_position) == (
        segment_id,
        position,
        element,
    )
    assert (error.interchange, error.group, error.transaction_set) == ("000000041", "41", "0001")
    assert str(error).startswith("X12 754 routing instructions: ")


def test_a_754_without_its_arn_is_refused():
    with pytest.raises(X12Error) as raised:
        read_routing(("L11*ARN12345*AO", ""))
    assert raised.value.code == SegmentError.MANDATORY_MISSING
    assert "no L11 AO" in str(raised.value)


def test_our_753_answered_by_the_emulators_754_gives_the_routing_back():
    """The emulator's Amazon (its own X12 reader and writer) reads our 753 and answers it;
    our reader takes its 754 for what Amazon assigned, to the request it answers."""
    seen = read_routing_request(written(build_routing_request_753(routing_request())))
    text = make_754(
        seen,
        arn="ARN12345",
        carrier_scac="ABCD",
        pickup=datetime(2026, 3, 4, 13, 30),
        control_number=41,
        receiver_id="VENDORX",
        issued=datetime(2026, 3, 3, 10, 10),
        carrier_name="ABCD Freight",
        carrier_reference="PRO778899",
    )
    (transaction_set,) = read_interchange(text).transaction_sets
    routing = parse_routing_instructions_754(transaction_set)
    assert (routing.vendor_shipment_id, routing.purchase_order_numbers) == ("VS-0001", (PO,))
    assert (routing.arn, routing.carrier_scac, routing.carrier_name) == (
        "ARN12345",
        "ABCD",
        "ABCD Freight",
    )
    assert routing.carrier_reference == "PRO778899" and routing.ship_to_party_id == "ABE2"
    assert routing.pickup_window == (datetime(2026, 3, 4, 13, 30),) * 2
