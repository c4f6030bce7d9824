"""Amazon documents (JSON, XML, flat files) turned into small typed objects, and back."""

from .common import AmazonDocumentError
from .orders import (
    PENDING_STATUSES,
    Address,
    AmazonOrder,
    Amounts,
    Buyer,
    OrderItem,
    parse_order,
)
from .sellers import MarketplaceParticipation, parse_marketplace_participations

__all__ = [
    "PENDING_STATUSES",
    "Address",
    "AmazonDocumentError",
    "AmazonOrder",
    "Amounts",
    "Buyer",
    "MarketplaceParticipation",
    "OrderItem",
    "parse_marketplace_participations",
    "parse_order",
]
