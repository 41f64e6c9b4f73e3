"""Scheduler configuration from the environment, read when the scheduler starts (never at import).

| variable | default | meaning |
|---|---|---|
| JIUYE_TIMEZONE | Asia/Shanghai | local time for quiet hours, the daily cap's day and displayed times |
| JIUYE_QUIET_HOURS | 22:00-08:00 | no sends in this local window (`off` for none); due sends wait for its end |
| JIUYE_FAIR_OFFSETS | 3d,1d | job-fair notices this long before the start (units d, h, m) |
| JIUYE_FOLLOWUP_DAYS | 14 | days between follow-up check-ins |
| WECHAT_TEMPLATE_FAIR | unset | template id for job-fair notices outside the 48 h window |
| WECHAT_TEMPLATE_FOLLOWUP | unset | template id for check-ins and 1311×N services outside the 48 h window |
| JIUYE_SEND_RATE | 20 | messages per second, all channels together (Telegram allows ~30/s); 0 for no limit |
| JIUYE_DAILY_CAP | 80000 | messages per local day (WeChat template messages: ~100,000/day) |
| JIUYE_SEND_CONCURRENCY | 4 | sends in flight at once |
| JIUYE_SEND_MAX_ATTEMPTS | 6 | attempts for transient errors before a message is dead |
| JIUYE_SEND_BACKOFF | 30 | seconds before the first retry; doubles per attempt, at most 1 h |
| JIUYE_PLAN_INTERVAL | 60 | seconds between planning runs (what is due, who matches) |
| JIUYE_DRAIN_INTERVAL | 5 | seconds between outbox drains |
| JIUYE_LEASE_SECONDS | 120 | how long a claimed outbox row stays reserved for its claimer |
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from settings import parse

_OFFSET = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}

# 1311×N: at least 1 career guidance, 3 job recommendations, 1 skills training, 1 internship
# offer. Each step is (ledger kind, ordinal, days after registration). The ordinal lets the
# ledger count what staff already delivered by hand: a step is skipped when the ledger already
# holds that many services of its kind.
SERVICE_PLAN: Tuple[Tuple[str, int, int], ...] = (
    ("career_guidance", 1, 1),
    ("job_recommendation", 1, 3),
    ("skills_training", 1, 7),
    ("job_recommendation", 2, 10),
    ("internship_offer", 1, 14),
    ("job_recommendation", 3, 17),
)


def parse_offset(text: str) -> dt.timedelta:
    match = _OFFSET.match(text)
    if not match:
        raise ValueError(f"bad offset {text!r}: use e.g. 3d, 12h, 30m")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def offset_label(offset: dt.timedelta) -> str:
    """3 days → '3d' (the label is part of the campaign key, so it must be stable)."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


@dataclass(frozen=True)
class QuietHours:
    """A daily local window without sends; ``start > end`` wraps midnight (22:00-08:00)."""

    start: Optional[dt.time]
    end: Optional[dt.time]
    tz: ZoneInfo

    @classmethod
    def parse(cls, text: str, tz: ZoneInfo) -> "QuietHours":
        if text.strip().lower() in ("", "off", "none"):
            return cls(None, None, tz)
        try:
            start_text, end_text = text.split("-")
            start, end = dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip())
        except ValueError:
            raise ValueError(f"bad quiet hours {text!r}: use HH:MM-HH:MM or off") from None
        return cls(start, end, tz)

    def _local(self, utc: dt.datetime) -> dt.datetime:
        return utc.replace(tzinfo=dt.timezone.utc).astimezone(self.tz)

    def is_quiet(self, utc: dt.datetime) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        t = self._local(utc).time()
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def next_allowed(self, utc: dt.datetime) -> dt.datetime:
        """``utc`` itself when sending is allowed then, else the end of its quiet window (naive UTC)."""
        if not self.is_quiet(utc):
            return utc
        local = self._local(utc)
        assert self.end is not None  # is_quiet: never quiet without a window
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += dt.timedelta(days=1)
        return end.astimezone(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class SchedulerConfig:
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    quiet: QuietHours = field(default_factory=lambda: QuietHours.parse("22:00-08:00", ZoneInfo("Asia/Shanghai")))
    fair_offsets: Tuple[dt.timedelta, ...] = (dt.timedelta(days=3), dt.timedelta(days=1))
    followup_interval: dt.timedelta = dt.timedelta(days=14)
    template_fair: Optional[str] = None
    template_followup: Optional[str] = None
    send_rate: float = 20.0
    daily_cap: int = 80000
    concurrency: int = 4
    max_attempts: int = 6
    backoff: dt.timedelta = dt.timedelta(seconds=30)
    plan_interval: float = 60.0
    drain_interval: float = 5.0
    lease: dt.timedelta = dt.timedelta(seconds=120)
    service_plan: Tuple[Tuple[str, int, int], ...] = SERVICE_PLAN

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "SchedulerConfig":
        env = os.environ if env is None else env
        zone = parse.text(env, "JIUYE_TIMEZONE", "Asia/Shanghai") or "Asia/Shanghai"
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise parse.SettingsError("JIUYE_TIMEZONE", zone, "时区名，如 Asia/Shanghai",
                                      "must be a time zone name such as Asia/Shanghai") from None
        offsets_text = parse.text(env, "JIUYE_FAIR_OFFSETS", "3d,1d") or "3d,1d"
        try:
            offsets = tuple(parse_offset(part) for part in offsets_text.split(",") if part.strip())
        except ValueError:
            raise parse.SettingsError("JIUYE_FAIR_OFFSETS", offsets_text, "以逗号分隔的时长，如 3d,12h,30m",
                                      "must be durations separated by commas, e.g. 3d,12h,30m") from None
        quiet_text = env.get("JIUYE_QUIET_HOURS", "22:00-08:00")
        try:
            quiet = QuietHours.parse(quiet_text, tz)
        except ValueError:
            raise parse.SettingsError("JIUYE_QUIET_HOURS", quiet_text, " HH:MM-HH:MM 或 off",
                                      "must be HH:MM-HH:MM or off") from None
        return cls(
            tz=tz,
            quiet=quiet,
            fair_offsets=tuple(sorted(set(offsets), reverse=True)),
            followup_interval=dt.timedelta(days=parse.number(env, "JIUYE_FOLLOWUP_DAYS", 14, exclusive=True)),
            template_fair=parse.text(env, "WECHAT_TEMPLATE_FAIR"),
            template_followup=parse.text(env, "WECHAT_TEMPLATE_FOLLOWUP"),
            send_rate=parse.number(env, "JIUYE_SEND_RATE", 20),  # 0: no rate limit
            daily_cap=parse.integer(env, "JIUYE_DAILY_CAP", 80000, minimum=1),
            concurrency=parse.integer(env, "JIUYE_SEND_CONCURRENCY", 4, minimum=1),
            max_attempts=parse.integer(env, "JIUYE_SEND_MAX_ATTEMPTS", 6, minimum=1),
            backoff=dt.timedelta(seconds=parse.number(env, "JIUYE_SEND_BACKOFF", 30)),
            plan_interval=parse.number(env, "JIUYE_PLAN_INTERVAL", 60, exclusive=True),
            drain_interval=parse.number(env, "JIUYE_DRAIN_INTERVAL", 5, exclusive=True),
            lease=dt.timedelta(seconds=parse.number(env, "JIUYE_LEASE_SECONDS", 120, exclusive=True)),
        )

    def local(self, utc: dt.datetime) -> dt.datetime:
        return utc.replace(tzinfo=dt.timezone.utc).astimezone(self.tz)

    def day_start_utc(self, utc: dt.datetime) -> dt.datetime:
        """Start of the local day containing ``utc``, as naive UTC (the daily cap's window)."""
        midnight = self.local(utc).replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight.astimezone(dt.timezone.utc).replace(tzinfo=None)
