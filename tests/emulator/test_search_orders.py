"""searchOrders: its rules, filters, datasets and pagination."""

from datetime import timedelta

import pytest
from emulator_support import DE, NOW, OTHER_SELLER, SELLER, US, iso, sample_order

from amazon_emulator.orders import DATASETS

SELLER_ID = SELLER["seller_id"]
LONG_AGO = iso(NOW - timedelta(days=30))


def order_ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [order["orderId"] for order in response.json()["orders"]]


def error_messages(response) -> list[str]:
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert {error["code"] for error in errors} == {"InvalidInput"}
    return [error["message"] for error in errors]


@pytest.fixture
def orders(emulator):
    """Orders of the last days: US and DE, FBA and FBM, several statuses."""
    specs = [
        (1, 96, US, "AMAZON", "SHIPPED"),
        (2, 72, US, "MERCHANT", "UNSHIPPED"),
        (3, 48, DE, "MERCHANT", "PARTIALLY_SHIPPED"),
        (4, 30, DE, "AMAZON", "SHIPPED"),
        (5, 10, US, "MERCHANT", "PENDING"),
        (6, 5, US, "MERCHANT", "CANCELLED"),
    ]
    for number, hours_ago, marketplace, fulfilled_by, status in specs:
        emulator.add_order(
            SELLER_ID, sample_order(number, hours_ago, marketplace, fulfilled_by, status)
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"createdAfter": LONG_AGO, "lastUpdatedAfter": LONG_AGO},
        {"createdAfter": LONG_AGO, "lastUpdatedBefore": iso(NOW - timedelta(hours=1))},
        {"lastUpdatedAfter": LONG_AGO, "createdBefore": iso(NOW - timedelta(hours=1))},
    ],
)
def test_exactly_one_of_created_after_and_last_updated_after(api, orders, params):
    assert error_messages(api.search(**params))


def test_before_bounds_are_checked(api, orders):
    too_recent = api.search(createdAfter=LONG_AGO, createdBefore=iso(NOW - timedelta(minutes=1)))
    before_after = api.search(
        createdAfter=iso(NOW - timedelta(days=1)), createdBefore=iso(NOW - timedelta(days=2))
    )

    assert "two minutes" in error_messages(too_recent)[0]
    assert "after" in error_messages(before_after)[0]


def test_created_window(api, orders):
    response = api.search(
        createdAfter=iso(NOW - timedelta(hours=80)), createdBefore=iso(NOW - timedelta(hours=20))
    )

    assert sorted(order_ids(response)) == [
        "111-0000001-0000002",
        "302-0000001-0000003",
        "302-0000001-0000004",
    ]
    assert response.json()["createdBefore"] == iso(NOW - timedelta(hours=20))


def test_search_reports_up_to_when_it_looked(api, orders):
    response = api.search(lastUpdatedAfter=LONG_AGO)

    assert response.json()["lastUpdatedBefore"] == iso(NOW)
    assert "createdBefore" not in response.json()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fulfillmentStatuses": ["UNSHIPPED", "PARTIALLY_SHIPPED"]}, {2, 3}),
        ({"marketplaceIds": [DE]}, {3, 4}),
        ({"fulfilledBy": ["AMAZON"]}, {1, 4}),
        ({"fulfilledBy": ["MERCHANT"], "marketplaceIds": [US]}, {2, 5, 6}),
    ],
)
def test_filters(api, orders, params, expected):
    response = api.search(createdAfter=LONG_AGO, **params)

    assert {int(order_id[-7:]) for order_id in order_ids(response)} == expected


def test_marketplaces_the_seller_does_not_sell_in_are_refused(api, orders):
    assert (
        "A1F83G8C2ARO7P"
        in error_messages(api.search(createdAfter=LONG_AGO, marketplaceIds=[US, "A1F83G8C2ARO7P"]))[
            0
        ]
    )


def test_only_the_sellers_own_orders(emulator, api, orders):
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_order(OTHER_SELLER["seller_id"], sample_order(99, 1))

    assert "111-0000001-0000099" not in order_ids(api.search(createdAfter=LONG_AGO))


def test_without_included_data_only_core_fields(api, orders):
    order = api.search(createdAfter=LONG_AGO).json()["orders"][0]

    core = {"orderId", "createdTime", "lastUpdatedTime", "salesChannel", "orderItems"}
    assert set(order) == core
    assert set(order["orderItems"][0]) == {"orderItemId", "quantityOrdered", "product"}


@pytest.mark.parametrize(
    "dataset",
    ["BUYER", "RECIPIENT", "PROCEEDS", "PROMOTION", "FULFILLMENT", "PACKAGES", "CANCELLATION"],
)
def test_each_dataset_brings_its_fields(emulator, api, dataset):
    emulator.add_order(SELLER_ID, _order_with_every_dataset())
    order_fields, item_fields = DATASETS[dataset]

    order = api.search(createdAfter=LONG_AGO, includedData=[dataset]).json()["orders"][0]
    item = order["orderItems"][0]

    assert set(order_fields) <= set(order)
    assert set(item_fields) <= set(item)
    assert not (fields_of_other_datasets(dataset, level=0) & set(order))
    assert not (fields_of_other_datasets(dataset, level=1) & set(item))


def fields_of_other_datasets(dataset: str, level: int) -> set[str]:
    """Level 0: order fields, 1: item fields."""
    own = set(DATASETS[dataset][level])
    return {f for ds, fields in DATASETS.items() if ds != dataset for f in fields[level]} - own


def _order_with_every_dataset() -> dict:
    order = sample_order(7, 20, status="PARTIALLY_SHIPPED")
    item = order["orderItems"][0]
    item["promotion"] = {"breakdowns": [{"promotionId": "PROMO-1"}]}
    item["cancellation"] = {"cancellationRequest": {"requester": "BUYER"}}
    return order


def test_pending_orders_never_carry_personal_data(api, orders):
    response = api.search(
        createdAfter=LONG_AGO, fulfillmentStatuses=["PENDING"], includedData=["BUYER", "RECIPIENT"]
    )
    (pending,) = response.json()["orders"]

    assert "buyer" not in pending
    assert "recipient" not in pending


def test_fba_orders_carry_no_buyer_email_or_phone(api, orders):
    response = api.search(
        createdAfter=LONG_AGO, fulfilledBy=["AMAZON"], includedData=["BUYER", "RECIPIENT"]
    )

    for order in response.json()["orders"]:
        assert "buyerEmail" not in order["buyer"]
        assert "phone" not in order["recipient"]["deliveryAddress"]


def test_fbm_orders_carry_buyer_email_and_phone(api, orders):
    response = api.search(
        createdAfter=LONG_AGO,
        fulfillmentStatuses=["UNSHIPPED"],
        includedData=["BUYER", "RECIPIENT"],
    )
    (order,) = response.json()["orders"]

    assert order["buyer"]["buyerEmail"]
    assert order["recipient"]["deliveryAddress"]["phone"]


@pytest.mark.parametrize("size", ["0", "101"])
def test_page_size_is_1_to_100(api, orders, size):
    assert (
        "between 1 and 100"
        in error_messages(api.search(createdAfter=LONG_AGO, maxResultsPerPage=size))[0]
    )


@pytest.fixture
def many_orders(emulator):
    """250 orders; several share a lastUpdatedTime, so the orderId decides their order."""
    for number in range(1, 251):
        emulator.add_order(SELLER_ID, sample_order(number, hours_ago=300 - number // 3))


def fetch_all_pages(api, **params) -> list[list[str]]:
    pages, token = [], None
    while True:
        page_params = {**params, **({"paginationToken": token} if token else {})}
        body = api.search(**page_params).json()
        pages.append([order["orderId"] for order in body["orders"]])
        token = body.get("pagination", {}).get("nextToken")
        if token is None:
            return pages


def test_pagination_walks_every_order_once_in_a_stable_order(api, many_orders):
    pages = fetch_all_pages(api, createdAfter=LONG_AGO)

    assert [len(page) for page in pages] == [100, 100, 50]
    walked = [order_id for page in pages for order_id in page]
    assert len(set(walked)) == 250

    def last_updated(order_id: str):
        return NOW - timedelta(hours=300 - int(order_id[-7:]) // 3)

    assert walked == sorted(walked, key=lambda order_id: (last_updated(order_id), order_id))


def test_pages_may_change_size_and_datasets(api, many_orders):
    first = api.search(createdAfter=LONG_AGO, maxResultsPerPage=40).json()
    second = api.search(
        createdAfter=LONG_AGO,
        maxResultsPerPage=100,
        includedData=["BUYER"],
        paginationToken=first["pagination"]["nextToken"],
    ).json()

    assert len(second["orders"]) == 100
    assert "buyer" in second["orders"][0]
    assert second["orders"][0]["orderId"] not in {o["orderId"] for o in first["orders"]}


def test_a_pagination_token_needs_the_same_filters(api, many_orders):
    token = api.search(createdAfter=LONG_AGO).json()["pagination"]["nextToken"]

    changed = api.search(createdAfter=LONG_AGO, marketplaceIds=[US], paginationToken=token)
    garbage = api.search(createdAfter=LONG_AGO, paginationToken="not-a-token")

    assert "same parameters" in error_messages(changed)[0]
    assert "Invalid paginationToken" in error_messages(garbage)[0]


def test_pagination_tokens_expire_after_24_hours(emulator, api, many_orders, clock):
    token = api.search(createdAfter=LONG_AGO).json()["pagination"]["nextToken"]
    clock.advance(hours=24, seconds=1)
    api.token = emulator.issue_access_token(SELLER_ID)

    assert "expired" in error_messages(api.search(createdAfter=LONG_AGO, paginationToken=token))[0]


def test_last_updated_after_finds_what_changed_since(emulator, api, orders, clock):
    watermark = api.search(lastUpdatedAfter=LONG_AGO).json()["lastUpdatedBefore"]
    clock.advance(minutes=10)
    emulator.set_fulfillment_status(SELLER_ID, "111-0000001-0000002", "SHIPPED")
    emulator.update_order(
        SELLER_ID, "302-0000001-0000003", fulfillment={"fulfillmentStatus": "SHIPPED"}
    )

    changed = api.search(lastUpdatedAfter=watermark, includedData=["FULFILLMENT"])

    assert order_ids(changed) == ["111-0000001-0000002", "302-0000001-0000003"]
    assert {o["fulfillment"]["fulfillmentStatus"] for o in changed.json()["orders"]} == {"SHIPPED"}
    assert {o["lastUpdatedTime"] for o in changed.json()["orders"]} == {iso(clock())}
