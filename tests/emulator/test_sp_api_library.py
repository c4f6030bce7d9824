"""python-amazon-sp-api 2.1.35, the connector's client library, against the emulator."""

import io
import json
from types import SimpleNamespace

import pytest
from emulator_support import SELLER, US, requires_models, sample_order

sp_api_orders = pytest.importorskip("sp_api.api.orders.orders_2026_01_01")
from sp_api.api import Feeds, ListingsItems, OrdersV0, Sellers  # noqa: E402
from sp_api.auth import AccessTokenClient  # noqa: E402
from sp_api.base.credential_provider import FromCodeCredentialProvider  # noqa: E402
from sp_api.base.exceptions import SellingApiBadRequestException  # noqa: E402


@pytest.fixture
def library_kwargs(emulator, monkeypatch):
    monkeypatch.delenv("SP_API_DEFAULT_MARKETPLACE", raising=False)

    class EmulatorTokenClient(AccessTokenClient):
        scheme = "http://"
        host = f"127.0.0.1:{emulator.port}"

    marketplace = SimpleNamespace(endpoint=emulator.url, marketplace_id=US, region="us-east-1")
    credentials = {
        "refresh_token": SELLER["refresh_token"],
        "lwa_app_id": SELLER["client_id"],
        "lwa_client_secret": SELLER["client_secret"],
    }
    return {
        "marketplace": marketplace,
        "credentials": credentials,
        "credential_providers": (FromCodeCredentialProvider,),
        "auth_token_client_class": EmulatorTokenClient,
    }


def test_library_calls_pass_the_contract(emulator, library_kwargs):
    emulator.add_order(SELLER["seller_id"], sample_order(1))
    orders = sp_api_orders.OrdersV20260101(**library_kwargs)

    participations = Sellers(**library_kwargs).get_marketplace_participation()
    search = orders.search_orders(
        createdAfter="2026-01-01T00:00:00Z", marketplaceIds=[US], includedData=["BUYER"]
    )
    order = orders.get_order("111-0000001-0000001", includedData=["FULFILLMENT"])

    assert participations.payload[0]["marketplace"]["id"] == US
    assert [o["orderId"] for o in search.payload["orders"]] == ["111-0000001-0000001"]
    assert order.payload["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


@requires_models
@pytest.mark.contract_violations_expected
def test_library_adds_undeclared_marketplace_parameters_without_marketplace_ids(
    emulator, library_kwargs
):
    """Without marketplaceIds the library sends MarketplaceId, MarketplaceIds and
    marketplace_ids too, which searchOrders does not declare: clients must pass marketplaceIds."""
    orders = sp_api_orders.OrdersV20260101(**library_kwargs)

    with pytest.raises(SellingApiBadRequestException, match="MarketplaceId"):
        orders.search_orders(createdAfter="2026-01-01T00:00:00Z")

    assert any("'MarketplaceId'" in v for v in emulator.contract_violations)


def test_library_confirms_shipments(emulator, library_kwargs):
    emulator.add_order(SELLER["seller_id"], sample_order(1))
    order = emulator.get_stored_order(SELLER["seller_id"], "111-0000001-0000001")
    package = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "trackingNumber": "1Z999AA10123456784",
        "shipDate": "2026-03-02T10:00:00Z",
        "orderItems": [{"orderItemId": order["orderItems"][0]["orderItemId"], "quantity": 2}],
    }

    response = OrdersV0(**library_kwargs).confirm_shipment(
        order_id="111-0000001-0000001", marketplaceId=US, packageDetail=package
    )

    assert response.payload == {"status_code": 204}  # the library's answer to an empty 204
    assert emulator.shipments_for(SELLER["seller_id"], "111-0000001-0000001") == [
        {"marketplaceId": US, "packageDetail": package}
    ]


LISTINGS_FEED = {
    "header": {"sellerId": SELLER["seller_id"], "version": "2.0"},
    "messages": [
        {
            "messageId": 1,
            "sku": "SKU-1",
            "operationType": "PATCH",
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}],
                }
            ],
        }
    ],
}
JSON_TYPE = "application/json; charset=UTF-8"


@requires_models
@pytest.mark.contract_violations_expected
def test_library_feed_submission_sends_undeclared_body_fields(emulator, library_kwargs):
    """The library's create_feed_document (and create_feed) put their own `path` argument, and
    any marketplace arguments, into the request body, which the model does not declare: the
    connector's client sends these two requests itself."""
    feeds = Feeds(**library_kwargs)

    with pytest.raises(SellingApiBadRequestException, match="'path'"):
        feeds.submit_feed(
            "JSON_LISTINGS_FEED",
            io.BytesIO(json.dumps(LISTINGS_FEED).encode()),
            content_type=JSON_TYPE,
            marketplaceIds=[US],
        )

    assert sorted(emulator.contract_violations) == [
        f"createFeedDocument request: body parameter 'body': property {name!r} is not defined "
        "by the model"
        for name in ("MarketplaceIds", "marketplaceIds", "path")
    ]
    assert emulator.feeds == []


def test_library_reads_a_processed_listings_feed(emulator, library_kwargs, api, http):
    document = api.send("POST", "/feeds/2021-06-30/documents", {"contentType": JSON_TYPE}).json()
    uploaded = http.put(
        document["url"],
        content=json.dumps(LISTINGS_FEED).encode(),
        headers={"Content-Type": JSON_TYPE},
    )
    created = api.send(
        "POST",
        "/feeds/2021-06-30/feeds",
        {
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": document["feedDocumentId"],
        },
    )
    feeds = Feeds(**library_kwargs)

    feed_id = created.json()["feedId"]
    statuses = [feeds.get_feed(feed_id).payload["processingStatus"] for _ in range(2)]
    report = json.loads(
        feeds.get_feed_result_document(feeds.get_feed(feed_id).payload["resultFeedDocumentId"])
    )

    assert uploaded.status_code == 200
    assert statuses == ["IN_PROGRESS", "DONE"]
    assert report["summary"]["messagesAccepted"] == 1
    assert emulator.listing(SELLER["seller_id"], "SKU-1")["quantity"] == 3


def test_library_patches_listings_items(emulator, library_kwargs):
    response = ListingsItems(**library_kwargs).patch_listings_item(
        SELLER["seller_id"],
        "SKU-1",
        marketplaceIds=[US],
        body={
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/purchasable_offer",
                    "value": [
                        {
                            "marketplace_id": US,
                            "currency": "USD",
                            "our_price": [{"schedule": [{"value_with_tax": 19.99}]}],
                        }
                    ],
                }
            ],
        },
    )

    assert response.payload["status"] == "ACCEPTED"
    assert str(emulator.listing(SELLER["seller_id"], "SKU-1")["price"]) == "19.99"
