"""python-amazon-sp-api 2.1.35, the connector's client library, against the emulator."""

from types import SimpleNamespace

import pytest
from emulator_support import SELLER, US, requires_models, sample_order

sp_api_orders = pytest.importorskip("sp_api.api.orders.orders_2026_01_01")
from sp_api.api import Sellers  # noqa: E402
from sp_api.auth import AccessTokenClient  # noqa: E402
from sp_api.base.credential_provider import FromCodeCredentialProvider  # noqa: E402
from sp_api.base.exceptions import SellingApiBadRequestException  # noqa: E402


@pytest.fixture
def library_kwargs(emulator, monkeypatch):
    monkeypatch.delenv("SP_API_DEFAULT_MARKETPLACE", raising=False)

    class EmulatorTokenClient(AccessTokenClient):
        scheme = "http://"
        host = f"127.0.0.1:{emulator.port}"

    marketplace = SimpleNamespace(endpoint=emulator.url, marketplace_id=US, region="us-east-1")
    credentials = {
        "refresh_token": SELLER["refresh_token"],
        "lwa_app_id": SELLER["client_id"],
        "lwa_client_secret": SELLER["client_secret"],
    }
    return {
        "marketplace": marketplace,
        "credentials": credentials,
        "credential_providers": (FromCodeCredentialProvider,),
        "auth_token_client_class": EmulatorTokenClient,
    }


def test_library_calls_pass_the_contract(emulator, library_kwargs):
    emulator.add_order(SELLER["seller_id"], sample_order(1))
    orders = sp_api_orders.OrdersV20260101(**library_kwargs)

    participations = Sellers(**library_kwargs).get_marketplace_participation()
    search = orders.search_orders(
        createdAfter="2026-01-01T00:00:00Z", marketplaceIds=[US], includedData=["BUYER"]
    )
    order = orders.get_order("111-0000001-0000001", includedData=["FULFILLMENT"])

    assert participations.payload[0]["marketplace"]["id"] == US
    assert [o["orderId"] for o in search.payload["orders"]] == ["111-0000001-0000001"]
    assert order.payload["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"


@requires_models
@pytest.mark.contract_violations_expected
def test_library_adds_undeclared_marketplace_parameters_without_marketplace_ids(
    emulator, library_kwargs
):
    """Without marketplaceIds the library sends MarketplaceId, MarketplaceIds and
    marketplace_ids too, which searchOrders does not declare: clients must pass marketplaceIds."""
    orders = sp_api_orders.OrdersV20260101(**library_kwargs)

    with pytest.raises(SellingApiBadRequestException, match="MarketplaceId"):
        orders.search_orders(createdAfter="2026-01-01T00:00:00Z")

    assert any("'MarketplaceId'" in v for v in emulator.contract_violations)
