"""The client's Reports API calls against the emulator: listing, pages, documents, errors."""

from datetime import datetime, timedelta, timezone

import pytest

from amazon_emulator.orders import make_order
from amazon_sp import (
    AmazonInvalidResponseError,
    AmazonRequestError,
    AmazonServerError,
    AmazonThrottledError,
    RateLimiter,
)

from .conftest import DE, SELLER, US

SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def add_settlements(emulator, count, marketplace=US, **options):
    """`count` settlements of consecutive weeks, oldest first."""
    settlements = []
    for week in range(count):
        start = NOW - timedelta(weeks=count - week + 1)
        settlements.append(
            emulator.add_settlement(
                SELLER,
                marketplace,
                start=start,
                end=start + timedelta(days=7),
                created=NOW - timedelta(hours=count - week),
                **options,
            )
        )
    return settlements


def add_shipped_order(emulator):
    emulator.add_order(
        SELLER,
        make_order(
            "111-0000001-0000001",
            US,
            items=[{"sku": "SKU-1", "asin": "B000000001", "unit_price": "20.00"}],
            created=NOW - timedelta(days=10),
        ),
    )


def test_get_reports_lists_settlements_newest_first(make_client, emulator):
    older, newer = add_settlements(emulator, 2)
    (german,) = add_settlements(emulator, 1, marketplace=DE)

    page = make_client().get_reports([SETTLEMENT], marketplace_ids=[US])

    assert [r["reportId"] for r in page.items] == [newer["report_id"], older["report_id"]]
    assert page.next_token is None
    assert page.items[0]["processingStatus"] == "DONE"
    assert page.items[0]["reportDocumentId"] == newer["report_document_id"]
    (call,) = emulator.requests_for("getReports")
    assert call.query == {
        "reportTypes": [SETTLEMENT],
        "marketplaceIds": [US],
        "pageSize": ["100"],
    }
    assert german["report_id"] not in {r["reportId"] for r in page.items}


def test_filters_are_sent_as_amazon_takes_them(make_client, emulator):
    add_settlements(emulator, 1)

    page = make_client().get_reports(
        [SETTLEMENT, "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"],
        processing_statuses=["DONE", "IN_QUEUE"],
        created_since=NOW - timedelta(days=30),
        created_until=NOW,
        page_size=10,
    )

    assert len(page.items) == 1
    (call,) = emulator.requests_for("getReports")
    assert call.query == {
        "reportTypes": [f"{SETTLEMENT},GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"],
        "processingStatuses": ["DONE,IN_QUEUE"],
        "createdSince": [(NOW - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")],
        "createdUntil": [NOW.strftime("%Y-%m-%dT%H:%M:%SZ")],
        "pageSize": ["10"],
    }


def test_iter_report_pages_sends_only_the_token_after_the_first_page(make_client, emulator):
    settlements = add_settlements(emulator, 5)

    pages = list(make_client().iter_report_pages([SETTLEMENT], page_size=2))

    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [r["reportId"] for page in pages for r in page.items] == [
        s["report_id"] for s in reversed(settlements)
    ]
    first, *following = emulator.requests_for("getReports")
    assert set(first.query) == {"reportTypes", "pageSize"}
    assert [set(call.query) for call in following] == [{"nextToken"}, {"nextToken"}]
    assert [call.query["nextToken"][0] for call in following] == [
        page.next_token for page in pages[:2]
    ]


def test_get_reports_needs_types_or_a_token(make_client, emulator):
    with pytest.raises(AmazonRequestError):
        make_client().get_reports(None)
    assert emulator.requests == []


def test_get_report(make_client, emulator):
    (settlement,) = add_settlements(emulator, 1)

    report = make_client().get_report(settlement["report_id"])

    assert report["reportType"] == SETTLEMENT
    assert report["reportDocumentId"] == settlement["report_document_id"]
    (call,) = emulator.requests_for("getReport")
    assert call.query == {}


def test_unknown_report_is_a_request_error(make_client, emulator):
    with pytest.raises(AmazonRequestError) as raised:
        make_client().get_report("123456")
    assert raised.value.status == 404
    assert raised.value.code == "NotFound"


@pytest.mark.parametrize("compressed", [False, True])
def test_get_report_document_downloads_and_uncompresses(make_client, emulator, compressed):
    add_shipped_order(emulator)
    (settlement,) = add_settlements(emulator, 1, compressed=compressed)

    content = make_client().get_report_document(settlement["report_document_id"])

    assert content == settlement["text"].encode()
    assert content.startswith(b"settlement-id\tsettlement-start-date\t")
    assert b"111-0000001-0000001" in content
    (download,) = emulator.requests_for("downloadDocument")
    assert "x-amz-access-token" not in {name.lower() for name in download.headers}
    (metadata,) = emulator.requests_for("getReportDocument")
    assert metadata.response_json.get("compressionAlgorithm") == ("GZIP" if compressed else None)


def test_feed_documents_still_download(make_client, emulator):
    """download_feed_document shares the download helper with get_report_document."""
    client = make_client()
    feed_id, _ = client.submit_feed(
        "JSON_LISTINGS_FEED",
        [US],
        b'{"header": {"sellerId": "%s", "version": "2.0"}, "messages": []}' % SELLER.encode(),
        "application/json; charset=UTF-8",
    )
    for _ in range(3):
        feed = client.get_feed(feed_id)
    report = client.download_feed_document(feed["resultFeedDocumentId"])

    assert b'"feedId": "%s"' % feed_id.encode() in report


def test_broken_gzip_is_an_invalid_response(make_client, emulator):
    add_shipped_order(emulator)
    (settlement,) = add_settlements(emulator, 1, compressed=True)
    emulator.inject_fault("truncated", "downloadDocument")

    with pytest.raises(AmazonInvalidResponseError) as raised:
        make_client().get_report_document(settlement["report_document_id"])
    assert raised.value.operation == "downloadDocument"


def test_throttled_get_reports_raises_with_retry_after(make_client, emulator):
    add_settlements(emulator, 1)
    # A fast live rate, so that the client's own limiter lets the retries through.
    emulator.inject_fault("throttle", "getReports", times=3, rate=20, retry_after=2)

    with pytest.raises(AmazonThrottledError) as raised:
        make_client(max_wait=5, max_retries=2).get_reports([SETTLEMENT])

    assert raised.value.status == 429
    assert raised.value.retry_after == 2
    assert raised.value.operation == "getReports"
    assert [r.status for r in emulator.requests_for("getReports")] == [429, 429, 429]


def test_long_throttle_is_handed_back(make_client, emulator):
    (settlement,) = add_settlements(emulator, 1)
    emulator.inject_fault("throttle", "getReportDocument")

    with pytest.raises(AmazonThrottledError) as raised:
        make_client(max_wait=5).get_report_document(settlement["report_document_id"])

    # the bucket refills while the request runs: a second of slack
    assert raised.value.retry_after == pytest.approx(1 / 0.0167, abs=1)
    assert len(emulator.requests_for("getReportDocument")) == 1


def test_server_error_page_raises_server_error(make_client, emulator):
    (settlement,) = add_settlements(emulator, 1)
    emulator.inject_fault("server_error", "getReportDocument", times=3, status=503)

    with pytest.raises(AmazonServerError) as raised:
        make_client(max_retries=2).get_report_document(settlement["report_document_id"])

    assert raised.value.status == 503
    assert len(emulator.requests_for("getReportDocument")) == 3


def test_server_error_of_the_document_storage(make_client, emulator):
    (settlement,) = add_settlements(emulator, 1)
    emulator.inject_fault("server_error", "downloadDocument", status=503)

    with pytest.raises(AmazonServerError) as raised:
        make_client().get_report_document(settlement["report_document_id"])

    assert raised.value.operation == "downloadDocument"
    assert raised.value.status == 503


def test_a_transient_server_error_is_retried(make_client, emulator):
    add_settlements(emulator, 1)
    emulator.inject_fault("server_error", "getReports", status=503)

    assert len(make_client().get_reports([SETTLEMENT]).items) == 1
    assert [r.status for r in emulator.requests_for("getReports")] == [503, 200]


@pytest.mark.parametrize(
    ("operation", "plan"),
    [
        ("getReports", (0.0222, 10)),
        ("getReport", (2.0, 15)),
        ("getReportDocument", (0.0167, 15)),
        ("createReport", (0.0167, 15)),
    ],
)
def test_reports_operations_have_amazons_default_usage_plans(operation, plan):
    assert RateLimiter().usage_plan("account", operation) == plan
