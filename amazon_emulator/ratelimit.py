"""SP-API usage plans: the rate header every response carries, and optional throttling."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .wire import Reply, error_reply


@dataclass(frozen=True)
class UsagePlan:
    rate: float  # requests per second
    burst: int

    @property
    def header_value(self) -> str:
        return f"{self.rate:g}"


# Amazon's default plans, from the models' "Usage Plan" tables.
USAGE_PLANS = {
    "searchOrders": UsagePlan(0.0056, 20),
    "getOrder": UsagePlan(0.5, 30),
    "getMarketplaceParticipations": UsagePlan(0.016, 15),
    "confirmShipment": UsagePlan(2, 10),
    "createFeedDocument": UsagePlan(0.5, 15),
    "createFeed": UsagePlan(0.0083, 15),
    "getFeed": UsagePlan(2, 15),
    "getFeedDocument": UsagePlan(0.0222, 10),
    "patchListingsItem": UsagePlan(5, 5),
    "getReports": UsagePlan(0.0222, 10),
    "getReport": UsagePlan(2, 15),
    "getReportDocument": UsagePlan(0.0167, 15),
    "createReport": UsagePlan(0.0167, 15),
    "listFinancialEvents": UsagePlan(0.5, 30),
    "listFinancialEventsByOrderId": UsagePlan(0.5, 30),
    "getPurchaseOrders": UsagePlan(10, 10),
    "getPurchaseOrder": UsagePlan(10, 10),
    "submitAcknowledgement": UsagePlan(10, 10),
    "getTransaction": UsagePlan(10, 20),
    "SubmitShipments": UsagePlan(10, 10),
    "GetShipmentDetails": UsagePlan(10, 10),
    "SubmitShipmentConfirmations": UsagePlan(10, 10),
    "submitInvoices": UsagePlan(10, 10),
    # Vendor Direct Fulfillment (the emulator's names: see contract.OPERATION_ALIASES)
    "dfGetOrders": UsagePlan(10, 10),
    "dfGetOrder": UsagePlan(10, 10),
    "dfSubmitAcknowledgement": UsagePlan(10, 10),
    "getTransactionStatus": UsagePlan(10, 10),
    "submitShippingLabelRequest": UsagePlan(10, 10),
    "getShippingLabels": UsagePlan(10, 10),
    "getShippingLabel": UsagePlan(10, 10),
    "createShippingLabels": UsagePlan(10, 10),
    "createContainerLabel": UsagePlan(10, 10),
    "submitShipmentConfirmations": UsagePlan(10, 10),
    "submitShipmentStatusUpdates": UsagePlan(10, 10),
    "getCustomerInvoices": UsagePlan(10, 10),
    "getCustomerInvoice": UsagePlan(10, 10),
    "getPackingSlips": UsagePlan(10, 10),
    "getPackingSlip": UsagePlan(10, 10),
    "submitInvoice": UsagePlan(10, 10),
    "submitInventoryUpdate": UsagePlan(10, 10),
    "createRestrictedDataToken": UsagePlan(1, 10),
}


class _TokenBucket:
    def __init__(self, plan: UsagePlan, now: datetime):
        self.plan = plan
        self.tokens = float(plan.burst)
        self.updated = now

    def take(self, now: datetime) -> bool:
        elapsed = max((now - self.updated).total_seconds(), 0.0)
        self.tokens = min(self.plan.burst, self.tokens + elapsed * self.plan.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class RateLimiter:
    """One token bucket per selling partner and operation, refilled by the emulator clock."""

    def __init__(self, clock: Callable[[], datetime]):
        self._clock = clock
        self._buckets: dict[tuple[str, str], _TokenBucket] = {}
        self._lock = threading.Lock()

    def allow(self, seller_id: str, operation: str) -> bool:
        plan = USAGE_PLANS.get(operation)
        if plan is None:
            return True
        now = self._clock()
        with self._lock:
            bucket = self._buckets.setdefault((seller_id, operation), _TokenBucket(plan, now))
            return bucket.take(now)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def throttled_reply(operation: str, rate: float | None = None, retry_after=None) -> Reply:
    """Amazon's 429; the rate header tells the plan's rate unless `rate` says otherwise."""
    reply = error_reply(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
    plan = USAGE_PLANS.get(operation)
    if rate is None and plan is not None:
        rate = plan.rate
    if rate is not None:
        reply.headers["x-amzn-RateLimit-Limit"] = f"{rate:g}"
    if retry_after is not None:
        reply.headers["Retry-After"] = str(retry_after)
    return reply
