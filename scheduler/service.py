"""The one scheduler process's machinery (started by `jiuye scheduler run`, jiuye/scheduler_main.py).

APScheduler 3 (AsyncIOScheduler) with a persistent SQLAlchemy job store triggers the ``plan`` and
``drain`` jobs. Exactly one scheduler may run against a database (two processes sharing a job
store run jobs twice): a PostgreSQL advisory lock or a file lock beside the SQLite file enforces
it, and is released by the OS when the process dies, even by kill -9. A second process stands by.
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from pathlib import Path
from typing import ContextManager, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine import Engine as LegacyEngine
from sqlalchemy.pool import QueuePool

import scheduler.models  # noqa: F401  (tables on the shared metadata)
from registry.db import LockBusy, engine_for, migrate, process_lock, session_factory
from scheduler import jobs, outbox, transports
from scheduler.clock import SystemClock
from scheduler.models import JOB_TABLE
from scheduler.sender import Sender
from settings.scheduler import SchedulerConfig

logger = logging.getLogger(__name__)

_LOCK_ID = zlib.crc32(b"jiuye-scheduler")
STANDBY_POLL = 5.0  # seconds between attempts to take the lock


class AlreadyRunning(LockBusy):
    """Another scheduler holds the lock of this database."""


def single_instance(engine: Engine) -> ContextManager[None]:
    """Held for the life of the scheduler; raises AlreadyRunning if another one holds it."""
    return process_lock(engine, _LOCK_ID, "scheduler-lock", wait=False, busy=AlreadyRunning)


def is_running(engine: Engine) -> Optional[bool]:
    """Whether a scheduler process holds the lock (None: cannot tell, e.g. in-memory SQLite)."""
    if engine.dialect.name != "postgresql" and (engine.url.database or ":memory:") == ":memory:":
        return None
    try:
        with single_instance(engine):
            return False
    except AlreadyRunning:
        return True


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def scheduler_engine(database_url: str) -> Engine:
    """The scheduler's engine, migrated to head. PostgreSQL: the process's shared engine
    (``registry.db.engine_for``). SQLite: an engine of its own, because every outbox transition
    is a commit — SQLAlchemy 1.4 opens and closes a new SQLite connection per session (NullPool)
    and the default journal fsyncs each commit (~15-30 ms here); a kept pool in WAL mode with
    synchronous=NORMAL commits in well under a millisecond. A commit in that mode survives a
    process crash (kill -9); only an OS crash or power cut can lose the last commits. WAL is a
    property of the database file: the other processes use it too (readers stop blocking the writer).
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return engine_for(database_url)
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, poolclass=QueuePool, pool_size=4, max_overflow=4,
                           connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def job_store(engine: Engine):
    """APScheduler 3.9's job store uses the legacy ``engine.execute`` API, which a 2.0-style
    (future) engine lacks: give it a legacy Engine on the same pool and dialect (same
    connections, search_path and pragmas). Its table comes from our migration."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # local: 0.8 s, the scheduler process only

    return SQLAlchemyJobStore(engine=LegacyEngine(engine.pool, engine.dialect, engine.url), tablename=JOB_TABLE)


async def serve(engine: Engine, stop: asyncio.Event) -> None:
    """Run until ``stop`` is set. The caller holds the single-instance lock."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler  # local: 0.8 s, the scheduler process only

    config = SchedulerConfig.from_env()
    clock = SystemClock()
    sessions = session_factory(engine)
    channels = transports.from_env()
    if not channels:
        logger.warning("no WeChat (WECHAT_APPID/WECHAT_APP_SECRET) or Telegram (TELEGRAM_TOKEN) credentials: "
                       "messages stay queued until a channel is configured")
    sender = Sender(sessions, channels, config, clock)
    with sessions.begin() as session:
        recovered = outbox.recover(session, clock.now(), keep_owner=sender.owner, orphans_only=True)
    if any(recovered.values()):
        logger.warning("recovered after an unclean stop: %d claimed rows back to pending, %d in doubt "
                       "(interrupted mid-send; not re-sent)", recovered["returned"], recovered["in_doubt"])
    jobs.install(jobs.Runtime(sessions, sender, config, clock))
    scheduler = AsyncIOScheduler(
        jobstores={"default": job_store(engine)}, timezone=str(config.tz),
        job_defaults={"coalesce": True, "max_instances": 2, "misfire_grace_time": None},
    )
    now = config.local(clock.now())
    scheduler.add_job("scheduler.jobs:plan_job", "interval", seconds=config.plan_interval, id=jobs.PLAN_JOB,
                      replace_existing=True, next_run_time=now)
    scheduler.add_job("scheduler.jobs:drain_job", "interval", seconds=config.drain_interval, id=jobs.DRAIN_JOB,
                      replace_existing=True, next_run_time=now)
    scheduler.start()
    logger.info("scheduler started (plan every %ss, drain every %ss, channels: %s)", config.plan_interval,
                config.drain_interval, ", ".join(channels) or "none")
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        sender.stopping = True
        async with jobs.current().drain_lock:  # let an in-flight drain finish its current batch
            pass
        jobs.install(None)
        for channel in channels.values():
            await channel.close()
