"""The client's Finances v0 calls against the emulator: listFinancialEvents and
listFinancialEventsByOrderId, pages, the trailing window of an incremental job, errors."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest

from amazon_emulator.orders import make_order
from amazon_sp import (
    AmazonInvalidResponseError,
    AmazonRequestError,
    AmazonServerError,
    AmazonThrottledError,
    RateLimiter,
    financial_events_window,
)
from amazon_sp.client import (
    FINANCIAL_EVENTS_LATENESS,
    MAX_POSTED_RANGE,
    POSTED_BEFORE_MARGIN,
)
from amazon_sp.documents import parse_refund_events

from .conftest import SELLER, US

NOW = datetime.now(timezone.utc).replace(microsecond=0)
ORDER = "111-0000001-0000001"
OTHER_ORDER = "111-0000001-0000002"


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def add_order(emulator, order_id=ORDER, quantity=3):
    emulator.add_order(
        SELLER,
        make_order(
            order_id,
            US,
            items=[
                {
                    "sku": "MUG-1",
                    "asin": "B000MUG001",
                    "quantity": quantity,
                    "unit_price": "10.00",
                    "shipping_price": "3.00",
                    "tax": {"ITEM": "2.40", "SHIPPING": "0.30"},
                }
            ],
            created=NOW - timedelta(days=10),
        ),
    )


def add_refunds(emulator, hours_ago):
    """One refund of one unit per entry of `hours_ago`, in that order."""
    add_order(emulator, quantity=len(hours_ago))
    return [
        emulator.add_refund(SELLER, ORDER, items={"MUG-1": 1}, posted=NOW - timedelta(hours=h))
        for h in hours_ago
    ]


def test_list_financial_events_sends_the_window_and_returns_the_page(make_client, emulator):
    (refund,) = add_refunds(emulator, [5])
    after, before = NOW - timedelta(days=1), NOW - timedelta(minutes=5)

    page = make_client().list_financial_events(after, before)

    (call,) = emulator.requests_for("listFinancialEvents")
    assert call.query == {
        "PostedAfter": [iso(after)],
        "PostedBefore": [iso(before)],
        "MaxResultsPerPage": ["100"],
    }
    assert page.next_token is None
    (events,) = page.items
    assert events["RefundEventList"] == [refund["event"]]
    assert page.raw["FinancialEvents"] is events
    (parsed,) = parse_refund_events(page.raw)
    assert parsed.refund_id == refund["refund_id"]
    assert parsed.order_id == ORDER
    (item,) = parsed.items
    assert (item.sku, item.quantity, item.principal, item.shipping) == (
        "MUG-1",
        1,
        Decimal("10.0"),
        Decimal("3.0"),
    )
    assert item.tax == item.tax_withheld == Decimal("2.7")
    assert parsed.total == Decimal("13.0")


def test_a_full_and_a_partial_refund_parse_as_amazon_served_them(make_client, emulator):
    add_order(emulator, quantity=3)
    add_order(emulator, OTHER_ORDER, quantity=2)
    partial = emulator.add_refund(
        SELLER, ORDER, items={"MUG-1": 1}, posted=NOW - timedelta(hours=2)
    )
    full = emulator.add_refund(SELLER, OTHER_ORDER, posted=NOW - timedelta(hours=1))

    page = make_client().list_financial_events(NOW - timedelta(days=1))

    one, both = parse_refund_events(page.raw)
    assert [one.refund_id, both.refund_id] == [partial["refund_id"], full["refund_id"]]
    assert (one.items[0].quantity, both.items[0].quantity) == (1, 2)
    assert both.items[0].principal == Decimal("20.0")
    assert both.buyer_total == Decimal("25.7")  # 20.00 + 3.00 shipping + 2.40 + 0.30 tax
    assert both.total == Decimal("23.0")  # the tax is Amazon's to give back


def test_iter_financial_event_pages_sends_the_same_arguments_with_each_token(make_client, emulator):
    refunds = add_refunds(emulator, [5, 4, 3])
    after = NOW - timedelta(days=1)

    pages = list(make_client().iter_financial_event_pages(after, max_results=2))

    assert [len(page.items[0]["RefundEventList"]) for page in pages] == [2, 1]
    refund_ids = [r.refund_id for page in pages for r in parse_refund_events(page.raw)]
    assert refund_ids == [r["refund_id"] for r in refunds]
    first, second = emulator.requests_for("listFinancialEvents")
    assert "NextToken" not in first.query
    assert second.query == {
        "PostedAfter": [iso(after)],
        "MaxResultsPerPage": ["2"],
        "NextToken": [pages[0].next_token],
    }


def test_list_financial_events_by_order(make_client, emulator):
    refunds = add_refunds(emulator, [3, 2])
    add_order(emulator, OTHER_ORDER)
    emulator.add_refund(SELLER, OTHER_ORDER, posted=NOW - timedelta(hours=1))

    pages = list(make_client().iter_order_financial_event_pages(ORDER, max_results=1))

    assert [r.refund_id for page in pages for r in parse_refund_events(page.raw)] == [
        r["refund_id"] for r in refunds
    ]
    calls = emulator.requests_for("listFinancialEventsByOrderId")
    assert [call.path for call in calls] == [f"/finances/v0/orders/{ORDER}/financialEvents"] * 2
    assert calls[1].query == {"MaxResultsPerPage": ["1"], "NextToken": [pages[0].next_token]}


# The trailing window of an incremental job


def test_the_window_trails_the_cursor_by_48_hours_and_ends_3_minutes_ago():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
    cursor = datetime(2026, 3, 2, 11, 0)  # naive: UTC

    after, before = financial_events_window(cursor, now)

    assert after == datetime(2026, 2, 28, 11, 0, tzinfo=timezone.utc)
    assert before == datetime(2026, 3, 2, 11, 57, tzinfo=timezone.utc)


def test_the_first_window_and_a_job_far_behind():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)

    first_after, first_before = financial_events_window(None, now)
    behind_after, behind_before = financial_events_window(now - timedelta(days=400), now)
    ahead_after, ahead_before = financial_events_window(now + timedelta(days=3), now)

    assert first_before - first_after == FINANCIAL_EVENTS_LATENESS
    assert first_before == now - POSTED_BEFORE_MARGIN
    assert behind_before - behind_after == MAX_POSTED_RANGE
    assert behind_after == now - timedelta(days=400, hours=48)
    assert ahead_before == now - POSTED_BEFORE_MARGIN
    assert ahead_after < ahead_before


def test_a_late_posted_event_is_found_by_the_next_run(make_client, emulator):
    """A job stores posted_before as its cursor; an event Amazon posts later with an earlier
    date is read by the next run, and the events read twice keep their refund id."""
    add_order(emulator, quantity=3)
    client = make_client()
    seen = emulator.add_refund(SELLER, ORDER, items={"MUG-1": 1}, posted=NOW - timedelta(hours=2))
    first_window = financial_events_window(NOW - timedelta(hours=1), NOW)
    first_run = [
        r.refund_id
        for page in client.iter_financial_event_pages(*first_window)
        for r in parse_refund_events(page.raw)
    ]
    cursor = first_window[1]
    late = emulator.add_refund(
        SELLER, ORDER, items={"MUG-1": 1}, posted=cursor - timedelta(hours=30)
    )

    second_window = financial_events_window(cursor, NOW)
    second_run = [
        r.refund_id
        for page in client.iter_financial_event_pages(*second_window)
        for r in parse_refund_events(page.raw)
    ]

    assert first_run == [seen["refund_id"]]
    assert second_run == [late["refund_id"], seen["refund_id"]]


# Errors


def test_bad_windows_are_refused_before_and_by_amazon(make_client, emulator):
    client = make_client()

    with pytest.raises(AmazonRequestError, match="later than posted_after"):
        client.list_financial_events(NOW - timedelta(hours=1), NOW - timedelta(hours=2))
    with pytest.raises(AmazonRequestError, match="needs posted_after"):
        client.list_financial_events(None)
    with pytest.raises(AmazonRequestError, match="max_results is 1 to 100"):
        client.list_financial_events(NOW - timedelta(hours=1), max_results=101)
    with pytest.raises(AmazonRequestError, match="needs an order id"):
        client.list_financial_events_by_order("")
    assert emulator.requests == []

    with pytest.raises(AmazonRequestError) as refused:
        client.list_financial_events(iso(NOW - timedelta(hours=1)), iso(NOW - timedelta(hours=2)))
    assert refused.value.status == 400
    assert refused.value.code == "InvalidInput"
    assert "PostedBefore must be later than PostedAfter" in refused.value.message
    with pytest.raises(AmazonRequestError, match="more than two minutes before"):
        client.list_financial_events(NOW + timedelta(hours=1))


def test_throttling_is_a_typed_error_with_the_wait(make_client, emulator):
    emulator.inject_fault("throttle", "listFinancialEvents", times=3, retry_after=30)

    with pytest.raises(AmazonThrottledError) as throttled:
        make_client(max_retries=0).list_financial_events(NOW - timedelta(days=1))

    assert throttled.value.status == 429
    assert throttled.value.operation == "listFinancialEvents"
    assert throttled.value.retry_after == 30


def test_a_short_throttle_and_a_server_error_are_retried(make_client, emulator):
    add_refunds(emulator, [1])
    emulator.inject_fault("throttle", "listFinancialEvents", retry_after=0)
    emulator.inject_fault("server_error", "listFinancialEventsByOrderId", status=503)
    client = make_client(rate_limiter=RateLimiter(sleep=lambda seconds: None))

    page = client.list_financial_events(NOW - timedelta(days=1))
    by_order = client.list_financial_events_by_order(ORDER)

    assert len(page.items[0]["RefundEventList"]) == 1
    assert len(by_order.items[0]["RefundEventList"]) == 1
    assert [c.status for c in emulator.requests_for("listFinancialEvents")] == [429, 200]
    assert [c.status for c in emulator.requests_for("listFinancialEventsByOrderId")] == [503, 200]


def test_server_errors_and_broken_bodies_are_typed(make_client, emulator):
    emulator.inject_fault("server_error", "listFinancialEvents", times=3)
    with pytest.raises(AmazonServerError):
        make_client(max_retries=0).list_financial_events(NOW - timedelta(days=1))
    emulator.clear_faults()
    emulator.inject_fault("truncated", "listFinancialEvents")
    with pytest.raises(AmazonInvalidResponseError):
        make_client().list_financial_events(NOW - timedelta(days=1))


def test_an_answer_without_financial_events_is_refused(make_client):
    client = make_client()
    answer = SimpleNamespace(payload={"FinancialEvents": ["RefundEventList"]}, next_token=None)
    empty = SimpleNamespace(payload={}, next_token=None)

    with pytest.raises(AmazonInvalidResponseError, match="without FinancialEvents"):
        client._financial_events_page("listFinancialEvents", answer)
    assert client._financial_events_page("listFinancialEvents", empty).items == [{}]


def test_the_rate_limiter_knows_the_finances_usage_plans(make_client):
    limiter = RateLimiter()
    client = make_client(rate_limiter=limiter)

    assert limiter.usage_plan(client.key, "listFinancialEvents") == (0.5, 30)
    assert limiter.usage_plan(client.key, "listFinancialEventsByOrderId") == (0.5, 30)
