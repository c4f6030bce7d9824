"""Injected faults: the ways Amazon's side of the wire goes wrong."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .ratelimit import USAGE_PLANS, throttled_reply
from .wire import TOKEN_EXPIRED, Reply, unauthorized

LWA_OPERATION = "lwaToken"
# The pre-signed document URLs (Amazon's S3): not SP-API operations, but recorded and faultable.
UPLOAD_OPERATION = "uploadFeedDocument"
DOWNLOAD_OPERATION = "downloadDocument"
DOCUMENT_OPERATIONS = (UPLOAD_OPERATION, DOWNLOAD_OPERATION)
FAULT_OPERATIONS = (*USAGE_PLANS, LWA_OPERATION, *DOCUMENT_OPERATIONS)

# kind -> the options it accepts
FAULT_KINDS: dict[str, frozenset[str]] = {
    "throttle": frozenset({"rate", "retry_after"}),
    "server_error": frozenset({"status"}),
    "slow": frozenset({"delay"}),
    "truncated": frozenset(),
    "malformed": frozenset(),
    "expired_token": frozenset(),
}

_STATUS_TITLES = {500: "500 Internal Server Error", 503: "503 Service Temporarily Unavailable"}


@dataclass
class Fault:
    kind: str
    operation: str | None  # None: any SP-API operation (token endpoint, documents only by name)
    times: int
    options: dict = field(default_factory=dict)
    after: int = 0  # matching calls that still pass before the fault starts

    def applies_to(self, operation: str) -> bool:
        if self.operation is None:
            return operation in USAGE_PLANS
        return self.operation == operation

    @property
    def delay(self) -> float:
        """Seconds to wait before answering."""
        return float(self.options.get("delay", 1.0)) if self.kind == "slow" else 0.0

    @property
    def replaces_reply(self) -> bool:
        """True when the fault answers instead of the operation."""
        return self.kind in ("throttle", "server_error", "malformed", "expired_token")

    def reply(self, operation: str) -> Reply:
        if self.kind == "throttle":
            return throttled_reply(operation, **self.options)
        if self.kind == "server_error":
            return _server_error_page(self.options.get("status", 500))
        if self.kind == "expired_token":
            return unauthorized(TOKEN_EXPIRED)
        if self.kind == "malformed":
            return Reply(200, b"Service response: <not JSON>\n", check_contract=False)
        raise ValueError(f"fault {self.kind!r} does not replace the reply")

    def alter(self, reply: Reply) -> Reply:
        """Apply the fault to the operation's real reply."""
        if self.kind == "truncated":
            cut = reply.body[: len(reply.body) // 2]
            return Reply(reply.status, cut, reply.content_type, reply.headers, check_contract=False)
        return reply


def _server_error_page(status: int) -> Reply:
    title = _STATUS_TITLES[status]
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n"
        f"<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    return Reply(status, page.encode(), "text/html", check_contract=False)


class FaultQueue:
    """Faults waiting to happen, consumed in the order they were injected."""

    def __init__(self):
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(
        self, kind: str, operation: str | None = None, times: int = 1, after: int = 0, **options
    ) -> Fault:
        _check_fault(kind, operation, times, options)
        fault = Fault(kind, operation, times, options, after=max(0, after))
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation: str) -> Fault | None:
        """The first pending fault for `operation`, counting one of its `times`."""
        with self._lock:
            fault = next((f for f in self._faults if f.applies_to(operation)), None)
            if fault is None:
                return None
            if fault.after:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)


def _check_fault(kind: str, operation: str | None, times: int, options: dict) -> None:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(FAULT_KINDS)}")
    if operation is not None and operation not in FAULT_OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; one of {list(FAULT_OPERATIONS)}")
    if times < 1:
        raise ValueError("times must be at least 1")
    unknown = set(options) - FAULT_KINDS[kind]
    if unknown:
        raise ValueError(f"fault {kind!r} takes no option {sorted(unknown)}")
    if kind == "server_error" and options.get("status", 500) not in _STATUS_TITLES:
        raise ValueError("server_error status must be 500 or 503")
