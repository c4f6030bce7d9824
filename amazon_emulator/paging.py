"""Paging tokens: the state of a listing's next page, handed to the caller as opaque text.

A token is the state's JSON in URL-safe base64 without padding; reading one back raises
ValueError (base64, JSON or text) when it is not such text. What a listing keeps in its
state, and what makes a state unreadable, is the listing's own."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import datetime

from .clock import parse_timestamp
from .wire import first_value

# Amazon's words for a NextToken it cannot read (Finances, Reports).
NEXT_TOKEN_UNREADABLE = (
    "We could not decode your NextToken. Possible reasons include: a transmission error, "
    "improper quoting or a truncation problem."
)
# The emulator's words for a vendor API's nextToken it cannot read (the models give none).
VENDOR_NEXT_TOKEN_UNREADABLE = (
    "The nextToken could not be read; pass it as the last call returned it."
)
# What reading a token's state (decoded, but not the listing's state) can raise.
UNREADABLE_STATE = (ValueError, KeyError, TypeError, AttributeError)


def encode_token(state: Mapping) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def decode_token(token: str):
    """The state `encode_token` made `token` from; raises ValueError for other text."""
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


def query_time(
    query: Mapping[str, list[str]], name: str, error: type[Exception]
) -> datetime | None:
    """The date-time parameter `name`, None when absent; raises `error` when it is not one."""
    raw = first_value(query, name)
    if raw is None:
        return None
    try:
        return parse_timestamp(raw)
    except ValueError:
        raise error(f"{name} must be an ISO 8601 date-time, not {raw!r}.") from None


def page_size_parameter(
    query: Mapping[str, list[str]],
    name: str,
    most: int,
    default: int | None,
    refusal: Callable[[str], Exception],
    *,
    end: str = ".",
) -> int | None:
    """The page size parameter `name` (1 to `most`), `default` when absent; raises
    `refusal(message)` (the message ending in `end`) when it is not such a number."""
    raw = first_value(query, name)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        raise refusal(f"{name} must be an integer{end}") from None
    if not 1 <= size <= most:
        raise refusal(f"{name} must be between 1 and {most}{end}")
    return size
