"""FBA customer returns: `add_fba_return` and the GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA
report the emulator makes of them, asked for, polled and read through the client."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from emulator_support import DE, NOW, OTHER_SELLER, SELLER, US

from amazon_emulator import make_order
from amazon_emulator.returns import COLUMNS, fnsku_for
from amazon_sp import (
    AccountCredentials,
    AmazonClient,
    AmazonServerError,
    AmazonThrottledError,
    RateLimiter,
    TokenCache,
)
from amazon_sp.documents import RETURNS_REPORT_TYPE, parse_customer_returns

SELLER_ID = SELLER["seller_id"]
FBA_ORDER = "111-0000001-0000001"
GERMAN_ORDER = "302-0000001-0000002"
MERCHANT_ORDER = "111-0000001-0000003"
UNSHIPPED_ORDER = "111-0000001-0000004"
MUG = {"sku": "MUG-1", "asin": "B000MUG001", "title": "Coffee mug", "unit_price": "12.00"}
CUP = {"sku": "CUP-1", "asin": "B000CUP001", "title": "Tea cup", "unit_price": "8.00"}
ORDERED = NOW - timedelta(days=10)
HEADER_LINE = "\t".join(COLUMNS) + "\n"


def add_orders(emulator):
    for order_id, marketplace, fulfilled_by, status, items in [
        (FBA_ORDER, US, "AMAZON", "SHIPPED", [{**MUG, "quantity": 3}, CUP]),
        (GERMAN_ORDER, DE, "AMAZON", "SHIPPED", [MUG]),
        (MERCHANT_ORDER, US, "MERCHANT", "SHIPPED", [MUG]),
        (UNSHIPPED_ORDER, US, "AMAZON", "UNSHIPPED", [MUG]),
    ]:
        order = make_order(order_id, marketplace, fulfilled_by, status, items, created=ORDERED)
        emulator.add_order(SELLER_ID, order)


@pytest.fixture
def client(emulator):
    credentials = AccountCredentials(
        SELLER["client_id"], SELLER["client_secret"], SELLER["refresh_token"]
    )
    with AmazonClient(
        credentials,
        "na",
        api_endpoint=emulator.url,
        lwa_endpoint=emulator.lwa_url,
        rate_limiter=RateLimiter(),
        token_cache=TokenCache(),
        sleep=lambda seconds: None,
    ) as amazon:
        yield amazon


def returns_report(client, marketplaces=(US,), *, start, end):
    """createReport, getReport until DONE, getReportDocument: the document's bytes."""
    report_id = client.create_report(
        RETURNS_REPORT_TYPE, list(marketplaces), data_start=start, data_end=end
    )
    statuses = []
    while not statuses or statuses[-1]["processingStatus"] not in ("DONE", "CANCELLED", "FATAL"):
        statuses.append(client.get_report(report_id))
        assert len(statuses) < 5, "the report is never made"
    assert [s["processingStatus"] for s in statuses] == ["IN_PROGRESS", "DONE"]
    return client.get_report_document(statuses[-1]["reportDocumentId"])


def test_the_window_selects_the_returns_and_the_parser_reads_them(emulator, client):
    add_orders(emulator)
    start, end = NOW - timedelta(days=7), NOW - timedelta(hours=1)
    before = emulator.add_fba_return(
        SELLER_ID, FBA_ORDER, "MUG-1", returned=start - timedelta(seconds=1)
    )
    at_start = emulator.add_fba_return(
        SELLER_ID, FBA_ORDER, "MUG-1", returned=start, license_plate="LPNSTART0001"
    )
    damaged = emulator.add_fba_return(
        SELLER_ID,
        FBA_ORDER,
        "CUP-1",
        disposition="CUSTOMER_DAMAGED",
        reason="DEFECTIVE",
        status="Reimbursed",
        returned=end,
        fulfillment_center="SDF8",
        customer_comments="Chipped \u2013 sorry",
    )
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", returned=end + timedelta(seconds=1))
    emulator.add_fba_return(SELLER_ID, GERMAN_ORDER, "MUG-1", returned=NOW - timedelta(days=2))

    content = returns_report(client, start=start, end=end)
    lines = parse_customer_returns(content)

    assert content.decode().splitlines()[1:] == [
        "\t".join(row[column] for column in COLUMNS) for row in (at_start, damaged)
    ]
    first, second = lines
    assert (first.order_id, first.sku, first.quantity) == (FBA_ORDER, "MUG-1", 1)
    assert first.return_date == start.replace(tzinfo=None)
    assert first.license_plate_number == "LPNSTART0001"
    assert first.return_key == f"{FBA_ORDER}|MUG-1|LPNSTART0001"
    assert first.sellable
    assert (first.asin, first.product_name, first.fnsku) == (
        "B000MUG001",
        "Coffee mug",
        fnsku_for(SELLER_ID, "MUG-1"),
    )
    assert (first.fulfillment_center_id, first.reason, first.status) == (
        "PHX7",
        "UNWANTED_ITEM",
        "Unit returned to inventory",
    )
    assert not second.sellable
    assert (second.detailed_disposition, second.reason, second.status) == (
        "CUSTOMER_DAMAGED",
        "DEFECTIVE",
        "Reimbursed",
    )
    assert second.customer_comments == "Chipped \u2013 sorry"
    assert second.return_key == (
        f"{FBA_ORDER}|CUP-1|{end.strftime('%Y-%m-%dT%H:%M:%S')}|SDF8|CUSTOMER_DAMAGED"
    )
    assert before["return-date"] not in content.decode()
    (created,) = emulator.requests_for("createReport")
    assert json.loads(created.body) == {
        "reportType": RETURNS_REPORT_TYPE,
        "marketplaceIds": [US],
        "dataStartTime": "2026-02-23T12:00:00Z",
        "dataEndTime": "2026-03-02T11:00:00Z",
    }
    assert created.status == 202


def test_the_report_holds_the_returns_of_its_marketplaces_and_seller_only(emulator, client):
    add_orders(emulator)
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_order(
        OTHER_SELLER["seller_id"], make_order(FBA_ORDER, US, items=[MUG], created=ORDERED)
    )
    emulator.add_fba_return(OTHER_SELLER["seller_id"], FBA_ORDER, "MUG-1", returned=NOW)
    emulator.add_fba_return(SELLER_ID, GERMAN_ORDER, "MUG-1", returned=NOW)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "CUP-1", returned=NOW)
    window = {"start": NOW - timedelta(days=1), "end": NOW}

    german = parse_customer_returns(returns_report(client, [DE], **window))
    american = parse_customer_returns(returns_report(client, [US], **window))
    both = parse_customer_returns(returns_report(client, [US, DE], **window))

    assert [line.order_id for line in german] == [GERMAN_ORDER]
    assert [(line.order_id, line.sku) for line in american] == [(FBA_ORDER, "CUP-1")]
    assert {line.order_id for line in both} == {FBA_ORDER, GERMAN_ORDER}


def test_a_window_without_returns_gives_the_header_only(emulator, client):
    add_orders(emulator)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", returned=NOW - timedelta(days=20))

    content = returns_report(client, start=NOW - timedelta(days=7), end=NOW)

    assert content.decode() == HEADER_LINE
    assert parse_customer_returns(content) == ()


def test_returns_come_oldest_first_whatever_order_they_were_added_in(emulator, client):
    add_orders(emulator)
    for hours_ago, plate in [(1, "LPNLATE"), (5, "LPNEARLY"), (3, "LPNMIDDLE")]:
        emulator.add_fba_return(
            SELLER_ID,
            FBA_ORDER,
            "MUG-1",
            returned=NOW - timedelta(hours=hours_ago),
            license_plate=plate,
        )

    lines = parse_customer_returns(returns_report(client, start=NOW - timedelta(days=1), end=NOW))

    assert [line.license_plate_number for line in lines] == ["LPNEARLY", "LPNMIDDLE", "LPNLATE"]


def test_add_fba_return_answers_the_row_with_its_defaults(emulator):
    add_orders(emulator)

    row = emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", quantity=2)

    assert row == {
        "return-date": "2026-03-02T12:00:00+00:00",
        "order-id": FBA_ORDER,
        "sku": "MUG-1",
        "asin": "B000MUG001",
        "fnsku": fnsku_for(SELLER_ID, "MUG-1"),
        "product-name": "Coffee mug",
        "quantity": "2",
        "fulfillment-center-id": "PHX7",
        "detailed-disposition": "SELLABLE",
        "reason": "UNWANTED_ITEM",
        "status": "Unit returned to inventory",
        "license-plate-number": "",
        "customer-comments": "",
    }
    assert list(row) == list(COLUMNS)
    assert emulator.fba_returns(SELLER_ID) == [row]
    assert len(fnsku_for(SELLER_ID, "MUG-1")) == 10
    assert fnsku_for(SELLER_ID, "MUG-1").startswith("X00")


def test_return_dates_may_be_text_and_are_kept_to_the_second(emulator):
    add_orders(emulator)
    moment = datetime(2026, 3, 1, 9, 30, 15, 999999, tzinfo=timezone(timedelta(hours=1)))

    as_datetime = emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", returned=moment)
    as_text = emulator.add_fba_return(
        SELLER_ID, FBA_ORDER, "MUG-1", returned="2026-03-01T08:30:15Z"
    )

    assert as_datetime["return-date"] == as_text["return-date"] == "2026-03-01T08:30:15+00:00"


def test_a_window_ending_at_the_second_written_holds_the_return(emulator, client):
    """Report windows are sent to the second: a return listed at 11:00:00 is in a window
    ending at 11:00:00, even if it was added at 11:00:00.7."""
    add_orders(emulator)
    end = NOW - timedelta(hours=1)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", returned=end + timedelta(seconds=0.7))

    lines = parse_customer_returns(returns_report(client, start=end - timedelta(hours=1), end=end))

    assert [line.return_date for line in lines] == [end.replace(tzinfo=None)]


@pytest.mark.parametrize(
    ("order_id", "sku", "options", "complaint"),
    [
        ("111-9999999-9999999", "MUG-1", {}, "has no order 111-9999999-9999999"),
        (MERCHANT_ORDER, "MUG-1", {}, "fulfilled by MERCHANT"),
        (FBA_ORDER, "MUG-9", {}, "has no item with SKU MUG-9"),
        (FBA_ORDER, "MUG-1", {"quantity": 4}, "shipped 3 unit(s) of MUG-1"),
        (UNSHIPPED_ORDER, "MUG-1", {}, "shipped 0 unit(s) of MUG-1"),
        (FBA_ORDER, "MUG-1", {"quantity": 0}, "whole number above 0"),
        (FBA_ORDER, "MUG-1", {"quantity": 1.5}, "whole number above 0"),
        (FBA_ORDER, "MUG-1", {"disposition": ""}, "needs a detailed disposition"),
    ],
)
def test_add_fba_return_refuses_what_cannot_come_back(emulator, order_id, sku, options, complaint):
    add_orders(emulator)

    with pytest.raises(ValueError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        emulator.add_fba_return(SELLER_ID, order_id, sku, **options)
    assert emulator.fba_returns(SELLER_ID) == []


def test_units_already_returned_cannot_come_back_again(emulator):
    add_orders(emulator)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", quantity=2)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1")

    with pytest.raises(ValueError, match="3 returned already"):
        emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1")
    assert len(emulator.fba_returns(SELLER_ID)) == 2


def test_an_unknown_seller_is_a_key_error(emulator):
    with pytest.raises(KeyError):
        emulator.add_fba_return("A9UNKNOWN", FBA_ORDER, "MUG-1")


def test_reset_forgets_returns_and_keeps_the_report(emulator, client):
    add_orders(emulator)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", returned=NOW)

    emulator.reset()
    emulator.add_seller(**SELLER)
    add_orders(emulator)

    assert emulator.fba_returns(SELLER_ID) == []
    content = returns_report(client, start=NOW - timedelta(days=1), end=NOW)
    assert content.decode() == HEADER_LINE


def test_throttled_create_report(emulator, client):
    emulator.inject_fault("throttle", "createReport")

    with pytest.raises(AmazonThrottledError) as raised:
        client.create_report(RETURNS_REPORT_TYPE, [US], data_start=NOW - timedelta(days=1))

    assert raised.value.operation == "createReport"
    # The wait left: Amazon's 1 / rate, less the moments since the 429.
    assert raised.value.retry_after == pytest.approx(1 / 0.0167, abs=1)
    assert [r.status for r in emulator.requests_for("createReport")] == [429]
    assert emulator.reports == []


def test_faults_of_polling_and_download_are_those_of_any_report(emulator, client):
    add_orders(emulator)
    emulator.add_fba_return(SELLER_ID, FBA_ORDER, "MUG-1", returned=NOW)
    emulator.inject_fault("server_error", "getReport", status=503)
    emulator.inject_fault("server_error", "downloadDocument", status=500)

    report_id = client.create_report(
        RETURNS_REPORT_TYPE, [US], data_start=NOW - timedelta(days=1), data_end=NOW
    )
    client.get_report(report_id)  # retried after the 503: IN_PROGRESS
    done = client.get_report(report_id)
    with pytest.raises(AmazonServerError) as raised:
        client.get_report_document(done["reportDocumentId"])
    content = client.get_report_document(done["reportDocumentId"])

    assert raised.value.operation == "downloadDocument"
    assert [r.status for r in emulator.requests_for("getReport")] == [503, 200, 200]
    assert len(parse_customer_returns(content)) == 1
