"""Scheduler fixtures: a migrated database (SQLite file, and PostgreSQL in its own schema when
reachable — pytest.fail in CI if not), a frozen clock, and a sender wired to recording transports."""
from __future__ import annotations

import pytest

from registry.db import make_engine, migrate, session_factory
from scheduler.clock import FrozenClock
from scheduler.sender import Sender
from tests.scheduler.helpers import RecordingTransport, local, make_config
from tests.support.postgres import migrated_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    import scheduler.models  # noqa: F401

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'jiuye.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    with migrated_schema("jiuye_sched") as engine:
        yield engine


@pytest.fixture
def sqlite_engine(tmp_path):
    import scheduler.models  # noqa: F401

    engine = make_engine(f"sqlite:///{tmp_path / 'jiuye.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


@pytest.fixture
def clock():
    return FrozenClock(local(2030, 4, 1, 10, 0))


@pytest.fixture
def config():
    return make_config()


@pytest.fixture
def wechat(clock):
    return RecordingTransport(clock, "wechat")


@pytest.fixture
def telegram(clock):
    return RecordingTransport(clock, "telegram", supports_templates=False)


@pytest.fixture
def sender(sessions, wechat, telegram, config, clock):
    return Sender(sessions, {"wechat": wechat, "telegram": telegram}, config, clock)
