"""The client's Vendor Central calls against the emulator: getPurchaseOrders windows and
pages, getPurchaseOrder, submitAcknowledgement and the transaction status read back."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from amazon_emulator import make_purchase_order
from amazon_sp import AmazonRequestError
from amazon_sp.documents import (
    AcknowledgedQuantity,
    AcknowledgementCode,
    ItemAcknowledgement,
    PurchaseOrderAcknowledgement,
    build_acknowledgement_request,
    parse_purchase_order,
    parse_transaction_id,
    parse_transaction_status,
    split_purchase_orders,
)

from .conftest import SELLER

NOW = datetime.now(timezone.utc).replace(microsecond=0)
ITEM = {"vendor_sku": "MUG-1", "asin": "B000MUG001", "net_cost": "5.00", "quantity": 4}


def add_purchase_orders(emulator, count, hours_ago=3):
    numbers = [f"PO{n:06d}" for n in range(1, count + 1)]
    for position, number in enumerate(numbers):
        emulator.add_purchase_order(
            SELLER,
            make_purchase_order(
                number, items=[ITEM], created=NOW - timedelta(hours=hours_ago, minutes=-position)
            ),
        )
    return numbers


def test_purchase_order_pages_keep_the_window_with_each_token(make_client, emulator):
    numbers = add_purchase_orders(emulator, 3)
    after, before = NOW - timedelta(days=1), NOW

    pages = list(
        make_client().iter_purchase_order_pages(created_after=after, created_before=before, limit=2)
    )

    assert [len(page.items) for page in pages] == [2, 1]
    read = [r.order.number for page in pages for r in split_purchase_orders(page.raw)]
    assert read == numbers
    first, second = emulator.requests_for("getPurchaseOrders")
    assert first.query["createdAfter"] == [after.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert second.query["nextToken"] == [pages[0].next_token]
    assert second.query["createdBefore"] == first.query["createdBefore"]


@pytest.mark.parametrize(
    ("filters", "complaint"),
    [
        ({}, "either a created or a changed range"),
        (
            {"created_after": NOW - timedelta(days=2), "changed_after": NOW - timedelta(days=1)},
            "either a created or a changed range",
        ),
        ({"created_after": NOW - timedelta(days=8), "created_before": NOW}, "at most 7 days"),
        ({"changed_after": NOW, "changed_before": NOW - timedelta(hours=1)}, "must be later"),
        ({"created_after": NOW - timedelta(days=1), "limit": 101}, "limit is 1 to 100"),
    ],
)
def test_purchase_order_queries_amazon_would_refuse_are_not_sent(
    make_client, emulator, filters, complaint
):
    with pytest.raises(AmazonRequestError, match=complaint):
        make_client().get_purchase_orders(**filters)
    assert emulator.requests_for("getPurchaseOrders") == []


def test_an_acknowledgement_is_sent_and_its_transaction_read_until_success(make_client, emulator):
    (number,) = add_purchase_orders(emulator, 1)
    client = make_client()
    order = parse_purchase_order(client.get_purchase_order(number))
    (item,) = order.items
    acknowledgement = PurchaseOrderAcknowledgement(
        number=number,
        selling_party_id=order.selling_party.party_id,
        acknowledged=NOW,
        items=(
            ItemAcknowledgement(
                sequence=item.sequence,
                asin=item.asin,
                vendor_product_id=item.vendor_product_id,
                ordered_quantity=item.quantity,
                unit_of_measure=item.unit_of_measure,
                unit_size=None,
                net_cost=Decimal("5.00"),
                currency=item.currency,
                quantities=(
                    AcknowledgedQuantity(AcknowledgementCode.ACCEPTED, 3, scheduled_ship_date=NOW),
                    AcknowledgedQuantity(
                        AcknowledgementCode.REJECTED, 1, rejection_reason="TemporarilyUnavailable"
                    ),
                ),
            ),
        ),
    )

    transaction_id = parse_transaction_id(
        client.submit_acknowledgement(build_acknowledgement_request([acknowledgement]))
    )
    statuses = [parse_transaction_status(client.get_transaction(transaction_id)) for _ in range(2)]

    assert [s.status for s in statuses] == ["Processing", "Success"]
    assert statuses[-1].transaction_id == transaction_id
    assert emulator.purchase_order(SELLER, number)["purchaseOrderState"] == "Acknowledged"
