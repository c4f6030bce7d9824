"""Vendor Transaction Status API v1 documents: what Amazon made of a vendor transaction
(an acknowledgement, a shipment confirmation, an invoice)."""

import pytest

from amazon_sp.documents import (
    TRANSACTION_STATUSES,
    AmazonDocumentError,
    TransactionError,
    TransactionStatus,
    TransactionStatusValue,
    parse_transaction_status,
)

from .amazon_models import AmazonModel

TRANSACTION_MODEL = "models/vendor-transaction-status-api-model/vendorTransactionStatus.json"
TRANSACTION_ID = "20190108091302-6ca0ac50-d06e-45f5-a1e2-eb448eadac50"


VENDOR_TRANSACTIONS = AmazonModel(
    TRANSACTION_MODEL, "Vendor Transaction Status examples", "vendorTransactionStatus"
)
model, validator = VENDOR_TRANSACTIONS.fixtures(validator_required=True)


def model_examples(model):
    """Every 200 body of the model: response examples and static sandbox cases."""
    found = []
    for path_item in model["paths"].values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue  # path-level parameters
            response = operation["responses"]["200"]
            example = response.get("examples") or {}
            if example:
                found.append(example.get("application/json", example))
            for case in response.get("x-amzn-api-sandbox", {}).get("static", []):
                found.append(case["response"])
    return found


def response(status, errors=None, transaction_id=TRANSACTION_ID):
    transaction = {"transactionId": transaction_id, "status": status}
    if errors is not None:
        transaction["errors"] = errors
    return {"payload": {"transactionStatus": transaction}}


def test_the_statuses_are_the_models(model):
    status = model["definitions"]["Transaction"]["properties"]["status"]

    assert tuple(status["enum"]) == TRANSACTION_STATUSES


def test_every_example_of_amazons_model_parses(model):
    (example,) = model_examples(model)

    status = parse_transaction_status(example)

    assert status == TransactionStatus(TRANSACTION_ID, TransactionStatusValue.PROCESSING, ())
    assert not status.is_final and not status.succeeded
    assert status.error_text() == ""


def test_the_test_answers_are_amazons_responses(validator):
    headers = {"x-amzn-RateLimit-Limit": "10", "x-amzn-RequestId": "abc"}
    answers = (
        response("Success"),
        response("Failure", [{"code": "InvalidInput", "message": "Bad item", "details": "1"}]),
    )

    for answer in answers:
        assert validator.validate_response("getTransaction", 200, answer, headers) == []


def test_a_success_is_final():
    status = parse_transaction_status(response("Success"))

    assert status.is_final and status.succeeded
    assert status.errors == ()


def test_a_failure_says_why():
    errors = [
        {
            "code": "InvalidInput",
            "message": "The acknowledged quantity exceeds the ordered quantity.",
            "details": "purchaseOrderNumber 2JK3S9VC, itemSequenceNumber 1",
        },
        {"code": "InvalidInput", "message": "netCost is missing.", "details": ""},
        {"code": "Unknown", "message": "Try again."},
    ]

    status = parse_transaction_status(response("Failure", errors))

    assert status.is_final and not status.succeeded
    assert status.errors == (
        TransactionError(
            "InvalidInput",
            "The acknowledged quantity exceeds the ordered quantity.",
            "purchaseOrderNumber 2JK3S9VC, itemSequenceNumber 1",
        ),
        TransactionError("InvalidInput", "netCost is missing."),
        TransactionError("Unknown", "Try again."),
    )
    assert status.error_text() == (
        "InvalidInput: The acknowledged quantity exceeds the ordered quantity. "
        "(purchaseOrderNumber 2JK3S9VC, itemSequenceNumber 1); "
        "InvalidInput: netCost is missing.; Unknown: Try again."
    )


def test_the_response_its_payload_and_its_transaction_read_alike():
    answer = response("Processing")

    parsed = [
        parse_transaction_status(value)
        for value in (
            answer,
            answer["payload"],
            answer["payload"]["transactionStatus"],
        )
    ]

    assert parsed[0] == parsed[1] == parsed[2]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("Success", "expected an object"),
        ({"payload": "Success"}, "expected an object at payload"),
        ({"payload": {}}, "missing transactionStatus at payload"),
        ({"payload": {"transactionStatus": []}}, "expected an object at payload.transactionStatus"),
        ({}, "missing payload"),
        (
            {"errors": [{"code": "NotFound", "message": "No such transaction.", "details": "x"}]},
            "Amazon answered with errors: NotFound: No such transaction. (x)",
        ),
        ({"errors": [{"message": "No code."}]}, "missing code at errors[0]"),
        (
            response("Success", transaction_id=""),
            "missing transactionId at payload.transactionStatus",
        ),
        ({"status": "Success"}, "missing transactionId at transactionStatus"),
        ({"transactionId": TRANSACTION_ID}, "missing status at transactionStatus"),
        (response("Done"), "unknown status 'Done' (Amazon's: Failure, Processing, Success)"),
        (response(7), "status should be a string, not int"),
        (response("Failure", {"code": "X"}), "errors should be a list, not dict"),
        (response("Failure", ["X"]), "expected an object at payload.transactionStatus.errors[0]"),
        (
            response("Failure", [{"code": "X"}]),
            "missing message at payload.transactionStatus.errors[0]",
        ),
        (
            response("Failure", [{"code": "X", "message": "m", "details": 3}]),
            "details should be a string, not int",
        ),
    ],
)
def test_malformed_answers_are_refused_clearly(payload, message):
    with pytest.raises(AmazonDocumentError) as raised:
        parse_transaction_status(payload)

    assert message in str(raised.value)
    assert str(raised.value).startswith("vendor transaction status: ")
