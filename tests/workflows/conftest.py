"""The registry's store fixtures (SQLite and PostgreSQL), for the workflows that span stores."""
from tests.registry.conftest import cipher, engine, sqlite_template, store  # noqa: F401
