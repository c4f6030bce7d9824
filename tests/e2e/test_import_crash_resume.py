"""A crash between real commits: the Odoo server SIGKILLed in the middle of an import window.

The standalone emulator holds more orders than three pages (it serves at most 100 a page); a
real odoo-bin with one cron worker imports them when Sync now is pressed. Once a page is
committed and the next one is being imported, the server is killed, restarted, and the
synchronisation run again until the window's last page is committed: each Amazon order is in
Odoo exactly once, and the restarted server resumed from the stored page token.

Then two windows are left to Odoo's scheduler alone, each with a page that comes once the
cron job's time budget is spent: a window of one page, and one of two pages. Odoo's scheduler
must go on with the second page at once, and close a window whose last page came late.
"""

from collections import Counter

import pytest

from .e2e_support import (
    CRON_TIME_BUDGET,
    DEMO_SELLER_ID,
    ImportLab,
    bulk_orders,
    recent_moment,
    synchronise_until,
    wait_for_the_scheduler,
)

ORDER_COUNT = 320  # four pages
PAGE_SIZE = 100
SLOWER_THAN_THE_BUDGET = CRON_TIME_BUDGET.total_seconds() + 1


@pytest.fixture(scope="module")
def lab(odoo_setup, lab_workdir):
    with ImportLab(odoo_setup, "crash", lab_workdir, usage_plans=("searchOrders=5",)) as lab:
        yield lab


def test_a_crash_mid_window_neither_loses_nor_duplicates_orders(lab):
    orders = bulk_orders(ORDER_COUNT, series=7000001, updated_from=recent_moment(minutes_ago=11))
    lab.emulator.add_orders(DEMO_SELLER_ID, orders)
    expected = {order["orderId"] for order in orders}
    before = Counter(lab.imported_refs())  # the demo orders of the set-up
    pages_before = lab.emulator.served("searchOrders")
    asked_before_the_kill = []

    def committed():
        return len(lab.imported_refs()) - sum(before.values())

    def second_page_importing(report):
        # A page is committed and Amazon has served the next one: Odoo is importing it.
        if report.crashes or lab.emulator.served("searchOrders") < pages_before + 2:
            return False
        if not PAGE_SIZE <= committed() < 2 * PAGE_SIZE:
            return False
        asked_before_the_kill.append(len(lab.emulator.requests("searchOrders")))
        return True

    # One window, not until the orders are there: the next window overlaps this one and
    # would bring back what this one lost.
    report = synchronise_until(
        lab,
        lab.window_read_after(lab.window()["synced_until"]),
        max_runs=12,
        time_limit=240,
        crash_now=second_page_importing,
    )

    imported = Counter(lab.imported_refs()) - before
    twice = sorted(ref for ref, count in imported.items() if count > 1)
    assert not twice, f"{len(twice)} orders imported more than once: {twice[:5]}"
    lost = sorted(expected - set(imported))
    assert not lost, f"{len(lost)} orders lost: {lost[:5]}"
    assert set(imported) == expected, "sale orders of no Amazon order"
    assert lab.open_issue_refs() == []
    ((left_committed, left_window),) = report.crashes
    assert PAGE_SIZE <= left_committed - sum(before.values()) < ORDER_COUNT, report
    assert left_window["page_token"], "the server was killed outside the window"
    (asked,) = asked_before_the_kill
    resumed = lab.emulator.requests("searchOrders")[asked]
    assert resumed["query"].get("paginationToken") == [left_window["page_token"]], (
        "the restarted server did not resume the window from its stored page token"
    )


def test_the_last_page_committed_after_the_time_budget_closes_its_window(lab):
    orders = lab.fresh_window_orders(50, series=7000003)
    lab.emulator.add_orders(DEMO_SELLER_ID, orders)
    imported_before = len(lab.imported_refs())
    closed = lab.window_done_after(lab.window()["synced_until"])
    # The window's only page comes once the job's time budget is spent.
    lab.emulator.inject_fault("slow", "searchOrders", delay=SLOWER_THAN_THE_BUDGET)

    lab.press_sync_now()  # once: Odoo's scheduler does the rest
    wait_for_the_scheduler(lab, closed, time_limit=120)

    assert len(lab.imported_refs()) == imported_before + len(orders), "the page was not imported"
    assert closed(), f"the page is imported, its window left open: {lab.window()}"


def test_a_window_longer_than_the_time_budget_goes_on_by_itself(lab):
    orders = lab.fresh_window_orders(PAGE_SIZE + 20, series=7000004)
    lab.emulator.add_orders(DEMO_SELLER_ID, orders)
    imported_before = len(lab.imported_refs())

    def all_imported():
        return len(lab.imported_refs()) == imported_before + len(orders)

    # The first page comes once the job's time budget is spent.
    lab.emulator.inject_fault("slow", "searchOrders", delay=SLOWER_THAN_THE_BUDGET)

    lab.press_sync_now()  # once: Odoo's scheduler does the rest
    wait_for_the_scheduler(lab, all_imported, time_limit=150)

    assert len(lab.imported_refs()) >= imported_before + PAGE_SIZE, "no page was imported"
    assert all_imported(), f"a page is left with nothing scheduled: {lab.window()}"
