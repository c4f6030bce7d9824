"""The client's createReport against the emulator: the body Amazon's model specifies (the
emulator checks every request against it), the report id, typed errors."""

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from amazon_sp import (
    AmazonInvalidResponseError,
    AmazonRequestError,
    AmazonServerError,
    AmazonThrottledError,
)

from .conftest import DE, US

RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def sent_body(emulator):
    (call,) = emulator.requests_for("createReport")
    assert call.method == "POST"
    assert call.header("content-type").startswith("application/json")
    return json.loads(call.body)


def test_create_report_sends_the_body_of_amazons_model(make_client, emulator):
    start = (NOW - timedelta(days=7)).astimezone(timezone(timedelta(hours=2)))
    end = (NOW - timedelta(minutes=5)).replace(tzinfo=None)  # naive: UTC

    report_id = make_client().create_report(
        RETURNS,
        [US, DE],
        data_start=start,
        data_end=end,
        report_options={"ShowSalesChannel": "true"},
    )

    assert sent_body(emulator) == {
        "reportType": RETURNS,
        "marketplaceIds": [US, DE],
        "dataStartTime": (NOW - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dataEndTime": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reportOptions": {"ShowSalesChannel": "true"},
    }
    (created,) = emulator.reports
    assert created["reportId"] == report_id
    assert (created["reportType"], created["processingStatus"]) == (RETURNS, "IN_QUEUE")
    assert created["reportOptions"] == {"ShowSalesChannel": "true"}
    assert emulator.contract_violations == []


def test_what_is_not_given_is_not_sent(make_client, emulator):
    report_id = make_client().create_report(RETURNS, (US,))

    assert sent_body(emulator) == {"reportType": RETURNS, "marketplaceIds": [US]}
    assert make_client().get_report(report_id)["reportId"] == report_id


def test_one_marketplace_may_be_given_as_a_string(make_client, emulator):
    make_client().create_report(RETURNS, US)

    assert sent_body(emulator)["marketplaceIds"] == [US]


@pytest.mark.parametrize(
    ("report_type", "marketplace_ids", "options"),
    [
        ("", [US], None),
        (None, [US], None),
        (RETURNS, [], None),
        (RETURNS, None, None),
        (RETURNS, [US], {"ShowSalesChannel": True}),
    ],
)
def test_what_amazon_would_refuse_is_not_sent(
    make_client, emulator, report_type, marketplace_ids, options
):
    with pytest.raises(AmazonRequestError) as raised:
        make_client().create_report(report_type, marketplace_ids, report_options=options)

    assert raised.value.operation == "createReport"
    assert emulator.requests_for("createReport") == []


def test_amazons_refusal_is_a_request_error(make_client, emulator):
    with pytest.raises(AmazonRequestError) as raised:
        make_client().create_report(RETURNS, [US], data_end=NOW + timedelta(days=1))

    assert (raised.value.status, raised.value.code) == (400, "InvalidInput")
    assert "prior to or equal to the current date and time" in raised.value.message
    assert emulator.reports == []


def test_settlement_reports_cannot_be_requested(make_client, emulator):
    with pytest.raises(AmazonRequestError) as raised:
        make_client().create_report("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", [US])

    assert "not allowed" in raised.value.message


def test_throttled_create_report_raises_with_retry_after(make_client, emulator):
    # A fast live rate, so that the client's own limiter lets the retries through.
    emulator.inject_fault("throttle", "createReport", times=3, rate=20, retry_after=1)

    with pytest.raises(AmazonThrottledError) as raised:
        make_client(max_wait=5, max_retries=2).create_report(RETURNS, [US])

    assert (raised.value.status, raised.value.retry_after) == (429, 1)
    assert raised.value.operation == "createReport"
    assert [r.status for r in emulator.requests_for("createReport")] == [429, 429, 429]
    assert emulator.reports == []


def test_a_short_throttle_is_retried(make_client, emulator):
    emulator.inject_fault("throttle", "createReport", rate=20, retry_after=1)

    report_id = make_client(max_wait=5).create_report(RETURNS, [US])

    assert [r.status for r in emulator.requests_for("createReport")] == [429, 202]
    assert [r["reportId"] for r in emulator.reports] == [report_id]


def test_a_long_throttle_is_handed_back(make_client, emulator):
    emulator.inject_fault("throttle", "createReport")

    with pytest.raises(AmazonThrottledError) as raised:
        make_client(max_wait=5).create_report(RETURNS, [US])

    # The wait left: Amazon's 1 / rate, less the moments since the 429.
    assert raised.value.retry_after == pytest.approx(1 / 0.0167, abs=1)
    assert len(emulator.requests_for("createReport")) == 1


def test_a_server_error_is_not_retried(make_client, emulator):
    """A retry could make a second report."""
    emulator.inject_fault("server_error", "createReport", status=503)

    with pytest.raises(AmazonServerError) as raised:
        make_client(max_retries=2).create_report(RETURNS, [US])

    assert raised.value.status == 503
    assert len(emulator.requests_for("createReport")) == 1


def test_an_unreadable_answer_is_an_invalid_response(make_client, emulator):
    emulator.inject_fault("malformed", "createReport")

    with pytest.raises(AmazonInvalidResponseError) as raised:
        make_client().create_report(RETURNS, [US])

    assert raised.value.operation == "createReport"


def test_an_answer_without_report_id_is_an_invalid_response(make_client, monkeypatch):
    """Amazon's 202 always carries the id; a body without it must not pass for a report."""
    client = make_client()
    monkeypatch.setattr(client, "_call_path", lambda *args, **kwargs: SimpleNamespace(payload={}))

    with pytest.raises(AmazonInvalidResponseError) as raised:
        client.create_report(RETURNS, [US])

    assert raised.value.operation == "createReport"
