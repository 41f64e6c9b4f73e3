"""PostgreSQL for store tests (127.0.0.1:5432, database test): reachable or the test fails in CI
(skips elsewhere), and each test gets its own migrated schema, dropped afterwards. Whole
processes (`jiuye ask` end to end) get a scratch database instead: the SQL tracker store gets only
host, port and database from DATABASE_URL (jiuye/endpoints.py); Rasa reads a schema only from its
own POSTGRESQL_SCHEMA variable, so a schema in the URL would not reach it."""
from __future__ import annotations

import contextlib
import os
import uuid
from typing import Dict, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
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


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database ``<prefix>_<random>`` on the test server; dropped after,
    even if a process still holds a connection to it."""
    admin = pg_admin_engine()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # generated name, not user input
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def dump_rows(url: str) -> Dict[str, bytes]:
    """Every row of every table outside the system schemas, as PostgreSQL's text form of the
    whole row (each column, whatever its type), one entry per table: for byte searches."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            tables = connection.execute(text(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
            )).all()
            return {
                f"{schema}.{table}": "\n".join(connection.execute(
                    text(f'SELECT CAST(t AS text) FROM "{schema}"."{table}" AS t')  # names from the catalog
                ).scalars()).encode()
                for schema, table in tables
            }
    finally:
        engine.dispose()
