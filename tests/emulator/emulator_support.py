"""Constants and helpers shared by the emulator's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from amazon_emulator import (
    AmazonEmulator,
    ManualClock,
    find_models_dir,
    make_order,
    make_purchase_order,
)

MODELS_DIR = find_models_dir()
requires_models = pytest.mark.skipif(
    MODELS_DIR is None,
    reason="Amazon API models not found (set AMAZON_MODELS_DIR); contract tests cannot run",
)

NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=timezone.utc)
US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
SEARCH_PATH = "/orders/2026-01-01/orders"
PARTICIPATIONS_PATH = "/sellers/v1/marketplaceParticipations"

SELLER = {
    "seller_id": "A2TESTSELLER001",
    "client_id": "amzn1.application-oa2-client.test",
    "client_secret": "test-client-secret",
    "refresh_token": "Atzr|test-refresh-token",
    "marketplace_ids": [US, DE],
}
OTHER_SELLER = {
    "seller_id": "A3OTHERSELLER01",
    "client_id": "amzn1.application-oa2-client.test",  # the same app, another seller
    "client_secret": "test-client-secret",
    "refresh_token": "Atzr|other-refresh-token",
    "marketplace_ids": [US],
}


class SpApi:
    """SP-API calls as a client makes them: access token header, arrays comma-separated."""

    def __init__(self, http: httpx.Client, token: str):
        self.http = http
        self.token = token

    def get(self, path: str, token: str | None = None, **params) -> httpx.Response:
        query = _query(params)
        return self.http.get(
            path, params=query, headers={"x-amz-access-token": token or self.token}
        )

    def send(
        self, method: str, path: str, body=None, token: str | None = None, **params
    ) -> httpx.Response:
        """A request with a JSON body (`body`), query parameters as `get` sends them."""
        query = _query(params)
        return self.http.request(
            method,
            path,
            params=query,
            json=body,
            headers={"x-amz-access-token": token or self.token},
        )

    def search(self, **params) -> httpx.Response:
        return self.get(SEARCH_PATH, **params)

    def get_order(self, order_id: str, **params) -> httpx.Response:
        return self.get(f"{SEARCH_PATH}/{order_id}", **params)


def _query(params: dict) -> dict:
    """Query parameters as a client sends them: arrays comma-separated."""
    return {k: ",".join(v) if isinstance(v, list | tuple) else v for k, v in params.items()}


@contextmanager
def rate_limited(http: httpx.Client) -> Iterator[tuple[AmazonEmulator, SpApi, ManualClock]]:
    """An emulator enforcing the usage plans (clock at NOW), with SELLER and `http` pointed at
    it: (emulator, the seller's SpApi, clock). Its contract is checked when the block ends."""
    clock = ManualClock(NOW)
    with AmazonEmulator(clock=clock, enforce_rate_limits=True) as amazon:
        amazon.add_seller(**SELLER)
        http.base_url = amazon.url
        yield amazon, SpApi(http, amazon.issue_access_token(SELLER["seller_id"])), clock
        amazon.assert_contract_clean()


def lwa_form(**overrides) -> dict:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": SELLER["refresh_token"],
        "client_id": SELLER["client_id"],
        "client_secret": SELLER["client_secret"],
    }
    return {**form, **overrides}


def order_id(number: int, prefix: str = "111") -> str:
    return f"{prefix}-0000001-{number:07d}"


def sample_order(
    number: int,
    hours_ago: float = 24,
    marketplace: str = US,
    fulfilled_by: str = "MERCHANT",
    status: str = "UNSHIPPED",
) -> dict:
    """A small, complete order created `hours_ago` before NOW."""
    created = NOW - timedelta(hours=hours_ago)
    return make_order(
        order_id(number, "111" if marketplace == US else "302"),
        marketplace,
        fulfilled_by,
        status,
        [
            {
                "sku": "SKU-1",
                "asin": "B000TEST01",
                "title": "Test",
                "quantity": 2,
                "unit_price": "10.00",
                "shipping_price": "2.50",
                "tax": "0.80",
            }
        ],
        buyer={"name": "Test Buyer", "email": "buyer@marketplace.amazon.com"},
        address={
            "name": "Test Buyer",
            "addressLine1": "1 Test Street",
            "city": "Seattle",
            "stateOrRegion": "WA",
            "postalCode": "98101",
            "countryCode": "US",
            "phone": "+1 206 555 0100",
        },
        created=created,
    )


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# Vendor retail procurement (Vendor Orders, Vendor Transaction Status)

PURCHASE_ORDERS_PATH = "/vendor/orders/v1/purchaseOrders"
ACKNOWLEDGEMENTS_PATH = "/vendor/orders/v1/acknowledgements"
TRANSACTIONS_PATH = "/vendor/transactions/v1/transactions"
VENDOR_CODE = "VNDR1"


def sample_purchase_order(number: str = "PO000001", hours_ago: float = 24, **overrides) -> dict:
    """A New purchase order placed `hours_ago` before NOW: 10 eaches of a mug at 12.50 (no
    backorders), and 2 cases of 6 glasses at 3.00 (backorders allowed)."""
    arguments = {
        "items": [
            {"vendor_sku": "MUG-1", "asin": "B000MUG001", "quantity": 10, "net_cost": "12.50"},
            {
                "vendor_sku": "GLASS-6",
                "asin": "B000GLS006",
                "quantity": 2,
                "unit_of_measure": "Cases",
                "unit_size": 6,
                "net_cost": "3.00",
                "back_order_allowed": True,
            },
        ],
        "created": NOW - timedelta(hours=hours_ago),
        **overrides,
    }
    return make_purchase_order(number, **arguments)


def acknowledgement(number: str, items: list[dict], party: str = VENDOR_CODE) -> dict:
    """An OrderAcknowledgement of the purchase order, dated NOW."""
    return {
        "purchaseOrderNumber": number,
        "sellingParty": {"partyId": party},
        "acknowledgementDate": iso(NOW),
        "items": items,
    }


def acknowledged_item(sequence: str, ordered: dict, net_cost: str | None, *lines) -> dict:
    """An OrderAcknowledgementItem: the item's sequence number, its ordered quantity, its net
    cost (None leaves it out) and acknowledgement lines (see `ack_line`)."""
    item = {"itemSequenceNumber": sequence, "orderedQuantity": ordered}
    if net_cost is not None:
        item["netCost"] = {"currencyCode": "USD", "amount": net_cost}
    item["itemAcknowledgements"] = list(lines)
    return item


def ack_line(code: str, amount: int, unit: str | None = None, **extra) -> dict:
    """An OrderItemAcknowledgement of `amount` (in `unit`, else the ordered quantity's)."""
    quantity: dict = {"amount": amount}
    if unit:
        quantity["unitOfMeasure"] = unit
    return {"acknowledgementCode": code, "acknowledgedQuantity": quantity, **extra}


def sample_acknowledgement(
    mugs: tuple[dict, ...] | None = None,
    glasses: tuple[dict, ...] | None = None,
    *,
    mug_cost: str = "12.50",
    number: str = "PO000001",
) -> dict:
    """An acknowledgement of both items of `sample_purchase_order`: the lines (see `ack_line`)
    of item 1, 10 mugs at `mug_cost`, and of item 2, 2 cases of 6 glasses at 3.00; each item
    all accepted unless its lines are given."""
    return acknowledgement(
        number,
        [
            acknowledged_item("1", {"amount": 10}, mug_cost, *(mugs or [ack_line("Accepted", 10)])),
            acknowledged_item(
                "2",
                {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6},
                "3.00",
                *(glasses or [ack_line("Accepted", 2)]),
            ),
        ],
    )


def full_acceptance(number: str = "PO000001") -> dict:
    """An acknowledgement accepting all of `sample_purchase_order`."""
    return sample_acknowledgement(number=number)


# Vendor Shipments and Vendor Invoices

SHIPMENTS_PATH = "/vendor/shipping/v1/shipments"
SHIPMENT_CONFIRMATIONS_PATH = "/vendor/shipping/v1/shipmentConfirmations"
INVOICES_PATH = "/vendor/payments/v1/invoices"
WAREHOUSE = "VNDRWH1"  # the vendor's warehouse the goods leave from
PICKUP = NOW + timedelta(days=3)  # Thursday 2026-03-05, 3 business days after NOW


def submit_vendor(api: SpApi, path: str, name: str, *entries) -> str:
    """POST `{name: [entries]}` (SubmitShipments, SubmitShipmentConfirmations,
    submitInvoices); the transaction id of the 202."""
    response = api.send("POST", path, {name: list(entries)})
    assert response.status_code == 202, response.text
    return response.json()["payload"]["transactionId"]


def confirm(api: SpApi, *confirmations) -> str:
    """SubmitShipmentConfirmations of `confirmations`; the transaction id."""
    return submit_vendor(api, SHIPMENT_CONFIRMATIONS_PATH, "shipmentConfirmations", *confirmations)


def settle(api: SpApi, transaction_id: str) -> dict:
    """The transaction's final status (`transactionStatus`), polling as a client does."""
    for _ in range(10):
        response = api.get(f"{TRANSACTIONS_PATH}/{transaction_id}")
        assert response.status_code == 200, response.text
        status = response.json()["payload"]["transactionStatus"]
        if status["status"] != "Processing":
            return status
    raise AssertionError("the transaction is still Processing")


def error_codes(status: dict) -> list[str]:
    return [error["code"] for error in status.get("errors", [])]


def acknowledge(emulator, api: SpApi, number: str = "PO000001", ack: dict | None = None) -> str:
    """Store `sample_purchase_order(number)` for SELLER and have Amazon take `ack` (default:
    `full_acceptance`); the order's number."""
    emulator.add_purchase_order(SELLER["seller_id"], sample_purchase_order(number))
    transaction_id = submit_vendor(
        api, ACKNOWLEDGEMENTS_PATH, "acknowledgements", ack or full_acceptance(number)
    )
    assert settle(api, transaction_id)["status"] == "Success"
    return number


def routing_item(sequence: str, amount: int, unit: str = "Eaches", **extra) -> dict:
    """A PurchaseOrderItems of a routing request."""
    return {
        "itemSequenceNumber": sequence,
        "shippedQuantity": {"amount": amount, "unitOfMeasure": unit},
        **extra,
    }


def routing_request(
    identifier: str = "SHIP0001",
    *,
    orders: dict | None = None,
    term: str | None = "Collect",
    pickup=PICKUP,
    transaction_type: str = "New",
    party: str = VENDOR_CODE,
    **extra,
) -> dict:
    """A SubmitShipments `Shipment` for `orders` ({number: [routing_item...]}, default all
    of PO000001), picked up at `pickup` (None leaves collectFreightPickupDetails out)."""
    if orders is None:
        orders = {"PO000001": [routing_item("1", 10), routing_item("2", 2, "Cases")]}
    shipment = {
        "vendorShipmentIdentifier": identifier,
        "transactionType": transaction_type,
        "transactionDate": iso(NOW),
    }
    if term is not None:
        shipment["shipmentFreightTerm"] = term
    shipment.update(
        {
            "sellingParty": {"partyId": party},
            "shipFromParty": {"partyId": WAREHOUSE},
            "shipToParty": {"partyId": "ABE2"},
            "shipmentMeasurements": {
                "totalCartonCount": 2,
                "shipmentWeight": {"unitOfMeasure": "Kg", "value": "18.5"},
            },
        }
    )
    if pickup is not None:
        shipment["collectFreightPickupDetails"] = {"requestedPickUp": iso(pickup)}
    shipment["purchaseOrders"] = [
        {"purchaseOrderNumber": number, "items": items} for number, items in orders.items()
    ]
    for name, value in extra.items():  # None leaves a field out
        if value is None:
            shipment.pop(name, None)
        else:
            shipment[name] = value
    return shipment


def shipped_item(
    sequence: str,
    amount: int,
    unit: str = "Eaches",
    number: str | None = "PO000001",
    **identifiers,
) -> dict:
    """A shipped `Item` of a confirmation, of purchase order `number` (None: none given)."""
    item = {"itemSequenceNumber": sequence, **identifiers}
    item["shippedQuantity"] = {"amount": amount, "unitOfMeasure": unit}
    if number is not None:
        item["itemDetails"] = {"purchaseOrderNumber": number}
    return item


def all_shipped(number: str = "PO000001") -> list[dict]:
    """Every acknowledged unit of `sample_purchase_order`: 10 mugs, 2 cases of 6 glasses."""
    return [
        shipped_item("001", 10, number=number, amazonProductIdentifier="B000MUG001"),
        shipped_item("002", 2, "Cases", number=number, vendorProductIdentifier="GLASS-6"),
    ]


def shipment_confirmation(
    identifier: str = "ASN0001",
    items: list[dict] | None = None,
    *,
    kind: str = "Original",
    arn: str | None = None,
    party: str = VENDOR_CODE,
    **extra,
) -> dict:
    """A ShipmentConfirmation (ASN) dated NOW of `items` (default `all_shipped()`)."""
    confirmation = {
        "shipmentIdentifier": identifier,
        "shipmentConfirmationType": kind,
        "shipmentType": "LessThanTruckLoad",
    }
    if arn is not None:
        confirmation["amazonReferenceNumber"] = arn
    confirmation.update(
        {
            "shipmentConfirmationDate": iso(NOW),
            "shippedDate": iso(NOW - timedelta(hours=1)),
            "sellingParty": {"partyId": party},
            "shipFromParty": {"partyId": WAREHOUSE},
            "shipToParty": {"partyId": "ABE2"},
            "shippedItems": all_shipped() if items is None else items,
        }
    )
    confirmation.update(extra)
    return confirmation


def invoice_item(
    sequence: int,
    amount: int,
    net_cost: str,
    unit: str = "Eaches",
    number: str | None = "PO000001",
    **extra,
) -> dict:
    """An InvoiceItem of purchase order `number` (None: none given)."""
    item: dict = {"itemSequenceNumber": sequence, **extra}
    item["invoicedQuantity"] = {"amount": amount, "unitOfMeasure": unit}
    item["netCost"] = {"currencyCode": "USD", "amount": net_cost}
    if number is not None:
        item["purchaseOrderNumber"] = number
    return item


def all_invoiced(number: str = "PO000001") -> list[dict]:
    """Every unit of `sample_purchase_order` at its cost: 125.00 + 36.00."""
    return [
        invoice_item(1, 10, "12.50", number=number, amazonProductIdentifier="B000MUG001"),
        invoice_item(2, 2, "3.00", "Cases", number=number, vendorProductIdentifier="GLASS-6"),
    ]


def vendor_invoice(
    invoice_id: str = "INV0001",
    items: list[dict] | None = None,
    *,
    total: str = "161.00",
    remit_to: str = VENDOR_CODE,
    invoice_type: str = "Invoice",
    **extra,
) -> dict:
    """An Invoice dated NOW of `items` (default `all_invoiced()`) totalling `total`."""
    invoice = {
        "invoiceType": invoice_type,
        "id": invoice_id,
        "date": iso(NOW),
        "remitToParty": {"partyId": remit_to},
        "billToParty": {"partyId": "AMZN"},
        "invoiceTotal": {"currencyCode": "USD", "amount": total},
        **extra,
    }
    invoice["items"] = all_invoiced() if items is None else items
    return invoice
