"""Vendor Shipments v1: routing requests (SubmitShipments) Amazon routes to an ARN and a
carrier, GetShipmentDetails (filters, paging), shipment confirmations (SubmitShipmentConfirmations)
processed to Success or Failure by Amazon's rules, freight terms; rate limits and faults."""

import copy
import re
from datetime import datetime, timedelta, timezone

import pytest
from emulator_support import (
    ACKNOWLEDGEMENTS_PATH,
    NOW,
    OTHER_SELLER,
    PICKUP,
    SELLER,
    SHIPMENT_CONFIRMATIONS_PATH,
    SHIPMENTS_PATH,
    TRANSACTIONS_PATH,
    VENDOR_CODE,
    SpApi,
    ack_line,
    acknowledge,
    acknowledged_item,
    acknowledgement,
    all_shipped,
    confirm,
    error_codes,
    full_acceptance,
    iso,
    rate_limited,
    routing_item,
    routing_request,
    sample_acknowledgement,
    sample_purchase_order,
    settle,
    shipment_confirmation,
    shipped_item,
    submit_vendor,
)

from amazon_emulator.ratelimit import USAGE_PLANS

SELLER_ID = SELLER["seller_id"]
SUBMIT = "SubmitShipments"
AMAZON_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$")  # the model's examples


def amazon_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


def later(emulator, api, clock, **delta) -> None:
    """Move the clock on, with a fresh access token (they last an hour)."""
    clock.advance(**delta)
    api.token = emulator.issue_access_token(SELLER_ID)


@pytest.fixture
def order(emulator, api):
    """PO000001 (`sample_purchase_order`), fully accepted: 10 mugs, 12 glasses."""
    return acknowledge(emulator, api)


@pytest.fixture
def collect(emulator, order):
    emulator.set_vendor_freight_term(SELLER_ID, "Collect")
    return order


def request_shipments(api, *shipments):
    return submit_vendor(api, SHIPMENTS_PATH, "shipments", *shipments)


def shipments(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["payload"]["shipments"]


def identifiers(response) -> list[str]:
    return [shipment["vendorShipmentIdentifier"] for shipment in shipments(response)]


def invalid_request(response) -> dict:
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert (error["code"], error["message"]) == (
        "InvalidRequest",
        "Request is missing or has invalid parameters",
    )
    return error


def routed(emulator, api, identifier="SHIP0001", **changes) -> dict:
    """A Collect routing request Amazon took; the owner's view of its shipment."""
    assert settle(api, request_shipments(api, routing_request(identifier, **changes))) == {
        "transactionId": emulator.vendor_shipment_requests(SELLER_ID)[-1]["transaction_id"],
        "status": "Success",
    }
    return emulator.vendor_shipment(SELLER_ID, identifier)


# Routing requests


def test_amazon_routes_a_collect_shipment_to_an_arn_and_a_carrier(emulator, api, clock, collect):
    transaction_id = request_shipments(api, routing_request())

    assert emulator.vendor_shipment(SELLER_ID, "SHIP0001") is None  # Processing
    clock.advance(minutes=10)
    assert settle(api, transaction_id)["status"] == "Success"

    shipment = emulator.vendor_shipment(SELLER_ID, "SHIP0001")
    assert re.fullmatch(r"[1-9]\d{9}", shipment["arn"])
    assert shipment["status"] == "CarrierAssigned"
    assert shipment["carrier"]["name"] == "UPS Freight"
    assert shipment["carrier"]["scac"] == "UPSN"
    assert re.fullmatch(r"\d{9}", shipment["carrier"]["reference"])
    assert shipment["scheduled_pickup"] == (PICKUP, PICKUP + timedelta(hours=4))
    (served,) = shipments(api.get(SHIPMENTS_PATH))
    assert served == shipment["shipment"]
    assert served["buyerReferenceNumber"] == shipment["arn"]
    assert served["currentShipmentStatus"] == "CarrierAssigned"
    assert served["transportationDetails"]["carrierDetails"] == {
        "name": "UPS Freight",
        "code": "UPSN",
        "shipmentReferenceNumber": shipment["carrier"]["reference"],
    }
    processed = amazon_time(NOW + timedelta(minutes=10))
    assert served["collectFreightPickupDetails"] == {
        "requestedPickUp": amazon_time(PICKUP),
        "scheduledPickUp": amazon_time(PICKUP),
        "carrierAssignmentDate": processed,
    }
    assert [d["shipmentStatus"] for d in served["shipmentStatusDetails"]] == [
        "CarrierAssigned",
        "TransportationRequested",
        "Created",
    ]
    assert served["shipmentCreateDate"] == amazon_time(NOW)
    assert served["currentshipmentStatusDate"] == processed
    assert served["shipmentFreightTerm"] == "Collect"


def test_shipment_details_look_like_amazons_examples(emulator, api, collect):
    routed(emulator, api)

    (served,) = shipments(api.get(SHIPMENTS_PATH))

    for name in ("transactionDate", "shipmentCreateDate", "currentshipmentStatusDate"):
        assert AMAZON_TIME.match(served[name]), served[name]
    (order,) = served["purchaseOrders"]
    assert order["purchaseOrderDate"] == amazon_time(NOW - timedelta(hours=24))
    assert order["shipWindow"] == "03/03/2026 - 03/10/2026"
    assert order["items"] == routing_request()["purchaseOrders"][0]["items"]
    assert served["sellingParty"] == {"partyId": VENDOR_CODE}
    assert served["shipmentMeasurements"] == routing_request()["shipmentMeasurements"]


def test_without_auto_route_the_shipment_waits_for_its_carrier(emulator, api, collect):
    emulator.vendor_auto_route = False

    waiting = routed(emulator, api)

    assert (waiting["status"], waiting["carrier"], waiting["scheduled_pickup"]) == (
        "TransportationRequested",
        None,
        None,
    )
    (served,) = shipments(api.get(SHIPMENTS_PATH))
    assert served["buyerReferenceNumber"] == waiting["arn"]  # the ARN comes with the request
    assert "transportationDetails" not in served
    assert served["collectFreightPickupDetails"] == {"requestedPickUp": amazon_time(PICKUP)}


def test_the_owner_routes_a_waiting_shipment(emulator, api, clock, collect):
    emulator.vendor_auto_route = False
    routed(emulator, api)
    later(emulator, api, clock, hours=20)
    window = (PICKUP + timedelta(hours=2), PICKUP + timedelta(hours=5))

    shipment = emulator.route_vendor_shipment(
        SELLER_ID,
        "SHIP0001",
        arn="1234567890",
        carrier_scac="ABFS",
        carrier_name="ABF Freight",
        pickup=window,
        carrier_reference="PRO123456",
    )

    assert shipment["status"] == "CarrierAssigned"
    assert shipment["scheduled_pickup"] == window
    (served,) = shipments(api.get(SHIPMENTS_PATH, buyerReferenceNumber="1234567890"))
    assert served["transportationDetails"]["carrierDetails"] == {
        "name": "ABF Freight",
        "code": "ABFS",
        "shipmentReferenceNumber": "PRO123456",
    }
    assert served["collectFreightPickupDetails"]["scheduledPickUp"] == amazon_time(window[0])
    assert served["collectFreightPickupDetails"]["carrierAssignmentDate"] == amazon_time(
        NOW + timedelta(hours=20)
    )


def test_the_owner_may_route_again_or_pick_a_pickup_start(emulator, api, collect):
    first = routed(emulator, api)

    again = emulator.route_vendor_shipment(SELLER_ID, "SHIP0001", pickup=iso(PICKUP))

    assert again["arn"] == first["arn"]
    assert again["scheduled_pickup"] == (PICKUP, PICKUP + timedelta(hours=4))
    assert [d["shipmentStatus"] for d in again["shipment"]["shipmentStatusDetails"]] == [
        "CarrierAssigned",
        "TransportationRequested",
        "Created",
    ]


def test_the_owner_cannot_route_what_amazon_does_not(emulator, api, order):
    routed(emulator, api, term="Prepaid")

    with pytest.raises(ValueError, match="Prepaid"):
        emulator.route_vendor_shipment(SELLER_ID, "SHIP0001")
    with pytest.raises(KeyError):
        emulator.route_vendor_shipment(SELLER_ID, "NOSUCH")


def test_arns_are_unique(emulator, api, collect):
    emulator.vendor_auto_route = False
    routed(emulator, api, "SHIP0001", orders={"PO000001": [routing_item("1", 5)]})
    second = routed(emulator, api, "SHIP0002", orders={"PO000001": [routing_item("1", 5)]})

    with pytest.raises(ValueError, match="another shipment"):
        emulator.route_vendor_shipment(SELLER_ID, "SHIP0001", arn=second["arn"])


def test_a_prepaid_shipment_gets_no_carrier_from_amazon(emulator, api, order):
    shipment = routed(emulator, api, term="Prepaid", pickup=None, shipmentMeasurements=None)

    assert (shipment["status"], shipment["arn"], shipment["carrier"]) == ("Created", None, None)
    (served,) = shipments(api.get(SHIPMENTS_PATH))
    assert "buyerReferenceNumber" not in served
    assert "transportationDetails" not in served
    assert [d["shipmentStatus"] for d in served["shipmentStatusDetails"]] == ["Created"]


def test_a_new_request_with_an_open_identifier_updates_it(emulator, api, collect):
    emulator.vendor_auto_route = False
    first = routed(emulator, api)
    later = PICKUP + timedelta(days=1)

    update = routed(emulator, api, pickup=later, buyerReferenceNumber=first["arn"])

    assert update["arn"] == first["arn"]
    assert update["shipment"]["collectFreightPickupDetails"]["requestedPickUp"] == amazon_time(
        later
    )
    assert identifiers(api.get(SHIPMENTS_PATH)) == ["SHIP0001"]


def test_the_request_cannot_change_once_the_carrier_is_assigned(emulator, api, collect):
    routed(emulator, api)

    failed = settle(api, request_shipments(api, routing_request(pickup=PICKUP + timedelta(1))))

    assert error_codes(failed) == ["CARRIER_ALREADY_ASSIGNED"]


def test_a_cancelled_request_is_gone_and_its_arn_with_it(emulator, api, collect):
    arn = routed(emulator, api)["arn"]

    cancelled = settle(api, request_shipments(api, routing_request(transaction_type="Cancel")))

    assert cancelled["status"] == "Success"
    assert emulator.vendor_shipment(SELLER_ID, "SHIP0001")["status"] == "Cancelled"
    assert shipments(api.get(SHIPMENTS_PATH)) == []
    asn = settle(api, confirm(api, shipment_confirmation(arn=arn)))
    assert error_codes(asn) == ["INVALID_AMAZON_REFERENCE_NUMBER"]
    reused = settle(api, request_shipments(api, routing_request()))
    assert error_codes(reused) == ["DUPLICATE_SHIPMENT_ID"]


def test_an_identifier_cancelled_over_a_year_ago_may_be_used_again(emulator, api, clock, collect):
    routed(emulator, api, orders={"PO000001": [routing_item("1", 1)]})
    settle(api, request_shipments(api, routing_request(transaction_type="Cancel")))
    later(emulator, api, clock, days=366)

    again = settle(
        api,
        request_shipments(
            api,
            routing_request(
                orders={"PO000001": [routing_item("1", 1)]}, pickup=PICKUP + timedelta(367)
            ),
        ),
    )

    assert again["status"] == "Success"
    assert emulator.vendor_shipment(SELLER_ID, "SHIP0001")["status"] == "CarrierAssigned"


def test_a_shipped_request_cannot_be_cancelled(emulator, api, collect):
    arn = routed(emulator, api)["arn"]
    assert settle(api, confirm(api, shipment_confirmation(arn=arn)))["status"] == "Success"

    failed = settle(api, request_shipments(api, routing_request(transaction_type="Cancel")))

    assert error_codes(failed) == ["SHIPMENT_ALREADY_SHIPPED"]


def with_orders(orders):
    return {"orders": orders}


ROUTING_FAILURES = {
    "unknown order": (with_orders({"ZZ999999": [routing_item("1", 1)]}), "INVALID_ORDER_ID"),
    "order without number": (
        {"purchaseOrders": [{"items": [routing_item("1", 1)]}]},
        "MISSING_PURCHASE_ORDER",
    ),
    "other vendor code": ({"party": "VNDR9"}, "INVALID_SELLING_PARTY"),
    "item not on the order": (with_orders({"PO000001": [routing_item("3", 1)]}), "INVALID_ITEM"),
    "other product": (
        with_orders({"PO000001": [routing_item("1", 1, buyerProductIdentifier="B000NONE01")]}),
        "INVALID_ITEM",
    ),
    "more than acknowledged": (
        with_orders({"PO000001": [routing_item("1", 11)]}),
        "QUANTITY_EXCEEDS_ACKNOWLEDGED",
    ),
    "cases counted in eaches": (
        with_orders({"PO000001": [routing_item("2", 3, "Cases")]}),
        "QUANTITY_EXCEEDS_ACKNOWLEDGED",
    ),
    "zero quantity": (with_orders({"PO000001": [routing_item("1", 0)]}), "INVALID_QUANTITY"),
    "no freight term": ({"term": None}, "MISSING_FREIGHT_TERM"),
    "not the vendor's freight term": ({"term": "Prepaid"}, "INVALID_FREIGHT_TERM"),
    "no purchase orders": ({"purchaseOrders": []}, "MISSING_PURCHASE_ORDERS"),
    "no measurements": ({"shipmentMeasurements": None}, "MISSING_SHIPMENT_MEASUREMENTS"),
    "no pickup date": ({"pickup": None}, "MISSING_PICKUP_DATE"),
    "pickup tomorrow": ({"pickup": NOW + timedelta(days=1)}, "INVALID_PICKUP_DATE"),
}


@pytest.mark.parametrize(("changes", "code"), ROUTING_FAILURES.values(), ids=ROUTING_FAILURES)
def test_routing_requests_breaking_amazons_rules_fail(emulator, api, collect, changes, code):
    failed = settle(api, request_shipments(api, routing_request(**changes)))

    assert failed["status"] == "Failure"
    assert error_codes(failed) == [code]
    assert all(error["message"] and error["details"] for error in failed["errors"])
    assert emulator.vendor_shipment(SELLER_ID, "SHIP0001") is None
    (record,) = emulator.vendor_shipment_requests(SELLER_ID)
    assert (record["status"], record["errors"]) == ("Failure", failed["errors"])


@pytest.mark.parametrize(("state", "code"), [("New", "ORDER_NOT_ACKNOWLEDGED"), ("Closed", None)])
def test_only_acknowledged_orders_are_routed(emulator, api, state, code):
    emulator.set_vendor_freight_term(SELLER_ID, "Collect")
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order(state=state))

    failed = settle(api, request_shipments(api, routing_request()))

    assert error_codes(failed) == [code or "ORDER_CLOSED"]
    assert failed["errors"][0]["details"] == (
        "vendorShipmentIdentifier SHIP0001, purchaseOrders[0]: purchaseOrderNumber PO000001"
    )


def test_the_pickup_is_two_business_days_on_weekends_excluded(emulator, api, clock, collect):
    later(emulator, api, clock, days=4, hours=4)  # Friday 2026-03-06, 16:00
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)

    too_soon = settle(api, request_shipments(api, routing_request(pickup=monday)))
    tuesday = settle(api, request_shipments(api, routing_request(pickup=monday + timedelta(1))))

    assert error_codes(too_soon) == ["INVALID_PICKUP_DATE"]
    assert "the earliest is 2026-03-10" in too_soon["errors"][0]["details"]
    assert tuesday["status"] == "Success"


def test_one_identifier_twice_in_a_submission_fails(emulator, api, collect):
    half = {"PO000001": [routing_item("1", 5)]}

    failed = settle(
        api, request_shipments(api, routing_request(orders=half), routing_request(orders=half))
    )

    assert error_codes(failed) == ["DUPLICATE_SHIPMENT_ID"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"identifier": "NOSUCH"}, "SHIPMENT_NOT_FOUND"),
        ({"buyerReferenceNumber": "1111111111"}, "INVALID_UPDATE"),
        ({"party": "VNDR9"}, "INVALID_UPDATE"),
    ],
)
def test_cancellations_breaking_amazons_rules_fail(emulator, api, collect, changes, code):
    routed(emulator, api)

    failed = settle(
        api, request_shipments(api, routing_request(transaction_type="Cancel", **changes))
    )

    assert error_codes(failed) == [code]
    assert emulator.vendor_shipment(SELLER_ID, "SHIP0001")["status"] == "CarrierAssigned"


def test_a_cancelled_shipment_cannot_be_cancelled_again(emulator, api, collect):
    routed(emulator, api)
    cancel = routing_request(transaction_type="Cancel")
    settle(api, request_shipments(api, cancel))

    assert error_codes(settle(api, request_shipments(api, cancel))) == [
        "SHIPMENT_ALREADY_CANCELLED"
    ]


def test_the_owner_can_fail_the_next_routing_request(emulator, api, collect):
    emulator.fail_next_vendor_transaction("PO000001", "InternalFailure", "Try again later.")

    failed = settle(api, request_shipments(api, routing_request()))

    assert failed["errors"] == [{"code": "InternalFailure", "message": "Try again later."}]
    assert settle(api, request_shipments(api, routing_request()))["status"] == "Success"
    assert [
        t["subjects"] for t in emulator.vendor_transactions(SELLER_ID) if t["kind"] == SUBMIT
    ] == [["PO000001"], ["PO000001"]]


def test_amazons_tutorial_request_with_offsetless_dates_is_taken(emulator, api):
    """The tutorial's request (its containers left out: their units are not the model's)."""
    tutorial = {
        "vendorShipmentIdentifier": "00050003",
        "transactionType": "New",
        "transactionDate": "2019-08-07T19:56:45.632",
        "shipmentFreightTerm": "Collect",
        "sellingParty": {"partyId": "PQRSS"},
        "shipFromParty": {"partyId": "999US"},
        "shipToParty": {"partyId": "ABCDF"},
        "shipmentMeasurements": {"totalCartonCount": 30},
        "collectFreightPickupDetails": {"requestedPickUp": "2019-08-07T19:56:45.632"},
        "purchaseOrders": [
            {
                "purchaseOrderNumber": "1BBBAAAA",
                "items": [routing_item("001", 100, vendorProductIdentifier="9782700001659")],
            }
        ],
    }

    failed = settle(api, request_shipments(api, tutorial))

    assert "INVALID_ORDER_ID" in error_codes(failed)


@pytest.mark.contract_violations_expected
def test_a_date_time_must_still_be_one(emulator, api):
    response = api.send(
        "POST", SHIPMENTS_PATH, {"shipments": [routing_request(transactionDate="yesterday")]}
    )

    assert response.status_code == 400
    assert "'yesterday' is not a 'date-time'" in response.json()["errors"][0]["message"]
    assert emulator.vendor_shipment_requests(SELLER_ID) == []


@pytest.mark.parametrize("body", [{}, {"shipments": []}])
def test_a_submission_without_shipments_is_invalid_input(emulator, api, body):
    response = api.send("POST", SHIPMENTS_PATH, body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert emulator.vendor_shipment_requests(SELLER_ID) == []


# GetShipmentDetails


@pytest.fixture
def five(emulator, api, clock, collect):
    """SHIP0001..SHIP0005, one mug each, requested an hour apart (pickups a day apart);
    SHIP0005 waits for its carrier."""
    for index in range(1, 6):
        emulator.vendor_auto_route = index < 5
        routed(
            emulator,
            api,
            f"SHIP{index:04d}",
            orders={"PO000001": [routing_item("1", 1)]},
            pickup=PICKUP + timedelta(days=index),
        )
        later(emulator, api, clock, hours=1)
    return [f"SHIP{index:04d}" for index in range(1, 6)]


def test_shipments_are_filtered_as_the_model_says(emulator, api, five):
    arn = emulator.vendor_shipment(SELLER_ID, "SHIP0003")["arn"]
    by = {
        "vendorShipmentIdentifier": {"vendorShipmentIdentifier": "SHIP0002"},
        "buyerReferenceNumber": {"buyerReferenceNumber": arn},
        "status": {"currentShipmentStatus": "TransportationRequested"},
        "created": {
            "createdAfter": iso(NOW + timedelta(hours=1)),
            "createdBefore": iso(NOW + timedelta(hours=3)),
        },
        "requested pickup": {"requestedPickUpBefore": iso(PICKUP + timedelta(days=2))},
        "scheduled pickup": {"scheduledPickUpAfter": iso(PICKUP + timedelta(days=4))},
        "buyer warehouse": {"buyerWarehouseCode": "ABE2"},
        "other buyer warehouse": {"buyerWarehouseCode": "LEJ1"},
        "seller warehouse": {"sellerWarehouseCode": VENDOR_CODE},
        "not confirmed yet": {"shipmentConfirmedAfter": iso(NOW - timedelta(days=1))},
    }

    found = {name: identifiers(api.get(SHIPMENTS_PATH, **query)) for name, query in by.items()}

    assert found == {
        "vendorShipmentIdentifier": ["SHIP0002"],
        "buyerReferenceNumber": ["SHIP0003"],
        "status": ["SHIP0005"],
        "created": ["SHIP0002", "SHIP0003"],
        "requested pickup": ["SHIP0001"],
        "scheduled pickup": ["SHIP0004"],  # SHIP0005 has no carrier nor scheduled pickup
        "buyer warehouse": five,
        "other buyer warehouse": [],
        "seller warehouse": five,
        "not confirmed yet": [],
    }


def test_shipments_are_sorted_by_creation(emulator, api, five):
    assert identifiers(api.get(SHIPMENTS_PATH, sortOrder="DESC")) == five[::-1]


def test_pages_of_limit_shipments_keep_the_filters(emulator, api, five):
    first = api.get(SHIPMENTS_PATH, limit=3, currentShipmentStatus="CarrierAssigned")
    token = first.json()["payload"]["pagination"]["nextToken"]
    second = api.get(SHIPMENTS_PATH, nextToken=token)
    same = api.get(SHIPMENTS_PATH, nextToken=token, currentShipmentStatus="CarrierAssigned")

    assert [identifiers(r) for r in (first, second, same)] == [
        ["SHIP0001", "SHIP0002", "SHIP0003"],
        ["SHIP0004"],  # not SHIP0005, TransportationRequested
        ["SHIP0004"],
    ]
    assert "pagination" not in second.json()["payload"]


def test_a_next_token_may_come_with_a_new_page_size(emulator, api, five):
    token = api.get(SHIPMENTS_PATH, limit=1).json()["payload"]["pagination"]["nextToken"]

    page = api.get(SHIPMENTS_PATH, nextToken=token, limit=2)

    assert identifiers(page) == ["SHIP0002", "SHIP0003"]
    assert "nextToken" in page.json()["payload"]["pagination"]


def test_pages_sorted_descending_go_on_descending(emulator, api, five):
    first = api.get(SHIPMENTS_PATH, limit=3, sortOrder="DESC")
    token = first.json()["payload"]["pagination"]["nextToken"]

    assert identifiers(api.get(SHIPMENTS_PATH, nextToken=token)) == ["SHIP0002", "SHIP0001"]


def test_a_next_token_with_other_filters_or_unreadable_is_invalid(emulator, api, http, five):
    token = api.get(SHIPMENTS_PATH, limit=1).json()["payload"]["pagination"]["nextToken"]
    emulator.add_seller(**OTHER_SELLER)
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))

    other_filter = invalid_request(api.get(SHIPMENTS_PATH, nextToken=token, sortOrder="DESC"))
    unreadable = invalid_request(api.get(SHIPMENTS_PATH, nextToken="MDAwMDAwMDAwMQ=="))
    foreign = invalid_request(other.get(SHIPMENTS_PATH, nextToken=token))

    assert "sortOrder differs" in other_filter["details"]
    assert unreadable["details"] == foreign["details"]


@pytest.mark.parametrize(
    ("query", "details"),
    [
        ({"vendorShipmentIdentifier": "null"}, "vendor Shipment Identifier cannot be null"),
        ({"currentShipmentStatus": "Lost"}, "currentShipmentStatus must be one of"),
        (
            {"createdAfter": iso(NOW), "createdBefore": iso(NOW - timedelta(1))},
            "createdAfter must be before createdBefore",
        ),
    ],
)
def test_bad_filters_are_invalid_requests_as_in_amazons_sandbox(emulator, api, query, details):
    assert invalid_request(api.get(SHIPMENTS_PATH, **query))["details"].startswith(details)


@pytest.mark.contract_violations_expected
@pytest.mark.parametrize("limit", [0, 51])
def test_a_limit_outside_1_to_50_breaks_the_model(emulator, api, limit):
    response = api.get(SHIPMENTS_PATH, limit=limit)

    assert response.status_code == 400
    assert any("limit" in violation for violation in emulator.contract_violations)


def test_query_date_times_without_offset_are_utc(emulator, api, five):
    response = api.get(SHIPMENTS_PATH, createdBefore=amazon_time(NOW + timedelta(minutes=30)))

    assert identifiers(response) == ["SHIP0001"]


def test_only_the_callers_shipments_are_listed(emulator, api, http, five):
    emulator.add_seller(**OTHER_SELLER)
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))

    assert shipments(other.get(SHIPMENTS_PATH)) == []
    assert emulator.vendor_shipment(OTHER_SELLER["seller_id"], "SHIP0001") is None


# Shipment confirmations


def test_a_confirmation_ships_the_acknowledged_items(emulator, api, clock, order):
    transaction_id = confirm(api, shipment_confirmation())

    (received,) = emulator.vendor_shipment_confirmations(SELLER_ID)
    assert (received["status"], received["items"]) == ("Processing", None)
    clock.advance(minutes=3)
    assert settle(api, transaction_id)["status"] == "Success"

    (applied,) = emulator.vendor_shipment_confirmations(SELLER_ID, "PO000001")
    assert applied["status"] == "Success"
    assert applied["processed"] == NOW + timedelta(minutes=3)
    assert applied["purchase_order_numbers"] == ["PO000001"]
    assert applied["confirmation"] == shipment_confirmation()
    assert applied["items"] == [
        {
            "purchase_order_number": "PO000001",
            "item_sequence_number": "1",
            "shipment_item_sequence_number": "001",
            "amazon_product_identifier": "B000MUG001",
            "vendor_product_identifier": "MUG-1",
            "shipped": 10,
        },
        {
            "purchase_order_number": "PO000001",
            "item_sequence_number": "2",
            "shipment_item_sequence_number": "002",
            "amazon_product_identifier": "B000GLS006",
            "vendor_product_identifier": "GLASS-6",
            "shipped": 12,
        },
    ]
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {"1": 10, "2": 12}
    assert emulator.purchase_order(SELLER_ID, "PO000001")["purchaseOrderState"] == "Acknowledged"
    assert emulator.vendor_shipment_confirmations(SELLER_ID, "ZZ999999") == []


def test_partial_confirmations_then_the_rest(emulator, api, order):
    first = shipment_confirmation("ASN0001", [shipped_item("1", 4), shipped_item("2", 1, "Cases")])
    rest = shipment_confirmation("ASN0002", [shipped_item("1", 6), shipped_item("2", 6)])
    more = shipment_confirmation("ASN0003", [shipped_item("1", 1)])

    statuses = [settle(api, confirm(api, asn)) for asn in (first, rest, more)]

    assert [s["status"] for s in statuses] == ["Success", "Success", "Failure"]
    assert statuses[2]["errors"] == [
        {
            "code": "QUANTITY_EXCEEDS_ACKNOWLEDGED",
            "message": statuses[2]["errors"][0]["message"],
            "details": "shipmentIdentifier ASN0003, purchaseOrderNumber PO000001, item 1: 1 "
            "eaches, 0 left of 10 acknowledged (10 shipped before)",
        }
    ]
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {"1": 10, "2": 12}


def test_backordered_units_may_be_shipped(emulator, api):
    glasses = (
        ack_line("Accepted", 1),
        ack_line("Backordered", 1, scheduledShipDate=iso(NOW + timedelta(9))),
    )
    acknowledge(emulator, api, ack=sample_acknowledgement(glasses=glasses))

    assert settle(api, confirm(api, shipment_confirmation()))["status"] == "Success"


def test_rejected_units_may_not_be_shipped(emulator, api):
    acknowledge(
        emulator,
        api,
        ack=acknowledgement(
            "PO000001",
            [
                acknowledged_item(
                    "1",
                    {"amount": 10},
                    "12.50",
                    ack_line("Accepted", 8),
                    ack_line("Rejected", 2, rejectionReason="TemporarilyUnavailable"),
                )
            ],
        ),
    )

    failed = settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 9)])))
    glasses = settle(api, confirm(api, shipment_confirmation(items=[shipped_item("2", 1)])))

    assert error_codes(failed) == ["QUANTITY_EXCEEDS_ACKNOWLEDGED"]
    assert error_codes(glasses) == ["QUANTITY_EXCEEDS_ACKNOWLEDGED"]  # implicitly rejected


def test_a_replace_confirmation_takes_the_place_of_the_first(emulator, api, order):
    settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 10)])))
    replacement = shipment_confirmation(
        items=[shipped_item("1", 7), shipped_item("2", 2, "Cases")], kind="Replace"
    )

    assert settle(api, confirm(api, replacement))["status"] == "Success"

    first, second = emulator.vendor_shipment_confirmations(SELLER_ID)
    assert (first["replaced"], second["replaced"]) == (True, False)
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {"1": 7, "2": 12}
    rest = shipment_confirmation("ASN0002", [shipped_item("1", 3)])
    assert settle(api, confirm(api, rest))["status"] == "Success"


@pytest.mark.parametrize(
    ("party", "earlier"), [(VENDOR_CODE, False), ("VNDR9", True)], ids=["nothing", "other party"]
)
def test_a_replacement_needs_its_confirmation(emulator, api, order, party, earlier):
    if earlier:
        settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 1)])))
    replacement = shipment_confirmation(items=[shipped_item("1", 1)], kind="Replace", party=party)

    failed = settle(api, confirm(api, replacement))

    assert "INVALID_REPLACEMENT" in error_codes(failed)


def test_a_failed_confirmation_leaves_its_identifier_free(emulator, api, order):
    failed = settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 11)])))

    assert failed["status"] == "Failure"
    assert settle(api, confirm(api, shipment_confirmation()))["status"] == "Success"


def test_an_identifier_confirmed_over_a_year_ago_may_be_used_again(emulator, api, clock, order):
    settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 1)])))
    later(emulator, api, clock, days=366)

    again = shipment_confirmation(items=[shipped_item("1", 1)], shipmentConfirmationDate=iso(NOW))

    assert settle(api, confirm(api, again))["status"] == "Success"


def cartons(*contents, pallets=None):
    """Changes for `shipment_confirmation`: cartons "1", "2"... holding {itemReference:
    (amount, unit)}, and pallets (dicts) as given."""
    changes = {
        "cartons": [
            {
                "cartonSequenceNumber": str(index),
                "items": [
                    {"itemReference": ref, "shippedQuantity": {"amount": n, "unitOfMeasure": u}}
                    for ref, (n, u) in content.items()
                ],
            }
            for index, content in enumerate(contents, start=1)
        ]
    }
    if pallets is not None:
        changes["pallets"] = pallets
    return changes


def pallet(*carton_numbers, items=None):
    built = {
        "palletIdentifiers": [
            {"containerIdentificationType": "SSCC", "containerIdentificationNumber": "0012345"}
        ]
    }
    if carton_numbers:
        built["cartonReferenceDetails"] = {"cartonReferenceNumbers": list(carton_numbers)}
    if items is not None:
        built["items"] = items
    return built


MUGS = {"001": (10, "Eaches")}
GLASSES = {"002": (12, "Eaches")}


@pytest.mark.parametrize(
    "changes",
    [
        cartons({**MUGS, **GLASSES}),
        cartons({"001": (4, "Eaches")}, {"001": (6, "Eaches"), "002": (2, "Cases")}),
        cartons(MUGS, GLASSES, pallets=[pallet("1", "2")]),
        cartons(MUGS, GLASSES, pallets=[pallet("1")]),  # carton 2 on no pallet
        cartons(
            MUGS,
            GLASSES,
            pallets=[
                pallet(
                    "1",
                    "2",
                    items=[
                        {
                            "itemReference": "001",
                            "shippedQuantity": {"amount": 10, "unitOfMeasure": "Eaches"},
                        },
                        {
                            "itemReference": "002",
                            "shippedQuantity": {"amount": 2, "unitOfMeasure": "Cases"},
                        },
                    ],
                )
            ],
        ),
    ],
    ids=["one carton", "two cartons", "pallet of cartons", "loose carton", "pallet of items"],
)
def test_cartons_and_pallets_that_hold_the_shipment(emulator, api, order, changes):
    assert settle(api, confirm(api, shipment_confirmation(**changes)))["status"] == "Success"


def test_an_item_spread_over_two_orders_by_its_cartons(emulator, api, order):
    acknowledge(emulator, api, "PO000002")
    item = shipped_item("001", 15, number=None, amazonProductIdentifier="B000MUG001")
    in_cartons = cartons({"001": (10, "Eaches")}, {"001": (5, "Eaches")})
    in_cartons["cartons"][0]["items"][0]["itemDetails"] = {"purchaseOrderNumber": "PO000001"}
    in_cartons["cartons"][1]["items"][0]["itemDetails"] = {"purchaseOrderNumber": "PO000002"}

    done = settle(api, confirm(api, shipment_confirmation(items=[item], **in_cartons)))

    assert done["status"] == "Success"
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {"1": 10}
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000002") == {"1": 5}
    (record,) = emulator.vendor_shipment_confirmations(SELLER_ID, "PO000002")
    assert record["purchase_order_numbers"] == ["PO000001", "PO000002"]


ASN_FAILURES = {
    "unknown order": ({"items": all_shipped("ZZ999999")}, "INVALID_ORDER_ID"),
    "no order number": ({"items": [shipped_item("1", 1, number=None)]}, "MISSING_PURCHASE_ORDER"),
    "other vendor code": ({"party": "VNDR9"}, "INVALID_SELLING_PARTY"),
    "item not on the order": ({"items": [shipped_item("3", 1)]}, "INVALID_ITEM"),
    "other product": (
        {"items": [shipped_item("1", 1, amazonProductIdentifier="B000NONE01")]},
        "INVALID_ITEM",
    ),
    "one line twice": (
        {"items": [shipped_item("1", 5), shipped_item("001", 5)]},
        "INVALID_ITEM",
    ),
    "more than acknowledged": (
        {"items": [shipped_item("1", 11)]},
        "QUANTITY_EXCEEDS_ACKNOWLEDGED",
    ),
    "more cases than acknowledged": (
        {"items": [shipped_item("2", 3, "Cases")]},
        "QUANTITY_EXCEEDS_ACKNOWLEDGED",
    ),
    "zero quantity": ({"items": [shipped_item("1", 0)]}, "INVALID_QUANTITY"),
    "shipped in the future": (
        {"shippedDate": iso(NOW + timedelta(hours=1))},
        "INVALID_SHIPPED_DATE",
    ),
    "cartons hold less": (cartons(MUGS, {"002": (11, "Eaches")}), "CONTAINER_QUANTITY_MISMATCH"),
    "an item in no carton": (cartons(MUGS), "CONTAINER_QUANTITY_MISMATCH"),
    "a carton of an unshipped item": (
        cartons(MUGS, GLASSES, {"003": (1, "Eaches")}),
        "INVALID_CONTAINER",
    ),
    "a pallet of an unknown carton": (
        cartons(MUGS, GLASSES, pallets=[pallet("1", "2", "9")]),
        "INVALID_CONTAINER",
    ),
    "a carton on two pallets": (
        cartons(MUGS, GLASSES, pallets=[pallet("1", "2"), pallet("2")]),
        "INVALID_CONTAINER",
    ),
}


@pytest.mark.parametrize(("changes", "code"), ASN_FAILURES.values(), ids=ASN_FAILURES)
def test_confirmations_breaking_amazons_rules_fail(emulator, api, order, changes, code):
    failed = settle(api, confirm(api, shipment_confirmation(**changes)))

    assert failed["status"] == "Failure"
    assert code in error_codes(failed)
    assert set(error_codes(failed)) <= {code, "CONTAINER_QUANTITY_MISMATCH"}
    assert all(error["message"] and error["details"] for error in failed["errors"])
    assert all("shipmentIdentifier ASN0001" in e["details"] for e in failed["errors"])
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {}
    (record,) = emulator.vendor_shipment_confirmations(SELLER_ID)
    assert (record["status"], record["errors"], record["items"]) == (
        "Failure",
        failed["errors"],
        None,
    )


def test_a_reused_identifier_fails_unless_it_replaces(emulator, api, order):
    settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 1)])))

    again = settle(api, confirm(api, shipment_confirmation(items=[shipped_item("1", 1)])))

    assert error_codes(again) == ["DUPLICATE_SHIPMENT_ID"]
    assert again["errors"][0]["details"].startswith("shipmentIdentifier ASN0001: confirmed ")


def test_one_identifier_twice_in_a_submission_is_a_duplicate(emulator, api, order):
    one = shipment_confirmation(items=[shipped_item("1", 1)])

    assert error_codes(settle(api, confirm(api, one, copy.deepcopy(one)))) == [
        "DUPLICATE_SHIPMENT_ID"
    ]


def test_confirmations_of_one_submission_add_up(emulator, api, order):
    first = shipment_confirmation("ASN0001", [shipped_item("1", 6)])
    second = shipment_confirmation("ASN0002", [shipped_item("1", 6)])

    failed = settle(api, confirm(api, first, second))

    assert error_codes(failed) == ["QUANTITY_EXCEEDS_ACKNOWLEDGED"]
    assert "ASN0002" in failed["errors"][0]["details"]
    assert [r["status"] for r in emulator.vendor_shipment_confirmations(SELLER_ID)] == [
        "Failure",
        "Failure",
    ]


@pytest.mark.parametrize(("state", "code"), [("New", "ORDER_NOT_ACKNOWLEDGED"), ("Closed", None)])
def test_only_acknowledged_orders_are_confirmed(emulator, api, state, code):
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order(state=state))

    failed = settle(api, confirm(api, shipment_confirmation()))

    assert error_codes(failed) == [code or "ORDER_CLOSED"]


def test_a_collect_confirmation_names_the_arn_amazon_assigned(emulator, api, clock, collect):
    arn = routed(emulator, api)["arn"]
    later(emulator, api, clock, days=3)

    missing = settle(api, confirm(api, shipment_confirmation()))
    unknown = settle(api, confirm(api, shipment_confirmation(arn="9999999999")))
    shipped = settle(
        api,
        confirm(
            api,
            shipment_confirmation(
                arn=arn,
                estimatedDeliveryDate=iso(NOW + timedelta(days=5)),
                transportationDetails={"billOfLadingNumber": "BOL0001", "carrierScac": "UPSN"},
            ),
        ),
    )

    assert error_codes(missing) == ["MISSING_AMAZON_REFERENCE_NUMBER"]
    assert error_codes(unknown) == ["INVALID_AMAZON_REFERENCE_NUMBER"]
    assert shipped["status"] == "Success"
    shipment = emulator.vendor_shipment(SELLER_ID, "SHIP0001")
    assert shipment["status"] == "Shipped"
    (served,) = shipments(api.get(SHIPMENTS_PATH, currentShipmentStatus="Shipped"))
    assert served["shipmentConfirmDate"] == amazon_time(NOW)
    transport = served["transportationDetails"]
    assert transport["shippedDate"] == amazon_time(NOW - timedelta(hours=1))
    assert transport["estimatedDeliveryDate"] == amazon_time(NOW + timedelta(days=5))
    assert transport["billOfLadingNumber"] == "BOL0001"
    assert identifiers(api.get(SHIPMENTS_PATH, shippedAfter=iso(NOW - timedelta(hours=2)))) == [
        "SHIP0001"
    ]
    assert identifiers(api.get(SHIPMENTS_PATH, shipmentConfirmedBefore=iso(NOW))) == []


def test_another_vendors_arn_is_not_valid(emulator, api, http, collect):
    arn = routed(emulator, api)["arn"]
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_purchase_order(OTHER_SELLER["seller_id"], sample_purchase_order())
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))
    ack = submit_vendor(other, ACKNOWLEDGEMENTS_PATH, "acknowledgements", full_acceptance())
    settle(other, ack)

    failed = settle(other, confirm(other, shipment_confirmation(arn=arn)))

    assert error_codes(failed) == ["INVALID_AMAZON_REFERENCE_NUMBER"]


def test_a_prepaid_confirmation_ships_its_routing_request(emulator, api, order):
    routed(emulator, api, "ASN0001", term="Prepaid")

    assert settle(api, confirm(api, shipment_confirmation("ASN0001")))["status"] == "Success"

    assert emulator.vendor_shipment(SELLER_ID, "ASN0001")["status"] == "Shipped"


def test_the_owner_can_fail_the_next_confirmation(emulator, api, order):
    emulator.fail_next_vendor_transaction("PO000001", "InternalFailure", "Try again later.")

    failed = settle(api, confirm(api, shipment_confirmation()))

    assert error_codes(failed) == ["InternalFailure"]
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {}
    assert settle(api, confirm(api, shipment_confirmation()))["status"] == "Success"


def test_amazons_sandbox_confirmation_is_taken_then_fails(emulator, api):
    sandbox = {
        "shipmentIdentifier": "TestShipmentConfirmation202",
        "shipmentConfirmationDate": "2021-03-11T12:38:23.388Z",
        "sellingParty": {"partyId": "ABCD1"},
        "shipFromParty": {"partyId": "EFGH1"},
        "shipToParty": {"partyId": "JKL1"},
        "shipmentConfirmationType": "Original",
        "shippedItems": [
            {
                "itemSequenceNumber": "001",
                "shippedQuantity": {"amount": 100, "unitOfMeasure": "Eaches"},
                "itemDetails": {"purchaseOrderNumber": "TestOrder202"},
            }
        ],
    }

    failed = settle(api, confirm(api, sandbox))

    assert error_codes(failed) == ["INVALID_ORDER_ID"]


@pytest.mark.parametrize("body", [{}, {"shipmentConfirmations": []}])
def test_a_submission_without_confirmations_is_invalid_input(emulator, api, body):
    response = api.send("POST", SHIPMENT_CONFIRMATIONS_PATH, body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert emulator.vendor_shipment_confirmations(SELLER_ID) == []


@pytest.mark.contract_violations_expected
def test_a_confirmation_breaking_the_model_is_refused(emulator, api, order):
    body = shipment_confirmation()
    del body["shipFromParty"]
    body["shippedItems"][0]["shippedQuantity"]["unitOfMeasure"] = "Each"

    response = api.send("POST", SHIPMENT_CONFIRMATIONS_PATH, {"shipmentConfirmations": [body]})

    assert response.status_code == 400
    messages = " ".join(error["message"] for error in response.json()["errors"])
    assert "'shipFromParty' is a required property" in messages
    assert "'Each' is not one of" in messages
    assert emulator.vendor_shipment_confirmations(SELLER_ID) == []


# Freight terms, scenarios, reset


def test_freight_terms_are_prepaid_or_collect(emulator):
    assert emulator.vendor_freight_term(SELLER_ID) == "Prepaid"
    emulator.set_vendor_freight_term(SELLER_ID, "Collect")
    assert emulator.vendor_freight_term(SELLER_ID) == "Collect"
    with pytest.raises(ValueError, match="Prepaid, Collect"):
        emulator.set_vendor_freight_term(SELLER_ID, "WePay")
    with pytest.raises(KeyError):
        emulator.set_vendor_freight_term("NOSUCHSELLER", "Collect")


def test_scenarios_may_hold_freight_terms(emulator):
    emulator.load_scenario({"vendor_freight_terms": {SELLER_ID: "Collect"}})

    assert emulator.vendor_freight_term(SELLER_ID) == "Collect"


def test_reset_forgets_shipments_confirmations_and_freight_terms(emulator, api, collect):
    arn = routed(emulator, api)["arn"]
    settle(api, confirm(api, shipment_confirmation(arn=arn)))
    emulator.vendor_auto_route = False

    emulator.reset()
    emulator.add_seller(**SELLER)

    assert emulator.vendor_freight_term(SELLER_ID) == "Prepaid"
    assert emulator.vendor_auto_route is True
    assert emulator.vendor_shipment(SELLER_ID, "SHIP0001") is None
    assert emulator.vendor_shipment_requests(SELLER_ID) == []
    assert emulator.vendor_shipment_confirmations(SELLER_ID) == []
    assert emulator.vendor_shipped_quantities(SELLER_ID, "PO000001") == {}


# Rate limits and faults

SHIPMENT_OPERATIONS = ("SubmitShipments", "GetShipmentDetails", "SubmitShipmentConfirmations")


def call(api, operation):
    calls = {
        "SubmitShipments": lambda: api.send(
            "POST", SHIPMENTS_PATH, {"shipments": [routing_request(term="Prepaid")]}
        ),
        "GetShipmentDetails": lambda: api.get(SHIPMENTS_PATH),
        "SubmitShipmentConfirmations": lambda: api.send(
            "POST",
            SHIPMENT_CONFIRMATIONS_PATH,
            {"shipmentConfirmations": [shipment_confirmation()]},
        ),
    }
    return calls[operation]()


def test_shipment_replies_tell_their_usage_plans(emulator, api):
    replies = {operation: call(api, operation) for operation in SHIPMENT_OPERATIONS}

    assert {op: reply.status_code for op, reply in replies.items()} == {
        "SubmitShipments": 202,
        "GetShipmentDetails": 200,
        "SubmitShipmentConfirmations": 202,
    }
    assert {op: reply.headers["x-amzn-RateLimit-Limit"] for op, reply in replies.items()} == {
        op: "10" for op in SHIPMENT_OPERATIONS
    }
    assert [(USAGE_PLANS[op].rate, USAGE_PLANS[op].burst) for op in SHIPMENT_OPERATIONS] == [
        (10, 10)
    ] * 3


@pytest.mark.parametrize("operation", SHIPMENT_OPERATIONS)
def test_shipment_operations_burst_ten_then_throttle(http, operation):
    with rate_limited(http) as (amazon, api, clock):
        statuses = [call(api, operation).status_code for _ in range(11)]
        clock.advance(0.1)
        then = call(api, operation).status_code

        amazon.assert_contract_clean()
    assert statuses[10] == 429
    assert set(statuses[:10]) <= {200, 202}
    assert then in (200, 202)


@pytest.mark.parametrize("operation", SHIPMENT_OPERATIONS)
def test_injected_throttles_reach_the_shipment_operations(emulator, api, operation):
    emulator.inject_fault("throttle", operation, retry_after=1)

    throttled, then = call(api, operation), call(api, operation)

    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "10"
    assert throttled.headers["Retry-After"] == "1"
    assert then.status_code in (200, 202)


def test_a_server_error_on_submission_records_nothing(emulator, api, order):
    emulator.inject_fault("server_error", "SubmitShipmentConfirmations", status=503)

    response = call(api, "SubmitShipmentConfirmations")

    assert response.status_code == 503
    assert emulator.vendor_shipment_confirmations(SELLER_ID) == []


def test_a_truncated_listing_cuts_the_real_body(emulator, api, collect):
    routed(emulator, api)
    full = api.get(SHIPMENTS_PATH).content
    emulator.inject_fault("truncated", "GetShipmentDetails")

    assert api.get(SHIPMENTS_PATH).content == full[: len(full) // 2]


def test_transactions_tell_their_kind(emulator, api, order):
    for operation in ("SubmitShipments", "SubmitShipmentConfirmations"):
        transaction_id = call(api, operation).json()["payload"]["transactionId"]
        assert api.get(f"{TRANSACTIONS_PATH}/{transaction_id}").status_code == 200

    kinds = [t["kind"] for t in emulator.vendor_transactions(SELLER_ID)]

    assert kinds == ["submitAcknowledgement", "SubmitShipments", "SubmitShipmentConfirmations"]
