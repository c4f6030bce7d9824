"""The control port of a standalone emulator: orders in bulk, stored orders, seeded faults."""

from datetime import timedelta

import httpx
import pytest
from emulator_support import NOW, SEARCH_PATH, SELLER, iso, sample_order

from amazon_emulator.control import ControlServer, raise_usage_plan
from amazon_emulator.ratelimit import USAGE_PLANS

SELLER_ID = SELLER["seller_id"]
EARLIER = iso(NOW - timedelta(days=30))


@pytest.fixture
def control(emulator):
    with ControlServer(emulator) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


def test_orders_added_in_bulk_are_served_and_read_back(control, api):
    orders = [sample_order(number) for number in (1, 2, 3)]

    added = control.post("/orders", json={"seller_id": SELLER_ID, "orders": orders})
    read = control.post(
        "/orders/read",
        json={"seller_id": SELLER_ID, "order_ids": [orders[0]["orderId"], "111-9999999-9999999"]},
    )

    assert added.json() == {"added": 3}
    served = api.get(SEARCH_PATH, createdAfter=EARLIER)
    assert {o["orderId"] for o in served.json()["orders"]} == {o["orderId"] for o in orders}
    stored = read.json()["orders"]
    assert stored[orders[0]["orderId"]]["orderId"] == orders[0]["orderId"]
    assert stored["111-9999999-9999999"] is None


def test_an_injected_fault_is_counted_once_served(control, api):
    injected = control.post(
        "/faults",
        json={"kind": "server_error", "operation": "searchOrders", "options": {"status": 503}},
    )
    before = control.get("/faults").json()

    reply = api.get(SEARCH_PATH, createdAfter=EARLIER)
    after = control.get("/faults").json()

    assert injected.status_code == 200
    assert (before["injected"], before["served"], len(before["pending"])) == (1, 0, 1)
    assert reply.status_code == 503
    assert reply.headers["content-type"].startswith("text/html")
    assert (after["served"], after["served_by_kind"], after["pending"]) == (
        1,
        {"server_error": 1},
        [],
    )


def test_seeded_random_faults_are_the_same_for_the_same_seed(control):
    plan = {
        "seed": 7,
        "count": 6,
        "kinds": ["throttle", "truncated", "expired_token"],
        "operation": "searchOrders",
        "max_gap": 3,
        "options": {"throttle": {"retry_after": 1}},
    }

    first = control.post("/faults/random", json=plan).json()["planned"]
    control.delete("/faults")
    second = control.post("/faults/random", json=plan).json()["planned"]
    other = control.post("/faults/random", json={**plan, "seed": 8}).json()["planned"]

    assert first == second
    assert first != other
    assert len(first) == 6
    assert {fault["kind"] for fault in first} <= set(plan["kinds"])
    assert all(0 <= fault["after"] <= 3 for fault in first)
    assert control.get("/faults").json()["injected"] == 12  # the dropped plan is not counted


def test_the_planned_faults_come_after_their_good_calls(control, api):
    planned = control.post(
        "/faults/random",
        json={
            "seed": 3,
            "count": 3,
            "kinds": ["server_error"],
            "operation": "searchOrders",
            "options": {"server_error": {"status": 503}},
        },
    ).json()["planned"]
    expected = [status for fault in planned for status in [200] * fault["after"] + [503]]

    statuses = [api.get(SEARCH_PATH, createdAfter=EARLIER).status_code for _ in expected]

    assert statuses == expected
    assert control.get("/faults").json()["served"] == 3


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/faults", {"kind": "no-such-fault"}, 400),
        ("POST", "/faults", {"kind": "throttle", "options": {"colour": "red"}}, 400),
        ("POST", "/orders", {"seller_id": "A0UNKNOWN", "orders": [sample_order(1)]}, 400),
        ("POST", "/orders", {"seller_id": SELLER_ID}, 400),
        ("POST", "/faults/random", {"seed": 1, "count": 1, "kinds": []}, 400),
        ("GET", "/nothing-here", None, 404),
    ],
)
def test_wrong_control_requests_are_refused(control, method, path, body, status):
    assert control.request(method, path, json=body).status_code == status


def test_requests_are_listed_without_headers_or_bodies(control, api):
    api.get(SEARCH_PATH, createdAfter=EARLIER)

    listed = control.get("/requests").json()

    assert listed["by_operation"]["searchOrders"] == {"200": 1}
    (request,) = [r for r in listed["requests"] if r["operation"] == "searchOrders"]
    assert set(request) == {"operation", "status", "query"}
    assert request["query"]["createdAfter"] == [EARLIER]


def test_a_raised_usage_plan_is_announced(api, monkeypatch):
    monkeypatch.setitem(USAGE_PLANS, "searchOrders", USAGE_PLANS["searchOrders"])

    raise_usage_plan("searchOrders", 5)
    reply = api.get(SEARCH_PATH, createdAfter=EARLIER)

    assert reply.headers["x-amzn-RateLimit-Limit"] == "5"
    with pytest.raises(ValueError, match="unknown operation"):
        raise_usage_plan("noSuchOperation", 5)
    with pytest.raises(ValueError, match="positive"):
        raise_usage_plan("searchOrders", 0)
