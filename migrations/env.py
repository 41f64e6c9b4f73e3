"""Alembic environment for every table (registry, scheduler and console share one ``Base`` and one
chain of revisions; files in versions/ are numbered in chain order). At the top level because it
imports every package's models. Uses the connection handed over by ``registry.db.migrate`` when
there is one, else ``sqlalchemy.url`` / DATABASE_URL."""
from __future__ import annotations

from alembic import context

import console.models  # noqa: F401  (their tables share Base.metadata: autogenerate sees every table)
import scheduler.models  # noqa: F401
from registry.db import VERSION_TABLE, make_engine
from registry.models import Base
from settings import load_settings

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
