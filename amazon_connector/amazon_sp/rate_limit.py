"""Per-operation rate limiting that follows Amazon's usage plans.

Amazon limits each operation with a token bucket (a rate in requests per second and a burst),
per selling partner and application. The limiter mirrors that bucket on our side so we wait
briefly instead of being throttled, adopts the live rate from the `x-amzn-RateLimit-Limit`
response header, and empties the bucket when Amazon answers 429. It never sleeps long: when
the next token is further away than the caller accepts, it raises `AmazonThrottledError` with
the wait, so a cron can stop and resume later instead of holding a worker.
"""

import threading
import time
from dataclasses import dataclass

from .errors import AmazonThrottledError

# Amazon's default usage plans: operation -> (requests per second, burst).
DEFAULT_USAGE_PLANS = {
    "getMarketplaceParticipations": (0.016, 15),
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "createFeedDocument": (0.5, 15),
    "createReport": (0.0167, 15),
    "getReports": (0.0222, 10),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
    "patchListingsItem": (5.0, 5),
    "createRestrictedDataToken": (1.0, 10),
    "listFinancialEvents": (0.5, 30),
    "listFinancialEventsByOrderId": (0.5, 30),
    "getPurchaseOrders": (10.0, 10),
    "getPurchaseOrder": (10.0, 10),
    "submitAcknowledgement": (10.0, 10),
    "getTransaction": (10.0, 20),
    "SubmitShipments": (10.0, 10),
    "GetShipmentDetails": (10.0, 10),
    "SubmitShipmentConfirmations": (10.0, 10),
    "submitInvoices": (10.0, 10),
    # Vendor Direct Fulfillment. The emulator's (and our) names of the operations whose
    # operationId another API has too: dfGetOrders, dfGetOrder, dfSubmitAcknowledgement.
    "dfGetOrders": (10.0, 10),
    "dfGetOrder": (10.0, 10),
    "dfSubmitAcknowledgement": (10.0, 10),
    "getShippingLabels": (10.0, 10),
    "submitShippingLabelRequest": (10.0, 10),
    "getShippingLabel": (10.0, 10),
    "createShippingLabels": (10.0, 10),
    "submitShipmentConfirmations": (10.0, 10),
    "submitShipmentStatusUpdates": (10.0, 10),
    "getCustomerInvoices": (10.0, 10),
    "getCustomerInvoice": (10.0, 10),
    "getPackingSlips": (10.0, 10),
    "getPackingSlip": (10.0, 10),
    "createContainerLabel": (10.0, 10),
    "getTransactionStatus": (10.0, 10),
    "submitInvoice": (10.0, 10),
    "submitInventoryUpdate": (10.0, 10),
}
FALLBACK_USAGE_PLAN = (1.0, 5)


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    updated: float
    blocked_until: float = 0.0


class RateLimiter:
    """Token buckets keyed by (account key, operation); safe across threads."""

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets = {}

    def _bucket(self, account_key, operation):
        key = (account_key, operation)
        bucket = self._buckets.get(key)
        if bucket is None:
            rate, burst = DEFAULT_USAGE_PLANS.get(operation, FALLBACK_USAGE_PLAN)
            bucket = _Bucket(rate=rate, burst=burst, tokens=burst, updated=self._clock())
            self._buckets[key] = bucket
        return bucket

    def _refill(self, bucket, now):
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(bucket.burst, bucket.tokens + elapsed * bucket.rate)
        bucket.updated = now

    def acquire(self, account_key, operation, max_wait):
        """Take one token, sleeping up to `max_wait` seconds; returns the seconds waited."""
        with self._lock:
            bucket = self._bucket(account_key, operation)
            now = self._clock()
            self._refill(bucket, now)
            wait = max(0.0, bucket.blocked_until - now)
            if bucket.tokens < 1.0:
                wait = max(wait, (1.0 - bucket.tokens) / bucket.rate)
            if wait > max_wait:
                raise AmazonThrottledError(
                    "Amazon rate limit reached for this account",
                    retry_after=wait,
                    operation=operation,
                )
            # Reserve the token now so concurrent callers queue behind us.
            bucket.tokens -= 1.0
        if wait > 0:
            self._sleep(wait)
        return wait

    def update_rate(self, account_key, operation, rate):
        """Adopt the live rate Amazon reports for this account and operation."""
        if not rate or rate <= 0:
            return
        with self._lock:
            bucket = self._bucket(account_key, operation)
            self._refill(bucket, self._clock())
            bucket.rate = rate

    def throttled(self, account_key, operation, retry_after=None):
        """Amazon answered 429: no token left; returns the seconds until the next one."""
        with self._lock:
            bucket = self._bucket(account_key, operation)
            now = self._clock()
            bucket.tokens = 0.0
            bucket.updated = now
            wait = retry_after if retry_after is not None else 1.0 / bucket.rate
            bucket.blocked_until = max(bucket.blocked_until, now + wait)
            return wait

    def reset(self):
        """Forget every bucket (tests, or after changing an account's usage plan)."""
        with self._lock:
            self._buckets.clear()

    def usage_plan(self, account_key, operation):
        with self._lock:
            bucket = self._bucket(account_key, operation)
            return bucket.rate, bucket.burst


# One limiter per process: every client of the same account shares its buckets.
SHARED_RATE_LIMITER = RateLimiter()
