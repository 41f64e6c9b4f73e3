"""An injectable clock, so tests freeze time instead of sleeping.

Times are naive UTC everywhere in the database (as in ``registry.models``); the local time zone
(Asia/Shanghai) is only used to decide quiet hours, the daily cap's day and how times are shown.
"""
from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Naive UTC."""


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: dt.datetime):
        self._now = to_naive_utc(at)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, at: dt.datetime) -> None:
        self._now = to_naive_utc(at)

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now


def to_naive_utc(value: dt.datetime) -> dt.datetime:
    """Aware → naive UTC; naive values are taken to be UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value
