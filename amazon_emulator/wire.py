"""Requests as the emulator receives them, replies as it sends them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the query string, percent-decoded
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    json_body: object = None  # the JSON `body` was made from; None when it is not JSON
    # Deliberately broken fault replies (HTML pages, cut JSON) are not checked against the models.
    check_contract: bool = True

    def with_headers(self, headers: dict[str, str], replace_existing: bool = True) -> Reply:
        merged = {**self.headers, **headers} if replace_existing else {**headers, **self.headers}
        return replace(self, headers=merged)


def first_value(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def csv_values(query: dict[str, list[str]], name: str) -> list[str]:
    """An array parameter, sent comma-separated (Swagger's `collectionFormat: csv`)."""
    raw = first_value(query, name) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def json_reply(status: int, payload) -> Reply:
    return Reply(status, json.dumps(payload).encode(), json_body=payload)


def error_reply(status: int, code: str, message: str, details: str | None = None) -> Reply:
    """SP-API's error shape: `{"errors": [{"code", "message", "details"?}]}`."""
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return json_reply(status, {"errors": [error]})


class InputError(Exception):
    """A request Amazon answers with 400 at once: `code` (InvalidInput unless told), the
    message and, when Amazon gives them, the details."""

    def __init__(self, message: str, details: str | None = None, code: str = "InvalidInput"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def reply(self) -> Reply:
        return error_reply(400, self.code, self.message, self.details)


def invalid_input(*messages: str) -> Reply:
    return json_reply(400, {"errors": [{"code": "InvalidInput", "message": m} for m in messages]})


def unauthorized(details: str) -> Reply:
    return error_reply(403, "Unauthorized", "Access to requested resource is denied.", details)


TOKEN_INVALID = "The access token you provided is revoked, malformed or invalid."
TOKEN_EXPIRED = "The access token you provided has expired."
