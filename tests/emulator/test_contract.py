"""Contract checks against Amazon's models: requests, replies, and the models' absence."""

import logging
from pathlib import Path

import httpx
import pytest
from emulator_support import (
    MODELS_DIR,
    NOW,
    PARTICIPATIONS_PATH,
    SEARCH_PATH,
    SELLER,
    SpApi,
    order_id,
    requires_models,
    sample_order,
)

from amazon_emulator import AmazonEmulator, ContractValidator, contract, find_models_dir

SELLER_ID = SELLER["seller_id"]
CREATED_AFTER = "2026-01-01T00:00:00Z"


@requires_models
@pytest.mark.contract_violations_expected
@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"fulfillmentStatuses": "SHIPPED_NOT_REAL"}, "'SHIPPED_NOT_REAL' is not one of"),
        ({"MarketplaceId": "ATVPDKIKX0DER"}, "'MarketplaceId' is not defined by the model"),
        ({"maxResultsPerPage": "ten"}, "'ten' is not a valid integer"),
        ({"lastUpdatedBefore": "yesterday"}, "'yesterday' is not a 'date-time'"),
        ({"includedData": ["BUYER", "RECIPIENT"]}, "arrays are sent once, comma-separated"),
        ({"marketplaceIds": ",".join(["ATVPDKIKX0DER"] * 51)}, "is too long"),
    ],
)
def test_requests_breaking_the_model_get_400(emulator, http, api, params, complaint):
    response = http.get(
        SEARCH_PATH,
        params={"createdAfter": CREATED_AFTER, **params},
        headers={"x-amz-access-token": api.token},
    )

    assert response.status_code == 400
    messages = [error["message"] for error in response.json()["errors"]]
    assert any(complaint in message for message in messages), messages
    assert any(complaint in violation for violation in emulator.contract_violations)


@requires_models
@pytest.mark.contract_violations_expected
def test_paths_outside_the_models_are_violations(emulator, api):
    response = api.get("/orders/2026-01-01/orderz")

    assert response.status_code == 404
    assert emulator.contract_violations == [
        "GET /orders/2026-01-01/orderz: no such operation in Amazon's models"
    ]


@requires_models
@pytest.mark.contract_violations_expected
def test_replies_breaking_the_model_are_violations(emulator, api):
    broken = sample_order(1)
    del broken["orderId"]
    emulator.add_order(SELLER_ID, broken)

    assert api.search(createdAfter=CREATED_AFTER).status_code == 200

    (violation,) = emulator.contract_violations
    assert violation == (
        "searchOrders response 200 body at orders[0]: 'orderId' is a required property"
    )
    with pytest.raises(AssertionError, match="1 SP-API contract violation"):
        emulator.assert_contract_clean()


@requires_models
@pytest.mark.contract_violations_expected
def test_replies_are_checked_strictly(emulator, api):
    order = sample_order(1)
    order["giftMessage"] = "not an Order field"
    order["proceeds"]["grandTotal"]["amount"] = "23,30"
    emulator.add_order(SELLER_ID, order)

    api.get_order(order_id(1), includedData=["PROCEEDS"])

    violations = "\n".join(emulator.contract_violations)
    assert "'giftMessage' was unexpected" in violations
    assert "proceeds.grandTotal.amount: '23,30' does not match" in violations


@requires_models
def test_validator_on_its_own():
    validator = ContractValidator(MODELS_DIR)

    assert validator.match("GET", "/orders/2026-01-01/orders/111-1").operation_id == "getOrder"
    assert validator.match("GET", "/sellers/v1/account").operation_id == "getAccount"
    assert validator.match("POST", "/orders/2026-01-01/orders") is None
    assert validator.validate_request("GET", PARTICIPATIONS_PATH, {}) == []
    assert (
        validator.validate_request(
            "GET",
            SEARCH_PATH,
            {"createdAfter": [CREATED_AFTER], "includedData": ["BUYER,PACKAGES"]},
        )
        == []
    )
    errors = {"errors": [{"code": "InvalidInput", "message": "Invalid input"}]}
    headers = {"x-amzn-RequestId": "1", "x-amzn-RateLimit-Limit": "0.5"}
    assert validator.validate_response("getOrder", 400, errors, headers) == []
    assert validator.validate_response("getOrder", 401, errors, headers) == [
        "getOrder response 401: status 401 is not defined by the model"
    ]
    assert validator.validate_response("getOrder", 400, errors, {}) == [
        "getOrder response 400: header 'x-amzn-RateLimit-Limit' is missing",
        "getOrder response 400: header 'x-amzn-RequestId' is missing",
    ]
    assert validator.validate_response("getOrder", 200, None, headers) == [
        "getOrder response 200: body is not JSON"
    ]


def test_models_dir_is_explicit_then_environment_then_default(tmp_path, monkeypatch):
    explicit, from_env = fake_models(tmp_path / "explicit"), fake_models(tmp_path / "env")
    default = fake_models(tmp_path / "default")
    monkeypatch.setattr(contract, "default_models_dir", lambda: default)
    monkeypatch.setenv("AMAZON_MODELS_DIR", str(from_env))

    assert find_models_dir(explicit) == explicit
    assert find_models_dir() == from_env
    assert find_models_dir(tmp_path / "missing") is None
    monkeypatch.delenv("AMAZON_MODELS_DIR")
    assert find_models_dir() == default


def test_default_models_dir_is_beside_the_repository():
    repo_root = Path(__file__).resolve().parents[2]

    assert contract.default_models_dir() == repo_root.parent / "shared" / "amazon-models"


def fake_models(root):
    for relative in contract.MODEL_FILES.values():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("{}")
    return root.resolve()


def test_without_models_checks_are_skipped_with_one_warning(tmp_path, caplog):
    contract._warn_models_missing.cache_clear()
    caplog.set_level(logging.WARNING, logger="amazon_emulator")

    with AmazonEmulator(models_dir=tmp_path, clock=lambda: NOW) as first:
        AmazonEmulator(models_dir=tmp_path)
        first.add_seller(**SELLER)
        with httpx.Client(base_url=first.url, timeout=10) as http:
            api = SpApi(http, first.issue_access_token(SELLER_ID))
            response = api.search(createdAfter=CREATED_AFTER, undeclared="1")

    assert first.contract_checks_enabled is False
    assert response.status_code == 200
    assert first.contract_violations == []
    assert [r.getMessage() for r in caplog.records] == [contract.MODELS_MISSING_WARNING]
    assert contract.MODELS_MISSING_WARNING == (
        "amazon_emulator: Amazon API models not found (set AMAZON_MODELS_DIR); "
        "contract checks are SKIPPED"
    )


def test_validation_can_be_turned_off():
    assert AmazonEmulator(validate=False).contract_checks_enabled is False


@requires_models
def test_validator_knows_the_write_operations():
    validator = ContractValidator(MODELS_DIR)

    assert validator.match("POST", "/orders/v0/orders/111-1/shipmentConfirmation").model == (
        "ordersV0"
    )
    assert validator.match("PATCH", "/listings/2021-08-01/items/A1/SKU-1").operation_id == (
        "patchListingsItem"
    )
    assert validator.match("GET", "/feeds/2021-06-30/documents/doc-1").operation_id == (
        "getFeedDocument"
    )
    # getOrder is in Orders v0 and 2026-01-01: by name, the model listed first answers.
    assert validator.operation("getOrder").model == "orders"
    assert validator.match("GET", "/orders/v0/orders/111-1").model == "ordersV0"
