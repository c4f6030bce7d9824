"""The emulated operations: Login with Amazon's token endpoint and the SP-API operations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from .clock import format_timestamp
from .faults import LWA_OPERATION
from .marketplaces import get_marketplace
from .orders import project_order
from .search import SearchInputError, next_page_token, parse_search_request
from .store import EmulatorStore, SellerAccount
from .wire import (
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    Reply,
    Request,
    csv_values,
    error_reply,
    invalid_input,
    json_reply,
    unauthorized,
)

LWA_PATH = "/auth/o2/token"
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    operation: str


ROUTES = (
    Route("POST", re.compile(f"^{re.escape(LWA_PATH)}$"), LWA_OPERATION),
    Route(
        "GET",
        re.compile(r"^/sellers/v1/marketplaceParticipations$"),
        "getMarketplaceParticipations",
    ),
    Route("GET", re.compile(r"^/orders/2026-01-01/orders$"), "searchOrders"),
    Route("GET", re.compile(r"^/orders/2026-01-01/orders/(?P<orderId>[^/]+)$"), "getOrder"),
)


def route(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """(operation, path parameters) of the emulated operation at `method path`."""
    for candidate in ROUTES:
        match = candidate.pattern.match(path)
        if match and candidate.method == method.upper():
            return candidate.operation, match.groupdict()
    return None


class Operations:
    """Answers requests from the store's state, as Amazon would."""

    def __init__(self, store: EmulatorStore, clock: Callable[[], datetime]):
        self._store = store
        self._clock = clock

    # Login with Amazon

    def lwa_token(self, request: Request) -> Reply:
        form = _form(request)
        if form is None:
            return _lwa_error(
                400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
            )
        if form.get("grant_type") != "refresh_token":
            return _lwa_error(400, "unsupported_grant_type", "The grant type is not supported.")
        missing = [n for n in ("refresh_token", "client_id", "client_secret") if not form.get(n)]
        if missing:
            return _lwa_error(
                400,
                "invalid_request",
                f"The request is missing a required parameter : {missing[0]}",
            )
        if not self._store.client_is_known(form["client_id"], form["client_secret"]):
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        seller = self._store.seller_for_refresh_token(form["client_id"], form["refresh_token"])
        if seller is None:
            return _lwa_error(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        lifetime = int(ACCESS_TOKEN_LIFETIME.total_seconds())
        access_token = self.issue_access_token(seller.seller_id, lifetime)
        return json_reply(
            200,
            {
                "access_token": access_token,
                "refresh_token": form["refresh_token"],
                "token_type": "bearer",
                "expires_in": lifetime,
            },
        )

    def issue_access_token(self, seller_id: str, expires_in: int) -> str:
        self._store.seller(seller_id)
        expires_at = self._clock() + timedelta(seconds=expires_in)
        return self._store.issue_access_token(seller_id, expires_at)

    # SP-API

    def authenticate(self, request: Request) -> SellerAccount | Reply:
        """The seller of the request's access token, or the 403 Amazon gives instead."""
        token = request.header("x-amz-access-token")
        grant = self._store.access_grant(token) if token else None
        if grant is None:
            return unauthorized(TOKEN_INVALID)
        if self._clock() >= grant.expires_at:
            return unauthorized(TOKEN_EXPIRED)
        return self._store.seller(grant.seller_id)

    def answer(self, operation: str, seller: SellerAccount, request: Request, path_params) -> Reply:
        handlers = {
            "getMarketplaceParticipations": self.get_marketplace_participations,
            "searchOrders": self.search_orders,
            "getOrder": self.get_order,
        }
        return handlers[operation](seller, request, path_params)

    def get_marketplace_participations(
        self, seller: SellerAccount, request: Request, _path_params
    ) -> Reply:
        payload = [
            {
                "marketplace": get_marketplace(marketplace_id).to_api(),
                "participation": {"isParticipating": True, "hasSuspendedListings": False},
                "storeName": seller.store_name,
            }
            for marketplace_id in seller.marketplace_ids
        ]
        return json_reply(200, {"payload": payload})

    def search_orders(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        now = self._clock()
        try:
            search_request = parse_search_request(request.query, seller, now)
        except SearchInputError as error:
            return invalid_input(*error.messages)
        search = search_request.search
        matching = search.select(self._store.orders(seller.seller_id))
        start, end = search_request.offset, search_request.offset + search_request.page_size
        body: dict = {
            "orders": [
                project_order(order, search_request.included_data) for order in matching[start:end]
            ]
        }
        if end < len(matching):
            body["pagination"] = {"nextToken": next_page_token(search_request, seller, now)}
        body[search.before_field] = format_timestamp(search.before)
        return json_reply(200, body)

    def get_order(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        order_id = path_params["orderId"]
        order = self._store.order(seller.seller_id, order_id)
        if order is None:
            return error_reply(404, "NotFound", f"Order {order_id} was not found.")
        included_data = csv_values(request.query, "includedData")
        return json_reply(200, {"order": project_order(order, included_data)})


def _form(request: Request) -> dict[str, str] | None:
    content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def _lwa_error(status: int, error: str, description: str) -> Reply:
    return json_reply(status, {"error": error, "error_description": description})
