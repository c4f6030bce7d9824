"""Shared pytest setup: import paths, loopback-only HTTP, the Amazon emulator."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The emulator is a top-level package; the client is plain Python inside the addon.
for path in (REPO, REPO / "amazon_connector"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from amazon_sp.egress import loopback_only  # noqa: E402


@pytest.fixture(autouse=True)
def _loopback_only():
    """No test may talk to anything but loopback (httpx is not covered by other guards)."""
    with loopback_only():
        yield
