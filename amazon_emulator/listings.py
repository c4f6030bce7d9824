"""Listings: each seller's offers as the emulator keeps them (quantity, price), and the checks
that `patchListingsItem` and JSON_LISTINGS_FEED messages share.

The emulator models two listing attributes, as Amazon's product type definitions shape them:

    fulfillment_availability: [{"fulfillment_channel_code": "DEFAULT", "quantity": 5}]
    purchasable_offer: [{"marketplace_id": "ATVPDKIKX0DER", "currency": "USD",
                         "our_price": [{"schedule": [{"value_with_tax": 19.99}]}]}]

Patches (`{"op", "path", "value"}`) on `/attributes/<name>` of these two attributes are applied;
patches on other attributes are refused with an issue, so that nothing is accepted that the
emulator cannot check.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .clock import format_timestamp
from .marketplaces import get_marketplace

FULFILLMENT_AVAILABILITY = "fulfillment_availability"
PURCHASABLE_OFFER = "purchasable_offer"
SUPPORTED_ATTRIBUTES = (FULFILLMENT_AVAILABILITY, PURCHASABLE_OFFER)
SETTING_OPS = ("add", "replace", "merge")

_ATTRIBUTE_PATH = re.compile(r"^/attributes/([A-Za-z0-9_]+)$")
_AVAILABILITY_KEYS = {
    "fulfillment_channel_code",
    "quantity",
    "lead_time_to_ship_max_days",
    "restock_date",
    "is_inventory_available",
}
_OFFER_KEYS = {
    "marketplace_id",
    "currency",
    "our_price",
    "audience",
    "start_at",
    "end_at",
    "discounted_price",
    "minimum_seller_allowed_price",
    "maximum_seller_allowed_price",
}
_ZERO_DECIMAL_CURRENCIES = {"JPY"}

# Issue codes. Amazon's codes are numbers documented nowhere in the models; these name the rule.
SKU_NOT_FOUND = "SKU_NOT_FOUND"
REJECTED = "REJECTED"
INVALID_PATH = "INVALID_PATH"
UNSUPPORTED_ATTRIBUTE = "UNSUPPORTED_ATTRIBUTE"
INVALID_VALUE = "INVALID_VALUE"
INVALID_PRICE = "INVALID_PRICE"
CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
INVALID_MARKETPLACE = "INVALID_MARKETPLACE"


@dataclass(frozen=True)
class ListingIssue:
    """Why a submission (a patch request, a feed message) was not accepted."""

    code: str
    message: str
    attribute: str | None = None
    category: str = "INVALID_ATTRIBUTE"
    severity: str = "ERROR"

    def to_api(self, marketplace_ids: Iterable[str] = ()) -> dict:
        """A Listings Items API `Issue`."""
        issue = {
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "categories": [self.category],
        }
        if self.attribute:
            issue["attributeNames"] = [self.attribute]
        if marketplace_ids:
            issue["marketplaceIds"] = list(marketplace_ids)
        return issue

    def to_report(self, message_id: int | None, sku: str | None) -> dict:
        """An issue of a JSON_LISTINGS_FEED processing report."""
        issue: dict = {}
        if message_id is not None:
            issue["messageId"] = message_id
        if sku:
            issue["sku"] = sku
        issue.update(code=self.code, severity=self.severity, message=self.message)
        if self.attribute:
            issue["attributeName"] = self.attribute
        return issue


@dataclass
class ListingUpdate:
    """What an accepted submission changes: listing fields per marketplace, or a deletion."""

    sku: str
    product_type: str | None
    marketplace_ids: tuple[str, ...]
    changes: dict[str, dict] = field(default_factory=dict)  # marketplace id -> fields
    delete: bool = False

    def set(self, marketplace_id: str, **fields) -> None:
        self.changes.setdefault(marketplace_id, {}).update(fields)


def patches_update(
    sku: str, product_type: str | None, patches: list, marketplace_ids: Iterable[str]
) -> tuple[ListingUpdate, list[ListingIssue]]:
    """The update JSON Patch operations make, and the issues that stop them."""
    update = ListingUpdate(sku, product_type, tuple(marketplace_ids))
    issues: list[ListingIssue] = []
    for patch in patches:
        issues += _apply_patch(update, patch)
    return update, issues


def attributes_update(
    sku: str, product_type: str | None, attributes: Mapping, marketplace_ids: Iterable[str]
) -> tuple[ListingUpdate, list[ListingIssue]]:
    """PARTIAL_UPDATE messages: each attribute replaces the listing's."""
    patches = [
        {"op": "replace", "path": f"/attributes/{name}", "value": value}
        for name, value in attributes.items()
    ]
    return patches_update(sku, product_type, patches, marketplace_ids)


def delete_update(sku: str, marketplace_ids: Iterable[str]) -> ListingUpdate:
    return ListingUpdate(sku, None, tuple(marketplace_ids), delete=True)


def _apply_patch(update: ListingUpdate, patch) -> list[ListingIssue]:
    name, problem = _patched_attribute(patch)
    if problem:
        return [problem]
    op = patch.get("op")
    if op == "delete":
        for marketplace_id in update.marketplace_ids:
            if name == FULFILLMENT_AVAILABILITY:
                update.set(marketplace_id, quantity=None)
            else:
                update.set(marketplace_id, price=None, currency=None)
        return []
    if op not in SETTING_OPS:
        return [ListingIssue(INVALID_VALUE, f"Patch op {op!r} is not supported.", name)]
    value = patch.get("value")
    if not isinstance(value, list) or not value or not all(isinstance(v, Mapping) for v in value):
        return [
            ListingIssue(
                INVALID_VALUE, f"The value of '{name}' must be a non-empty array of objects.", name
            )
        ]
    if name == FULFILLMENT_AVAILABILITY:
        return _apply_availability(update, value)
    return _apply_offer(update, value)


def _patched_attribute(patch) -> tuple[str, ListingIssue | None]:
    """The attribute a patch changes, or the issue that it cannot be patched."""
    if not isinstance(patch, Mapping):
        return "", ListingIssue(INVALID_VALUE, "A patch must be an object with op, path, value.")
    path = patch.get("path")
    match = _ATTRIBUTE_PATH.match(path) if isinstance(path, str) else None
    if match is None:
        return "", ListingIssue(
            INVALID_PATH,
            f"Patch path {path!r} is not a top-level attribute path (/attributes/<name>); "
            "nested attributes cannot be patched.",
        )
    name = match.group(1)
    if name not in SUPPORTED_ATTRIBUTES:
        return name, ListingIssue(
            UNSUPPORTED_ATTRIBUTE,
            f"The emulator does not model the attribute '{name}'; it supports "
            f"{', '.join(SUPPORTED_ATTRIBUTES)}.",
            name,
        )
    return name, None


def _apply_availability(update: ListingUpdate, entries: list[Mapping]) -> list[ListingIssue]:
    issues = []
    quantities = []
    for entry in entries:
        unknown = sorted(set(entry) - _AVAILABILITY_KEYS)
        if unknown:
            issues.append(_availability_issue(f"has unknown properties {unknown}"))
        channel = entry.get("fulfillment_channel_code")
        if channel != "DEFAULT":
            issues.append(
                _availability_issue(
                    f"fulfillment_channel_code {channel!r} cannot be set: the emulator keeps "
                    "merchant-fulfilled quantities, fulfillment_channel_code 'DEFAULT'"
                )
            )
            continue
        quantity = entry.get("quantity")
        if not _is_integer(quantity) or quantity < 0:
            issues.append(_availability_issue(f"quantity {quantity!r} is not an integer >= 0"))
            continue
        quantities.append(quantity)
    if not issues and len(quantities) != 1:
        issues.append(_availability_issue("must hold exactly one 'DEFAULT' entry"))
    if not issues:
        for marketplace_id in update.marketplace_ids:
            update.set(marketplace_id, quantity=quantities[0])
    return issues


def _availability_issue(problem: str) -> ListingIssue:
    return ListingIssue(
        INVALID_VALUE, f"fulfillment_availability {problem}.", FULFILLMENT_AVAILABILITY
    )


def _apply_offer(update: ListingUpdate, entries: list[Mapping]) -> list[ListingIssue]:
    issues = []
    prices: dict[str, tuple[Decimal, str]] = {}
    for entry in entries:
        unknown = sorted(set(entry) - _OFFER_KEYS)
        if unknown:
            issues.append(_offer_issue(INVALID_VALUE, f"has unknown properties {unknown}"))
            continue
        marketplace_id = entry.get("marketplace_id")
        if marketplace_id is not None and marketplace_id not in update.marketplace_ids:
            issues.append(
                _offer_issue(
                    INVALID_MARKETPLACE,
                    f"marketplace_id {marketplace_id!r} is not one of the marketplaces of the "
                    f"submission ({', '.join(update.marketplace_ids)})",
                )
            )
            continue
        targets = [marketplace_id] if marketplace_id else list(update.marketplace_ids)
        currency = entry.get("currency")
        if not isinstance(currency, str):
            issues.append(_offer_issue(INVALID_PRICE, "needs a currency", "currency"))
            continue
        wrong = [t for t in targets if get_marketplace(t).currency != currency]
        if wrong:
            expected = ", ".join(f"{t}: {get_marketplace(t).currency}" for t in wrong)
            issues.append(
                _offer_issue(
                    CURRENCY_MISMATCH,
                    f"currency {currency!r} is not the currency of the marketplace ({expected})",
                    "currency",
                )
            )
            continue
        price, problem = _our_price(entry.get("our_price"), currency)
        if problem:
            issues.append(_offer_issue(INVALID_PRICE, problem, "our_price"))
            continue
        if entry.get("audience", "ALL") != "ALL":
            continue  # business prices (audience B2B...) are accepted but not kept
        for target in targets:
            if target in prices:
                issues.append(_offer_issue(INVALID_VALUE, f"has two offers for {target}"))
            prices[target] = (price, currency)
    if not issues:
        for marketplace_id, (price, currency) in prices.items():
            update.set(marketplace_id, price=price, currency=currency)
    return issues


def _our_price(our_price, currency: str) -> tuple[Decimal | None, str | None]:
    value = _first(_first(our_price).get("schedule")).get("value_with_tax")
    if isinstance(value, bool) or not isinstance(value, int | float):
        shape = 'our_price must be [{"schedule": [{"value_with_tax": <number>}]}]'
        return None, f"value_with_tax {value!r} is not a number; {shape}"
    price = Decimal(str(value))
    places = 0 if currency in _ZERO_DECIMAL_CURRENCIES else 2
    if not price.is_finite() or price <= 0:
        problem = "must be greater than 0"
    elif price % Decimal(1).scaleb(-places):
        problem = f"has more than {places} decimals for {currency}"
    else:
        return price, None
    return None, f"value_with_tax {value!r} {problem}"


def _first(entries) -> Mapping:
    """The first object of a JSON array; {} when there is none."""
    if isinstance(entries, list) and entries and isinstance(entries[0], Mapping):
        return entries[0]
    return {}


def _offer_issue(code: str, problem: str, detail: str | None = None) -> ListingIssue:
    attribute = f"{PURCHASABLE_OFFER}.{detail}" if detail else PURCHASABLE_OFFER
    category = (
        "INVALID_PRICE" if code in (INVALID_PRICE, CURRENCY_MISMATCH) else "INVALID_ATTRIBUTE"
    )
    return ListingIssue(code, f"purchasable_offer {problem}.", attribute, category)


def _is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class ListingStore:
    """Thread-safe listing state: `(seller, sku, marketplace) -> listing`, plus the rules
    tests set: the SKUs a seller has (optional) and SKUs Amazon rejects."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._listings: dict[tuple[str, str, str], dict] = {}
            self._known_skus: dict[str, frozenset[str]] = {}
            self._rejected: dict[tuple[str, str], str] = {}

    def set_known_skus(self, seller_id: str, skus: Iterable[str] | None) -> None:
        with self._lock:
            if skus is None:
                self._known_skus.pop(seller_id, None)
            else:
                self._known_skus[seller_id] = frozenset(skus)

    def reject(self, seller_id: str, sku: str, message: str) -> None:
        with self._lock:
            self._rejected[(seller_id, sku)] = message

    def screen(self, seller_id: str, sku: str) -> list[ListingIssue]:
        """Issues about the SKU itself: unknown to the seller, or rejected by a test."""
        with self._lock:
            known = self._known_skus.get(seller_id)
            rejection = self._rejected.get((seller_id, sku))
        issues = []
        if known is not None and sku not in known:
            issues.append(
                ListingIssue(
                    SKU_NOT_FOUND,
                    f"The SKU '{sku}' does not exist for this seller.",
                    category="INVALID_ATTRIBUTE",
                )
            )
        if rejection is not None:
            issues.append(ListingIssue(REJECTED, rejection))
        return issues

    def apply(self, seller_id: str, update: ListingUpdate, now: datetime) -> None:
        with self._lock:
            if update.delete:
                for marketplace_id in update.marketplace_ids:
                    self._listings.pop((seller_id, update.sku, marketplace_id), None)
                return
            for marketplace_id, changes in update.changes.items():
                key = (seller_id, update.sku, marketplace_id)
                listing = self._listings.setdefault(key, _new_listing(update.sku, marketplace_id))
                listing.update(changes)
                if update.product_type:
                    listing["product_type"] = update.product_type
                listing["last_updated_time"] = format_timestamp(now)

    def listing(self, seller_id: str, sku: str, marketplace_ids: Iterable[str]) -> dict | None:
        """A copy of the listing in the first of `marketplace_ids` that has it."""
        with self._lock:
            for marketplace_id in marketplace_ids:
                listing = self._listings.get((seller_id, sku, marketplace_id))
                if listing is not None:
                    return copy.deepcopy(listing)
        return None


def _new_listing(sku: str, marketplace_id: str) -> dict:
    return {
        "sku": sku,
        "marketplace_id": marketplace_id,
        "product_type": None,
        "quantity": None,
        "price": None,
        "currency": None,
        "last_updated_time": None,
    }
