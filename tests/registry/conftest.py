"""Store fixtures run against SQLite and PostgreSQL (127.0.0.1:5432, database test). Each
PostgreSQL test gets its own schema, dropped afterwards, so parallel runs never collide."""
from __future__ import annotations

import os
import secrets
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from registry.crypto import IdCipher
from registry.db import make_engine, migrate
from registry.store import RegistrationStore
from tests.conftest import in_ci
from tests.registry.helpers import migrated_sqlite

PG_URL = os.environ.get("JIUYE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture
def cipher() -> IdCipher:
    return IdCipher({1: secrets.token_bytes(32)})


def _pg_admin_engine():
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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return tmp_path_factory.mktemp("ledger-template")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path, sqlite_template):
    """A migrated engine on a fresh database (SQLite file) or a fresh schema (PostgreSQL)."""
    if request.param == "sqlite":
        engine = make_engine(migrated_sqlite(tmp_path / "jiuye.db", sqlite_template))
        yield engine
        engine.dispose()
        return
    admin = _pg_admin_engine()
    schema = f"jiuye_test_{uuid.uuid4().hex[:12]}"
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
def store(engine, cipher) -> RegistrationStore:
    return RegistrationStore(engine, cipher)
