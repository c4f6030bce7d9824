"""Run the emulator in the foreground: `python -m amazon_emulator --port 8765 --scenario demo`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading

from .control import ControlServer, raise_usage_plan
from .scenarios import SCENARIOS
from .server import AmazonEmulator


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m amazon_emulator", description="Local Amazon SP-API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--scenario", default="demo", choices=sorted(SCENARIOS))
    parser.add_argument("--scenario-file", help="JSON scenario loaded after --scenario")
    parser.add_argument("--models-dir", help="Amazon's API models (else $AMAZON_MODELS_DIR)")
    parser.add_argument("--no-validate", action="store_true", help="skip contract checks")
    parser.add_argument("--enforce-rate-limits", action="store_true")
    parser.add_argument(
        "--feed-processing-polls",
        type=int,
        default=1,
        help="getFeed calls answered IN_PROGRESS before a feed is DONE (0: done at once)",
    )
    parser.add_argument(
        "--control-port",
        type=int,
        help="also serve the control operations (orders, faults) on this port; 0 picks one",
    )
    parser.add_argument(
        "--usage-plan",
        action="append",
        default=[],
        metavar="OPERATION=RATE",
        help="serve a raised usage plan, e.g. searchOrders=5 (requests per second)",
    )
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    try:
        args.usage_plans = [_usage_plan(value) for value in args.usage_plan]
    except ValueError as error:
        parser.error(f"--usage-plan: {error}")
    return args


def _usage_plan(value: str) -> tuple[str, float]:
    operation, separator, rate = value.partition("=")
    if not separator:
        raise ValueError(f"expected OPERATION=RATE, not {value!r}")
    return operation, float(rate)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(message)s")
    try:
        for operation, rate in args.usage_plans:
            raise_usage_plan(operation, rate)
    except ValueError as error:
        raise SystemExit(f"--usage-plan: {error}") from None
    emulator = AmazonEmulator(
        host=args.host,
        port=args.port,
        models_dir=args.models_dir,
        validate=not args.no_validate,
        enforce_rate_limits=args.enforce_rate_limits,
        feed_processing_polls=args.feed_processing_polls,
    )
    emulator.load_scenario(args.scenario)
    if args.scenario_file:
        emulator.load_scenario_file(args.scenario_file)
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    with emulator, contextlib.ExitStack() as control:
        print(
            f"amazon_emulator: scenario {args.scenario!r} served at {emulator.url} "
            f"(token URL {emulator.lwa_url})",
            flush=True,
        )
        if args.control_port is not None:
            server = control.enter_context(ControlServer(emulator, args.host, args.control_port))
            print(f"amazon_emulator: control operations at {server.url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
