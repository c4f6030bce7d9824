"""getMarketplaceParticipations and the marketplace table."""

import pytest
from emulator_support import PARTICIPATIONS_PATH

from amazon_emulator.marketplaces import MARKETPLACES, get_marketplace


def test_participations_list_the_sellers_marketplaces(api):
    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == 200
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.016"
    assert response.headers["x-amzn-RequestId"]
    us, de = response.json()["payload"]
    assert us["marketplace"] == {
        "id": "ATVPDKIKX0DER",
        "name": "Amazon.com",
        "countryCode": "US",
        "defaultCurrencyCode": "USD",
        "defaultLanguageCode": "en_US",
        "domainName": "www.amazon.com",
    }
    assert us["participation"] == {"isParticipating": True, "hasSuspendedListings": False}
    assert us["storeName"]
    assert (de["marketplace"]["id"], de["marketplace"]["defaultCurrencyCode"]) == (
        "A1PA6795UKMFR9",
        "EUR",
    )


def test_marketplace_lookup_by_id_or_country():
    assert get_marketplace("GB") is get_marketplace("A1F83G8C2ARO7P")
    assert get_marketplace("GB").currency == "GBP"
    with pytest.raises(KeyError):
        get_marketplace("XX")


def test_marketplace_ids_match_python_amazon_sp_api():
    sp_api_base = pytest.importorskip("sp_api.base")
    library_ids = {m.marketplace_id for m in sp_api_base.Marketplaces}

    assert set(MARKETPLACES) == library_ids
