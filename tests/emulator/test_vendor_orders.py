"""Vendor Orders v1: purchase orders built by make_purchase_order, served by getPurchaseOrders
(windows, the 7-day rule, filters, includeDetails, paging) and getPurchaseOrder, changed and
closed by Amazon; rate limits and faults of the vendor operations."""

from datetime import timedelta

import pytest
from emulator_support import (
    ACKNOWLEDGEMENTS_PATH,
    MODELS_DIR,
    NOW,
    OTHER_SELLER,
    PURCHASE_ORDERS_PATH,
    SELLER,
    TRANSACTIONS_PATH,
    SpApi,
    full_acceptance,
    iso,
    rate_limited,
    requires_models,
    sample_purchase_order,
)

from amazon_emulator import ContractValidator, make_purchase_order
from amazon_emulator.ratelimit import USAGE_PLANS

SELLER_ID = SELLER["seller_id"]
VENDOR_OPERATIONS = ("getPurchaseOrders", "getPurchaseOrder", "submitAcknowledgement")


def numbers(response):
    assert response.status_code == 200, response.text
    return [order["purchaseOrderNumber"] for order in response.json()["payload"]["orders"]]


def invalid(response):
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidInput"
    return error


def add_orders(emulator, *hours_ago, seller_id=SELLER_ID, **overrides):
    """Purchase orders PO000001, PO000002... placed these hours before NOW."""
    for index, hours in enumerate(hours_ago, start=1):
        emulator.add_purchase_order(
            seller_id, sample_purchase_order(f"PO{index:06d}", hours, **overrides)
        )


# make_purchase_order


@pytest.fixture(scope="module")
def validator():
    return ContractValidator(MODELS_DIR)


@requires_models
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"ship_to": "LEJ1", "state": "Acknowledged", "order_type": "RushOrder"},
        {"ship_to": "XYZ1", "payment_method": "Prepaid", "delivery_window": (NOW, NOW)},
        {
            "ship_to": "XYZ1",
            "ship_to_address": {"name": "FC", "addressLine1": "1 Road", "countryCode": "US"},
            "selling_party": {
                "partyId": "VNDR2",
                "taxInfo": {"taxRegistrationType": "VAT", "taxRegistrationNumber": "DE123456789"},
            },
            "bill_to": "AMZN_BILL",
            "deal_code": "BTS",
            "import_details": {"methodOfPayment": "PaidByBuyer", "portOfDelivery": "YANTIAN"},
            "state": "Closed",
        },
    ],
)
def test_purchase_orders_validate_against_amazons_order_schema(validator, overrides):
    order = sample_purchase_order(**overrides)

    assert validator.validate_definition("vendorOrders", "Order", order) == []


def test_a_purchase_order_as_amazon_places_it():
    order = make_purchase_order(
        "2JK3S9VC",
        items=[
            {"vendor_sku": "MUG-1", "asin": "B000MUG001", "quantity": 4, "net_cost": "12.5"},
            {"vendor_sku": "PEN-1", "quantity": 0, "net_cost": 1, "list_price": "2.00"},
        ],
        created=NOW,
    )

    details = order["orderDetails"]
    assert (order["purchaseOrderNumber"], order["purchaseOrderState"]) == ("2JK3S9VC", "New")
    assert details["purchaseOrderDate"] == details["purchaseOrderStateChangedDate"] == iso(NOW)
    assert "purchaseOrderChangedDate" not in details
    assert (details["purchaseOrderType"], details["paymentMethod"]) == ("RegularOrder", "Invoice")
    assert details["shipWindow"] == (
        f"{iso(NOW + timedelta(days=2))}--{iso(NOW + timedelta(days=9))}"
    )
    assert "deliveryWindow" not in details
    assert details["shipToParty"]["partyId"] == "ABE2"
    assert details["shipToParty"]["address"]["city"] == "Breinigsville"
    assert details["sellingParty"] == {"partyId": "VNDR1"}
    assert details["buyingParty"]["partyId"] == details["billToParty"]["partyId"] == "AMZN"
    mug, pen = details["items"]
    assert mug == {
        "itemSequenceNumber": "1",
        "amazonProductIdentifier": "B000MUG001",
        "vendorProductIdentifier": "MUG-1",
        "orderedQuantity": {"amount": 4, "unitOfMeasure": "Eaches", "unitSize": 1},
        "isBackOrderAllowed": False,
        "netCost": {"currencyCode": "USD", "amount": "12.5"},
    }
    assert pen["itemSequenceNumber"] == "2"
    assert pen["listPrice"] == {"currencyCode": "USD", "amount": "2.00"}


def test_german_fulfilment_centres_are_billed_in_euros_by_amazon_eu():
    details = sample_purchase_order(ship_to="MUC3")["orderDetails"]

    assert details["shipToParty"]["address"]["countryCode"] == "DE"
    assert details["buyingParty"]["address"]["countryCode"] == "LU"
    assert {item["netCost"]["currencyCode"] for item in details["items"]} == {"EUR"}


def test_an_unknown_ship_to_code_has_no_address_unless_given():
    details = sample_purchase_order(ship_to="XYZ1")["orderDetails"]

    assert details["shipToParty"] == {"partyId": "XYZ1"}


@pytest.mark.parametrize(
    ("number", "item", "complaint"),
    [
        ("PO-00001", {}, "8 letters or digits"),
        ("PO0000001", {}, "8 letters or digits"),
        ("PO000001", {"unit_of_measure": "Pallets"}, "unit_of_measure is one of"),
        ("PO000001", {"quantity": -1}, "0 or more"),
        ("PO000001", {"unit_size": 0}, "unit size"),
        ("PO000001", {"net_cost": None}, "net_cost"),
        ("PO000001", {"net_cost": "-1"}, "0 or more"),
        ("PO000001", {"colour": "red"}, "unknown purchase order item keys"),
    ],
)
def test_make_purchase_order_refuses_what_the_model_does_not_allow(number, item, complaint):
    spec = {"vendor_sku": "MUG-1", "quantity": 1, "net_cost": "1.00", **item}
    spec = {key: value for key, value in spec.items() if value is not None}

    with pytest.raises(ValueError, match=complaint):
        make_purchase_order(number, items=[spec], created=NOW)


def test_make_purchase_order_needs_items_and_known_states():
    with pytest.raises(ValueError, match="at least one item"):
        make_purchase_order("PO000001", items=[], created=NOW)
    with pytest.raises(ValueError, match="state is one of"):
        sample_purchase_order(state="Shipped")


# getPurchaseOrders: windows and the 7-day rule


def test_orders_created_in_the_window_are_listed(emulator, api):
    add_orders(emulator, 72, 48, 24, 1)

    listed = api.get(
        PURCHASE_ORDERS_PATH,
        createdAfter=iso(NOW - timedelta(hours=48)),  # inclusive
        createdBefore=iso(NOW - timedelta(hours=1)),  # exclusive
    )

    assert numbers(listed) == ["PO000002", "PO000003"]
    assert "pagination" not in listed.json()["payload"]


def test_without_a_window_the_last_seven_days_are_listed(emulator, api):
    add_orders(emulator, 24 * 8, 24 * 6, 1)

    assert numbers(api.get(PURCHASE_ORDERS_PATH)) == ["PO000002", "PO000003"]


def test_a_window_given_by_one_end_is_seven_days_long_or_ends_now(emulator, api):
    add_orders(emulator, 24 * 9, 24 * 6, 1)

    assert numbers(api.get(PURCHASE_ORDERS_PATH, createdAfter=iso(NOW - timedelta(days=7)))) == [
        "PO000002",
        "PO000003",
    ]
    ends_two_days_ago = api.get(PURCHASE_ORDERS_PATH, createdBefore=iso(NOW - timedelta(days=2)))
    assert numbers(ends_two_days_ago) == ["PO000001", "PO000002"]


@pytest.mark.parametrize("prefix", ["created", "changed"])
def test_a_range_over_seven_days_is_invalid_input(emulator, api, prefix):
    response = api.get(
        PURCHASE_ORDERS_PATH,
        **{
            f"{prefix}After": iso(NOW - timedelta(days=7, seconds=1)),
            f"{prefix}Before": iso(NOW),
        },
    )

    error = invalid(response)
    assert error["message"] == "The date range must not exceed 7 days."
    exactly_seven_days = api.get(
        PURCHASE_ORDERS_PATH,
        **{f"{prefix}After": iso(NOW - timedelta(days=7)), f"{prefix}Before": iso(NOW)},
    )
    assert exactly_seven_days.status_code == 200


def test_an_after_alone_more_than_seven_days_ago_is_invalid_input(emulator, api):
    error = invalid(api.get(PURCHASE_ORDERS_PATH, changedAfter=iso(NOW - timedelta(days=8))))

    assert "changedBefore" in error["details"]


def test_a_window_ending_before_it_starts_is_invalid_input(emulator, api):
    response = api.get(
        PURCHASE_ORDERS_PATH,
        createdAfter=iso(NOW - timedelta(hours=1)),
        createdBefore=iso(NOW - timedelta(hours=2)),
    )

    assert invalid(response)["message"] == "createdAfter must be before createdBefore."


def test_date_times_without_offset_are_utc_as_in_amazons_sandbox(emulator, api):
    add_orders(emulator, 30, 20)

    listed = api.get(
        PURCHASE_ORDERS_PATH,
        createdAfter=(NOW - timedelta(hours=25)).strftime("%Y-%m-%dT%H:%M:%S"),
        createdBefore=NOW.strftime("%Y-%m-%dT%H:%M:%S.000"),
    )

    assert numbers(listed) == ["PO000002"]


def test_changed_windows_list_orders_by_their_last_change(emulator, api, clock):
    add_orders(emulator, 24 * 20, 24 * 20, 2)
    emulator.change_purchase_order(SELLER_ID, "PO000001", changed=NOW - timedelta(hours=5))
    clock.advance(hours=-3)
    emulator.close_purchase_order(SELLER_ID, "PO000002")  # a new state is a change
    clock.set(NOW)

    changed = api.get(PURCHASE_ORDERS_PATH, changedAfter=iso(NOW - timedelta(days=1)))
    amazon_changed = api.get(
        PURCHASE_ORDERS_PATH, changedAfter=iso(NOW - timedelta(days=1)), isPOChanged="true"
    )

    assert numbers(changed) == ["PO000001", "PO000002", "PO000003"]
    assert numbers(amazon_changed) == ["PO000001"]
    assert numbers(api.get(PURCHASE_ORDERS_PATH, isPOChanged="false")) == ["PO000003"]


def test_created_and_changed_windows_apply_together(emulator, api):
    add_orders(emulator, 24 * 3, 24 * 3)
    emulator.change_purchase_order(
        SELLER_ID, "PO000002", changed=NOW - timedelta(minutes=10), dealCode="SPRING"
    )

    listed = api.get(
        PURCHASE_ORDERS_PATH,
        createdAfter=iso(NOW - timedelta(days=4)),
        changedAfter=iso(NOW - timedelta(hours=1)),
    )

    assert numbers(listed) == ["PO000002"]


# Filters and details


def test_include_details_false_gives_numbers_and_states(emulator, api):
    add_orders(emulator, 2, 1)
    emulator.close_purchase_order(SELLER_ID, "PO000002")

    listed = api.get(PURCHASE_ORDERS_PATH, includeDetails="false")
    detailed = api.get(PURCHASE_ORDERS_PATH, includeDetails="true")

    assert listed.json()["payload"]["orders"] == [
        {"purchaseOrderNumber": "PO000001", "purchaseOrderState": "New"},
        {"purchaseOrderNumber": "PO000002", "purchaseOrderState": "Closed"},
    ]
    assert detailed.json()["payload"]["orders"][0] == emulator.purchase_order(SELLER_ID, "PO000001")


@pytest.mark.parametrize("name", ["includeDetails", "isPOChanged"])
def test_booleans_are_true_or_false(emulator, api, name):
    assert "true or false" in invalid(api.get(PURCHASE_ORDERS_PATH, **{name: "yes"}))["message"]


def test_orders_filtered_by_state_vendor_code_and_cancelled_items(emulator, api):
    add_orders(emulator, 4, 3)
    emulator.add_purchase_order(
        SELLER_ID, sample_purchase_order("PO000003", 2, selling_party="VNDR2")
    )
    emulator.close_purchase_order(SELLER_ID, "PO000002")
    emulator.change_purchase_order(
        SELLER_ID,
        "PO000001",
        items=[
            {"vendor_sku": "MUG-1", "asin": "B000MUG001", "quantity": 0, "net_cost": "12.50"},
            {"vendor_sku": "CUP-1", "asin": "B000CUP001", "quantity": 3, "net_cost": "2.00"},
        ],
    )

    assert numbers(api.get(PURCHASE_ORDERS_PATH, purchaseOrderState="New")) == [
        "PO000001",
        "PO000003",
    ]
    assert numbers(api.get(PURCHASE_ORDERS_PATH, orderingVendorCode="VNDR2")) == ["PO000003"]
    assert numbers(api.get(PURCHASE_ORDERS_PATH, poItemState="Cancelled")) == ["PO000001"]


def test_orders_are_sorted_by_creation_date(emulator, api):
    add_orders(emulator, 1, 3, 2)

    assert numbers(api.get(PURCHASE_ORDERS_PATH)) == ["PO000002", "PO000003", "PO000001"]
    assert numbers(api.get(PURCHASE_ORDERS_PATH, sortOrder="DESC")) == [
        "PO000001",
        "PO000003",
        "PO000002",
    ]


def test_only_the_callers_orders_are_listed(emulator, api, http):
    emulator.add_seller(**OTHER_SELLER)
    add_orders(emulator, 2, 1, seller_id=OTHER_SELLER["seller_id"])
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order("MINE0001", 3))

    assert numbers(api.get(PURCHASE_ORDERS_PATH)) == ["MINE0001"]
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))
    assert numbers(other.get(PURCHASE_ORDERS_PATH)) == ["PO000001", "PO000002"]
    assert api.get(f"{PURCHASE_ORDERS_PATH}/PO000001").status_code == 404


# Paging


def pages(api, **params):
    """Every page of a listing, following the next tokens alone."""
    response = api.get(PURCHASE_ORDERS_PATH, **params)
    found = [numbers(response)]
    while token := response.json()["payload"].get("pagination", {}).get("nextToken"):
        response = api.get(PURCHASE_ORDERS_PATH, nextToken=token)
        found.append(numbers(response))
    return found


def test_pages_of_limit_orders_keep_the_filters(emulator, api):
    add_orders(emulator, 60, 50, 40, 30, 20, 10)
    emulator.close_purchase_order(SELLER_ID, "PO000004")

    found = pages(
        api,
        limit=2,
        purchaseOrderState="New",
        createdAfter=iso(NOW - timedelta(hours=55)),
        sortOrder="DESC",
    )

    assert found == [["PO000006", "PO000005"], ["PO000003", "PO000002"]]


def test_orders_added_later_do_not_slip_into_the_pages(emulator, api, clock):
    add_orders(emulator, 3, 2, 1)
    first = api.get(PURCHASE_ORDERS_PATH, limit=2)
    token = first.json()["payload"]["pagination"]["nextToken"]
    clock.advance(minutes=30)
    # Placed after the first page's window ended (at its request): a new listing shows it.
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order("LATER001", -0.25))

    assert numbers(api.get(PURCHASE_ORDERS_PATH, nextToken=token)) == ["PO000003"]
    assert numbers(api.get(PURCHASE_ORDERS_PATH))[-1] == "LATER001"


def test_a_next_token_may_come_with_its_own_arguments_and_a_new_page_size(emulator, api):
    add_orders(emulator, 5, 4, 3, 2, 1)
    after = iso(NOW - timedelta(days=1))
    first = api.get(PURCHASE_ORDERS_PATH, limit=1, createdAfter=after)
    token = first.json()["payload"]["pagination"]["nextToken"]

    again = api.get(
        PURCHASE_ORDERS_PATH, nextToken=token, createdAfter=after, limit=3, includeDetails="false"
    )

    assert numbers(again) == ["PO000002", "PO000003", "PO000004"]
    assert "orderDetails" not in again.json()["payload"]["orders"][0]


def test_a_next_token_with_other_filters_is_invalid_input(emulator, api):
    add_orders(emulator, 2, 1)
    first = api.get(PURCHASE_ORDERS_PATH, limit=1, purchaseOrderState="New")
    token = first.json()["payload"]["pagination"]["nextToken"]

    error = invalid(api.get(PURCHASE_ORDERS_PATH, nextToken=token, purchaseOrderState="Closed"))

    assert error["details"] == "purchaseOrderState differs"


def test_unreadable_and_foreign_next_tokens_are_invalid_input(emulator, api, http):
    emulator.add_seller(**OTHER_SELLER)
    add_orders(emulator, 2, 1, seller_id=OTHER_SELLER["seller_id"])
    other = SpApi(http, emulator.issue_access_token(OTHER_SELLER["seller_id"]))
    token = other.get(PURCHASE_ORDERS_PATH, limit=1).json()["payload"]["pagination"]["nextToken"]

    assert "nextToken" in invalid(api.get(PURCHASE_ORDERS_PATH, nextToken=token))["message"]
    assert "nextToken" in invalid(api.get(PURCHASE_ORDERS_PATH, nextToken="garbage"))["message"]


@requires_models
@pytest.mark.contract_violations_expected
@pytest.mark.parametrize("limit", ["0", "101"])
def test_a_limit_outside_1_to_100_breaks_the_model(emulator, api, limit):
    response = api.get(PURCHASE_ORDERS_PATH, limit=limit)

    assert response.status_code == 400
    assert any("'limit'" in violation for violation in emulator.contract_violations)


# getPurchaseOrder


def test_get_purchase_order_serves_the_stored_order(emulator, api):
    add_orders(emulator, 1)

    response = api.get(f"{PURCHASE_ORDERS_PATH}/PO000001")

    assert response.status_code == 200
    assert response.json() == {"payload": emulator.purchase_order(SELLER_ID, "PO000001")}


def test_an_unknown_purchase_order_is_not_found(emulator, api):
    response = api.get(f"{PURCHASE_ORDERS_PATH}/ZZ999999")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NotFound"


def test_a_number_that_is_not_eight_letters_or_digits_is_a_bad_request(emulator, api):
    response = api.get(f"{PURCHASE_ORDERS_PATH}/null")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "InvalidRequest",
            "message": "Request is missing or has invalid parameters",
            "details": "purchaseOrderNumber must be an 8-character alpha-numeric code",
        }
    ]


# Amazon changes and closes purchase orders


def test_amazon_changes_a_purchase_order(emulator, api, clock):
    add_orders(emulator, 24)
    clock.advance(minutes=30)

    changed = emulator.change_purchase_order(
        SELLER_ID,
        "PO000001",
        items=[{"vendor_sku": "MUG-1", "asin": "B000MUG001", "quantity": 6, "net_cost": "12"}],
        shipToParty={"partyId": "MDW2"},
        shipWindow=(NOW + timedelta(days=3), NOW + timedelta(days=5)),
        dealCode=None,
    )

    details = changed["orderDetails"]
    assert details["purchaseOrderChangedDate"] == iso(NOW + timedelta(minutes=30))
    assert details["purchaseOrderStateChangedDate"] == iso(NOW - timedelta(hours=24))
    assert details["shipToParty"] == {"partyId": "MDW2"}
    assert details["shipWindow"] == "2026-03-05T12:00:00Z--2026-03-07T12:00:00Z"
    assert [item["orderedQuantity"]["amount"] for item in details["items"]] == [6]
    assert changed["purchaseOrderState"] == "New"
    assert api.get(f"{PURCHASE_ORDERS_PATH}/PO000001").json()["payload"] == changed


def test_amazon_changes_only_order_details(emulator):
    add_orders(emulator, 24)

    with pytest.raises(ValueError, match="purchaseOrderState"):
        emulator.change_purchase_order(SELLER_ID, "PO000001", purchaseOrderState="Closed")
    with pytest.raises(KeyError):
        emulator.change_purchase_order(SELLER_ID, "ZZ999999", dealCode="X")


def test_amazon_closes_a_purchase_order(emulator, clock):
    add_orders(emulator, 24)
    clock.advance(hours=2)

    closed = emulator.close_purchase_order(SELLER_ID, "PO000001")

    assert closed["purchaseOrderState"] == "Closed"
    assert closed["orderDetails"]["purchaseOrderStateChangedDate"] == iso(NOW + timedelta(hours=2))
    assert emulator.purchase_order(SELLER_ID, "PO000001") == closed
    assert emulator.purchase_order(SELLER_ID, "ZZ999999") is None


def test_purchase_order_hands_out_copies(emulator):
    add_orders(emulator, 24)

    emulator.purchase_order(SELLER_ID, "PO000001")["purchaseOrderState"] = "Closed"

    assert emulator.purchase_order(SELLER_ID, "PO000001")["purchaseOrderState"] == "New"


def test_scenarios_may_hold_purchase_orders(emulator, api):
    emulator.load_scenario({"purchase_orders": {SELLER_ID: [sample_purchase_order("SCEN0001")]}})

    assert numbers(api.get(PURCHASE_ORDERS_PATH)) == ["SCEN0001"]


def test_reset_forgets_purchase_orders(emulator):
    add_orders(emulator, 24)

    emulator.reset()
    emulator.add_seller(**SELLER)

    assert emulator.purchase_order(SELLER_ID, "PO000001") is None


# Rate limits and faults


def test_vendor_replies_tell_their_usage_plans(emulator, api):
    add_orders(emulator, 1)
    transaction = api.send("POST", ACKNOWLEDGEMENTS_PATH, {"acknowledgements": [full_acceptance()]})
    transaction_id = transaction.json()["payload"]["transactionId"]

    replies = {
        "getPurchaseOrders": api.get(PURCHASE_ORDERS_PATH),
        "getPurchaseOrder": api.get(f"{PURCHASE_ORDERS_PATH}/PO000001"),
        "submitAcknowledgement": transaction,
        "getTransaction": api.get(f"{TRANSACTIONS_PATH}/{transaction_id}"),
    }

    assert {op: reply.headers["x-amzn-RateLimit-Limit"] for op, reply in replies.items()} == {
        "getPurchaseOrders": "10",
        "getPurchaseOrder": "10",
        "submitAcknowledgement": "10",
        "getTransaction": "10",
    }
    assert [(USAGE_PLANS[op].rate, USAGE_PLANS[op].burst) for op in replies] == [
        (10, 10),
        (10, 10),
        (10, 10),
        (10, 20),
    ]


@pytest.fixture
def strict(http):
    with rate_limited(http) as strict_emulator:
        yield strict_emulator


def test_get_purchase_orders_bursts_ten_then_throttles(strict):
    _amazon, api, clock = strict

    statuses = [api.get(PURCHASE_ORDERS_PATH).status_code for _ in range(11)]

    assert statuses == [200] * 10 + [429]
    clock.advance(0.1)
    assert api.get(PURCHASE_ORDERS_PATH).status_code == 200


def test_get_transaction_bursts_twenty(strict):
    _amazon, api, _clock = strict
    path = f"{TRANSACTIONS_PATH}/20260302120000-6ca0ac50-d06e-45f5-a1e2-eb448eadac50"

    statuses = [api.get(path).status_code for _ in range(21)]

    assert statuses == [404] * 20 + [429]


@pytest.mark.parametrize("operation", VENDOR_OPERATIONS)
def test_injected_throttles_reach_the_vendor_operations(emulator, api, operation):
    add_orders(emulator, 1)
    emulator.inject_fault("throttle", operation, retry_after=1)
    calls = {
        "getPurchaseOrders": lambda: api.get(PURCHASE_ORDERS_PATH),
        "getPurchaseOrder": lambda: api.get(f"{PURCHASE_ORDERS_PATH}/PO000001"),
        "submitAcknowledgement": lambda: api.send(
            "POST", ACKNOWLEDGEMENTS_PATH, {"acknowledgements": [full_acceptance()]}
        ),
    }

    throttled, then = calls[operation](), calls[operation]()

    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "10"
    assert throttled.headers["Retry-After"] == "1"
    assert then.status_code in (200, 202)


def test_a_server_error_on_submission_records_no_acknowledgement(emulator, api):
    add_orders(emulator, 1)
    emulator.inject_fault("server_error", "submitAcknowledgement", status=503)

    response = api.send("POST", ACKNOWLEDGEMENTS_PATH, {"acknowledgements": [full_acceptance()]})

    assert response.status_code == 503
    assert emulator.vendor_acknowledgements(SELLER_ID) == []
    assert emulator.vendor_transactions(SELLER_ID) == []


def test_a_truncated_listing_cuts_the_real_body(emulator, api):
    add_orders(emulator, 1)
    full = api.get(PURCHASE_ORDERS_PATH).content
    emulator.inject_fault("truncated", "getPurchaseOrders")

    assert api.get(PURCHASE_ORDERS_PATH).content == full[: len(full) // 2]
