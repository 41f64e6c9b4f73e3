"""Engine and session factory for the database named by DATABASE_URL, and schema migrations.

Nothing connects at import time: ``make_engine`` builds an engine when called, ``engine_for``
caches one per URL per process and brings its schema to the latest migration first, so every
process that touches the ledger (action server, channels, scheduler, console, CLI) works on a
fresh clone without a separate setup step.
"""
from __future__ import annotations

import contextlib
import fcntl
import threading
import zlib
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Type

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from settings import PROJECT_DIR

MIGRATIONS_DIR = PROJECT_DIR / "migrations"  # every package's tables, one chain (migrations/env.py)
VERSION_TABLE = "registry_alembic_version"
_LOCK_ID = zlib.crc32(b"jiuye-registry-migrations")

_engines: Dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys enforced, and deleted rows overwritten: without ``secure_delete`` SQLite leaves
    a withdrawn person's rows readable in the file's free pages."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def harden_sqlite(engine: Engine) -> None:
    """Every new connection of a SQLite ``engine`` gets ``_sqlite_pragmas`` (also used for Rasa's
    tracker store engine, jiuye/tracker_store.py); connections already pooled are dropped."""
    event.listen(engine, "connect", _sqlite_pragmas)
    engine.dispose()


def make_engine(url: str, schema: Optional[str] = None) -> Engine:
    """A new engine (SQLAlchemy 2.0 style). ``schema`` puts every table in a PostgreSQL schema
    (tests use one per run); SQLite files get their folder created."""
    parsed = make_url(url)
    # hide_parameters: a driver error in a log line must not quote names or phone numbers
    kwargs: Dict[str, object] = {"future": True, "pool_pre_ping": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    elif schema:
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        harden_sqlite(engine)
    return engine


def upsert_insert(session: Session, table: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` clauses for this session's database (SQLite or PostgreSQL,
    the two we run on)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"upserts need SQLite or PostgreSQL, not {dialect}")


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def alembic_config(engine: Optional[Engine] = None):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


class LockBusy(RuntimeError):
    """Another process holds the lock (raised only when asked not to wait)."""

@contextlib.contextmanager
def _advisory_lock(connection: Connection, lock_id: int, wait: bool, busy: Type[LockBusy]) -> Iterator[None]:
    if wait:
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
    elif not connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": lock_id}).scalar():
        raise busy(f"another process holds PostgreSQL advisory lock {lock_id}")
    connection.commit()
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
        connection.commit()


@contextlib.contextmanager
def _file_lock(path: str, wait: bool, busy: Type[LockBusy]) -> Iterator[None]:
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy(f"another process holds {path}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def process_lock(engine: Engine, lock_id: int, file_suffix: str, wait: bool = True,
                 connection: Optional[Connection] = None, busy: Type[LockBusy] = LockBusy) -> Iterator[None]:
    """An exclusive lock among the processes using this database, which the OS releases when its
    holder dies (even by kill -9): a PostgreSQL session advisory lock ``lock_id`` (on
    ``connection``, or a connection of its own), a file lock on ``<sqlite file>.<file_suffix>``,
    nothing for in-memory SQLite. ``wait=False`` raises ``busy`` (a LockBusy) instead of waiting."""
    if engine.dialect.name == "postgresql":
        with contextlib.ExitStack() as stack:
            held = connection if connection is not None else stack.enter_context(engine.connect())
            with _advisory_lock(held, lock_id, wait, busy):
                yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with _file_lock(f"{database}.{file_suffix}", wait, busy):
        yield


def migrate(engine: Engine, revision: str = "head") -> None:
    """``alembic upgrade <revision>`` on this engine's database; concurrent first starts (action
    server and channel process at once) take turns."""
    config = alembic_config(engine)
    with engine.connect() as connection, process_lock(engine, _LOCK_ID, "migrate-lock", connection=connection):
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def engine_for(url: str) -> Engine:
    """The process's engine for ``url``, migrated to head on first use."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            migrate(engine)
            _engines[url] = engine
        return engine


def dispose_all() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
