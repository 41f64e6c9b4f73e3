"""Fixtures for the console tests: a fresh SQLite ledger with a key, the console's services on it,
two staff accounts (``operator``, an operator, and ``chief``, a supervisor), and the in-process
console server."""
from __future__ import annotations

import secrets

import pytest

from registry.crypto import IdCipher
from registry.db import make_engine, migrate
from registry.store import RegistrationStore
from settings.console import ConsoleConfig
from tests.console.helpers import PASSWORD, SUPERVISOR_NAME, ConsoleServer


@pytest.fixture
def store(tmp_path) -> RegistrationStore:
    engine = make_engine(f"sqlite:///{tmp_path / 'jiuye.db'}")
    migrate(engine)
    yield RegistrationStore(engine, IdCipher({1: secrets.token_bytes(32)}))
    engine.dispose()


@pytest.fixture
def config() -> ConsoleConfig:
    return ConsoleConfig(login_max_failures=3, login_max_failures_per_address=6)


@pytest.fixture
def services(store, kb, config):
    from console import auth
    from console.services import ConsoleServices

    services = ConsoleServices.build(store, kb, config)
    services.in_transaction(lambda s: auth.add_user(s, "operator", PASSWORD, config, display_name="王坐席"))
    services.in_transaction(lambda s: auth.add_user(s, SUPERVISOR_NAME, PASSWORD, config, display_name="李主管",
                                                    role="supervisor"))
    return services


@pytest.fixture
def server(services):
    with ConsoleServer(services) as running:
        yield running
