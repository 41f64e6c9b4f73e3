"""What the channels tell the scheduler about a chat user (``scheduler/contacts.py``): they wrote
(which opens WeChat's 48 h customer-service window), they left (unfollowed, blocked the bot), and
Telegram's /subscribe and /unsubscribe (``scheduler/followup.py``).

Writes run in worker threads off the reply path, in arrival order per user (an unfollow after a
message must not be overtaken by it). A database hiccup is logged and never delays or breaks a
reply. User ids are not logged.

An ordinary message from a user whose contact this process recorded less than
``refresh_seconds`` ago is not written again (one COMMIT per message cost the load benchmark a
worker thread's worth of PostgreSQL waits): the stored time then lags by at most that much, which
only shortens the 48 h window the scheduler sees. Follows and unblocks (``resumed``) are always
written, so a re-follow after an unfollow recorded by another server is never skipped."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Callable, Dict, Optional, Set, Tuple

from sqlalchemy.orm import Session, sessionmaker

from registry.db import engine_for, session_factory
from registry.models import utcnow
from scheduler import contacts, followup

logger = logging.getLogger(__name__)

Write = Callable[[Session, dt.datetime], object]
MAX_PENDING = 1000  # writes waiting at once; beyond this they are dropped (logged), not queued
REFRESH_SECONDS = 300.0  # JIUYE_CONTACT_REFRESH_SECONDS
MAX_REMEMBERED = 100_000  # users whose last write time is kept in memory; then the map starts over


class Reachability:
    def __init__(self, database_url: str, sessions: Optional[sessionmaker] = None,
                 clock: Callable[[], dt.datetime] = utcnow, max_pending: int = MAX_PENDING,
                 refresh_seconds: float = REFRESH_SECONDS):
        self._url, self._sessions, self.clock, self.max_pending = database_url, sessions, clock, max_pending
        self.refresh = dt.timedelta(seconds=refresh_seconds)
        self._pending: Set[asyncio.Task] = set()
        self._last: Dict[Tuple[str, str], asyncio.Task] = {}
        self._recorded: Dict[Tuple[str, str], dt.datetime] = {}

    def sessions(self) -> sessionmaker:
        """The process's engine for DATABASE_URL, migrated on first use (in a worker thread)."""
        if self._sessions is None:

            self._sessions = session_factory(engine_for(self._url))
        return self._sessions

    # -- fire and forget ---------------------------------------------------------------------
    def inbound(self, channel: str, user_id: str, resumed: bool = False) -> None:
        """The user wrote or acted just now: reachable again, and WeChat's 48 h window opens.
        ``resumed``: a follow or unblock, always written (see the module docstring)."""
        key, now = (channel, user_id), self.clock()
        last = self._recorded.get(key)
        if not resumed and last is not None and now - last < self.refresh:
            return
        if len(self._recorded) >= MAX_REMEMBERED:
            self._recorded.clear()
        self._recorded[key] = now
        self._spawn("inbound", channel, user_id, lambda s, now: contacts.record_inbound(s, channel, user_id, now))

    def unreachable(self, channel: str, user_id: str, reason: str) -> None:
        """Unfollowed / bot blocked / invalid user: blocked, and everything queued for them skipped."""
        self._recorded.pop((channel, user_id), None)
        self._spawn(reason, channel, user_id,
                    lambda s, now: contacts.mark_unreachable(s, channel, user_id, reason, now))

    def forget(self, channel: str, user_id: str) -> None:
        """The user withdrew (workflows/erasure.py): not remembered here, and the contact row deleted
        after any write of it still pending (an inbound write of the withdrawal message itself
        may land after the action server deleted the row)."""
        self._recorded.pop((channel, user_id), None)
        self._spawn("erasure", channel, user_id, lambda s, now: contacts.delete(s, channel, user_id))

    # -- awaited (the reply depends on the outcome) ------------------------------------------
    async def subscribe(self, channel: str, user_id: str) -> bool:
        """订阅招聘会 from a command: region and major from the registration, if any."""
        return await self._spawn("subscribe", channel, user_id,
                                 lambda s, now: followup.subscribe(s, channel, user_id, None, (), now))

    async def unsubscribe(self, channel: str, user_id: str) -> bool:
        """退订: no proactive messages of any kind; queued ones are skipped."""
        return await self._spawn("unsubscribe", channel, user_id,
                                 lambda s, now: followup.unsubscribe(s, channel, user_id, now))

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait for the writes in flight (shutdown, tests)."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout)

    # -- machinery ---------------------------------------------------------------------------
    def _spawn(self, what: str, channel: str, user_id: str, write: Write) -> "asyncio.Future[bool]":
        if len(self._pending) >= self.max_pending:
            logger.error("%s %s not recorded: %d contact writes already pending", channel, what, len(self._pending))
            done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            done.set_result(False)
            return done
        key, now = (channel, user_id), self.clock()
        task = asyncio.create_task(self._run(what, channel, write, now, self._last.get(key)))
        self._last[key] = task
        self._pending.add(task)
        task.add_done_callback(lambda t: self._forget(key, t))
        return task

    def _forget(self, key: Tuple[str, str], task: asyncio.Task) -> None:
        self._pending.discard(task)
        if self._last.get(key) is task:
            del self._last[key]

    async def _run(self, what: str, channel: str, write: Write, now: dt.datetime,
                   previous: Optional[asyncio.Task]) -> bool:
        if previous is not None:
            await asyncio.wait({previous})
        try:
            await asyncio.to_thread(self._commit, write, now)
            return True
        except Exception as exc:
            logger.error("%s %s not recorded: %s", channel, what, type(exc).__name__)
            return False

    def _commit(self, write: Write, now: dt.datetime) -> None:
        with self.sessions().begin() as session:
            write(session, now)
