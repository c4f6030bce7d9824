"""The Amazon client against the emulator: operations, typed errors, retries, tokens."""

import logging
import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from amazon_emulator.orders import make_order
from amazon_sp import (
    AccountCredentials,
    AmazonAuthError,
    AmazonClient,
    AmazonInvalidResponseError,
    AmazonRequestError,
    AmazonServerError,
    AmazonThrottledError,
    AmazonTimeoutError,
    AmazonTransportError,
    EgressBlockedError,
    RateLimiter,
    TokenCache,
)

from .conftest import CLIENT_ID, CLIENT_SECRET, DE, REFRESH_TOKEN, SELLER, US

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def add_orders(emulator, count, marketplace=US, start=None):
    start = start or NOW - timedelta(days=2)
    ids = []
    for index in range(count):
        order_id = f"111-{index:07d}-0000001"
        stamp = start + timedelta(seconds=index)
        emulator.add_order(
            SELLER,
            make_order(
                order_id,
                marketplace,
                fulfilled_by="AMAZON",
                status="SHIPPED",
                items=[
                    {"sku": "SKU-1", "asin": "B000000001", "quantity": 1, "unit_price": "10.00"}
                ],
                created=stamp,
                updated=stamp,
            ),
        )
        ids.append(order_id)
    return ids


def test_marketplace_participations(make_client, emulator):
    payload = make_client().get_marketplace_participations()
    ids = {entry["marketplace"]["id"] for entry in payload}
    assert ids == {US, DE}
    tokens = emulator.requests_for("lwaToken")
    assert len(tokens) == 1
    call = emulator.requests_for("getMarketplaceParticipations")[0]
    assert (call.header("x-amz-access-token") or "").startswith("Atza|")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("client_secret", "wrong-secret", "invalid_client"),
        ("refresh_token", "Atzr|bad", "invalid_grant"),
    ],
)
def test_bad_credentials_raise_auth_error(make_client, emulator, field, value, code):
    values = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    values[field] = value
    client = make_client(credentials=AccountCredentials(**values))
    with pytest.raises(AmazonAuthError) as raised:
        client.get_marketplace_participations()
    assert raised.value.code == code
    assert not emulator.requests_for("getMarketplaceParticipations")


def test_incomplete_credentials_never_fall_back_to_environment(monkeypatch, emulator):
    # python-amazon-sp-api would read these; the account's (empty) secret must win.
    monkeypatch.setenv("LWA_APP_ID", CLIENT_ID)
    monkeypatch.setenv("LWA_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("SP_API_REFRESH_TOKEN", REFRESH_TOKEN)
    with pytest.raises(AmazonAuthError, match="LWA client secret"):
        AmazonClient(AccountCredentials(CLIENT_ID, "", REFRESH_TOKEN), api_endpoint=emulator.url)
    assert not emulator.requests


def test_environment_marketplace_does_not_redirect_the_client(monkeypatch, make_client, emulator):
    monkeypatch.setenv("SP_API_DEFAULT_MARKETPLACE", "DE")
    make_client().get_marketplace_participations()
    assert len(emulator.requests_for("getMarketplaceParticipations")) == 1


def test_throttle_is_retried_when_the_wait_is_short(make_client, emulator):
    emulator.inject_fault("throttle", operation="getMarketplaceParticipations", times=1, rate=20)
    payload = make_client(max_wait=5).get_marketplace_participations()
    assert len(payload) == 2
    assert [r.status for r in emulator.requests_for("getMarketplaceParticipations")] == [429, 200]


def test_persistent_throttle_raises_with_retry_after(make_client, emulator):
    emulator.inject_fault("throttle", operation="getMarketplaceParticipations", times=5, rate=20)
    with pytest.raises(AmazonThrottledError) as raised:
        make_client(max_wait=5, max_retries=2).get_marketplace_participations()
    assert raised.value.status == 429
    assert raised.value.retry_after > 0
    assert len(emulator.requests_for("getMarketplaceParticipations")) == 3


def test_long_throttle_is_not_slept_through(make_client, emulator):
    # searchOrders refills one request every ~3 minutes: the client must hand that back.
    emulator.inject_fault("throttle", operation="searchOrders", times=1, rate=0.0056)
    with pytest.raises(AmazonThrottledError) as raised:
        make_client(max_wait=5).search_orders(marketplace_ids=[US], last_updated_after=NOW)
    assert raised.value.retry_after > 100
    assert len(emulator.requests_for("searchOrders")) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_html_page_is_typed(make_client, emulator, status):
    emulator.inject_fault(
        "server_error", operation="getMarketplaceParticipations", times=3, status=status
    )
    with pytest.raises(AmazonServerError) as raised:
        make_client(max_retries=2).get_marketplace_participations()
    assert raised.value.status == status
    assert len(emulator.requests_for("getMarketplaceParticipations")) == 3


def test_server_error_is_retried(make_client, emulator):
    emulator.inject_fault(
        "server_error", operation="getMarketplaceParticipations", times=1, status=503
    )
    assert len(make_client().get_marketplace_participations()) == 2


def test_slow_answer_times_out(make_client, emulator):
    emulator.inject_fault("slow", operation="getMarketplaceParticipations", times=1, delay=2)
    client = make_client(timeout=httpx.Timeout(0.5), max_retries=0)
    with pytest.raises(AmazonTimeoutError):
        client.get_marketplace_participations()


def test_connection_refused_is_a_transport_error(credentials):
    client = AmazonClient(
        credentials,
        api_endpoint="http://127.0.0.1:9",
        lwa_endpoint="http://127.0.0.1:9/auth/o2/token",
        token_cache=TokenCache(),
        sleep=lambda s: None,
    )
    with client, pytest.raises(AmazonTransportError):
        client.get_marketplace_participations()


@pytest.mark.parametrize("kind", ["truncated", "malformed"])
def test_broken_body_is_an_invalid_response(make_client, emulator, kind):
    emulator.inject_fault(kind, operation="getMarketplaceParticipations", times=1)
    with pytest.raises(AmazonInvalidResponseError):
        make_client().get_marketplace_participations()


def test_expired_token_is_refreshed_once(make_client, emulator):
    client = make_client()
    client.get_marketplace_participations()
    emulator.inject_fault("expired_token", operation="getMarketplaceParticipations", times=1)
    client.get_marketplace_participations()
    assert len(emulator.requests_for("lwaToken")) == 2
    statuses = [r.status for r in emulator.requests_for("getMarketplaceParticipations")]
    assert statuses == [200, 403, 200]


def test_access_token_shared_by_clients_and_threads(make_client, emulator):
    cache = TokenCache()
    clients = [make_client(token_cache=cache) for _ in range(6)]
    errors = []

    def call(client):
        try:
            client.get_marketplace_participations()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=call, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert len(emulator.requests_for("lwaToken")) == 1
    # Each client was answered; on a loaded machine a dropped connection may be retried once,
    # which must not fetch a second token.
    answered = {
        request.header("x-amz-access-token")
        for request in emulator.requests_for("getMarketplaceParticipations")
        if request.status == 200
    }
    assert len(answered) == 1
    assert len(emulator.requests_for("getMarketplaceParticipations")) >= 6


def test_rate_limit_header_updates_the_limiter(make_client, emulator):
    limiter = RateLimiter()
    client = make_client(rate_limiter=limiter)
    limiter.update_rate(client.key, "getMarketplaceParticipations", 99.0)
    client.get_marketplace_participations()
    rate, _burst = limiter.usage_plan(client.key, "getMarketplaceParticipations")
    assert rate == pytest.approx(0.016)  # what the emulator's header says, as Amazon's


def test_pagination_follows_every_token(make_client, emulator):
    expected = add_orders(emulator, 250)
    pages = list(
        make_client().iter_order_pages(
            marketplace_ids=[US],
            last_updated_after=NOW - timedelta(days=3),
            max_results_per_page=100,
        )
    )
    assert [len(page.items) for page in pages] == [100, 100, 50]
    assert sorted(order["orderId"] for page in pages for order in page.items) == sorted(expected)
    calls = emulator.requests_for("searchOrders")
    assert "paginationToken" not in calls[0].query
    assert all("paginationToken" in call.query for call in calls[1:])
    assert pages[-1].next_token is None


def test_get_order(make_client, emulator):
    (order_id,) = add_orders(emulator, 1)
    order = make_client().get_order(order_id)
    assert order["orderId"] == order_id


def test_unknown_order_is_a_request_error(make_client, emulator):
    with pytest.raises(AmazonRequestError) as raised:
        make_client().get_order("999-0000000-0000000")
    assert raised.value.status == 404


def test_contract_violation_of_our_request_is_caught(make_client, emulator):
    if not emulator.contract_checks_enabled:
        pytest.skip("Amazon API models not found: contract checks skipped")
    with pytest.raises(AmazonRequestError):
        make_client().search_orders(
            marketplace_ids=[US], last_updated_after=NOW, fulfillment_statuses=["NOT_A_STATUS"]
        )
    assert any("NOT_A_STATUS" in problem for problem in emulator.contract_violations)
    emulator.clear_contract_violations()


def test_outside_hosts_are_blocked_in_tests(credentials):
    client = AmazonClient(credentials, "eu", token_cache=TokenCache(), max_retries=0)
    with client, pytest.raises(EgressBlockedError):
        client.get_marketplace_participations()


def test_no_secret_in_logs(make_client, emulator, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client()
    client.get_marketplace_participations()
    emulator.inject_fault("server_error", operation="getMarketplaceParticipations", times=1)
    client.get_marketplace_participations()
    issued = {r.response_json.get("access_token") for r in emulator.requests_for("lwaToken")}
    text = caplog.text + repr(client.credentials)
    for secret in [CLIENT_SECRET, REFRESH_TOKEN, *issued]:
        assert secret not in text
