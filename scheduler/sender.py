"""Drains the outbox: per message decide whether it is still wanted, which kind of message it
becomes (WeChat's 48 h rule), respect quiet hours, the rate limit and the daily cap, send, and
record the result (sent + service ledger in one transaction; retries with backoff; recipients
that are gone are marked and everything else queued for them skipped)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from platforms.errors import Outcome, SendError
from registry.models import Registration, ServiceRecord, Subscription
from scheduler import contacts, messages, outbox
from scheduler.clock import Clock
from scheduler.models import Contact, FollowUp, JobFair, OutboxMessage
from scheduler.transports import Transport
from settings.scheduler import SchedulerConfig

logger = logging.getLogger(__name__)

DELIVERED_BY = "就业助手（自动推送）"


class RateLimiter:
    """Token bucket, ``rate`` per second with a one-second burst, on the real monotonic clock
    (the injectable ``Clock`` is business time; pacing is wall time)."""

    def __init__(self, rate: float, monotonic: Callable[[], float] = time.monotonic):
        self.rate = rate
        self._monotonic = monotonic
        self._tokens = max(1.0, rate)
        self._stamp = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if self.rate <= 0:  # 0 = unlimited (benchmarks)
            return
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(max(1.0, self.rate), self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


@dataclass(frozen=True)
class Claimed:
    """A claimed row, detached from its session."""

    id: int
    kind: str
    channel: str
    user_id: str
    registration_id: Optional[int]
    fair_id: Optional[int]
    service_kind: Optional[str]
    payload: Dict[str, Any]
    attempts: int
    expires_at: Optional[dt.datetime]

    @classmethod
    def of(cls, row: OutboxMessage) -> "Claimed":
        return cls(row.id, row.kind, row.channel, row.user_id, row.registration_id, row.fair_id, row.service_kind,
                   outbox.payload_of(row), row.attempts, row.expires_at)


@dataclass(frozen=True)
class Plan:
    """How one message goes out."""

    via: str  # wechat_custom, wechat_template, telegram
    text: str
    template_id: Optional[str] = None
    template_data: Optional[Dict[str, Dict[str, str]]] = None
    note: str = ""  # for the service ledger

    @property
    def body(self) -> str:
        if self.via == "wechat_template":
            return json.dumps({"template_id": self.template_id, "data": self.template_data}, ensure_ascii=False)
        return self.text


class Skip(Exception):
    def __init__(self, state: str, reason: str):
        super().__init__(reason)
        self.state, self.reason = state, reason


@dataclass
class DrainStats:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    in_doubt: int = 0
    stopped_by: Optional[str] = None  # quiet_hours, daily_cap, quota, None (outbox empty)
    by_via: Dict[str, int] = field(default_factory=dict)


def render(session: Session, item: Claimed, config: SchedulerConfig, now: dt.datetime) -> Tuple[messages.Rendered, str]:
    """The message for a row from current data, and a ledger note; raises Skip when it is no
    longer wanted (fair cancelled or moved, unsubscribed, follow-up stopped, nothing to recommend)."""
    if item.kind == "fair_notice":
        fair = session.get(JobFair, item.fair_id) if item.fair_id else None
        if fair is None or fair.cancelled:
            raise Skip("skipped", "fair cancelled or deleted")
        if fair.starts_at.isoformat() != item.payload.get("starts_at"):
            raise Skip("skipped", "fair rescheduled (a new campaign announces the new time)")
        subscribed = session.execute(
            select(Subscription.active).where(Subscription.channel == item.channel,
                                              Subscription.user_id == item.user_id)
        ).scalar_one_or_none()
        if not subscribed:
            raise Skip("skipped", "unsubscribed")
        return messages.fair_notice(fair, config.tz), ""
    follow = session.get(FollowUp, item.registration_id) if item.registration_id else None
    if session.get(Registration, item.registration_id) is None or follow is None:
        raise Skip("skipped", "registration withdrawn")
    if follow.stopped_reason:
        raise Skip("skipped", f"follow-up stopped: {follow.stopped_reason}")
    if item.kind == "checkin":
        return messages.checkin(int(item.payload.get("number", 1))), ""
    fairs: List[JobFair] = []
    if item.service_kind == "job_recommendation":
        ids = list(item.payload.get("fair_ids", []))
        fairs = [f for f in session.execute(select(JobFair).where(JobFair.id.in_(ids))).scalars()
                 if not f.cancelled and f.starts_at > now]
        fairs.sort(key=lambda f: f.starts_at)
        if not fairs:
            raise Skip("skipped", "recommended fairs are over or cancelled")
    note = "；".join(f"招聘会：{f.name}" for f in fairs)
    return messages.service(item.service_kind or "", fairs, config.tz), note


def choose(item: Claimed, rendered: messages.Rendered, contact: Optional[Contact], config: SchedulerConfig,
           transports: Dict[str, Transport], now: dt.datetime, force_template: bool = False) -> Plan:
    """Telegram: text. WeChat: a customer-service message within 48 h of the graduate's last
    message, else the template configured for this kind of message."""
    transport = transports.get(item.channel)
    if transport is None:
        raise Skip("dead", f"channel {item.channel} is not configured")
    if not transport.supports_templates:
        return Plan(item.channel, rendered.text)
    if not force_template and contacts.in_customer_service_window(contact, now):
        return Plan("wechat_custom", rendered.text)
    template_id = config.template_fair if rendered.template == "fair" else config.template_followup
    if not template_id:
        variable = "WECHAT_TEMPLATE_FAIR" if rendered.template == "fair" else "WECHAT_TEMPLATE_FOLLOWUP"
        raise Skip("dead", f"outside the 48 h window and no {variable} configured")
    return Plan("wechat_template", rendered.text, template_id, rendered.template_data)


class Sender:
    def __init__(self, sessions: sessionmaker, transports: Dict[str, Transport], config: SchedulerConfig,
                 clock: Clock, owner: Optional[str] = None):
        self.sessions, self.transports, self.config, self.clock = sessions, transports, config, clock
        self.owner = owner or outbox.new_owner()
        self.limiter = RateLimiter(config.send_rate)
        self.paused_until: Optional[dt.datetime] = None
        self.stopping = False  # set on shutdown: finish the batch in flight, claim no more
        self._day: Optional[dt.datetime] = None
        self._sent_today = 0

    # -- gates ---------------------------------------------------------------------------------
    def _count_today(self, now: dt.datetime) -> None:
        day = self.config.day_start_utc(now)
        if day != self._day:
            with self.sessions() as session:
                self._sent_today = outbox.sent_since(session, day)
            self._day = day

    def gate(self, now: dt.datetime) -> Optional[str]:
        """Why nothing may be sent now, or None."""
        if self.paused_until and now < self.paused_until:
            return "quota"
        if self.config.quiet.is_quiet(now):
            return "quiet_hours"
        self._count_today(now)
        if self._sent_today >= self.config.daily_cap:
            return "daily_cap"
        return None

    def _resume_at(self, now: dt.datetime, reason: str) -> dt.datetime:
        if reason == "quiet_hours":
            return self.config.quiet.next_allowed(now)
        if reason == "quota" and self.paused_until:
            return self.paused_until
        return self.config.day_start_utc(now) + dt.timedelta(days=1)

    # -- draining ------------------------------------------------------------------------------
    async def drain(self, limit: Optional[int] = None) -> DrainStats:
        """Send what is due until the outbox is empty, a gate closes, or ``limit`` rows were handled."""
        stats = DrainStats()
        with self.sessions.begin() as session:
            outbox.recover(session, self.clock.now(), keep_owner=self.owner)
        batch_size = max(16, self.config.concurrency * 8)
        semaphore = asyncio.Semaphore(self.config.concurrency)
        handled = 0
        while (limit is None or handled < limit) and not self.stopping:
            now = self.clock.now()
            stats.stopped_by = self.gate(now)
            if stats.stopped_by:
                break
            size = min(batch_size, self.config.daily_cap - self._sent_today, (limit - handled) if limit else batch_size)
            with self.sessions.begin() as session:
                batch = [Claimed.of(row) for row in outbox.claim(session, self.owner, size, now, self.config.lease)]
            if not batch:
                break
            handled += len(batch)

            async def guarded(item: Claimed) -> None:
                async with semaphore:
                    await self.deliver(item, stats)

            await asyncio.gather(*(guarded(item) for item in batch))
        return stats

    async def deliver(self, item: Claimed, stats: DrainStats) -> None:
        force_template = False
        for _ in range(2):  # a second round only for the template fallback
            await self.limiter.acquire()  # before committing "sending": keep that window short
            plan = self._prepare(item, stats, force_template)
            if plan is None:
                return
            transport = self.transports[item.channel]
            try:
                if plan.via == "wechat_template":
                    await transport.send_template(item.user_id, plan.template_id or "", plan.template_data or {})
                else:
                    await transport.send_text(item.user_id, plan.text)
            except SendError as exc:
                if exc.outcome is Outcome.FALLBACK and plan.via == "wechat_custom":
                    logger.info("outbox %d: %s; sending as a template message", item.id, exc.reason)
                    force_template = True
                    continue
                self._failed(item, exc, stats)
                return
            self._sent(item, plan, stats)
            return

    def _prepare(self, item: Claimed, stats: DrainStats, force_template: bool) -> Optional[Plan]:
        """Decide and commit ``sending`` (one transaction, just before the request); None = not sent."""
        with self.sessions.begin() as session:
            now = self.clock.now()
            try:
                if item.expires_at is not None and now >= item.expires_at:
                    raise Skip("skipped", "expired before it could be sent")
                contact = contacts.get(session, item.channel, item.user_id)
                if contact is not None and contact.blocked_reason:
                    raise Skip("skipped", f"recipient unreachable: {contact.blocked_reason}")
                if contact is not None and contact.opted_out_at:
                    raise Skip("skipped", "recipient opted out (退订)")
                rendered, note = render(session, item, self.config, now)
                plan = choose(item, rendered, contact, self.config, self.transports, now, force_template)
            except Skip as skip:
                outbox.mark_final(session, item.id, self.owner, skip.state, skip.reason, now)
                setattr(stats, skip.state, getattr(stats, skip.state) + 1)
                return None
            except Exception as exc:  # a bug must not make a row loop forever
                logger.exception("outbox %d: cannot prepare", item.id)
                outbox.mark_final(session, item.id, self.owner, "dead", f"internal error: {exc!r}", now)
                stats.dead += 1
                return None
            await_gate = self.gate(now)
            if await_gate:
                outbox.release(session, item.id, self.owner, self._resume_at(now, await_gate), now)
                return None
            if not outbox.mark_sending(session, item.id, self.owner, plan.via, plan.body, now):
                logger.warning("outbox %d: lease lost; not sending", item.id)
                return None
            self._sent_today += 1
        return Plan(plan.via, plan.text, plan.template_id, plan.template_data, note)

    def _sent(self, item: Claimed, plan: Plan, stats: DrainStats) -> None:
        with self.sessions.begin() as session:
            now = self.clock.now()
            if not outbox.mark_sent(session, item.id, self.owner, now):
                logger.error("outbox %d: sent, but the row was no longer ours", item.id)
                return
            if item.service_kind and item.registration_id:
                session.add(ServiceRecord(
                    registration_id=item.registration_id, kind=item.service_kind,
                    delivered_at=self.config.local(now).date(), delivered_by=DELIVERED_BY,
                    note=f"{plan.via}，推送#{item.id}" + (f"；{plan.note}" if plan.note else ""),
                ))
        stats.sent += 1
        stats.by_via[plan.via] = stats.by_via.get(plan.via, 0) + 1

    def _failed(self, item: Claimed, exc: SendError, stats: DrainStats) -> None:
        with self.sessions.begin() as session:
            now = self.clock.now()
            if exc.outcome is Outcome.RETRY:
                row = session.get(OutboxMessage, item.id)
                state = outbox.mark_retry(session, row, self.owner, now, exc.reason, self.config.backoff,
                                          self.config.max_attempts) if row else "dead"
                stats.retried += state == "pending"
                stats.dead += state == "dead"
            elif exc.outcome is Outcome.IN_DOUBT:
                outbox.mark_final(session, item.id, self.owner, "in_doubt", exc.reason, now)
                stats.in_doubt += 1
            elif exc.outcome is Outcome.QUOTA:
                self.paused_until = self.config.day_start_utc(now) + dt.timedelta(days=1)
                # The request was refused, so the row is safe to send tomorrow.
                outbox.release(session, item.id, self.owner, self.paused_until, now, exc.reason)
                stats.retried += 1
            else:
                outbox.mark_final(session, item.id, self.owner, "dead", exc.reason, now)
                stats.dead += 1
                if exc.outcome is Outcome.RECIPIENT_GONE:
                    stats.skipped += contacts.mark_unreachable(session, item.channel, item.user_id,
                                                               exc.block_reason or "unreachable", now)
        logger.warning("outbox %d to %s: %s (%s)", item.id, item.channel, exc.reason, exc.outcome.value)
