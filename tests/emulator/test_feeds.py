"""Feeds 2021-06-30 with JSON_LISTINGS_FEED: documents, feed processing, processing reports."""

import json
from decimal import Decimal

import jsonschema
import pytest
from emulator_support import (
    DE,
    MODELS_DIR,
    NOW,
    OTHER_SELLER,
    SELLER,
    US,
    SpApi,
    requires_models,
)

from amazon_emulator import AmazonEmulator, ManualClock

SELLER_ID = SELLER["seller_id"]
DOCUMENTS = "/feeds/2021-06-30/documents"
FEEDS = "/feeds/2021-06-30/feeds"
JSON_TYPE = "application/json; charset=UTF-8"


def feed(*messages, seller_id=SELLER_ID) -> dict:
    return {"header": {"sellerId": seller_id, "version": "2.0"}, "messages": list(messages)}


def patch_message(message_id, sku, *patches, operation="PATCH") -> dict:
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": operation,
        "productType": "PRODUCT",
        "patches": list(patches),
    }


def quantity_patch(quantity) -> dict:
    return {
        "op": "replace",
        "path": "/attributes/fulfillment_availability",
        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
    }


def price_patch(price, currency="USD", marketplace_id=US) -> dict:
    return {
        "op": "replace",
        "path": "/attributes/purchasable_offer",
        "value": [
            {
                "marketplace_id": marketplace_id,
                "currency": currency,
                "our_price": [{"schedule": [{"value_with_tax": price}]}],
            }
        ],
    }


def create_document(api, content_type=JSON_TYPE) -> dict:
    response = api.send("POST", DOCUMENTS, {"contentType": content_type})
    assert response.status_code == 201, response.text
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
    return response.json()


def upload(http, document: dict, content, content_type=JSON_TYPE):
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    return http.put(document["url"], content=data, headers={"Content-Type": content_type})


def create_feed(api, document_id, marketplaces=(US,), feed_type="JSON_LISTINGS_FEED"):
    body = {
        "feedType": feed_type,
        "marketplaceIds": list(marketplaces),
        "inputFeedDocumentId": document_id,
    }
    return api.send("POST", FEEDS, body)


def submit(api, http, content, marketplaces=(US,)) -> str:
    document = create_document(api)
    assert upload(http, document, content).status_code == 200
    response = create_feed(api, document["feedDocumentId"], marketplaces)
    assert response.status_code == 202, response.text
    return response.json()["feedId"]


def get_feed(api, feed_id) -> dict:
    response = api.get(f"{FEEDS}/{feed_id}")
    assert response.status_code == 200, response.text
    assert response.headers["x-amzn-RateLimit-Limit"] == "2"
    return response.json()


def finished(api, feed_id) -> dict:
    for _ in range(10):
        state = get_feed(api, feed_id)
        if state["processingStatus"] in ("DONE", "FATAL"):
            return state
    raise AssertionError(f"feed {feed_id} never finished")


def report_of(api, http, state) -> dict:
    response = api.get(f"{DOCUMENTS}/{state['resultFeedDocumentId']}")
    assert response.status_code == 200
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0222"
    assert set(response.json()) == {"feedDocumentId", "url"}
    download = http.get(response.json()["url"])
    assert download.status_code == 200
    return download.json()


def assert_valid_report(report):
    if MODELS_DIR is None:
        return
    path = MODELS_DIR / "schemas/feeds/listings-feed-processing-report-schema-v2.json"
    jsonschema.Draft7Validator(json.loads(path.read_text())).validate(report)


def test_feed_round_trip(emulator, api, http):
    document = create_document(api)
    assert document["url"].startswith(f"{emulator.url}/_documents/upload/")
    uploaded = http.put(  # a pre-signed URL: no access token
        document["url"],
        content=json.dumps(feed(patch_message(1, "SKU-1", quantity_patch(5)))).encode(),
        headers={"Content-Type": JSON_TYPE},
    )
    assert uploaded.status_code == 200
    created = create_feed(api, document["feedDocumentId"])
    assert created.status_code == 202
    assert created.headers["x-amzn-RateLimit-Limit"] == "0.0083"
    feed_id = created.json()["feedId"]

    first = get_feed(api, feed_id)
    assert emulator.listing(SELLER_ID, "SKU-1") is None  # not processed yet
    done = get_feed(api, feed_id)

    assert first == {
        "feedId": feed_id,
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [US],
        "createdTime": "2026-03-02T12:00:00Z",
        "processingStatus": "IN_PROGRESS",
        "processingStartTime": "2026-03-02T12:00:00Z",
    }
    assert done["processingStatus"] == "DONE"
    assert done["processingEndTime"] == "2026-03-02T12:00:00Z"
    report = report_of(api, http, done)
    assert report == {
        "header": {"sellerId": SELLER_ID, "version": "2.0", "feedId": feed_id},
        "issues": [],
        "summary": {
            "errors": 0,
            "warnings": 0,
            "messagesProcessed": 1,
            "messagesAccepted": 1,
            "messagesInvalid": 0,
        },
    }
    assert_valid_report(report)
    assert emulator.listing(SELLER_ID, "SKU-1")["quantity"] == 5
    assert [r.operation for r in emulator.requests] == [
        "createFeedDocument",
        "uploadFeedDocument",
        "createFeed",
        "getFeed",
        "getFeed",
        "getFeedDocument",
        "downloadDocument",
    ]


def test_processed_messages_and_their_issues(emulator, api, http):
    emulator.set_known_skus(SELLER_ID, ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-6"])
    emulator.reject_listing(SELLER_ID, "SKU-6", "This product is restricted.")
    partial_update = {
        "messageId": 3,
        "sku": "SKU-3",
        "operationType": "PARTIAL_UPDATE",
        "productType": "PRODUCT",
        "attributes": {"fulfillment_availability": quantity_patch(2)["value"]},
    }
    content = feed(
        patch_message(1, "SKU-1", quantity_patch(5), price_patch(19.99)),
        patch_message(2, "SKU-2", quantity_patch(-1)),
        partial_update,
        patch_message(4, "SKU-4", price_patch(9.99, "EUR")),
        patch_message(5, "SKU-UNKNOWN", quantity_patch(1)),
        patch_message(6, "SKU-6", quantity_patch(1)),
        {**patch_message(7, "SKU-5", quantity_patch(1)), "attributes": {"x": [1]}},
        patch_message(1, "SKU-5", quantity_patch(1)),
        {"messageId": 8, "sku": "SKU-5", "operationType": "UPDATE", "productType": "PRODUCT",
         "attributes": {"fulfillment_availability": quantity_patch(2)["value"]}},
    )  # fmt: skip

    report = report_of(api, http, finished(api, submit(api, http, content)))

    assert_valid_report(report)
    issues = {(i["messageId"], i["code"]): i for i in report["issues"]}
    assert sorted(issues) == [
        (1, "DUPLICATE_MESSAGE_ID"),
        (2, "INVALID_VALUE"),
        (4, "CURRENCY_MISMATCH"),
        (5, "SKU_NOT_FOUND"),
        (6, "REJECTED"),
        (7, "INVALID_MESSAGE"),
        (8, "UNSUPPORTED_OPERATION"),
    ]
    assert issues[(2, "INVALID_VALUE")] == {
        "messageId": 2,
        "sku": "SKU-2",
        "code": "INVALID_VALUE",
        "severity": "ERROR",
        "message": "fulfillment_availability quantity -1 is not an integer >= 0.",
        "attributeName": "fulfillment_availability",
    }
    assert issues[(4, "CURRENCY_MISMATCH")]["attributeName"] == "purchasable_offer.currency"
    assert issues[(6, "REJECTED")]["message"] == "This product is restricted."
    assert issues[(7, "INVALID_MESSAGE")]["message"] == (
        "'attributes' is not allowed for operationType PATCH"
    )
    assert report["summary"] == {
        "errors": 7,
        "warnings": 0,
        "messagesProcessed": 9,
        "messagesAccepted": 2,
        "messagesInvalid": 7,
    }
    listing = emulator.listing(SELLER_ID, "SKU-1")
    assert (listing["quantity"], listing["price"], listing["currency"]) == (
        5,
        Decimal("19.99"),
        "USD",
    )
    assert emulator.listing(SELLER_ID, "SKU-3")["quantity"] == 2
    for sku in ("SKU-2", "SKU-4", "SKU-5", "SKU-6", "SKU-UNKNOWN"):
        assert emulator.listing(SELLER_ID, sku) is None


@requires_models
def test_amazons_example_feed(emulator, api, http):
    example = json.loads(
        (MODELS_DIR / "schemas/feeds/listings-feed-schema-v2.example.json").read_text()
    )
    example["header"]["sellerId"] = SELLER_ID

    report = report_of(api, http, finished(api, submit(api, http, example)))

    assert_valid_report(report)
    assert [(i["messageId"], i["code"]) for i in report["issues"]] == [(3, "UNSUPPORTED_OPERATION")]
    assert report["summary"]["messagesAccepted"] == 4
    for sku in ("My-SKU-B", "My-SKU-D", "My-SKU-E"):
        assert emulator.listing(SELLER_ID, sku)["quantity"] == 10


def test_feeds_apply_to_their_marketplaces_and_delete(emulator, api, http):
    content = feed(
        patch_message(1, "SKU-1", quantity_patch(4), price_patch(19.5, "EUR", DE)),
    )
    finished(api, submit(api, http, content, marketplaces=(US, DE)))

    assert emulator.listing(SELLER_ID, "SKU-1", US)["quantity"] == 4
    assert emulator.listing(SELLER_ID, "SKU-1", US)["price"] is None
    assert emulator.listing(SELLER_ID, "SKU-1", DE)["price"] == Decimal("19.5")

    deletion = feed({"messageId": 1, "sku": "SKU-1", "operationType": "DELETE"})
    finished(api, submit(api, http, deletion, marketplaces=(DE,)))

    assert emulator.listing(SELLER_ID, "SKU-1", DE) is None
    assert emulator.listing(SELLER_ID, "SKU-1", US)["quantity"] == 4


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"header,messages\n1,2\n", "The feed document is not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        ({"header": {"sellerId": SELLER_ID}, "messages": []}, "'version' is a required property"),
        (feed(), "/messages: [] should be non-empty"),
        ({"messages": [{"messageId": 1}]}, "'header' is a required property"),
        (feed(patch_message(1, "A", quantity_patch(1)), seller_id="A9OTHER"), "header.sellerId"),
    ],
)
def test_unusable_documents_make_the_feed_fatal(emulator, api, http, content, complaint):
    state = finished(api, submit(api, http, content))

    assert state["processingStatus"] == "FATAL"
    report = report_of(api, http, state)
    assert_valid_report(report)
    (issue,) = report["issues"]
    assert issue["severity"] == "ERROR"
    assert issue["code"] == "INVALID_FEED"
    assert complaint in issue["message"]
    assert report["summary"]["messagesProcessed"] == 0


def test_processing_polls(emulator, api, http):
    emulator.feed_processing_polls = 0
    at_once = submit(api, http, feed(patch_message(1, "SKU-1", quantity_patch(1))))
    assert emulator.listing(SELLER_ID, "SKU-1")["quantity"] == 1
    assert get_feed(api, at_once)["processingStatus"] == "DONE"

    emulator.feed_processing_polls = 2
    later = submit(api, http, feed(patch_message(1, "SKU-1", quantity_patch(2))))
    statuses = [get_feed(api, later)["processingStatus"] for _ in range(4)]
    assert statuses == ["IN_PROGRESS", "IN_PROGRESS", "DONE", "DONE"]


def test_processing_polls_option(http):
    with AmazonEmulator(clock=ManualClock(NOW), feed_processing_polls=0) as amazon:
        amazon.add_seller(**SELLER)
        http.base_url = amazon.url
        api = SpApi(http, amazon.issue_access_token(SELLER_ID))
        feed_id = submit(api, http, feed(patch_message(1, "SKU-1", quantity_patch(3))))

        assert amazon.feed_processing_polls == 0
        assert get_feed(api, feed_id)["processingStatus"] == "DONE"
        amazon.assert_contract_clean()


def test_feeds_helper(emulator, api, http):
    content = feed(patch_message(1, "SKU-1", quantity_patch(1)))
    feed_id = submit(api, http, content)

    (pending,) = emulator.feeds
    assert pending["feedId"] == feed_id
    assert pending["processingStatus"] == "IN_QUEUE"
    assert pending["sellerId"] == SELLER_ID
    assert pending["document"] == content
    assert pending["contentType"] == JSON_TYPE
    assert pending["report"] is None

    finished(api, feed_id)
    (done,) = emulator.feeds
    assert done["report"]["summary"]["messagesAccepted"] == 1


@pytest.mark.parametrize(
    ("case", "complaint"),
    [
        ("not uploaded", "has no content: upload it"),
        ("unknown document", "Invalid inputFeedDocumentId"),
        ("removed feed type", "Feed type POST_INVENTORY_AVAILABILITY_DATA is not processed"),
        ("foreign marketplace", "Invalid marketplaceIds: A1VC38T7YXB528"),
    ],
)
def test_create_feed_refusals(emulator, api, http, case, complaint):
    document = create_document(api)
    if case != "not uploaded":
        upload(http, document, feed(patch_message(1, "SKU-1", quantity_patch(1))))
    document_id = "amzn1.tortuga.unknown" if case == "unknown document" else None
    response = create_feed(
        api,
        document_id or document["feedDocumentId"],
        marketplaces=("A1VC38T7YXB528",) if case == "foreign marketplace" else (US,),
        feed_type=(
            "POST_INVENTORY_AVAILABILITY_DATA"
            if case == "removed feed type"
            else "JSON_LISTINGS_FEED"
        ),
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidInput"
    assert complaint in error["message"]
    assert emulator.feeds == []


def test_other_sellers_feeds_and_documents_are_not_found(emulator, api, http):
    feed_id = submit(api, http, feed(patch_message(1, "SKU-1", quantity_patch(1))))
    document_id = emulator.feeds[0]["inputFeedDocumentId"]
    emulator.add_seller(**OTHER_SELLER)
    other = emulator.issue_access_token(OTHER_SELLER["seller_id"])

    for path in (f"{FEEDS}/{feed_id}", f"{DOCUMENTS}/{document_id}", f"{FEEDS}/123"):
        response = api.get(path, token=other)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NotFound"


def test_document_urls_are_presigned(emulator, api, http, clock):
    document = create_document(api)
    content = json.dumps(feed(patch_message(1, "SKU-1", quantity_patch(1)))).encode()

    wrong_type = upload(http, document, content, content_type="text/plain")
    tampered = http.put(
        document["url"].replace("signature=", "signature=0"),
        content=content,
        headers={"Content-Type": JSON_TYPE},
    )
    clock.advance(minutes=6)
    expired = upload(http, document, content)

    assert wrong_type.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in wrong_type.text
    assert tampered.status_code == 403
    assert expired.status_code == 403
    assert "Request has expired" in expired.text
    assert create_feed(api, document["feedDocumentId"]).status_code == 400  # nothing uploaded


def test_input_documents_can_be_downloaded_as_uploaded(emulator, api, http):
    document = create_document(api, "text/tab-separated-values")
    upload(http, document, b"sku\tquantity\n", "text/tab-separated-values")

    response = api.get(f"{DOCUMENTS}/{document['feedDocumentId']}")
    download = http.get(response.json()["url"])

    assert download.content == b"sku\tquantity\n"
    assert download.headers["content-type"] == "text/tab-separated-values"


def test_faults(emulator, api, http):
    emulator.inject_fault("throttle", "createFeed")
    emulator.inject_fault("server_error", "uploadFeedDocument", status=503)
    emulator.inject_fault("server_error", "getFeed")
    content = feed(patch_message(1, "SKU-1", quantity_patch(1)))
    document = create_document(api)

    assert upload(http, document, content).status_code == 503
    assert upload(http, document, content).status_code == 200
    throttled = create_feed(api, document["feedDocumentId"])
    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "0.0083"
    feed_id = create_feed(api, document["feedDocumentId"]).json()["feedId"]
    assert api.get(f"{FEEDS}/{feed_id}").status_code == 500
    assert finished(api, feed_id)["processingStatus"] == "DONE"
    assert len(emulator.feeds) == 1


def test_faults_for_any_operation_spare_the_document_urls(emulator, api, http):
    document = create_document(api)
    emulator.inject_fault("server_error")

    assert upload(http, document, feed()).status_code == 200
    assert len(emulator.pending_faults) == 1


def test_reset_forgets_feeds(emulator, api, http):
    submit(api, http, feed(patch_message(1, "SKU-1", quantity_patch(1))))

    emulator.reset()

    assert emulator.feeds == []


@requires_models
@pytest.mark.contract_violations_expected
def test_requests_breaking_the_model_are_caught(emulator, api, http):
    document = create_document(api)
    upload(http, document, feed(patch_message(1, "SKU-1", quantity_patch(1))))

    response = api.send(
        "POST",
        FEEDS,
        {"feedType": "JSON_LISTINGS_FEED", "inputFeedDocumentId": document["feedDocumentId"]},
    )

    assert response.status_code == 400
    assert any(
        "createFeed request: body parameter 'body': 'marketplaceIds' is a required property" in v
        for v in emulator.contract_violations
    )
    assert emulator.feeds == []
