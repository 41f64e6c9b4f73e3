"""The two periodic jobs APScheduler runs — ``plan`` (what is due → outbox) and ``drain``
(outbox → platforms) — and the runtime they act on.

Jobs live in the persistent job store as textual references (``scheduler.jobs:plan_job``) with
no arguments, so nothing unpicklable is stored; the service installs the runtime at start.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy.orm import sessionmaker

from scheduler import planner
from scheduler.clock import Clock
from scheduler.sender import DrainStats, Sender
from settings.scheduler import SchedulerConfig

logger = logging.getLogger(__name__)

PLAN_JOB, DRAIN_JOB = "plan", "drain"


@dataclass
class Runtime:
    sessions: sessionmaker
    sender: Sender
    config: SchedulerConfig
    clock: Clock
    drain_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def plan_once(self) -> planner.PlanResult:
        with self.sessions.begin() as session:
            return planner.plan(session, self.clock.now(), self.config)

    async def drain_once(self) -> Optional[DrainStats]:
        """One drain at a time: a trigger that finds one running returns at once."""
        if self.drain_lock.locked():
            return None
        async with self.drain_lock:
            stats = await self.sender.drain()
        if stats.sent or stats.dead or stats.in_doubt or stats.retried:
            logger.info("drain: sent %d (%s), retried %d, dead %d, skipped %d, in doubt %d; stopped by %s",
                        stats.sent, stats.by_via, stats.retried, stats.dead, stats.skipped, stats.in_doubt,
                        stats.stopped_by or "empty outbox")
        return stats


_runtime: Optional[Runtime] = None


def install(runtime: Optional[Runtime]) -> None:
    global _runtime
    _runtime = runtime


def current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("scheduler runtime not installed (run `jiuye scheduler`)")
    return _runtime


async def plan_job() -> None:
    runtime = current()
    result = await asyncio.to_thread(runtime.plan_once)
    if result.campaigns or result.checkins or result.services:
        logger.info("plan: campaigns %s (%d notices), %d check-ins, %d services, %d follow-ups stopped",
                    result.campaigns, result.notices, result.checkins, result.services, result.stopped)
        asyncio.get_running_loop().create_task(drain_job())  # do not wait for the next drain tick


async def drain_job() -> None:
    await current().drain_once()
