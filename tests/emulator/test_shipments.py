"""Orders v0 confirmShipment: Amazon's checks, and the order it changes."""

import pytest
from emulator_support import (
    DE,
    OTHER_SELLER,
    SELLER,
    US,
    iso,
    order_id,
    requires_models,
    sample_order,
)

from amazon_emulator import make_order

SELLER_ID = SELLER["seller_id"]


def confirm_path(number: int) -> str:
    return f"/orders/v0/orders/{order_id(number)}/shipmentConfirmation"


def item_id(emulator, number: int, index: int = 0) -> str:
    order = emulator.get_stored_order(SELLER_ID, order_id(number))
    return order["orderItems"][index]["orderItemId"]


def confirmation(emulator, number=1, quantity=2, reference="1", **package) -> dict:
    return {
        "marketplaceId": US,
        "packageDetail": {
            "packageReferenceId": reference,
            "carrierCode": "UPS",
            "shippingMethod": "UPS Ground",
            "trackingNumber": "1Z999AA10123456784",
            "shipDate": "2026-03-02T10:00:00Z",
            "orderItems": [{"orderItemId": item_id(emulator, number), "quantity": quantity}],
            **package,
        },
    }


@pytest.fixture
def order(emulator):
    emulator.add_order(SELLER_ID, sample_order(1, hours_ago=30))
    return emulator.get_stored_order(SELLER_ID, order_id(1))


def test_confirmation_ships_the_order(emulator, api, clock, order):
    clock.advance(minutes=10)
    body = confirmation(emulator)

    response = api.send("POST", confirm_path(1), body)

    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["x-amzn-RateLimit-Limit"] == "2"
    assert response.headers["x-amzn-RequestId"]
    stored = emulator.get_stored_order(SELLER_ID, order_id(1))
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert stored["lastUpdatedTime"] == iso(clock())
    assert stored["orderItems"][0]["fulfillment"] == {
        "quantityFulfilled": 2,
        "quantityUnfulfilled": 0,
    }
    assert stored["packages"] == [
        {
            "packageReferenceId": "1",
            "createdTime": iso(clock()),
            "packageStatus": {"status": "SHIPPED"},
            "carrier": "UPS",
            "shipTime": "2026-03-02T10:00:00Z",
            "trackingNumber": "1Z999AA10123456784",
            "shippingService": "UPS Ground",
            "packageItems": [{"orderItemId": item_id(emulator, 1), "quantity": 2}],
        }
    ]
    assert emulator.shipments_for(SELLER_ID, order_id(1)) == [body]
    served = api.get_order(order_id(1), includedData=["PACKAGES", "FULFILLMENT"]).json()
    assert served["order"]["packages"] == stored["packages"]  # and valid against the model


def test_partial_shipments_then_the_rest(emulator, api, order):
    first = confirmation(emulator, quantity=1)
    second = confirmation(emulator, quantity=1, reference="2", carrierCode="Other")
    second["packageDetail"]["carrierName"] = "Local Courier"

    assert api.send("POST", confirm_path(1), first).status_code == 204
    partly = emulator.get_stored_order(SELLER_ID, order_id(1))
    assert partly["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert partly["orderItems"][0]["fulfillment"] == {
        "quantityFulfilled": 1,
        "quantityUnfulfilled": 1,
    }

    assert api.send("POST", confirm_path(1), second).status_code == 204
    shipped = emulator.get_stored_order(SELLER_ID, order_id(1))
    assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["carrier"] for p in shipped["packages"]] == ["UPS", "Local Courier"]
    assert emulator.shipments_for(SELLER_ID, order_id(1)) == [first, second]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"marketplaceId": DE}, f"is not the marketplace of order {order_id(1)}"),
        ({"orderItemId": "99999999999999"}, "orderItemId 99999999999999 is not an item"),
        ({"quantity": 3}, "is more than its unshipped quantity (2)"),
        ({"quantity": 0}, "must be >= 1"),
        ({"packageReferenceId": "PKG-1"}, "only positive numeric values"),
        ({"carrierCode": "Other"}, "carrierName is required when carrierCode is Other"),
        ({"orderItems": []}, "must list at least one order item"),
        ({"codCollectionMethod": "DirectPayment"}, "only supported in the JP marketplace"),
    ],
)
def test_business_rules(emulator, api, order, change, complaint):
    body = confirmation(emulator)
    package = body["packageDetail"]
    for key, value in change.items():
        if key in ("marketplaceId", "codCollectionMethod"):
            body[key] = value
        elif key in ("orderItemId", "quantity"):
            package["orderItems"][0][key] = value
        else:
            package[key] = value

    response = api.send("POST", confirm_path(1), body)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidInput"
    assert complaint in error["message"]
    assert emulator.get_stored_order(SELLER_ID, order_id(1)) == order
    assert emulator.shipments_for(SELLER_ID, order_id(1)) == []
    assert emulator.shipments_for(SELLER_ID, order_id(1), include_rejected=True) == [body]


@pytest.mark.parametrize(
    ("fulfilled_by", "status", "complaint"),
    [
        ("AMAZON", "UNSHIPPED", "is fulfilled by Amazon"),
        ("MERCHANT", "CANCELLED", "is cancelled"),
        ("MERCHANT", "PENDING", "is pending"),
    ],
)
def test_orders_that_cannot_be_confirmed(emulator, api, fulfilled_by, status, complaint):
    emulator.add_order(SELLER_ID, sample_order(2, fulfilled_by=fulfilled_by, status=status))

    response = api.send("POST", confirm_path(2), confirmation(emulator, number=2, quantity=1))

    assert response.status_code == 400
    assert complaint in response.json()["errors"][0]["message"]


def test_quantities_of_one_request_add_up(emulator, api, order):
    body = confirmation(emulator, quantity=1)
    body["packageDetail"]["orderItems"] *= 3

    response = api.send("POST", confirm_path(1), body)

    assert response.status_code == 400
    assert "quantity 3 of orderItemId" in response.json()["errors"][0]["message"]


def test_package_reference_is_unique_per_order(emulator, api, order):
    assert api.send("POST", confirm_path(1), confirmation(emulator, quantity=1)).status_code == 204

    response = api.send("POST", confirm_path(1), confirmation(emulator, quantity=1))

    assert response.status_code == 400
    assert "packageReferenceId 1 is already used" in response.json()["errors"][0]["message"]
    assert len(emulator.shipments_for(SELLER_ID, order_id(1))) == 1


def test_shipped_orders_have_nothing_left_to_ship(emulator, api):
    emulator.add_order(SELLER_ID, sample_order(2, status="SHIPPED"))

    response = api.send(
        "POST", confirm_path(2), confirmation(emulator, 2, quantity=1, reference="5")
    )

    assert response.status_code == 400
    assert "unshipped quantity (0)" in response.json()["errors"][0]["message"]


def test_unknown_orders_and_orders_of_other_sellers_are_not_found(emulator, api, order):
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_order(OTHER_SELLER["seller_id"], sample_order(2))
    body = confirmation(emulator)

    for number in (2, 3):
        response = api.send("POST", confirm_path(number), body)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NotFound"


def test_reject_next_shipment(emulator, api, order):
    emulator.reject_next_shipment(order_id(1), "Tracking number is not valid for the carrier.")
    body = confirmation(emulator)

    rejected = api.send("POST", confirm_path(1), body)
    accepted = api.send("POST", confirm_path(1), body)

    assert rejected.status_code == 400
    assert rejected.json() == {
        "errors": [
            {"code": "InvalidInput", "message": "Tracking number is not valid for the carrier."}
        ]
    }
    assert accepted.status_code == 204
    assert emulator.shipments_for(SELLER_ID, order_id(1)) == [body]
    assert emulator.shipments_for(SELLER_ID, order_id(1), include_rejected=True) == [body, body]


def test_faults(emulator, api, order):
    emulator.inject_fault("throttle", "confirmShipment")
    emulator.inject_fault("server_error", "confirmShipment", status=503)
    body = confirmation(emulator)

    statuses = [api.send("POST", confirm_path(1), body).status_code for _ in range(3)]

    assert statuses == [429, 503, 204]
    assert len(emulator.shipments_for(SELLER_ID, order_id(1))) == 1


def test_recorded(emulator, api, order):
    api.send("POST", confirm_path(1), confirmation(emulator))

    (record,) = emulator.requests_for("confirmShipment")
    assert (record.method, record.status, record.response_json) == ("POST", 204, None)


def test_reset_forgets_shipments(emulator, api, order):
    api.send("POST", confirm_path(1), confirmation(emulator))
    emulator.reject_next_shipment(order_id(1), "no")

    emulator.reset()
    emulator.add_seller(**SELLER)
    emulator.add_order(SELLER_ID, sample_order(1))

    assert emulator.shipments_for(SELLER_ID, order_id(1)) == []
    assert api.send("POST", confirm_path(1), confirmation(emulator)).status_code == 204


@requires_models
@pytest.mark.contract_violations_expected
def test_requests_breaking_the_model_are_caught(emulator, api, order):
    body = confirmation(emulator)
    del body["packageDetail"]["trackingNumber"]
    body["packageDetail"]["shipDate"] = "03/02/2026"

    response = api.send("POST", confirm_path(1), body)

    assert response.status_code == 400
    violations = "\n".join(emulator.contract_violations)
    assert "confirmShipment request: body parameter 'payload'" in violations
    assert "'trackingNumber' is a required property" in violations
    assert "'03/02/2026' is not a 'date-time'" in violations
    assert emulator.get_stored_order(SELLER_ID, order_id(1)) == order


def test_orders_from_make_order_can_be_confirmed_item_by_item(emulator, api):
    emulator.add_order(
        SELLER_ID,
        make_order(
            order_id(7),
            US,
            "MERCHANT",
            "UNSHIPPED",
            [
                {"sku": "A", "asin": "B000000001", "quantity": 1, "unit_price": "5.00"},
                {"sku": "B", "asin": "B000000002", "quantity": 1, "unit_price": "6.00"},
            ],
        ),
    )
    body = confirmation(emulator, number=7, quantity=1)
    second = confirmation(emulator, number=7, quantity=1, reference="2")
    second["packageDetail"]["orderItems"][0]["orderItemId"] = item_id(emulator, 7, 1)

    statuses = []
    for request in (body, second):
        api.send("POST", confirm_path(7), request)
        stored = emulator.get_stored_order(SELLER_ID, order_id(7))
        statuses.append(stored["fulfillment"]["fulfillmentStatus"])

    assert statuses == ["PARTIALLY_SHIPPED", "SHIPPED"]
