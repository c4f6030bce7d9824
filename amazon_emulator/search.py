"""searchOrders: its filters, their rules, and pagination tokens.

Rules from the parameter docs of Orders API 2026-01-01: exactly one of `createdAfter` and
`lastUpdatedAfter`; `created*` and `lastUpdated*` filters do not mix; a `*Before` is at or
after its `*After` and at least two minutes before the request; `maxResultsPerPage` is 1-100;
a `paginationToken` comes with the same filters as the request that produced it and lasts
24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .clock import format_timestamp, parse_timestamp
from .orders import fulfilled_by, fulfillment_status, marketplace_id
from .paging import decode_token, encode_token, page_size_parameter
from .store import SellerAccount
from .wire import csv_values, first_value

TIMESTAMP_FILTERS = ("createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore")
LIST_FILTERS = ("fulfillmentStatuses", "marketplaceIds", "fulfilledBy")
DEFAULT_PAGE_SIZE = 100
TOKEN_LIFETIME = timedelta(hours=24)
BEFORE_MARGIN = timedelta(minutes=2)


class SearchInputError(Exception):
    """The request breaks a rule of searchOrders; Amazon answers 400 InvalidInput."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class OrderSearch:
    """Which orders match, in the order Amazon pages them."""

    time_field: str  # "createdTime" or "lastUpdatedTime"
    after: datetime
    before: datetime
    statuses: frozenset[str] | None
    marketplace_ids: frozenset[str]
    fulfilled_by: frozenset[str] | None

    @property
    def before_field(self) -> str:
        """The response field that tells up to when the search looked."""
        return "createdBefore" if self.time_field == "createdTime" else "lastUpdatedBefore"

    def select(self, orders: Iterable[Mapping]) -> list[Mapping]:
        return sorted((o for o in orders if self._matches(o)), key=_page_order)

    def _matches(self, order: Mapping) -> bool:
        moment = _order_time(order, self.time_field)
        return (
            moment is not None
            and self.after <= moment <= self.before
            and marketplace_id(order) in self.marketplace_ids
            and _allowed(fulfillment_status(order), self.statuses)
            and _allowed(fulfilled_by(order), self.fulfilled_by)
        )


@dataclass(frozen=True)
class SearchRequest:
    search: OrderSearch
    filters: dict  # the filters, normalized, as the pagination token remembers them
    offset: int
    page_size: int
    included_data: tuple[str, ...]


def parse_search_request(
    query: Mapping[str, list[str]], seller: SellerAccount, now: datetime
) -> SearchRequest:
    """Read searchOrders' query; raises SearchInputError like Amazon's 400 answers."""
    filters = _normalized_filters(query)
    offset, token_before = 0, None
    if "paginationToken" in query:
        offset, token_before = _read_token(
            first_value(query, "paginationToken"), filters, seller, now
        )
    search = _order_search(filters, seller, now, token_before)
    return SearchRequest(
        search=search,
        filters=filters,
        offset=offset,
        page_size=_page_size(query),
        included_data=tuple(csv_values(query, "includedData")),
    )


def next_page_token(request: SearchRequest, seller: SellerAccount, now: datetime) -> str:
    state = {
        "seller": seller.seller_id,
        "filters": request.filters,
        "before": request.search.before.isoformat(),
        "offset": request.offset + request.page_size,
        "issued": format_timestamp(now),
    }
    return encode_token(state)


def _read_token(token: str, filters: dict, seller: SellerAccount, now: datetime):
    try:
        state = decode_token(token)
        offset, before = int(state["offset"]), parse_timestamp(state["before"])
        issued = parse_timestamp(state["issued"])
    except (ValueError, KeyError, TypeError):  # binascii.Error is a ValueError
        raise SearchInputError("Invalid paginationToken.") from None
    if state.get("seller") != seller.seller_id:
        raise SearchInputError("Invalid paginationToken.")
    if now - issued > TOKEN_LIFETIME:
        raise SearchInputError("The paginationToken has expired.")
    if state.get("filters") != filters:
        raise SearchInputError(
            "The paginationToken must be sent with the same parameters as the request "
            "that returned it (only maxResultsPerPage and includedData may change)."
        )
    return offset, before


def _normalized_filters(query: Mapping[str, list[str]]) -> dict:
    filters: dict = {}
    for name in TIMESTAMP_FILTERS:
        if name in query:
            filters[name] = _timestamp_param(query, name).isoformat()
    for name in LIST_FILTERS:
        if name in query:
            filters[name] = sorted(set(csv_values(query, name)))
    return filters


def _order_search(filters: dict, seller: SellerAccount, now: datetime, token_before):
    time_field, after_name, before_name = _time_window_names(filters)
    after = parse_timestamp(filters[after_name])
    if before_name in filters:
        before = parse_timestamp(filters[before_name])
        if before < after:
            raise SearchInputError(f"{before_name} must be equal to or after {after_name}.")
        if token_before is None and before > now - BEFORE_MARGIN:
            raise SearchInputError(f"{before_name} must be at least two minutes before now.")
    else:
        before = token_before or now
    return OrderSearch(
        time_field=time_field,
        after=after,
        before=before,
        statuses=_optional_set(filters.get("fulfillmentStatuses")),
        marketplace_ids=_marketplace_ids(filters.get("marketplaceIds"), seller),
        fulfilled_by=_optional_set(filters.get("fulfilledBy")),
    )


def _time_window_names(filters: dict) -> tuple[str, str, str]:
    created = "createdAfter" in filters
    if created == ("lastUpdatedAfter" in filters):
        raise SearchInputError("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
    if created and "lastUpdatedBefore" in filters:
        raise SearchInputError("lastUpdatedBefore cannot be combined with createdAfter.")
    if not created and "createdBefore" in filters:
        raise SearchInputError("createdBefore cannot be combined with lastUpdatedAfter.")
    if created:
        return "createdTime", "createdAfter", "createdBefore"
    return "lastUpdatedTime", "lastUpdatedAfter", "lastUpdatedBefore"


def _marketplace_ids(requested: list[str] | None, seller: SellerAccount) -> frozenset[str]:
    if requested is None:
        return frozenset(seller.marketplace_ids)
    foreign = [m for m in requested if m not in seller.marketplace_ids]
    if foreign:
        raise SearchInputError(
            f"Invalid marketplaceIds for this selling partner: {', '.join(foreign)}."
        )
    return frozenset(requested)


def _page_size(query: Mapping[str, list[str]]) -> int:
    return page_size_parameter(query, "maxResultsPerPage", 100, DEFAULT_PAGE_SIZE, SearchInputError)


def _timestamp_param(query: Mapping[str, list[str]], name: str) -> datetime:
    raw = first_value(query, name)
    try:
        return parse_timestamp(raw)
    except ValueError:
        raise SearchInputError(f"{name} must be an ISO 8601 date-time, not {raw!r}.") from None


def _optional_set(values: list[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _allowed(value: str | None, allowed: frozenset[str] | None) -> bool:
    return allowed is None or value in allowed


def _order_time(order: Mapping, field: str) -> datetime | None:
    try:
        return parse_timestamp(order[field])
    except (KeyError, TypeError, ValueError):
        return None


def _page_order(order: Mapping) -> tuple:
    moment = _order_time(order, "lastUpdatedTime")
    earliest = datetime.min.replace(tzinfo=timezone.utc)
    return (moment is None, moment or earliest, str(order.get("orderId", "")))
