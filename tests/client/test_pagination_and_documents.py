"""Pagination helper and the Sellers document parser."""

import pytest

from amazon_sp import Page, iter_pages
from amazon_sp.documents import AmazonDocumentError, parse_marketplace_participations


def test_iter_pages_follows_tokens_and_stops():
    pages = {None: Page([1, 2], "t1"), "t1": Page([3], "t2"), "t2": Page([4], None)}
    seen = []

    def fetch(token):
        seen.append(token)
        return pages[token]

    assert [item for page in iter_pages(fetch) for item in page.items] == [1, 2, 3, 4]
    assert seen == [None, "t1", "t2"]


def test_iter_pages_resumes_from_a_token_and_honours_max_pages():
    pages = {"t1": Page([3], "t2"), "t2": Page([4], "t3")}
    result = list(iter_pages(pages.__getitem__, first_token="t1", max_pages=2))
    assert [page.items for page in result] == [[3], [4]]


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
