"""Broadcast benchmark: N synthetic subscribers (default 100,000) receive one job-fair notice
through the real planner, outbox and sender (WeChat template messages, the real API client)
against the fake WeChat API running in a separate process. Reports messages per second, peak
memory of the scheduler side, and duplicates / losses counted at the fake.

    .venv/bin/python bench/bench_broadcast.py [--subscribers 100000] [--concurrency 16]
        [--database-url postgresql+psycopg2://postgres@127.0.0.1:5432/test]   (default: SQLite in a temp dir)
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def fake_server(conn) -> None:
    """Child process: the fake WeChat API; answers 'count' with per-openid delivered counts."""
    from bot.fakes.fake_wechat_api import FakeWeChatAPI

    with FakeWeChatAPI() as fake:
        conn.send((fake.url, fake.appid, fake.secret))
        while conn.recv() == "count":
            delivered = collections.Counter(p["touser"] for p in fake.delivered(kind="template"))
            conn.send((dict(delivered), len(fake.received("/message/")), fake.token_fetches))
            fake.requests.clear()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from sqlalchemy import insert, text

    from platforms.wechat import WeChatClient
    from platforms.wechat_token import MemoryTokenStore
    from registry.db import make_engine, session_factory
    from registry.models import Subscription, utcnow
    from scheduler import outbox, planner
    from scheduler.clock import SystemClock
    from scheduler.models import JobFair
    from scheduler.sender import Sender
    from scheduler.service import scheduler_engine
    from scheduler.transports import WeChatTransport
    from settings.scheduler import QuietHours, SchedulerConfig

    schema = None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.database_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))  # generated name
        from registry.db import migrate

        engine = make_engine(args.database_url, schema=schema)
        migrate(engine)
        backend = "PostgreSQL"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench_broadcast_"))
        engine = scheduler_engine(f"sqlite:///{workdir / 'jiuye.db'}")
        backend = "SQLite (WAL)"
    sessions = session_factory(engine)
    clock = SystemClock()
    now = clock.now()
    n = args.subscribers
    openids = [f"o_bench_{i:06d}" for i in range(n)]
    with sessions.begin() as session:
        session.add(JobFair(code="bench", name="基准测试招聘会", starts_at=now + dt.timedelta(days=2),
                            ends_at=now + dt.timedelta(days=2, hours=6), city="长春", province="吉林", online=False,
                            address="测试会展中心", organiser="测试主办单位", cancelled=False))
        stamp = utcnow()
        for start in range(0, n, 5000):
            session.execute(insert(Subscription), [
                {"channel": "wechat", "user_id": openid, "region": "长春", "majors": None, "channels": None,
                 "active": True, "created_at": stamp, "updated_at": stamp} for openid in openids[start:start + 5000]])

    config = SchedulerConfig(quiet=QuietHours.parse("off", SchedulerConfig().tz), template_fair="TPL_FAIR",
                             send_rate=0, daily_cap=10 * n, concurrency=args.concurrency)
    started = time.perf_counter()
    with sessions.begin() as session:
        planned = planner.plan(session, clock.now(), config)
    plan_seconds = time.perf_counter() - started

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=fake_server, args=(child,), daemon=True)
    server.start()
    url, appid, secret = parent.recv()

    async def drain():
        client = WeChatClient(url, appid, secret, MemoryTokenStore(), attempts=1)
        sender = Sender(sessions, {"wechat": WeChatTransport(client)}, config, clock)
        try:
            return await sender.drain()
        finally:
            await client.close()

    started = time.perf_counter()
    stats = asyncio.run(drain())
    send_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parent.send("count")
    delivered, requests, token_fetches = parent.recv()
    parent.send("stop")
    server.join(5)
    with sessions() as session:
        states = outbox.counts(session)
    duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    lost = sum(1 for openid in openids if openid not in delivered)
    result = {
        "date": dt.date.today().isoformat(), "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}", "database": backend,
        "subscribers": n, "planned": planned.notices, "plan_seconds": round(plan_seconds, 1),
        "send_seconds": round(send_seconds, 1), "messages_per_second": round(stats.sent / send_seconds, 1),
        "concurrency": args.concurrency, "peak_rss_mb": round(peak_mb), "sent": stats.sent,
        "requests_at_fake": requests, "token_fetches": token_fetches, "duplicates": duplicates, "lost": lost,
        "outbox": states,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    engine.dispose()
    if schema:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return 0 if duplicates == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
