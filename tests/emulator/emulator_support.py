"""Constants and helpers shared by the emulator's tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from amazon_emulator import find_models_dir, make_order, make_purchase_order

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
        query = {k: ",".join(v) if isinstance(v, list | tuple) else v for k, v in params.items()}
        return self.http.get(
            path, params=query, headers={"x-amz-access-token": token or self.token}
        )

    def send(
        self, method: str, path: str, body=None, token: str | None = None, **params
    ) -> httpx.Response:
        """A request with a JSON body (`body`), query parameters as `get` sends them."""
        query = {k: ",".join(v) if isinstance(v, list | tuple) else v for k, v in params.items()}
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


def full_acceptance(number: str = "PO000001") -> dict:
    """An acknowledgement accepting all of `sample_purchase_order`."""
    return acknowledgement(
        number,
        [
            acknowledged_item("1", {"amount": 10}, "12.50", ack_line("Accepted", 10)),
            acknowledged_item(
                "2",
                {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6},
                "3.00",
                ack_line("Accepted", 2),
            ),
        ],
    )
