"""Recorded requests."""

from urllib.parse import parse_qs

from emulator_support import PARTICIPATIONS_PATH, SEARCH_PATH, lwa_form


def test_every_request_is_recorded(emulator, http, api):
    http.post("/auth/o2/token", data=lwa_form())
    api.search(createdAfter="2026-01-01T00:00:00Z", includedData=["BUYER", "PROCEEDS"])
    api.get(PARTICIPATIONS_PATH)

    token_call, search, participations = emulator.requests

    assert (token_call.method, token_call.path, token_call.operation) == (
        "POST",
        "/auth/o2/token",
        "lwaToken",
    )
    assert parse_qs(token_call.body.decode())["grant_type"] == ["refresh_token"]
    assert token_call.status == 200
    assert (search.method, search.path, search.operation, search.status) == (
        "GET",
        SEARCH_PATH,
        "searchOrders",
        200,
    )
    assert search.query == {
        "createdAfter": ["2026-01-01T00:00:00Z"],
        "includedData": ["BUYER,PROCEEDS"],
    }
    assert search.header("X-Amz-Access-Token") == api.token
    assert search.response_json["orders"] == []
    assert participations.operation == "getMarketplaceParticipations"


def test_requests_for_and_clear(emulator, api):
    api.get(PARTICIPATIONS_PATH)
    api.get_order("111-0000001-0000001")

    assert [r.status for r in emulator.requests_for("getOrder")] == [404]
    emulator.clear_requests()
    assert emulator.requests == []


def test_unknown_paths_are_recorded_without_operation(emulator, api):
    response = api.get("/orders/v0/orders")

    assert response.status_code == 404
    assert emulator.requests[-1].operation is None
    emulator.clear_contract_violations()  # the contract check notes the unknown path


def test_reprs_keep_tokens_and_bodies_out(emulator, api):
    api.get(PARTICIPATIONS_PATH)

    assert api.token not in repr(emulator.requests[0])
