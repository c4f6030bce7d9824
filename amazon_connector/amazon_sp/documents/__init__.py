"""Amazon documents (JSON, XML, flat files) turned into small typed objects, and back."""

from .common import AmazonDocumentError
from .listings import (
    FEED_TYPE,
    MAX_FEED_MESSAGES,
    OfferUpdate,
    ProcessingReport,
    build_listings_feed,
    parse_processing_report,
    submission_errors,
)
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
from .shipments import ShipmentConfirmation

__all__ = [
    "FEED_TYPE",
    "MAX_FEED_MESSAGES",
    "PENDING_STATUSES",
    "Address",
    "AmazonDocumentError",
    "AmazonOrder",
    "Amounts",
    "Buyer",
    "MarketplaceParticipation",
    "OfferUpdate",
    "OrderItem",
    "ProcessingReport",
    "ShipmentConfirmation",
    "build_listings_feed",
    "parse_marketplace_participations",
    "parse_order",
    "parse_processing_report",
    "submission_errors",
]
