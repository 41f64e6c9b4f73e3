"""kill -9 mid-broadcast and restart: the fake WeChat API receives each notice exactly once.

The scheduler runs as a real subprocess (``python -m jiuye.scheduler_main``: APScheduler, persistent
job store, outbox) against the loopback fake WeChat API, which delays every send so the kill
lands while requests are in flight.
"""
from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from bot.fakes.fake_wechat_api import FakeWeChatAPI
from registry.db import make_engine, migrate, session_factory
from scheduler import outbox
from scheduler.models import OutboxMessage
from tests.scheduler.helpers import add_fair, add_subscriber

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 160
SEND_DELAY = 0.08
# Sends that can be cut off between their "sending" commit and their request at one kill.
MAX_CUT_OFF = 2
TEMPLATE_PATH = "/cgi-bin/message/template/send"


def scheduler_env(database_url: str, fake: FakeWeChatAPI, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "TELEGRAM_", "JIUYE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=database_url, JIUYE_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT),
        WECHAT_API_BASE=fake.url, WECHAT_APPID=fake.appid, WECHAT_APP_SECRET=fake.secret,
        WECHAT_TEMPLATE_FAIR="TPL_FAIR", JIUYE_QUIET_HOURS="off", JIUYE_SEND_RATE="0",
        JIUYE_SEND_CONCURRENCY="4", JIUYE_DRAIN_INTERVAL="1", JIUYE_PLAN_INTERVAL="2", JIUYE_LOG_LEVEL="INFO",
    )
    return env


def start(env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "jiuye.scheduler_main"], cwd=ROOT, env=env, stdout=handle,
                            stderr=subprocess.STDOUT)


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            raise AssertionError(f"scheduler exited ({proc.returncode}) waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


def test_kill_9_mid_broadcast_then_restart_delivers_each_notice_exactly_once(tmp_path):
    import scheduler.models  # noqa: F401

    database_url = f"sqlite:///{tmp_path / 'jiuye.db'}"
    engine = make_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    openids = [f"o_crash_{n:04d}" for n in range(SUBSCRIBERS)]
    with sessions.begin() as session:
        add_fair(session, now + dt.timedelta(days=2))  # the 3-day notice is due at once
        for openid in openids:
            add_subscriber(session, openid, "长春")

    log = tmp_path / "scheduler.log"
    with FakeWeChatAPI() as fake:
        fake.inject(TEMPLATE_PATH, delay=SEND_DELAY, times=10 * SUBSCRIBERS)
        env = scheduler_env(database_url, fake, tmp_path)
        first = start(env, log)
        try:
            wait_for(lambda: len(fake.received(TEMPLATE_PATH)) >= SUBSCRIBERS // 3, 60, "a third of the sends",
                     first, log)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        at_kill = len(fake.received(TEMPLATE_PATH))
        assert at_kill < SUBSCRIBERS, "the broadcast finished before the kill: nothing was tested"
        with sessions() as session:
            states = outbox.counts(session)
        assert states["sent"] < SUBSCRIBERS and states["claimed"] + states["sending"] + states["pending"] > 0

        second = start(env, log)
        try:
            def finished() -> bool:
                with sessions() as session:
                    counts = outbox.counts(session)
                return counts["pending"] + counts["claimed"] + counts["sending"] == 0
            wait_for(finished, 90, "the outbox to drain", second, log)
            time.sleep(SEND_DELAY * 3)  # requests still inside the fake's delay finish recording
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(15)
            except subprocess.TimeoutExpired:
                second.kill()
        assert second.returncode == 0, log.read_text()[-3000:]

        received = collections.Counter(p["touser"] for p in fake.delivered(kind="template"))
    duplicates = {openid: n for openid, n in received.items() if n > 1}
    lost = [openid for openid in openids if received[openid] == 0]
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.state, OutboxMessage.user_id)).all()
    assert len(rows) == SUBSCRIBERS
    assert {state for state, _ in rows} <= {"sent", "in_doubt"}
    in_doubt = {user for state, user in rows if state == "in_doubt"}
    assert duplicates == {}, f"duplicates {duplicates}"
    # Sends cut off by the kill are "in_doubt" and never re-sent (a re-send could duplicate). One
    # killed between committing "sending" and writing its request did not arrive: by design
    # (scheduler/outbox.py, rule 3) it is reported to staff, not lost silently. Seen under CI load
    # (1 of 160); every one not received must be such a row, and only the few in flight.
    assert set(lost) <= in_doubt, f"lost without being in doubt: {sorted(set(lost) - in_doubt)}"
    assert len(lost) <= MAX_CUT_OFF, f"lost {lost}"
    assert sum(received.values()) == SUBSCRIBERS - len(lost)
    assert "recovered after an unclean stop" in log.read_text()
    engine.dispose()
