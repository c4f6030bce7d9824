"""Forbid HTTP outside loopback while tests run.

python-amazon-sp-api talks through httpx, which Odoo's test-time block on outside requests
(it patches `requests` only) does not cover. `loopback_only()` patches httpx's transport so any
other host fails loudly with `EgressBlockedError`.
"""

import contextlib
import ipaddress
from unittest import mock

import httpx

from .errors import EgressBlockedError

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(host):
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(original):
    def handle_request(transport, request):
        if not is_loopback(request.url.host):
            raise EgressBlockedError(
                f"HTTP outside loopback is forbidden here (was {request.method} "
                f"{request.url.scheme}://{request.url.host})"
            )
        return original(transport, request)

    return handle_request


@contextlib.contextmanager
def loopback_only():
    original = httpx.HTTPTransport.handle_request
    with mock.patch.object(httpx.HTTPTransport, "handle_request", _guard(original)):
        yield
