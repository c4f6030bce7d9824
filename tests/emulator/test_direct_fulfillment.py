"""Vendor Direct Fulfillment and the Tokens API: Restricted Data Tokens on the restricted
operations, getOrders' window, filters and pages, submissions processed asynchronously
(acknowledgements, labels, shipment confirmations, status updates, invoices, inventory), the
documents Amazon serves (labels, packing slips, customer invoices) and the owner's view."""

import base64
import json
from datetime import timedelta

import pytest
from emulator_support import NOW, OTHER_SELLER, SELLER, TRANSACTIONS_PATH, SpApi, iso

from amazon_emulator import make_df_order
from amazon_emulator.ratelimit import USAGE_PLANS
from amazon_emulator.scenarios import DEMO_SELLER_ID

SELLER_ID = SELLER["seller_id"]
VENDOR = "DFVENDOR"
WAREHOUSE = "DFWH1"
ORDERS = "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"
ACKNOWLEDGEMENTS = "/vendor/directFulfillment/orders/2021-12-28/acknowledgements"
DF_TRANSACTIONS = "/vendor/directFulfillment/transactions/2021-12-28/transactions"
SHIPPING = "/vendor/directFulfillment/shipping/2021-12-28"
LABELS = f"{SHIPPING}/shippingLabels"
CONFIRMATIONS = f"{SHIPPING}/shipmentConfirmations"
STATUS_UPDATES = f"{SHIPPING}/shipmentStatusUpdates"
PACKING_SLIPS = f"{SHIPPING}/packingSlips"
CUSTOMER_INVOICES = f"{SHIPPING}/customerInvoices"
INVOICES = "/vendor/directFulfillment/payments/v1/invoices"
INVENTORY = f"/vendor/directFulfillment/inventory/v1/warehouses/{WAREHOUSE}/items"
TOKENS = "/tokens/2021-03-01/restrictedDataToken"
# What a Restricted Data Token covering every restricted DF resource names.
ALL_RESTRICTED = [
    ("GET", ORDERS),
    ("GET", f"{ORDERS}/{{purchaseOrderNumber}}"),
    ("GET", LABELS),
    ("GET", f"{LABELS}/{{purchaseOrderNumber}}"),
    ("POST", f"{LABELS}/{{purchaseOrderNumber}}"),
    ("GET", PACKING_SLIPS),
    ("GET", f"{PACKING_SLIPS}/{{purchaseOrderNumber}}"),
    ("GET", CUSTOMER_INVOICES),
    ("GET", f"{CUSTOMER_INVOICES}/{{purchaseOrderNumber}}"),
]
DENIED = "Access to requested resource is denied."


@pytest.fixture
def rdt(api) -> SpApi:
    """The seller's calls with a Restricted Data Token covering every restricted resource."""
    return SpApi(api.http, restricted_token(api, *ALL_RESTRICTED))


def restricted_token(api: SpApi, *resources) -> str:
    response = api.send(
        "POST",
        TOKENS,
        {"restrictedResources": [{"method": m, "path": p} for m, p in resources]},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["expiresIn"] == 3600
    assert answer["restrictedDataToken"].startswith("Atz.sprdt|")
    return answer["restrictedDataToken"]


def add_order(emulator, number="DF000001", minutes_ago=45, items=None, **options):
    """A NEW DF order for SELLER created `minutes_ago` before NOW: 2 mugs at 6.00 and one
    bottle at 9.50 unless `items` say otherwise."""
    emulator.add_df_order(
        SELLER_ID,
        make_df_order(
            number,
            created=NOW - timedelta(minutes=minutes_ago),
            items=items or [("MUG-1", 2, "6.00"), ("BOTTLE-1", 1, "9.50", "B000BTL001")],
            **options,
        ),
    )
    return number


def window(after_minutes=60, before_minutes=30) -> dict:
    return {
        "createdAfter": iso(NOW - timedelta(minutes=after_minutes)),
        "createdBefore": iso(NOW - timedelta(minutes=before_minutes)),
    }


def submit(api, path, name, *entries, payload=False) -> str:
    response = api.send("POST", path, {name: list(entries)})
    assert response.status_code == 202, response.text
    answer = response.json()
    return (answer["payload"] if payload else answer)["transactionId"]


def poll(api, transaction_id) -> dict:
    response = api.get(f"{DF_TRANSACTIONS}/{transaction_id}")
    assert response.status_code == 200, response.text
    return response.json()["transactionStatus"]


def settle(api, transaction_id) -> dict:
    for _ in range(10):
        status = poll(api, transaction_id)
        if status["status"] != "Processing":
            return status
    raise AssertionError("the transaction is still Processing")


def parties(party=VENDOR, warehouse=WAREHOUSE) -> dict:
    return {"sellingParty": {"partyId": party}, "shipFromParty": {"partyId": warehouse}}


def acknowledgement(number="DF000001", code="00", quantities=(2, 1), **overrides) -> dict:
    return {
        "purchaseOrderNumber": number,
        "vendorOrderNumber": f"V-{number}",
        "acknowledgementDate": iso(NOW),
        "acknowledgementStatus": {"code": code, "description": "Accepted"},
        **parties(),
        "itemAcknowledgements": [
            {
                "itemSequenceNumber": str(sequence),
                "acknowledgedQuantity": {"amount": amount, "unitOfMeasure": "Each"},
            }
            for sequence, amount in enumerate(quantities, start=1)
        ],
        **overrides,
    }


def acknowledge(api, number="DF000001", code="00") -> dict:
    return settle(
        api, submit(api, ACKNOWLEDGEMENTS, "orderAcknowledgements", acknowledgement(number, code))
    )


def container(identifier="BOX1", items=((1, 2), (2, 1)), **extra) -> dict:
    return {
        "containerType": "Carton",
        "containerIdentifier": identifier,
        "weight": {"unitOfMeasure": "KG", "value": "1.5"},
        "packedItems": [
            {"itemSequenceNumber": s, "packedQuantity": {"amount": q, "unitOfMeasure": "Each"}}
            for s, q in items
        ],
        **extra,
    }


def label_request(number="DF000001", *containers) -> dict:
    request = {"purchaseOrderNumber": number, **parties()}
    if containers:
        request["containers"] = list(containers)
    return request


def confirmation(number="DF000001", shipped=((1, 2), (2, 1)), status="SHIPPED") -> dict:
    return {
        "purchaseOrderNumber": number,
        "shipmentDetails": {"shippedDate": iso(NOW), "shipmentStatus": status},
        **parties(),
        "items": [
            {"itemSequenceNumber": s, "shippedQuantity": {"amount": q, "unitOfMeasure": "Each"}}
            for s, q in shipped
        ],
        "containers": [
            container(
                items=shipped,
                trackingNumber="1ZTRACK0001",
                shipMethod="UPS_GR_RES",
                scacCode="UPSN",
            )
        ],
    }


def status(emulator, number="DF000001") -> str:
    return emulator.df_order(SELLER_ID, number)["orderDetails"]["orderStatus"]


def inventory(full: bool, items: dict) -> dict:
    return {
        "inventory": {
            "sellingParty": {"partyId": VENDOR},
            "isFullUpdate": full,
            "items": [
                {
                    "vendorProductIdentifier": sku,
                    "availableQuantity": {"amount": amount, "unitOfMeasure": "Each"},
                }
                for sku, amount in items.items()
            ],
        }
    }


def update_inventory(api, body) -> dict:
    response = api.send("POST", INVENTORY, body)
    assert response.status_code == 202, response.text
    return settle(api, response.json()["payload"]["transactionId"])


def invoice(number="INV-1", order="DF000001") -> dict:
    address = {
        "name": "Demo Vendor",
        "addressLine1": "1 Warehouse Road",
        "city": "Reno",
        "stateOrRegion": "NV",
        "postalCode": "89501",
        "countryCode": "US",
    }
    return {
        "invoiceNumber": number,
        "invoiceDate": iso(NOW),
        "remitToParty": {"partyId": VENDOR, "address": address},
        "shipFromParty": {"partyId": WAREHOUSE},
        "invoiceTotal": {"currencyCode": "USD", "amount": "21.50"},
        "items": [
            {
                "itemSequenceNumber": "1",
                "invoicedQuantity": {"amount": 2, "unitOfMeasure": "Each"},
                "netCost": {"currencyCode": "USD", "amount": "6.00"},
                "purchaseOrderNumber": order,
            }
        ],
    }


def error_message(response) -> str:
    (error,) = response.json()["errors"]
    return error["message"]


# Restricted Data Tokens


def test_restricted_operations_refuse_the_lwa_token(emulator, api):
    add_order(emulator)

    for path in (ORDERS, f"{ORDERS}/DF000001", f"{LABELS}/DF000001", f"{PACKING_SLIPS}/DF000001"):
        response = api.get(path, **(window() if path == ORDERS else {}))
        assert response.status_code == 403, path
        (error,) = response.json()["errors"]
        assert (error["code"], error["message"]) == ("Unauthorized", DENIED)
        assert "Restricted Data Token" in error["details"]


def test_a_restricted_data_token_covers_what_it_names(emulator, api):
    add_order(emulator)
    add_order(emulator, "DF000002")
    token = restricted_token(api, ("GET", f"{ORDERS}/DF000001"))

    assert api.get(f"{ORDERS}/DF000001", token=token).status_code == 200
    refused = api.get(f"{ORDERS}/DF000002", token=token)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"] == (
        f"The Restricted Data Token does not cover GET {ORDERS}/DF000002."
    )
    generic = restricted_token(api, ("GET", f"{ORDERS}/{{purchaseOrderNumber}}"))
    assert api.get(f"{ORDERS}/DF000002", token=generic).status_code == 200
    assert api.get(ORDERS, token=generic, **window()).status_code == 403


def test_a_restricted_data_token_expires_and_only_serves_restricted_operations(
    emulator, api, rdt, clock
):
    add_order(emulator)

    refused = rdt.send("POST", ACKNOWLEDGEMENTS, {"orderAcknowledgements": [acknowledgement()]})
    assert refused.status_code == 403
    assert "not a restricted operation" in refused.json()["errors"][0]["details"]
    clock.advance(seconds=3600)
    expired = rdt.get(f"{ORDERS}/DF000001")
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["details"] == "The access token you provided has expired."


def test_no_restricted_data_token_without_the_role(emulator, api):
    emulator.set_restricted_role(SELLER_ID, False)

    response = api.send(
        "POST", TOKENS, {"restrictedResources": [{"method": "GET", "path": ORDERS}]}
    )

    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "code": "Unauthorized",
                "message": DENIED,
                "details": "The application is not authorized for the Direct-to-Consumer "
                "Shipping (Restricted) role.",
            }
        ]
    }
    emulator.set_restricted_role(SELLER_ID, True)
    assert restricted_token(api, ("GET", ORDERS))


@pytest.mark.parametrize(
    ("resources", "details"),
    [
        ([], "Resource not provided."),
        ([{"method": "GET", "path": ORDERS}] * 51, "at most 50"),
        ([{"method": "GET", "path": "/vendor/orders/v1/purchaseOrders"}], "not a restricted"),
        ([{"method": "POST", "path": ORDERS}], "not a restricted"),
        ([{"method": "GET", "path": "vendor/x"}], "starting with '/'"),
    ],
)
def test_token_requests_are_checked(api, resources, details):
    response = api.send("POST", TOKENS, {"restrictedResources": resources})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["code"], error["message"]) == (
        "InvalidRequest",
        "Request is missing or has invalid parameters",
    )
    assert details in error["details"]


# getOrders, getOrder


def test_get_orders_finds_the_window_in_pages(emulator, rdt):
    for position, minutes in enumerate((50, 45, 40, 20, 65), start=1):
        add_order(emulator, f"DF00000{position}", minutes_ago=minutes)

    first = rdt.get(ORDERS, limit=2, **window()).json()
    token = first["pagination"]["nextToken"]
    second = rdt.get(ORDERS, limit=2, nextToken=token, **window()).json()

    assert [o["purchaseOrderNumber"] for o in first["orders"]] == ["DF000001", "DF000002"]
    assert [o["purchaseOrderNumber"] for o in second["orders"]] == ["DF000003"]
    assert "pagination" not in second
    assert second["orders"][0]["orderDetails"]["orderStatus"] == "NEW"
    descending = rdt.get(ORDERS, sortOrder="DESC", **window()).json()["orders"]
    assert [o["purchaseOrderNumber"] for o in descending] == ["DF000003", "DF000002", "DF000001"]
    changed = rdt.get(ORDERS, nextToken=token, **window(after_minutes=61))
    assert changed.status_code == 400
    assert "same arguments" in error_message(changed)
    assert rdt.get(ORDERS, nextToken="not a token", **window()).status_code == 400


def test_get_orders_filters(emulator, rdt, api):
    add_order(emulator)
    add_order(emulator, "DF000002", ship_from="DFWH2", selling_party=VENDOR)
    acknowledge(api)

    def numbers(**filters):
        response = rdt.get(ORDERS, **window(), **filters)
        assert response.status_code == 200, response.text
        return [o["purchaseOrderNumber"] for o in response.json()["orders"]]

    assert numbers(shipFromPartyId="DFWH2") == ["DF000002"]
    assert numbers(status="ACCEPTED") == ["DF000001"]
    assert numbers(status="NEW") == ["DF000002"]
    only_numbers = rdt.get(ORDERS, includeDetails="false", **window()).json()["orders"]
    assert only_numbers == [
        {"purchaseOrderNumber": "DF000001"},
        {"purchaseOrderNumber": "DF000002"},
    ]


@pytest.mark.parametrize(
    ("after_minutes", "before_minutes", "message"),
    [
        (60 * 24 * 7 + 1, 0, "must not be more than 7 days"),
        (30, 60, "must be before createdBefore"),
    ],
)
def test_get_orders_windows_are_checked(rdt, after_minutes, before_minutes, message):
    response = rdt.get(ORDERS, **window(after_minutes, before_minutes))

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert message in error_message(response)


def test_get_order(emulator, rdt):
    add_order(emulator, is_gift=True, gift_message="Enjoy!")

    order = rdt.get(f"{ORDERS}/DF000001").json()

    details = order["orderDetails"]
    assert details["shipmentDetails"]["isGift"] is True
    assert details["items"][0]["giftDetails"] == {"giftMessage": "Enjoy!"}
    assert details["items"][1]["buyerProductIdentifier"] == "B000BTL001"
    assert details["shipToParty"]["countryCode"] == "US"
    missing = rdt.get(f"{ORDERS}/DF000009")
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (404, "NotFound")
    assert rdt.get(f"{ORDERS}/DF-1").status_code == 400


# Acknowledgements and transactions


def test_an_acknowledgement_is_processing_then_accepts_the_order(emulator, api):
    add_order(emulator)

    transaction_id = submit(api, ACKNOWLEDGEMENTS, "orderAcknowledgements", acknowledgement())

    assert poll(api, transaction_id) == {"transactionId": transaction_id, "status": "Processing"}
    assert status(emulator) == "NEW"
    assert poll(api, transaction_id)["status"] == "Success"
    assert status(emulator) == "ACCEPTED"
    (recorded,) = emulator.df_acknowledgements(SELLER_ID, "DF000001")
    assert (recorded["status"], recorded["errors"]) == ("Success", [])
    assert recorded["acknowledgementStatus"]["code"] == "00"
    kinds = [t["kind"] for t in emulator.vendor_transactions(SELLER_ID)]
    assert kinds == ["dfSubmitAcknowledgement"]


def test_a_rejection_cancels_the_order_and_a_second_acknowledgement_is_refused(emulator, api):
    add_order(emulator)

    assert acknowledge(api, code="03")["status"] == "Success"

    assert status(emulator) == "CANCELLED"
    again = api.send("POST", ACKNOWLEDGEMENTS, {"orderAcknowledgements": [acknowledgement()]})
    assert again.status_code == 400
    assert "already CANCELLED" in error_message(again)


def test_two_acknowledgements_in_flight_the_second_fails(emulator, api):
    add_order(emulator)
    first = submit(api, ACKNOWLEDGEMENTS, "orderAcknowledgements", acknowledgement())
    second = submit(api, ACKNOWLEDGEMENTS, "orderAcknowledgements", acknowledgement(code="02"))

    assert settle(api, first)["status"] == "Success"
    failed = settle(api, second)

    assert failed["status"] == "Failure"
    assert [e["code"] for e in failed["errors"]["errors"]] == ["ORDER_ALREADY_ACKNOWLEDGED"]
    assert status(emulator) == "ACCEPTED"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (acknowledgement("DF000009"), "not one of the vendor's orders"),
        (acknowledgement(quantities=(3, 1)), "more than the 2"),
        (acknowledgement(quantities=(1, 1)), "in its entirety"),
        (acknowledgement(quantities=(2,)), "items 2 of purchase order DF000001 are not"),
        (acknowledgement(code="A"), "two-digit acknowledgement code"),
        (acknowledgement(sellingParty={"partyId": "OTHER"}), "sellingParty.partyId is 'OTHER'"),
    ],
)
def test_acknowledgements_are_checked_at_once(emulator, api, entry, message):
    add_order(emulator)

    response = api.send("POST", ACKNOWLEDGEMENTS, {"orderAcknowledgements": [entry]})

    assert response.status_code == 400
    assert message in error_message(response)
    assert emulator.df_acknowledgements(SELLER_ID) == []


def test_a_forced_failure_fails_the_next_submission_of_the_order(emulator, api):
    add_order(emulator)
    emulator.fail_next_vendor_transaction("DF000001", "InvalidInput", "Forced by the test")

    failed = acknowledge(api)

    assert failed["errors"] == {
        "errors": [{"code": "InvalidInput", "message": "Forced by the test"}]
    }
    assert status(emulator) == "NEW"
    assert acknowledge(api)["status"] == "Success"
    assert [a["status"] for a in emulator.df_acknowledgements(SELLER_ID)] == ["Failure", "Success"]


def test_transactions_are_the_sellers_and_the_apis_own(emulator, api, http):
    add_order(emulator)
    transaction_id = submit(api, ACKNOWLEDGEMENTS, "orderAcknowledgements", acknowledgement())
    emulator.add_seller(**OTHER_SELLER)
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))

    response = other.get(f"{DF_TRANSACTIONS}/{transaction_id}")

    assert response.status_code == 404
    assert response.json() == {
        "code": "NotFound",
        "message": f"Transaction {transaction_id} was not found.",
    }
    assert api.get(f"{TRANSACTIONS_PATH}/{transaction_id}").status_code == 404  # retail API
    assert api.get(f"{DF_TRANSACTIONS}/not-an-id").status_code == 400


# Labels, packing slips, customer invoices


def test_a_label_is_made_after_the_request(emulator, api, rdt):
    add_order(emulator)
    assert rdt.get(f"{LABELS}/DF000001").status_code == 404

    request = label_request(
        "DF000001",
        container("BOX1", ((1, 2),), trackingNumber="1ZGIVEN0001"),
        container("BOX2", ((2, 1),)),
    )
    transaction_id = submit(api, LABELS, "shippingLabelRequests", request)
    assert poll(api, transaction_id)["status"] == "Processing"
    assert rdt.get(f"{LABELS}/DF000001").status_code == 404
    assert poll(api, transaction_id)["status"] == "Success"

    label = rdt.get(f"{LABELS}/DF000001").json()
    assert (label["labelFormat"], label["sellingParty"], label["shipFromParty"]) == (
        "PNG",
        {"partyId": VENDOR},
        {"partyId": WAREHOUSE},
    )
    first, second = label["labelData"]
    assert (first["packageIdentifier"], first["trackingNumber"]) == ("BOX1", "1ZGIVEN0001")
    assert second["packageIdentifier"] == "BOX2" and second["trackingNumber"].startswith("1Z")
    assert first["shipMethodName"] == "UPS Ground Residential"
    assert base64.b64decode(first["content"]).startswith(b"\x89PNG\r\n\x1a\n")
    (recorded,) = emulator.df_label_requests(SELLER_ID, "DF000001")
    assert recorded["label"] == label
    listed = rdt.get(LABELS, **window(60, -1)).json()["shippingLabels"]
    assert listed == [label]


def test_labels_in_zpl_and_requests_checked(emulator, api, rdt):
    add_order(emulator)
    emulator.set_df_label_format(SELLER_ID, "ZPL")

    settle(api, submit(api, LABELS, "shippingLabelRequests", label_request()))

    label = rdt.get(f"{LABELS}/DF000001").json()
    assert label["labelFormat"] == "ZPL"
    assert base64.b64decode(label["labelData"][0]["content"]).startswith(b"^XA")
    too_many = label_request("DF000001", container(items=((1, 3),)))
    response = api.send("POST", LABELS, {"shippingLabelRequests": [too_many]})
    assert response.status_code == 400
    assert "more than the 2" in error_message(response)


def test_create_shipping_labels_and_a_container_label(emulator, api, rdt):
    add_order(emulator)

    response = rdt.send("POST", f"{LABELS}/DF000001", {**parties(), "containers": [container()]})

    assert response.status_code == 200, response.text
    tracking = response.json()["labelData"][0]["trackingNumber"]
    pallet = api.send(
        "POST",
        f"{SHIPPING}/containerLabel",
        {
            **parties(),
            "carrierId": "SWA",
            "vendorContainerId": "PALLET1",
            "packages": [{"packageTrackingNumber": tracking}],
        },
    )
    assert pallet.status_code == 200, pallet.text
    assert pallet.json()["containerLabel"]["format"] == "PNG"
    unknown = api.send(
        "POST",
        f"{SHIPPING}/containerLabel",
        {
            **parties(),
            "carrierId": "SWA",
            "vendorContainerId": "PALLET2",
            "packages": [{"packageTrackingNumber": "1ZNOTOURS"}],
        },
    )
    assert unknown.status_code == 400


def test_a_packing_slip_only_when_the_order_needs_one(emulator, rdt):
    add_order(emulator)
    add_order(emulator, "DF000002", pslip_required=True)

    assert rdt.get(f"{PACKING_SLIPS}/DF000001").status_code == 404
    slip = rdt.get(f"{PACKING_SLIPS}/DF000002").json()

    assert slip["contentType"] == "application/pdf"
    pdf = base64.b64decode(slip["content"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"DF000002" in pdf
    listed = rdt.get(PACKING_SLIPS, **window()).json()["packingSlips"]
    assert [s["purchaseOrderNumber"] for s in listed] == ["DF000002"]


def test_a_customer_invoice_once_amazon_has_one(emulator, rdt):
    add_order(emulator)
    assert rdt.get(f"{CUSTOMER_INVOICES}/DF000001").status_code == 404

    emulator.set_df_customer_invoice(SELLER_ID, "DF000001", "<html>Invoice</html>")

    served = rdt.get(f"{CUSTOMER_INVOICES}/DF000001").json()
    assert base64.b64decode(served["content"]) == b"<html>Invoice</html>"
    listed = rdt.get(CUSTOMER_INVOICES, **window()).json()["customerInvoices"]
    assert listed == [served]


# Shipments


def test_a_partial_then_a_full_shipment_ships_the_order(emulator, api):
    add_order(emulator)
    acknowledge(api)

    partial = submit(api, CONFIRMATIONS, "shipmentConfirmations", confirmation(shipped=((1, 1),)))
    assert settle(api, partial)["status"] == "Success"
    assert status(emulator) == "ACCEPTED"
    rest = confirmation(shipped=((1, 1), (2, 1)))
    assert settle(api, submit(api, CONFIRMATIONS, "shipmentConfirmations", rest))["status"] == (
        "Success"
    )

    assert status(emulator) == "SHIPPED"
    confirmations = emulator.df_shipment_confirmations(SELLER_ID, "DF000001")
    assert [len(c["items"]) for c in confirmations] == [1, 2]


def test_shipping_more_than_ordered_fails_the_transaction(emulator, api):
    add_order(emulator)
    settle(
        api, submit(api, CONFIRMATIONS, "shipmentConfirmations", confirmation(shipped=((1, 2),)))
    )

    again = submit(api, CONFIRMATIONS, "shipmentConfirmations", confirmation(shipped=((1, 1),)))
    failed = settle(api, again)

    assert failed["status"] == "Failure"
    (error,) = failed["errors"]["errors"]
    assert error["code"] == "INVALID_QUANTITY"
    assert "3 shipped of 2 ordered" in error["details"]
    assert len(emulator.df_shipment_confirmations(SELLER_ID)) == 1
    not_ordered = confirmation(shipped=((3, 1),))
    response = api.send("POST", CONFIRMATIONS, {"shipmentConfirmations": [not_ordered]})
    assert response.status_code == 400
    assert "is not an item of purchase order DF000001" in error_message(response)


def test_a_floor_denial_cancels_and_status_updates_are_recorded(emulator, api):
    add_order(emulator)
    add_order(emulator, "DF000002")
    denial = confirmation("DF000002", status="FLOOR_DENIAL")
    settle(api, submit(api, CONFIRMATIONS, "shipmentConfirmations", denial))
    update = {
        "purchaseOrderNumber": "DF000001",
        **parties(),
        "statusUpdateDetails": {
            "trackingNumber": "1ZTRACK0001",
            "statusCode": "D1",
            "reasonCode": "NS",
            "statusDateTime": iso(NOW),
            "statusLocationAddress": {
                "name": "Depot",
                "addressLine1": "1 Depot Road",
                "city": "Seattle",
                "stateOrRegion": "WA",
                "postalCode": "98101",
                "countryCode": "US",
            },
        },
    }

    settled = settle(api, submit(api, STATUS_UPDATES, "shipmentStatusUpdates", update))

    assert settled["status"] == "Success"
    assert status(emulator, "DF000002") == "CANCELLED"
    (recorded,) = emulator.df_status_updates(SELLER_ID, "DF000001")
    assert recorded["statusUpdateDetails"]["statusCode"] == "D1"


# Invoices, inventory


def test_an_invoice_number_is_used_once(emulator, api):
    add_order(emulator)

    first = settle(api, submit(api, INVOICES, "invoices", invoice(), payload=True))
    second = settle(api, submit(api, INVOICES, "invoices", invoice(), payload=True))

    assert first["status"] == "Success"
    assert second["status"] == "Failure"
    assert second["errors"]["errors"][0]["code"] == "DUPLICATE_INVOICE_NUMBER"
    assert [i["status"] for i in emulator.df_invoices(SELLER_ID)] == ["Success", "Failure"]
    unknown = api.send("POST", INVOICES, {"invoices": [invoice("INV-2", order="DF000009")]})
    assert unknown.status_code == 400


def test_inventory_full_then_partial(emulator, api):
    assert update_inventory(api, inventory(True, {"MUG-1": 5, "BOTTLE-1": 3}))["status"] == (
        "Success"
    )
    assert update_inventory(api, inventory(True, {"MUG-1": 4}))["status"] == "Success"
    assert emulator.df_inventory(SELLER_ID, WAREHOUSE) == {"MUG-1": 4, "BOTTLE-1": 0}

    update_inventory(api, inventory(False, {"BOTTLE-1": 7}))

    assert emulator.df_inventory(SELLER_ID, WAREHOUSE) == {"MUG-1": 4, "BOTTLE-1": 7}
    assert len(emulator.df_inventory_updates(SELLER_ID, WAREHOUSE)) == 3
    emulator.fail_next_vendor_transaction(WAREHOUSE, "InvalidInput", "Unknown item")
    assert update_inventory(api, inventory(False, {"MUG-1": 0}))["status"] == "Failure"
    assert emulator.df_inventory(SELLER_ID, WAREHOUSE)["MUG-1"] == 4


def test_inventory_too_large_is_413(api):
    many = inventory(True, {f"SKU-{n}": 1 for n in range(5001)})

    response = api.send("POST", INVENTORY, many)

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "RequestEntityTooLarge"
    big = inventory(True, {"SKU-1": 1})
    big["inventory"]["items"][0]["vendorProductIdentifier"] = "X" * (1024 * 1024)
    assert api.send("POST", INVENTORY, big).status_code == 413


# The owner's side


def test_reset_forgets_direct_fulfillment(emulator, api, http):
    add_order(emulator)
    acknowledge(api)
    emulator.set_restricted_role(SELLER_ID, False)

    emulator.reset()
    emulator.add_seller(**SELLER)

    assert emulator.df_order(SELLER_ID, "DF000001") is None
    assert emulator.df_acknowledgements(SELLER_ID) == []
    assert restricted_token(SpApi(http, emulator.issue_access_token(SELLER_ID)), ("GET", ORDERS))


def test_the_demo_scenario_has_direct_fulfillment_orders(emulator):
    emulator.load_scenario("demo")

    orders = [emulator.df_order(DEMO_SELLER_ID, f"DFDEMO000{n}") for n in (1, 2, 3)]

    assert all(orders)
    details = [order["orderDetails"] for order in orders]
    assert [d["shipmentDetails"]["isGift"] for d in details] == [False, True, False]
    assert [d["shipmentDetails"]["isPslipRequired"] for d in details] == [False, False, True]
    assert details[1]["items"][0]["giftDetails"]["giftMessage"]
    assert {d["orderDate"] for d in details} <= {
        iso(NOW - timedelta(minutes=45) + timedelta(seconds=s)) for s in range(3)
    }
    products = {item["vendorProductIdentifier"] for d in details for item in d["items"]}
    assert products == {"DEMO-MUG-01", "DEMO-BOTTLE-75", "DEMO-NOTEBOOK-A5", "DEMO-TSHIRT-M"}


def test_direct_fulfillment_usage_plans():
    df = [op for op in USAGE_PLANS if op.startswith("df") or "Label" in op or "Slip" in op]

    assert {(USAGE_PLANS[op].rate, USAGE_PLANS[op].burst) for op in df} == {(10, 10)}
    assert (
        USAGE_PLANS["createRestrictedDataToken"].rate,
        USAGE_PLANS["createRestrictedDataToken"].burst,
    ) == (1, 10)
    assert len(df) >= 10


def test_make_df_order_refuses_what_the_model_does_not_allow():
    with pytest.raises(ValueError, match="letters and digits"):
        make_df_order("DF-1", created=NOW, items=[("A", 1, "1.00")])
    with pytest.raises(ValueError, match="above 0"):
        make_df_order("DF1", created=NOW, items=[("A", 0, "1.00")])
    order = make_df_order("DF1", created=NOW, items=[("A", 1, "1.00")])
    assert json.loads(json.dumps(order))["orderDetails"]["orderStatus"] == "NEW"
