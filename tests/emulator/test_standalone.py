"""Scenarios, and `python -m amazon_emulator` as a process of its own."""

import json
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import httpx
from emulator_support import NOW, SELLER, iso, sample_order

from amazon_emulator.scenarios import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    DEMO_SELLER_ID,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_load_scenario_file(emulator, tmp_path):
    scenario = {
        "sellers": [{**SELLER, "seller_id": "A9FILESELLER01", "refresh_token": "Atzr|file"}],
        "orders": {"A9FILESELLER01": [sample_order(1)]},
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))

    emulator.load_scenario_file(path)

    assert emulator.get_stored_order("A9FILESELLER01", "111-0000001-0000001")


def test_load_named_scenario(emulator, api):
    emulator.load_scenario("demo")
    token = emulator.issue_access_token(DEMO_SELLER_ID)

    response = api.search(token=token, createdAfter=iso(NOW - timedelta(days=7)))

    assert len(response.json()["orders"]) == 12


def test_reset_forgets_everything(emulator, api):
    emulator.load_scenario("demo")
    emulator.inject_fault("throttle")
    api.get("/sellers/v1/marketplaceParticipations")

    emulator.reset()

    assert (emulator.requests, emulator.pending_faults) == ([], [])
    assert api.get("/sellers/v1/marketplaceParticipations").status_code == 403


def test_command_line_emulator_serves_the_demo_scenario():
    process = subprocess.Popen(
        [sys.executable, "-m", "amazon_emulator", "--port", "0", "--scenario", "demo"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(20, process.kill)
    watchdog.start()
    try:
        banner = process.stdout.readline()
        url = banner.split(" served at ")[1].split()[0]
        with httpx.Client(base_url=url, timeout=5) as http:
            token = http.post(
                "/auth/o2/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": DEMO_REFRESH_TOKEN,
                    "client_id": DEMO_CLIENT_ID,
                    "client_secret": DEMO_CLIENT_SECRET,
                },
            ).json()["access_token"]
            orders = http.get(
                "/orders/2026-01-01/orders",
                params={"lastUpdatedAfter": "2000-01-01T00:00:00Z"},
                headers={"x-amz-access-token": token},
            ).json()["orders"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        watchdog.cancel()
        process.kill()
        process.stdout.close()

    assert banner.startswith("amazon_emulator: scenario 'demo' served at http://127.0.0.1:")
    assert len(orders) == 12
