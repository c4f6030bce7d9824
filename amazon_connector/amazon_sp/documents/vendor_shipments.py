"""Vendor Shipments API v1 (Vendor Central retail procurement): the routing requests a vendor
sends for its purchase orders (SubmitShipments), the shipment details Amazon answers them
with (GetShipmentDetails), and the shipment confirmations, Amazon's advance shipment notices
(EDI 856), sent once the goods leave (SubmitShipmentConfirmations).

The submissions answer 202 with a `transactionId` (`vendor_orders.parse_transaction_id`):
whether Amazon applied them is told later by the Vendor Transaction Status API.

Routing requests. `build_routing_request` makes the body of SubmitShipments, one Shipment of
transactionType New per `RoutingRequest`; `build_routing_cancellation` one of transactionType
Cancel per `RoutingCancellation`. Amazon (for Collect, "WePay", freight) finds the carrier and
answers, in the shipment details, with its reference number (the ARN) and the pickup. Refused,
with the vendor shipment id (and purchase order, item) as path:
- no request, the same vendor shipment id twice in a request; an empty or padded vendor
  shipment id, selling party id (the vendor code) or ship-to party id (Amazon's warehouse);
- a freight term other than Collect or Prepaid (the model: "Required"), a ship mode other
  than TruckLoad, LessThanTruckLoad or SmallParcel;
- the shipment measurements, which the model calls "a mandatory detail" (they decide the
  cost and the truck): neither a carton count nor a pallet count, both (the model: "Provide
  the cartonCount only for non-palletized shipments"), a count below 1, no gross weight;
  pallets are counted as non-stackable unless `pallets_stackable`;
- a Collect request without its earliest pickup or without purchase orders (the model: both
  are "mandatory" for transportation by Amazon), a purchase order without items, the same
  purchase order twice in a shipment, the same item sequence number twice in a purchase
  order, an item whose own purchase order number is another one;
- the items' rules of the shipment confirmations below.

Shipment details. `parse_shipment_details` reads a GetShipmentDetails answer (the response
or its payload) as `ShipmentDetail`s; `shipment_details_next_token` its next page. Where the
model keeps what the vendor waits for:
- the ARN is the Shipment's `buyerReferenceNumber` ("" until Amazon assigned one);
- the carrier is `transportationDetails.carrierDetails`: `name`, `code` (the SCAC) and
  `shipmentReferenceNumber` (the carrier's PRO number); the bill of lading is
  `transportationDetails.billOfLadingNumber`;
- the pickup is `collectFreightPickupDetails`: `requestedPickUp` (what the vendor asked),
  `scheduledPickUp` (what Amazon scheduled) and `carrierAssignmentDate`. The model gives the
  scheduled pickup as one instant, so `pickup_window` is (scheduled, scheduled), None until
  Amazon scheduled it;
- the status is `currentShipmentStatus` at `currentshipmentStatusDate` (lower-case s, as the
  model spells it), else the latest of `shipmentStatusDetails`.
Amazon's own answers lack transactionType and transactionDate, which its Shipment schema
requires: they are not required here. A vendorShipmentIdentifier is; a status, freight term
or ship mode outside the model's values is refused (a new value means the caller must be
reviewed); codes (the SCAC of Amazon's examples is "string" and "1-1231") are kept as given.
An answer that holds only `errors` is refused with them.

Shipment confirmations. `build_shipment_confirmations` makes the body of
SubmitShipmentConfirmations, one ShipmentConfirmation per `ShipmentConfirmationRequest`, and
refuses, with the shipment id (and item, carton or pallet) as path:
- no confirmation, the same shipment id twice in a request; an empty or padded shipment id,
  selling party id or ship-to party id; a ship-from party without party id, an address
  without name, street or ISO 3166-1 alpha-2 country, a tax registration without number or
  of a type other than VAT or GST;
- a confirmation type other than Original or Replace, a shipment type other than the ship
  modes, a structure other than the model's seven, a transportation mode other than Road,
  Air or Ocean;
- a shipped date after the confirmation date (the model: "Shipped date ... should not be in
  the future"); dates that are not datetimes;
- no item; an item without sequence number, with neither ASIN nor vendor product id, the
  same sequence number twice; an item without its purchase order number, or one that is
  not 8 letters or digits ("Formatting Notes: 8-character alpha-numeric code"): Amazon
  matches shipped items to purchase orders, and cartons and pallets do not carry them here;
- a quantity below 1 ("quantity < 1"), a unit other than Cases or Eaches, Cases without unit
  size (a carton's or pallet's quantity in Cases takes the item's case size when the item
  ships in Cases), a unit size below 1, a unit size other than 1 on Eaches (the model: "The
  case size, in the event that we ordered using cases. Otherwise, 1");
- a carton or pallet item whose `itemReference` is not the sequence number of a shipped item;
  cartons, or pallets, holding more units (eaches) of an item than the shipment ships (fewer
  is allowed: not every unit needs a container);
- a carton without items or sequence number, the same carton sequence number twice; a
  pallet without SSCC (palletIdentifiers are required) or with neither items nor cartons;
  a pallet carton reference that is not a carton of the shipment, a carton on two pallets,
  a carton count that is not the number of cartons referenced;
- an SSCC that is not 18 digits with its GS1 check digit (the model: an "18-digit Serial
  Shipment Container Code"), the same SSCC twice among cartons and pallets;
- cartons of a SmallParcel shipment without tracking number (the model: "required to be
  provided for every carton in the small parcel shipments"), a SmallParcel shipment without
  cartons (its parcels: nothing else carries their tracking numbers);
- a structure whose hierarchy (the model's table) has pallets without pallets, or a pallet
  in one that has none (LooseAssortmentCase, LooseStandardCase, MasterCase); likewise for
  cartons (none in PalletOfItems and MasterPallet); in PalletizedAssortmentCase and
  PalletizedStandardCase, a pallet of a single item without its carton count (the model:
  "mandatory for single item pallet");
- a Collect shipment (`freight_term`, optional: "" is not checked) without ARN (the model:
  "mandatory for Collect/WePay shipments");
- shipped from the US, Canada or Mexico (the ship-from address's country) without the
  carrier's SCAC or its shipment reference (PRO) number (the model: "mandatory for US, CA,
  MX shipment confirmations"); a SCAC that is not 2 to 4 letters;
- a TruckLoad or LessThanTruckLoad shipment without bill of lading number (the model:
  "mandatory ... for FTL and LTL shipments"); a bill of lading of a single character or that
  is a date or a time ("cannot be a date/time or single character");
- weights and dimensions not above zero, units other than the model's (G, Kg, Oz, Lb; In,
  Ft, Meter, Yard), tiers and blocks below 1.
The shipment measurements are computed from the containers: the palletCount when there are
pallets, else the cartonCount (the model: one or the other), and the gross weight when given.

Written like the other vendor documents (with `vendor_common`'s writers): dates ISO 8601 in
UTC with a Z, to the second (naive datetimes are UTC); amounts, weights and dimensions as the
model's Decimal strings (Decimal, int or str accepted, floats refused); text as given, without
surrounding blanks (addresses are stripped). `Party` is `vendor_orders.Party`, its `Address`
`orders.Address` (the company is the address name when the name is empty).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from .common import AmazonDocumentError, as_utc, expect_object, read_choice, read_list, read_text
from .vendor_common import (
    Party,
    QuantityUnit,
    case_size,
    decimal_text,
    format_date,
    quantity_eaches,
    read_amount,
    read_timestamp,
    values_of,
    write_choice,
    write_entries,
    write_party,
    write_product_ids,
    write_purchase_order_number,
    write_quantity,
    write_text,
    write_whole,
)
from .vendor_transactions import refuse_error_response

ROUTING_DOCUMENT = "vendor routing request"
CANCELLATION_DOCUMENT = "vendor routing cancellation"
DETAILS_DOCUMENT = "vendor shipment details"
CONFIRMATION_DOCUMENT = "vendor shipment confirmation"

NEW = "New"
CANCEL = "Cancel"
SSCC_TYPE = "SSCC"
# carrierScac and carrierShipmentReferenceNumber: "mandatory for US, CA, MX".
CARRIER_DETAILS_COUNTRIES = frozenset({"US", "CA", "MX"})
_SSCC = re.compile(r"^\d{18}$")
# "The Standard Carrier Alpha Code (SCAC) is a unique two to four letter code".
_SCAC = re.compile(r"^[A-Za-z]{2,4}$")
# A bill of lading "cannot be a date/time": 2026-03-02, 02/03/2026, 2.3.26 (with or without a
# time), or a time alone.
_DATE_OR_TIME = re.compile(
    r"^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?|\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)$"
)


class FreightTerm:
    """shipmentFreightTerm: who pays the carrier."""

    COLLECT = "Collect"  # "WePay": Amazon's carrier picks the goods up at the vendor's
    PREPAID = "Prepaid"  # "TheyPay": the vendor ships to Amazon's warehouse


class ShipMode:
    """shipMode of a routing request, shipmentType of a confirmation."""

    TRUCK_LOAD = "TruckLoad"
    LESS_THAN_TRUCK_LOAD = "LessThanTruckLoad"
    SMALL_PARCEL = "SmallParcel"


class ShipmentStatus:
    """currentShipmentStatus of a shipment Amazon reports."""

    CREATED = "Created"
    TRANSPORTATION_REQUESTED = "TransportationRequested"
    CARRIER_ASSIGNED = "CarrierAssigned"
    SHIPPED = "Shipped"


class ShipmentStructure:
    """shipmentStructure: how the shipment nests its pallets, cartons, orders and items."""

    PALLETIZED_ASSORTMENT_CASE = "PalletizedAssortmentCase"  # Pallet -> Carton -> Item
    LOOSE_ASSORTMENT_CASE = "LooseAssortmentCase"  # Carton -> Item
    PALLET_OF_ITEMS = "PalletOfItems"  # Pallet -> Item
    PALLETIZED_STANDARD_CASE = "PalletizedStandardCase"  # Pallet -> Item -> Carton
    LOOSE_STANDARD_CASE = "LooseStandardCase"  # Item -> Carton
    MASTER_PALLET = "MasterPallet"  # Pallet -> Order -> Item
    MASTER_CASE = "MasterCase"  # Carton -> Order -> Item


class WeightUnit:
    """Weight.unitOfMeasure."""

    GRAMS = "G"
    KILOGRAMS = "Kg"
    OUNCES = "Oz"
    POUNDS = "Lb"


class DimensionUnit:
    """Dimensions.unitOfMeasure."""

    INCHES = "In"
    FEET = "Ft"
    METERS = "Meter"
    YARDS = "Yard"


class ConfirmationType:
    """shipmentConfirmationType: a first confirmation, or one replacing it (same shipment id
    and selling party)."""

    ORIGINAL = "Original"
    REPLACE = "Replace"


class TransportationMode:
    """transportationDetails.transportationMode of a confirmation."""

    ROAD = "Road"
    AIR = "Air"
    OCEAN = "Ocean"


FREIGHT_TERMS = values_of(FreightTerm)
SHIP_MODES = values_of(ShipMode)
SHIPMENT_STATUSES = values_of(ShipmentStatus)
SHIPMENT_STRUCTURES = values_of(ShipmentStructure)
WEIGHT_UNITS = values_of(WeightUnit)
DIMENSION_UNITS = values_of(DimensionUnit)
CONFIRMATION_TYPES = values_of(ConfirmationType)
TRANSPORTATION_MODES = values_of(TransportationMode)
# The structures whose hierarchy has pallets, and those that have cartons.
PALLETIZED_STRUCTURES = frozenset(
    {
        ShipmentStructure.PALLETIZED_ASSORTMENT_CASE,
        ShipmentStructure.PALLET_OF_ITEMS,
        ShipmentStructure.PALLETIZED_STANDARD_CASE,
        ShipmentStructure.MASTER_PALLET,
    }
)
CARTON_STRUCTURES = frozenset(
    {
        ShipmentStructure.PALLETIZED_ASSORTMENT_CASE,
        ShipmentStructure.LOOSE_ASSORTMENT_CASE,
        ShipmentStructure.PALLETIZED_STANDARD_CASE,
        ShipmentStructure.LOOSE_STANDARD_CASE,
        ShipmentStructure.MASTER_CASE,
    }
)


# Values


@dataclass(frozen=True)
class Weight:
    value: Decimal
    unit: str  # WeightUnit


@dataclass(frozen=True)
class Dimensions:
    length: Decimal
    width: Decimal
    height: Decimal
    unit: str  # DimensionUnit


@dataclass(frozen=True)
class ShippedItem:
    """One item of a shipment: `quantity` in `unit_of_measure` (Cases of `unit_size` units,
    or Eaches). `sequence` is the item's itemSequenceNumber in the shipment ("001"), what
    cartons and pallets refer to."""

    sequence: str
    asin: str
    vendor_product_id: str
    quantity: int
    unit_of_measure: str = QuantityUnit.EACHES
    unit_size: int | None = None
    purchase_order_number: str = ""


@dataclass(frozen=True)
class ContainerContent:
    """What a carton or pallet holds of a shipped item (its ContainerItem); `item_sequence`
    is the item's sequence number (`itemReference`). A quantity in Cases without unit size
    takes the item's case size when the item ships in Cases."""

    item_sequence: str
    quantity: int
    unit_of_measure: str = QuantityUnit.EACHES
    unit_size: int | None = None


@dataclass(frozen=True)
class Carton:
    """A carton (package) of a shipment: `sequence` is its cartonSequenceNumber ("001"),
    what pallets refer to; `sscc` its SSCC label (cartonIdentifiers), "" without one."""

    sequence: str
    items: tuple[ContainerContent, ...]
    sscc: str = ""
    weight: Weight | None = None
    dimensions: Dimensions | None = None
    tracking_number: str = ""  # required for every carton of a SmallParcel shipment


@dataclass(frozen=True)
class Pallet:
    """A pallet (tare) of a shipment, identified by its SSCC. `cartons` are the sequence
    numbers of the cartons on it (cartonReferenceNumbers); `carton_count` their number,
    which the model requires for a pallet of a single item."""

    sscc: str
    items: tuple[ContainerContent, ...] = ()
    carton_count: int | None = None
    weight: Weight | None = None
    dimensions: Dimensions | None = None
    cartons: tuple[str, ...] = ()
    tier: int | None = None  # layers on the pallet
    block: int | None = None  # cartons per layer


# Routing requests


@dataclass(frozen=True)
class RoutedPurchaseOrder:
    """A purchase order of a routing request, with the items to move."""

    number: str
    items: tuple[ShippedItem, ...]


@dataclass(frozen=True)
class RoutingRequest:
    """A request for transportation (SubmitShipments, transactionType New). For Collect
    freight, Amazon answers with its carrier, the ARN and the pickup (GetShipmentDetails)."""

    vendor_shipment_id: str  # unique, not used over the last 365 days
    selling_party_id: str
    ship_from: Party
    ship_to_party_id: str
    freight_term: str  # FreightTerm
    requested: datetime  # transactionDate
    purchase_orders: tuple[RoutedPurchaseOrder, ...]
    ship_mode: str = ShipMode.SMALL_PARCEL
    carton_count: int | None = None  # non-palletized shipments
    pallet_count: int | None = None  # palletized shipments
    gross_weight: Weight | None = None
    earliest_pickup: datetime | None = None  # requestedPickUp, required for Collect
    estimated_delivery: datetime | None = None
    pallets_stackable: bool = False  # pallet_count is totalPalletStackable, else NonStackable


@dataclass(frozen=True)
class RoutingCancellation:
    """The cancellation of a routing request (SubmitShipments, transactionType Cancel)."""

    vendor_shipment_id: str
    selling_party_id: str
    ship_from: Party
    ship_to_party_id: str
    freight_term: str
    cancelled: datetime  # transactionDate
    arn: str = ""  # buyerReferenceNumber, when Amazon gave one


def build_routing_request(requests):
    """The JSON body (a dict) of SubmitShipments: {"shipments": [...]}, one Shipment of
    transactionType New per RoutingRequest. Raises AmazonDocumentError for what Amazon would
    refuse (see the module's docstring)."""
    return _shipments(requests, _routing_shipment, ROUTING_DOCUMENT, "routing request")


def build_routing_cancellation(cancellations):
    """The JSON body (a dict) of SubmitShipments cancelling routing requests: one Shipment of
    transactionType Cancel per RoutingCancellation."""
    return _shipments(cancellations, _cancellation, CANCELLATION_DOCUMENT, "cancellation")


def _shipments(requests, build, document, label):
    built = write_entries(
        requests,
        build,
        "vendorShipmentIdentifier",
        document=document,
        nothing=f"no {label} to send",
        twice="the vendor shipment id is used twice in the request",
    )
    return {"shipments": built}


def _shipment_header(request, transaction_type, date, document):
    """What a Shipment of a routing request or of its cancellation starts with."""
    shipment_id = write_text(request.vendor_shipment_id, "vendor shipment id", document=document)
    path = shipment_id
    return {
        "vendorShipmentIdentifier": shipment_id,
        "transactionType": transaction_type,
        "transactionDate": format_date(date, "transaction date", document=document, path=path),
        "shipmentFreightTerm": write_choice(
            request.freight_term, FREIGHT_TERMS, "freight term", document=document, path=path
        ),
        "sellingParty": {
            "partyId": write_text(
                request.selling_party_id, "selling party id", document=document, path=path
            )
        },
        "shipFromParty": write_party(
            request.ship_from, "ship-from party", document=document, path=path
        ),
        "shipToParty": {
            "partyId": write_text(
                request.ship_to_party_id, "ship-to party id", document=document, path=path
            )
        },
    }


def _routing_shipment(request):
    document = ROUTING_DOCUMENT
    entry = _shipment_header(request, NEW, request.requested, document)
    path = entry["vendorShipmentIdentifier"]
    collect = entry["shipmentFreightTerm"] == FreightTerm.COLLECT
    entry["shipmentMeasurements"] = _routing_measurements(request, path)
    if request.earliest_pickup is not None:
        entry["collectFreightPickupDetails"] = {
            "requestedPickUp": format_date(
                request.earliest_pickup, "earliest pickup", document=document, path=path
            )
        }
    elif collect:
        raise AmazonDocumentError(
            "a Collect routing request needs the earliest pickup (requestedPickUp)",
            document=document,
            path=path,
        )
    orders = tuple(request.purchase_orders or ())
    if orders:
        entry["purchaseOrders"] = _routed_orders(orders, path)
    elif collect:
        raise AmazonDocumentError(
            "a Collect routing request needs its purchase orders and their items",
            document=document,
            path=path,
        )
    transportation = {
        "shipMode": write_choice(
            request.ship_mode, SHIP_MODES, "ship mode", document=document, path=path
        )
    }
    if request.estimated_delivery is not None:
        transportation["estimatedDeliveryDate"] = format_date(
            request.estimated_delivery, "estimated delivery", document=document, path=path
        )
    entry["transportationDetails"] = transportation
    return entry


def _routing_measurements(request, path):
    document = ROUTING_DOCUMENT
    cartons, pallets = request.carton_count, request.pallet_count
    if cartons is None and pallets is None:
        raise AmazonDocumentError(
            "a routing request needs the carton count or the pallet count (Amazon plans the "
            "transport with them)",
            document=document,
            path=path,
        )
    if cartons is not None and pallets is not None:
        raise AmazonDocumentError(
            "a carton count and a pallet count: Amazon takes the carton count only for "
            "non-palletized shipments",
            document=document,
            path=path,
        )
    if request.gross_weight is None:
        raise AmazonDocumentError(
            "a routing request needs the gross weight of the shipment",
            document=document,
            path=path,
        )
    measurements = {"shipmentWeight": _weight(request.gross_weight, "gross weight", document, path)}
    if cartons is not None:
        measurements["totalCartonCount"] = write_whole(
            cartons, "carton count", document=document, path=path
        )
    else:
        key = "totalPalletStackable" if request.pallets_stackable else "totalPalletNonStackable"
        measurements[key] = write_whole(pallets, "pallet count", document=document, path=path)
    return measurements


def _routed_orders(orders, path):
    document = ROUTING_DOCUMENT
    built, numbers = [], set()
    for order in orders:
        number = write_purchase_order_number(order.number, document=document, path=path)
        if number in numbers:
            raise AmazonDocumentError(
                f"purchase order {number} is routed twice", document=document, path=path
            )
        numbers.add(number)
        where = f"{path}/{number}"
        items = tuple(order.items or ())
        if not items:
            raise AmazonDocumentError(
                "a purchase order without items", document=document, path=where
            )
        entries, sequences = [], set()
        for item in items:
            if item.purchase_order_number not in ("", number):
                raise AmazonDocumentError(
                    f"item of purchase order {item.purchase_order_number!r} routed with {number}",
                    document=document,
                    path=where,
                )
            entry = _item(item, "buyerProductIdentifier", document, where)
            if entry["itemSequenceNumber"] in sequences:
                raise AmazonDocumentError(
                    f"item sequence number {entry['itemSequenceNumber']!r} is used twice",
                    document=document,
                    path=where,
                )
            sequences.add(entry["itemSequenceNumber"])
            entries.append(entry)
        built.append({"purchaseOrderNumber": number, "items": entries})
    return built


def _cancellation(cancellation):
    entry = _shipment_header(cancellation, CANCEL, cancellation.cancelled, CANCELLATION_DOCUMENT)
    arn = write_text(
        cancellation.arn,
        "ARN",
        document=CANCELLATION_DOCUMENT,
        path=entry["vendorShipmentIdentifier"],
        required=False,
    )
    if arn:
        entry["buyerReferenceNumber"] = arn
    return entry


# Shipment details


@dataclass(frozen=True)
class ShipmentDetail:
    """A shipment as GetShipmentDetails reports it: Amazon's reference number (`arn`, its
    buyerReferenceNumber, "" until assigned), the carrier it assigned and the pickup it
    scheduled. Dates are naive UTC datetimes, as Odoo stores them."""

    vendor_shipment_id: str
    arn: str
    status: str  # ShipmentStatus, "" when not given
    status_date: datetime | None
    carrier_name: str
    carrier_scac: str  # carrierDetails.code, as given
    carrier_reference: str  # carrierDetails.shipmentReferenceNumber (PRO number)
    bill_of_lading: str
    pickup_window: tuple[datetime, datetime] | None  # (scheduledPickUp, scheduledPickUp)
    freight_term: str  # FreightTerm, "" when not given
    raw: dict = field(repr=False, compare=False)
    requested_pickup: datetime | None = None
    scheduled_pickup: datetime | None = None
    carrier_assigned: datetime | None = None  # carrierAssignmentDate
    ship_mode: str = ""
    shipped: datetime | None = None
    estimated_delivery: datetime | None = None
    purchase_order_numbers: tuple[str, ...] = ()

    @property
    def is_routed(self):
        """Amazon assigned its reference number or a carrier."""
        return bool(self.arn or self.carrier_scac or self.carrier_name)


def parse_shipment_details(payload):
    """A GetShipmentDetails answer, the whole response or its `payload` (ShipmentDetails),
    as a tuple of ShipmentDetail, () without shipments (an empty payload included). Raises
    AmazonDocumentError, with the path of the faulty part, for what is malformed."""
    details, path = _details(payload)
    shipments = read_list(details, "shipments", path, document=DETAILS_DOCUMENT)
    return tuple(
        _shipment_detail(shipment, f"{path}.shipments[{index}]")
        for index, shipment in enumerate(shipments)
    )


def shipment_details_next_token(payload):
    """The nextToken of a GetShipmentDetails answer (response or payload), None on the last
    page."""
    details, path = _details(payload)
    pagination = details.get("pagination")
    if pagination is None:
        return None
    pagination = _object(pagination, f"{path}.pagination")
    return _read_text(pagination, "nextToken", f"{path}.pagination") or None


def _details(payload):
    if not isinstance(payload, dict):
        raise AmazonDocumentError("expected an object", document=DETAILS_DOCUMENT)
    if payload.get("payload") is not None:
        return _object(payload["payload"], "payload"), "payload"
    if payload.get("errors") and "shipments" not in payload:
        refuse_error_response(payload, DETAILS_DOCUMENT)
    # An empty payload ({}: no shipment matched the filters) is a page without shipments.
    return payload, "payload"


def _shipment_detail(shipment, path):
    shipment = _object(shipment, path)
    shipment_id = _read_text(shipment, "vendorShipmentIdentifier", path, required=True)
    path = f"{path} (shipment {shipment_id})"
    status, status_date = _status(shipment, path)
    transportation = _read_object(shipment, "transportationDetails", path)
    where = f"{path}.transportationDetails"
    carrier = _read_object(transportation, "carrierDetails", where)
    pickup = _read_object(shipment, "collectFreightPickupDetails", path)
    pickup_path = f"{path}.collectFreightPickupDetails"
    scheduled = _read_date(pickup, "scheduledPickUp", pickup_path)
    return ShipmentDetail(
        vendor_shipment_id=shipment_id,
        arn=_read_text(shipment, "buyerReferenceNumber", path),
        status=status,
        status_date=status_date,
        carrier_name=_read_text(carrier, "name", f"{where}.carrierDetails"),
        carrier_scac=_read_text(carrier, "code", f"{where}.carrierDetails"),
        carrier_reference=_read_text(carrier, "shipmentReferenceNumber", f"{where}.carrierDetails"),
        bill_of_lading=_read_text(transportation, "billOfLadingNumber", where),
        pickup_window=None if scheduled is None else (scheduled, scheduled),
        freight_term=_read_choice(shipment, "shipmentFreightTerm", FREIGHT_TERMS, path),
        raw=shipment,
        requested_pickup=_read_date(pickup, "requestedPickUp", pickup_path),
        scheduled_pickup=scheduled,
        carrier_assigned=_read_date(pickup, "carrierAssignmentDate", pickup_path),
        ship_mode=_read_choice(transportation, "shipMode", SHIP_MODES, where),
        shipped=_read_date(transportation, "shippedDate", where),
        estimated_delivery=_read_date(transportation, "estimatedDeliveryDate", where),
        purchase_order_numbers=_purchase_order_numbers(shipment, path),
    )


def _status(shipment, path):
    """(status, date): the current status, else the latest of the status details."""
    status = _read_choice(shipment, "currentShipmentStatus", SHIPMENT_STATUSES, path)
    date = _read_date(shipment, "currentshipmentStatusDate", path)
    entries = [
        (
            _read_date(entry, "shipmentStatusDate", where),
            _read_choice(entry, "shipmentStatus", SHIPMENT_STATUSES, where),
        )
        for where, entry in _read_objects(shipment, "shipmentStatusDetails", path)
    ]
    if status:
        return status, date
    dated = [entry for entry in entries if entry[0] is not None and entry[1]]
    if not dated:
        return "", date
    latest_date, latest = max(dated)
    return latest, latest_date


def _purchase_order_numbers(shipment, path):
    numbers = (
        _read_text(order, "purchaseOrderNumber", where)
        for where, order in _read_objects(shipment, "purchaseOrders", path)
    )
    return tuple(number for number in numbers if number)


# Shipment confirmations


@dataclass(frozen=True)
class ShipmentConfirmationRequest:
    """The confirmation (advance shipment notice) of one shipment: what it ships, in which
    cartons and on which pallets, carried by whom."""

    shipment_id: str  # shipmentIdentifier: unique, not used over the last 365 days
    selling_party_id: str
    ship_from: Party
    ship_to_party_id: str
    confirmed: datetime  # shipmentConfirmationDate
    shipped: datetime  # shippedDate: the departure, not in the future
    items: tuple[ShippedItem, ...]
    cartons: tuple[Carton, ...] = ()
    pallets: tuple[Pallet, ...] = ()
    confirmation_type: str = ConfirmationType.ORIGINAL
    shipment_type: str = ShipMode.SMALL_PARCEL
    structure: str | None = None  # ShipmentStructure
    arn: str = ""  # amazonReferenceNumber: required for Collect shipments
    estimated_delivery: datetime | None = None
    carrier_scac: str = ""
    carrier_reference: str = ""  # carrierShipmentReferenceNumber (PRO number)
    bill_of_lading: str = ""
    transportation_mode: str = TransportationMode.ROAD
    gross_weight: Weight | None = None
    freight_term: str = ""  # FreightTerm: Collect requires the ARN; "" is not checked


def build_shipment_confirmations(requests):
    """The JSON body (a dict) of SubmitShipmentConfirmations: {"shipmentConfirmations":
    [...]}, one ShipmentConfirmation per ShipmentConfirmationRequest. Raises
    AmazonDocumentError for what Amazon would refuse (see the module's docstring)."""
    built = write_entries(
        requests,
        _confirmation,
        "shipmentIdentifier",
        document=CONFIRMATION_DOCUMENT,
        nothing="no shipment confirmation to send",
        twice="the shipment id is used twice in the request",
    )
    return {"shipmentConfirmations": built}


def _confirmation(request):
    document = CONFIRMATION_DOCUMENT
    shipment_id = write_text(request.shipment_id, "shipment id", document=document)
    path = shipment_id
    entry = {
        "shipmentIdentifier": shipment_id,
        "shipmentConfirmationType": write_choice(
            request.confirmation_type,
            CONFIRMATION_TYPES,
            "confirmation type",
            document=document,
            path=path,
        ),
        "shipmentType": write_choice(
            request.shipment_type, SHIP_MODES, "shipment type", document=document, path=path
        ),
    }
    if request.structure is not None:
        entry["shipmentStructure"] = write_choice(
            request.structure, SHIPMENT_STRUCTURES, "structure", document=document, path=path
        )
    entry.update(_confirmation_dates(request, path))
    entry["sellingParty"] = {
        "partyId": write_text(
            request.selling_party_id, "selling party id", document=document, path=path
        )
    }
    entry["shipFromParty"] = write_party(
        request.ship_from, "ship-from party", document=document, path=path
    )
    entry["shipToParty"] = {
        "partyId": write_text(
            request.ship_to_party_id, "ship-to party id", document=document, path=path
        )
    }
    entry.update(_references(request, entry["shipmentType"], path))
    items, shipped = _shipped_items(request.items, path)
    containers = _Containers(request, entry.get("shipmentStructure"), shipped, path)
    measurements = containers.measurements()
    if request.gross_weight is not None:
        measurements["grossShipmentWeight"] = _weight(
            request.gross_weight, "gross weight", document, path
        )
    if measurements:
        entry["shipmentMeasurements"] = measurements
    entry["shippedItems"] = items
    if containers.cartons:
        entry["cartons"] = containers.cartons
    if containers.pallets:
        entry["pallets"] = containers.pallets
    return entry


def _confirmation_dates(request, path):
    document = CONFIRMATION_DOCUMENT
    dates = {
        "shipmentConfirmationDate": format_date(
            request.confirmed, "confirmation date", document=document, path=path
        ),
        "shippedDate": format_date(request.shipped, "shipped date", document=document, path=path),
    }
    if as_utc(request.shipped) > as_utc(request.confirmed):
        raise AmazonDocumentError(
            f"shipped {dates['shippedDate']}, after the confirmation "
            f"({dates['shipmentConfirmationDate']}): the shipped date cannot be in the future",
            document=document,
            path=path,
        )
    if request.estimated_delivery is not None:
        dates["estimatedDeliveryDate"] = format_date(
            request.estimated_delivery, "estimated delivery", document=document, path=path
        )
    return dates


def _references(request, shipment_type, path):
    """amazonReferenceNumber and transportationDetails: the ARN, carrier and bill of lading
    the shipment needs."""
    document = CONFIRMATION_DOCUMENT
    found = {}
    arn = write_text(request.arn, "ARN", document=document, path=path, required=False)
    freight = request.freight_term
    if freight:
        write_choice(freight, FREIGHT_TERMS, "freight term", document=document, path=path)
    if arn:
        found["amazonReferenceNumber"] = arn
    elif freight == FreightTerm.COLLECT:
        raise AmazonDocumentError(
            "a Collect shipment needs Amazon's reference number (ARN) of its routing request",
            document=document,
            path=path,
        )
    transportation = {
        "transportationMode": write_choice(
            request.transportation_mode,
            TRANSPORTATION_MODES,
            "transportation mode",
            document=document,
            path=path,
        )
    }
    scac = write_text(
        request.carrier_scac, "carrier SCAC", document=document, path=path, required=False
    )
    if scac and not _SCAC.match(scac):
        raise AmazonDocumentError(
            f"carrier SCAC {scac!r} is not a code of 2 to 4 letters", document=document, path=path
        )
    reference = write_text(
        request.carrier_reference, "carrier reference", document=document, path=path, required=False
    )
    address = request.ship_from.address if isinstance(request.ship_from, Party) else None
    country = address.country_code.strip().upper() if address and address.country_code else ""
    if country in CARRIER_DETAILS_COUNTRIES and not (scac and reference):
        missing = "SCAC" if not scac else "shipment reference (PRO) number"
        raise AmazonDocumentError(
            f"a shipment from {country} needs the carrier's {missing}",
            document=document,
            path=path,
        )
    if scac:
        transportation["carrierScac"] = scac.upper()
    if reference:
        transportation["carrierShipmentReferenceNumber"] = reference
    bill = _bill_of_lading(request.bill_of_lading, shipment_type, path)
    if bill:
        transportation["billOfLadingNumber"] = bill
    found["transportationDetails"] = transportation
    return found


def _bill_of_lading(value, shipment_type, path):
    document = CONFIRMATION_DOCUMENT
    bill = write_text(value, "bill of lading", document=document, path=path, required=False)
    if not bill:
        if shipment_type in (ShipMode.TRUCK_LOAD, ShipMode.LESS_THAN_TRUCK_LOAD):
            raise AmazonDocumentError(
                f"a {shipment_type} shipment needs its bill of lading number",
                document=document,
                path=path,
            )
        return ""
    if len(bill) < 2 or _DATE_OR_TIME.match(bill):
        raise AmazonDocumentError(
            f"bill of lading {bill!r} cannot be a single character or a date/time",
            document=document,
            path=path,
        )
    return bill


def _shipped_items(items, path):
    """(the shippedItems, {sequence: shipped ItemQuantity})."""
    document = CONFIRMATION_DOCUMENT
    items = tuple(items or ())
    if not items:
        raise AmazonDocumentError(
            "a shipment confirmation without items", document=document, path=path
        )
    built, shipped = [], {}
    for item in items:
        entry = _item(item, "amazonProductIdentifier", document, path)
        sequence = entry["itemSequenceNumber"]
        where = f"{path}/{sequence}"
        if sequence in shipped:
            raise AmazonDocumentError(
                f"item sequence number {sequence!r} is used twice", document=document, path=path
            )
        number = item.purchase_order_number
        if number in (None, ""):
            raise AmazonDocumentError(
                "an item without its purchase order number: Amazon matches shipped items to "
                "purchase orders",
                document=document,
                path=where,
            )
        entry["itemDetails"] = {
            "purchaseOrderNumber": write_purchase_order_number(
                number, document=document, path=where
            )
        }
        shipped[sequence] = entry["shippedQuantity"]
        built.append(entry)
    return built, shipped


def _item(item, asin_key, document, path):
    """An Item (confirmations) or PurchaseOrderItems (routing) without itemDetails: the
    sequence number, product identifiers and shippedQuantity."""
    if not isinstance(item, ShippedItem):
        raise AmazonDocumentError(
            f"expected a ShippedItem, not {type(item).__name__}", document=document, path=path
        )
    sequence = write_text(item.sequence, "item sequence number", document=document, path=path)
    path = f"{path}/{sequence}"
    entry = {"itemSequenceNumber": sequence}
    entry.update(
        write_product_ids(
            item.asin, item.vendor_product_id, document=document, path=path, asin_key=asin_key
        )
    )
    entry["shippedQuantity"] = write_quantity(
        item.quantity, item.unit_of_measure, item.unit_size, document=document, path=path
    )
    return entry


class _Containers:
    """The cartons and pallets of a confirmation, checked against the shipped items and the
    shipment's structure."""

    def __init__(self, request, structure, shipped, path):
        self.document = CONFIRMATION_DOCUMENT
        self.structure = structure
        self.shipped = shipped
        self.path = path
        self.ssccs = set()
        small_parcel = request.shipment_type == ShipMode.SMALL_PARCEL
        raw_cartons = tuple(request.cartons or ())
        raw_pallets = tuple(request.pallets or ())
        self._check_structure(raw_cartons, raw_pallets, small_parcel)
        self.cartons = self._cartons(raw_cartons, small_parcel)
        self.pallets = self._pallets(raw_pallets)

    def measurements(self):
        """The counts of shipmentMeasurements: pallets for a palletized shipment, else
        cartons."""
        if self.pallets:
            return {"palletCount": len(self.pallets)}
        if self.cartons:
            return {"cartonCount": len(self.cartons)}
        return {}

    def _refuse(self, message, path=None):
        raise AmazonDocumentError(message, document=self.document, path=path or self.path)

    def _check_structure(self, cartons, pallets, small_parcel):
        if small_parcel and not cartons:
            self._refuse(
                "a SmallParcel shipment needs its cartons (parcels), each with its tracking number"
            )
        structure = self.structure
        if structure is None:
            return
        if structure in PALLETIZED_STRUCTURES and not pallets:
            self._refuse(f"a {structure} shipment without pallets")
        if structure not in PALLETIZED_STRUCTURES and pallets:
            self._refuse(f"pallets in a {structure} shipment, which has none")
        if structure in CARTON_STRUCTURES and not cartons:
            self._refuse(f"a {structure} shipment without cartons")
        if structure not in CARTON_STRUCTURES and cartons:
            self._refuse(f"cartons in a {structure} shipment, which has none")

    def _sscc(self, value, label, path, *, required):
        if value in (None, ""):
            if required:
                self._refuse(f"a {label} without SSCC", path)
            return ""
        sscc = check_sscc(value, label, document=self.document, path=path)
        if sscc in self.ssccs:
            self._refuse(f"SSCC {sscc} is used twice")
        self.ssccs.add(sscc)
        return sscc

    def _contents(self, contents, path):
        """(ContainerItems, {sequence: eaches}) of a carton's or pallet's items."""
        built, eaches = [], defaultdict(int)
        for index, content in enumerate(contents):
            where = f"{path} items[{index}]"
            if not isinstance(content, ContainerContent):
                self._refuse(f"expected a ContainerContent, not {type(content).__name__}", where)
            sequence = write_text(
                content.item_sequence, "item reference", document=self.document, path=where
            )
            item = self.shipped.get(sequence)
            if item is None:
                self._refuse(
                    f"item reference {sequence!r} is not the sequence number of a shipped item",
                    where,
                )
            unit_size = case_size(
                content.unit_size,
                content.unit_of_measure,
                item["unitOfMeasure"],
                item.get("unitSize"),
            )
            quantity = write_quantity(
                content.quantity,
                content.unit_of_measure,
                unit_size,
                document=self.document,
                path=where,
            )
            built.append({"itemReference": sequence, "shippedQuantity": quantity})
            eaches[sequence] += quantity_eaches(quantity)
        return built, eaches

    def _check_totals(self, packed, label):
        for sequence, units in packed.items():
            shipped = quantity_eaches(self.shipped[sequence])
            if units > shipped:
                self._refuse(
                    f"the {label} hold {units} units of item {sequence}, the shipment ships "
                    f"{shipped}"
                )

    def _cartons(self, cartons, small_parcel):
        built, sequences, packed = [], set(), defaultdict(int)
        for index, carton in enumerate(cartons):
            if not isinstance(carton, Carton):
                self._refuse(f"expected a Carton, not {type(carton).__name__}")
            sequence = write_text(
                carton.sequence,
                "carton sequence number",
                document=self.document,
                path=f"{self.path} cartons[{index}]",
            )
            if sequence in sequences:
                self._refuse(f"carton sequence number {sequence!r} is used twice")
            sequences.add(sequence)
            where = f"{self.path}/carton {sequence}"
            entry = {"cartonSequenceNumber": sequence}
            sscc = self._sscc(carton.sscc, "carton", where, required=False)
            if sscc:
                entry["cartonIdentifiers"] = [_container_id(sscc)]
            entry.update(_measures(carton, self.document, where))
            tracking = write_text(
                carton.tracking_number,
                "tracking number",
                document=self.document,
                path=where,
                required=False,
            )
            if tracking:
                entry["trackingNumber"] = tracking
            elif small_parcel:
                self._refuse("a carton of a SmallParcel shipment without tracking number", where)
            items, eaches = self._contents(tuple(carton.items or ()), where)
            if not items:
                self._refuse("a carton without items", where)
            entry["items"] = items
            for item_sequence, units in eaches.items():
                packed[item_sequence] += units
            built.append(entry)
        self._check_totals(packed, "cartons")
        self.carton_sequences = sequences
        return built

    def _pallets(self, pallets):
        built, on_pallets, packed = [], set(), defaultdict(int)
        for index, pallet in enumerate(pallets):
            if not isinstance(pallet, Pallet):
                self._refuse(f"expected a Pallet, not {type(pallet).__name__}")
            sscc = self._sscc(pallet.sscc, "pallet", f"{self.path} pallets[{index}]", required=True)
            where = f"{self.path}/pallet {sscc}"
            entry = {"palletIdentifiers": [_container_id(sscc)]}
            for key in ("tier", "block"):
                value = getattr(pallet, key)
                if value is not None:
                    entry[key] = write_whole(value, key, document=self.document, path=where)
            entry.update(_measures(pallet, self.document, where))
            references = self._carton_references(pallet, on_pallets, where)
            items, eaches = self._contents(tuple(pallet.items or ()), where)
            if not items and not references:
                self._refuse("a pallet with neither items nor cartons", where)
            if references:
                entry["cartonReferenceDetails"] = references
            elif self.structure in CARTON_STRUCTURES and len(eaches) == 1:
                self._refuse("a pallet of a single item needs its carton count", where)
            if items:
                entry["items"] = items
            for item_sequence, units in eaches.items():
                packed[item_sequence] += units
            built.append(entry)
        self._check_totals(packed, "pallets")
        return built

    def _carton_references(self, pallet, on_pallets, path):
        """The pallet's CartonReferenceDetails, {} without cartons nor carton count."""
        references = tuple(pallet.cartons or ())
        for reference in references:
            if reference not in self.carton_sequences:
                self._refuse(f"carton {reference!r} is not a carton of the shipment", path)
            if reference in on_pallets:
                self._refuse(f"carton {reference!r} is on two pallets", path)
            on_pallets.add(reference)
        count = pallet.carton_count
        if count is None:
            if not references:
                return {}
            count = len(references)
        write_whole(count, "carton count", document=self.document, path=path)
        if references and count != len(references):
            self._refuse(
                f"carton count {count}, but {len(references)} cartons are referenced", path
            )
        return {"cartonCount": count, "cartonReferenceNumbers": list(references)}


def _container_id(sscc):
    return {"containerIdentificationType": SSCC_TYPE, "containerIdentificationNumber": sscc}


def _measures(container, document, path):
    found = {}
    if container.weight is not None:
        found["weight"] = _weight(container.weight, "weight", document, path)
    if container.dimensions is not None:
        found["dimensions"] = _dimensions(container.dimensions, document, path)
    return found


def _weight(weight, label, document, path):
    if not isinstance(weight, Weight):
        raise AmazonDocumentError(
            f"{label} should be a Weight, not {type(weight).__name__}", document=document, path=path
        )
    value = read_amount(weight.value, label, document=document, path=path, positive=True)
    return {
        "unitOfMeasure": write_choice(
            weight.unit, WEIGHT_UNITS, f"{label} unit", document=document, path=path
        ),
        "value": decimal_text(value),
    }


def _dimensions(dimensions, document, path):
    if not isinstance(dimensions, Dimensions):
        raise AmazonDocumentError(
            f"dimensions should be Dimensions, not {type(dimensions).__name__}",
            document=document,
            path=path,
        )
    found = {
        key: decimal_text(
            read_amount(getattr(dimensions, key), key, document=document, path=path, positive=True)
        )
        for key in ("length", "width", "height")
    }
    found["unitOfMeasure"] = write_choice(
        dimensions.unit, DIMENSION_UNITS, "dimensions unit", document=document, path=path
    )
    return found


# SSCC


def sscc_check_digit(digits):
    """The GS1 check digit of the 17 first digits of an SSCC."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(digits))
    return (10 - total % 10) % 10


def is_sscc(value):
    """Whether `value` is an SSCC: 18 digits, the last the GS1 check digit of the others.
    (A package name may look like one without being one.)"""
    return (
        isinstance(value, str)
        and bool(_SSCC.match(value))
        and sscc_check_digit(value[:17]) == int(value[17])
    )


def check_sscc(value, label, *, document, path):
    """`value` when it is an SSCC, else an AmazonDocumentError saying why."""
    if not isinstance(value, str) or not _SSCC.match(value):
        raise AmazonDocumentError(
            f"{label} SSCC {value!r} is not 18 digits", document=document, path=path
        )
    expected = sscc_check_digit(value[:17])
    if expected != int(value[17]):
        raise AmazonDocumentError(
            f"{label} SSCC {value} has a wrong check digit (GS1: {expected})",
            document=document,
            path=path,
        )
    return value


# Reading helpers


_object = partial(expect_object, document=DETAILS_DOCUMENT)
_read_text = partial(read_text, document=DETAILS_DOCUMENT)
_read_choice = partial(read_choice, document=DETAILS_DOCUMENT)
_read_date = partial(read_timestamp, document=DETAILS_DOCUMENT)


def _read_object(mapping, key, path):
    value = mapping.get(key)
    return {} if value is None else _object(value, f"{path}.{key}")


def _read_objects(mapping, key, path):
    """(path, object) of each entry of the list `mapping[key]`, none when absent."""
    values = mapping.get(key)
    if values is None:
        return
    if not isinstance(values, list):
        raise AmazonDocumentError(f"{key} should be a list", document=DETAILS_DOCUMENT, path=path)
    for index, value in enumerate(values):
        where = f"{path}.{key}[{index}]"
        yield where, _object(value, where)
