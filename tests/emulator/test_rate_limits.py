"""Usage plans: the rate header, and token buckets when enforced."""

import pytest
from emulator_support import PARTICIPATIONS_PATH, SELLER, US, rate_limited


@pytest.fixture
def strict_api(http):
    with rate_limited(http) as (_amazon, api, clock):
        yield api, clock


def test_burst_then_429_until_the_bucket_refills(strict_api):
    api, clock = strict_api

    statuses = [api.get(PARTICIPATIONS_PATH).status_code for _ in range(16)]
    assert statuses == [200] * 15 + [429]

    clock.advance(1 / 0.016)
    assert api.get(PARTICIPATIONS_PATH).status_code == 200
    assert api.get(PARTICIPATIONS_PATH).status_code == 429


def test_buckets_are_per_operation(strict_api):
    api, _ = strict_api
    for _ in range(15):
        api.get(PARTICIPATIONS_PATH)

    assert api.get_order("111-0000001-0000001").status_code == 404


def test_rate_limits_are_not_enforced_by_default(api):
    assert {api.get(PARTICIPATIONS_PATH).status_code for _ in range(20)} == {200}


def test_write_operations_have_their_own_plans(strict_api):
    api, clock = strict_api
    body = {
        "productType": "PRODUCT",
        "patches": [{"op": "delete", "path": "/attributes/fulfillment_availability"}],
    }
    path = f"/listings/2021-08-01/items/{SELLER['seller_id']}/SKU-1"

    statuses = [api.send("PATCH", path, body, marketplaceIds=US).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]

    clock.advance(1 / 5)
    assert api.send("PATCH", path, body, marketplaceIds=US).status_code == 200
