"""Tokens API 2021-03-01: Restricted Data Tokens (RDT).

Operations that return buyers' personal data (here: Vendor Direct Fulfillment's getOrders,
getOrder, getShippingLabel(s), getPackingSlip(s), getCustomerInvoice(s) and
createShippingLabels) do not take the LWA access token: the caller first asks
createRestrictedDataToken (`POST /tokens/2021-03-01/restrictedDataToken`, with its LWA access
token) for a token covering the `restrictedResources` it will call, each an HTTP method and a
path, and sends that RDT in `x-amz-access-token` instead.

As the emulator does it, from the model and the Tokens API Use Case Guide:

- A request names 1 to 50 resources ("Maximum: 50"), each a method of the model's enum and a
  path of a restricted operation: a specific one (`.../purchaseOrders/PO123`) or a generic one
  whose `{placeholder}` segments stand for any value (`.../purchaseOrders/{purchaseOrderNumber}`,
  "For any of a selling partner's shipments that you specify when you call"). Anything else
  is 400 with the words of the model's sandbox (InvalidRequest "Request is missing or has
  invalid parameters"), the details saying what is wrong. `dataElements` (needed only for the
  Orders API) and `targetApplication` are accepted and not used.
- The answer is `{"restrictedDataToken": "Atz.sprdt|...", "expiresIn": 3600}`; the token is
  bound to the seller of the LWA token and to the resources it names, and expires after an
  hour of the emulator's clock.
- A seller whose application lacks the Direct-to-Consumer Shipping (Restricted) role
  (`AmazonEmulator.set_restricted_role(seller_id, False)`) gets 403 Unauthorized.
- Restricted operations answer 403 Unauthorized "Access to requested resource is denied." to
  an LWA token, an RDT that does not cover the method and path called, or an expired one;
  other operations refuse an RDT the same way (`Operations.authenticate`).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .wire import InputError

CREATE_RESTRICTED_DATA_TOKEN = "createRestrictedDataToken"
RDT_PREFIX = "Atz.sprdt|"
RDT_LIFETIME = timedelta(hours=1)
MAX_RESOURCES = 50
METHODS = ("GET", "PUT", "POST", "DELETE")
INVALID_REQUEST = "Request is missing or has invalid parameters"
ROLE_MISSING = (
    "The application is not authorized for the Direct-to-Consumer Shipping (Restricted) role."
)
RDT_REQUIRED = (
    "{method} {path} is a restricted operation: call it with a Restricted Data Token "
    "(Tokens API createRestrictedDataToken), not the LWA access token."
)
RDT_NOT_COVERING = "The Restricted Data Token does not cover {method} {path}."
RDT_NOT_ACCEPTED = (
    "{method} {path} is not a restricted operation: call it with the LWA access token, "
    "not a Restricted Data Token."
)
_PLACEHOLDER = re.compile(r"\{[^{}/]+\}")


class TokensInputError(InputError):
    """A createRestrictedDataToken request Amazon answers with 400 (the sandbox's words)."""

    def __init__(self, details: str):
        super().__init__(INVALID_REQUEST, details, code="InvalidRequest")


class RoleMissing(Exception):
    """The seller's application lacks the role restricted data needs (403)."""


def is_restricted_data_token(token: str) -> bool:
    return token.startswith(RDT_PREFIX)


def resource_pattern(path: str) -> re.Pattern:
    """The paths a resource covers: its own, with `{placeholder}` segments standing for any."""
    parts = _PLACEHOLDER.split(path)
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")


@dataclass(frozen=True)
class RestrictedGrant:
    """What an RDT stands for."""

    seller_id: str
    resources: tuple[tuple[str, str], ...]  # (method, path) as requested
    expires_at: datetime

    def covers(self, method: str, path: str) -> bool:
        return any(
            method.upper() == wanted and resource_pattern(template).match(path)
            for wanted, template in self.resources
        )


class RestrictedDataTokens:
    """Thread-safe RDTs of all sellers, and which sellers' applications lack the role.

    `is_restricted(method, path)` tells whether a resource is a restricted operation the
    emulator serves (generic paths included)."""

    def __init__(self, clock: Callable[[], datetime], is_restricted: Callable[[str, str], bool]):
        self._clock = clock
        self._is_restricted = is_restricted
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._grants: dict[str, RestrictedGrant] = {}
            self._without_role: set[str] = set()

    def set_role(self, seller_id: str, granted: bool) -> None:
        with self._lock:
            if granted:
                self._without_role.discard(seller_id)
            else:
                self._without_role.add(seller_id)

    def create(self, seller_id: str, body: Mapping) -> dict:
        """createRestrictedDataToken's answer; raises TokensInputError (400) or RoleMissing
        (403)."""
        resources = _requested_resources(body, self._is_restricted)
        with self._lock:
            if seller_id in self._without_role:
                raise RoleMissing(seller_id)
            token = RDT_PREFIX + secrets.token_urlsafe(32)
            self._grants[token] = RestrictedGrant(
                seller_id, resources, self._clock() + RDT_LIFETIME
            )
        return {
            "restrictedDataToken": token,
            "expiresIn": int(RDT_LIFETIME.total_seconds()),
        }

    def grant(self, token: str) -> RestrictedGrant | None:
        """What an RDT the emulator issued stands for (None for any other text)."""
        with self._lock:
            return self._grants.get(token)


def _requested_resources(body: Mapping, is_restricted) -> tuple[tuple[str, str], ...]:
    resources = body.get("restrictedResources")
    if not isinstance(resources, list) or not resources:
        raise TokensInputError("Resource not provided.")
    if len(resources) > MAX_RESOURCES:
        raise TokensInputError(
            f"restrictedResources holds {len(resources)} resources; at most {MAX_RESOURCES}."
        )
    requested = []
    for index, resource in enumerate(resources):
        where = f"restrictedResources[{index}]"
        if not isinstance(resource, Mapping):
            raise TokensInputError(f"{where} must be a RestrictedResource object.")
        method, path = resource.get("method"), resource.get("path")
        if method not in METHODS:
            raise TokensInputError(f"{where}.method must be one of {', '.join(METHODS)}.")
        if not isinstance(path, str) or not path.startswith("/"):
            raise TokensInputError(f"{where}.path must be a path starting with '/'.")
        if not is_restricted(method, path):
            raise TokensInputError(f"{where}: {method} {path} is not a restricted operation.")
        requested.append((method, path))
    return tuple(requested)
