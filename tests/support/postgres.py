"""PostgreSQL for store tests (127.0.0.1:5432, database test): reachable or the test fails in CI
(skips elsewhere), and each test gets its own migrated schema, dropped afterwards."""
from __future__ import annotations

import contextlib
import os
import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from registry.db import make_engine, migrate
from tests.conftest import in_ci

PG_URL = os.environ.get("JIUYE_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def pg_admin_engine() -> Engine:
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


@contextlib.contextmanager
def migrated_schema(prefix: str) -> Iterator[Engine]:
    """An engine on a fresh schema ``<prefix>_<random>`` migrated to head; the schema is dropped after."""
    admin = pg_admin_engine()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
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
