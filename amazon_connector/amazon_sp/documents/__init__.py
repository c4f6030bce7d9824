"""Amazon documents (JSON, XML, flat files) turned into small typed objects, and back."""

from .common import AmazonDocumentError
from .sellers import MarketplaceParticipation, parse_marketplace_participations

__all__ = [
    "AmazonDocumentError",
    "MarketplaceParticipation",
    "parse_marketplace_participations",
]
