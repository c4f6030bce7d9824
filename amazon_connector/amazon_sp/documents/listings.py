"""Listings documents: offer quantity and price patches, the JSON_LISTINGS_FEED that carries
them, and its processing report.

Amazon removed the XML and flat-file listings feeds in 2025: quantities and prices go as
`PATCH` messages on the offer attributes `fulfillment_availability` and `purchasable_offer`,
through patchListingsItem (a few) or one JSON_LISTINGS_FEED (many).
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from .common import AmazonDocumentError

FEED_TYPE = "JSON_LISTINGS_FEED"
CONTENT_TYPE = "application/json; charset=UTF-8"
PRODUCT_TYPE = "PRODUCT"  # offer-only patches need no specific product type
MAX_FEED_MESSAGES = 25_000  # Amazon's limit per JSON_LISTINGS_FEED
REPORT = "listings feed processing report"


@dataclass(frozen=True)
class OfferUpdate:
    """What to tell Amazon about one SKU: its quantity and/or its price per marketplace."""

    sku: str
    quantity: int | None = None
    prices: tuple = ()  # ((marketplace id, currency, Decimal price), ...)

    def patches(self):
        patches = []
        if self.quantity is not None:
            patches.append(
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [
                        {"fulfillment_channel_code": "DEFAULT", "quantity": int(self.quantity)}
                    ],
                }
            )
        if self.prices:
            patches.append(
                {
                    "op": "replace",
                    "path": "/attributes/purchasable_offer",
                    "value": [
                        {
                            "marketplace_id": marketplace_id,
                            "currency": currency,
                            "our_price": [{"schedule": [{"value_with_tax": _number(price)}]}],
                        }
                        for marketplace_id, currency, price in self.prices
                    ],
                }
            )
        return patches


def _number(value):
    """A price as a JSON number with at most two decimals."""
    return float(Decimal(str(value)).quantize(Decimal("0.01")))


def build_listings_feed(seller_id, updates, issue_locale="en_US"):
    """JSON_LISTINGS_FEED bytes for `updates`, message ids 1..n in their order."""
    updates = list(updates)
    if len(updates) > MAX_FEED_MESSAGES:
        raise ValueError(f"a listings feed holds at most {MAX_FEED_MESSAGES} messages")
    feed = {
        "header": {"sellerId": seller_id, "version": "2.0", "issueLocale": issue_locale},
        "messages": [
            {
                "messageId": number,
                "sku": update.sku,
                "operationType": "PATCH",
                "productType": PRODUCT_TYPE,
                "patches": update.patches(),
            }
            for number, update in enumerate(updates, 1)
        ],
    }
    return json.dumps(feed, separators=(",", ":")).encode()


@dataclass
class ProcessingReport:
    """What Amazon made of a listings feed: errors by message id, and its counts."""

    errors: dict = field(default_factory=dict)  # message id -> "CODE: message; ..."
    messages_processed: int = 0
    messages_accepted: int = 0
    messages_invalid: int = 0


def parse_processing_report(content):
    """A JSON_LISTINGS_FEED processing report (bytes or str) as a ProcessingReport."""
    try:
        report = json.loads(content)
    except (ValueError, TypeError):
        raise AmazonDocumentError("not JSON", document=REPORT) from None
    if not isinstance(report, dict) or not isinstance(report.get("summary"), dict):
        raise AmazonDocumentError("missing summary", document=REPORT)
    summary = report["summary"]
    parsed = ProcessingReport(
        messages_processed=int(summary.get("messagesProcessed") or 0),
        messages_accepted=int(summary.get("messagesAccepted") or 0),
        messages_invalid=int(summary.get("messagesInvalid") or 0),
    )
    for index, issue in enumerate(report.get("issues") or []):
        if not isinstance(issue, dict):
            raise AmazonDocumentError(
                "issue is not an object", document=REPORT, path=f"issues[{index}]"
            )
        if issue.get("severity") != "ERROR":
            continue
        message_id = issue.get("messageId")
        text = f"{issue.get('code', 'ERROR')}: {issue.get('message', '')}".strip()
        previous = parsed.errors.get(message_id)
        parsed.errors[message_id] = f"{previous}; {text}" if previous else text
    return parsed


def submission_errors(response):
    """Errors of a patchListingsItem response (status INVALID, or ERROR issues)."""
    issues = [i for i in (response or {}).get("issues") or [] if i.get("severity") == "ERROR"]
    messages = [f"{i.get('code', 'ERROR')}: {i.get('message', '')}" for i in issues]
    if (response or {}).get("status") not in (None, "ACCEPTED") and not messages:
        messages.append(f"status {response.get('status')}")
    return "; ".join(messages)
