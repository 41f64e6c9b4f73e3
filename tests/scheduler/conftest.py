"""Scheduler fixtures: a migrated database (SQLite file, and PostgreSQL in its own schema when
reachable — pytest.fail in CI if not), a frozen clock, and a sender wired to recording transports."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from registry.db import make_engine, migrate, session_factory
from scheduler.clock import FrozenClock
from scheduler.sender import Sender
from tests.conftest import in_ci
from tests.scheduler.helpers import RecordingTransport, local, make_config

PG_URL = os.environ.get("JIUYE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def pg_admin_engine():
    engine = create_engine(PG_URL, future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL not reachable at {PG_URL}: {exc.orig}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    import scheduler.models  # noqa: F401

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'jiuye.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    admin = pg_admin_engine()
    schema = f"jiuye_sched_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))  # generated name, not user input
    engine = make_engine(PG_URL, schema=schema)
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
