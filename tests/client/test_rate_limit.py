"""The per-operation token bucket, on a fake clock."""

import threading

import pytest

from amazon_sp import AmazonThrottledError, RateLimiter


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def limiter(clock):
    return RateLimiter(clock=clock, sleep=clock.sleep)


def test_burst_is_free_then_the_rate_applies(limiter, clock):
    # getOrder: 0.5 request/s, burst 30.
    for _ in range(30):
        assert limiter.acquire("acct", "getOrder", max_wait=10) == 0
    assert limiter.acquire("acct", "getOrder", max_wait=10) == pytest.approx(2.0)
    assert clock.slept == [pytest.approx(2.0)]


def test_tokens_refill_with_time(limiter, clock):
    for _ in range(30):
        limiter.acquire("acct", "getOrder", max_wait=10)
    clock.now += 10  # five tokens back
    for _ in range(5):
        assert limiter.acquire("acct", "getOrder", max_wait=0) == 0
    with pytest.raises(AmazonThrottledError):
        limiter.acquire("acct", "getOrder", max_wait=0)


def test_a_long_wait_is_raised_not_slept(limiter, clock):
    for _ in range(20):  # searchOrders burst
        limiter.acquire("acct", "searchOrders", max_wait=10)
    with pytest.raises(AmazonThrottledError) as raised:
        limiter.acquire("acct", "searchOrders", max_wait=10)
    assert raised.value.retry_after == pytest.approx(1 / 0.0056)
    assert clock.slept == []


def test_accounts_and_operations_have_their_own_buckets(limiter):
    for _ in range(15):
        limiter.acquire("acct-a", "createFeed", max_wait=0)
    with pytest.raises(AmazonThrottledError):
        limiter.acquire("acct-a", "createFeed", max_wait=0)
    assert limiter.acquire("acct-b", "createFeed", max_wait=0) == 0
    assert limiter.acquire("acct-a", "getOrder", max_wait=0) == 0


def test_live_rate_from_amazon_replaces_the_default(limiter, clock):
    limiter.update_rate("acct", "getOrder", 5.0)
    for _ in range(30):
        limiter.acquire("acct", "getOrder", max_wait=10)
    assert limiter.acquire("acct", "getOrder", max_wait=10) == pytest.approx(0.2)


def test_throttled_answer_blocks_until_retry_after(limiter, clock):
    wait = limiter.throttled("acct", "patchListingsItem", retry_after=3.0)
    assert wait == 3.0
    assert limiter.acquire("acct", "patchListingsItem", max_wait=10) == pytest.approx(3.0)


def test_concurrent_callers_never_exceed_the_burst():
    limiter = RateLimiter(sleep=lambda seconds: None)
    granted = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            try:
                limiter.acquire("acct", "patchListingsItem", max_wait=0)
            except AmazonThrottledError:
                continue
            with lock:
                granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # burst 5, plus what 5/s refills during the test's few milliseconds
    assert 5 <= len(granted) <= 7
