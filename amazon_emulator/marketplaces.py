"""Amazon marketplaces as `getMarketplaceParticipations` describes them.

Marketplace ids are those of `sp_api.base.Marketplaces` (python-amazon-sp-api 2.1.35);
the test suite cross-checks both tables when that library is installed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    marketplace_id: str
    country_code: str
    name: str
    currency: str
    language: str
    domain: str

    def to_api(self) -> dict:
        return {
            "id": self.marketplace_id,
            "name": self.name,
            "countryCode": self.country_code,
            "defaultCurrencyCode": self.currency,
            "defaultLanguageCode": self.language,
            "domainName": self.domain,
        }


_TABLE = [
    # North America
    ("ATVPDKIKX0DER", "US", "Amazon.com", "USD", "en_US", "www.amazon.com"),
    ("A2EUQ1WTGCTBG2", "CA", "Amazon.ca", "CAD", "en_CA", "www.amazon.ca"),
    ("A1AM78C64UM0Y8", "MX", "Amazon.com.mx", "MXN", "es_MX", "www.amazon.com.mx"),
    ("A2Q3Y263D00KWC", "BR", "Amazon.com.br", "BRL", "pt_BR", "www.amazon.com.br"),
    # Europe, Middle East, Africa, India
    ("A1F83G8C2ARO7P", "GB", "Amazon.co.uk", "GBP", "en_GB", "www.amazon.co.uk"),
    ("A1PA6795UKMFR9", "DE", "Amazon.de", "EUR", "de_DE", "www.amazon.de"),
    ("A13V1IB3VIYZZH", "FR", "Amazon.fr", "EUR", "fr_FR", "www.amazon.fr"),
    ("APJ6JRA9NG5V4", "IT", "Amazon.it", "EUR", "it_IT", "www.amazon.it"),
    ("A1RKKUPIHCS9HS", "ES", "Amazon.es", "EUR", "es_ES", "www.amazon.es"),
    ("A1805IZSGTT6HS", "NL", "Amazon.nl", "EUR", "nl_NL", "www.amazon.nl"),
    ("AMEN7PMS3EDWL", "BE", "Amazon.com.be", "EUR", "fr_BE", "www.amazon.com.be"),
    ("A28R8C7NBKEWEA", "IE", "Amazon.ie", "EUR", "en_IE", "www.amazon.ie"),
    ("A2NODRKZP88ZB9", "SE", "Amazon.se", "SEK", "sv_SE", "www.amazon.se"),
    ("A1C3SOZRARQ6R3", "PL", "Amazon.pl", "PLN", "pl_PL", "www.amazon.pl"),
    ("A33AVAJ2PDY3EV", "TR", "Amazon.com.tr", "TRY", "tr_TR", "www.amazon.com.tr"),
    ("A2VIGQ35RCS4UG", "AE", "Amazon.ae", "AED", "en_AE", "www.amazon.ae"),
    ("A17E79C6D8DWNP", "SA", "Amazon.sa", "SAR", "ar_SA", "www.amazon.sa"),
    ("ARBP9OOSHTCHU", "EG", "Amazon.eg", "EGP", "ar_EG", "www.amazon.eg"),
    ("AE08WJ6YKNBMC", "ZA", "Amazon.co.za", "ZAR", "en_ZA", "www.amazon.co.za"),
    ("A21TJRUUN4KGV", "IN", "Amazon.in", "INR", "en_IN", "www.amazon.in"),
    # Far East
    ("A1VC38T7YXB528", "JP", "Amazon.co.jp", "JPY", "ja_JP", "www.amazon.co.jp"),
    ("A39IBJ37TRP1C6", "AU", "Amazon.com.au", "AUD", "en_AU", "www.amazon.com.au"),
    ("A19VAU5U5O7RUS", "SG", "Amazon.sg", "SGD", "en_SG", "www.amazon.sg"),
]

MARKETPLACES: dict[str, Marketplace] = {row[0]: Marketplace(*row) for row in _TABLE}
MARKETPLACES_BY_COUNTRY: dict[str, Marketplace] = {m.country_code: m for m in MARKETPLACES.values()}


def get_marketplace(id_or_country: str) -> Marketplace:
    """Look a marketplace up by its id (`ATVPDKIKX0DER`) or country code (`US`)."""
    marketplace = MARKETPLACES.get(id_or_country) or MARKETPLACES_BY_COUNTRY.get(id_or_country)
    if marketplace is None:
        raise KeyError(f"unknown Amazon marketplace {id_or_country!r}")
    return marketplace
