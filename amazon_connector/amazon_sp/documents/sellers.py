"""Sellers API documents."""

from dataclasses import dataclass

from .common import AmazonDocumentError, require

DOCUMENT = "getMarketplaceParticipations"


@dataclass(frozen=True)
class MarketplaceParticipation:
    marketplace_id: str
    country_code: str
    name: str
    currency_code: str
    is_participating: bool
    has_suspended_listings: bool


def parse_marketplace_participations(payload):
    """The `payload` list of getMarketplaceParticipations as typed participations."""
    if not isinstance(payload, list):
        raise AmazonDocumentError("payload should be a list", document=DOCUMENT)
    participations = []
    for index, entry in enumerate(payload):
        path = f"payload[{index}]"
        marketplace = require(entry, "marketplace", document=DOCUMENT, path=path, kind=dict)
        participation = require(entry, "participation", document=DOCUMENT, path=path, kind=dict)
        participations.append(
            MarketplaceParticipation(
                marketplace_id=require(marketplace, "id", document=DOCUMENT, path=path),
                country_code=require(marketplace, "countryCode", document=DOCUMENT, path=path),
                name=marketplace.get("name") or "",
                currency_code=marketplace.get("defaultCurrencyCode") or "",
                is_participating=bool(participation.get("isParticipating")),
                has_suspended_listings=bool(participation.get("hasSuspendedListings")),
            )
        )
    return participations
