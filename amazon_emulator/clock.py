"""Time helpers: the emulator clock and Amazon's ISO 8601 timestamps."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, like Amazon does for timestamps without offset."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """Amazon's wire format: second precision, UTC, `Z` suffix."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; raises ValueError when it is not one."""
    return as_utc(datetime.fromisoformat(text.strip().replace("z", "Z")))


def timestamp_or_none(text) -> datetime | None:
    """The ISO 8601 timestamp a document gives, None when it gives none or not one."""
    if not isinstance(text, str):
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        return None


class ManualClock:
    """A clock for tests: time only moves when told to.

    Pass it as `AmazonEmulator(clock=ManualClock(...))`; every instance is a callable
    returning the current (timezone-aware, UTC) time.
    """

    def __init__(self, start: datetime | None = None):
        self._now = as_utc(start or utc_now())
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **timedelta_kwargs) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds, **timedelta_kwargs)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = as_utc(moment)
