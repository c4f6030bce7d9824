"""Amazon's X12 004010 EDI for vendors: the same documents as the Vendor APIs, on the other
wire. Retail procurement (Vendor Central) comes from `ZZ*AMAZON`, direct fulfilment from
`ZZ*AMAZONDS`; both go in and out of `x12` interchanges.

Reading 850s. `split_edi_orders` reads every 850 of an interchange on its own (one
malformed set hides no other): a retail 850 becomes the `vendor_orders.PurchaseOrder` the
API import makes, a direct fulfilment one (its group's sender is AMAZONDS) the
`direct_fulfillment.DfOrder`. What the guides list as the only values of an element is
refused otherwise (`x12.ElementError.INVALID_CODE`, with the element's place); counts are
checked (CTT01 the number of PO1, CTT02 the sum of their quantities). Retail:
- BEG01 00 (original); BEG02 NE, CN, NP, RO are the API's RegularOrder, ConsignedOrder,
  NewProductIntroduction, RushOrder; BEG03 the number; BEG05 the order date (the state is
  New, as for a new order of the API, changed the date of the order);
- REF CR (customer reference: the vendor code the order was placed with) is the selling
  party unless an N1 SU or VN names it; REF PD the deal code; CUR02 the currency;
- CSH01 N (no back order) or Y (back order if out of stock) sets isBackOrderAllowed of
  every item, and is required;
- DTM 064/063 (do not deliver before/after) are the delivery window, 037/038 (ship not
  before/no later) the ship window, each pair whole; a date without time is its midnight,
  dates and times are UTC (time code GM, UT or none; another is refused);
- N1 ST, BY, BT, SU/VN are the ship-to (N104: Amazon's warehouse code, N103 92, 15 or ZZ),
  buying, bill-to and selling parties, with their N2/N3/N4 address when given;
- PO1: PO101 sequence, PO102 quantity, PO103 EA or CA, PO104 net cost, PO106.. qualifier
  pairs BP (the ASIN), VN, VP, SK (the vendor's product id), EN, UP, UK, UA, IB (a GTIN,
  the vendor's product id when no VN/VP/SK is given); PO401 the units per case (required
  for CA); CTP with CTP02 LPR the list price.
Direct fulfilment (the sample orders of Amazon's DF 850): BEG03 number, BEG05 order date,
CUR02 currency (as given: Amazon's own sample writes "USA"), REF OQ the customer order
number, DTM 010 the required ship date (required), DTM 002 the promised delivery date, N9
ZZ 01 to 07 and their MSG the messages to the customer (written on the packing slip: the
packing slip is required when there are some), N1 BT, SF and ST (N2 the second name line,
as company; N3, N4; a PER TE phone), TD5 TD503 the ship method, PO1 with SK the vendor's
product id and BP the ASIN, PO104 the net price, the PO1 loop's first MSG the title and its
second the gift message (the order is a gift when an item has one). Without an X12 source:
the selling party is the group's receiver (GS03, the vendor's EDI id); status "", priority,
scheduled delivery and customizable items False; no tax; CTP PUR (the customer's price) and
N1 LW (the customer who ordered) have no field and are not kept.

Writing. Each builder first checks its document with the Vendor API builder
(`build_acknowledgement_request`, `build_shipment_confirmations`, `build_invoice_request`),
so that the EDI refuses what the API refuses, then writes the checked values as an
`x12.OutgoingTransactionSet` for `x12.write_interchange`:
- 855: BAK 00, AD (every item accepted in full) or AC, the order number and date; per item
  PO1 (ordered quantity, EA or CA, net cost per each PE, BP ASIN, VN vendor product id),
  CTP LPR list price, one ACK per acknowledged quantity: IA accepted, IB backordered, IR
  rejected, quantity and unit, 068 the scheduled ship date (else 067 the scheduled
  delivery date); CTT. A rejection reason has no place in Amazon's 855 that could be
  verified and is not written.
- 856: BSN (00 original, 05 replace; the shipment id; the confirmation date and time; 0001
  shipment, order, pack, item), DTM 011 shipped and 017 estimated delivery; HL S with TD1
  (carton or pallet count, gross weight), TD5 2 the SCAC and the transportation mode,
  REF BM bill of lading, REF CN the carrier's PRO number, REF AO Amazon's reference number
  (ARN), N1 SF (92 the vendor's id, N3/N4) and ST (92 Amazon's warehouse code); per
  purchase order an HL O with PRF, under it an HL T per pallet (MAN GM its SSCC, TD1
  weight), an HL P per carton (MAN GM its SSCC, CP its tracking number, R its sequence
  number when it has neither), an HL I per item in it (LIN with BP and VN, SN1 quantity,
  PO4 the case size of a quantity in CA), and the units of the order's items in no carton
  or pallet under the order; a carton of several orders' items appears under each of them
  with that order's part. CTT: the number of HL segments and the sum of the SN102
  quantities, as X12's 856 defines them. A carton's dimensions, the selling party (the
  envelope's sender says it), the freight term and the shipment type are not written.
- 810: BIG (date, invoice id, the purchase order when all items share one, CR for a credit
  note, CI for several purchase orders), CUR BT, REF ZZ the reference number, N1 RI (with
  its address and REF VX or GT tax registration), BT, ST, SF; ITD (01 basic, 02 end of
  month, 03 fixed date, 09 proximo; from the invoice date; discount percent and days, net
  days); per item IT1 (quantity in units, or the total weight when priced by weight, EA or
  LB, OZ, GR, KG; net cost NT; BP, VN, PO), TXI (VA, GS, ST, ZZ for VAT, GST, ST,
  MutuallyDefined), SAC (D240 freight, D500 special handling, C310 discount; amount in
  cents), REF OI and RZ (the invoice a credit note corrects, the RMA); TDS the total in
  cents, the invoice's TXI and SAC, CTT (IT1 count, sum of IT102). Tax types, charges,
  allowances, payment terms and credit note references without an X12 code here are
  refused rather than dropped.
- 997: `build_functional_acknowledgement` answers one group of a received interchange (AK1,
  an AK2/AK5 per transaction set, AK3/AK4 where an error is located, AK9 A, P or R with the
  counts), with the errors found while mapping the sets added to those of the envelope;
  `parse_functional_acknowledgement` reads the 997 Amazon sends back.
Dates are written in UTC (naive datetimes are UTC), amounts as decimal strings.

Routing (Collect, "WePay", freight: Amazon's carrier picks the goods up). The 753 and 754 are
not of release 4010 (X12 has no 754 there; Amazon's guides for both are 5010): they travel
here in the 004010 envelope `x12` writes and reads, with the segments the standard gives them:
- 753 (`build_routing_request_753`, checked by `build_routing_request` first): BGN 00, the
  vendor shipment id, the request's date and time; N1 SF (92 the vendor's warehouse, N3/N4);
  LX 1; N1 ST (92 Amazon's warehouse code); G62 10 the earliest pickup (time qualifier I,
  earliest requested pickup), G62 17 the estimated delivery (E); USI the pallet count, PLT,
  Y or N stackable; OID the purchase order (OID02), its cartons or pallets (CTN, PLT) and the
  gross weight (L, K, O; grams are written in kilograms). Refused besides what the API
  refuses: a Prepaid request (Amazon routes Collect shipments only) and more than one
  purchase order (OID carries each order's cartons and weight, which a RoutingRequest has
  for the whole shipment only). The ship mode, the items and the selling party (the
  envelope's sender says it) have no place in a 753 and are not written.
- 754 (`parse_routing_instructions_754`, a `RoutingInstructions`): BGN 00, 04 or 05, its
  reference and date, BGN06 the BGN02 of the 753 it answers; N1 CA the carrier's name (N104
  its SCAC when N103 is 2); per LX loop L11 AO the ARN (required), BM the bill of lading, CN
  the carrier's PRO number, BLR01 the SCAC (2 to 4 characters), OID02 the purchase orders,
  G62 the pickup (time qualifier U the scheduled pickup, or I and K the earliest and latest),
  in UTC, N1 ST the warehouse. A 754 naming two ARNs, SCACs, bills of lading or PRO numbers
  is refused (one RoutingInstructions is one shipment).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .common import AmazonDocumentError, as_utc, finite_decimal
from .direct_fulfillment import DfItem, DfOrder
from .orders import Address
from .vendor_common import (
    Party,
    QuantityUnit,
    decimal_text,
    quantity_eaches,
)
from .vendor_invoices import AllowanceType as InvoiceAllowanceType
from .vendor_invoices import ChargeType as InvoiceChargeType
from .vendor_invoices import InvoiceType, PaymentTermType, TaxType, build_invoice_request
from .vendor_orders import (
    NEW,
    AcknowledgementCode,
    PurchaseOrder,
    PurchaseOrderItem,
    build_acknowledgement_request,
)
from .vendor_shipments import (
    ConfirmationType,
    FreightTerm,
    TransportationMode,
    build_routing_request,
    build_shipment_confirmations,
)
from .x12 import (
    AcknowledgementCode as X12AcknowledgementCode,
)
from .x12 import (
    ElementError,
    ErrorLevel,
    OutgoingTransactionSet,
    SegmentError,
    SetError,
    TransactionSet,
    TransactionSetId,
    X12Error,
)

PURCHASE_ORDER_DOCUMENT = "X12 850 purchase order"
DF_ORDER_DOCUMENT = "X12 850 direct fulfillment order"
ACKNOWLEDGEMENT_DOCUMENT = "X12 855 purchase order acknowledgement"
SHIP_NOTICE_DOCUMENT = "X12 856 ship notice"
INVOICE_DOCUMENT = "X12 810 invoice"
FUNCTIONAL_ACKNOWLEDGEMENT_DOCUMENT = "X12 997 functional acknowledgement"

# Amazon's interchange ids (ISA05/06 qualifier and id, GS02).
AMAZON_QUALIFIER = "ZZ"
AMAZON_RETAIL_ID = "AMAZON"
AMAZON_DIRECT_FULFILLMENT_ID = "AMAZONDS"
CENT = Decimal("0.01")
ZERO = Decimal(0)


class PurposeCode:
    """BEG01, BAK01, BSN01."""

    ORIGINAL = "00"
    REPLACE = "05"


class PurchaseOrderTypeCode:
    """BEG02 of a retail 850."""

    NEW_ORDER = "NE"
    CONSIGNED_ORDER = "CN"
    NEW_PRODUCT_INTRODUCTION = "NP"
    RUSH_ORDER = "RO"


# BEG02 -> vendor_orders.PURCHASE_ORDER_TYPES
ORDER_TYPES = {
    PurchaseOrderTypeCode.NEW_ORDER: "RegularOrder",
    PurchaseOrderTypeCode.CONSIGNED_ORDER: "ConsignedOrder",
    PurchaseOrderTypeCode.NEW_PRODUCT_INTRODUCTION: "NewProductIntroduction",
    PurchaseOrderTypeCode.RUSH_ORDER: "RushOrder",
}


class BackOrderCode:
    """CSH01 sales requirement code."""

    NO_BACK_ORDER = "N"
    BACK_ORDER_IF_OUT_OF_STOCK = "Y"


class DateQualifier:
    """DTM01, ACK04."""

    DELIVERY_REQUESTED = "002"  # DF: the promised delivery date
    REQUESTED_SHIP = "010"  # DF: the required ship date
    SHIPPED = "011"
    ESTIMATED_DELIVERY = "017"
    SHIP_NOT_BEFORE = "037"
    SHIP_NO_LATER = "038"
    DO_NOT_DELIVER_AFTER = "063"
    DO_NOT_DELIVER_BEFORE = "064"
    CURRENT_SCHEDULE_DELIVERY = "067"
    CURRENT_SCHEDULE_SHIP = "068"


class TimeCode:
    """DTM04: the times this module takes are UTC."""

    GREENWICH_MEAN_TIME = "GM"
    UNIVERSAL_TIME = "UT"


UTC_TIME_CODES = (TimeCode.GREENWICH_MEAN_TIME, TimeCode.UNIVERSAL_TIME)


class EntityCode:
    """N101."""

    SHIP_TO = "ST"
    BUYING_PARTY = "BY"
    BILL_TO = "BT"
    SHIP_FROM = "SF"
    SUPPLIER = "SU"
    VENDOR = "VN"
    REMIT_TO = "RI"


class IdentificationQualifier:
    """N103 (and TD502)."""

    STANDARD_ADDRESS_NUMBER = "15"
    ASSIGNED_BY_BUYER = "92"
    MUTUALLY_DEFINED = "ZZ"
    SCAC = "2"


PARTY_ID_QUALIFIERS = (
    IdentificationQualifier.ASSIGNED_BY_BUYER,
    IdentificationQualifier.STANDARD_ADDRESS_NUMBER,
    IdentificationQualifier.MUTUALLY_DEFINED,
)


class ProductIdQualifier:
    """PO106/PO108..., LIN, IT106...: what the product id next to it is."""

    BUYER_PART = "BP"  # Amazon's ASIN
    VENDOR_ITEM = "VN"
    VENDOR_PART = "VP"
    SKU = "SK"
    EAN = "EN"
    UPC = "UP"
    GTIN_CASE = "UK"
    UPC_CASE = "UA"
    ISBN = "IB"
    PURCHASE_ORDER = "PO"  # IT1 of an 810


RETAIL_PRODUCT_QUALIFIERS = (
    ProductIdQualifier.BUYER_PART,
    ProductIdQualifier.VENDOR_ITEM,
    ProductIdQualifier.VENDOR_PART,
    ProductIdQualifier.SKU,
    ProductIdQualifier.EAN,
    ProductIdQualifier.UPC,
    ProductIdQualifier.GTIN_CASE,
    ProductIdQualifier.UPC_CASE,
    ProductIdQualifier.ISBN,
)
VENDOR_PRODUCT_QUALIFIERS = (
    ProductIdQualifier.VENDOR_ITEM,
    ProductIdQualifier.VENDOR_PART,
    ProductIdQualifier.SKU,
)
GTIN_QUALIFIERS = (
    ProductIdQualifier.EAN,
    ProductIdQualifier.UPC,
    ProductIdQualifier.GTIN_CASE,
    ProductIdQualifier.UPC_CASE,
    ProductIdQualifier.ISBN,
)


class UnitCode:
    """Unit or basis for measurement codes (PO103, ACK03, SN103, IT103, TD108)."""

    EACH = "EA"
    CASE = "CA"
    POUND = "LB"
    OUNCE = "OZ"
    GRAM = "GR"
    KILOGRAM = "KG"


QUANTITY_UNIT_CODES = {QuantityUnit.EACHES: UnitCode.EACH, QuantityUnit.CASES: UnitCode.CASE}
ORDER_UNITS = {code: unit for unit, code in QUANTITY_UNIT_CODES.items()}
# Vendor Invoices' netCostUnitOfMeasure and the Vendor Shipments weight units.
WEIGHT_UNIT_CODES = {
    "POUNDS": UnitCode.POUND,
    "OUNCES": UnitCode.OUNCE,
    "GRAMS": UnitCode.GRAM,
    "KILOGRAMS": UnitCode.KILOGRAM,
    "Lb": UnitCode.POUND,
    "Oz": UnitCode.OUNCE,
    "G": UnitCode.GRAM,
    "Kg": UnitCode.KILOGRAM,
}


class ReferenceQualifier:
    """REF01, N901."""

    CUSTOMER_REFERENCE = "CR"  # retail 850: the vendor code
    PROMOTION = "PD"
    ORDER_NUMBER = "OQ"  # DF 850: the customer order number
    BILL_OF_LADING = "BM"
    CARRIER_REFERENCE = "CN"  # the PRO number
    APPOINTMENT = "AO"  # Amazon's reference number (ARN)
    ORIGINAL_INVOICE = "OI"
    RETURN_AUTHORIZATION = "RZ"
    VAT_REGISTRATION = "VX"
    GST_REGISTRATION = "GT"
    MUTUALLY_DEFINED = "ZZ"


TAX_REGISTRATION_QUALIFIERS = {
    "VAT": ReferenceQualifier.VAT_REGISTRATION,
    "GST": ReferenceQualifier.GST_REGISTRATION,
}
# N902 of a DF 850: the packing slip messages Amazon's samples carry.
DF_MESSAGE_CODES = ("01", "02", "03", "04", "05", "06", "07")


class PriceCode:
    """CTP02."""

    LIST_PRICE = "LPR"
    PURCHASE_PRICE = "PUR"  # DF: the customer's price


class PriceBasis:
    """PO105, IT105."""

    PER_EACH = "PE"
    NET = "NT"


class LineStatus:
    """ACK01 line item status codes."""

    ACCEPTED = "IA"
    BACKORDERED = "IB"
    REJECTED = "IR"


LINE_STATUSES = {
    AcknowledgementCode.ACCEPTED: LineStatus.ACCEPTED,
    AcknowledgementCode.BACKORDERED: LineStatus.BACKORDERED,
    AcknowledgementCode.REJECTED: LineStatus.REJECTED,
}


class AcknowledgementType:
    """BAK02."""

    WITH_CHANGES = "AC"  # acknowledge - with detail and change
    NO_CHANGE = "AD"  # acknowledge - with detail, no change


class HierarchicalLevel:
    """HL03 of an 856."""

    SHIPMENT = "S"
    ORDER = "O"
    TARE = "T"  # a pallet
    PACK = "P"  # a carton
    ITEM = "I"


HIERARCHICAL_STRUCTURE = "0001"  # BSN05: shipment, order, packaging, item


class MarksQualifier:
    """MAN01/MAN04."""

    SSCC = "GM"  # SSCC-18
    CARRIER_PACKAGE_ID = "CP"  # the tracking number
    ORIGINATOR_ASSIGNED = "R"


class PackagingCode:
    """TD101: packaging form and material."""

    CARTON = "CTN25"
    PALLET = "PLT94"


GROSS_WEIGHT = "G"  # TD106
TELEPHONE = "TE"  # PER03/05/07 communication number qualifier
TRANSPORTATION_METHODS = {
    TransportationMode.ROAD: "M",
    TransportationMode.AIR: "A",
    TransportationMode.OCEAN: "S",
}
BSN_PURPOSES = {
    ConfirmationType.ORIGINAL: PurposeCode.ORIGINAL,
    ConfirmationType.REPLACE: PurposeCode.REPLACE,
}


class InvoiceTypeCode:
    """BIG07 transaction type code."""

    CONSOLIDATED_INVOICE = "CI"
    CREDIT_MEMO = "CR"


class AllowanceChargeIndicator:
    """SAC01."""

    ALLOWANCE = "A"
    CHARGE = "C"


SAC_CODES = {
    InvoiceChargeType.FREIGHT: "D240",
    InvoiceChargeType.SPECIAL_HANDLING_SERVICE: "D500",
    InvoiceAllowanceType.DISCOUNT: "C310",
}
TAX_TYPE_CODES = {
    TaxType.VAT: "VA",
    TaxType.GST: "GS",
    TaxType.ST: "ST",
    TaxType.MUTUALLY_DEFINED: "ZZ",
}
TERMS_TYPE_CODES = {
    PaymentTermType.BASIC: "01",
    PaymentTermType.END_OF_MONTH: "02",
    PaymentTermType.FIXED_DATE: "03",
    PaymentTermType.PROXIMO: "09",
}
TERMS_FROM_INVOICE_DATE = "3"  # ITD02


# Reading 850s


@dataclass(frozen=True)
class ReadEdiOrder:
    """One 850 of an interchange, read on its own: its PurchaseOrder (retail) or DfOrder
    (direct fulfilment), or why it is unreadable. `number` is BEG03 as given ("" when
    unknown)."""

    group_control_number: str
    control_number: str  # ST02
    number: str
    order: PurchaseOrder | DfOrder | None = None
    error: X12Error | None = None

    @property
    def is_direct_fulfillment(self):
        return isinstance(self.order, DfOrder)


def is_direct_fulfillment(transaction_set):
    """Whether a transaction set comes from Amazon's direct fulfilment (GS02 AMAZONDS)."""
    return transaction_set.sender == AMAZON_DIRECT_FULFILLMENT_ID


def split_edi_orders(interchange):
    """Each 850 of an `x12.Interchange`, parsed alone (see ReadEdiOrder). A set of a
    rejected group carries the group's error; a set the envelope found malformed its own."""
    found = []
    for group in interchange.groups:
        for entry in group.entries:
            if entry.id_code != TransactionSetId.PURCHASE_ORDER:
                continue
            error = group.error or entry.error
            if error is not None:
                found.append(
                    ReadEdiOrder(group.control_number, entry.control_number, "", error=error)
                )
                continue
            transaction_set = entry.transaction_set
            beg = transaction_set.first("BEG")
            number = beg.element(3) if beg is not None else ""
            try:
                order = (
                    parse_df_order_850(transaction_set)
                    if is_direct_fulfillment(transaction_set)
                    else parse_purchase_order_850(transaction_set)
                )
            except X12Error as error:
                found.append(
                    ReadEdiOrder(group.control_number, entry.control_number, number, error=error)
                )
            else:
                found.append(
                    ReadEdiOrder(group.control_number, entry.control_number, number, order=order)
                )
    return tuple(found)


class _SetReader:
    """Reading helpers bound to one transaction set: every error names its place."""

    def __init__(self, transaction_set, id_code, document):
        if not isinstance(transaction_set, TransactionSet):
            raise AmazonDocumentError(
                f"expected an x12 TransactionSet, not {type(transaction_set).__name__}",
                document=document,
            )
        self.ts = transaction_set
        self.document = document
        if transaction_set.id_code != id_code:
            raise self.fail(f"a {transaction_set.id_code}, not a {id_code}", SetError.IDENTIFIER)

    def fail(self, message, code, segment=None, element=None, component=None):
        return self.ts.error(
            message,
            code=code,
            segment=segment,
            element=element,
            component=component,
            document=self.document,
        )

    def required_segment(self, segment_id):
        segment = self.ts.first(segment_id)
        if segment is None:
            raise self.fail(f"no {segment_id} segment", SegmentError.MANDATORY_MISSING)
        return segment

    def text(self, segment, index, required=False, label=None):
        value = segment.element(index)
        if required and not value:
            raise self.fail(
                f"{segment.id}{index:02d} ({label or 'required'}) is missing",
                ElementError.MANDATORY_MISSING,
                segment,
                index,
            )
        return value

    def choice(self, segment, index, values, required=True):
        """A coded element that must be one of `values` (a dict's keys or a sequence)."""
        value = self.text(segment, index, required=required)
        if value and value not in values:
            raise self.fail(
                f"{segment.id}{index:02d} {value!r} is not one of Amazon's codes "
                f"({', '.join(values)})",
                ElementError.INVALID_CODE,
                segment,
                index,
            )
        return value

    def whole(self, segment, index, minimum=0):
        value = self.text(segment, index, required=True)
        if not value.isdigit() or int(value) < minimum:
            raise self.fail(
                f"{segment.id}{index:02d} {value!r} is not a whole number >= {minimum}",
                ElementError.INVALID_CHARACTER,
                segment,
                index,
            )
        return int(value)

    def amount(self, segment, index, required=False):
        value = self.text(segment, index, required=required)
        if not value:
            return None
        amount = finite_decimal(value)
        if amount is None:
            raise self.fail(
                f"{segment.id}{index:02d} {value!r} is not a number",
                ElementError.INVALID_CHARACTER,
                segment,
                index,
            )
        return amount

    def currency(self, segment, index):
        value = self.text(segment, index, required=True)
        if len(value) != 3 or not value.isalpha():
            raise self.fail(
                f"{segment.id}{index:02d} {value!r} is not a currency code",
                ElementError.INVALID_CODE,
                segment,
                index,
            )
        return value

    def date(self, segment, date_index, time_index=None, zone_index=None):
        """The naive UTC datetime of a CCYYMMDD date (and HHMM[SS] time in UTC)."""
        date = self.text(segment, date_index, required=True)
        try:
            day = datetime.strptime(date, "%Y%m%d")
        except ValueError:
            raise self.fail(
                f"{segment.id}{date_index:02d} {date!r} is not a date (CCYYMMDD)",
                ElementError.INVALID_DATE,
                segment,
                date_index,
            ) from None
        if zone_index is not None:
            self.choice(segment, zone_index, UTC_TIME_CODES, required=False)
        time = segment.element(time_index) if time_index else ""
        if not time:
            return day
        try:
            moment = datetime.strptime(time[:6], "%H%M%S" if len(time) >= 6 else "%H%M")
        except ValueError:
            raise self.fail(
                f"{segment.id}{time_index:02d} {time!r} is not a time (HHMM)",
                ElementError.INVALID_TIME,
                segment,
                time_index,
            ) from None
        return day.replace(hour=moment.hour, minute=moment.minute, second=moment.second)

    def loops(self, head, members):
        """(head segment, its member segments) of each loop that starts with `head`."""
        found, current = [], None
        for segment in self.ts.segments:
            if segment.id == head:
                current = (segment, [])
                found.append(current)
            elif current is not None and segment.id in members:
                current[1].append(segment)
            else:
                current = None
        return [(segment, tuple(members_found)) for segment, members_found in found]

    def check_totals(self, lines, quantities):
        """CTT01 is the number of lines, CTT02 (when given) the sum of their quantities."""
        ctt = self.required_segment("CTT")
        if self.whole(ctt, 1) != len(lines):
            raise self.fail(
                f"CTT01 is not the number of PO1 segments ({len(lines)})",
                ElementError.INVALID_CODE,
                ctt,
                1,
            )
        hash_total = self.amount(ctt, 2)
        if hash_total is not None and hash_total != sum(quantities, ZERO):
            raise self.fail(
                "CTT02 is not the sum of the PO102 quantities",
                ElementError.INVALID_CODE,
                ctt,
                2,
            )

    def date_of(self, qualifier):
        """The DTM of a qualifier (None without), read as a UTC datetime."""
        segment = next((s for s in self.ts.all("DTM") if s.element(1) == qualifier), None)
        return None if segment is None else self.date(segment, 2, 3, 4)

    def window(self, start_qualifier, end_qualifier):
        start, end = self.date_of(start_qualifier), self.date_of(end_qualifier)
        if start is None and end is None:
            return None
        if start is None or end is None:
            missing = start_qualifier if start is None else end_qualifier
            raise self.fail(
                f"DTM {start_qualifier}/{end_qualifier} come in pairs: no DTM {missing}",
                SegmentError.MANDATORY_MISSING,
            )
        if end < start:
            dtm = next(s for s in self.ts.all("DTM") if s.element(1) == end_qualifier)
            raise self.fail(
                f"DTM {end_qualifier} is before DTM {start_qualifier}",
                ElementError.INVALID_DATE,
                dtm,
                2,
            )
        return start, end

    def address(self, n1, members, name=None):
        """The orders.Address of an N1 loop's N2/N3/N4 (and PER TE phone); None without N3."""
        n2 = next((s for s in members if s.id == "N2"), None)
        n3 = next((s for s in members if s.id == "N3"), None)
        n4 = next((s for s in members if s.id == "N4"), None)
        if n3 is None:
            return None
        phone = ""
        for per in (s for s in members if s.id == "PER"):
            for index in (3, 5, 7):
                if per.element(index) == TELEPHONE:
                    phone = per.element(index + 1)
        return Address(
            name=name if name is not None else n1.element(2),
            company=n2.element(1) if n2 is not None else "",
            street=n3.element(1),
            street2=n3.element(2),
            city=n4.element(1) if n4 else "",
            state=n4.element(2) if n4 else "",
            zip=n4.element(3) if n4 else "",
            country_code=n4.element(4).upper() if n4 else "",
            phone=phone,
        )

    def product_ids(self, po1, first, allowed=None):
        """{qualifier: id} of the qualifier pairs from element `first` on."""
        found = {}
        for index in range(first, len(po1) + 1, 2):
            qualifier = po1.element(index)
            if not qualifier:
                continue
            if allowed is not None:
                self.choice(po1, index, allowed)
            found.setdefault(qualifier, self.text(po1, index + 1, required=True))
        return found


_PARTY_MEMBERS = frozenset({"N2", "N3", "N4", "PER", "REF"})


def parse_purchase_order_850(transaction_set):
    """A retail 850 (an `x12.TransactionSet`) as the vendor_orders.PurchaseOrder the API
    import makes (see the module's docstring). Raises X12Error with the element's place."""
    reader = _SetReader(transaction_set, TransactionSetId.PURCHASE_ORDER, PURCHASE_ORDER_DOCUMENT)
    beg = reader.required_segment("BEG")
    reader.choice(beg, 1, (PurposeCode.ORIGINAL,))
    order_type = ORDER_TYPES[reader.choice(beg, 2, ORDER_TYPES)]
    number = reader.text(beg, 3, required=True, label="purchase order number")
    ordered = reader.date(beg, 5)
    cur = transaction_set.first("CUR")
    currency = reader.currency(cur, 2) if cur is not None else ""
    references = {ref.element(1): ref for ref in transaction_set.all("REF")}
    csh = reader.required_segment("CSH")
    back_order = reader.choice(
        csh, 1, (BackOrderCode.NO_BACK_ORDER, BackOrderCode.BACK_ORDER_IF_OUT_OF_STOCK)
    )
    parties = _retail_parties(reader)
    selling = parties.get(EntityCode.SUPPLIER) or parties.get(EntityCode.VENDOR)
    if selling is None and ReferenceQualifier.CUSTOMER_REFERENCE in references:
        vendor_code = references[ReferenceQualifier.CUSTOMER_REFERENCE].element(2)
        selling = Party(party_id=vendor_code) if vendor_code else None
    promotion = references.get(ReferenceQualifier.PROMOTION)
    items = _retail_items(reader, back_order == BackOrderCode.BACK_ORDER_IF_OUT_OF_STOCK, currency)
    return PurchaseOrder(
        number=number,
        state=NEW,
        order_type=order_type,
        ordered=ordered,
        changed=None,
        state_changed=ordered,
        payment_method="",
        deal_code=promotion.element(2) if promotion is not None else "",
        buying_party=parties.get(EntityCode.BUYING_PARTY),
        selling_party=selling,
        ship_to_party=parties.get(EntityCode.SHIP_TO),
        bill_to_party=parties.get(EntityCode.BILL_TO),
        ship_window=reader.window(DateQualifier.SHIP_NOT_BEFORE, DateQualifier.SHIP_NO_LATER),
        delivery_window=reader.window(
            DateQualifier.DO_NOT_DELIVER_BEFORE, DateQualifier.DO_NOT_DELIVER_AFTER
        ),
        items=items,
    )


def _retail_parties(reader):
    parties = {}
    for n1, members in reader.loops("N1", _PARTY_MEMBERS):
        entity = n1.element(1)
        if entity not in (
            EntityCode.SHIP_TO,
            EntityCode.BUYING_PARTY,
            EntityCode.BILL_TO,
            EntityCode.SUPPLIER,
            EntityCode.VENDOR,
        ):
            continue
        reader.choice(n1, 3, PARTY_ID_QUALIFIERS)
        party_id = reader.text(n1, 4, required=True, label="party id")
        parties.setdefault(entity, Party(party_id=party_id, address=reader.address(n1, members)))
    if EntityCode.SHIP_TO not in parties:
        raise reader.fail("no N1 ST (ship-to warehouse)", SegmentError.MANDATORY_MISSING)
    return parties


_RETAIL_ITEM_MEMBERS = frozenset({"PO4", "CTP", "PID", "MSG", "DTM", "REF", "SAC"})


def _retail_items(reader, back_order_allowed, currency):
    loops = reader.loops("PO1", _RETAIL_ITEM_MEMBERS)
    if not loops:
        raise reader.fail("an order without PO1 items", SegmentError.MANDATORY_MISSING)
    items, sequences = [], set()
    for po1, members in loops:
        sequence = reader.text(po1, 1, required=True, label="item sequence number")
        if sequence in sequences:
            raise reader.fail(
                f"item sequence number {sequence!r} is used twice",
                ElementError.INVALID_CODE,
                po1,
                1,
            )
        sequences.add(sequence)
        quantity = reader.whole(po1, 2)
        unit = ORDER_UNITS[reader.choice(po1, 3, ORDER_UNITS)]
        ids = reader.product_ids(po1, 6, RETAIL_PRODUCT_QUALIFIERS)
        vendor_id = next(
            (ids[q] for q in (*VENDOR_PRODUCT_QUALIFIERS, *GTIN_QUALIFIERS) if q in ids), ""
        )
        po4 = next((s for s in members if s.id == "PO4"), None)
        unit_size = reader.whole(po4, 1, minimum=1) if po4 is not None and po4.element(1) else None
        if unit == QuantityUnit.CASES and unit_size is None:
            raise reader.fail(
                "a quantity in cases (CA) without its PO401 units per case",
                SegmentError.MANDATORY_MISSING,
                po1,
            )
        list_price = next(
            (
                reader.amount(ctp, 3, required=True)
                for ctp in members
                if ctp.id == "CTP" and ctp.element(2) == PriceCode.LIST_PRICE
            ),
            None,
        )
        net_cost = reader.amount(po1, 4)
        items.append(
            PurchaseOrderItem(
                sequence=sequence,
                asin=ids.get(ProductIdQualifier.BUYER_PART, ""),
                vendor_product_id=vendor_id,
                quantity=quantity,
                unit_of_measure=unit,
                unit_size=unit_size or 1,
                back_order_allowed=back_order_allowed,
                net_cost=net_cost,
                list_price=list_price,
                currency=currency if net_cost is not None or list_price is not None else "",
            )
        )
    reader.check_totals(loops, [item.quantity for item in items])
    return tuple(items)


_DF_ITEM_MEMBERS = frozenset({"CTP", "MSG", "PID", "REF", "SAC", "TXI"})


def parse_df_order_850(transaction_set):
    """A direct fulfilment 850 (an `x12.TransactionSet` from AMAZONDS) as the
    direct_fulfillment.DfOrder the API import makes (see the module's docstring). Raises
    X12Error with the element's place; its message never holds the buyer's data."""
    reader = _SetReader(transaction_set, TransactionSetId.PURCHASE_ORDER, DF_ORDER_DOCUMENT)
    beg = reader.required_segment("BEG")
    reader.choice(beg, 1, (PurposeCode.ORIGINAL,))
    number = reader.text(beg, 3, required=True, label="purchase order number")
    ordered = reader.date(beg, 5)
    cur = transaction_set.first("CUR")
    currency = reader.currency(cur, 2) if cur is not None else ""
    order_ref = next(
        (r for r in transaction_set.all("REF") if r.element(1) == ReferenceQualifier.ORDER_NUMBER),
        None,
    )
    required_ship = reader.date_of(DateQualifier.REQUESTED_SHIP)
    if required_ship is None:
        raise reader.fail("no DTM 010 (the required ship date)", SegmentError.MANDATORY_MISSING)
    messages = _df_messages(reader)
    parties, ship_to = _df_parties(reader)
    td5 = reader.required_segment("TD5")
    items = _df_items(reader, currency)
    return DfOrder(
        number=number,
        customer_order_number=order_ref.element(2) if order_ref is not None else "",
        ordered=ordered,
        status="",
        selling_party=Party(party_id=transaction_set.receiver),
        ship_from_party=parties[EntityCode.SHIP_FROM],
        bill_to_party=parties[EntityCode.BILL_TO],
        ship_to=ship_to,
        ship_method=reader.text(td5, 3, required=True, label="ship method"),
        required_ship_date=required_ship,
        promised_delivery_date=reader.date_of(DateQualifier.DELIVERY_REQUESTED),
        is_priority=False,
        is_gift=any(item.gift_message for item in items),
        is_pslip_required=bool(messages),
        is_scheduled_delivery=False,
        message_to_customer="\n".join(messages),
        has_customizable_items=False,
        items=items,
    )


def _df_messages(reader):
    messages = []
    for n9, members in reader.loops("N9", frozenset({"MSG"})):
        reader.choice(n9, 1, (ReferenceQualifier.MUTUALLY_DEFINED,))
        reader.choice(n9, 2, DF_MESSAGE_CODES)
        messages.extend(msg.element(1) for msg in members if msg.element(1))
    return messages


def _df_parties(reader):
    parties, ship_to = {}, None
    for n1, members in reader.loops("N1", _PARTY_MEMBERS):
        entity = n1.element(1)
        if entity in (EntityCode.BILL_TO, EntityCode.SHIP_FROM) and entity not in parties:
            reader.choice(n1, 3, PARTY_ID_QUALIFIERS)
            parties[entity] = Party(party_id=reader.text(n1, 4, required=True, label="party id"))
        elif entity == EntityCode.SHIP_TO and ship_to is None:
            reader.text(n1, 2, required=True, label="ship-to name")
            ship_to = reader.address(n1, members)
            if ship_to is None:
                raise reader.fail(
                    "no N3 address in the N1 ST loop", SegmentError.MANDATORY_MISSING, n1
                )
            if not ship_to.street or not ship_to.country_code:
                raise reader.fail(
                    "the ship-to address lacks its street (N301) or country (N404)",
                    ElementError.MANDATORY_MISSING,
                    n1,
                )
    for entity, label in (
        (EntityCode.BILL_TO, "N1 BT (bill-to)"),
        (EntityCode.SHIP_FROM, "N1 SF (ship-from warehouse)"),
    ):
        if entity not in parties:
            raise reader.fail(f"no {label}", SegmentError.MANDATORY_MISSING)
    if ship_to is None:
        raise reader.fail("no N1 ST (ship-to)", SegmentError.MANDATORY_MISSING)
    return parties, ship_to


def _df_items(reader, currency):
    loops = reader.loops("PO1", _DF_ITEM_MEMBERS)
    if not loops:
        raise reader.fail("an order without PO1 items", SegmentError.MANDATORY_MISSING)
    items = []
    for po1, members in loops:
        sequence = reader.text(po1, 1, required=True, label="item sequence number")
        if any(item.sequence == sequence for item in items):
            raise reader.fail(
                f"item sequence number {sequence!r} is used twice",
                ElementError.INVALID_CODE,
                po1,
                1,
            )
        quantity = reader.whole(po1, 2, minimum=1)
        reader.choice(po1, 3, (UnitCode.EACH,))
        ids = reader.product_ids(po1, 6)
        texts = [msg.element(1) for msg in members if msg.id == "MSG"]
        net_price = reader.amount(po1, 4)
        items.append(
            DfItem(
                sequence=sequence,
                asin=ids.get(ProductIdQualifier.BUYER_PART, ""),
                vendor_product_id=ids.get(ProductIdQualifier.SKU)
                or ids.get(ProductIdQualifier.VENDOR_ITEM, ""),
                title=texts[0] if texts else "",
                quantity=quantity,
                net_price=net_price,
                currency=currency if net_price is not None else "",
                gift_message=texts[1] if len(texts) > 1 else "",
                gift_wrap_id="",
                tax_amount=None,
            )
        )
    reader.check_totals(loops, [item.quantity for item in items])
    return tuple(items)


# Writing helpers


def _day(moment):
    return as_utc(moment).strftime("%Y%m%d")


def _time(moment):
    return as_utc(moment).strftime("%H%M")


def _cents(amount):
    """An amount as X12's N2 type writes it: in cents, without decimal point."""
    return str(int((Decimal(str(amount)) * 100).quantize(Decimal(1), ROUND_HALF_UP)))


def _product_pairs(entry, asin_key):
    pairs = []
    for qualifier, key in (
        (ProductIdQualifier.BUYER_PART, asin_key),
        (ProductIdQualifier.VENDOR_ITEM, "vendorProductIdentifier"),
    ):
        if entry.get(key):
            pairs.extend((qualifier, entry[key]))
    return pairs


def _address_segments(address):
    """N3 and N4 of an API Address object (as `vendor_common.write_address` writes it)."""
    if not address:
        return []
    postal = address.get("postalCode") or address.get("postalOrZipCode") or ""
    return [
        ("N3", address["addressLine1"], address.get("addressLine2", "")),
        (
            "N4",
            address.get("city", ""),
            address.get("stateOrRegion", ""),
            postal,
            address["countryCode"],
        ),
    ]


def _party_segments(entity, party):
    """An N1 loop of an API PartyIdentification (partyId, address, tax registration)."""
    address = party.get("address")
    segments = [
        (
            "N1",
            entity,
            address["name"] if address else "",
            IdentificationQualifier.ASSIGNED_BY_BUYER,
            party["partyId"],
        )
    ]
    segments.extend(_address_segments(address))
    for registration in party.get("taxRegistrationDetails", ()):
        segments.append(
            (
                "REF",
                TAX_REGISTRATION_QUALIFIERS[registration["taxRegistrationType"]],
                registration["taxRegistrationNumber"],
            )
        )
    return segments


def _refuse(message, document, path=None):
    raise AmazonDocumentError(message, document=document, path=path)


# 855


def build_acknowledgement_855(acknowledgement, *, purchase_order_date=None):
    """The 855 (an x12.OutgoingTransactionSet) of a vendor_orders.PurchaseOrderAcknowledgement,
    checked as build_acknowledgement_request checks it. BAK04 is `purchase_order_date` (the
    order's BEG05), else the acknowledgement's date."""
    entry = build_acknowledgement_request([acknowledgement])["acknowledgements"][0]
    order_date = purchase_order_date or acknowledgement.acknowledged
    if not isinstance(order_date, datetime):
        _refuse(
            "the purchase order date is not a datetime",
            ACKNOWLEDGEMENT_DOCUMENT,
            entry["purchaseOrderNumber"],
        )
    lines, total, unchanged = [], 0, True
    # The request has one entry per item, in the acknowledgement's order.
    for given, item in zip(acknowledgement.items, entry["items"], strict=True):
        ordered = item["orderedQuantity"]
        lines.append(
            (
                "PO1",
                item.get("itemSequenceNumber", ""),
                str(ordered["amount"]),
                QUANTITY_UNIT_CODES[ordered["unitOfMeasure"]],
                item["netCost"]["amount"],
                PriceBasis.PER_EACH,
                *_product_pairs(item, "amazonProductIdentifier"),
            )
        )
        total += ordered["amount"]
        if "listPrice" in item:
            lines.append(("CTP", "", PriceCode.LIST_PRICE, item["listPrice"]["amount"]))
        acknowledged = item["itemAcknowledgements"]
        unchanged = (
            unchanged
            and len(acknowledged) == 1
            and (
                acknowledged[0]["acknowledgementCode"] == AcknowledgementCode.ACCEPTED
                and quantity_eaches(acknowledged[0]["acknowledgedQuantity"])
                == quantity_eaches(ordered)
            )
        )
        for part, quantity in zip(acknowledged, given.quantities, strict=True):
            lines.append(_ack_segment(part, quantity))
    lines.append(("CTT", str(sum(1 for line in lines if line[0] == "PO1")), str(total)))
    bak = (
        "BAK",
        PurposeCode.ORIGINAL,
        AcknowledgementType.NO_CHANGE if unchanged else AcknowledgementType.WITH_CHANGES,
        entry["purchaseOrderNumber"],
        _day(order_date),
    )
    return OutgoingTransactionSet(TransactionSetId.PURCHASE_ORDER_ACKNOWLEDGEMENT, (bak, *lines))


def _ack_segment(part, quantity):
    """The ACK of one acknowledged quantity (`part` as written, `quantity` as given)."""
    written = part["acknowledgedQuantity"]
    segment = [
        "ACK",
        LINE_STATUSES[part["acknowledgementCode"]],
        str(written["amount"]),
        QUANTITY_UNIT_CODES[written["unitOfMeasure"]],
    ]
    if quantity.scheduled_ship_date is not None:
        segment.extend((DateQualifier.CURRENT_SCHEDULE_SHIP, _day(quantity.scheduled_ship_date)))
    elif quantity.scheduled_delivery_date is not None:
        segment.extend(
            (DateQualifier.CURRENT_SCHEDULE_DELIVERY, _day(quantity.scheduled_delivery_date))
        )
    return tuple(segment)


# 856


def build_ship_notice_856(request):
    """The 856 (an x12.OutgoingTransactionSet) of a vendor_shipments.ShipmentConfirmationRequest,
    checked as build_shipment_confirmations checks it (see the module's docstring)."""
    entry = build_shipment_confirmations([request])["shipmentConfirmations"][0]
    return OutgoingTransactionSet(
        TransactionSetId.SHIP_NOTICE, tuple(_ShipNotice(request, entry).segments)
    )


class _ShipNotice:
    """The segments of one 856, from the checked ShipmentConfirmation `entry`."""

    def __init__(self, request, entry):
        self.entry = entry
        self.path = entry["shipmentIdentifier"]
        self.items = {item["itemSequenceNumber"]: item for item in entry["shippedItems"]}
        self.cartons = {
            carton["cartonSequenceNumber"]: carton for carton in entry.get("cartons", ())
        }
        self.pallets = entry.get("pallets", ())
        self.on_pallets = {
            reference
            for pallet in self.pallets
            for reference in pallet.get("cartonReferenceDetails", {}).get(
                "cartonReferenceNumbers", ()
            )
        }
        self.hl_count = 0
        self.units = 0
        header = [
            (
                "BSN",
                BSN_PURPOSES[entry["shipmentConfirmationType"]],
                self.path,
                _day(request.confirmed),
                _time(request.confirmed),
                HIERARCHICAL_STRUCTURE,
            ),
            (
                "DTM",
                DateQualifier.SHIPPED,
                _day(request.shipped),
                _time(request.shipped),
                TimeCode.GREENWICH_MEAN_TIME,
            ),
        ]
        if request.estimated_delivery is not None:
            header.append(
                (
                    "DTM",
                    DateQualifier.ESTIMATED_DELIVERY,
                    _day(request.estimated_delivery),
                    _time(request.estimated_delivery),
                    TimeCode.GREENWICH_MEAN_TIME,
                )
            )
        self.segments = header
        shipment = self._hl("", HierarchicalLevel.SHIPMENT)
        self.segments.extend(self._shipment_segments())
        for number, items in self._orders().items():
            order = self._hl(shipment, HierarchicalLevel.ORDER)
            self.segments.append(("PRF", number))
            self._order_contents(order, items)
        self.segments.append(("CTT", str(self.hl_count), str(self.units)))

    def _hl(self, parent, level):
        self.hl_count += 1
        self.segments.append(("HL", str(self.hl_count), parent, level))
        return str(self.hl_count)

    def _shipment_segments(self):
        entry = self.entry
        measurements = entry.get("shipmentMeasurements", {})
        segments = []
        count = measurements.get("palletCount") or measurements.get("cartonCount")
        weight = measurements.get("grossShipmentWeight")
        if count or weight:
            packaging = (
                PackagingCode.PALLET if "palletCount" in measurements else PackagingCode.CARTON
            )
            segments.append(_td1(packaging if count else "", count, weight))
        transportation = entry["transportationDetails"]
        scac = transportation.get("carrierScac", "")
        segments.append(
            (
                "TD5",
                "",
                IdentificationQualifier.SCAC if scac else "",
                scac,
                TRANSPORTATION_METHODS[transportation["transportationMode"]],
            )
        )
        for qualifier, value in (
            (ReferenceQualifier.BILL_OF_LADING, transportation.get("billOfLadingNumber")),
            (
                ReferenceQualifier.CARRIER_REFERENCE,
                transportation.get("carrierShipmentReferenceNumber"),
            ),
            (ReferenceQualifier.APPOINTMENT, entry.get("amazonReferenceNumber")),
        ):
            if value:
                segments.append(("REF", qualifier, value))
        segments.extend(_party_segments(EntityCode.SHIP_FROM, entry["shipFromParty"]))
        segments.append(
            (
                "N1",
                EntityCode.SHIP_TO,
                "",
                IdentificationQualifier.ASSIGNED_BY_BUYER,
                entry["shipToParty"]["partyId"],
            )
        )
        return segments

    def _orders(self):
        """{purchase order number: [item sequence numbers]}, in the order of the items."""
        orders = defaultdict(list)
        for sequence, item in self.items.items():
            orders[item["itemDetails"]["purchaseOrderNumber"]].append(sequence)
        return orders

    def _order_contents(self, order, sequences):
        remaining = {
            sequence: quantity_eaches(self.items[sequence]["shippedQuantity"])
            for sequence in sequences
        }
        for pallet in self.pallets:
            references = pallet.get("cartonReferenceDetails", {}).get("cartonReferenceNumbers", ())
            cartons = [self.cartons[reference] for reference in references]
            direct = [] if references else _contents_of(pallet, sequences)
            if not direct and not any(_contents_of(carton, sequences) for carton in cartons):
                continue
            tare = self._hl(order, HierarchicalLevel.TARE)
            self.segments.append(
                (
                    "MAN",
                    MarksQualifier.SSCC,
                    pallet["palletIdentifiers"][0]["containerIdentificationNumber"],
                )
            )
            if "weight" in pallet:
                self.segments.append(_td1(PackagingCode.PALLET, 1, pallet["weight"]))
            for carton in cartons:
                self._carton(tare, carton, sequences, remaining)
            self._contents(tare, direct, remaining)
        for sequence_number, carton in self.cartons.items():
            if sequence_number not in self.on_pallets:
                self._carton(order, carton, sequences, remaining)
        left = [
            {
                "itemReference": sequence,
                "shippedQuantity": {"amount": units, "unitOfMeasure": QuantityUnit.EACHES},
            }
            for sequence, units in remaining.items()
            if units
        ]
        self._contents(order, left, remaining, loose=True)

    def _carton(self, parent, carton, sequences, remaining):
        contents = _contents_of(carton, sequences)
        if not contents:
            return
        pack = self._hl(parent, HierarchicalLevel.PACK)
        sscc = (carton.get("cartonIdentifiers") or [{}])[0].get("containerIdentificationNumber", "")
        tracking = carton.get("trackingNumber", "")
        if sscc:
            marks = ("MAN", MarksQualifier.SSCC, sscc)
            if tracking:
                marks = (*marks, "", MarksQualifier.CARRIER_PACKAGE_ID, tracking)
        elif tracking:
            marks = ("MAN", MarksQualifier.CARRIER_PACKAGE_ID, tracking)
        else:
            marks = ("MAN", MarksQualifier.ORIGINATOR_ASSIGNED, carton["cartonSequenceNumber"])
        self.segments.append(marks)
        if "weight" in carton:
            self.segments.append(_td1(PackagingCode.CARTON, 1, carton["weight"]))
        self._contents(pack, contents, remaining)

    def _contents(self, parent, contents, remaining, loose=False):
        for content in contents:
            sequence = content["itemReference"]
            quantity = content["shippedQuantity"]
            units = quantity_eaches(quantity)
            if not loose:
                if units > remaining[sequence]:
                    _refuse(
                        f"item {sequence}: its cartons and pallets hold more units than the "
                        "shipment ships (a carton on a pallet is counted once, in the carton)",
                        SHIP_NOTICE_DOCUMENT,
                        self.path,
                    )
                remaining[sequence] -= units
            item = self.items[sequence]
            self._hl(parent, HierarchicalLevel.ITEM)
            self.segments.append(
                ("LIN", sequence, *_product_pairs(item, "amazonProductIdentifier"))
            )
            self.segments.append(
                (
                    "SN1",
                    sequence,
                    str(quantity["amount"]),
                    QUANTITY_UNIT_CODES[quantity["unitOfMeasure"]],
                )
            )
            if quantity["unitOfMeasure"] == QuantityUnit.CASES:
                self.segments.append(("PO4", str(quantity["unitSize"])))
            self.units += quantity["amount"]


def _contents_of(container, sequences):
    return [
        content for content in container.get("items", ()) if content["itemReference"] in sequences
    ]


def _td1(packaging, count, weight):
    segment = ["TD1", packaging, str(count) if count else ""]
    if weight:
        segment.extend(
            ("", "", "", GROSS_WEIGHT, weight["value"], WEIGHT_UNIT_CODES[weight["unitOfMeasure"]])
        )
    return tuple(segment)


# 810


def build_invoice_810(invoice):
    """The 810 (an x12.OutgoingTransactionSet) of a vendor_invoices.InvoiceRequest, checked
    as build_invoice_request checks it (see the module's docstring)."""
    entry = build_invoice_request([invoice])["invoices"][0]
    return OutgoingTransactionSet(TransactionSetId.INVOICE, tuple(_Invoice(entry).segments))


class _Invoice:
    """The segments of one 810, from the checked Invoice `entry`."""

    def __init__(self, entry):
        self.entry = entry
        self.path = entry["id"]
        numbers = list(
            dict.fromkeys(item.get("purchaseOrderNumber", "") for item in entry["items"])
        )
        credit_note = entry["invoiceType"] == InvoiceType.CREDIT_NOTE
        type_code = InvoiceTypeCode.CREDIT_MEMO if credit_note else ""
        if not credit_note and len(numbers) > 1:
            type_code = InvoiceTypeCode.CONSOLIDATED_INVOICE
        date = datetime.fromisoformat(entry["date"].replace("Z", "+00:00"))
        self.segments = [
            (
                "BIG",
                _day(date),
                self.path,
                "",
                numbers[0] if len(numbers) == 1 else "",
                "",
                "",
                type_code,
            ),
            ("CUR", EntityCode.BILL_TO, entry["invoiceTotal"]["currencyCode"]),
        ]
        if entry.get("referenceNumber"):
            self.segments.append(
                ("REF", ReferenceQualifier.MUTUALLY_DEFINED, entry["referenceNumber"])
            )
        self.segments.extend(_party_segments(EntityCode.REMIT_TO, entry["remitToParty"]))
        if "billToParty" in entry:
            self.segments.extend(_party_segments(EntityCode.BILL_TO, entry["billToParty"]))
        if "shipToParty" in entry:
            self.segments.append(
                (
                    "N1",
                    EntityCode.SHIP_TO,
                    "",
                    IdentificationQualifier.ASSIGNED_BY_BUYER,
                    entry["shipToParty"]["partyId"],
                )
            )
        if "shipFromParty" in entry:
            self.segments.extend(_party_segments(EntityCode.SHIP_FROM, entry["shipFromParty"]))
        if "paymentTerms" in entry:
            self.segments.append(self._terms(entry["paymentTerms"]))
        quantities = []
        for item in entry["items"]:
            quantities.append(self._item(item))
        self.segments.append(("TDS", _cents(entry["invoiceTotal"]["amount"])))
        self.segments.extend(self._taxes(entry.get("taxDetails", ())))
        self.segments.extend(self._adjustments(entry))
        self.segments.append(("CTT", str(len(quantities)), decimal_text(sum(quantities, ZERO))))

    def _terms(self, terms):
        code = TERMS_TYPE_CODES.get(terms["type"])
        if code is None:
            _refuse(
                f"payment term type {terms['type']} has no X12 terms type code here "
                f"({', '.join(TERMS_TYPE_CODES)})",
                INVOICE_DOCUMENT,
                self.path,
            )
        return (
            "ITD",
            code,
            TERMS_FROM_INVOICE_DATE,
            terms.get("discountPercent", ""),
            "",
            str(terms["discountDueDays"]) if "discountDueDays" in terms else "",
            "",
            str(terms["netDueDays"]) if "netDueDays" in terms else "",
        )

    def _item(self, item):
        quantity = item["invoicedQuantity"]
        weight = quantity.get("totalWeight")
        if weight:
            amount, unit = Decimal(weight["amount"]), WEIGHT_UNIT_CODES[weight["unitOfMeasure"]]
        else:
            amount, unit = Decimal(quantity_eaches(quantity)), UnitCode.EACH
        pairs = _product_pairs(item, "amazonProductIdentifier")
        if item.get("purchaseOrderNumber"):
            pairs.extend((ProductIdQualifier.PURCHASE_ORDER, item["purchaseOrderNumber"]))
        self.segments.append(
            (
                "IT1",
                str(item["itemSequenceNumber"]),
                decimal_text(amount),
                unit,
                item["netCost"]["amount"],
                PriceBasis.NET,
                *pairs,
            )
        )
        self.segments.extend(self._taxes(item.get("taxDetails", ())))
        self.segments.extend(self._adjustments(item))
        self.segments.extend(self._credit_note_references(item.get("creditNoteDetails")))
        return amount

    def _taxes(self, taxes):
        segments = []
        for tax in taxes:
            code = TAX_TYPE_CODES.get(tax["taxType"])
            if code is None:
                _refuse(
                    f"tax type {tax['taxType']} has no X12 tax type code here "
                    f"({', '.join(TAX_TYPE_CODES)})",
                    INVOICE_DOCUMENT,
                    self.path,
                )
            segments.append(("TXI", code, tax["taxAmount"]["amount"], tax.get("taxRate", "")))
        return segments

    def _adjustments(self, entry):
        segments = []
        for key, indicator, label in (
            ("chargeDetails", AllowanceChargeIndicator.CHARGE, "charge"),
            ("allowanceDetails", AllowanceChargeIndicator.ALLOWANCE, "allowance"),
        ):
            for detail in entry.get(key, ()):
                code = SAC_CODES.get(detail["type"])
                if code is None:
                    _refuse(
                        f"{label} type {detail['type']} has no X12 code here",
                        INVOICE_DOCUMENT,
                        self.path,
                    )
                segment = [
                    "SAC",
                    indicator,
                    code,
                    "",
                    "",
                    _cents(detail[f"{label}Amount"]["amount"]),
                ]
                if detail.get("description"):
                    segment.extend([""] * 9 + [detail["description"]])
                segments.append(tuple(segment))
                segments.extend(self._taxes(detail.get("taxDetails", ())))
        return segments

    def _credit_note_references(self, details):
        if not details:
            return []
        supported = {
            "referenceInvoiceNumber": ReferenceQualifier.ORIGINAL_INVOICE,
            "rmaId": ReferenceQualifier.RETURN_AUTHORIZATION,
        }
        others = sorted(set(details) - set(supported) - {"goodsReturnDate"})
        if others:
            _refuse(
                f"credit note references {', '.join(others)} have no X12 qualifier here "
                "(the invoice corrected and the RMA have: OI, RZ)",
                INVOICE_DOCUMENT,
                self.path,
            )
        return [
            ("REF", qualifier, details[key])
            for key, qualifier in supported.items()
            if key in details
        ]


# 997


def build_functional_acknowledgement(group, errors=()):
    """The 997 (an x12.OutgoingTransactionSet) answering an x12.Group received from Amazon:
    AK1; an AK2 per transaction set, with AK3/AK4 for each error located in a segment or an
    element and AK5 A (accepted) or R with its codes; AK9 A (all accepted), P (some
    rejected) or R (none, or the group itself rejected, with its code), with the counts.
    `errors` are X12Errors found while mapping the sets (they name their set's control
    number), reported beside the envelope's."""
    by_set = defaultdict(list)
    for error in errors:
        if not isinstance(error, X12Error):
            raise AmazonDocumentError(
                f"expected an X12Error, not {type(error).__name__}",
                document=FUNCTIONAL_ACKNOWLEDGEMENT_DOCUMENT,
            )
        by_set[error.transaction_set].append(error)
    segments = [("AK1", group.functional_id, group.control_number)]
    accepted = 0
    for entry in group.entries:
        found = ([entry.error] if entry.error is not None else []) + by_set.get(
            entry.control_number, []
        )
        segments.append(("AK2", entry.id_code, entry.control_number))
        for error in found:
            segments.extend(_located(error))
        if found:
            codes = list(dict.fromkeys(_set_code(error) for error in found))[:5]
            segments.append(("AK5", X12AcknowledgementCode.REJECTED, *codes))
        else:
            accepted += 1
            segments.append(("AK5", X12AcknowledgementCode.ACCEPTED))
    received = len(group.entries)
    group_codes = []
    if group.error is not None:
        status, accepted = X12AcknowledgementCode.REJECTED, 0
        if group.error.level == ErrorLevel.GROUP:
            group_codes.append(group.error.code)
    elif accepted == received:
        status = X12AcknowledgementCode.ACCEPTED
    elif accepted:
        status = X12AcknowledgementCode.PARTIALLY_ACCEPTED
    else:
        status = X12AcknowledgementCode.REJECTED
    included = group.included_count if group.included_count is not None else received
    segments.append(("AK9", status, str(included), str(received), str(accepted), *group_codes))
    return OutgoingTransactionSet(TransactionSetId.FUNCTIONAL_ACKNOWLEDGEMENT, tuple(segments))


def _located(error):
    """The AK3 (and AK4) of an error of a segment or an element; none for an error of the
    transaction set itself (its AK5 code says it)."""
    if error.segment_position is None or not error.segment_id:
        return []
    if error.level == ErrorLevel.SEGMENT:
        return [("AK3", error.segment_id, str(error.segment_position), "", error.code)]
    if error.level != ErrorLevel.ELEMENT:
        return []
    position = (
        (str(error.element_position), str(error.component_position))
        if error.component_position is not None
        else str(error.element_position)
    )
    return [
        ("AK3", error.segment_id, str(error.segment_position), "", SegmentError.ELEMENT_ERRORS),
        ("AK4", position, "", error.code),
    ]


def _set_code(error):
    if error.level == ErrorLevel.TRANSACTION_SET:
        return error.code
    return SetError.SEGMENTS_IN_ERROR


@dataclass(frozen=True)
class ElementNote:
    """An AK4: the element (and component) in error and its AK403 code."""

    position: int
    component: int | None
    reference: str  # AK402: the data element reference number, "" when not given
    code: str  # x12.ElementError


@dataclass(frozen=True)
class SegmentNote:
    """An AK3: the segment in error (its position counts from ST = 1), its AK304 code and
    its elements' notes."""

    segment_id: str
    position: int
    loop_id: str
    code: str  # x12.SegmentError, "" when not given
    elements: tuple[ElementNote, ...] = ()


@dataclass(frozen=True)
class TransactionSetAcknowledgement:
    """An AK2/AK5: what Amazon made of one transaction set we sent."""

    id_code: str
    control_number: str
    status: str  # x12.AcknowledgementCode: A, E or R
    codes: tuple[str, ...]  # x12.SetError
    segments: tuple[SegmentNote, ...] = ()

    @property
    def accepted(self):
        return self.status in (
            X12AcknowledgementCode.ACCEPTED,
            X12AcknowledgementCode.ACCEPTED_WITH_ERRORS,
        )


@dataclass(frozen=True)
class FunctionalAcknowledgement:
    """A 997: what Amazon made of one group we sent (AK1, AK9) and of its sets."""

    functional_id: str
    group_control_number: str
    status: str  # x12.AcknowledgementCode: A, E, P or R
    included: int
    received: int
    accepted_count: int
    codes: tuple[str, ...]  # x12.GroupError
    transaction_sets: tuple[TransactionSetAcknowledgement, ...]

    @property
    def accepted(self):
        return self.status in (
            X12AcknowledgementCode.ACCEPTED,
            X12AcknowledgementCode.ACCEPTED_WITH_ERRORS,
        )

    def for_set(self, control_number):
        """The acknowledgement of one set (by ST02). Without AK2 for it, the group's status
        says (Amazon may leave accepted sets out): None when the group is not accepted."""
        found = next(
            (ts for ts in self.transaction_sets if ts.control_number == control_number), None
        )
        if found is None and self.status == X12AcknowledgementCode.ACCEPTED:
            return TransactionSetAcknowledgement(
                "", control_number, X12AcknowledgementCode.ACCEPTED, ()
            )
        return found


_SET_STATUSES = (
    X12AcknowledgementCode.ACCEPTED,
    X12AcknowledgementCode.ACCEPTED_WITH_ERRORS,
    X12AcknowledgementCode.REJECTED,
)
_GROUP_STATUSES = (*_SET_STATUSES, X12AcknowledgementCode.PARTIALLY_ACCEPTED)


def parse_functional_acknowledgement(transaction_set):
    """A 997 (an x12.TransactionSet) as a FunctionalAcknowledgement. Raises X12Error."""
    reader = _SetReader(
        transaction_set,
        TransactionSetId.FUNCTIONAL_ACKNOWLEDGEMENT,
        FUNCTIONAL_ACKNOWLEDGEMENT_DOCUMENT,
    )
    ak1 = reader.required_segment("AK1")
    ak9 = reader.required_segment("AK9")
    sets, current, segment_note = [], None, None
    for segment in transaction_set.segments:
        if segment.id == "AK2":
            current = {"ak2": segment, "segments": []}
            sets.append(current)
        elif segment.id == "AK3" and current is not None:
            segment_note = {"ak3": segment, "elements": []}
            current["segments"].append(segment_note)
        elif segment.id == "AK4" and segment_note is not None:
            segment_note["elements"].append(
                ElementNote(
                    position=reader.whole(segment, 1, minimum=1)
                    if not segment.is_composite(1)
                    else int(segment.component(1, 1)),
                    component=int(segment.component(1, 2))
                    if segment.component(1, 2).isdigit()
                    else None,
                    reference=segment.element(2),
                    code=reader.text(segment, 3, required=True),
                )
            )
        elif segment.id == "AK5" and current is not None:
            current["ak5"] = segment
            current, segment_note = None, None
    acknowledgements = []
    for found in sets:
        ak2, ak5 = found["ak2"], found.get("ak5")
        if ak5 is None:
            raise reader.fail("an AK2 without its AK5", SegmentError.MANDATORY_MISSING, ak2)
        acknowledgements.append(
            TransactionSetAcknowledgement(
                id_code=reader.text(ak2, 1, required=True),
                control_number=reader.text(ak2, 2, required=True),
                status=reader.choice(ak5, 1, _SET_STATUSES),
                codes=tuple(code for code in (ak5.element(i) for i in range(2, 7)) if code),
                segments=tuple(
                    SegmentNote(
                        segment_id=note["ak3"].element(1),
                        position=reader.whole(note["ak3"], 2, minimum=1),
                        loop_id=note["ak3"].element(3),
                        code=note["ak3"].element(4),
                        elements=tuple(note["elements"]),
                    )
                    for note in found["segments"]
                ),
            )
        )
    return FunctionalAcknowledgement(
        functional_id=reader.text(ak1, 1, required=True),
        group_control_number=reader.text(ak1, 2, required=True),
        status=reader.choice(ak9, 1, _GROUP_STATUSES),
        included=reader.whole(ak9, 2),
        received=reader.whole(ak9, 3),
        accepted_count=reader.whole(ak9, 4),
        codes=tuple(code for code in (ak9.element(i) for i in range(5, 10)) if code),
        transaction_sets=tuple(acknowledgements),
    )


# 753 and 754


ROUTING_REQUEST_DOCUMENT = "X12 753 request for routing instructions"
ROUTING_INSTRUCTIONS_DOCUMENT = "X12 754 routing instructions"
CHANGE = "04"  # BGN01: instructions that change earlier ones
ROUTING_PURPOSES = (PurposeCode.ORIGINAL, CHANGE, PurposeCode.REPLACE)
CARRIER = "CA"  # N101
YES, NO = "Y", "N"  # USI03: the pallets are stackable


class RoutingDateQualifier:
    """G6201 (data element 432)."""

    PICKUP = "10"  # requested ship date / pick-up date
    ESTIMATED_DELIVERY = "17"


class RoutingTimeQualifier:
    """G6203 (data element 176)."""

    ESTIMATED_ARRIVAL = "E"
    EARLIEST_REQUESTED_PICKUP = "I"
    LATEST_REQUESTED_PICKUP = "K"
    SCHEDULED_PICKUP = "U"


class PackagingFormCode:
    """OID04, USI02 (data element 211)."""

    CARTON = "CTN"
    PALLET = "PLT"


# vendor_shipments.WeightUnit -> OID06 (data element 188, which has no grams: grams are
# written in kilograms).
ROUTING_WEIGHT_UNITS = {"Lb": "L", "Kg": "K", "Oz": "O", "G": "K"}
GRAMS_PER_KILOGRAM = 1000


def build_routing_request_753(request):
    """The 753 (an x12.OutgoingTransactionSet) of a vendor_shipments.RoutingRequest, checked
    as build_routing_request checks it; a Prepaid request and one of several purchase orders
    are refused (see the module's docstring)."""
    entry = build_routing_request([request])["shipments"][0]
    path = entry["vendorShipmentIdentifier"]
    if entry["shipmentFreightTerm"] != FreightTerm.COLLECT:
        _refuse(
            "a 753 asks Amazon to route a Collect (WePay) shipment: Amazon routes no "
            f"{entry['shipmentFreightTerm']} one",
            ROUTING_REQUEST_DOCUMENT,
            path,
        )
    # A Collect request has its purchase orders and its earliest pickup (the API checks it).
    orders = entry["purchaseOrders"]
    if len(orders) > 1:
        _refuse(
            "a 753 gives each purchase order its cartons and weight (OID), which a "
            "RoutingRequest has for the whole shipment only: route one purchase order per "
            "request",
            ROUTING_REQUEST_DOCUMENT,
            path,
        )
    ship_from = entry["shipFromParty"]
    address = ship_from.get("address")
    segments = [
        (
            "BGN",
            PurposeCode.ORIGINAL,
            path,
            _day(request.requested),
            _time(request.requested),
            TimeCode.GREENWICH_MEAN_TIME,
        ),
        (
            "N1",
            EntityCode.SHIP_FROM,
            address["name"] if address else "",
            IdentificationQualifier.ASSIGNED_BY_BUYER,
            ship_from["partyId"],
        ),
        *_address_segments(address),
        ("LX", "1"),
        (
            "N1",
            EntityCode.SHIP_TO,
            "",
            IdentificationQualifier.ASSIGNED_BY_BUYER,
            entry["shipToParty"]["partyId"],
        ),
        _g62(
            RoutingDateQualifier.PICKUP,
            RoutingTimeQualifier.EARLIEST_REQUESTED_PICKUP,
            request.earliest_pickup,
        ),
    ]
    if request.estimated_delivery is not None:
        segments.append(
            _g62(
                RoutingDateQualifier.ESTIMATED_DELIVERY,
                RoutingTimeQualifier.ESTIMATED_ARRIVAL,
                request.estimated_delivery,
            )
        )
    measurements = entry["shipmentMeasurements"]
    if "totalCartonCount" in measurements:
        packaging, count = PackagingFormCode.CARTON, measurements["totalCartonCount"]
    else:
        stackable = "totalPalletStackable" in measurements
        packaging = PackagingFormCode.PALLET
        count = measurements["totalPalletStackable" if stackable else "totalPalletNonStackable"]
        segments.append(("USI", str(count), packaging, YES if stackable else NO))
    weight = measurements["shipmentWeight"]
    value = Decimal(weight["value"])
    if weight["unitOfMeasure"] == "G":
        value /= GRAMS_PER_KILOGRAM
    segments.append(
        (
            "OID",
            "",
            orders[0]["purchaseOrderNumber"],
            "",
            packaging,
            str(count),
            ROUTING_WEIGHT_UNITS[weight["unitOfMeasure"]],
            decimal_text(value),
        )
    )
    return OutgoingTransactionSet(TransactionSetId.ROUTING_REQUEST, tuple(segments))


def _g62(date_qualifier, time_qualifier, moment):
    return (
        "G62",
        date_qualifier,
        _day(moment),
        time_qualifier,
        _time(moment),
        TimeCode.GREENWICH_MEAN_TIME,
    )


@dataclass(frozen=True)
class RoutingInstructions:
    """A 754: how Amazon routes a Collect shipment, what vendor_shipments.ShipmentDetail
    reads from GetShipmentDetails. Dates are naive UTC datetimes, as Odoo stores them."""

    vendor_shipment_id: str  # BGN06: the BGN02 of the 753 answered, "" when not echoed
    arn: str  # L11 AO: Amazon's reference number
    carrier_scac: str  # BLR01 (else N1 CA with N103 2), "" when not given
    carrier_name: str  # N1 CA N102, "" when not given
    pickup_window: tuple[datetime, datetime] | None  # (scheduled, scheduled) or (I, K)
    purchase_order_numbers: tuple[str, ...]  # OID02, in order
    bill_of_lading: str = ""  # L11 BM
    carrier_reference: str = ""  # L11 CN: the carrier's PRO number
    ship_to_party_id: str = ""  # N1 ST: Amazon's warehouse
    reference: str = ""  # BGN02: the 754's own reference
    issued: datetime | None = None  # BGN03 and BGN04


_ROUTING_REFERENCES = (
    ReferenceQualifier.APPOINTMENT,
    ReferenceQualifier.BILL_OF_LADING,
    ReferenceQualifier.CARRIER_REFERENCE,
)


def parse_routing_instructions_754(transaction_set):
    """A 754 (an x12.TransactionSet) as RoutingInstructions (see the module's docstring).
    Raises X12Error with the element's place."""
    reader = _SetReader(
        transaction_set, TransactionSetId.ROUTING_INSTRUCTIONS, ROUTING_INSTRUCTIONS_DOCUMENT
    )
    bgn = reader.required_segment("BGN")
    reader.choice(bgn, 1, ROUTING_PURPOSES)
    reference = reader.text(bgn, 2, required=True, label="reference")
    issued = reader.date(bgn, 3, 4, 5)
    references = {}
    for l11 in transaction_set.all("L11"):
        qualifier = l11.element(2)
        if qualifier in _ROUTING_REFERENCES:
            _one_value(reader, references, qualifier, l11, 1, label=f"L11 {qualifier}")
    arn = references.get(ReferenceQualifier.APPOINTMENT, "")
    if not arn:
        raise reader.fail(
            "no L11 AO (the ARN, Amazon's reference number)", SegmentError.MANDATORY_MISSING
        )
    carrier = next((n1 for n1 in transaction_set.all("N1") if n1.element(1) == CARRIER), None)
    found = {}
    for blr in transaction_set.all("BLR"):
        _one_value(reader, found, "SCAC", blr, 1, label="BLR01 (SCAC)")
    scac = found.get("SCAC", "")
    if not scac and carrier is not None and carrier.element(3) == IdentificationQualifier.SCAC:
        scac = carrier.element(4)
    if scac and not 2 <= len(scac) <= 4:
        segment = next(iter(transaction_set.all("BLR")), carrier)
        raise reader.fail(
            f"SCAC {scac!r} is not 2 to 4 characters",
            ElementError.TOO_SHORT if len(scac) < 2 else ElementError.TOO_LONG,
            segment,
            1 if segment.id == "BLR" else 4,
        )
    ship_to = next(
        (n1 for n1 in transaction_set.all("N1") if n1.element(1) == EntityCode.SHIP_TO), None
    )
    if ship_to is not None:
        reader.choice(ship_to, 3, PARTY_ID_QUALIFIERS)
    numbers = [oid.element(2) for oid in transaction_set.all("OID") if oid.element(2)]
    return RoutingInstructions(
        vendor_shipment_id=bgn.element(6),
        arn=arn,
        carrier_scac=scac,
        carrier_name=carrier.element(2) if carrier is not None else "",
        pickup_window=_pickup_window(reader),
        purchase_order_numbers=tuple(dict.fromkeys(numbers)),
        bill_of_lading=references.get(ReferenceQualifier.BILL_OF_LADING, ""),
        carrier_reference=references.get(ReferenceQualifier.CARRIER_REFERENCE, ""),
        ship_to_party_id=ship_to.element(4) if ship_to is not None else "",
        reference=reference,
        issued=issued,
    )


def _one_value(reader, found, key, segment, index, *, label):
    """Keeps `found[key]` the text of element `index`, refusing a second, different one."""
    value = reader.text(segment, index, required=True, label=label)
    if found.setdefault(key, value) != value:
        raise reader.fail(
            f"a second {label} other than the first: one 754 routes one shipment",
            ElementError.INVALID_CODE,
            segment,
            index,
        )


def _pickup_window(reader):
    """The pickup of the G62s: the scheduled pickup (U) as (it, it), else the earliest (I)
    and latest (K) requested pickups; None without."""
    moments = {}
    for g62 in reader.ts.all("G62"):
        qualifier = g62.element(3)
        if qualifier in (
            RoutingTimeQualifier.SCHEDULED_PICKUP,
            RoutingTimeQualifier.EARLIEST_REQUESTED_PICKUP,
            RoutingTimeQualifier.LATEST_REQUESTED_PICKUP,
        ):
            moments.setdefault(qualifier, (reader.date(g62, 2, 4, 5), g62))
    if RoutingTimeQualifier.SCHEDULED_PICKUP in moments:
        moment = moments[RoutingTimeQualifier.SCHEDULED_PICKUP][0]
        return moment, moment
    earliest = moments.get(RoutingTimeQualifier.EARLIEST_REQUESTED_PICKUP)
    latest = moments.get(RoutingTimeQualifier.LATEST_REQUESTED_PICKUP)
    if earliest is None and latest is None:
        return None
    if earliest is None or latest is None:
        raise reader.fail(
            "G62 I/K (earliest and latest pickup) come in pairs",
            SegmentError.MANDATORY_MISSING,
            (earliest or latest)[1],
        )
    if latest[0] < earliest[0]:
        raise reader.fail(
            "the latest pickup (G62 K) is before the earliest (G62 I)",
            ElementError.INVALID_DATE,
            latest[1],
            2,
        )
    return earliest[0], latest[0]
