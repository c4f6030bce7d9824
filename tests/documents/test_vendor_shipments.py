"""Vendor Shipments API v1 documents: Amazon's own routing requests rebuilt from typed values,
its shipment details read, and shipment confirmations built as the model's
SubmitShipmentConfirmationsRequest, with what Amazon would refuse refused clearly."""

import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from amazon_sp.documents import (
    CONFIRMATION_TYPES,
    DIMENSION_UNITS,
    FREIGHT_TERMS,
    SHIP_MODES,
    SHIPMENT_STATUSES,
    SHIPMENT_STRUCTURES,
    TRANSPORTATION_MODES,
    WEIGHT_UNITS,
    Address,
    AmazonDocumentError,
    Carton,
    ContainerContent,
    Dimensions,
    FreightTerm,
    Pallet,
    Party,
    RoutedPurchaseOrder,
    RoutingCancellation,
    RoutingRequest,
    ShipmentConfirmationRequest,
    ShipmentDetail,
    ShipmentStatus,
    ShipmentStructure,
    ShipMode,
    ShippedItem,
    Weight,
    build_routing_cancellation,
    build_routing_request,
    build_shipment_confirmations,
    is_sscc,
    parse_shipment_details,
    parse_transaction_id,
    shipment_details_next_token,
)

from .amazon_models import AmazonModel, operation

VENDOR_SHIPMENTS_MODEL = "models/vendor-shipments-api-model/vendorShipments.json"
VENDOR_SHIPMENTS = AmazonModel(
    VENDOR_SHIPMENTS_MODEL, "Vendor Shipments examples", "vendorShipments"
)
MODEL = VENDOR_SHIPMENTS.name
SHIPMENTS_PATH = "/vendor/shipping/v1/shipments"
CONFIRMATIONS_PATH = "/vendor/shipping/v1/shipmentConfirmations"
PO = "2JK3S9VC"
SHIPPED = datetime(2026, 3, 3, 9, 0)
CONFIRMED = datetime(2026, 3, 3, 9, 20)
# GS1's own example SSCC, and two more with their check digit.
SSCC_1 = "106141411234567897"
SSCC_2 = "000000000000000017"
SSCC_3 = "000000000000000024"


# The test data is Amazon's


# The validator is None without the models: the builder tests then check the bodies they
# build, and skip only the schema check (`assert_valid`).
model, validator = VENDOR_SHIPMENTS.fixtures()
schema_checker = VENDOR_SHIPMENTS.schema_checker


def sandbox(model, operation_id, status):
    """The sandbox cases of a status: Amazon writes them under `x-amzn-api-sandbox.static`
    or, in this model, mostly under `x-amazon-spds-sandbox-behaviors`."""
    response = operation(model, operation_id)["responses"][status]
    return [
        *response.get("x-amzn-api-sandbox", {}).get("static", []),
        *response.get("x-amazon-spds-sandbox-behaviors", []),
    ]


def answers(model, operation_id, status):
    """(name, body) of the response example and of every sandbox response of a status."""
    response = operation(model, operation_id)["responses"][status]
    found = []
    example = response.get("examples")
    if example:
        found.append(("example", example.get("application/json", example)))
    for index, case in enumerate(sandbox(model, operation_id, status)):
        found.append((f"sandbox[{index}]", case["response"]))
    return found


def sandbox_bodies(model, operation_id, status="202"):
    return [
        case["request"]["parameters"]["body"].get("value")
        for case in sandbox(model, operation_id, status)
    ]


def amazon_date(text):
    """One of Amazon's example dates, some without offset (UTC), as an aware datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def to_the_second(text):
    """An Amazon example date as the builders write it: UTC with a Z, to the second."""
    return amazon_date(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def assert_valid(validator, body, definition="SubmitShipmentConfirmationsRequest"):
    """The body is a `definition` and a request Amazon's model accepts (the test is skipped
    here without the models, once its other checks passed)."""
    validator = schema_checker(validator)
    assert validator.validate_definition(MODEL, definition, body) == []
    path = SHIPMENTS_PATH if definition == "SubmitShipments" else CONFIRMATIONS_PATH
    raw = json.dumps(body).encode("utf-8")
    assert validator.validate_request("POST", path, {}, body=raw) == []


def test_the_constants_are_the_models_enumerations(model):
    definitions = model["definitions"]
    shipment = definitions["Shipment"]["properties"]
    confirmation = definitions["ShipmentConfirmation"]["properties"]
    transport = definitions["TransportationDetailsForShipmentConfirmation"]["properties"]

    assert tuple(shipment["shipmentFreightTerm"]["enum"]) == FREIGHT_TERMS
    assert tuple(shipment["currentShipmentStatus"]["enum"]) == SHIPMENT_STATUSES
    assert tuple(definitions["ShipmentStatusDetails"]["properties"]["shipmentStatus"]["enum"]) == (
        SHIPMENT_STATUSES
    )
    assert tuple(definitions["TransportationDetails"]["properties"]["shipMode"]["enum"]) == (
        SHIP_MODES
    )
    assert tuple(confirmation["shipmentType"]["enum"]) == SHIP_MODES
    assert tuple(confirmation["shipmentStructure"]["enum"]) == SHIPMENT_STRUCTURES
    assert tuple(confirmation["shipmentConfirmationType"]["enum"]) == CONFIRMATION_TYPES
    assert tuple(transport["transportationMode"]["enum"]) == TRANSPORTATION_MODES
    assert tuple(definitions["Weight"]["properties"]["unitOfMeasure"]["enum"]) == WEIGHT_UNITS
    assert tuple(definitions["Dimensions"]["properties"]["unitOfMeasure"]["enum"]) == (
        DIMENSION_UNITS
    )
    assert (FreightTerm.COLLECT, FreightTerm.PREPAID) == ("Collect", "Prepaid")
    assert (ShipMode.TRUCK_LOAD, ShipMode.LESS_THAN_TRUCK_LOAD, ShipMode.SMALL_PARCEL) == (
        "TruckLoad",
        "LessThanTruckLoad",
        "SmallParcel",
    )
    assert ShipmentStructure.LOOSE_STANDARD_CASE == "LooseStandardCase"
    assert ShipmentStructure.PALLETIZED_STANDARD_CASE == "PalletizedStandardCase"


# Shipment details


AMAZONS_PICKUP = datetime(2019, 8, 7, 19, 56, 45, 632000)


def test_every_get_shipment_details_answer_is_read(model):
    """Amazon's example and sandbox answer: the ARN is the buyerReferenceNumber, the carrier
    is transportationDetails.carrierDetails (its SCAC is `code`, "string" and "1-1231" in
    Amazon's examples, kept as given), the pickup collectFreightPickupDetails.scheduledPickUp.
    Amazon writes its dates without offset: UTC."""
    cases = dict(answers(model, "GetShipmentDetails", "200"))

    assert list(cases) == ["example", "sandbox[0]"]
    (example,) = parse_shipment_details(cases["example"])
    (sandboxed,) = parse_shipment_details(cases["sandbox[0]"])
    assert example == ShipmentDetail(
        vendor_shipment_id="00050003",
        arn="1234567",
        status=ShipmentStatus.CARRIER_ASSIGNED,
        status_date=datetime(2019, 8, 9, 19, 56, 45, 632000),
        carrier_name="UPS",
        carrier_scac="string",
        carrier_reference="TRACK001",
        bill_of_lading="string",
        pickup_window=(AMAZONS_PICKUP, AMAZONS_PICKUP),
        freight_term=FreightTerm.COLLECT,
        raw={},
        requested_pickup=AMAZONS_PICKUP,
        scheduled_pickup=AMAZONS_PICKUP,
        carrier_assigned=AMAZONS_PICKUP,
        ship_mode=ShipMode.LESS_THAN_TRUCK_LOAD,
        shipped=AMAZONS_PICKUP,
        estimated_delivery=AMAZONS_PICKUP,
        purchase_order_numbers=("1BBBAAAA",),
    )
    assert example.raw is cases["example"]["payload"]["shipments"][0]
    assert example.is_routed
    assert (sandboxed.status, sandboxed.status_date) == ("Created", AMAZONS_PICKUP)
    assert (sandboxed.carrier_scac, sandboxed.bill_of_lading) == ("1-1231", "12534233421")
    assert [shipment_details_next_token(body) for body in cases.values()] == [
        "MDAwMDAwMDAwMQ==",
        "MDAwMDAwMDAwMQ==",
    ]


def test_amazons_shipment_details_break_its_own_schema_and_are_read_all_the_same(model, validator):
    """Amazon's answers lack the transactionType and transactionDate its Shipment schema
    requires, and write dates without offset: neither is required here."""
    validator = schema_checker(validator)
    for _name, body in answers(model, "GetShipmentDetails", "200"):
        problems = validator.validate_definition(
            MODEL, "GetShipmentDetailsResponse", body, strict=False
        )
        assert (
            "GetShipmentDetailsResponse at payload.shipments[0]: 'transactionDate' is a "
            "required property"
        ) in problems
        assert parse_shipment_details(body)[0].vendor_shipment_id == "00050003"


def test_the_response_and_its_payload_read_alike(model):
    (_name, body), *_ = answers(model, "GetShipmentDetails", "200")

    assert parse_shipment_details(body) == parse_shipment_details(body["payload"])
    assert shipment_details_next_token(body["payload"]) == "MDAwMDAwMDAwMQ=="


def test_the_error_answer_is_refused_with_amazons_errors(model):
    ((_name, body),) = answers(model, "GetShipmentDetails", "400")

    with pytest.raises(AmazonDocumentError) as raised:
        parse_shipment_details(body)

    assert str(raised.value) == (
        "vendor shipment details: Amazon answered with errors: InvalidRequest: Request is "
        "missing or has invalid parameters (vendor Shipment Identifier cannot be null)"
    )


def shipment(**changes):
    values = {"vendorShipmentIdentifier": "SHIP0001", "shipmentFreightTerm": "Collect"}
    values.update(changes)
    return {"payload": {"shipments": [values]}}


def read_one(**changes):
    (detail,) = parse_shipment_details(shipment(**changes))
    return detail


def test_a_shipment_amazon_has_not_routed_yet():
    detail = read_one(
        currentShipmentStatus="TransportationRequested",
        collectFreightPickupDetails={"requestedPickUp": "2026-03-03T08:00:00Z"},
    )

    assert (detail.arn, detail.carrier_scac, detail.carrier_name) == ("", "", "")
    assert detail.pickup_window is None
    assert detail.requested_pickup == datetime(2026, 3, 3, 8)
    assert not detail.is_routed
    assert detail.status_date is None


def test_a_routed_shipment_with_offsets_is_read_in_utc():
    detail = read_one(
        buyerReferenceNumber="ARN42",
        currentShipmentStatus="CarrierAssigned",
        currentshipmentStatusDate="2026-03-02T10:00:00+01:00",
        collectFreightPickupDetails={"scheduledPickUp": "2026-03-03T08:30:00-05:00"},
        transportationDetails={
            "shipMode": "TruckLoad",
            "carrierDetails": {
                "name": "ACME Freight",
                "code": "ACMF",
                "shipmentReferenceNumber": "PRO77",
            },
            "billOfLadingNumber": "BOL-1",
        },
    )

    assert (detail.arn, detail.carrier_name, detail.carrier_scac) == (
        "ARN42",
        "ACME Freight",
        "ACMF",
    )
    assert (detail.carrier_reference, detail.bill_of_lading) == ("PRO77", "BOL-1")
    assert detail.status_date == datetime(2026, 3, 2, 9)
    assert detail.pickup_window == (datetime(2026, 3, 3, 13, 30), datetime(2026, 3, 3, 13, 30))
    assert detail.ship_mode == "TruckLoad"


def test_without_a_current_status_the_latest_of_the_history_is_taken():
    detail = read_one(
        shipmentStatusDetails=[
            {"shipmentStatus": "Created", "shipmentStatusDate": "2026-03-01T08:00:00Z"},
            {"shipmentStatus": "CarrierAssigned", "shipmentStatusDate": "2026-03-02T08:00:00Z"},
            {
                "shipmentStatus": "TransportationRequested",
                "shipmentStatusDate": "2026-03-01T09:00:00Z",
            },
        ]
    )

    assert (detail.status, detail.status_date) == ("CarrierAssigned", datetime(2026, 3, 2, 8))


def test_an_empty_page_has_no_shipment():
    assert parse_shipment_details({"payload": {"pagination": {}}}) == ()
    assert parse_shipment_details({"payload": {}}) == parse_shipment_details({}) == ()
    assert parse_shipment_details({"shipments": []}) == ()
    assert shipment_details_next_token({"payload": {"shipments": []}}) is None
    assert shipment_details_next_token({"payload": {"pagination": {"nextToken": ""}}}) is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("abc", "vendor shipment details: expected an object"),
        ({"payload": "abc"}, "expected an object at payload"),
        ({"payload": {"shipments": {}}}, "shipments should be a list, not dict at payload"),
        ({"payload": {"shipments": ["abc"]}}, "expected an object at payload.shipments[0]"),
        (
            {"payload": {"shipments": [{}]}},
            "missing vendorShipmentIdentifier at payload.shipments[0]",
        ),
        (
            shipment(currentShipmentStatus="Delivered"),
            "unknown currentShipmentStatus 'Delivered' (Amazon's: Created, "
            "TransportationRequested, CarrierAssigned, Shipped) at payload.shipments[0] "
            "(shipment SHIP0001)",
        ),
        (shipment(shipmentFreightTerm="WePay"), "unknown shipmentFreightTerm 'WePay'"),
        (
            shipment(buyerReferenceNumber=1234567),
            "buyerReferenceNumber should be a string, not int",
        ),
        (
            shipment(collectFreightPickupDetails={"scheduledPickUp": "tomorrow"}),
            "scheduledPickUp is not an ISO 8601 date-time: 'tomorrow' at payload.shipments[0] "
            "(shipment SHIP0001).collectFreightPickupDetails",
        ),
        (
            shipment(transportationDetails=[]),
            "expected an object at payload.shipments[0] (shipment SHIP0001).transportationDetails",
        ),
        (
            shipment(transportationDetails={"carrierDetails": {"code": 7}}),
            "code should be a string, not int",
        ),
        (shipment(transportationDetails={"shipMode": "Air"}), "unknown shipMode 'Air'"),
        (shipment(shipmentStatusDetails={}), "shipmentStatusDetails should be a list"),
        (
            shipment(purchaseOrders=[{"purchaseOrderNumber": 1}]),
            "purchaseOrderNumber should be a string",
        ),
        ({"payload": {"pagination": "next"}}, "expected an object at payload.pagination"),
    ],
)
def test_malformed_shipment_details_are_refused_clearly(payload, message):
    with pytest.raises(AmazonDocumentError) as raised:
        parse_shipment_details(payload)
        shipment_details_next_token(payload)

    assert message in str(raised.value)


def test_a_malformed_next_token_is_refused():
    with pytest.raises(AmazonDocumentError, match="nextToken should be a string, not int"):
        shipment_details_next_token({"payload": {"pagination": {"nextToken": 1}}})


# The submissions' answers


def test_the_transaction_ids_of_amazons_submission_answers(model):
    """Amazon's SubmitShipmentConfirmations example describes its transactionId instead of
    giving one (an object): it is refused."""
    routing = [parse_transaction_id(body) for _n, body in answers(model, "SubmitShipments", "202")]
    confirmations = dict(answers(model, "SubmitShipmentConfirmations", "202"))

    assert routing == [
        "mock-TransactionId-5a3066ab-e904-42bd-b6ae-bc70ca1c37e6-20210728234390",
        "mock-TransactionId-5a3066ab-e904-42bd-b6ae-bc70ca1c37e6-20210728234390",
        "mock-TransactionId-a3066ab-e904-42bd-b6ae-bc70ca1c37e6-20210728234395",
    ]
    assert parse_transaction_id(confirmations["sandbox[0]"]) == (
        "20190905010908-8a3b6901-ef20-412f-9270-21c021796605"
    )
    assert parse_transaction_id(confirmations["sandbox[1]"]).startswith("mock-TransactionId-")
    with pytest.raises(AmazonDocumentError, match="transactionId should be a string, not dict"):
        parse_transaction_id(confirmations["example"])
    for operation_id in ("SubmitShipments", "SubmitShipmentConfirmations"):
        ((_name, refusal),) = answers(model, operation_id, "400")
        with pytest.raises(AmazonDocumentError, match="Amazon answered with errors: InvalidInput"):
            parse_transaction_id(refusal)


# Routing requests


def address(**changes):
    values = {
        "name": "ACME Housewares",
        "company": "",
        "street": "1 Main Street",
        "street2": "",
        "city": "Seattle",
        "state": "WA",
        "zip": "98101",
        "country_code": "US",
        "phone": "",
    }
    values.update(changes)
    return Address(**values)


SHIP_FROM = Party("WH01", address())


def item(sequence="001", quantity=10, **changes):
    values = {
        "sequence": sequence,
        "asin": "B000MUG001",
        "vendor_product_id": "MUG-1",
        "quantity": quantity,
        "purchase_order_number": PO,
    }
    values.update(changes)
    return ShippedItem(**values)


def routing(*orders, **changes):
    values = {
        "vendor_shipment_id": "SHIP0001",
        "selling_party_id": "VEND1",
        "ship_from": SHIP_FROM,
        "ship_to_party_id": "ABCF",
        "freight_term": "Collect",
        "requested": datetime(2026, 3, 2, 9, 30),
        "purchase_orders": orders or (RoutedPurchaseOrder(PO, (item(),)),),
        "carton_count": 2,
        "gross_weight": Weight(Decimal("12.5"), "Kg"),
        "earliest_pickup": datetime(2026, 3, 3, 8),
    }
    values.update(changes)
    return RoutingRequest(**values)


def test_amazons_sandbox_routing_request_is_rebuilt(model, validator):
    """Amazon's sandbox New request, from typed values: the body is Amazon's but for what the
    builder writes otherwise, each for a reason of the model's."""
    (sandboxed, _cancel, _empty) = sandbox_bodies(model, "SubmitShipments")
    (raw,) = sandboxed["shipments"]
    ship_from = raw["shipFromParty"]["address"]
    order = raw["purchaseOrders"][0]
    request = RoutingRequest(
        vendor_shipment_id=raw["vendorShipmentIdentifier"],
        selling_party_id=raw["sellingParty"]["partyId"],
        ship_from=Party(
            raw["shipFromParty"]["partyId"],
            Address(
                name=ship_from["name"],
                company="",
                street=ship_from["addressLine1"],
                street2="",
                city=ship_from["city"],
                state=ship_from["stateOrRegion"],
                zip=ship_from["postalCode"],
                country_code=ship_from["countryCode"],
                phone="",
            ),
        ),
        ship_to_party_id=raw["shipToParty"]["partyId"],
        freight_term=raw["shipmentFreightTerm"],
        requested=amazon_date(raw["transactionDate"]),
        purchase_orders=(
            RoutedPurchaseOrder(
                order["purchaseOrderNumber"],
                tuple(
                    ShippedItem(
                        sequence=entry["itemSequenceNumber"],
                        asin=entry["buyerProductIdentifier"],
                        vendor_product_id=entry["vendorProductIdentifier"],
                        quantity=entry["shippedQuantity"]["amount"],
                        unit_of_measure=entry["shippedQuantity"]["unitOfMeasure"],
                        unit_size=entry["shippedQuantity"]["unitSize"],
                    )
                    for entry in order["items"]
                ),
            ),
        ),
        ship_mode=raw["transportationDetails"]["shipMode"],
        carton_count=raw["shipmentMeasurements"]["totalCartonCount"],
        gross_weight=Weight(
            Decimal(raw["shipmentMeasurements"]["shipmentWeight"]["value"]),
            raw["shipmentMeasurements"]["shipmentWeight"]["unitOfMeasure"],
        ),
        earliest_pickup=amazon_date(raw["collectFreightPickupDetails"]["requestedPickUp"]),
        estimated_delivery=amazon_date(raw["transportationDetails"]["estimatedDeliveryDate"]),
    )

    body = build_routing_request([request])

    expected = copy.deepcopy(sandboxed)
    shipment_expected = expected["shipments"][0]
    # Dates in UTC with a Z, to the second: Amazon's have no offset (its schema refuses them).
    shipment_expected["transactionDate"] = to_the_second(raw["transactionDate"])
    shipment_expected["collectFreightPickupDetails"]["requestedPickUp"] = to_the_second(
        raw["collectFreightPickupDetails"]["requestedPickUp"]
    )
    # Amazon assigns the reference number: a New request has none.
    del shipment_expected["buyerReferenceNumber"]
    # "Provide the cartonCount only for non-palletized shipments" (refused: see below); the
    # volume is not modelled here.
    for key in ("totalPalletStackable", "totalPalletNonStackable", "shipmentVolume"):
        del shipment_expected["shipmentMeasurements"][key]
    # Maximum retail prices and weights of items sold by weight are not modelled here.
    for entry in shipment_expected["purchaseOrders"][0]["items"]:
        del entry["maximumRetailPrice"]
        entry["shippedQuantity"].pop("totalWeight", None)
    # Import details and containers are not modelled in routing requests; the carrier, the
    # shipped and delivery dates and the bill of lading are what Amazon answers.
    del shipment_expected["importDetails"]
    del shipment_expected["containers"]
    shipment_expected["transportationDetails"] = {
        "shipMode": "LessThanTruckLoad",
        "estimatedDeliveryDate": to_the_second(
            raw["transportationDetails"]["estimatedDeliveryDate"]
        ),
    }
    assert body == expected
    assert_valid(validator, body, "SubmitShipments")
    with pytest.raises(AmazonDocumentError, match="a carton count and a pallet count"):
        build_routing_request(
            [routing(pallet_count=raw["shipmentMeasurements"]["totalPalletStackable"])]
        )


def test_amazons_sandbox_routing_cancellation_is_rebuilt(model, validator):
    (_new, sandboxed, _empty) = sandbox_bodies(model, "SubmitShipments")
    (raw,) = sandboxed["shipments"]
    ship_from = raw["shipFromParty"]["address"]
    cancellation = RoutingCancellation(
        vendor_shipment_id=raw["vendorShipmentIdentifier"],
        selling_party_id=raw["sellingParty"]["partyId"],
        ship_from=Party(
            raw["shipFromParty"]["partyId"],
            Address(
                ship_from["name"],
                "",
                ship_from["addressLine1"],
                "",
                ship_from["city"],
                ship_from["stateOrRegion"],
                ship_from["postalCode"],
                ship_from["countryCode"],
                "",
            ),
        ),
        ship_to_party_id=raw["shipToParty"]["partyId"],
        freight_term=raw["shipmentFreightTerm"],
        cancelled=amazon_date(raw["transactionDate"]),
        arn=raw["buyerReferenceNumber"],
    )

    body = build_routing_cancellation([cancellation])

    expected = copy.deepcopy(sandboxed)
    expected["shipments"][0]["transactionDate"] = to_the_second(raw["transactionDate"])
    assert body == expected
    assert_valid(validator, body, "SubmitShipments")


def test_amazons_empty_and_refused_sandbox_requests_are_not_built(model):
    """The sandbox's empty bodies have nothing to send; its 400 cases send a vendor shipment
    id (or shipment id) alone, which the builders refuse for the parties it lacks."""
    assert sandbox_bodies(model, "SubmitShipments")[2] is None
    assert sandbox_bodies(model, "SubmitShipmentConfirmations")[1] is None
    with pytest.raises(AmazonDocumentError, match="no routing request to send"):
        build_routing_request([])
    with pytest.raises(AmazonDocumentError, match="no shipment confirmation to send"):
        build_shipment_confirmations([])
    ((refused_routing,),) = [
        body["shipments"] for body in sandbox_bodies(model, "SubmitShipments", "400")
    ]
    with pytest.raises(AmazonDocumentError, match="no selling party id at MOCKSHIPID"):
        build_routing_request(
            [
                routing(
                    vendor_shipment_id=refused_routing["vendorShipmentIdentifier"],
                    selling_party_id="",
                )
            ]
        )
    ((refused_confirmation,),) = [
        body["shipmentConfirmations"]
        for body in sandbox_bodies(model, "SubmitShipmentConfirmations", "400")
    ]
    with pytest.raises(AmazonDocumentError, match="no ship-from party at MOCKSHIPMENTID"):
        build_shipment_confirmations(
            [confirmation(shipment_id=refused_confirmation["shipmentIdentifier"], ship_from=None)]
        )


def test_a_collect_routing_request_is_a_valid_request(validator):
    body = build_routing_request(
        [routing(estimated_delivery=datetime(2026, 3, 6, tzinfo=timezone.utc))]
    )

    assert body == {
        "shipments": [
            {
                "vendorShipmentIdentifier": "SHIP0001",
                "transactionType": "New",
                "transactionDate": "2026-03-02T09:30:00Z",
                "shipmentFreightTerm": "Collect",
                "sellingParty": {"partyId": "VEND1"},
                "shipFromParty": {
                    "partyId": "WH01",
                    "address": {
                        "name": "ACME Housewares",
                        "addressLine1": "1 Main Street",
                        "city": "Seattle",
                        "stateOrRegion": "WA",
                        "postalCode": "98101",
                        "countryCode": "US",
                    },
                },
                "shipToParty": {"partyId": "ABCF"},
                "shipmentMeasurements": {
                    "shipmentWeight": {"unitOfMeasure": "Kg", "value": "12.5"},
                    "totalCartonCount": 2,
                },
                "collectFreightPickupDetails": {"requestedPickUp": "2026-03-03T08:00:00Z"},
                "purchaseOrders": [
                    {
                        "purchaseOrderNumber": PO,
                        "items": [
                            {
                                "itemSequenceNumber": "001",
                                "buyerProductIdentifier": "B000MUG001",
                                "vendorProductIdentifier": "MUG-1",
                                "shippedQuantity": {"amount": 10, "unitOfMeasure": "Eaches"},
                            }
                        ],
                    }
                ],
                "transportationDetails": {
                    "shipMode": "SmallParcel",
                    "estimatedDeliveryDate": "2026-03-06T00:00:00Z",
                },
            }
        ]
    }
    assert_valid(validator, body, "SubmitShipments")


def test_palletized_prepaid_routing_of_several_orders(validator):
    body = build_routing_request(
        [
            routing(
                RoutedPurchaseOrder(
                    PO, (item(), item("002", 4, unit_of_measure="Cases", unit_size=6))
                ),
                RoutedPurchaseOrder("3TRD2IAB", (item(purchase_order_number=""),)),
                freight_term="Prepaid",
                ship_mode="LessThanTruckLoad",
                carton_count=None,
                pallet_count=3,
                gross_weight=Weight(450, "Lb"),
                earliest_pickup=None,
            ),
            routing(
                vendor_shipment_id="SHIP0002",
                freight_term="Prepaid",
                purchase_orders=(),
                carton_count=None,
                pallet_count=1,
                pallets_stackable=True,
                earliest_pickup=None,
            ),
        ]
    )

    first, second = body["shipments"]
    assert first["shipmentMeasurements"] == {
        "shipmentWeight": {"unitOfMeasure": "Lb", "value": "450"},
        "totalPalletNonStackable": 3,
    }
    assert "collectFreightPickupDetails" not in first
    assert [order["purchaseOrderNumber"] for order in first["purchaseOrders"]] == [PO, "3TRD2IAB"]
    assert first["purchaseOrders"][0]["items"][1]["shippedQuantity"] == {
        "amount": 4,
        "unitOfMeasure": "Cases",
        "unitSize": 6,
    }
    assert second["shipmentMeasurements"]["totalPalletStackable"] == 1
    assert "purchaseOrders" not in second
    assert_valid(validator, body, "SubmitShipments")


def refused(build, message, *requests):
    with pytest.raises(AmazonDocumentError) as raised:
        build(requests)
    assert message in str(raised.value)
    return raised.value


@pytest.mark.parametrize(
    ("requests", "message"),
    [
        ((), "vendor routing request: no routing request to send"),
        ((routing(), routing()), "the vendor shipment id is used twice in the request at SHIP0001"),
        (
            (routing(vendor_shipment_id=" SHIP1"),),
            "vendor shipment id ' SHIP1' has surrounding blanks",
        ),
        ((routing(vendor_shipment_id=None),), "vendor routing request: no vendor shipment id"),
        ((routing(selling_party_id=""),), "no selling party id at SHIP0001"),
        ((routing(ship_to_party_id=""),), "no ship-to party id at SHIP0001"),
        ((routing(ship_from=None),), "no ship-from party at SHIP0001"),
        ((routing(ship_from=Party("")),), "no ship-from party id at SHIP0001"),
        (
            (routing(ship_from=Party("WH01", address(street=" "))),),
            "ship-from party address without a street (addressLine1)",
        ),
        (
            (routing(ship_from=Party("WH01", address(name="", company=""))),),
            "ship-from party address without a name",
        ),
        (
            (routing(ship_from=Party("WH01", address(country_code="USA"))),),
            "ship-from party address country 'USA' is not an ISO 3166-1 alpha-2 code",
        ),
        (
            (routing(ship_from=Party("WH01", tax_registration="DE123")),),
            "ship-from party tax registration type '' is not one of Amazon's: VAT, GST",
        ),
        (
            (routing(freight_term="WePay"),),
            "freight term 'WePay' is not one of Amazon's: Collect, Prepaid at SHIP0001",
        ),
        (
            (routing(ship_mode="Air"),),
            "ship mode 'Air' is not one of Amazon's: TruckLoad, LessThanTruckLoad, SmallParcel",
        ),
        (
            (routing(requested="2026-03-02"),),
            "transaction date '2026-03-02' is not a datetime at SHIP0001",
        ),
        (
            (routing(carton_count=None),),
            "a routing request needs the carton count or the pallet count",
        ),
        (
            (routing(pallet_count=1),),
            "a carton count and a pallet count: Amazon takes the carton count only for "
            "non-palletized shipments",
        ),
        ((routing(carton_count=0),), "carton count 0 is not an integer >= 1 at SHIP0001"),
        (
            (routing(carton_count=None, pallet_count=True),),
            "pallet count True is not an integer >= 1",
        ),
        (
            (routing(gross_weight=None),),
            "a routing request needs the gross weight of the shipment at SHIP0001",
        ),
        ((routing(gross_weight=Weight(Decimal(0), "Kg")),), "gross weight 0 is not above zero"),
        (
            (routing(gross_weight=Weight(12.5, "Kg")),),
            "gross weight 12.5 should be a Decimal, int or str",
        ),
        (
            (routing(gross_weight=Weight(Decimal(1), "KG")),),
            "gross weight unit 'KG' is not one of Amazon's: G, Kg, Oz, Lb",
        ),
        (
            (routing(earliest_pickup=None),),
            "a Collect routing request needs the earliest pickup (requestedPickUp) at SHIP0001",
        ),
        (
            (routing(purchase_orders=()),),
            "a Collect routing request needs its purchase orders and their items",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, ())),),
            f"a purchase order without items at SHIP0001/{PO}",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, (item(),)), RoutedPurchaseOrder(PO, (item(),))),),
            f"purchase order {PO} is routed twice",
        ),
        (
            (routing(RoutedPurchaseOrder("TestOrder202", (item(),))),),
            "purchase order number 'TestOrder202' is not an 8-character alphanumeric code",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, (item(), item()))),),
            f"item sequence number '001' is used twice at SHIP0001/{PO}",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, (item(purchase_order_number="3TRD2IAB"),))),),
            f"item of purchase order '3TRD2IAB' routed with {PO}",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, (item(asin="", vendor_product_id=""),))),),
            f"an item with neither ASIN nor vendor product id at SHIP0001/{PO}/001",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, (item(quantity=0),))),),
            f"quantity 0 is not an integer >= 1 at SHIP0001/{PO}/001",
        ),
        (
            (routing(RoutedPurchaseOrder(PO, (item(unit_of_measure="Cases"),))),),
            "a quantity in Cases needs its unit size",
        ),
    ],
)
def test_what_amazon_would_refuse_in_a_routing_request_is_refused(requests, message):
    error = refused(build_routing_request, message, *requests)

    assert str(error).startswith("vendor routing request: ")


def test_a_cancellation_without_arn_and_its_refusals(validator):
    cancellation = RoutingCancellation("SHIP0001", "VEND1", SHIP_FROM, "ABCF", "Prepaid", CONFIRMED)

    body = build_routing_cancellation([cancellation])

    assert body["shipments"][0]["transactionType"] == "Cancel"
    assert "buyerReferenceNumber" not in body["shipments"][0]
    assert_valid(validator, body, "SubmitShipments")
    refused(build_routing_cancellation, "vendor routing cancellation: no cancellation to send")
    refused(
        build_routing_cancellation,
        "the vendor shipment id is used twice in the request at SHIP0001",
        cancellation,
        cancellation,
    )
    refused(
        build_routing_cancellation,
        "ARN ' ARN' has surrounding blanks",
        RoutingCancellation("SHIP0001", "VEND1", SHIP_FROM, "ABCF", "Collect", CONFIRMED, " ARN"),
    )


# Shipment confirmations


def carton(sequence="001", *contents, **changes):
    values = {
        "sequence": sequence,
        "items": contents or (ContainerContent("001", 10),),
        "tracking_number": f"1Z999AA1012345678{sequence[-1:]}",
    }
    values.update(changes)
    return Carton(**values)


def confirmation(*items, **changes):
    values = {
        "shipment_id": "SHIP0001",
        "selling_party_id": "VEND1",
        "ship_from": SHIP_FROM,
        "ship_to_party_id": "ABCF",
        "confirmed": CONFIRMED,
        "shipped": SHIPPED,
        "items": items or (item(),),
        "cartons": (carton(),),
        "carrier_scac": "UPSN",
        "carrier_reference": "1Z999AA10123456784",
    }
    values.update(changes)
    return ShipmentConfirmationRequest(**values)


def test_a_small_parcel_confirmation_is_a_valid_request(validator):
    body = build_shipment_confirmations(
        [
            confirmation(
                cartons=(
                    carton(
                        "001",
                        ContainerContent("001", 6),
                        sscc=SSCC_1,
                        weight=Weight(Decimal("4.20"), "Kg"),
                        dimensions=Dimensions(Decimal(40), Decimal(30), Decimal("20.5"), "In"),
                    ),
                    carton("002", ContainerContent("001", 4)),
                ),
                arn="1234567",
                freight_term="Collect",
                estimated_delivery=datetime(2026, 3, 5, 12, tzinfo=timezone(timedelta(hours=-8))),
                gross_weight=Weight(Decimal("7.9"), "Kg"),
            )
        ]
    )

    assert body == {
        "shipmentConfirmations": [
            {
                "shipmentIdentifier": "SHIP0001",
                "shipmentConfirmationType": "Original",
                "shipmentType": "SmallParcel",
                "shipmentConfirmationDate": "2026-03-03T09:20:00Z",
                "shippedDate": "2026-03-03T09:00:00Z",
                "estimatedDeliveryDate": "2026-03-05T20:00:00Z",
                "sellingParty": {"partyId": "VEND1"},
                "shipFromParty": {
                    "partyId": "WH01",
                    "address": {
                        "name": "ACME Housewares",
                        "addressLine1": "1 Main Street",
                        "city": "Seattle",
                        "stateOrRegion": "WA",
                        "postalCode": "98101",
                        "countryCode": "US",
                    },
                },
                "shipToParty": {"partyId": "ABCF"},
                "amazonReferenceNumber": "1234567",
                "transportationDetails": {
                    "transportationMode": "Road",
                    "carrierScac": "UPSN",
                    "carrierShipmentReferenceNumber": "1Z999AA10123456784",
                },
                "shipmentMeasurements": {
                    "cartonCount": 2,
                    "grossShipmentWeight": {"unitOfMeasure": "Kg", "value": "7.9"},
                },
                "shippedItems": [
                    {
                        "itemSequenceNumber": "001",
                        "amazonProductIdentifier": "B000MUG001",
                        "vendorProductIdentifier": "MUG-1",
                        "shippedQuantity": {"amount": 10, "unitOfMeasure": "Eaches"},
                        "itemDetails": {"purchaseOrderNumber": PO},
                    }
                ],
                "cartons": [
                    {
                        "cartonSequenceNumber": "001",
                        "cartonIdentifiers": [
                            {
                                "containerIdentificationType": "SSCC",
                                "containerIdentificationNumber": SSCC_1,
                            }
                        ],
                        "weight": {"unitOfMeasure": "Kg", "value": "4.20"},
                        "dimensions": {
                            "length": "40",
                            "width": "30",
                            "height": "20.5",
                            "unitOfMeasure": "In",
                        },
                        "trackingNumber": "1Z999AA10123456781",
                        "items": [
                            {
                                "itemReference": "001",
                                "shippedQuantity": {"amount": 6, "unitOfMeasure": "Eaches"},
                            }
                        ],
                    },
                    {
                        "cartonSequenceNumber": "002",
                        "trackingNumber": "1Z999AA10123456782",
                        "items": [
                            {
                                "itemReference": "001",
                                "shippedQuantity": {"amount": 4, "unitOfMeasure": "Eaches"},
                            }
                        ],
                    },
                ],
            }
        ]
    }
    assert_valid(validator, body)


def test_a_palletized_truck_load_confirmation_counts_its_pallets(validator):
    items = (
        item("001", 4, unit_of_measure="Cases", unit_size=12),
        item("002", 30, asin="", purchase_order_number="3TRD2IAB"),
    )
    body = build_shipment_confirmations(
        [
            confirmation(
                *items,
                shipment_type="TruckLoad",
                structure="PalletizedAssortmentCase",
                confirmation_type="Replace",
                cartons=(
                    carton("001", ContainerContent("001", 2, "Cases"), tracking_number=""),
                    carton("002", ContainerContent("001", 24), ContainerContent("002", 30)),
                ),
                pallets=(
                    Pallet(
                        SSCC_2,
                        cartons=("001", "002"),
                        weight=Weight(Decimal("310.5"), "Kg"),
                        dimensions=Dimensions(48, 40, 60, "In"),
                        tier=2,
                        block=1,
                    ),
                ),
                bill_of_lading="BOL-20260303-7",
                carrier_scac="abfs",
                carrier_reference="PRO-123456",
                transportation_mode="Road",
            )
        ]
    )

    (sent,) = body["shipmentConfirmations"]
    assert sent["shipmentStructure"] == "PalletizedAssortmentCase"
    assert sent["shipmentMeasurements"] == {"palletCount": 1}
    assert sent["transportationDetails"] == {
        "transportationMode": "Road",
        "carrierScac": "ABFS",
        "carrierShipmentReferenceNumber": "PRO-123456",
        "billOfLadingNumber": "BOL-20260303-7",
    }
    assert sent["pallets"] == [
        {
            "palletIdentifiers": [
                {"containerIdentificationType": "SSCC", "containerIdentificationNumber": SSCC_2}
            ],
            "tier": 2,
            "block": 1,
            "weight": {"unitOfMeasure": "Kg", "value": "310.5"},
            "dimensions": {"length": "48", "width": "40", "height": "60", "unitOfMeasure": "In"},
            "cartonReferenceDetails": {"cartonCount": 2, "cartonReferenceNumbers": ["001", "002"]},
        }
    ]
    # A quantity in Cases takes the item's case size: 2 cases of 12 + 24 = the 48 shipped.
    assert sent["cartons"][0]["items"][0]["shippedQuantity"] == {
        "amount": 2,
        "unitOfMeasure": "Cases",
        "unitSize": 12,
    }
    assert "trackingNumber" not in sent["cartons"][0]
    assert "amazonProductIdentifier" not in sent["shippedItems"][1]
    assert_valid(validator, body)


def test_pallets_of_items_and_single_item_pallets(validator):
    body = build_shipment_confirmations(
        [
            confirmation(
                item("001", 100),
                shipment_type="LessThanTruckLoad",
                structure="PalletOfItems",
                cartons=(),
                pallets=(
                    Pallet(SSCC_2, (ContainerContent("001", 60),)),
                    Pallet(SSCC_3, (ContainerContent("001", 40),)),
                ),
                bill_of_lading="4411",
            ),
            confirmation(
                item("001", 48),
                shipment_id="SHIP0002",
                shipment_type="LessThanTruckLoad",
                structure="PalletizedStandardCase",
                cartons=(carton("001", ContainerContent("001", 48)),),
                pallets=(Pallet(SSCC_1, (ContainerContent("001", 48),), carton_count=4),),
                bill_of_lading="4412",
            ),
        ]
    )

    loose, standard = body["shipmentConfirmations"]
    assert loose["shipmentMeasurements"] == {"palletCount": 2}
    assert "cartons" not in loose
    assert loose["pallets"][1]["items"] == [
        {"itemReference": "001", "shippedQuantity": {"amount": 40, "unitOfMeasure": "Eaches"}}
    ]
    assert standard["pallets"][0]["cartonReferenceDetails"] == {
        "cartonCount": 4,
        "cartonReferenceNumbers": [],
    }
    assert_valid(validator, body)


def test_a_prepaid_shipment_from_outside_north_america_needs_no_carrier_codes(validator):
    ship_from = Party(
        "WH-DE", address(country_code="de", state="", zip="91090"), "DE123456789", "VAT"
    )
    body = build_shipment_confirmations(
        [
            confirmation(
                ship_from=ship_from,
                shipment_type="SmallParcel",
                carrier_scac="",
                carrier_reference="",
                freight_term="Prepaid",
                transportation_mode="Air",
            )
        ]
    )

    (sent,) = body["shipmentConfirmations"]
    assert sent["shipFromParty"]["address"]["countryCode"] == "DE"
    assert sent["shipFromParty"]["taxRegistrationDetails"] == [
        {"taxRegistrationType": "VAT", "taxRegistrationNumber": "DE123456789"}
    ]
    assert sent["transportationDetails"] == {"transportationMode": "Air"}
    assert "amazonReferenceNumber" not in sent
    assert_valid(validator, body)


def test_amazons_sandbox_confirmation_breaks_the_rules_enforced_here(model, validator):
    """Amazon's sandbox confirmation ships two items identified by neither ASIN nor vendor
    product id, the second in Cases without case size (and sold by weight, not modelled
    here), of purchase order "TestOrder202" (not the 8 characters of the model's formatting
    note), and no carton for its SmallParcel default: each is refused in turn. Mended, it
    builds."""
    (raw,) = sandbox_bodies(model, "SubmitShipmentConfirmations")[0]["shipmentConfirmations"]
    parties = {
        "shipment_id": raw["shipmentIdentifier"],
        "selling_party_id": raw["sellingParty"]["partyId"],
        "ship_from": Party(raw["shipFromParty"]["partyId"]),
        "ship_to_party_id": raw["shipToParty"]["partyId"],
        "confirmed": amazon_date(raw["shipmentConfirmationDate"]),
        "shipped": amazon_date(raw["shipmentConfirmationDate"]),
        "confirmation_type": raw["shipmentConfirmationType"],
    }
    as_sent = [
        {
            "sequence": entry["itemSequenceNumber"],
            "asin": "",
            "vendor_product_id": "",
            "quantity": entry["shippedQuantity"]["amount"],
            "unit_of_measure": entry["shippedQuantity"]["unitOfMeasure"],
            "purchase_order_number": entry["itemDetails"]["purchaseOrderNumber"],
        }
        for entry in raw["shippedItems"]
    ]
    where = raw["shipmentIdentifier"]

    def attempt(mend=None, **changes):
        for values in as_sent:
            values.update(mend(values) if mend else {})
        items = tuple(ShippedItem(**values) for values in as_sent)
        return ShipmentConfirmationRequest(**{**parties, "items": items, **changes})

    cartons = {"cartons": (carton("001", ContainerContent("001", 100)),)}
    refused(
        build_shipment_confirmations,
        f"an item with neither ASIN nor vendor product id at {where}/001",
        attempt(**cartons),
    )
    refused(
        build_shipment_confirmations,
        f"purchase order number 'TestOrder202' is not an 8-character alphanumeric code at "
        f"{where}/001",
        attempt(lambda values: {"asin": f"B00000000{values['sequence'][-1]}"}, **cartons),
    )
    refused(
        build_shipment_confirmations,
        f"a quantity in Cases needs its unit size (units per case) at {where}/002",
        attempt(lambda values: {"purchase_order_number": "TESTO202"}, **cartons),
    )
    refused(
        build_shipment_confirmations,
        "a SmallParcel shipment needs its cartons (parcels)",
        attempt(lambda values: {"unit_size": 1}),
    )
    body = build_shipment_confirmations([attempt(**cartons)])

    (sent,) = body["shipmentConfirmations"]
    assert sent["shipmentConfirmationDate"] == "2021-03-11T12:38:23Z"
    assert sent["shippedItems"][1]["shippedQuantity"] == {
        "amount": 100,
        "unitOfMeasure": "Cases",
        "unitSize": 1,
    }
    assert_valid(validator, body)


def sscc_digits(body):
    return body[:17] + str(
        (10 - sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body[:17])) % 10) % 10
    )


def test_ssccs_are_18_digits_with_their_check_digit():
    assert is_sscc(SSCC_1)
    assert is_sscc(SSCC_2)
    assert is_sscc(sscc_digits("12345678901234567"))
    assert not is_sscc("106141411234567890")  # wrong check digit
    assert not is_sscc("10614141123456789")  # 17 digits
    assert not is_sscc("00106141411234567897")  # with the (00) application identifier
    assert not is_sscc("PACK0001")
    assert not is_sscc(None)


@pytest.mark.parametrize(
    ("requests", "message"),
    [
        ((), "vendor shipment confirmation: no shipment confirmation to send"),
        (
            (confirmation(), confirmation()),
            "the shipment id is used twice in the request at SHIP0001",
        ),
        ((confirmation(shipment_id=""),), "vendor shipment confirmation: no shipment id"),
        ((confirmation(shipment_id=7),), "shipment id 7 should be a string"),
        (
            (confirmation(selling_party_id=" VEND1"),),
            "selling party id ' VEND1' has surrounding blanks at SHIP0001",
        ),
        ((confirmation(ship_to_party_id=""),), "no ship-to party id at SHIP0001"),
        ((confirmation(ship_from="WH01"),), "ship-from party should be a Party at SHIP0001"),
        (
            (confirmation(ship_from=Party("WH01", address(city=None, street=1))),),
            "ship-from party address street 1 should be a string",
        ),
        (
            (confirmation(ship_from=Party("WH01", tax_registration_type="VAT")),),
            "no ship-from party tax registration number",
        ),
        (
            (confirmation(confirmation_type="Update"),),
            "confirmation type 'Update' is not one of Amazon's: Original, Replace",
        ),
        ((confirmation(shipment_type="Parcel"),), "shipment type 'Parcel' is not one of Amazon's"),
        (
            (confirmation(structure="Loose"),),
            "structure 'Loose' is not one of Amazon's: PalletizedAssortmentCase",
        ),
        (
            (confirmation(transportation_mode="Rail"),),
            "transportation mode 'Rail' is not one of Amazon's: Road, Air, Ocean",
        ),
        (
            (confirmation(confirmed="2026-03-03"),),
            "confirmation date '2026-03-03' is not a datetime at SHIP0001",
        ),
        ((confirmation(estimated_delivery="soon"),), "estimated delivery 'soon' is not a datetime"),
        (
            (confirmation(shipped=CONFIRMED + timedelta(minutes=1)),),
            "shipped 2026-03-03T09:21:00Z, after the confirmation (2026-03-03T09:20:00Z): the "
            "shipped date cannot be in the future at SHIP0001",
        ),
        ((confirmation(items=()),), "a shipment confirmation without items at SHIP0001"),
        (
            (confirmation(items=(item(), item(asin="B2"))),),
            "item sequence number '001' is used twice at SHIP0001",
        ),
        ((confirmation(item(sequence="")),), "no item sequence number at SHIP0001"),
        (
            (confirmation(item(asin="", vendor_product_id="")),),
            "an item with neither ASIN nor vendor product id at SHIP0001/001",
        ),
        (
            (confirmation(item(purchase_order_number="")),),
            "an item without its purchase order number: Amazon matches shipped items to "
            "purchase orders at SHIP0001/001",
        ),
        (
            (confirmation(item(purchase_order_number="L826635")),),
            "purchase order number 'L826635' is not an 8-character alphanumeric code at "
            "SHIP0001/001",
        ),
        ((confirmation(item(quantity=0)),), "quantity 0 is not an integer >= 1 at SHIP0001/001"),
        ((confirmation(item(quantity=2.0)),), "quantity 2.0 is not an integer >= 1"),
        (
            (confirmation(item(unit_of_measure="Each")),),
            "unit of measure 'Each' is not one of Amazon's: Cases, Eaches",
        ),
        (
            (confirmation(item(unit_of_measure="Cases")),),
            "a quantity in Cases needs its unit size (units per case) at SHIP0001/001",
        ),
        ((confirmation(item(unit_size=0)),), "unit size 0 is not an integer >= 1"),
        (
            (confirmation(item(unit_size=6)),),
            "unit size 6 on a quantity in Eaches: a case size is for Cases",
        ),
        (
            (confirmation(items=(item("ABC"),)),),
            "item reference '001' is not the sequence number of a shipped item at "
            "SHIP0001/carton 001 items[0]",
        ),
        (
            (confirmation(cartons=(carton("001", ContainerContent("001", 11)),)),),
            "the cartons hold 11 units of item 001, the shipment ships 10 at SHIP0001",
        ),
        (
            (
                confirmation(
                    cartons=(
                        carton("001", ContainerContent("001", 6)),
                        carton("002", ContainerContent("001", 5)),
                    )
                ),
            ),
            "the cartons hold 11 units of item 001, the shipment ships 10",
        ),
        (
            (confirmation(cartons=(carton("001", ContainerContent("001", 1, "Cases", 12)),)),),
            "the cartons hold 12 units of item 001, the shipment ships 10",
        ),
        (
            (confirmation(cartons=(carton("001", ContainerContent("001", 1, "Cases")),)),),
            "a quantity in Cases needs its unit size (units per case) at "
            "SHIP0001/carton 001 items[0]",
        ),
        (
            (confirmation(cartons=(carton("001", ContainerContent("001", 0)),)),),
            "quantity 0 is not an integer >= 1 at SHIP0001/carton 001 items[0]",
        ),
        (
            (confirmation(cartons=(carton("001", items=()),)),),
            "a carton without items at SHIP0001/carton 001",
        ),
        (
            (confirmation(cartons=(carton(""),)),),
            "no carton sequence number at SHIP0001 cartons[0]",
        ),
        (
            (
                confirmation(
                    cartons=(
                        carton("001", ContainerContent("001", 5)),
                        carton("001", ContainerContent("001", 5)),
                    )
                ),
            ),
            "carton sequence number '001' is used twice at SHIP0001",
        ),
        (
            (confirmation(cartons=(carton(tracking_number=""),)),),
            "a carton of a SmallParcel shipment without tracking number at SHIP0001/carton 001",
        ),
        (
            (confirmation(cartons=()),),
            "a SmallParcel shipment needs its cartons (parcels), each with its tracking number "
            "at SHIP0001",
        ),
        (
            (confirmation(cartons=(carton(sscc="12345"),)),),
            "carton SSCC '12345' is not 18 digits at SHIP0001/carton 001",
        ),
        (
            (confirmation(cartons=(carton(sscc="106141411234567890"),)),),
            "carton SSCC 106141411234567890 has a wrong check digit (GS1: 7)",
        ),
        ((confirmation(cartons=(carton(sscc=f"00{SSCC_1}"),)),), "is not 18 digits"),
        (
            (
                confirmation(
                    cartons=(
                        carton("001", ContainerContent("001", 5), sscc=SSCC_1),
                        carton("002", ContainerContent("001", 5), sscc=SSCC_1),
                    )
                ),
            ),
            f"SSCC {SSCC_1} is used twice at SHIP0001",
        ),
        (
            (
                confirmation(
                    cartons=(carton(sscc=SSCC_1),), pallets=(Pallet(SSCC_1, cartons=("001",)),)
                ),
            ),
            f"SSCC {SSCC_1} is used twice",
        ),
        (
            (confirmation(pallets=(Pallet("", (ContainerContent("001", 1),)),)),),
            "a pallet without SSCC at SHIP0001 pallets[0]",
        ),
        (
            (confirmation(pallets=(Pallet(SSCC_2),)),),
            f"a pallet with neither items nor cartons at SHIP0001/pallet {SSCC_2}",
        ),
        (
            (confirmation(pallets=(Pallet(SSCC_2, cartons=("009",)),)),),
            f"carton '009' is not a carton of the shipment at SHIP0001/pallet {SSCC_2}",
        ),
        (
            (
                confirmation(
                    pallets=(Pallet(SSCC_2, cartons=("001",)), Pallet(SSCC_3, cartons=("001",)))
                ),
            ),
            "carton '001' is on two pallets",
        ),
        (
            (confirmation(pallets=(Pallet(SSCC_2, cartons=("001",), carton_count=2),)),),
            "carton count 2, but 1 cartons are referenced",
        ),
        (
            (confirmation(pallets=(Pallet(SSCC_2, carton_count=0),)),),
            "carton count 0 is not an integer >= 1",
        ),
        (
            (confirmation(pallets=(Pallet(SSCC_2, (ContainerContent("001", 11),)),)),),
            "the pallets hold 11 units of item 001, the shipment ships 10",
        ),
        (
            (confirmation(pallets=(Pallet(SSCC_2, cartons=("001",), tier=0),)),),
            "tier 0 is not an integer >= 1",
        ),
        (
            (confirmation(structure="PalletizedStandardCase"),),
            "a PalletizedStandardCase shipment without pallets at SHIP0001",
        ),
        (
            (
                confirmation(
                    structure="LooseStandardCase", pallets=(Pallet(SSCC_2, cartons=("001",)),)
                ),
            ),
            "pallets in a LooseStandardCase shipment, which has none",
        ),
        (
            (
                confirmation(
                    structure="MasterCase",
                    cartons=(),
                    shipment_type="TruckLoad",
                    bill_of_lading="B1",
                ),
            ),
            "a MasterCase shipment without cartons",
        ),
        (
            (confirmation(structure="MasterPallet", pallets=(Pallet(SSCC_2, cartons=("001",)),)),),
            "cartons in a MasterPallet shipment, which has none",
        ),
        (
            (
                confirmation(
                    structure="PalletizedStandardCase",
                    pallets=(Pallet(SSCC_2, (ContainerContent("001", 10),)),),
                ),
            ),
            f"a pallet of a single item needs its carton count at SHIP0001/pallet {SSCC_2}",
        ),
        (
            (confirmation(freight_term="Collect"),),
            "a Collect shipment needs Amazon's reference number (ARN) of its routing request "
            "at SHIP0001",
        ),
        (
            (confirmation(freight_term="WePay", arn="1"),),
            "freight term 'WePay' is not one of Amazon's: Collect, Prepaid",
        ),
        (
            (confirmation(carrier_scac=""),),
            "a shipment from US needs the carrier's SCAC at SHIP0001",
        ),
        (
            (confirmation(carrier_reference=""),),
            "a shipment from US needs the carrier's shipment reference (PRO) number",
        ),
        (
            (confirmation(ship_from=Party("WH01", address(country_code="mx")), carrier_scac=""),),
            "a shipment from MX needs the carrier's SCAC",
        ),
        (
            (confirmation(carrier_scac="UPS-1"),),
            "carrier SCAC 'UPS-1' is not a code of 2 to 4 letters",
        ),
        (
            (confirmation(carrier_scac="UPSNX"),),
            "carrier SCAC 'UPSNX' is not a code of 2 to 4 letters",
        ),
        (
            (confirmation(shipment_type="TruckLoad"),),
            "a TruckLoad shipment needs its bill of lading number at SHIP0001",
        ),
        (
            (confirmation(shipment_type="LessThanTruckLoad"),),
            "a LessThanTruckLoad shipment needs its bill of lading number",
        ),
        (
            (confirmation(bill_of_lading="7"),),
            "bill of lading '7' cannot be a single character or a date/time",
        ),
        (
            (confirmation(bill_of_lading="2026-03-03"),),
            "bill of lading '2026-03-03' cannot be a single character or a date/time",
        ),
        (
            (confirmation(bill_of_lading="03/03/2026 09:00"),),
            "cannot be a single character or a date/time",
        ),
        ((confirmation(bill_of_lading="09:00"),), "cannot be a single character or a date/time"),
        (
            (confirmation(cartons=(carton(weight=Weight(Decimal("-1"), "Kg")),)),),
            "weight -1 is not above zero at SHIP0001/carton 001",
        ),
        (
            (confirmation(cartons=(carton(weight=Weight(Decimal(1), "kg")),)),),
            "weight unit 'kg' is not one of Amazon's: G, Kg, Oz, Lb",
        ),
        (
            (confirmation(cartons=(carton(dimensions=Dimensions(1, 1, 1, "Cm")),)),),
            "dimensions unit 'Cm' is not one of Amazon's: In, Ft, Meter, Yard",
        ),
        (
            (confirmation(cartons=(carton(dimensions=Dimensions(1, "x", 1, "In")),)),),
            "width 'x' is not a number",
        ),
        (
            (confirmation(cartons=(carton(weight=(1, "Kg")),)),),
            "weight should be a Weight, not tuple",
        ),
        ((confirmation(gross_weight=Weight("NaN", "Kg")),), "gross weight 'NaN' is not a number"),
    ],
)
def test_what_amazon_would_refuse_in_a_confirmation_is_refused(requests, message):
    error = refused(build_shipment_confirmations, message, *requests)

    assert str(error).startswith("vendor shipment confirmation: ")


def test_fewer_units_in_containers_than_shipped_are_allowed(validator):
    body = build_shipment_confirmations(
        [confirmation(cartons=(carton("001", ContainerContent("001", 3)),))]
    )

    assert (
        body["shipmentConfirmations"][0]["cartons"][0]["items"][0]["shippedQuantity"]["amount"] == 3
    )
    assert_valid(validator, body)


def test_the_schema_check_catches_a_wrong_body(validator):
    validator = schema_checker(validator)
    body = build_shipment_confirmations([confirmation()])
    wrong = copy.deepcopy(body)
    entry = wrong["shipmentConfirmations"][0]
    entry["shippedDate"] = "2026-03-03 09:00"
    entry["shipmentType"] = "Parcel"
    entry["cartons"][0]["trackingNumbr"] = "1Z"
    entry["shippedItems"][0]["shippedQuantity"]["amount"] = "10"

    problems = validator.validate_definition(MODEL, "SubmitShipmentConfirmationsRequest", wrong)

    assert len(problems) == 4
    raw = json.dumps(wrong).encode("utf-8")
    request_problems = validator.validate_request("POST", CONFIRMATIONS_PATH, {}, body=raw)
    assert any(
        "'shipmentConfirmations[0].cartons[0].trackingNumbr' is not defined" in p
        for p in request_problems
    )
    routing_body = build_routing_request([routing()])
    routing_body["shipments"][0]["shipmentMeasurements"]["shipmentWeight"]["value"] = "12,5"
    (problem,) = validator.validate_definition(MODEL, "SubmitShipments", routing_body)
    assert problem.startswith(
        "SubmitShipments at shipments[0].shipmentMeasurements.shipmentWeight.value: '12,5' "
        "does not match"
    )
    assert_valid(validator, body)


@pytest.mark.parametrize("structure", [None, *SHIPMENT_STRUCTURES])
def test_every_structure_builds_a_valid_request(validator, structure):
    palletized = structure in {
        "PalletizedAssortmentCase",
        "PalletOfItems",
        "PalletizedStandardCase",
        "MasterPallet",
    }
    with_cartons = structure not in {"PalletOfItems", "MasterPallet"}
    cartons = (carton("001", ContainerContent("001", 10), sscc=SSCC_1),) if with_cartons else ()
    pallets = ()
    if palletized:
        pallets = (
            Pallet(SSCC_2, cartons=("001",))
            if with_cartons
            else Pallet(SSCC_2, (ContainerContent("001", 10),)),
        )
    body = build_shipment_confirmations(
        [
            confirmation(
                structure=structure,
                shipment_type="LessThanTruckLoad",
                cartons=cartons,
                pallets=pallets,
                bill_of_lading="BOL-1",
            )
        ]
    )

    (sent,) = body["shipmentConfirmations"]
    assert sent["shipmentMeasurements"] == ({"palletCount": 1} if pallets else {"cartonCount": 1})
    assert sent.get("shipmentStructure") == structure
    assert_valid(validator, body)
