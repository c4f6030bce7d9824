"""submitAcknowledgement and the Vendor Transaction Status API: acknowledgements processed
asynchronously to Success (the purchase order Acknowledged) or Failure by Amazon's rules,
failures forced by the owner, transaction ids, and the owner's view of it all."""

import copy
from datetime import timedelta

import pytest
from emulator_support import (
    ACKNOWLEDGEMENTS_PATH,
    NOW,
    OTHER_SELLER,
    SELLER,
    TRANSACTIONS_PATH,
    SpApi,
    ack_line,
    acknowledged_item,
    acknowledgement,
    full_acceptance,
    iso,
    requires_models,
    sample_purchase_order,
)

from amazon_emulator import AmazonEmulator

SELLER_ID = SELLER["seller_id"]
CASES = {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6}
SHIP_DATE = {"scheduledShipDate": iso(NOW + timedelta(days=10))}
TRANSACTION_SHAPES = (
    "20190108091302-6ca0ac50-d06e-45f5-a1e2-eb448eadac50",  # the model's example
    "3d918995-7acd-460d-8916-569aed7a87b2-20211201162243",  # as Amazon gives them now
)


@pytest.fixture
def order(emulator):
    """PO000001 (see `sample_purchase_order`), stored for the seller."""
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order())
    return "PO000001"


def submit(api, *acknowledgements):
    response = api.send("POST", ACKNOWLEDGEMENTS_PATH, {"acknowledgements": list(acknowledgements)})
    assert response.status_code == 202, response.text
    return response.json()["payload"]["transactionId"]


def poll(api, transaction_id):
    response = api.get(f"{TRANSACTIONS_PATH}/{transaction_id}")
    assert response.status_code == 200, response.text
    return response.json()["payload"]["transactionStatus"]


def settle(api, transaction_id):
    """The transaction's final status, polling as a client does."""
    for _ in range(10):
        status = poll(api, transaction_id)
        if status["status"] != "Processing":
            return status
    raise AssertionError("the transaction is still Processing")


def state(emulator, number="PO000001"):
    return emulator.purchase_order(SELLER_ID, number)["purchaseOrderState"]


# Processing to Success


def test_an_acknowledgement_is_processing_then_applied(emulator, api, clock, order):
    transaction_id = submit(api, full_acceptance())

    (received,) = emulator.vendor_acknowledgements(SELLER_ID, order)
    assert (received["transaction_id"], received["status"]) == (transaction_id, "Processing")
    assert received["items"] is None
    clock.advance(minutes=5)
    assert poll(api, transaction_id) == {"transactionId": transaction_id, "status": "Processing"}
    assert state(emulator) == "New"
    clock.advance(minutes=5)
    assert poll(api, transaction_id) == {"transactionId": transaction_id, "status": "Success"}
    assert poll(api, transaction_id)["status"] == "Success"

    acknowledged = emulator.purchase_order(SELLER_ID, order)
    assert acknowledged["purchaseOrderState"] == "Acknowledged"
    details = acknowledged["orderDetails"]
    assert details["purchaseOrderStateChangedDate"] == iso(NOW + timedelta(minutes=10))
    (applied,) = emulator.vendor_acknowledgements(SELLER_ID, order)
    assert applied["status"] == "Success"
    assert (applied["received"], applied["processed"]) == (NOW, NOW + timedelta(minutes=10))
    assert applied["acknowledgement"] == full_acceptance()
    assert [(i["ordered"], i["accepted"], i["rejected"]) for i in applied["items"]] == [
        (10, 10, 0),
        (12, 12, 0),
    ]


@pytest.mark.parametrize("polls", [0, 1, 3])
def test_getTransaction_answers_processing_for_the_set_polls(emulator, api, order, polls):
    emulator.vendor_transaction_polls = polls

    transaction_id = submit(api, full_acceptance())

    assert state(emulator) == ("Acknowledged" if polls == 0 else "New")
    statuses = [poll(api, transaction_id)["status"] for _ in range(polls + 1)]
    assert statuses == ["Processing"] * polls + ["Success"]


def test_the_polls_are_set_when_the_emulator_is_made():
    assert AmazonEmulator(vendor_transaction_polls=0).vendor_transaction_polls == 0
    with pytest.raises(ValueError, match="0 or more"):
        AmazonEmulator().vendor_transaction_polls = -1


def test_accepted_backordered_and_rejected_quantities_are_kept(emulator, api, order):
    transaction_id = submit(
        api,
        acknowledgement(
            order,
            [
                acknowledged_item(
                    "1",
                    {"amount": 10, "unitOfMeasure": "Eaches", "unitSize": 1},
                    "12.50",
                    ack_line("Accepted", 8),
                    ack_line("Rejected", 2, rejectionReason="TemporarilyUnavailable"),
                ),
                acknowledged_item(
                    "2",
                    CASES,
                    "2.80",
                    ack_line("Backordered", 1, "Cases", **SHIP_DATE),
                    ack_line("Accepted", 6, "Eaches"),
                ),
            ],
        ),
    )

    assert settle(api, transaction_id)["status"] == "Success"
    mug, glasses = emulator.vendor_acknowledgements(SELLER_ID)[0]["items"]
    assert mug == {
        "item_sequence_number": "1",
        "amazon_product_identifier": "B000MUG001",
        "vendor_product_identifier": "MUG-1",
        "ordered": 10,
        "accepted": 8,
        "backordered": 0,
        "rejected": 2,
        "implicitly_rejected": False,
        "rejection_reason": "TemporarilyUnavailable",
        "scheduled_ship_date": None,
        "scheduled_delivery_date": None,
        "net_cost": "12.50",
    }
    assert (glasses["accepted"], glasses["backordered"], glasses["rejected"]) == (6, 6, 0)
    assert glasses["scheduled_ship_date"] == SHIP_DATE["scheduledShipDate"]
    assert glasses["net_cost"] == "2.80"


def test_items_are_found_by_asin_or_vendor_product_id_without_a_sequence_number(
    emulator, api, order
):
    ack = full_acceptance()
    mug, glasses = ack["items"]
    del mug["itemSequenceNumber"], glasses["itemSequenceNumber"]
    mug["amazonProductIdentifier"] = "B000MUG001"
    glasses["vendorProductIdentifier"] = "GLASS-6"

    assert settle(api, submit(api, ack))["status"] == "Success"


def test_items_left_out_are_implicitly_rejected(emulator, api, order):
    ack = full_acceptance()
    ack["items"] = [ack["items"][0]]

    assert settle(api, submit(api, ack))["status"] == "Success"

    _mug, glasses = emulator.vendor_acknowledgements(SELLER_ID)[0]["items"]
    assert (glasses["accepted"], glasses["rejected"], glasses["implicitly_rejected"]) == (
        0,
        12,
        True,
    )
    assert state(emulator) == "Acknowledged"


def test_an_update_replaces_the_items_it_names(emulator, api, clock, order):
    settle(api, submit(api, full_acceptance()))
    clock.advance(minutes=40)
    update = acknowledgement(
        order,
        [
            acknowledged_item(
                "1",
                {"amount": 10},
                "12.50",
                ack_line("Accepted", 5),
                ack_line("Rejected", 5, rejectionReason="ObsoleteProduct"),
            )
        ],
    )

    assert settle(api, submit(api, update))["status"] == "Success"

    mug, glasses = emulator.vendor_acknowledgements(SELLER_ID, order)[-1]["items"]
    assert (mug["accepted"], mug["rejected"]) == (5, 5)
    assert (glasses["accepted"], glasses["implicitly_rejected"]) == (12, False)
    details = emulator.purchase_order(SELLER_ID, order)["orderDetails"]
    assert details["purchaseOrderStateChangedDate"] == iso(NOW)  # still Acknowledged


def test_a_rejected_item_cannot_be_accepted_by_an_update(emulator, api, order):
    first = full_acceptance()
    first["items"][0]["itemAcknowledgements"] = [
        ack_line("Rejected", 10, rejectionReason="TemporarilyUnavailable")
    ]
    assert settle(api, submit(api, first))["status"] == "Success"

    failed = settle(api, submit(api, full_acceptance()))

    assert failed["status"] == "Failure"
    assert [error["code"] for error in failed["errors"]] == ["REJECTED_ITEM_CANNOT_CHANGE"]


# Failure rules


def with_item(index, **changes):
    """full_acceptance() with item `index` changed (None removes a field)."""

    def build(number):
        ack = full_acceptance(number)
        item = ack["items"][index]
        for name, value in changes.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = value
        return ack

    return build


def with_lines(index, *lines):
    return with_item(index, itemAcknowledgements=list(lines))


def with_party(number):
    return acknowledgement(number, full_acceptance(number)["items"], party="VNDR9")


def with_item_twice(number):
    ack = full_acceptance(number)
    ack["items"].append(copy.deepcopy(ack["items"][0]))
    return ack


FAILURES = {
    "unknown order": (lambda _n: full_acceptance("ZZ999999"), "INVALID_ORDER_ID"),
    "other vendor code": (with_party, "INVALID_SELLING_PARTY"),
    "item not on the order": (with_item(0, itemSequenceNumber="3"), "INVALID_ITEM"),
    "identifiers disagree": (
        with_item(0, amazonProductIdentifier="B000GLS006"),
        "INVALID_ITEM",
    ),
    "item twice": (with_item_twice, "INVALID_ITEM"),
    "fewer than ordered": (with_lines(0, ack_line("Accepted", 9)), "INVALID_QUANTITY"),
    "more than ordered": (with_lines(0, ack_line("Accepted", 11)), "INVALID_QUANTITY"),
    "cases counted as eaches": (
        with_lines(1, ack_line("Accepted", 2, "Eaches")),
        "INVALID_QUANTITY",
    ),
    "zero quantity": (
        with_lines(
            0,
            ack_line("Accepted", 10),
            ack_line("Rejected", 0, rejectionReason="TemporarilyUnavailable"),
        ),
        "INVALID_QUANTITY",
    ),
    "backorder not allowed": (
        with_lines(0, ack_line("Backordered", 10, **SHIP_DATE)),
        "BACKORDER_NOT_ALLOWED",
    ),
    "backorder without date": (
        with_lines(1, ack_line("Backordered", 2)),
        "MISSING_SCHEDULED_DATE",
    ),
    "rejection without reason": (
        with_lines(0, ack_line("Rejected", 10)),
        "MISSING_REJECTION_REASON",
    ),
    "no net cost": (with_item(0, netCost=None), "MISSING_NET_COST"),
    "zero net cost": (with_item(0, netCost={"amount": "0"}), "INVALID_NET_COST"),
    "net cost above the order's": (with_item(0, netCost={"amount": "12.51"}), "INVALID_NET_COST"),
}


@pytest.mark.parametrize(("build", "code"), FAILURES.values(), ids=FAILURES.keys())
def test_acknowledgements_breaking_amazons_rules_fail(emulator, api, order, build, code):
    transaction_id = submit(api, build(order))

    failed = settle(api, transaction_id)

    assert failed["status"] == "Failure"
    assert [error["code"] for error in failed["errors"]] == [code]
    assert all(error["message"] and error["details"] for error in failed["errors"])
    assert state(emulator) == "New"
    (record,) = emulator.vendor_acknowledgements(SELLER_ID)
    assert (record["status"], record["errors"], record["items"]) == (
        "Failure",
        failed["errors"],
        None,
    )


def test_an_unknown_order_fails_as_in_amazons_sandbox(emulator, api):
    failed = settle(api, submit(api, full_acceptance("ZZ999999")))

    assert failed["errors"] == [
        {
            "code": "INVALID_ORDER_ID",
            "message": "Invalid order ID.",
            "details": "purchaseOrderNumber ZZ999999",
        }
    ]


def test_the_quantity_failure_tells_what_was_acknowledged(emulator, api, order):
    failed = settle(api, submit(api, with_lines(0, ack_line("Accepted", 9))(order)))

    assert failed["errors"][0]["details"] == (
        "purchaseOrderNumber PO000001, item 1: 9 of 10 eaches acknowledged"
    )


def test_a_closed_order_cannot_be_acknowledged(emulator, api, order):
    emulator.close_purchase_order(SELLER_ID, order)

    failed = settle(api, submit(api, full_acceptance()))

    assert [error["code"] for error in failed["errors"]] == ["ORDER_CLOSED"]
    assert state(emulator) == "Closed"


def test_processing_sees_the_order_as_it_is_then(emulator, api, order):
    transaction_id = submit(api, full_acceptance())
    emulator.close_purchase_order(SELLER_ID, order)  # before Amazon processes the submission

    assert [error["code"] for error in settle(api, transaction_id)["errors"]] == ["ORDER_CLOSED"]


def test_one_bad_acknowledgement_fails_the_whole_submission(emulator, api, order):
    transaction_id = submit(api, full_acceptance(), full_acceptance("ZZ999999"))

    failed = settle(api, transaction_id)

    assert [error["code"] for error in failed["errors"]] == ["INVALID_ORDER_ID"]
    assert state(emulator) == "New"
    records = emulator.vendor_acknowledgements(SELLER_ID)
    assert [(r["purchase_order_number"], r["status"]) for r in records] == [
        ("PO000001", "Failure"),
        ("ZZ999999", "Failure"),
    ]
    assert [
        r["purchase_order_number"] for r in emulator.vendor_acknowledgements(SELLER_ID, "ZZ999999")
    ] == ["ZZ999999"]


def test_several_orders_are_acknowledged_in_one_transaction(emulator, api, order):
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order("PO000002"))

    settle(api, submit(api, full_acceptance(), full_acceptance("PO000002")))

    assert (state(emulator), state(emulator, "PO000002")) == ("Acknowledged", "Acknowledged")
    (transaction,) = emulator.vendor_transactions(SELLER_ID)
    assert transaction["subjects"] == ["PO000001", "PO000002"]


def test_the_owner_can_fail_the_next_submission_about_an_order(emulator, api, order):
    emulator.fail_next_vendor_transaction(order, "InternalFailure", "Try again later.")

    failed = settle(api, submit(api, full_acceptance()))
    then = settle(api, submit(api, full_acceptance()))

    assert failed == {
        "transactionId": failed["transactionId"],
        "status": "Failure",
        "errors": [{"code": "InternalFailure", "message": "Try again later."}],
    }
    assert then["status"] == "Success"
    assert [r["status"] for r in emulator.vendor_acknowledgements(SELLER_ID)] == [
        "Failure",
        "Success",
    ]


def test_forced_failures_count_one_submission_each(emulator, api, order):
    emulator.fail_next_vendor_transaction(order, "A", "first", details="one")
    emulator.fail_next_vendor_transaction(order, "B", "second")

    errors = [settle(api, submit(api, full_acceptance()))["errors"] for _ in range(2)]

    assert errors == [
        [{"code": "A", "message": "first", "details": "one"}],
        [{"code": "B", "message": "second"}],
    ]
    assert settle(api, submit(api, full_acceptance()))["status"] == "Success"


# Submissions Amazon refuses at once


@pytest.mark.parametrize("body", [{}, {"acknowledgements": []}])
def test_a_submission_without_acknowledgements_is_invalid_input(emulator, api, body):
    response = api.send("POST", ACKNOWLEDGEMENTS_PATH, body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert emulator.vendor_transactions(SELLER_ID) == []


@requires_models
@pytest.mark.contract_violations_expected
def test_the_models_sandbox_refusal_breaks_the_model(emulator, api):
    body = {"acknowledgements": [{"purchaseOrderNumber": "TestOrder400", "sellingParty": {}}]}

    response = api.send("POST", ACKNOWLEDGEMENTS_PATH, body)

    assert response.status_code == 400
    messages = [error["message"] for error in response.json()["errors"]]
    assert any("'partyId' is a required property" in message for message in messages)
    assert emulator.vendor_acknowledgements(SELLER_ID) == []


def test_amazons_sandbox_acknowledgement_is_taken_then_fails(emulator, api):
    body = {
        "acknowledgements": [
            {
                "purchaseOrderNumber": "TestOrder202",
                "sellingParty": {"partyId": "API01"},
                "acknowledgementDate": "2021-03-12T17:35:26.308Z",
                "items": [
                    {
                        "vendorProductIdentifier": "028877454078",
                        "orderedQuantity": {"amount": 10},
                        "netCost": {"amount": "10.2"},
                        "itemAcknowledgements": [
                            {
                                "acknowledgementCode": "Accepted",
                                "acknowledgedQuantity": {"amount": 10},
                            }
                        ],
                    }
                ],
            }
        ]
    }

    transaction_id = submit(api, *body["acknowledgements"])

    assert settle(api, transaction_id)["errors"][0]["code"] == "INVALID_ORDER_ID"


# Transaction ids


@pytest.mark.parametrize("transaction_id", TRANSACTION_SHAPES)
def test_an_unknown_transaction_is_not_found(emulator, api, transaction_id):
    response = api.get(f"{TRANSACTIONS_PATH}/{transaction_id}")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NotFound"


def test_a_malformed_transaction_id_is_invalid_as_in_amazons_sandbox(emulator, api):
    response = api.get(f"{TRANSACTIONS_PATH}/Tran0904190535-eef8cad8-418e-4ed3-ac72-789e2ee6214a")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"code": "InvalidInput", "message": "Invalid transmission ID.", "details": ""}]
    }


def test_transaction_ids_look_like_amazons(emulator, api, order):
    transaction_id = submit(api, full_acceptance())

    assert transaction_id.startswith("20260302120000-")
    assert len(transaction_id) == len(TRANSACTION_SHAPES[0])


def test_another_vendors_transaction_is_not_found(emulator, api, http, order):
    transaction_id = submit(api, full_acceptance())
    emulator.add_seller(**OTHER_SELLER)
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))

    assert other.get(f"{TRANSACTIONS_PATH}/{transaction_id}").status_code == 404
    assert emulator.vendor_transactions(OTHER_SELLER["seller_id"]) == []
    assert poll(api, transaction_id)["status"] == "Processing"  # its poll was not counted


def test_the_owner_sees_the_transactions(emulator, api, clock, order):
    transaction_id = submit(api, full_acceptance())
    clock.advance(minutes=1)
    settle(api, transaction_id)

    assert emulator.vendor_transactions(SELLER_ID) == [
        {
            "transaction_id": transaction_id,
            "seller_id": SELLER_ID,
            "kind": "submitAcknowledgement",
            "subjects": ["PO000001"],
            "status": "Success",
            "errors": [],
            "submitted": NOW,
            "completed": NOW + timedelta(minutes=1),
        }
    ]


def test_reset_forgets_transactions_forced_failures_and_polls(emulator, api, http, order):
    transaction_id = submit(api, full_acceptance())
    emulator.vendor_transaction_polls = 3
    emulator.fail_next_vendor_transaction(order, "A", "forced")

    emulator.reset()
    emulator.add_seller(**SELLER)
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order())
    api = SpApi(http, emulator.issue_access_token(SELLER_ID))

    assert emulator.vendor_transaction_polls == 1
    assert api.get(f"{TRANSACTIONS_PATH}/{transaction_id}").status_code == 404
    assert emulator.vendor_acknowledgements(SELLER_ID) == []
    assert settle(api, submit(api, full_acceptance()))["status"] == "Success"
