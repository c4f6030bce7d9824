"""Sellers API documents."""

import pytest

from amazon_sp.documents import AmazonDocumentError, parse_marketplace_participations


def test_participations_are_parsed():
    payload = [
        {
            "marketplace": {
                "id": "A1PA6795UKMFR9",
                "countryCode": "DE",
                "name": "Amazon.de",
                "defaultCurrencyCode": "EUR",
                "defaultLanguageCode": "de_DE",
                "domainName": "www.amazon.de",
            },
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
        }
    ]
    (participation,) = parse_marketplace_participations(payload)
    assert participation.marketplace_id == "A1PA6795UKMFR9"
    assert participation.currency_code == "EUR"
    assert participation.is_participating


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"not": "a list"}, "payload should be a list"),
        ([{"participation": {}}], "missing marketplace at payload[0]"),
        ([{"marketplace": {"countryCode": "DE"}, "participation": {}}], "missing id"),
    ],
)
def test_malformed_participations_are_clear_errors(payload, message):
    with pytest.raises(AmazonDocumentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_marketplace_participations(payload)
