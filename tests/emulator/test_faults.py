"""Injected faults."""

import json
import time

import pytest
from emulator_support import PARTICIPATIONS_PATH, lwa_form


def test_throttle(emulator, api):
    emulator.inject_fault("throttle", "getMarketplaceParticipations", rate=0.5, retry_after=2)

    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == 429
    assert response.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
            }
        ]
    }
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert response.headers["Retry-After"] == "2"
    assert api.get(PARTICIPATIONS_PATH).status_code == 200


def test_throttle_reports_the_operations_rate_by_default(emulator, api):
    emulator.inject_fault("throttle")

    response = api.get(PARTICIPATIONS_PATH)

    assert response.headers["x-amzn-RateLimit-Limit"] == "0.016"
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_a_load_balancer_page(emulator, api, status):
    emulator.inject_fault("server_error", status=status)

    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == status
    assert response.headers["content-type"] == "text/html"
    assert f"<h1>{status}" in response.text


def test_slow(emulator, api):
    emulator.inject_fault("slow", delay=0.3)

    started = time.monotonic()
    response = api.get(PARTICIPATIONS_PATH)

    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200


def test_truncated_cuts_the_real_body_in_half(emulator, api):
    full = api.get(PARTICIPATIONS_PATH).content
    emulator.inject_fault("truncated")

    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == 200
    assert response.content == full[: len(full) // 2]
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_malformed(emulator, api):
    emulator.inject_fault("malformed")

    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_expired_token(emulator, api):
    emulator.inject_fault("expired_token")

    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == 403
    assert response.json()["errors"][0] == {
        "code": "Unauthorized",
        "message": "Access to requested resource is denied.",
        "details": "The access token you provided has expired.",
    }


def test_faults_target_their_operation_and_are_consumed_in_order(emulator, api):
    emulator.inject_fault("server_error", "searchOrders")
    emulator.inject_fault("throttle", "getMarketplaceParticipations", times=2)
    emulator.inject_fault("expired_token", "getMarketplaceParticipations")

    statuses = [api.get(PARTICIPATIONS_PATH).status_code for _ in range(4)]

    assert statuses == [429, 429, 403, 200]
    assert [f.operation for f in emulator.pending_faults] == ["searchOrders"]
    emulator.clear_faults()
    assert emulator.pending_faults == []


def test_faults_for_any_operation_spare_the_token_endpoint(emulator, http):
    emulator.inject_fault("server_error")

    assert http.post("/auth/o2/token", data=lwa_form()).status_code == 200
    assert len(emulator.pending_faults) == 1


def test_token_endpoint_faults(emulator, http):
    emulator.inject_fault("server_error", "lwaToken", status=503)

    assert http.post("/auth/o2/token", data=lwa_form()).status_code == 503
    assert http.post("/auth/o2/token", data=lwa_form()).status_code == 200


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (("meltdown",), {}),
        (("throttle", "getOrders"), {}),
        (("slow",), {"seconds": 1}),
        (("server_error",), {"status": 502}),
        (("throttle", None, 0), {}),
    ],
)
def test_bad_faults_are_refused(emulator, args, options):
    with pytest.raises(ValueError):
        emulator.inject_fault(*args, **options)


def test_fault_after_some_calls(emulator, api):
    emulator.inject_fault("server_error", operation="getMarketplaceParticipations", after=2)
    statuses = [api.get(PARTICIPATIONS_PATH).status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]
