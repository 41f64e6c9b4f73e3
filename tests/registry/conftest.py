"""Store fixtures run against SQLite and PostgreSQL (127.0.0.1:5432, database test). Each
PostgreSQL test gets its own schema, dropped afterwards, so parallel runs never collide."""
from __future__ import annotations

import secrets

import pytest

from registry.crypto import IdCipher
from registry.db import make_engine
from registry.store import RegistrationStore
from tests.registry.helpers import migrated_sqlite
from tests.support.postgres import migrated_schema


@pytest.fixture
def cipher() -> IdCipher:
    return IdCipher({1: secrets.token_bytes(32)})


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
    with migrated_schema("jiuye_test") as engine:
        yield engine


@pytest.fixture
def store(engine, cipher) -> RegistrationStore:
    return RegistrationStore(engine, cipher)
