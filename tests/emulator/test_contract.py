"""Contract checks against Amazon's models: requests, replies, and the models' absence."""

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
from emulator_support import (
    MODELS_DIR,
    NOW,
    PARTICIPATIONS_PATH,
    SEARCH_PATH,
    SELLER,
    US,
    SpApi,
    order_id,
    requires_models,
    sample_order,
)

from amazon_emulator import AmazonEmulator, ContractValidator, contract, find_models_dir
from amazon_emulator.ratelimit import USAGE_PLANS

SELLER_ID = SELLER["seller_id"]
CREATED_AFTER = "2026-01-01T00:00:00Z"
CONFIRM_PATH = f"/orders/v0/orders/{order_id(1)}/shipmentConfirmation"
FEED_DOCUMENTS_PATH = "/feeds/2021-06-30/documents"
FEEDS_PATH = "/feeds/2021-06-30/feeds"
REPORTS_PATH = "/reports/2021-06-30/reports"
LISTING_PATH = f"/listings/2021-08-01/items/{SELLER_ID}/SKU-1"
RETURNS_REPORT = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
JSON_TYPE = "application/json; charset=UTF-8"


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


def shipment_confirmation(emulator, *, item_fields=None, **package_fields) -> dict:
    item_id = emulator.get_stored_order(SELLER_ID, order_id(1))["orderItems"][0]["orderItemId"]
    package = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "shippingMethod": "UPS Ground",
        "trackingNumber": "1Z999AA10123456784",
        "shipDate": "2026-03-02T10:00:00Z",
        "orderItems": [{"orderItemId": item_id, "quantity": 2, **(item_fields or {})}],
    }
    return {"marketplaceId": US, "packageDetail": {**package, **package_fields}}


def feed_request(document_id: str, **fields) -> dict:
    return {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [US],
        "inputFeedDocumentId": document_id,
        **fields,
    }


def report_request(**fields) -> dict:
    return {"reportType": RETURNS_REPORT, "marketplaceIds": [US], **fields}


def renamed(body: dict, old: str, new: str) -> dict:
    return {new if name == old else name: value for name, value in body.items()}


def renamed_in_package(body: dict, old: str, new: str) -> dict:
    return {**body, "packageDetail": renamed(body["packageDetail"], old, new)}


def feed_document_id(api) -> str:
    """A created feed document, with a JSON_LISTINGS_FEED uploaded to it."""
    response = api.send("POST", FEED_DOCUMENTS_PATH, {"contentType": JSON_TYPE})
    assert response.status_code == 201, response.text
    document = response.json()
    content = {"header": {"sellerId": SELLER_ID, "version": "2.0"}, "messages": []}
    uploaded = api.http.put(
        document["url"], content=json.dumps(content).encode(), headers={"Content-Type": JSON_TYPE}
    )
    assert uploaded.status_code == 200, uploaded.text
    return document["feedDocumentId"]


class MisspelledBody(NamedTuple):
    case: str
    method: str
    path: str
    make_body: Callable  # (emulator, api) -> the request body
    violation: str  # names the undeclared field


MISSPELLED_BODIES = [
    MisspelledBody(
        "confirmShipment, packageDetail.trackingNumbr",
        "POST",
        CONFIRM_PATH,
        lambda emulator, api: renamed_in_package(
            shipment_confirmation(emulator), "trackingNumber", "trackingNumbr"
        ),
        "confirmShipment request: body parameter 'payload': "
        "property 'packageDetail.trackingNumbr' is not defined by the model",
    ),
    MisspelledBody(
        "confirmShipment, optional packageDetail.carrierNme",
        "POST",
        CONFIRM_PATH,
        lambda emulator, api: shipment_confirmation(emulator, carrierNme="UPS"),
        "confirmShipment request: body parameter 'payload': "
        "property 'packageDetail.carrierNme' is not defined by the model",
    ),
    MisspelledBody(
        "confirmShipment, optional item field",
        "POST",
        CONFIRM_PATH,
        lambda emulator, api: shipment_confirmation(
            emulator, item_fields={"transparencyCode": ["09876543211234567890"]}
        ),
        "confirmShipment request: body parameter 'payload': "
        "property 'packageDetail.orderItems[0].transparencyCode' is not defined by the model",
    ),
    MisspelledBody(
        "createFeed, marketplaceIDs",
        "POST",
        FEEDS_PATH,
        lambda emulator, api: renamed(
            feed_request(feed_document_id(api)), "marketplaceIds", "marketplaceIDs"
        ),
        "createFeed request: body parameter 'body': "
        "property 'marketplaceIDs' is not defined by the model",
    ),
    MisspelledBody(
        "createFeed, optional feedOption",
        "POST",
        FEEDS_PATH,
        lambda emulator, api: feed_request(feed_document_id(api), feedOption={"a": "b"}),
        "createFeed request: body parameter 'body': "
        "property 'feedOption' is not defined by the model",
    ),
    MisspelledBody(
        "createFeedDocument, extra top-level field",
        "POST",
        FEED_DOCUMENTS_PATH,
        lambda emulator, api: {"contentType": JSON_TYPE, "marketplaceIds": [US]},
        "createFeedDocument request: body parameter 'body': "
        "property 'marketplaceIds' is not defined by the model",
    ),
    MisspelledBody(
        "createReport, extra top-level field",
        "POST",
        REPORTS_PATH,
        lambda emulator, api: report_request(dataStartTme="2026-03-01T00:00:00Z"),
        "createReport request: body parameter 'body': "
        "property 'dataStartTme' is not defined by the model",
    ),
    MisspelledBody(
        "patchListingsItem, patch field",
        "PATCH",
        LISTING_PATH,
        lambda emulator, api: {
            "productType": "PRODUCT",
            "patches": [{"op": "delete", "path": "/attributes/item_name", "values": []}],
        },
        "patchListingsItem request: body parameter 'body': "
        "property 'patches[0].values' is not defined by the model",
    ),
]


@requires_models
@pytest.mark.contract_violations_expected
@pytest.mark.parametrize("misspelled", MISSPELLED_BODIES, ids=lambda misspelled: misspelled.case)
def test_undeclared_body_fields_get_400(emulator, api, misspelled):
    emulator.add_order(SELLER_ID, sample_order(1))
    body = misspelled.make_body(emulator, api)
    query = {"marketplaceIds": US} if misspelled.method == "PATCH" else {}

    response = api.send(misspelled.method, misspelled.path, body, **query)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {error["code"] for error in errors} == {"InvalidInput"}
    assert misspelled.violation in [error["message"] for error in errors]
    assert emulator.contract_violations == [error["message"] for error in errors]
    assert emulator.feeds == [] and emulator.reports == []
    assert emulator.shipments_for(SELLER_ID, order_id(1)) == []
    assert emulator.listing(SELLER_ID, "SKU-1") is None


@requires_models
def test_bodies_as_the_models_declare_them_pass(emulator, api):
    """Free-form parts stay free-form: report and feed options take any option name, a
    listings patch value any attribute."""
    emulator.add_order(SELLER_ID, sample_order(1))

    confirmed = api.send("POST", CONFIRM_PATH, shipment_confirmation(emulator))
    feed = api.send(
        "POST",
        FEEDS_PATH,
        feed_request(feed_document_id(api), feedOptions={"anyOptionName": "any value"}),
    )
    report = api.send("POST", REPORTS_PATH, report_request(reportOptions={"anyOptionName": "true"}))
    patched = api.send(
        "PATCH",
        LISTING_PATH,
        {
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [
                        {"fulfillment_channel_code": "DEFAULT", "quantity": 4, "lead_time": 2}
                    ],
                }
            ],
        },
        marketplaceIds=US,
    )

    assert confirmed.status_code == 204, confirmed.text
    assert feed.status_code == 202, feed.text
    assert report.status_code == 202, report.text
    assert patched.status_code == 200, patched.text
    assert emulator.contract_violations == []


@requires_models
@pytest.mark.contract_violations_expected
def test_a_body_where_the_model_defines_none_gets_400(emulator, http, api):
    response = http.request(
        "GET",
        PARTICIPATIONS_PATH,
        content=b'{"marketplaceIds": ["ATVPDKIKX0DER"]}',
        headers={"x-amz-access-token": api.token},
    )

    assert response.status_code == 400
    violation = "getMarketplaceParticipations request: a body is sent, but the model defines none"
    assert response.json()["errors"] == [{"code": "InvalidInput", "message": violation}]
    assert emulator.contract_violations == [violation]


def sandbox_requests():
    """(operation id, status, (method, path, query, body)) of every static sandbox request in
    the models, for the SP-API operations the emulator serves."""
    if MODELS_DIR is None:
        return []
    validator = ContractValidator(MODELS_DIR)
    requests = []
    for operation_id in USAGE_PLANS:
        operation = validator.operation(operation_id)
        if operation is None:
            continue  # test_the_models_hold_sandbox_requests_of_the_served_operations fails
        model = json.loads((MODELS_DIR / contract.MODEL_FILES[operation.model]).read_text())
        path_item = model["paths"][operation.path_template]
        operation_spec = path_item[operation.method.lower()]
        params = [*path_item.get("parameters", []), *operation_spec.get("parameters", [])]
        for status, response in operation_spec["responses"].items():
            for case in response.get("x-amzn-api-sandbox", {}).get("static", []):
                request = sandbox_request(operation, params, case["request"]["parameters"])
                requests.append((operation_id, status, request))
    return requests


def sandbox_request(operation, params: list[dict], given: dict):
    """A sandbox case lists only the parameters it matches on (a body always as `body`): the
    other required parameters take the model's `x-example`, or a placeholder in a path. A
    required body the case does not give is left out."""
    path, query, body = operation.path_template, {}, None
    for param in params:
        name = "body" if param["in"] == "body" else param["name"]
        if "value" in given.get(name, {}):
            value = given[name]["value"]
        elif param["in"] == "path":
            value = param.get("x-example", f"example-{name}")
        elif param["in"] == "query" and param.get("required"):
            value = param["x-example"]
        else:
            continue
        if param["in"] == "path":
            path = path.replace(f"{{{name}}}", str(value))
        elif param["in"] == "query":
            query[name] = [",".join(value) if isinstance(value, list) else str(value)]
        elif param["in"] == "body":
            body = json.dumps(value).encode()
    return operation.method, path, query, body


SANDBOX_REQUESTS = sandbox_requests()


@requires_models
def test_the_models_hold_sandbox_requests_of_the_served_operations():
    validator = ContractValidator(MODELS_DIR)
    operations = {operation_id for operation_id, _, _ in SANDBOX_REQUESTS}
    with_bodies = {operation_id for operation_id, _, request in SANDBOX_REQUESTS if request[3]}

    assert [op for op in USAGE_PLANS if validator.operation(op) is None] == []
    assert {"confirmShipment", "createFeed", "patchListingsItem", "searchOrders"} <= operations
    assert {"confirmShipment", "createFeed", "createFeedDocument", "createReport"} <= with_bodies


@requires_models
@pytest.mark.parametrize(
    ("operation_id", "status", "request_parts"),
    SANDBOX_REQUESTS,
    ids=[
        f"{operation_id}-{status}-{index}"
        for index, (operation_id, status, _) in enumerate(SANDBOX_REQUESTS)
    ],
)
def test_amazons_sandbox_requests_pass_the_strict_checks(operation_id, status, request_parts):
    """The success cases are valid requests; the error cases are invalid only for what they
    test (a bad date, a missing field), never for an undeclared field or parameter."""
    method, path, query, body = request_parts

    problems = ContractValidator(MODELS_DIR).validate_request(method, path, query, body=body)

    body_left_out = f"{operation_id} request: body parameter 'body' is required"
    if status.startswith("2"):
        assert [problem for problem in problems if problem != body_left_out] == []
    assert [problem for problem in problems if "is not defined by the model" in problem] == []


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
