"""Vendor Direct Fulfillment documents: Amazon's own example orders, labels, packing slips
and transaction statuses read; acknowledgements, label requests, shipment confirmations,
status updates, invoices and inventory updates built as the models' requests, with what
Amazon would refuse refused clearly."""

import base64
import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from amazon_emulator import ContractValidator
from amazon_sp.documents import (
    DF_ACKNOWLEDGEMENT_DESCRIPTIONS,
    DF_CONTAINER_TYPES,
    DF_INVENTORY_BATCH_SIZE,
    DF_LABEL_FORMATS,
    DF_ORDER_STATUSES,
    DF_SHIPMENT_STATUSES,
    DF_WEIGHT_UNITS,
    Address,
    AmazonDocumentError,
    DfAcknowledgementCode,
    DfContainer,
    DfInventoryItem,
    DfInvoice,
    DfInvoiceItem,
    DfItemAcknowledgement,
    DfLabelRequest,
    DfOrderAcknowledgement,
    DfOrderStatus,
    DfPackedItem,
    DfShipmentConfirmation,
    DfShipmentStatus,
    DfShippedItem,
    DfStatusUpdate,
    Party,
    ReadDfOrder,
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

from .amazon_models import AmazonModel, operation

ORDERS = AmazonModel(
    "models/vendor-direct-fulfillment-orders-api-model/"
    "vendorDirectFulfillmentOrders_2021-12-28.json",
    "Direct Fulfillment Orders examples",
    "vendorDirectFulfillmentOrders",
)
SHIPPING = AmazonModel(
    "models/vendor-direct-fulfillment-shipping-api-model/"
    "vendorDirectFulfillmentShipping_2021-12-28.json",
    "Direct Fulfillment Shipping examples",
    "vendorDirectFulfillmentShipping",
)
TRANSACTIONS = AmazonModel(
    "models/vendor-direct-fulfillment-transactions-api-model/"
    "vendorDirectFulfillmentTransactions_2021-12-28.json",
    "Direct Fulfillment Transactions examples",
    "vendorDirectFulfillmentTransactions",
)
PAYMENTS = AmazonModel(
    "models/vendor-direct-fulfillment-payments-api-model/vendorDirectFulfillmentPaymentsV1.json",
    "Direct Fulfillment Payments model",
    "vendorDirectFulfillmentPayments",
)
INVENTORY = AmazonModel(
    "models/vendor-direct-fulfillment-inventory-api-model/vendorDirectFulfillmentInventoryV1.json",
    "Direct Fulfillment Inventory model",
    "vendorDirectFulfillmentInventory",
)
MODELS = (ORDERS, SHIPPING, TRANSACTIONS, PAYMENTS, INVENTORY)

ORDERS_PATH = "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"
SHIPPING_PATH = "/vendor/directFulfillment/shipping/2021-12-28"
ACKNOWLEDGEMENTS_PATH = "/vendor/directFulfillment/orders/2021-12-28/acknowledgements"
INVOICES_PATH = "/vendor/directFulfillment/payments/v1/invoices"
INVENTORY_PATH = "/vendor/directFulfillment/inventory/v1/warehouses/DFWH1/items"
TRANSACTION_ID = "20190108091302-6ca0ac50-d06e-45f5-a1e2-eb448eadac50"
PO = "2JK3S9VC"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
SHIPPED = NOW - timedelta(hours=1)
STREET = Address(
    name="ACME Fulfilment",
    company="",
    street="1 Dock Road",
    street2="",
    city="Seattle",
    state="WA",
    zip="98109",
    country_code="US",
    phone="",
)


# The models, their examples and a validator of their requests


@pytest.fixture(scope="module")
def models():
    """Each model's JSON by its name (the test is skipped without Amazon's models)."""
    folder = ORDERS.models_dir()
    return {
        model.name: json.loads((folder / model.path).read_text(encoding="utf-8"))
        for model in MODELS
    }


@pytest.fixture(scope="module")
def validator():
    """A contract validator of the five direct fulfillment models; None without them (the
    builder tests then check what they build and skip only the schema check)."""
    folder = ORDERS.found()
    if folder is None:
        return None
    return ContractValidator(folder, {model.name: model.path for model in MODELS}).load()


def example(models, model, operation_id, status="200"):
    """The response example of an operation, as Amazon publishes it (unwrapped from its
    media type when it has one)."""
    examples = operation(models[model.name], operation_id)["responses"][status]["examples"]
    return copy.deepcopy(examples.get("application/json", examples))


def assert_valid(validator, model, definition, body, path):
    """The body is a `definition` of the model and a POST to `path` Amazon's model accepts
    (the test is skipped here without the models, once its other checks passed)."""
    validator = model.schema_checker(validator)
    assert validator.validate_definition(model.name, definition, body) == []
    raw = json.dumps(body).encode("utf-8")
    assert validator.validate_request("POST", path, {}, body=raw) == []


def assert_refused(build, message, path=None):
    with pytest.raises(AmazonDocumentError) as caught:
        build()
    assert message in str(caught.value)
    if path is not None:
        assert caught.value.path == path
    return caught.value


def test_the_constants_are_the_models_enumerations(models):
    orders = models[ORDERS.name]["definitions"]
    shipping = models[SHIPPING.name]["definitions"]

    assert tuple(orders["OrderDetails"]["properties"]["orderStatus"]["enum"]) == DF_ORDER_STATUSES
    assert tuple(shipping["ShippingLabel"]["properties"]["labelFormat"]["enum"]) == DF_LABEL_FORMATS
    assert tuple(shipping["Weight"]["properties"]["unitOfMeasure"]["enum"]) == DF_WEIGHT_UNITS
    assert tuple(shipping["Container"]["properties"]["containerType"]["enum"]) == DF_CONTAINER_TYPES
    assert (
        tuple(shipping["ShipmentDetails"]["properties"]["shipmentStatus"]["enum"])
        == DF_SHIPMENT_STATUSES
    )


# Orders


def test_amazons_get_orders_example_is_read(models):
    answer = example(models, ORDERS, "getOrders")

    (read,) = split_df_orders(answer)

    assert isinstance(read, ReadDfOrder)
    assert read.error is None
    assert read.number == PO
    assert read.raw is answer["orders"][0]
    order = read.order
    assert order.number == PO
    assert order.customer_order_number == "123-ABC"
    assert order.ordered == datetime(2020, 2, 20, 13, 51)
    assert order.status == DfOrderStatus.NEW
    assert order.selling_party == Party("999US")
    assert order.ship_from_party.party_id == "ABCD"
    assert order.bill_to_party.party_id == "ABCD"
    assert order.ship_method == "UPS_2ND"
    assert order.required_ship_date == datetime(2020, 2, 21)
    assert order.promised_delivery_date == datetime(2020, 2, 24)
    assert (order.is_priority, order.is_gift, order.is_pslip_required) == (False, False, True)
    assert order.is_scheduled_delivery is False
    assert order.message_to_customer.startswith("This shipment completes your order.")
    assert order.has_customizable_items is True
    # Amazon's example writes a 3-letter country; its attention is the name itself.
    assert order.ship_to == Address(
        name="ABCD",
        company="",
        street="123 XYZ Street",
        street2="Apt 5",
        city="San Jose",
        state="CA",
        zip="94086",
        country_code="USA",
        phone="",
    )
    first, second = order.items
    assert (first.sequence, first.asin, first.vendor_product_id) == (
        "00001",
        "B07DFVDRAB",
        "8806098286500",
    )
    assert first.title.startswith("LG 8 kg Inverter")
    assert (first.quantity, first.net_price, first.currency) == (1, Decimal("500"), "USD")
    assert first.tax_amount == Decimal("50")
    assert (second.quantity, second.net_price, second.tax_amount) == (
        2,
        Decimal("700"),
        Decimal("140"),
    )
    assert (first.gift_message, first.gift_wrap_id) == ("", "")


def test_amazons_get_order_example_is_read(models):
    answer = example(models, ORDERS, "getOrder")

    order = parse_df_order(answer)

    assert order.number == PO
    assert [item.sequence for item in order.items] == ["00001", "00002"]
    assert order.raw is answer
    assert order == split_df_orders({"orders": [answer]})[0].order


def df_order(number="TESTPO01", **details):
    """A minimal Order of the model, `details` replacing parts of its orderDetails."""
    order_details = {
        "customerOrderNumber": "111-2222222-3333333",
        "orderDate": "2026-03-02T10:00:00Z",
        "orderStatus": "NEW",
        "shipmentDetails": {
            "isPriorityShipment": True,
            "isPslipRequired": False,
            "isGift": True,
            "shipMethod": "UPS_GR_RES",
            "shipmentDates": {"requiredShipDate": "2026-03-04T10:00:00-05:00"},
            "messageToCustomer": "Thank you",
        },
        "sellingParty": {"partyId": "DFVENDOR"},
        "shipFromParty": {"partyId": "DFWH1"},
        "shipToParty": {
            "name": "Acme Corp",
            "attention": "Jane Doe",
            "addressLine1": "1 Main Street",
            "addressLine2": "Floor 2",
            "addressLine3": "Door B",
            "city": "Austin",
            "stateOrRegion": "TX",
            "postalCode": "73301",
            "countryCode": "us",
            "phone": "+1 555 0100",
        },
        "billToParty": {
            "partyId": "AMZN",
            "taxInfo": {"taxRegistrationNumber": "DE123456789"},
        },
        "items": [
            {
                "itemSequenceNumber": "1",
                "vendorProductIdentifier": "MUG-1",
                "orderedQuantity": {"amount": 3, "unitOfMeasure": "Each"},
                "netPrice": {"currencyCode": "USD", "amount": "4.50"},
                "giftDetails": {"giftMessage": "Happy birthday", "giftWrapId": "WRAP1"},
                "taxDetails": {
                    "taxLineItem": [
                        {"type": "GST", "taxAmount": {"currencyCode": "USD", "amount": "0.50"}},
                        {"type": "PST", "taxAmount": {"currencyCode": "USD", "amount": "0.25"}},
                        {"type": "TOTAL", "taxAmount": {"currencyCode": "USD", "amount": "0.75"}},
                    ]
                },
            }
        ],
    }
    order_details.update(details)
    return {"purchaseOrderNumber": number, "orderDetails": order_details}


def test_the_test_order_is_an_order_of_amazons_model(validator):
    validator = ORDERS.schema_checker(validator)

    assert validator.validate_definition(ORDERS.name, "Order", df_order()) == []


def test_a_full_order_is_read():
    order = parse_df_order(df_order())

    assert order.ordered == datetime(2026, 3, 2, 10, 0)
    assert order.required_ship_date == datetime(2026, 3, 4, 15, 0)  # in UTC
    assert order.promised_delivery_date is None
    assert (order.is_priority, order.is_gift, order.is_pslip_required) == (True, True, False)
    assert order.has_customizable_items is False
    # An attention other than the name: the person, and the name is the company.
    assert order.ship_to == Address(
        name="Jane Doe",
        company="Acme Corp",
        street="1 Main Street",
        street2="Floor 2 Door B",
        city="Austin",
        state="TX",
        zip="73301",
        country_code="US",
        phone="+1 555 0100",
    )
    assert order.bill_to_party == Party("AMZN", tax_registration="DE123456789")
    (item,) = order.items
    assert (item.asin, item.vendor_product_id, item.title) == ("", "MUG-1", "")
    assert (item.gift_message, item.gift_wrap_id) == ("Happy birthday", "WRAP1")
    # The TOTAL line sums up the others: not added to them.
    assert item.tax_amount == Decimal("0.75")


def test_optional_parts_of_an_item_may_be_absent():
    (item,) = parse_df_order(
        df_order(
            items=[
                {
                    "itemSequenceNumber": "1",
                    "buyerProductIdentifier": "B000MUG001",
                    "orderedQuantity": {"amount": 1},
                    "taxDetails": {
                        "taxLineItem": [
                            {"type": "VAT", "taxAmount": {"currencyCode": "EUR", "amount": "1"}},
                            {"taxAmount": {"currencyCode": "EUR", "amount": "0.5"}},
                        ]
                    },
                }
            ]
        )
    ).items

    assert (item.net_price, item.currency) == (None, "")
    assert item.tax_amount == Decimal("1.5")  # no TOTAL line: every line counts
    (untaxed,) = parse_df_order(
        df_order(items=[{"itemSequenceNumber": "1", "orderedQuantity": {"amount": 1}}])
    ).items
    assert untaxed.tax_amount is None


def test_a_malformed_order_among_good_ones_hides_no_other(models):
    good = example(models, ORDERS, "getOrder")
    broken = df_order("BROKEN01", orderDate="yesterday")
    page = {"orders": [good, broken, "not an order", df_order("GOOD0002")], "pagination": {}}

    read = split_df_orders(page)

    assert [r.number for r in read] == [PO, "BROKEN01", None, "GOOD0002"]
    assert [r.order is not None for r in read] == [True, False, False, True]
    assert read[1].raw is broken
    assert read[1].order is None
    assert str(read[1].error) == (
        "direct fulfillment order: orderDate is not an ISO 8601 date-time: 'yesterday' "
        "at order BROKEN01.orderDetails"
    )
    assert read[2].raw is None
    assert "expected an object at orders[2]" in str(read[2].error)


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ({"orderDetails": {}}, "missing purchaseOrderNumber at order"),
        (
            {"purchaseOrderNumber": "NODETAIL"},
            "an order without orderDetails (getOrders with includeDetails=false)",
        ),
        (df_order(orderStatus="LOST"), "unknown orderStatus 'LOST'"),
        (df_order(shipToParty=None), "missing shipToParty at order TESTPO01.orderDetails"),
        (
            df_order(shipToParty={"name": "X", "addressLine1": "Y", "countryCode": "United"}),
            "countryCode 'United' is not an ISO 3166-1 country code",
        ),
        (df_order(sellingParty=None), "missing sellingParty"),
        (df_order(items=[]), "an order without items"),
        (
            df_order(items=[{"itemSequenceNumber": "1", "orderedQuantity": {"amount": 0}}]),
            "amount should be a whole number >= 1, not 0",
        ),
        (
            df_order(
                items=[
                    {
                        "itemSequenceNumber": "1",
                        "orderedQuantity": {"amount": 1, "unitOfMeasure": "Cases"},
                    }
                ]
            ),
            "unknown unitOfMeasure 'Cases' (Amazon's: Each)",
        ),
        (
            df_order(
                items=[
                    {"itemSequenceNumber": "1", "orderedQuantity": {"amount": 1}},
                    {"itemSequenceNumber": "1", "orderedQuantity": {"amount": 2}},
                ]
            ),
            "item sequence number '1' is used twice",
        ),
        (
            df_order(
                items=[
                    {
                        "itemSequenceNumber": "1",
                        "orderedQuantity": {"amount": 1},
                        "netPrice": {"currencyCode": "USD", "amount": "a lot"},
                    }
                ]
            ),
            "not an amount: 'a lot'",
        ),
        (
            df_order(
                items=[
                    {
                        "itemSequenceNumber": "1",
                        "orderedQuantity": {"amount": 1},
                        "taxDetails": {"taxLineItem": [{"type": "VAT"}]},
                    }
                ]
            ),
            "missing taxAmount",
        ),
    ],
)
def test_malformed_orders_are_refused_clearly(order, message):
    error = assert_refused(lambda: parse_df_order(order), message)

    assert str(error).startswith("direct fulfillment order: ")


def test_a_shipment_detail_flag_must_be_a_boolean():
    order = df_order()
    order["orderDetails"]["shipmentDetails"]["isPriorityShipment"] = "yes"

    assert_refused(
        lambda: parse_df_order(order),
        "isPriorityShipment should be true or false, not 'yes' at "
        "order TESTPO01.orderDetails.shipmentDetails",
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "direct fulfillment orders: expected an object"),
        ({"orders": {}}, "orders should be a list, not dict"),
        (df_order(), "an Order, not a list of orders"),
        ({"something": []}, "not an OrderList: no orders"),
        (
            {"errors": [{"code": "InvalidInput", "message": "Bad dates"}]},
            "Amazon answered with errors: InvalidInput: Bad dates",
        ),
    ],
)
def test_a_malformed_page_is_refused_whole(payload, message):
    assert_refused(lambda: split_df_orders(payload), message)


def test_an_empty_page_has_no_order():
    assert split_df_orders({"orders": [], "pagination": {}}) == []
    assert split_df_orders({"pagination": {"nextToken": "x"}}) == []
    assert split_df_orders({}) == []


def test_a_page_is_not_an_order():
    assert_refused(lambda: parse_df_order({"orders": []}), "a list of orders, not an Order")


# Acknowledgements


def acknowledgement(number=PO, code=DfAcknowledgementCode.ACCEPTED, **changes):
    values = {
        "number": number,
        "vendor_order_number": "SO0042",
        "acknowledged": NOW,
        "code": code,
        "description": "",
        "selling_party_id": "DFVENDOR",
        "ship_from_party_id": "DFWH1",
        "items": (
            DfItemAcknowledgement("00001", "B07DFVDRAB", "8806098286500", 1),
            DfItemAcknowledgement("00002", "", "8806098286123", 2),
        ),
    }
    values.update(changes)
    return DfOrderAcknowledgement(**values)


def test_an_accepted_order_is_a_valid_request(validator):
    body = build_df_acknowledgement_request([acknowledgement()])

    assert body == {
        "orderAcknowledgements": [
            {
                "purchaseOrderNumber": PO,
                "vendorOrderNumber": "SO0042",
                "acknowledgementDate": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "acknowledgementStatus": {"code": "00", "description": "Accepted"},
                "sellingParty": {"partyId": "DFVENDOR"},
                "shipFromParty": {"partyId": "DFWH1"},
                "itemAcknowledgements": [
                    {
                        "itemSequenceNumber": "00001",
                        "buyerProductIdentifier": "B07DFVDRAB",
                        "vendorProductIdentifier": "8806098286500",
                        "acknowledgedQuantity": {"amount": 1, "unitOfMeasure": "Each"},
                    },
                    {
                        "itemSequenceNumber": "00002",
                        "vendorProductIdentifier": "8806098286123",
                        "acknowledgedQuantity": {"amount": 2, "unitOfMeasure": "Each"},
                    },
                ],
            }
        ]
    }
    assert_valid(validator, ORDERS, "SubmitAcknowledgementRequest", body, ACKNOWLEDGEMENTS_PATH)


def test_rejections_and_their_descriptions(validator):
    body = build_df_acknowledgement_request(
        [
            acknowledgement("PO000001", DfAcknowledgementCode.OUT_OF_STOCK),
            acknowledgement("PO000002", DfAcknowledgementCode.INVALID_SKU),
            acknowledgement("PO000003", "13", description="Invalid ship method"),
            acknowledgement("PO000004", "13"),
        ]
    )

    statuses = [entry["acknowledgementStatus"] for entry in body["orderAcknowledgements"]]
    assert statuses == [
        {"code": "03", "description": DF_ACKNOWLEDGEMENT_DESCRIPTIONS["03"]},
        {"code": "02", "description": "Rejected: unknown item"},
        {"code": "13", "description": "Invalid ship method"},
        {"code": "13"},
    ]
    assert_valid(validator, ORDERS, "SubmitAcknowledgementRequest", body, ACKNOWLEDGEMENTS_PATH)


@pytest.mark.parametrize(
    ("acknowledgements", "message"),
    [
        ([], "no acknowledgement to send"),
        ([acknowledgement(), acknowledgement()], "acknowledged twice in the request"),
        ([acknowledgement("PO-1")], "purchase order number 'PO-1' is not alphanumeric"),
        ([acknowledgement(code="0")], "acknowledgement code '0' is not a two-digit code"),
        ([acknowledgement(code=0)], "acknowledgement code 0 is not a two-digit code"),
        ([acknowledgement(vendor_order_number="")], "no vendor order number"),
        ([acknowledgement(selling_party_id="")], "no selling party id"),
        ([acknowledgement(ship_from_party_id=" WH ")], "ship-from party id ' WH ' has"),
        ([acknowledgement(acknowledged="today")], "acknowledged 'today' is not a datetime"),
        ([acknowledgement(items=())], "an acknowledgement without items"),
        (
            [acknowledgement(items=(DfItemAcknowledgement("1", "", "A", 0),))],
            "quantity 0 is not an integer >= 1",
        ),
        (
            [acknowledgement(items=(DfItemAcknowledgement("1", "", "A", True),))],
            "quantity True is not an integer >= 1",
        ),
        (
            [
                acknowledgement(
                    items=(
                        DfItemAcknowledgement("1", "", "A", 1),
                        DfItemAcknowledgement("1", "", "B", 1),
                    )
                )
            ],
            "item sequence number '1' is used twice",
        ),
        ([acknowledgement(items=("item",))], "expected a DfItemAcknowledgement, not str"),
        (["acknowledgement"], "expected a DfOrderAcknowledgement, not str"),
    ],
)
def test_acknowledgements_amazon_would_refuse_are_refused(acknowledgements, message):
    error = assert_refused(lambda: build_df_acknowledgement_request(acknowledgements), message)

    assert error.document == "direct fulfillment acknowledgement"


# Shipping labels, packing slips, customer invoices


def container(identifier="PKG001", sequence=1, items=None, **changes):
    values = {
        "identifier": identifier,
        "sequence": sequence,
        "weight": Decimal("1.25"),
        "weight_unit": "KG",
        "items": (DfPackedItem(1, "B07DFVDRAB", "8806098286500", 1),) if items is None else items,
    }
    values.update(changes)
    return DfContainer(**values)


def test_a_label_request_is_a_valid_request(validator):
    request = DfLabelRequest(
        PO,
        "DFVENDOR",
        "DFWH1",
        (
            container(),
            container(
                "PKG002",
                2,
                (DfPackedItem(2, "", "8806098286123", 2),),
                tracking_number="1Z999",
                scac="UPSN",
            ),
        ),
    )

    body = build_shipping_label_request([request])

    (entry,) = body["shippingLabelRequests"]
    assert entry["purchaseOrderNumber"] == PO
    assert entry["sellingParty"] == {"partyId": "DFVENDOR"}
    first, second = entry["containers"]
    assert first == {
        "containerType": "Carton",
        "containerIdentifier": "PKG001",
        "containerSequenceNumber": 1,
        "weight": {"unitOfMeasure": "KG", "value": "1.25"},
        "packedItems": [
            {
                "itemSequenceNumber": 1,
                "buyerProductIdentifier": "B07DFVDRAB",
                "vendorProductIdentifier": "8806098286500",
                "packedQuantity": {"amount": 1, "unitOfMeasure": "Each"},
            }
        ],
    }
    assert (second["trackingNumber"], second["scacCode"]) == ("1Z999", "UPSN")
    assert_valid(
        validator,
        SHIPPING,
        "SubmitShippingLabelsRequest",
        body,
        f"{SHIPPING_PATH}/shippingLabels",
    )
    without_containers = build_shipping_label_request([DfLabelRequest(PO, "V", "W", ())])
    assert "containers" not in without_containers["shippingLabelRequests"][0]


@pytest.mark.parametrize(
    ("containers", "message"),
    [
        ((container(), container()), "container 'PKG001' is given twice"),
        ((container(), container("PKG002")), "container sequence number 1 is used twice"),
        ((container(weight=Decimal(0)),), "weight 0 is not above zero"),
        ((container(weight=1.5),), "weight 1.5 should be a Decimal, int or str"),
        ((container(weight_unit="Kg"),), "weight unit 'Kg' is not one of Amazon's: KG, LB"),
        ((container(container_type="Box"),), "container type 'Box' is not one of Amazon's"),
        ((container(sequence=0),), "container sequence number 0 is not an integer >= 1"),
        ((container(items=()),), "a container without packed items"),
        ((container(items=(DfPackedItem(1, "", "", 1),)),), "neither ASIN nor vendor product id"),
        ((container(items=(DfPackedItem("1", "", "A", 1),)),), "sequence number '1' is not an"),
        (
            (container(items=(DfPackedItem(1, "", "A", 1), DfPackedItem(1, "", "A", 1))),),
            "item 1 is packed twice in the container",
        ),
    ],
)
def test_label_requests_amazon_would_refuse_are_refused(containers, message):
    assert_refused(
        lambda: build_shipping_label_request([DfLabelRequest(PO, "V", "W", containers)]), message
    )


def test_amazons_shipping_label_example_is_read(models):
    answer = example(models, SHIPPING, "getShippingLabel")

    label = parse_shipping_label(answer)

    assert (label.number, label.label_format) == (PO, "PNG")
    (package,) = label.labels
    assert package.package_id == "PKG001"
    assert package.tracking_number == "1Z6A34Y60369738804"
    assert (package.ship_method, package.ship_method_name) == (
        "UPS_GR_RES",
        "UPS Ground Residential",
    )
    assert package.content.startswith(b"\x89PNG")
    assert package.content == base64.b64decode(answer["labelData"][0]["content"])


def test_labels_whose_content_is_not_base64_are_refused(models):
    # Amazon's getShippingLabels example is a placeholder: "Base 64 encoded string goes here".
    (placeholder, _) = example(models, SHIPPING, "getShippingLabels")["shippingLabels"]

    assert_refused(
        lambda: parse_shipping_label(placeholder),
        "content is not base64 at label 2JK3S9VCE.labelData[0]",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"labelFormat": "PDF"}, "unknown labelFormat 'PDF' (Amazon's: PNG, ZPL)"),
        ({"labelFormat": None}, "missing labelFormat"),
        ({"labelData": []}, "a shipping label without label data"),
        ({"labelData": [{"trackingNumber": "1Z"}]}, "missing content"),
        ({"purchaseOrderNumber": None}, "missing purchaseOrderNumber"),
    ],
)
def test_malformed_labels_are_refused(change, message):
    label = {
        "purchaseOrderNumber": PO,
        "sellingParty": {"partyId": "V"},
        "shipFromParty": {"partyId": "W"},
        "labelFormat": "ZPL",
        "labelData": [{"content": base64.b64encode(b"^XA^XZ").decode()}],
    }
    label.update(change)

    assert_refused(lambda: parse_shipping_label(label), message)


def test_a_zpl_label_is_decoded():
    content = base64.b64encode(b"^XA^FO50,50^FDHello^FS^XZ").decode()
    label = parse_shipping_label(
        {"purchaseOrderNumber": PO, "labelFormat": "ZPL", "labelData": [{"content": content}]}
    )

    assert label.labels[0].content == b"^XA^FO50,50^FDHello^FS^XZ"
    assert label.labels[0].package_id == ""


def test_amazons_packing_slip_example_is_read(models):
    answer = example(models, SHIPPING, "getPackingSlip")

    slip = parse_packing_slip(answer)

    assert slip.number == "UvgABdBjQ"
    assert slip.content_type == "application/pdf"
    assert slip.content.startswith(b"%PDF-1.4")
    assert_refused(
        lambda: parse_packing_slip({**answer, "contentType": "image/png"}),
        "unknown contentType 'image/png'",
    )


def test_customer_invoices_in_base64_and_in_plain_text(models):
    # Amazon's example is plain text, though the model says "The Base64 customer invoice".
    plain = parse_customer_invoice(example(models, SHIPPING, "getCustomerInvoice"))
    html = "<html><body>Invoice PO98676856</body></html>"
    encoded = parse_customer_invoice(
        {"purchaseOrderNumber": "PO98676856", "content": base64.b64encode(html.encode()).decode()}
    )
    pdf = parse_customer_invoice(
        {"purchaseOrderNumber": "PO98676856", "content": base64.b64encode(b"%PDF-1.7").decode()}
    )

    assert (plain.number, plain.content, plain.content_type) == (
        "PO98676856",
        b"base 64 encoded string",
        "text/plain",
    )
    assert (encoded.content, encoded.content_type) == (html.encode(), "text/html")
    assert pdf.content_type == "application/pdf"
    assert_refused(
        lambda: parse_customer_invoice({"purchaseOrderNumber": "PO1"}),
        "missing content at customer invoice PO1",
    )


def test_an_error_answer_is_refused_with_amazons_errors(models):
    errors = example(models, SHIPPING, "getShippingLabels", "400")

    for parse in (parse_shipping_label, parse_packing_slip, parse_customer_invoice):
        assert_refused(
            lambda parse=parse: parse(errors),
            "Amazon answered with errors: InvalidRequest: The request is invalid.",
        )


# Shipment confirmations and status updates


def confirmation(number=PO, **changes):
    values = {
        "number": number,
        "selling_party_id": "DFVENDOR",
        "ship_from_party_id": "DFWH1",
        "shipped": SHIPPED,
        "items": (
            DfShippedItem(1, "B07DFVDRAB", "8806098286500", 1),
            DfShippedItem(2, "", "8806098286123", 2),
        ),
        "containers": (
            container(ship_method="UPS_GR_RES", tracking_number="1Z1"),
            container(
                "PKG002",
                2,
                (DfPackedItem(2, "", "8806098286123", 2),),
                ship_method="UPS_GR_RES",
            ),
        ),
    }
    values.update(changes)
    return DfShipmentConfirmation(**values)


def test_a_shipment_confirmation_is_a_valid_request(validator):
    body = build_df_shipment_confirmations(
        [confirmation(vendor_order_number="SO0042", estimated_delivery=NOW + timedelta(days=2))]
    )

    (entry,) = body["shipmentConfirmations"]
    assert entry["shipmentDetails"] == {
        "shippedDate": SHIPPED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "shipmentStatus": "SHIPPED",
        "vendorOrderNumber": "SO0042",
        "estimatedDeliveryDate": (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert entry["items"][1] == {
        "itemSequenceNumber": 2,
        "vendorProductIdentifier": "8806098286123",
        "shippedQuantity": {"amount": 2, "unitOfMeasure": "Each"},
    }
    assert [c["shipMethod"] for c in entry["containers"]] == ["UPS_GR_RES", "UPS_GR_RES"]
    assert_valid(
        validator,
        SHIPPING,
        "SubmitShipmentConfirmationsRequest",
        body,
        f"{SHIPPING_PATH}/shipmentConfirmations",
    )
    floor_denial = build_df_shipment_confirmations(
        [confirmation(status=DfShipmentStatus.FLOOR_DENIAL, containers=())]
    )
    (denied,) = floor_denial["shipmentConfirmations"]
    assert denied["shipmentDetails"]["shipmentStatus"] == "FLOOR_DENIAL"
    assert "containers" not in denied


@pytest.mark.parametrize(
    ("confirmations", "message"),
    [
        ([], "no shipment confirmation to send"),
        ([confirmation(), confirmation()], "the purchase order is confirmed twice"),
        (
            [confirmation(estimated_delivery=SHIPPED - timedelta(days=1))],
            "estimated delivery before the shipped date",
        ),
        ([confirmation(status="DELIVERED")], "shipment status 'DELIVERED' is not one of"),
        ([confirmation(items=())], "a shipment confirmation without items"),
        (
            [confirmation(items=(DfShippedItem(1, "", "A", 1), DfShippedItem(1, "", "B", 1)))],
            "item sequence number 1 is used twice",
        ),
        ([confirmation(items=(DfShippedItem(1, "", "A", 0),))], "quantity 0 is not an integer"),
        ([confirmation(containers=(container(),))], "no ship method"),
        (
            [
                confirmation(
                    containers=(container(ship_method="UPS", items=(DfPackedItem(3, "", "C", 1),)),)
                )
            ],
            "item 3 is packed but not an item of the shipment",
        ),
        (
            [
                confirmation(
                    containers=(
                        container(ship_method="UPS", items=(DfPackedItem(2, "", "B", 2),)),
                        container("PKG002", 2, (DfPackedItem(2, "", "B", 1),), ship_method="UPS"),
                    )
                )
            ],
            "the containers hold 3 units of item 2, the shipment ships 2",
        ),
    ],
)
def test_shipment_confirmations_amazon_would_refuse_are_refused(confirmations, message):
    assert_refused(lambda: build_df_shipment_confirmations(confirmations), message)


def status_update(**changes):
    values = {
        "number": PO,
        "selling_party_id": "DFVENDOR",
        "ship_from_party_id": "DFWH1",
        "tracking_number": "1Z1",
        "status_code": "D1",
        "reason_code": "NS",
        "status_time": NOW,
        "location": STREET,
    }
    values.update(changes)
    return DfStatusUpdate(**values)


def test_a_status_update_is_a_valid_request(validator):
    body = build_df_status_updates(
        [status_update(estimated_delivery=NOW + timedelta(days=1)), status_update(status_code="X1")]
    )

    first, _ = body["shipmentStatusUpdates"]
    details = first["statusUpdateDetails"]
    assert details["statusLocationAddress"] == {
        "name": "ACME Fulfilment",
        "addressLine1": "1 Dock Road",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98109",
        "countryCode": "US",
    }
    assert details["shipmentSchedule"] == {
        "estimatedDeliveryDateTime": (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    }
    assert_valid(
        validator,
        SHIPPING,
        "SubmitShipmentStatusUpdatesRequest",
        body,
        f"{SHIPPING_PATH}/shipmentStatusUpdates",
    )


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ([], "no status update to send"),
        ([status_update(), status_update()], "the same status update is given twice"),
        ([status_update(tracking_number="")], "no tracking number"),
        ([status_update(reason_code=None)], "no reason code"),
        ([status_update(location=None)], "status location address should be an Address"),
        (
            [status_update(location=Address("", "", "1 Road", "", "", "", "", "US", ""))],
            "status location address without a name",
        ),
    ],
)
def test_status_updates_amazon_would_refuse_are_refused(updates, message):
    assert_refused(lambda: build_df_status_updates(updates), message)


# Invoices


REMIT_TO = Party("DFVENDOR", address=STREET)


def invoice(**changes):
    values = {
        "number": "INV-0001",
        "date": NOW,
        "currency": "USD",
        "total": Decimal("21.60"),
        "remit_to": REMIT_TO,
        "ship_from_party_id": "DFWH1",
        "items": (
            DfInvoiceItem(
                "1",
                "",
                "MUG-1",
                3,
                Decimal("4.50"),
                PO,
                tax_type="ST",
                tax_rate=Decimal("8"),
                tax_amount=Decimal("1.08"),
            ),
            DfInvoiceItem("2", "B000TEA001", "", 1, Decimal("7.02"), PO),
        ),
    }
    values.update(changes)
    return DfInvoice(**values)


def test_an_invoice_is_a_valid_request(validator):
    body = build_df_invoice_request(
        [invoice(bill_to_party_id="AMZN", ship_to_country_code="us", reference="REF1")]
    )

    (entry,) = body["invoices"]
    assert entry["invoiceNumber"] == "INV-0001"
    assert entry["invoiceTotal"] == {"currencyCode": "USD", "amount": "21.60"}
    assert entry["remitToParty"]["address"]["postalCode"] == "98109"
    assert entry["shipFromParty"] == {"partyId": "DFWH1"}
    assert entry["billToParty"] == {"partyId": "AMZN"}
    assert entry["shipToCountryCode"] == "US"
    assert entry["referenceNumber"] == "REF1"
    first, second = entry["items"]
    assert first == {
        "itemSequenceNumber": "1",
        "vendorProductIdentifier": "MUG-1",
        "invoicedQuantity": {"amount": 3, "unitOfMeasure": "Each"},
        "netCost": {"currencyCode": "USD", "amount": "4.50"},
        "purchaseOrderNumber": PO,
        "taxDetails": [
            {
                "taxType": "ST",
                "taxRate": "8",
                "taxAmount": {"currencyCode": "USD", "amount": "1.08"},
            }
        ],
    }
    assert "taxDetails" not in second
    assert_valid(validator, PAYMENTS, "SubmitInvoiceRequest", body, INVOICES_PATH)


def test_the_invoice_tax_totals_replace_the_items_taxes(validator):
    body = build_df_invoice_request(
        [
            invoice(
                total=Decimal("21.50"),
                tax_totals=(("ST", Decimal("7.5"), Decimal("0.98"), Decimal("20.52")),),
            )
        ]
    )

    assert body["invoices"][0]["taxTotals"] == [
        {
            "taxType": "ST",
            "taxRate": "7.5",
            "taxAmount": {"currencyCode": "USD", "amount": "0.98"},
            "taxableAmount": {"currencyCode": "USD", "amount": "20.52"},
        }
    ]
    assert_valid(validator, PAYMENTS, "SubmitInvoiceRequest", body, INVOICES_PATH)


@pytest.mark.parametrize(
    ("invoices", "message"),
    [
        ([], "no invoice to send"),
        ([invoice(), invoice()], "the invoice number is used twice"),
        ([invoice(total=Decimal("21.61"))], "invoice total 21.61 is not the items' net amounts"),
        ([invoice(total=Decimal(0), items=())], "an invoice without items"),
        ([invoice(currency="usd")], "currency 'usd' is not an ISO 4217 code"),
        ([invoice(remit_to=Party("DFVENDOR"))], "remit-to party without its address"),
        (
            [
                invoice(
                    remit_to=Party(
                        "DFVENDOR", address=STREET.__class__(**{**vars(STREET), "zip": ""})
                    )
                )
            ],
            "remit-to party address without postalCode",
        ),
        ([invoice(ship_to_country_code="USA")], "ship-to country 'USA' is not an ISO 3166-1"),
        (
            [invoice(items=(DfInvoiceItem("1", "", "A", 1, Decimal(1), "2JK3S9VCE"),))],
            "purchase order number '2JK3S9VCE' is not an 8-character alphanumeric code",
        ),
        (
            [invoice(items=(DfInvoiceItem("1", "", "A", 1, Decimal(0), PO),))],
            "net cost 0 is not above zero",
        ),
        (
            [
                invoice(
                    items=(
                        DfInvoiceItem("1", "", "A", 1, Decimal(1), PO),
                        DfInvoiceItem("1", "", "A", 1, Decimal(1), PO),
                    )
                )
            ],
            "item 1 of purchase order 2JK3S9VC is invoiced twice",
        ),
        (
            [invoice(items=(DfInvoiceItem("1", "", "A", 1, Decimal(1), PO, tax_type="VAT"),))],
            "an item tax needs both its type and its amount",
        ),
        (
            [
                invoice(
                    items=(
                        DfInvoiceItem(
                            "1",
                            "",
                            "A",
                            1,
                            Decimal(1),
                            PO,
                            tax_type="Sales",
                            tax_amount=Decimal("0.1"),
                        ),
                    )
                )
            ],
            "tax type 'Sales' is not one of Amazon's",
        ),
        ([invoice(tax_totals=(("ST", None),))], "a tax total should be (type, rate, amount"),
    ],
)
def test_invoices_amazon_would_refuse_are_refused(invoices, message):
    error = assert_refused(lambda: build_df_invoice_request(invoices), message)

    assert error.document == "direct fulfillment invoice"


# Inventory


def inventory_items(count):
    return [DfInventoryItem(f"SKU-{n:05d}", "", n % 7) for n in range(count)]


def test_a_full_inventory_is_sent_in_batches_first_full_then_partial(validator):
    items = inventory_items(2500)

    bodies = build_inventory_updates("DFVENDOR", items)

    assert [len(body["inventory"]["items"]) for body in bodies] == [1000, 1000, 500]
    assert [body["inventory"]["isFullUpdate"] for body in bodies] == [True, False, False]
    assert all(body["inventory"]["sellingParty"] == {"partyId": "DFVENDOR"} for body in bodies)
    sent = [item for body in bodies for item in body["inventory"]["items"]]
    assert [item["vendorProductIdentifier"] for item in sent] == [
        i.vendor_product_id for i in items
    ]
    assert sent[8] == {
        "vendorProductIdentifier": "SKU-00008",
        "availableQuantity": {"amount": 1, "unitOfMeasure": "Each"},
    }
    assert DF_INVENTORY_BATCH_SIZE == 1000
    for body in bodies:
        assert_valid(validator, INVENTORY, "SubmitInventoryUpdateRequest", body, INVENTORY_PATH)


def test_a_small_inventory_is_one_full_update_with_obsolete_and_empty_items(validator):
    bodies = build_inventory_updates(
        "DFVENDOR",
        [
            DfInventoryItem("MUG-1", "B000MUG001", 0),
            DfInventoryItem("", "B000TEA001", 4, is_obsolete=True),
        ],
        batch_size=5,
    )

    assert bodies == [
        {
            "inventory": {
                "sellingParty": {"partyId": "DFVENDOR"},
                "isFullUpdate": True,
                "items": [
                    {
                        "buyerProductIdentifier": "B000MUG001",
                        "vendorProductIdentifier": "MUG-1",
                        "availableQuantity": {"amount": 0, "unitOfMeasure": "Each"},
                    },
                    {
                        "buyerProductIdentifier": "B000TEA001",
                        "availableQuantity": {"amount": 4, "unitOfMeasure": "Each"},
                        "isObsolete": True,
                    },
                ],
            }
        }
    ]
    assert_valid(validator, INVENTORY, "SubmitInventoryUpdateRequest", bodies[0], INVENTORY_PATH)
    assert len(build_inventory_updates("V", inventory_items(10), batch_size=3)) == 4


@pytest.mark.parametrize(
    ("party", "items", "batch_size", "message"),
    [
        ("V", [], 10, "no inventory item to send"),
        ("", inventory_items(1), 10, "no selling party id"),
        ("V", inventory_items(1), 0, "batch size 0 is not an integer >= 1"),
        ("V", [DfInventoryItem("", "", 1)], 10, "neither ASIN nor vendor product id"),
        ("V", [DfInventoryItem("A", "", -1)], 10, "available quantity -1 is not an integer >= 0"),
        (
            "V",
            [DfInventoryItem("A", "B1", 1), DfInventoryItem("C", "B1", 1)],
            10,
            "buyerProductIdentifier 'B1' is given twice",
        ),
        ("V", [DfInventoryItem("A", "", 1, is_obsolete="no")], 10, "should be true or false"),
        ("V", ["A"], 10, "expected a DfInventoryItem, not str"),
    ],
)
def test_inventory_updates_amazon_would_refuse_are_refused(party, items, batch_size, message):
    assert_refused(lambda: build_inventory_updates(party, items, batch_size), message)


# Transactions


def test_the_transaction_id_of_both_shapes():
    assert parse_df_transaction_id({"transactionId": TRANSACTION_ID}) == TRANSACTION_ID
    assert parse_df_transaction_id({"payload": {"transactionId": TRANSACTION_ID}}) == (
        TRANSACTION_ID
    )
    assert_refused(
        lambda: parse_df_transaction_id({"payload": {}}),
        "direct fulfillment transaction: missing transactionId at payload",
    )
    assert_refused(
        lambda: parse_df_transaction_id({"errors": [{"code": "InvalidInput", "message": "No"}]}),
        "Amazon answered with errors: InvalidInput: No",
    )


def test_amazons_transaction_status_example_is_read(models):
    status = parse_transaction_status(example(models, TRANSACTIONS, "getTransactionStatus"))

    assert (status.transaction_id, status.status) == (TRANSACTION_ID, "Processing")
    assert status.errors == ()
    assert not status.is_final


def test_a_failed_df_transaction_gives_its_error_list_object(validator):
    answer = {
        "transactionStatus": {
            "transactionId": TRANSACTION_ID,
            "status": "Failure",
            "errors": {
                "errors": [
                    {"code": "InvalidInput", "message": "Unknown SKU", "details": "MUG-9"},
                    {"code": "InvalidInput", "message": "Bad date"},
                ]
            },
        }
    }
    checker = TRANSACTIONS.schema_checker(validator)
    assert checker.validate_definition(TRANSACTIONS.name, "TransactionStatus", answer) == []

    status = parse_transaction_status(answer)

    assert status.status == TransactionStatusValue.FAILURE
    assert status.is_final and not status.succeeded
    assert status.error_text() == "InvalidInput: Unknown SKU (MUG-9); InvalidInput: Bad date"
    assert_refused(
        lambda: parse_transaction_status(
            {"transactionStatus": {**answer["transactionStatus"], "errors": {"errors": "x"}}}
        ),
        "errors should be a list, not str at transactionStatus.errors.errors",
    )
