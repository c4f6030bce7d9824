"""The emulator's state: selling partners, their credentials and tokens, their orders."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .marketplaces import get_marketplace


@dataclass(frozen=True)
class SellerAccount:
    seller_id: str
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    marketplace_ids: tuple[str, ...] = ()
    store_name: str = ""


@dataclass(frozen=True)
class AccessGrant:
    """What an issued access token stands for."""

    seller_id: str
    expires_at: datetime


class EmulatorStore:
    """Thread-safe state of sellers and orders.

    Stored orders are never changed in place, only replaced, so the dicts `orders()` hands
    out stay valid while other threads change the store.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._sellers: dict[str, SellerAccount] = {}
            self._orders: dict[str, dict[str, dict]] = {}

    # Sellers and credentials

    def add_seller(self, account: SellerAccount) -> None:
        for marketplace_id in account.marketplace_ids:
            get_marketplace(marketplace_id)  # raises for an unknown marketplace
        with self._lock:
            for other in self._sellers.values():
                if other.seller_id == account.seller_id:
                    continue
                same_client = other.client_id == account.client_id
                if same_client and other.client_secret != account.client_secret:
                    raise ValueError(f"client {account.client_id!r} already has another secret")
                if other.refresh_token == account.refresh_token:
                    raise ValueError("refresh token already belongs to another seller")
            self._sellers[account.seller_id] = account
            self._orders.setdefault(account.seller_id, {})

    def seller(self, seller_id: str) -> SellerAccount:
        with self._lock:
            if seller_id not in self._sellers:
                raise KeyError(f"unknown seller {seller_id!r}; add_seller() first")
            return self._sellers[seller_id]

    def has_seller(self, seller_id: str) -> bool:
        with self._lock:
            return seller_id in self._sellers

    def sellers(self) -> list[SellerAccount]:
        with self._lock:
            return list(self._sellers.values())

    def client_is_known(self, client_id: str, client_secret: str) -> bool:
        return any(
            s.client_id == client_id and _same_secret(s.client_secret, client_secret)
            for s in self.sellers()
        )

    def seller_for_refresh_token(self, client_id: str, refresh_token: str) -> SellerAccount | None:
        return next(
            (
                s
                for s in self.sellers()
                if s.client_id == client_id and _same_secret(s.refresh_token, refresh_token)
            ),
            None,
        )

    def issue_access_token(self, seller_id: str, expires_at: datetime) -> str:
        return _sign_access_token(AccessGrant(seller_id, expires_at))

    def access_grant(self, token: str) -> AccessGrant | None:
        """What a token the emulator issued stands for, if its seller is still known."""
        grant = _read_access_token(token)
        with self._lock:
            return grant if grant and grant.seller_id in self._sellers else None

    # Orders

    def put_order(self, seller_id: str, order: dict) -> None:
        with self._lock:
            orders = self._seller_orders(seller_id)
            orders[_order_key(order, len(orders))] = copy.deepcopy(order)

    def order(self, seller_id: str, order_id: str) -> dict | None:
        with self._lock:
            return self._seller_orders(seller_id).get(order_id)

    def orders(self, seller_id: str) -> list[dict]:
        with self._lock:
            return list(self._seller_orders(seller_id).values())

    def change_order(self, seller_id: str, order_id: str, change: Callable[[dict], None]) -> dict:
        """Apply `change` to a copy of the order, store the copy and return it."""
        with self._lock:
            orders = self._seller_orders(seller_id)
            if order_id not in orders:
                raise KeyError(f"seller {seller_id!r} has no order {order_id!r}")
            changed = copy.deepcopy(orders[order_id])
            change(changed)
            orders[order_id] = changed
            return copy.deepcopy(changed)

    def _seller_orders(self, seller_id: str) -> dict[str, dict]:
        self.seller(seller_id)
        return self._orders[seller_id]


# Access tokens carry their grant, signed with a per-process key: like Amazon's, they stay
# valid until they expire, even across emulator restarts in one process (python-amazon-sp-api
# caches tokens process-wide).
_TOKEN_KEY = secrets.token_bytes(32)
_TOKEN_PREFIX = "Atza|"


def _sign_access_token(grant: AccessGrant) -> str:
    claims = json.dumps({"seller": grant.seller_id, "exp": grant.expires_at.isoformat()})
    payload = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    return f"{_TOKEN_PREFIX}{payload}.{_token_signature(payload)}"


def _read_access_token(token: str) -> AccessGrant | None:
    if not token.startswith(_TOKEN_PREFIX):
        return None
    payload, _, signature = token.removeprefix(_TOKEN_PREFIX).partition(".")
    if not hmac.compare_digest(signature.encode(), _token_signature(payload).encode()):
        return None
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return AccessGrant(claims["seller"], datetime.fromisoformat(claims["exp"]))


def _same_secret(known: str, given: str) -> bool:
    return hmac.compare_digest(known.encode(), given.encode())


def _token_signature(payload: str) -> str:
    return hmac.new(_TOKEN_KEY, payload.encode(), hashlib.sha256).hexdigest()


def _order_key(order: dict, position: int) -> str:
    # Orders without an id are kept (to test what serving broken data does) under a private key.
    return order.get("orderId") or f"<order without orderId #{position}>"


def marketplace_ids_of(values: Iterable[str]) -> tuple[str, ...]:
    """Marketplace ids from ids or country codes."""
    return tuple(get_marketplace(value).marketplace_id for value in values)
