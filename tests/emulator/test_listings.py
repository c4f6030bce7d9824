"""Listings Items 2021-08-01 patchListingsItem, and the listing state it changes."""

from decimal import Decimal

import pytest
from emulator_support import DE, OTHER_SELLER, SELLER, US, iso, requires_models

from amazon_emulator.listings import patches_update

SELLER_ID = SELLER["seller_id"]


def item_path(sku: str, seller_id: str = SELLER_ID) -> str:
    return f"/listings/2021-08-01/items/{seller_id}/{sku}"


def quantity_patch(quantity) -> dict:
    return {
        "op": "replace",
        "path": "/attributes/fulfillment_availability",
        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
    }


def price_patch(price, currency="USD", marketplace_id=US, **extra) -> dict:
    offer = {
        "marketplace_id": marketplace_id,
        "currency": currency,
        "our_price": [{"schedule": [{"value_with_tax": price}]}],
        **extra,
    }
    return {"op": "replace", "path": "/attributes/purchasable_offer", "value": [offer]}


def patch(api, sku, *patches, marketplaces=(US,), **params):
    body = {"productType": "PRODUCT", "patches": list(patches)}
    return api.send("PATCH", item_path(sku), body, marketplaceIds=list(marketplaces), **params)


def test_patch_sets_quantity_and_price(emulator, api, clock):
    response = patch(api, "SKU-1", quantity_patch(7), price_patch(19.99))

    assert response.status_code == 200
    assert response.headers["x-amzn-RateLimit-Limit"] == "5"
    reply = response.json()
    assert reply["sku"] == "SKU-1"
    assert reply["status"] == "ACCEPTED"
    assert reply["submissionId"]
    assert reply["issues"] == []
    assert emulator.listing(SELLER_ID, "SKU-1") == {
        "sku": "SKU-1",
        "marketplace_id": US,
        "product_type": "PRODUCT",
        "quantity": 7,
        "price": Decimal("19.99"),
        "currency": "USD",
        "last_updated_time": iso(clock()),
    }
    assert emulator.listing(SELLER_ID, "SKU-1", DE) is None
    assert emulator.listing(SELLER_ID, "SKU-2") is None


def test_quantity_applies_to_every_marketplace_prices_to_their_own(emulator, api):
    response = patch(
        api,
        "SKU-1",
        quantity_patch(3),
        {
            "op": "replace",
            "path": "/attributes/purchasable_offer",
            "value": [
                price_patch(20, "USD", US)["value"][0],
                price_patch(18.5, "EUR", DE)["value"][0],
            ],
        },
        marketplaces=(US, DE),
    )

    assert response.json()["status"] == "ACCEPTED"
    us, de = emulator.listing(SELLER_ID, "SKU-1", "US"), emulator.listing(SELLER_ID, "SKU-1", "DE")
    assert (us["quantity"], us["price"], us["currency"]) == (3, Decimal("20"), "USD")
    assert (de["quantity"], de["price"], de["currency"]) == (3, Decimal("18.5"), "EUR")


def test_later_patches_change_one_attribute(emulator, api):
    patch(api, "SKU-1", quantity_patch(7), price_patch(19.99))

    patch(api, "SKU-1", quantity_patch(0))
    assert emulator.listing(SELLER_ID, "SKU-1")["quantity"] == 0
    assert emulator.listing(SELLER_ID, "SKU-1")["price"] == Decimal("19.99")

    patch(api, "SKU-1", {"op": "delete", "path": "/attributes/purchasable_offer"})
    listing = emulator.listing(SELLER_ID, "SKU-1")
    assert (listing["quantity"], listing["price"], listing["currency"]) == (0, None, None)


def test_price_without_marketplace_id_applies_to_the_request_marketplaces(emulator, api):
    offer = price_patch(12)
    del offer["value"][0]["marketplace_id"]

    assert patch(api, "SKU-1", offer).json()["status"] == "ACCEPTED"
    assert emulator.listing(SELLER_ID, "SKU-1")["price"] == Decimal("12")


@pytest.mark.parametrize(
    ("patches", "code", "complaint"),
    [
        ([quantity_patch(-1)], "INVALID_VALUE", "quantity -1 is not an integer >= 0"),
        ([quantity_patch(2.5)], "INVALID_VALUE", "quantity 2.5 is not an integer >= 0"),
        ([quantity_patch("5")], "INVALID_VALUE", "quantity '5' is not an integer >= 0"),
        (
            [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "AMAZON_NA", "quantity": 1}],
                }
            ],
            "INVALID_VALUE",
            "fulfillment_channel_code 'AMAZON_NA' cannot be set",
        ),
        ([price_patch(19.99, "EUR")], "CURRENCY_MISMATCH", "'EUR' is not the currency"),
        ([price_patch(19.999)], "INVALID_PRICE", "more than 2 decimals"),
        ([price_patch(0)], "INVALID_PRICE", "must be greater than 0"),
        ([price_patch("19.99")], "INVALID_PRICE", "is not a number"),
        ([price_patch(5, "EUR", DE)], "INVALID_MARKETPLACE", f"'{DE}' is not one of"),
        (
            [{"op": "replace", "path": "/attributes/item_name", "value": [{"value": "Mug"}]}],
            "UNSUPPORTED_ATTRIBUTE",
            "does not model the attribute 'item_name'",
        ),
        (
            [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability/0/quantity",
                    "value": [{"quantity": 1}],
                }
            ],
            "INVALID_PATH",
            "nested attributes cannot be patched",
        ),
        (
            [{"op": "replace", "path": "/attributes/fulfillment_availability"}],
            "INVALID_VALUE",
            "must be a non-empty array of objects",
        ),
    ],
)
def test_invalid_patches(emulator, api, patches, code, complaint):
    patch(api, "SKU-1", quantity_patch(4))

    reply = patch(api, "SKU-1", quantity_patch(9), *patches).json()

    assert reply["status"] == "INVALID"
    (issue,) = reply["issues"]
    assert issue["code"] == code
    assert issue["severity"] == "ERROR"
    assert complaint in issue["message"]
    assert issue["categories"]
    assert emulator.listing(SELLER_ID, "SKU-1")["quantity"] == 4  # nothing applied


def test_known_skus(emulator, api):
    emulator.set_known_skus(SELLER_ID, ["SKU-1"])

    assert patch(api, "SKU-1", quantity_patch(1)).json()["status"] == "ACCEPTED"
    reply = patch(api, "SKU-9", quantity_patch(1)).json()
    assert reply["status"] == "INVALID"
    assert reply["issues"][0]["code"] == "SKU_NOT_FOUND"
    assert emulator.listing(SELLER_ID, "SKU-9") is None

    emulator.set_known_skus(SELLER_ID, None)
    assert patch(api, "SKU-9", quantity_patch(1)).json()["status"] == "ACCEPTED"


def test_reject_listing(emulator, api):
    emulator.reject_listing(SELLER_ID, "SKU-1", "The listing is suppressed.")

    reply = patch(api, "SKU-1", quantity_patch(1)).json()

    assert reply["status"] == "INVALID"
    assert reply["issues"] == [
        {
            "code": "REJECTED",
            "message": "The listing is suppressed.",
            "severity": "ERROR",
            "categories": ["INVALID_ATTRIBUTE"],
            "marketplaceIds": [US],
        }
    ]
    assert patch(api, "SKU-2", quantity_patch(1)).json()["status"] == "ACCEPTED"


def test_validation_preview_changes_nothing(emulator, api):
    reply = patch(api, "SKU-1", quantity_patch(1), mode="VALIDATION_PREVIEW").json()

    assert reply["status"] == "VALID"
    assert emulator.listing(SELLER_ID, "SKU-1") is None


def test_other_sellers_items_are_forbidden(emulator, api):
    emulator.add_seller(**OTHER_SELLER)
    body = {"productType": "PRODUCT", "patches": [quantity_patch(1)]}

    response = api.send(
        "PATCH", item_path("SKU-1", OTHER_SELLER["seller_id"]), body, marketplaceIds=US
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"
    assert emulator.listing(OTHER_SELLER["seller_id"], "SKU-1") is None


def test_marketplaces_must_be_the_sellers(emulator, api):
    response = patch(api, "SKU-1", quantity_patch(1), marketplaces=("A1VC38T7YXB528",))

    assert response.status_code == 400
    assert "A1VC38T7YXB528" in response.json()["errors"][0]["message"]


def test_throttle_fault(emulator, api):
    emulator.inject_fault("throttle", "patchListingsItem", retry_after=1)

    assert patch(api, "SKU-1", quantity_patch(1)).status_code == 429
    assert emulator.listing(SELLER_ID, "SKU-1") is None
    assert patch(api, "SKU-1", quantity_patch(1)).status_code == 200


def test_reset_forgets_listings_and_rules(emulator, api):
    emulator.set_known_skus(SELLER_ID, [])
    emulator.reject_listing(SELLER_ID, "SKU-1", "no")
    emulator.set_known_skus(SELLER_ID, None)
    patch(api, "SKU-2", quantity_patch(1))

    emulator.reset()
    emulator.add_seller(**SELLER)

    assert emulator.listing(SELLER_ID, "SKU-2") is None
    assert patch(api, "SKU-1", quantity_patch(1)).json()["status"] == "ACCEPTED"


@requires_models
@pytest.mark.contract_violations_expected
def test_requests_breaking_the_model_are_caught(emulator, api):
    body = {"patches": [{"op": "set", "path": "/attributes/fulfillment_availability"}]}

    response = api.send("PATCH", item_path("SKU-1"), body, marketplaceIds=US)

    assert response.status_code == 400
    violations = "\n".join(emulator.contract_violations)
    assert "patchListingsItem request: body parameter 'body'" in violations
    assert "'productType' is a required property" in violations
    assert "'set' is not one of" in violations
    assert emulator.listing(SELLER_ID, "SKU-1") is None


@requires_models
@pytest.mark.contract_violations_expected
def test_marketplace_ids_are_required_by_the_model(emulator, api):
    body = {"productType": "PRODUCT", "patches": [quantity_patch(1)]}

    response = api.send("PATCH", item_path("SKU-1"), body)

    assert response.status_code == 400
    assert any("'marketplaceIds' is required" in v for v in emulator.contract_violations)


@pytest.mark.parametrize(
    ("price", "currency", "marketplace_id", "accepted"),
    [
        (1000.0, "JPY", "A1VC38T7YXB528", True),
        (1000.5, "JPY", "A1VC38T7YXB528", False),
        (20.1, "USD", US, True),
        (1e-3, "USD", US, False),
    ],
)
def test_price_precision_follows_the_currency(price, currency, marketplace_id, accepted):
    update, issues = patches_update(
        "SKU-1", "PRODUCT", [price_patch(price, currency, marketplace_id)], [marketplace_id]
    )

    assert (not issues) == accepted
    if accepted:
        assert update.changes[marketplace_id]["price"] == Decimal(str(price))
