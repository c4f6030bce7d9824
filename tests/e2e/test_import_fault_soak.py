"""The fault soak: an import window of 300 orders under everything Amazon's side of the wire
and a crashing server can do, until the synchronisation is done.

The standalone emulator serves the orders (at most 100 a page) with seeded random faults on
searchOrders: 429s with rate-limit headers, 503 HTML pages, truncated bodies, expired access
tokens, one request that times out, and a 503 from the token endpoint. A real odoo-bin with
one cron worker imports them when Sync now is pressed; it is SIGKILLed twice mid-window and
restarted. Once the window is done, the next one (which overlaps it) reads every order again.
At the end every good order is in Odoo exactly once at Amazon's total, and the only import
issues left open are the three deliberately bad orders.

The seed is AMAZON_SOAK_SEED (default below): the same seed injects the same faults.
"""

import copy
import os
import random
from collections import Counter
from decimal import Decimal

import pytest

from .e2e_support import (
    DEMO_SELLER_ID,
    ImportLab,
    bulk_orders,
    recent_moment,
    seller_total,
    synchronise_until,
)

SEED = int(os.environ.get("AMAZON_SOAK_SEED", "20261201"))
GOOD_ORDERS = 300
PAGE_SIZE = 100
MAX_RUNS = 30
TIME_LIMIT = 240  # seconds of synchronisation (some 120 on a quiet 2-core machine)
# The client's read timeout is 60 s: the request answered later than that times out.
TIMEOUT_DELAY = 61
# Faults that end a run (truncated body) and faults the client rides out (throttled, one
# server error, expired token), drawn at random; the rate the 429s announce is the raised
# usage plan the emulator serves (see the lab's usage_plans), so a retry needs no long wait.
RANDOM_FAULT_KINDS = ["throttle", "server_error", "truncated", "expired_token"]
RANDOM_FAULTS = 8
FAULT_OPTIONS = {"throttle": {"retry_after": 1, "rate": 5}, "server_error": {"status": 503}}


@pytest.fixture(scope="module")
def lab(odoo_setup, lab_workdir):
    with ImportLab(odoo_setup, "soak", lab_workdir, usage_plans=("searchOrders=5",)) as lab:
        yield lab


def bad_orders(good):
    """Three orders that cannot be imported as they are, copies of good FBM orders (whose
    address Amazon shows) at the start, middle and end of the window."""
    merchant = [order for order in good if order["fulfillment"]["fulfilledBy"] == "MERCHANT"]
    unknown_sku, malformed, unknown_country = (
        copy.deepcopy(merchant[index]) for index in (5, len(merchant) // 2, -1)
    )
    unknown_sku["orderItems"][0]["product"]["sellerSku"] = "SOAK-NO-SUCH-SKU"
    malformed["proceeds"]["grandTotal"]["amount"] = "twelve dollars"
    unknown_country["recipient"]["deliveryAddress"]["countryCode"] = "ZZ"
    bad = [unknown_sku, malformed, unknown_country]
    for number, order in enumerate(bad, 1):
        order["orderId"] = f"111-9900001-{number:07d}"
    return bad


def inject_faults(emulator, chance):
    """The seeded fault plan: the first page times out (before any kill, so the client does
    see the timeout), then random faults a call or two apart; the token endpoint fails once,
    the second time a server asks it."""
    emulator.inject_fault("slow", "searchOrders", delay=TIMEOUT_DELAY)
    emulator.inject_random_faults(
        seed=chance.randrange(2**32),
        count=RANDOM_FAULTS,
        kinds=RANDOM_FAULT_KINDS,
        operation="searchOrders",
        max_gap=1,
        options=FAULT_OPTIONS,
    )
    emulator.inject_fault("server_error", "lwaToken", after=1, status=503)


def test_fault_soak(lab, capsys):
    chance = random.Random(SEED)
    good = bulk_orders(GOOD_ORDERS, series=8000001, updated_from=recent_moment(minutes_ago=11))
    bad = bad_orders(good)
    lab.emulator.add_orders(DEMO_SELLER_ID, good + bad)
    expected = {order["orderId"] for order in good}
    before = Counter(lab.imported_refs())
    inject_faults(lab.emulator, chance)
    kill_delays = [chance.uniform(0, 4), chance.uniform(0, 4)]
    page_seen = {}

    def crash_mid_page(report):
        """Kill once a page is committed (then two), a seeded moment into the next one."""
        kills = len(report.crashes)
        if kills == len(kill_delays):
            return False
        committed = len(lab.imported_refs()) - sum(before.values())
        if committed < PAGE_SIZE * (kills + 1) - len(bad):
            return False
        seen = page_seen.setdefault(kills, report.seconds)
        return report.seconds - seen >= kill_delays[kills]

    report = synchronise_until(
        lab,
        lab.window_read_after(lab.window()["synced_until"]),
        max_runs=MAX_RUNS,
        time_limit=TIME_LIMIT,
        crash_now=crash_mid_page,
    )
    lost = expected - set(lab.imported_refs())  # before the next window brings them back
    # The next window overlaps this one: every order is read again, and nothing changes.
    reread = synchronise_until(
        lab,
        lab.window_done_after(lab.window()["synced_until"]),
        max_runs=MAX_RUNS - report.runs,
        time_limit=TIME_LIMIT - report.seconds,
    )
    runs = report.runs + reread.runs

    faults = lab.emulator.faults()
    imported = Counter(lab.imported_refs()) - before
    duplicates = {ref: count for ref, count in imported.items() if count > 1}
    with capsys.disabled():
        print(
            f"\nsoak: faults injected {faults['served']}, runs needed {runs}, "
            f"orders {len(set(imported) & expected)}, duplicates {len(duplicates)}, "
            f"lost {len(lost)}"
        )
    assert not duplicates, f"{len(duplicates)} orders imported more than once: {duplicates}"
    assert not lost, f"{len(lost)} orders lost: {sorted(lost)[:5]}"
    assert set(imported) == expected, "sale orders of no good Amazon order"
    assert len(report.crashes) == 2, report
    for _committed, window in report.crashes:
        assert window["page_token"], "a kill came outside the window"
    assert faults["served_by_kind"].get("slow") == 1, faults
    assert faults["served"] >= 6, faults
    stuck = sorted(set(lab.open_issue_refs()) - {order["orderId"] for order in bad})
    assert not stuck, f"{len(stuck)} good orders left as open import issues: {stuck[:5]}"
    assert lab.open_issue_refs() == sorted(order["orderId"] for order in bad)
    assert_totals_match_amazon(lab, expected)


def assert_totals_match_amazon(lab, refs):
    stored = lab.emulator.stored_orders(DEMO_SELLER_ID, sorted(refs))
    rows = lab.query(
        "SELECT amazon_order_ref, amount_total FROM sale_order"
        " WHERE amazon_account_id = %s AND amazon_order_ref = ANY(%s)",
        lab.account_id,
        sorted(refs),
    )
    assert len(rows) == len(refs)
    wrong = {
        ref: (str(total), str(seller_total(stored[ref])))
        for ref, total in rows
        if abs(Decimal(str(total)) - seller_total(stored[ref])) > Decimal("0.005")
    }
    assert not wrong, f"{len(wrong)} totals differ from Amazon's: {dict(list(wrong.items())[:5])}"
