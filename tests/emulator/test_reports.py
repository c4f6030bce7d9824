"""Reports 2021-06-30: getReports, getReport, getReportDocument, createReport, and the
settlement reports (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) the emulator generates."""

import gzip
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from emulator_support import DE, NOW, OTHER_SELLER, SELLER, US, SpApi, rate_limited, requires_models
from sp_api.api import Reports
from sp_api.auth import AccessTokenClient
from sp_api.base.credential_provider import FromCodeCredentialProvider
from sp_api.base.exceptions import SellingApiBadRequestException

from amazon_emulator import AmazonEmulator, ManualClock, make_order
from amazon_emulator.settlements import COLUMNS

SELLER_ID = SELLER["seller_id"]
REPORTS = "/reports/2021-06-30/reports"
DOCUMENTS = "/reports/2021-06-30/documents"
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
UNGENERATED = "GET_MERCHANT_LISTINGS_ALL_DATA"
START = datetime(2026, 2, 16, tzinfo=timezone.utc)
END = datetime(2026, 3, 1, 23, 59, 59, tzinfo=timezone.utc)
SUMMARY_COLUMNS = (
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
)


def order(number, marketplace=US, fulfilled_by="AMAZON", status="SHIPPED", **item):
    """An order of one item created on 2026-02-20 + `number` hours, seller-collected tax."""
    prefix = "111" if marketplace == US else "302"
    spec = {"sku": f"SKU-{number}", "asin": "B000TEST01", "quantity": 1, "unit_price": "10.00"}
    built = make_order(
        f"{prefix}-0000001-{number:07d}",
        marketplace,
        fulfilled_by,
        status,
        [{**spec, **item}],
        created=datetime(2026, 2, 20, number, tzinfo=timezone.utc),
    )
    for order_item in built["orderItems"]:
        order_item.pop("tax", None)  # tax collected by the seller, whatever make_order's default
    return built


def facilitated(built):
    """The order with its items' tax collected by Amazon (marketplace facilitator)."""
    for order_item in built["orderItems"]:
        order_item["tax"] = {"taxCollections": [{"model": "MARKETPLACE_FACILITATOR"}]}
    return built


def settle(emulator, marketplace=US, **options):
    return emulator.add_settlement(
        SELLER_ID, marketplace, **{"start": START, "end": END, **options}
    )


def parse(text):
    """(header, summary row, data rows) of a settlement flat file, rows by column name."""
    lines = text.split("\n")
    assert lines[-1] == ""  # every line ends with a newline
    header, *records = [line.split("\t") for line in lines[:-1]]
    summary, *rows = [dict(zip(header, record, strict=True)) for record in records]
    return header, summary, rows


def amount(text):
    return Decimal(text.replace(",", "."))


def amounts(rows, order_id=None, transaction_type="Order"):
    """{(amount-type, amount-description): amount} of the rows of one order."""
    found = {}
    for row in rows:
        if row["transaction-type"] == transaction_type and (
            order_id is None or row["order-id"] == order_id
        ):
            key = (row["amount-type"], row["amount-description"])
            found[key] = found.get(key, Decimal(0)) + amount(row["amount"])
    return found


def list_reports(api, **params):
    response = api.get(REPORTS, **params)
    assert response.status_code == 200, response.text
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0222"
    return response.json()


def report_ids(body):
    return [report["reportId"] for report in body["reports"]]


def download(api, http, document_id, **params):
    response = api.get(f"{DOCUMENTS}/{document_id}", **params)
    assert response.status_code == 200, response.text
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    return response.json(), http.get(response.json()["url"])


# getReports


def test_settlements_are_listed_newest_first(emulator, api, clock):
    first = settle(emulator)
    clock.advance(minutes=10)
    second = settle(emulator, start=END, end=END + timedelta(days=14))
    emulator.add_report(SELLER_ID, RETURNS, "return-date\n", marketplace_ids=[US])

    body = list_reports(api, reportTypes=[SETTLEMENT])

    assert report_ids(body) == [second["report_id"], first["report_id"]]
    assert "nextToken" not in body
    assert body["reports"][1] == {
        "reportId": first["report_id"],
        "reportType": SETTLEMENT,
        "marketplaceIds": [US],
        "createdTime": "2026-03-02T12:00:00Z",
        "processingStatus": "DONE",
        "dataStartTime": "2026-02-16T00:00:00Z",
        "dataEndTime": "2026-03-01T23:59:59Z",
        "processingStartTime": "2026-03-02T12:00:00Z",
        "processingEndTime": "2026-03-02T12:00:00Z",
        "reportDocumentId": first["report_document_id"],
    }


def settle_at(emulator, clock, marketplace, days_ago):
    clock.set(NOW - timedelta(days=days_ago))
    start = NOW - timedelta(days=days_ago + 14)
    created = emulator.add_settlement(
        SELLER_ID, marketplace, start=start, end=start + timedelta(13)
    )
    clock.set(NOW)
    return created["report_id"]


def test_get_reports_filters(emulator, api, clock):
    old = settle_at(emulator, clock, US, days_ago=100)
    us = settle_at(emulator, clock, US, days_ago=20)
    de = settle_at(emulator, clock, DE, days_ago=10)
    emulator.report_processing_polls = 2
    queued = api.send("POST", REPORTS, {"reportType": RETURNS, "marketplaceIds": [US]})
    queued_id = queued.json()["reportId"]
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_settlement(OTHER_SELLER["seller_id"], US, start=START, end=END)

    assert report_ids(list_reports(api, reportTypes=[SETTLEMENT])) == [de, us]
    assert report_ids(list_reports(api, reportTypes=[SETTLEMENT], marketplaceIds=[DE])) == [de]
    since = list_reports(api, reportTypes=[SETTLEMENT], createdSince="2025-01-01T00:00:00Z")
    assert report_ids(since) == [de, us, old]
    window = list_reports(
        api,
        reportTypes=[SETTLEMENT],
        createdSince="2025-01-01T00:00:00Z",
        createdUntil=(NOW - timedelta(days=15)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert report_ids(window) == [us, old]
    both = list_reports(api, reportTypes=[SETTLEMENT, RETURNS])
    assert report_ids(both) == [queued_id, de, us]
    in_queue = list_reports(api, reportTypes=[SETTLEMENT, RETURNS], processingStatuses=["IN_QUEUE"])
    assert report_ids(in_queue) == [queued_id]


def test_pagination_follows_next_tokens_with_the_first_filters(emulator, api, clock):
    created = []
    for week in range(5):
        clock.advance(minutes=1)
        start = START + timedelta(weeks=week)
        created.append(
            emulator.add_settlement(SELLER_ID, US, start=start, end=start + timedelta(days=7))
        )
    newest_first = [settlement["report_id"] for settlement in reversed(created)]

    first = list_reports(api, reportTypes=[SETTLEMENT], pageSize=2)
    clock.advance(minutes=1)
    settle(emulator, start=END + timedelta(days=30), end=END + timedelta(days=44))  # after page 1
    second = list_reports(api, nextToken=first["nextToken"])
    third = list_reports(api, nextToken=second["nextToken"])

    assert report_ids(first) + report_ids(second) + report_ids(third) == newest_first
    assert len(report_ids(second)) == 2
    assert "nextToken" not in third
    assert len(report_ids(list_reports(api, reportTypes=[SETTLEMENT], pageSize=100))) == 6
    assert len(report_ids(list_reports(api, reportTypes=[SETTLEMENT]))) == 6  # default 10


def test_default_page_size_is_ten(emulator, api):
    for number in range(11):
        emulator.add_report(SELLER_ID, SETTLEMENT, f"report {number}\n", marketplace_ids=[US])

    first = list_reports(api, reportTypes=[SETTLEMENT])

    assert len(first["reports"]) == 10
    assert len(list_reports(api, nextToken=first["nextToken"])["reports"]) == 1


def test_next_token_of_another_seller_is_refused(emulator, api):
    for week in range(2):
        start = START + timedelta(weeks=week)
        emulator.add_settlement(SELLER_ID, US, start=start, end=start + timedelta(days=7))
    token = list_reports(api, reportTypes=[SETTLEMENT], pageSize=1)["nextToken"]
    emulator.add_seller(**OTHER_SELLER)

    response = api.get(
        REPORTS, token=emulator.issue_access_token(OTHER_SELLER["seller_id"]), nextToken=token
    )

    assert response.status_code == 400
    assert "could not decode your NextToken" in response.json()["errors"][0]["message"]


def assert_invalid_input(response, complaint, details=None):
    assert response.status_code == 400, response.text
    assert response.headers["x-amzn-RateLimit-Limit"]
    errors = response.json()["errors"]
    assert all(error["code"] == "InvalidInput" for error in errors)
    assert any(complaint in error["message"] for error in errors), errors
    if details is not None:
        assert errors[0]["details"] == details


@pytest.mark.parametrize(
    ("params", "complaint", "details"),
    [
        ({}, "Either reportTypes or nextToken is required", None),
        ({"pageSize": "5"}, "Either reportTypes or nextToken is required", None),
        (
            {"nextToken": "abc", "reportTypes": SETTLEMENT, "pageSize": "5"},
            "NextToken cannot be specified with other input parameters",
            "reportTypes;pageSize;",
        ),
        ({"nextToken": "not-a-token"}, "We could not decode your NextToken", None),
        (
            {
                "reportTypes": SETTLEMENT,
                "createdSince": "2026-03-01T00:00:00Z",
                "createdUntil": "2026-02-01T00:00:00Z",
            },
            "createdSince must be before or equal to createdUntil",
            None,
        ),
        (
            {"reportTypes": SETTLEMENT, "marketplaceIds": "A1VC38T7YXB528"},
            "Invalid marketplaceIds",
            None,
        ),
    ],
)
def test_get_reports_parameter_rules(emulator, api, params, complaint, details):
    assert_invalid_input(api.get(REPORTS, **params), complaint, details)


@requires_models
@pytest.mark.contract_violations_expected
@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"reportTypes": SETTLEMENT, "pageSize": "0"}, "pageSize"),
        ({"reportTypes": SETTLEMENT, "pageSize": "101"}, "pageSize"),
        ({"reportTypes": SETTLEMENT, "processingStatuses": "FINISHED"}, "'FINISHED' is not one of"),
        ({"reportTypes": ",".join(f"TYPE_{n}" for n in range(11))}, "is too long"),
        ({"reportTypes": SETTLEMENT, "createdSince": "yesterday"}, "'yesterday' is not a"),
        ({"reportTypes": SETTLEMENT, "MarketplaceId": US}, "'MarketplaceId' is not defined"),
    ],
)
def test_get_reports_requests_breaking_the_model(emulator, api, params, complaint):
    assert_invalid_input(api.get(REPORTS, **params), complaint)
    assert any(complaint in violation for violation in emulator.contract_violations)


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"reportTypes": SETTLEMENT, "pageSize": "101"}, "pageSize must be between 1 and 100"),
        ({"reportTypes": SETTLEMENT, "pageSize": "ten"}, "pageSize must be an integer"),
        ({"reportTypes": SETTLEMENT, "processingStatuses": "FINISHED"}, "Invalid processingStat"),
        ({"reportTypes": ",".join(f"T{n}" for n in range(11))}, "reportTypes may list at most 10"),
        ({"reportTypes": SETTLEMENT, "createdUntil": "soon"}, "createdUntil must be an ISO 8601"),
        ({"reportTypes": SETTLEMENT, "MarketplaceId": US}, "Unknown parameters: MarketplaceId"),
    ],
)
def test_parameter_rules_hold_without_the_models(http, params, complaint):
    with AmazonEmulator(clock=ManualClock(NOW), validate=False) as amazon:
        amazon.add_seller(**SELLER)
        http.base_url = amazon.url
        api = SpApi(http, amazon.issue_access_token(SELLER_ID))

        assert_invalid_input(api.get(REPORTS, **params), complaint)


# createReport


def test_settlement_reports_cannot_be_requested(emulator, api):
    response = api.send("POST", REPORTS, {"reportType": SETTLEMENT, "marketplaceIds": [US]})

    assert response.status_code == 400
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert response.json() == {
        "errors": [
            {
                "code": "InvalidInput",
                "message": "Request for report type 1118 is not allowed at this time",
                "details": "",
            }
        ]
    }
    assert emulator.reports == []


def test_requested_reports_are_processed_as_they_are_polled(emulator, api):
    requests = []
    emulator.set_report_generator(RETURNS, lambda request: requests.append(request) or "a\tb\n")
    body = {
        "reportType": RETURNS,
        "marketplaceIds": [US],
        "dataStartTime": "2026-02-01T00:00:00Z",
        "reportOptions": {"ShowSalesChannel": "true"},
    }

    created = api.send("POST", REPORTS, body)
    report_id = created.json()["reportId"]
    statuses = [api.get(f"{REPORTS}/{report_id}").json() for _ in range(3)]

    assert created.status_code == 202
    assert created.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert [s["processingStatus"] for s in statuses] == ["IN_PROGRESS", "DONE", "DONE"]
    assert "reportDocumentId" not in statuses[0]
    assert statuses[1]["dataStartTime"] == "2026-02-01T00:00:00Z"
    assert requests == [
        {
            "sellerId": SELLER_ID,
            "reportType": RETURNS,
            "marketplaceIds": [US],
            "dataStartTime": datetime(2026, 2, 1, tzinfo=timezone.utc),
            "dataEndTime": NOW,
            "reportOptions": {"ShowSalesChannel": "true"},
        }
    ]
    (described,) = emulator.reports
    assert described["document"] == "a\tb\n"
    assert described["reportOptions"] == {"ShowSalesChannel": "true"}


def test_requested_reports_without_data_are_cancelled(emulator, api):
    """A report type the emulator has no generator for (the returns report has one)."""
    emulator.report_processing_polls = 0
    body = {"reportType": UNGENERATED, "marketplaceIds": [US]}
    report_id = api.send("POST", REPORTS, body).json()["reportId"]

    report = api.get(f"{REPORTS}/{report_id}").json()

    assert report["processingStatus"] == "CANCELLED"
    assert "reportDocumentId" not in report


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"reportType": RETURNS, "marketplaceIds": ["A1VC38T7YXB528"]}, "Invalid marketplaceIds"),
        (
            {"reportType": RETURNS, "marketplaceIds": [US], "dataEndTime": "2026-04-01T00:00:00Z"},
            "must be prior to or equal to the current date and time",
        ),
        (
            {
                "reportType": RETURNS,
                "marketplaceIds": [US],
                "dataStartTime": "2026-02-10T00:00:00Z",
                "dataEndTime": "2026-02-01T00:00:00Z",
            },
            "dataStartTime must be before or equal to dataEndTime",
        ),
    ],
)
def test_create_report_refusals(emulator, api, body, complaint):
    assert_invalid_input(api.send("POST", REPORTS, body), complaint)
    assert emulator.reports == []


# getReport, getReportDocument and the document URLs


def test_report_and_document(emulator, api, http):
    emulator.add_order(SELLER_ID, order(1))
    settlement = settle(emulator)

    report = api.get(f"{REPORTS}/{settlement['report_id']}")
    document, content = download(api, http, settlement["report_document_id"])

    assert report.status_code == 200
    assert report.headers["x-amzn-RateLimit-Limit"] == "2"
    assert report.json()["reportDocumentId"] == settlement["report_document_id"]
    assert set(document) == {"reportDocumentId", "url"}
    assert document["url"].startswith(f"{emulator.url}/_documents/download/")
    assert content.status_code == 200
    assert content.content == settlement["text"].encode()
    assert "settlement-id\t" in content.text
    assert [r.operation for r in emulator.requests] == [
        "getReport",
        "getReportDocument",
        "downloadDocument",
    ]


def test_gzipped_document(emulator, api, http):
    emulator.add_order(SELLER_ID, order(1))
    settlement = settle(emulator, compressed=True)

    document, raw = download(api, http, settlement["report_document_id"])
    _, decoded_by_http = download(
        api, http, settlement["report_document_id"], enableContentEncodingUrlHeader="true"
    )

    assert document["compressionAlgorithm"] == "GZIP"
    assert "content-encoding" not in raw.headers
    assert raw.content[:2] == b"\x1f\x8b"
    assert gzip.decompress(raw.content).decode() == settlement["text"]
    assert decoded_by_http.headers["content-encoding"] == "gzip"
    assert decoded_by_http.text == settlement["text"]
    assert emulator.reports[0]["compressionAlgorithm"] == "GZIP"
    assert emulator.reports[0]["document"] == settlement["text"]


def test_bad_document_urls_are_refused_like_s3(emulator, api, http, clock):
    settlement = settle(emulator)
    url = api.get(f"{DOCUMENTS}/{settlement['report_document_id']}").json()["url"]
    unknown = url.replace(settlement["report_document_id"], "amzn1.spdoc.1.4.na.unknown")

    tampered = http.get(url.replace("signature=", "signature=0"))
    for_another_document = http.get(unknown)
    unsigned = http.get(url.split("?")[0])
    # The content encoding is part of what the URL signs.
    with_encoding = http.get(f"{url}&response-content-encoding=gzip")
    clock.advance(minutes=6)
    expired = http.get(url)

    for response in (tampered, for_another_document, unsigned, with_encoding, expired):
        assert response.status_code == 403
        assert "<Code>AccessDenied</Code>" in response.text
    assert "Request has expired" in expired.text


def test_other_sellers_reports_are_not_found(emulator, api):
    settlement = settle(emulator)
    emulator.add_seller(**OTHER_SELLER)
    other = emulator.issue_access_token(OTHER_SELLER["seller_id"])

    for path in (
        f"{REPORTS}/{settlement['report_id']}",
        f"{DOCUMENTS}/{settlement['report_document_id']}",
        f"{REPORTS}/123",
    ):
        response = api.get(path, token=other)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NotFound"
    assert list_reports(api, reportTypes=[SETTLEMENT])["reports"] != []
    assert list_reports(SpApi(api.http, other), reportTypes=[SETTLEMENT])["reports"] == []


def test_faults(emulator, api, http):
    settlement = settle(emulator)
    emulator.inject_fault("throttle", "getReports", retry_after=30)
    emulator.inject_fault("server_error", "getReportDocument", status=503)
    emulator.inject_fault("server_error", "downloadDocument")

    throttled = api.get(REPORTS, reportTypes=SETTLEMENT)
    unavailable = api.get(f"{DOCUMENTS}/{settlement['report_document_id']}")
    document = api.get(f"{DOCUMENTS}/{settlement['report_document_id']}").json()
    broken_download = http.get(document["url"])

    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "0.0222"
    assert throttled.headers["Retry-After"] == "30"
    assert unavailable.status_code == 503
    assert "text/html" in unavailable.headers["content-type"]
    assert broken_download.status_code == 500
    assert http.get(document["url"]).text == settlement["text"]
    assert report_ids(list_reports(api, reportTypes=[SETTLEMENT])) == [settlement["report_id"]]


def test_usage_plans_are_enforced(http):
    with rate_limited(http) as (amazon, api, clock):
        statuses = [api.get(REPORTS, reportTypes=SETTLEMENT).status_code for _ in range(11)]
        assert statuses == [200] * 10 + [429]
        clock.advance(1 / 0.0222 + 0.1)
        assert api.get(REPORTS, reportTypes=SETTLEMENT).status_code == 200
        amazon.assert_contract_clean()


def test_reset_forgets_reports(emulator):
    settle(emulator)

    emulator.reset()

    assert emulator.reports == []


# The settlement file


def test_settlement_file_layout_and_total(emulator):
    emulator.add_order(SELLER_ID, order(1, quantity=2, unit_price="19.99", tax="3.30"))
    emulator.add_order(SELLER_ID, order(2, fulfilled_by="MERCHANT", shipping_price="4.99"))

    settlement = settle(emulator)
    header, summary, rows = parse(settlement["text"])

    assert tuple(header) == COLUMNS
    assert {name for name, value in summary.items() if value} == set(SUMMARY_COLUMNS)
    assert summary == {
        **dict.fromkeys(COLUMNS, ""),
        "settlement-id": settlement["settlement_id"],
        "settlement-start-date": "2026-02-16 00:00:00 UTC",
        "settlement-end-date": "2026-03-01 23:59:59 UTC",
        "deposit-date": "2026-03-03 23:59:59 UTC",
        "total-amount": str(settlement["total_amount"]),
        "currency": "USD",
    }
    assert sum(amount(row["amount"]) for row in rows) == settlement["total_amount"]
    # 2 x 19.99 + 3.30 tax - 6.00 commission - 2 x 3.22 FBA fee; 10.00 + 4.99 - 1.50
    assert settlement["total_amount"] == Decimal("44.33")
    assert settlement["order_ids"] == ["111-0000001-0000001", "111-0000001-0000002"]
    assert settlement["rows"] == rows
    assert all(row["settlement-id"] == settlement["settlement_id"] for row in rows)
    assert all(row[column] == "" for row in rows for column in SUMMARY_COLUMNS[1:5])


def test_rows_of_an_fba_order(emulator):
    stored = order(
        3,
        quantity=2,
        unit_price="19.99",
        tax="3.30",
        promotion_discount="5.00",
        gift_wrap_price="2.50",
        promotion_id="SPRING-5",
    )
    emulator.add_order(SELLER_ID, stored)

    rows = settle(emulator)["rows"]

    item = stored["orderItems"][0]
    assert [(r["amount-type"], r["amount-description"], r["amount"]) for r in rows] == [
        ("ItemPrice", "Principal", "39.98"),
        ("ItemPrice", "GiftWrap", "2.50"),
        ("ItemPrice", "Tax", "3.30"),
        ("Promotion", "Principal", "-5.00"),
        ("ItemFees", "Commission", "-6.00"),  # 15% of 39.98 = 5.997
        ("ItemFees", "FBAPerUnitFulfillmentFee", "-6.44"),
    ]
    first = rows[0]
    assert first["transaction-type"] == "Order"
    assert first["order-id"] == "111-0000001-0000003"
    assert first["fulfillment-id"] == "AFN"
    assert first["marketplace-name"] == "amazon.com"
    assert first["order-item-code"] == item["orderItemId"]
    assert first["sku"] == "SKU-3"
    assert first["quantity-purchased"] == "2"
    assert first["posted-date"] == "2026-02-20"
    assert first["posted-date-time"] == "2026-02-20 03:00:00 UTC"
    assert first["shipment-id"] and first["merchant-order-id"] == ""
    assert {row["shipment-id"] for row in rows} == {first["shipment-id"]}
    assert [row["promotion-id"] for row in rows] == ["", "", "", "SPRING-5", "", ""]


def test_rows_of_a_merchant_fulfilled_order(emulator):
    emulator.add_order(SELLER_ID, order(4, fulfilled_by="MERCHANT", shipping_price="4.99"))

    rows = settle(emulator)["rows"]

    assert amounts(rows) == {
        ("ItemPrice", "Principal"): Decimal("10.00"),
        ("ItemPrice", "Shipping"): Decimal("4.99"),
        ("ItemFees", "Commission"): Decimal("-1.50"),
    }
    assert {row["fulfillment-id"] for row in rows} == {"MFN"}
    # Posted when the package shipped (a day after the order).
    assert rows[0]["posted-date-time"] == "2026-02-21 04:00:00 UTC"


def test_tax_amazon_collects_is_withheld(emulator):
    emulator.add_order(SELLER_ID, facilitated(order(5, tax="0.83")))
    emulator.add_order(SELLER_ID, order(6, tax="0.83"))

    settlement = settle(emulator)

    facilitator = amounts(settlement["rows"], "111-0000001-0000005")
    seller = amounts(settlement["rows"], "111-0000001-0000006")
    assert facilitator[("ItemPrice", "Tax")] == Decimal("0.83")
    assert facilitator[("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal")] == Decimal(
        "-0.83"
    )
    assert seller[("ItemPrice", "Tax")] == Decimal("0.83")
    assert not any(kind == "ItemWithheldTax" for kind, _ in seller)
    assert sum(facilitator.values()) == Decimal("10.00") - Decimal("1.50") - Decimal("3.22")


def test_only_shipped_orders_of_the_marketplace_by_default(emulator):
    emulator.add_order(SELLER_ID, order(1))
    emulator.add_order(SELLER_ID, order(2, status="UNSHIPPED"))
    emulator.add_order(SELLER_ID, order(3, status="CANCELLED"))
    emulator.add_order(SELLER_ID, order(4, status="PENDING"))
    emulator.add_order(SELLER_ID, order(5, marketplace=DE))

    assert settle(emulator)["order_ids"] == ["111-0000001-0000001"]
    assert settle(emulator, order_ids=[], start=END)["rows"] == []


def test_chosen_orders_and_partial_shipments(emulator):
    emulator.add_order(SELLER_ID, order(1))
    partial = order(2, status="PARTIALLY_SHIPPED")
    partial["orderItems"].append(
        {
            **partial["orderItems"][0],
            "orderItemId": "unshipped-item",
            "fulfillment": {"quantityFulfilled": 0},
        }
    )
    emulator.add_order(SELLER_ID, partial)

    settlement = settle(emulator, order_ids=["111-0000001-0000002"])

    assert settlement["order_ids"] == ["111-0000001-0000002"]
    assert {row["order-item-code"] for row in settlement["rows"]} == {
        partial["orderItems"][0]["orderItemId"]
    }


def test_refunds(emulator):
    emulator.add_order(SELLER_ID, order(1, unit_price="40.00"))
    emulator.add_order(SELLER_ID, order(2, unit_price="200.00", fulfilled_by="MERCHANT"))

    settlement = settle(
        emulator,
        order_ids=[],
        refunds={"111-0000001-0000001": "10.00", "111-0000001-0000002": "200.00"},
    )

    rows = settlement["rows"]
    assert amounts(rows, "111-0000001-0000001", "Refund") == {
        ("ItemPrice", "Principal"): Decimal("-10.00"),
        ("ItemFees", "Commission"): Decimal("1.50"),  # a quarter of the 6.00 commission back
        ("ItemFees", "RefundCommission"): Decimal("-0.30"),  # 20% of what came back
    }
    assert amounts(rows, "111-0000001-0000002", "Refund") == {
        ("ItemPrice", "Principal"): Decimal("-200.00"),
        ("ItemFees", "Commission"): Decimal("30.00"),
        ("ItemFees", "RefundCommission"): Decimal("-5.00"),  # 20% is 6.00: capped
    }
    refund = next(row for row in rows if row["order-id"] == "111-0000001-0000001")
    assert refund["adjustment-id"].startswith("amzn1:crow:")
    assert refund["posted-date-time"] == "2026-03-01 23:59:59 UTC"
    assert refund["fulfillment-id"] == "AFN"
    assert len({row["adjustment-id"] for row in rows}) == 2
    assert settlement["total_amount"] == Decimal("-183.80")


def test_unknown_orders_and_other_transactions(emulator):
    emulator.add_order(SELLER_ID, order(1))

    settlement = settle(
        emulator,
        unknown_orders=[
            {
                "order_id": "111-9999999-0000001",
                "sku": "NOT-IN-ODOO",
                "unit_price": "25.00",
                "posted": "2026-02-25T08:30:00Z",
            },
        ],
        refunds={"111-9999999-0000001": {"amount": "5.00", "posted": "2026-02-27T10:00:00Z"}},
        other_fees={"Subscription Fee": "-39.99", "Storage Fee": "-12.60"},
    )

    rows = settlement["rows"]
    assert settlement["order_ids"] == ["111-0000001-0000001", "111-9999999-0000001"]
    unknown = [row for row in rows if row["order-id"] == "111-9999999-0000001"]
    assert {row["sku"] for row in unknown} == {"NOT-IN-ODOO"}
    assert amounts(unknown) == {
        ("ItemPrice", "Principal"): Decimal("25.00"),
        ("ItemFees", "Commission"): Decimal("-3.75"),
        ("ItemFees", "FBAPerUnitFulfillmentFee"): Decimal("-3.22"),
    }
    assert unknown[0]["posted-date-time"] == "2026-02-25 08:30:00 UTC"
    assert amounts(unknown, transaction_type="Refund")[("ItemPrice", "Principal")] == Decimal(
        "-5.00"
    )
    fees = [row for row in rows if row["transaction-type"] == "ServiceFee"]
    assert [(r["amount-type"], r["amount-description"], r["amount"]) for r in fees] == [
        ("other-transaction", "Subscription Fee", "-39.99"),
        ("other-transaction", "Storage Fee", "-12.60"),
    ]
    assert all(row["order-id"] == "" and row["sku"] == "" for row in fees)
    assert emulator.get_stored_order(SELLER_ID, "111-9999999-0000001") is None
    assert sum(amount(row["amount"]) for row in rows) == settlement["total_amount"]


def test_european_marketplaces_write_european_dates_and_decimal_commas(emulator, api, http):
    emulator.add_order(
        SELLER_ID, order(7, marketplace=DE, unit_price="1234.50", promotion_discount="0.50")
    )

    settlement = emulator.add_settlement(
        SELLER_ID,
        "DE",
        start=datetime(2026, 6, 16, tzinfo=timezone.utc),
        end=datetime(2026, 6, 30, 23, 59, 59, tzinfo=timezone.utc),
        deposit=datetime(2026, 7, 2, tzinfo=timezone.utc),
        other_fees=[("Subscription Fee", "-39.00")],
    )
    _, content = download(api, http, settlement["report_document_id"])
    _, summary, rows = parse(content.text)

    assert summary["settlement-start-date"] == "16.06.2026 00:00:00 UTC"
    assert summary["settlement-end-date"] == "30.06.2026 23:59:59 UTC"
    assert summary["deposit-date"] == "02.07.2026 00:00:00 UTC"
    assert summary["currency"] == "EUR"
    # 1234.50 - 0.50 - 185.18 commission - 3.22 - 39.00
    assert summary["total-amount"] == "1006,60"
    assert settlement["total_amount"] == Decimal("1006.60")
    assert [row["amount"] for row in rows] == ["1234,50", "-0,50", "-185,18", "-3,22", "-39,00"]
    assert rows[0]["marketplace-name"] == "amazon.de"
    assert rows[0]["posted-date"] == "16.06.2026"  # the order predates the period
    assert rows[0]["posted-date-time"] == "2026-06-16 00:00:00 UTC"
    assert rows[-1]["posted-date"] == "30.06.2026"


def test_settlement_ids_are_stable_and_unique(emulator, clock):
    first = settle(emulator)

    with pytest.raises(ValueError, match="already exists"):
        settle(emulator)
    with AmazonEmulator(clock=clock) as again:
        again.add_seller(**SELLER)
        repeated = again.add_settlement(SELLER_ID, US, start=START, end=END)

    assert repeated["settlement_id"] == first["settlement_id"]
    assert repeated["report_id"] == first["report_id"]
    assert len(first["settlement_id"]) == 11
    assert settle(emulator, settlement_id="555")["settlement_id"] == "555"


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"order_ids": ["111-0000009-0000009"]}, "describe it in unknown_orders"),
        ({"order_ids": ["111-0000001-0000002"]}, "has no shipped unit"),
        ({"refunds": {"111-0000001-0000001": "10.01"}}, "at most its principal 10.00"),
        ({"refunds": {"111-0000009-0000009": "1.00"}}, "no order 111-0000009-0000009"),
        (
            {
                "unknown_orders": [
                    {"order_id": "111-0000001-0000001", "sku": "X", "unit_price": "1.00"}
                ]
            },
            "is a stored order",
        ),
        ({"marketplace_id": "JP"}, "does not sell in Amazon.co.jp"),
    ],
)
def test_what_cannot_be_settled(emulator, options, complaint):
    emulator.add_order(SELLER_ID, order(1))
    emulator.add_order(SELLER_ID, order(2, status="UNSHIPPED"))
    marketplace = options.pop("marketplace_id", US)

    with pytest.raises(ValueError, match=complaint):
        settle(emulator, marketplace, **options)
    assert emulator.reports == []


def test_scenarios_declare_settlements(emulator, api):
    emulator.load_scenario(
        {
            "orders": {SELLER_ID: [order(1), order(2, marketplace=DE)]},
            "settlements": {
                SELLER_ID: [
                    {
                        "marketplace_id": "US",
                        "start": "2026-02-16T00:00:00Z",
                        "end": "2026-03-01T23:59:59Z",
                        "refunds": {"111-0000001-0000001": "2.00"},
                        "other_fees": {"Subscription Fee": "-39.99"},
                        "compressed": True,
                    },
                    {
                        "marketplace_id": DE,
                        "start": "2026-02-16T00:00:00Z",
                        "end": "2026-03-01T23:59:59Z",
                        "settlement_id": "12345678901",
                    },
                ]
            },
        }
    )

    us, de = emulator.reports
    assert (us["marketplaceIds"], us["compressionAlgorithm"]) == ([US], "GZIP")
    assert "\tRefund\t111-0000001-0000001\t" in us["document"]
    assert de["document"].split("\n")[1].startswith("12345678901\t16.02.2026 00:00:00 UTC\t")
    assert len(list_reports(api, reportTypes=[SETTLEMENT])["reports"]) == 2


# python-amazon-sp-api


@pytest.fixture
def library_reports(emulator, monkeypatch):
    """python-amazon-sp-api's Reports client, pointed at the emulator."""
    monkeypatch.delenv("SP_API_DEFAULT_MARKETPLACE", raising=False)

    class EmulatorTokenClient(AccessTokenClient):
        scheme = "http://"
        host = f"127.0.0.1:{emulator.port}"

    return Reports(
        marketplace=SimpleNamespace(endpoint=emulator.url, marketplace_id=US, region="us-east-1"),
        credentials={
            "refresh_token": SELLER["refresh_token"],
            "lwa_app_id": SELLER["client_id"],
            "lwa_client_secret": SELLER["client_secret"],
        },
        credential_providers=(FromCodeCredentialProvider,),
        auth_token_client_class=EmulatorTokenClient,
    )


@requires_models
@pytest.mark.contract_violations_expected
def test_the_librarys_get_report_sends_undeclared_parameters(emulator, library_reports):
    """Why the client calls getReport and getReports through `_call_path`: the library adds
    MarketplaceId, MarketplaceIds, marketplace_ids (and marketplaceIds) to getReport, and to
    getReports without marketplaceIds, which the model does not declare."""
    settlement = settle(emulator)

    listed = library_reports.get_reports(reportTypes=[SETTLEMENT], marketplaceIds=[US])
    assert emulator.contract_violations == []
    with pytest.raises(SellingApiBadRequestException, match="MarketplaceId"):
        library_reports.get_report(settlement["report_id"])

    assert [r["reportId"] for r in listed.payload["reports"]] == [settlement["report_id"]]
    assert any(
        "getReport request: query parameter 'MarketplaceId'" in violation
        for violation in emulator.contract_violations
    )
