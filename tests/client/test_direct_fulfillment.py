"""The client's Vendor Direct Fulfillment calls against the emulator: Restricted Data Tokens
asked once and reused, refused without the role; orders read, acknowledged and followed to
their transaction status; labels asked and fetched; packing slips, customer invoices,
shipment confirmations, status updates, invoices and inventory updates."""

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from amazon_emulator import make_df_order
from amazon_sp import AmazonAuthError, AmazonRequestError, AmazonRestrictedDataError, TokenCache
from amazon_sp.documents import (
    Address,
    DfAcknowledgementCode,
    DfContainer,
    DfInventoryItem,
    DfInvoice,
    DfInvoiceItem,
    DfItemAcknowledgement,
    DfLabelRequest,
    DfOrderAcknowledgement,
    DfPackedItem,
    DfShipmentConfirmation,
    DfShippedItem,
    DfStatusUpdate,
    Party,
    TransactionStatusValue,
    build_df_acknowledgement_request,
    build_df_invoice_request,
    build_df_shipment_confirmations,
    build_df_status_updates,
    build_inventory_updates,
    build_shipping_label_request,
    parse_customer_invoice,
    parse_df_order,
    parse_df_transaction_id,
    parse_packing_slip,
    parse_shipping_label,
    parse_transaction_status,
    split_df_orders,
)

from .conftest import SELLER

NOW = datetime.now(timezone.utc).replace(microsecond=0)
ORDERS_PATH = "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"
LABELS_PATH = "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels"
RDT_OPERATION = "createRestrictedDataToken"
VENDOR = "DFVENDOR"
WAREHOUSE = "DFWH1"
WAREHOUSE_ADDRESS = Address(
    name="DF Vendor Inc",
    company="",
    street="1 Dock Road",
    street2="",
    city="Seattle",
    state="WA",
    zip="98109",
    country_code="US",
    phone="",
)


def add_df_orders(emulator, count, hours_ago=3, **options):
    numbers = [f"DF{n:06d}" for n in range(1, count + 1)]
    for position, number in enumerate(numbers):
        emulator.add_df_order(
            SELLER,
            make_df_order(
                number,
                created=NOW - timedelta(hours=hours_ago, minutes=-position),
                items=[("MUG-1", 2, "4.50"), ("TEA-1", 1, "7.00")],
                **options,
            ),
        )
    return numbers


def window():
    return {"created_after": NOW - timedelta(days=1), "created_before": NOW}


def token_requests(emulator):
    """The createRestrictedDataToken requests, as (method, path) of the resources asked."""
    asked = []
    for request in emulator.requests_for(RDT_OPERATION):
        body = json.loads(request.body)
        asked.extend((r["method"], r["path"]) for r in body["restrictedResources"])
    return asked


def settle(client, transaction_id, polls=5):
    """The transaction's status once final (Amazon processes submissions later)."""
    for _ in range(polls):
        status = parse_transaction_status(client.get_df_transaction(transaction_id))
        if status.is_final:
            return status
    raise AssertionError(f"transaction {transaction_id} still {status.status}")


def read_order(client, number):
    return parse_df_order(client.get_df_order(number))


def acknowledge(client, order, code=DfAcknowledgementCode.ACCEPTED):
    acknowledgement = DfOrderAcknowledgement(
        number=order.number,
        vendor_order_number=f"SO-{order.number}",
        acknowledged=NOW,
        code=code,
        description="",
        selling_party_id=order.selling_party.party_id,
        ship_from_party_id=order.ship_from_party.party_id,
        items=tuple(
            DfItemAcknowledgement(item.sequence, item.asin, item.vendor_product_id, item.quantity)
            for item in order.items
        ),
    )
    answer = client.submit_df_acknowledgement(build_df_acknowledgement_request([acknowledgement]))
    return parse_df_transaction_id(answer)


def containers_of(order, **options):
    return tuple(
        DfContainer(
            identifier=f"PKG{position:03d}",
            sequence=position,
            weight=Decimal("0.8"),
            weight_unit="KG",
            items=(
                DfPackedItem(int(item.sequence), item.asin, item.vendor_product_id, item.quantity),
            ),
            **options,
        )
        for position, item in enumerate(order.items, start=1)
    )


# Restricted Data Tokens


def test_a_restricted_data_token_is_asked_once_for_all_the_pages_of_get_orders(
    make_client, emulator
):
    numbers = add_df_orders(emulator, 3)
    client = make_client()

    pages = list(client.iter_df_order_pages(limit=2, **window()))

    assert [len(page.items) for page in pages] == [2, 1]
    read = [r.order.number for page in pages for r in split_df_orders(page.raw)]
    assert read == numbers
    assert pages[0].next_token and pages[0].raw["pagination"]["nextToken"] == pages[0].next_token
    assert token_requests(emulator) == [("GET", ORDERS_PATH)]
    first, second = emulator.requests_for("dfGetOrders")
    for request in (first, second):
        assert request.status == 200
        assert request.header("x-amz-access-token").startswith("Atz.sprdt|")
    assert second.query["nextToken"] == [pages[0].next_token]
    assert second.query["createdAfter"] == first.query["createdAfter"]
    # The token is the client's: a new client asks its own.
    list(make_client().iter_df_order_pages(**window()))
    assert len(token_requests(emulator)) == 2


def test_get_order_has_a_token_of_its_own_path_reused_for_that_order(make_client, emulator):
    first, second = add_df_orders(emulator, 2)
    client = make_client()

    orders = [read_order(client, number) for number in (first, first, second)]

    assert [order.number for order in orders] == [first, first, second]
    assert orders[0].ship_to.name == "Jane Doe"
    assert token_requests(emulator) == [
        ("GET", f"{ORDERS_PATH}/{first}"),
        ("GET", f"{ORDERS_PATH}/{second}"),
    ]


def test_a_token_is_asked_again_a_minute_before_it_expires(make_client, emulator):
    add_df_orders(emulator, 1)
    now = [1000.0]
    client = make_client()
    client._restricted_tokens = TokenCache(clock=lambda: now[0])

    client.get_df_orders(**window())
    now[0] += 3600 - 61
    client.get_df_orders(**window())
    assert len(token_requests(emulator)) == 1
    now[0] += 2
    client.get_df_orders(**window())

    assert len(token_requests(emulator)) == 2


def test_a_vendor_without_the_role_gets_a_restricted_data_error_naming_it(make_client, emulator):
    add_df_orders(emulator, 1)
    emulator.set_restricted_role(SELLER, False)
    client = make_client()

    with pytest.raises(AmazonRestrictedDataError) as caught:
        client.get_df_orders(**window())

    error = caught.value
    assert isinstance(error, AmazonAuthError)
    assert error.status == 403
    assert error.operation == RDT_OPERATION
    assert error.message.startswith(
        "Amazon refused a Restricted Data Token for dfGetOrders: the application needs the "
        "Direct-to-Consumer Shipping (Restricted) role of the vendor account (Amazon said: "
    )
    assert "Atz" not in str(error)
    assert emulator.requests_for("dfGetOrders") == []
    # Not retried: the same refusal would come back.
    assert len(emulator.requests_for(RDT_OPERATION)) == 1
    emulator.set_restricted_role(SELLER, True)
    assert len(client.get_df_orders(**window()).items) == 1


def test_unrestricted_operations_keep_the_access_token(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()

    acknowledge(client, read_order(client, number))

    (request,) = emulator.requests_for("dfSubmitAcknowledgement")
    assert request.status == 202
    assert not request.header("x-amz-access-token").startswith("Atz.sprdt|")
    assert token_requests(emulator) == [("GET", f"{ORDERS_PATH}/{number}")]


@pytest.mark.parametrize(
    ("filters", "complaint"),
    [
        ({"created_after": NOW - timedelta(days=1), "created_before": None}, "needs createdAfter"),
        ({"created_after": NOW - timedelta(days=8), "created_before": NOW}, "at most 7 days"),
        ({"created_after": NOW, "created_before": NOW - timedelta(hours=1)}, "must be later"),
        ({**window(), "limit": 0}, "limit is 1 to 100"),
        ({**window(), "sort_order": "UP"}, "sortOrder is ASC or DESC"),
        ({**window(), "status": "OPEN"}, "status is one of NEW, SHIPPED, ACCEPTED, CANCELLED"),
    ],
)
def test_order_queries_amazon_would_refuse_are_not_sent(make_client, emulator, filters, complaint):
    with pytest.raises(AmazonRequestError, match=complaint):
        make_client().get_df_orders(**filters)
    assert emulator.requests == []


def test_a_purchase_order_number_that_is_not_alphanumeric_is_not_sent(make_client, emulator):
    client = make_client()

    for call in (client.get_df_order, client.get_shipping_label, client.get_packing_slip):
        with pytest.raises(AmazonRequestError, match="letters and digits"):
            call("../../tokens")
    assert emulator.requests == []


def test_the_orders_filters_are_sent(make_client, emulator):
    add_df_orders(emulator, 2)
    emulator.add_df_order(
        SELLER,
        make_df_order(
            "OTHERWH1",
            created=NOW - timedelta(hours=1),
            items=[("MUG-1", 1, "4.50")],
            ship_from="DFWH2",
        ),
    )
    client = make_client()

    page = client.get_df_orders(
        ship_from_party_id=WAREHOUSE, status="NEW", sort_order="DESC", **window()
    )

    assert [order["purchaseOrderNumber"] for order in page.items] == ["DF000002", "DF000001"]
    (request,) = emulator.requests_for("dfGetOrders")
    assert request.query["shipFromPartyId"] == [WAREHOUSE]
    assert request.query["status"] == ["NEW"]
    assert request.query["includeDetails"] == ["true"]
    assert page.next_token is None


# Acknowledgements and transactions


def test_an_acknowledgement_is_sent_and_its_transaction_read_until_success(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()

    transaction_id = acknowledge(client, read_order(client, number))
    statuses = [parse_transaction_status(client.get_df_transaction(transaction_id))]
    statuses.append(settle(client, transaction_id))

    assert [s.status for s in statuses] == ["Processing", "Success"]
    assert statuses[-1].transaction_id == transaction_id
    assert emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"] == "ACCEPTED"
    (recorded,) = emulator.df_acknowledgements(SELLER, number)
    assert recorded["status"] == "Success"
    assert read_order(client, number).status == "ACCEPTED"


def test_a_rejected_order_is_cancelled(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()

    transaction_id = acknowledge(
        client, read_order(client, number), DfAcknowledgementCode.OUT_OF_STOCK
    )

    assert settle(client, transaction_id).succeeded
    assert emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"] == "CANCELLED"


def test_a_failed_transaction_reads_amazons_errors(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()
    order = read_order(client, number)
    emulator.fail_next_vendor_transaction(number, "INVALID_SKU", "Unknown item MUG-1")

    status = settle(client, acknowledge(client, order))

    assert status.status == TransactionStatusValue.FAILURE
    assert [(e.code, e.message) for e in status.errors] == [("INVALID_SKU", "Unknown item MUG-1")]
    assert emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"] == "NEW"


# Labels, packing slips, customer invoices


def test_a_label_request_then_the_label(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()
    order = read_order(client, number)
    settle(client, acknowledge(client, order))
    with pytest.raises(AmazonRequestError) as not_yet:
        client.get_shipping_label(number)
    assert not_yet.value.status == 404

    request = DfLabelRequest(
        number, VENDOR, WAREHOUSE, containers_of(order, ship_method=order.ship_method)
    )
    answer = client.submit_shipping_label_request(build_shipping_label_request([request]))
    assert settle(client, parse_df_transaction_id(answer)).succeeded
    label = parse_shipping_label(client.get_shipping_label(number))

    assert label.number == number
    assert label.label_format == "PNG"
    assert [package.package_id for package in label.labels] == ["PKG001", "PKG002"]
    assert all(package.content.startswith(b"\x89PNG") for package in label.labels)
    assert all(package.tracking_number for package in label.labels)
    assert emulator.df_label_requests(SELLER, number)
    label_tokens = [r for r in token_requests(emulator) if r[1].startswith(LABELS_PATH)]
    assert label_tokens == [("GET", f"{LABELS_PATH}/{number}")]  # the 404 token is reused


def test_a_zpl_label(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    emulator.set_df_label_format(SELLER, "ZPL")
    client = make_client()
    order = read_order(client, number)
    settle(client, acknowledge(client, order))
    request = DfLabelRequest(number, VENDOR, WAREHOUSE, containers_of(order))
    settle(
        client,
        parse_df_transaction_id(
            client.submit_shipping_label_request(build_shipping_label_request([request]))
        ),
    )

    label = parse_shipping_label(client.get_shipping_label(number))

    assert label.label_format == "ZPL"
    assert label.labels[0].content.startswith(b"^XA")


def test_a_packing_slip(make_client, emulator):
    (number,) = add_df_orders(emulator, 1, pslip_required=True)
    client = make_client()

    slip = parse_packing_slip(client.get_packing_slip(number))

    assert slip.number == number
    assert slip.content_type == "application/pdf"
    assert slip.content.startswith(b"%PDF")


def test_a_customer_invoice_once_amazon_has_one(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()
    with pytest.raises(AmazonRequestError) as not_yet:
        client.get_customer_invoice(number)
    assert not_yet.value.status == 404
    emulator.set_df_customer_invoice(SELLER, number, "<html><body>Invoice</body></html>")

    invoice = parse_customer_invoice(client.get_customer_invoice(number))

    assert invoice.number == number
    assert invoice.content == b"<html><body>Invoice</body></html>"
    assert invoice.content_type == "text/html"


# Shipments, status updates, invoices, inventory


def test_a_shipment_confirmation_ships_the_order(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()
    order = read_order(client, number)
    settle(client, acknowledge(client, order))
    confirmation = DfShipmentConfirmation(
        number=number,
        selling_party_id=VENDOR,
        ship_from_party_id=WAREHOUSE,
        shipped=NOW - timedelta(minutes=5),
        items=tuple(
            DfShippedItem(int(item.sequence), item.asin, item.vendor_product_id, item.quantity)
            for item in order.items
        ),
        containers=containers_of(order, ship_method=order.ship_method, tracking_number="1Z9"),
        vendor_order_number=f"SO-{number}",
    )

    answer = client.submit_df_shipment_confirmations(
        build_df_shipment_confirmations([confirmation])
    )

    assert settle(client, parse_df_transaction_id(answer)).succeeded
    assert len(emulator.df_shipment_confirmations(SELLER, number)) == 1
    assert emulator.df_order(SELLER, number)["orderDetails"]["orderStatus"] == "SHIPPED"


def test_a_status_update_is_recorded(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()
    update = DfStatusUpdate(
        number=number,
        selling_party_id=VENDOR,
        ship_from_party_id=WAREHOUSE,
        tracking_number="1Z9",
        status_code="X1",
        reason_code="NS",
        status_time=NOW - timedelta(minutes=1),
        location=WAREHOUSE_ADDRESS,
        estimated_delivery=NOW + timedelta(days=2),
    )

    answer = client.submit_df_shipment_status_updates(build_df_status_updates([update]))

    assert settle(client, parse_df_transaction_id(answer)).succeeded
    assert len(emulator.df_status_updates(SELLER, number)) == 1


def test_an_invoice_is_submitted(make_client, emulator):
    (number,) = add_df_orders(emulator, 1)
    client = make_client()
    order = read_order(client, number)
    items = tuple(
        DfInvoiceItem(
            item.sequence, item.asin, item.vendor_product_id, item.quantity, item.net_price, number
        )
        for item in order.items
    )
    invoice = DfInvoice(
        number="INV-DF-1",
        date=NOW,
        currency="USD",
        total=Decimal("16.00"),
        remit_to=Party(VENDOR, address=WAREHOUSE_ADDRESS),
        ship_from_party_id=WAREHOUSE,
        items=items,
    )

    answer = client.submit_df_invoice(build_df_invoice_request([invoice]))

    assert "payload" not in answer  # the client gives the payload of a v1 answer
    assert settle(client, parse_df_transaction_id(answer)).succeeded
    (recorded,) = emulator.df_invoices(SELLER)
    assert recorded["invoiceNumber"] == "INV-DF-1"


def test_an_inventory_update_in_batches_sets_the_warehouse(make_client, emulator):
    client = make_client()
    before = build_inventory_updates(VENDOR, [DfInventoryItem("OLD-1", "", 9)])
    settle(client, parse_df_transaction_id(client.submit_inventory_update(WAREHOUSE, before[0])))
    items = [DfInventoryItem(f"SKU-{n}", "", n) for n in range(5)]

    bodies = build_inventory_updates(VENDOR, items, batch_size=2)
    for body in bodies:  # in order, each once the one before succeeded
        answer = client.submit_inventory_update(WAREHOUSE, body)
        assert settle(client, parse_df_transaction_id(answer)).succeeded

    assert len(bodies) == 3
    assert len(emulator.df_inventory_updates(SELLER, WAREHOUSE)) == 4
    inventory = emulator.df_inventory(SELLER, WAREHOUSE)
    assert {sku: units for sku, units in inventory.items() if units} == {
        f"SKU-{n}": n for n in range(1, 5)
    }
    assert inventory.get("OLD-1", 0) == 0
    (request, *_) = emulator.requests_for("submitInventoryUpdate")
    assert request.path == f"/vendor/directFulfillment/inventory/v1/warehouses/{WAREHOUSE}/items"
