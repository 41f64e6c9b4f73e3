"""Builders for scheduler tests: rows written directly (fast), local times, a recording transport."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

from platforms.errors import Outcome, SendError
from registry.models import Registration, Subscription
from scheduler.models import JobFair
from settings.scheduler import QuietHours, SchedulerConfig

SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A Shanghai wall-clock time as naive UTC (the database's convention)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(SHANGHAI)


def make_config(**overrides) -> SchedulerConfig:
    values = dict(
        quiet=QuietHours.parse("22:00-08:00", SHANGHAI), template_fair="TPL_FAIR", template_followup="TPL_FOLLOWUP",
        send_rate=0, concurrency=4, backoff=dt.timedelta(seconds=30),
    )
    values.update(overrides)
    return SchedulerConfig(**values)


def add_fair(session, starts: dt.datetime, hours: float = 6, **fields) -> JobFair:
    number = next(_serial)
    values = dict(code=f"fair-{number}", name=f"测试招聘会{number}", starts_at=starts,
                  ends_at=starts + dt.timedelta(hours=hours), city="长春", province="吉林", online=False,
                  address="测试会展中心", organiser="测试主办单位", majors=None, industries=None, cancelled=False)
    values.update(fields)
    fair = JobFair(**values)
    session.add(fair)
    session.flush()
    return fair


def add_subscriber(session, user_id: str, region: Optional[str] = "长春", majors: Sequence[str] = (),
                   channel: str = "wechat", active: bool = True) -> Subscription:
    row = Subscription(channel=channel, user_id=user_id, region=region, majors=",".join(majors) or None,
                       active=active)
    session.add(row)
    session.flush()
    return row


def add_registration(session, sender_id: str, created: dt.datetime, intention: str = "就业", city: str = "长春",
                     major: str = "软件工程", channel: str = "wechat", **fields) -> Registration:
    number = next(_serial)
    values = dict(
        reg_no=f"JYTEST{number:08d}", name="测试", id_cipher="x", id_hash=f"h{number}-{sender_id}",
        id_masked="2201**********123X", phone="13800000000", school="测试大学", major=major, education="本科",
        grad_year=2024, hukou_city=city, city=city, province="吉林", intention=intention, hardship="无",
        one_to_one=False, status="active", channel=channel, sender_id=sender_id, created_at=created,
        updated_at=created,
    )
    values.update(fields)
    row = Registration(**values)
    session.add(row)
    session.flush()
    return row


@dataclass
class Sent:
    user_id: str
    via: str  # text or template
    at: dt.datetime
    text: str = ""
    template_id: str = ""
    data: Dict[str, Dict[str, str]] = field(default_factory=dict)


class RecordingTransport:
    """A transport that records sends at the frozen clock's time and fails on request:
    ``failures[user_id]`` is a list of SendErrors raised by that user's next sends."""

    def __init__(self, clock, channel: str = "wechat", supports_templates: bool = True):
        self.clock, self.channel, self.supports_templates = clock, channel, supports_templates
        self.sent: List[Sent] = []
        self.failures: Dict[str, List[SendError]] = {}

    def fail(self, user_id: str, outcome: Outcome, reason: str = "injected", block: Optional[str] = None,
             times: int = 1) -> None:
        self.failures.setdefault(user_id, []).extend(SendError(outcome, reason, block) for _ in range(times))

    def _maybe_fail(self, user_id: str) -> None:
        queue = self.failures.get(user_id)
        if queue:
            raise queue.pop(0)

    async def send_text(self, user_id: str, text: str) -> None:
        self._maybe_fail(user_id)
        self.sent.append(Sent(user_id, "text", self.clock.now(), text=text))

    async def send_template(self, user_id: str, template_id: str, data) -> None:
        self._maybe_fail(user_id)
        self.sent.append(Sent(user_id, "template", self.clock.now(), template_id=template_id, data=data))

    async def close(self) -> None:
        return None

    def users(self) -> List[str]:
        return [s.user_id for s in self.sent]
