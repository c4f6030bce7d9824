"""Fixtures for the emulator's tests: a running emulator with one seller, and HTTP helpers.

Every test's emulator must end with a clean contract (all requests and replies valid against
Amazon's models), unless the test is marked `contract_violations_expected`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
for path in (REPO_ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from emulator_support import NOW, SELLER, SpApi  # noqa: E402

from amazon_emulator import AmazonEmulator, ManualClock  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "contract_violations_expected: the test provokes contract violations"
    )
    # bravado-core still uses jsonschema's deprecated RefResolver.
    config.addinivalue_line("filterwarnings", "ignore:.*RefResolver:DeprecationWarning")
    config.addinivalue_line(
        "filterwarnings", "ignore:Accessing Validator.resolver:DeprecationWarning"
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def emulator(request, clock):
    with AmazonEmulator(clock=clock) as amazon:
        amazon.add_seller(**SELLER)
        yield amazon
        if not request.node.get_closest_marker("contract_violations_expected"):
            amazon.assert_contract_clean()


@pytest.fixture
def http(emulator):
    with httpx.Client(base_url=emulator.url, timeout=10) as client:
        yield client


@pytest.fixture
def api(emulator, http) -> SpApi:
    return SpApi(http, emulator.issue_access_token(SELLER["seller_id"]))
