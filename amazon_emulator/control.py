"""The control port of a standalone emulator (`python -m amazon_emulator --control-port N`).

What tests do to an in-process `AmazonEmulator` (add orders, read them back, inject faults),
over loopback HTTP, for an emulator running as a process of its own. JSON in, JSON out:

    POST   /orders         {"seller_id", "orders": [Order, ...]}          -> {"added"}
    POST   /orders/read    {"seller_id", "order_ids": [...]}              -> {"orders": {id: Order}}
    POST   /faults         {"kind", "operation", "times", "after", "options"}  -> /faults' answer
    POST   /faults/random  {"seed", "count", "kinds", "operation", "max_gap", "options"}
                                                                        -> {"planned": [...]}
    GET    /faults         -> {"injected", "served", "pending", "served_by_kind"}
    DELETE /faults         -> the faults not served yet are dropped
    GET    /requests       -> {"by_operation": {operation: {status: count}},
                               "requests": [{"operation", "status", "query"}, ...]}

Seeded random faults are planned once, from the seed: a fault kind and a number of good calls
before it (0 to `max_gap`), so the same seed gives the same faults for the same calls.
`options` gives each kind its options ({"throttle": {"retry_after": 1}}).
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .ratelimit import USAGE_PLANS, UsagePlan
from .server import AmazonEmulator

_log = logging.getLogger("amazon_emulator.control")


class _BadRequest(Exception):
    """The control request is wrong; answered 400 with the message."""


class EmulatorControl:
    """The control operations, and the count of the faults they injected."""

    def __init__(self, emulator: AmazonEmulator):
        self._emulator = emulator
        self._lock = threading.Lock()
        self._injected: Counter[str] = Counter()  # fault kind -> calls it was injected for
        self._dropped: Counter[str] = Counter()

    def add_orders(self, body: dict) -> dict:
        seller_id, orders = _field(body, "seller_id", str), _field(body, "orders", list)
        for order in orders:
            self._emulator.add_order(seller_id, order)
        return {"added": len(orders)}

    def read_orders(self, body: dict) -> dict:
        seller_id = _field(body, "seller_id", str)
        order_ids = _field(body, "order_ids", list)
        return {
            "orders": {
                order_id: self._emulator.get_stored_order(seller_id, order_id)
                for order_id in order_ids
            }
        }

    def inject_fault(self, body: dict) -> dict:
        self._inject(
            _field(body, "kind", str),
            body.get("operation"),
            times=int(body.get("times", 1)),
            after=int(body.get("after", 0)),
            options=body.get("options") or {},
        )
        return self.faults()

    def inject_random_faults(self, body: dict) -> dict:
        kinds = _field(body, "kinds", list)
        if not kinds:
            raise _BadRequest("kinds must name at least one fault kind")
        options = body.get("options") or {}
        chance = random.Random(_field(body, "seed", int))
        planned = []
        for _number in range(_field(body, "count", int)):
            kind = chance.choice(kinds)
            after = chance.randint(0, int(body.get("max_gap", 3)))
            self._inject(kind, body.get("operation"), 1, after, options.get(kind) or {})
            planned.append({"kind": kind, "after": after})
        return {"planned": planned}

    def _inject(self, kind: str, operation, times: int, after: int, options: dict) -> None:
        try:
            self._emulator.inject_fault(kind, operation, times=times, after=after, **options)
        except (TypeError, ValueError) as error:
            raise _BadRequest(str(error)) from None
        with self._lock:
            self._injected[kind] += times

    def faults(self) -> dict:
        pending = self._emulator.pending_faults
        waiting = Counter()
        for fault in pending:
            waiting[fault.kind] += fault.times
        with self._lock:
            served = self._injected - self._dropped - waiting
            injected = sum(self._injected.values()) - sum(self._dropped.values())
        return {
            "injected": injected,
            "served": sum(served.values()),
            "served_by_kind": dict(served),
            "pending": [
                {"kind": f.kind, "operation": f.operation, "times": f.times, "after": f.after}
                for f in pending
            ],
        }

    def clear_faults(self) -> dict:
        with self._lock:
            for fault in self._emulator.pending_faults:
                self._dropped[fault.kind] += fault.times
            self._emulator.clear_faults()
        return self.faults()

    def requests(self) -> dict:
        """What was asked and answered, oldest first: operations, statuses and query strings
        (never headers or bodies, which hold tokens and buyer data)."""
        recorded = self._emulator.requests
        by_operation: dict[str, Counter] = {}
        for request in recorded:
            by_operation.setdefault(request.operation or "unknown", Counter())[request.status] += 1
        return {
            "by_operation": {
                operation: {str(status): count for status, count in statuses.items()}
                for operation, statuses in by_operation.items()
            },
            "requests": [
                {"operation": r.operation, "status": r.status, "query": r.query} for r in recorded
            ],
        }

    def routes(self) -> dict[tuple[str, str], Callable[[dict], dict]]:
        return {
            ("POST", "/orders"): self.add_orders,
            ("POST", "/orders/read"): self.read_orders,
            ("POST", "/faults"): self.inject_fault,
            ("POST", "/faults/random"): self.inject_random_faults,
            ("GET", "/faults"): lambda _body: self.faults(),
            ("DELETE", "/faults"): lambda _body: self.clear_faults(),
            ("GET", "/requests"): lambda _body: self.requests(),
        }


def _field(body: dict, name: str, kind: type):
    value = body.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _BadRequest(f"{name} must be a {kind.__name__}")
    return value


def raise_usage_plan(operation: str, rate: float) -> None:
    """Serve a raised usage plan for `operation` (Amazon grants some sellers more than the
    default): its rate is what `x-amzn-RateLimit-Limit` tells, and what throttling enforces."""
    if operation not in USAGE_PLANS:
        raise ValueError(f"unknown operation {operation!r}; one of {sorted(USAGE_PLANS)}")
    if rate <= 0:
        raise ValueError("a usage plan's rate must be positive")
    USAGE_PLANS[operation] = UsagePlan(rate, USAGE_PLANS[operation].burst)


class ControlServer:
    """The control operations on a loopback HTTP server of their own."""

    def __init__(self, emulator: AmazonEmulator, host: str = "127.0.0.1", port: int = 0):
        control = EmulatorControl(emulator)
        self._server = ThreadingHTTPServer((host, port), _control_handler(control.routes()))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="amazon-emulator-control",
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ControlServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _control_handler(routes: dict[tuple[str, str], Callable[[dict], dict]]):
    class ControlHandler(BaseHTTPRequestHandler):
        server_version = "amazon_emulator-control"
        sys_version = ""

        def do_GET(self) -> None:
            self._dispatch()

        do_POST = do_DELETE = do_GET

        def _dispatch(self) -> None:
            operation = routes.get((self.command, urlsplit(self.path).path.rstrip("/")))
            if operation is None:
                self._reply(404, {"error": f"no control operation {self.command} {self.path}"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(body, dict):
                    raise _BadRequest("the body must be a JSON object")
                self._reply(200, operation(body))
            except (_BadRequest, ValueError, KeyError) as error:
                self._reply(400, {"error": str(error)})

        def _reply(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            _log.debug("amazon_emulator control: %s", format % args)

    return ControlHandler
