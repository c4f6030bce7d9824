import pytest

from amazon_emulator import AmazonEmulator
from amazon_sp import AccountCredentials, AmazonClient, RateLimiter, TokenCache

SELLER = "A2CLIENTTEST01"
CLIENT_ID = "amzn1.application-oa2-client.clienttest"
CLIENT_SECRET = "client-test-secret-value"
REFRESH_TOKEN = "Atzr|client-test-refresh-token"
US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"


@pytest.fixture(scope="session")
def emulator_server():
    with AmazonEmulator() as server:
        yield server


@pytest.fixture
def emulator(emulator_server):
    emulator_server.reset()
    emulator_server.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US, DE])
    yield emulator_server
    emulator_server.clear_faults()
    emulator_server.assert_contract_clean()


@pytest.fixture
def credentials():
    return AccountCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)


@pytest.fixture
def make_client(emulator, credentials):
    """Clients with their own limiter and token cache, so tests do not share state."""
    clients = []

    def factory(**options):
        options.setdefault("rate_limiter", RateLimiter())
        options.setdefault("token_cache", TokenCache())
        options.setdefault("sleep", lambda seconds: None)
        client = AmazonClient(
            options.pop("credentials", credentials),
            "na",
            api_endpoint=emulator.url,
            lwa_endpoint=emulator.lwa_url,
            **options,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()
