"""Login with Amazon's token endpoint, and access tokens on SP-API calls."""

import pytest
from emulator_support import OTHER_SELLER, PARTICIPATIONS_PATH, SELLER, lwa_form

UNAUTHORIZED = {
    "code": "Unauthorized",
    "message": "Access to requested resource is denied.",
    "details": "The access token you provided is revoked, malformed or invalid.",
}


def test_refresh_token_grant_returns_a_bearer_token(emulator, http):
    response = http.post("/auth/o2/token", data=lwa_form())

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")
    participations = http.get(
        PARTICIPATIONS_PATH, headers={"x-amz-access-token": body["access_token"]}
    )
    assert participations.status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [{"client_secret": "wrong-secret"}, {"client_id": "amzn1.application-oa2-client.unknown"}],
)
def test_wrong_client_credentials_are_invalid_client(emulator, http, overrides):
    response = http.post("/auth/o2/token", data=lwa_form(**overrides))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"]


def test_wrong_refresh_token_is_invalid_grant(emulator, http):
    response = http.post("/auth/o2/token", data=lwa_form(refresh_token="Atzr|revoked"))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_other_grant_types_and_json_bodies_are_refused(emulator, http):
    other_grant = http.post("/auth/o2/token", data=lwa_form(grant_type="client_credentials"))
    json_body = http.post("/auth/o2/token", json=lwa_form())

    assert (other_grant.status_code, other_grant.json()["error"]) == (
        400,
        "unsupported_grant_type",
    )
    assert (json_body.status_code, json_body.json()["error"]) == (400, "invalid_request")


def test_sellers_of_one_app_get_their_own_tokens(emulator, http, api):
    emulator.add_seller(**OTHER_SELLER)
    token = http.post(
        "/auth/o2/token", data=lwa_form(refresh_token=OTHER_SELLER["refresh_token"])
    ).json()["access_token"]

    payload = api.get(PARTICIPATIONS_PATH, token=token).json()["payload"]

    assert [p["marketplace"]["countryCode"] for p in payload] == ["US"]


@pytest.mark.parametrize("token", [None, "", "Atza|forged.0000", "not-a-token"])
def test_sp_api_calls_need_an_issued_access_token(emulator, http, token):
    headers = {} if token is None else {"x-amz-access-token": token}

    response = http.get(PARTICIPATIONS_PATH, headers=headers)

    assert response.status_code == 403
    assert response.json() == {"errors": [UNAUTHORIZED]}


def test_access_tokens_expire_after_an_hour(emulator, api, clock):
    assert api.get(PARTICIPATIONS_PATH).status_code == 200

    clock.advance(3600)
    response = api.get(PARTICIPATIONS_PATH)

    assert response.status_code == 403
    assert response.json()["errors"][0]["details"] == "The access token you provided has expired."


def test_tokens_of_forgotten_sellers_are_refused(emulator, api):
    emulator.reset()
    emulator.add_seller(**OTHER_SELLER)

    assert api.get(PARTICIPATIONS_PATH).status_code == 403


def test_tokens_outlive_an_emulator_restart_like_amazon_tokens(emulator, api):
    emulator.stop()
    emulator.start()
    api.http.base_url = emulator.url

    assert api.get(PARTICIPATIONS_PATH).status_code == 200


def test_seller_credentials_must_be_consistent(emulator):
    with pytest.raises(ValueError, match="another secret"):
        emulator.add_seller(**{**OTHER_SELLER, "client_secret": "different"})
    with pytest.raises(ValueError, match="refresh token"):
        emulator.add_seller(**{**OTHER_SELLER, "refresh_token": SELLER["refresh_token"]})
    with pytest.raises(KeyError):
        emulator.add_seller(**{**OTHER_SELLER, "marketplace_ids": ["ZZ"]})
