"""getOrder, and changing stored orders."""

from datetime import timedelta

from emulator_support import OTHER_SELLER, SELLER, iso, order_id, sample_order

SELLER_ID = SELLER["seller_id"]


def test_get_order_with_datasets(emulator, api):
    emulator.add_order(SELLER_ID, sample_order(1))

    response = api.get_order(order_id(1), includedData=["PROCEEDS", "FULFILLMENT"])

    assert response.status_code == 200
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
    order = response.json()["order"]
    assert order["orderId"] == order_id(1)
    assert order["proceeds"]["grandTotal"] == {"amount": "23.30", "currencyCode": "USD"}
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert "buyer" not in order


def test_unknown_orders_and_orders_of_other_sellers_are_not_found(emulator, api):
    emulator.add_seller(**OTHER_SELLER)
    emulator.add_order(OTHER_SELLER["seller_id"], sample_order(2))

    for missing in (order_id(1), order_id(2)):
        response = api.get_order(missing)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NotFound"


def test_changes_bump_last_updated_time(emulator, clock):
    emulator.add_order(SELLER_ID, sample_order(1, hours_ago=48))
    clock.advance(minutes=5)

    changed = emulator.update_order(SELLER_ID, order_id(1), buyer={"buyerName": "New Name"})

    assert changed["lastUpdatedTime"] == iso(clock())
    assert changed["buyer"] == {
        "buyerName": "New Name",
        "buyerEmail": "buyer@marketplace.amazon.com",
    }


def test_explicit_last_updated_time_wins(emulator, clock):
    emulator.add_order(SELLER_ID, sample_order(1))
    chosen = iso(clock() - timedelta(hours=1))

    assert (
        emulator.update_order(SELLER_ID, order_id(1), lastUpdatedTime=chosen)["lastUpdatedTime"]
        == chosen
    )


def test_fulfillment_status_moves_item_quantities(emulator):
    emulator.add_order(SELLER_ID, sample_order(1))

    shipped = emulator.set_fulfillment_status(SELLER_ID, order_id(1), "SHIPPED")

    assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert shipped["orderItems"][0]["fulfillment"] == {
        "quantityFulfilled": 2,
        "quantityUnfulfilled": 0,
    }


def test_cancel_order(emulator, api, clock):
    emulator.add_order(SELLER_ID, sample_order(1))
    clock.advance(seconds=30)

    emulator.cancel_order(SELLER_ID, order_id(1), reason="Out of stock", cancelled_by="MERCHANT")
    order = api.get_order(order_id(1), includedData=["FULFILLMENT", "CANCELLATION"]).json()["order"]

    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert order["lastUpdatedTime"] == iso(clock())
    item = order["orderItems"][0]
    assert item["cancellation"]["cancellationExecution"] == {
        "cancelledBy": "MERCHANT",
        "cancelReason": "Out of stock",
    }
    assert item["fulfillment"]["quantityUnfulfilled"] == 0


def test_stored_orders_are_copies(emulator):
    emulator.add_order(SELLER_ID, sample_order(1))

    emulator.get_stored_order(SELLER_ID, order_id(1))["orderId"] = "changed"

    assert emulator.get_stored_order(SELLER_ID, order_id(1))["orderId"] == order_id(1)
    assert emulator.get_stored_order(SELLER_ID, "111-0000000-0000000") is None
