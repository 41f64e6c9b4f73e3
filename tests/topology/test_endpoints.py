"""Every entry point gets the atomic Redis lock store from jiuye.endpoints (no per-command swap)."""
from __future__ import annotations

import importlib

import yaml

from jiuye.endpoints import ATOMIC_LOCK_STORE, available_endpoints, lock_store_config, write_endpoints_file
from jiuye.lock_store import AtomicRedisLockStore
from settings import Settings

REDIS_ENV = {"REDIS_URL": "redis://:pw@127.0.0.1:6380/3"}


def test_lock_store_config_names_the_atomic_store_with_rasas_redis_keys():
    module, name = ATOMIC_LOCK_STORE.rsplit(".", 1)  # Rasa imports the class by this dotted name
    assert getattr(importlib.import_module(module), name) is AtomicRedisLockStore
    assert lock_store_config(REDIS_ENV["REDIS_URL"]) == {
        "type": ATOMIC_LOCK_STORE, "url": "127.0.0.1", "port": 6380, "db": 3, "password": "pw"}
    assert lock_store_config(None) is None  # no Redis: Rasa's in-memory store (one process only)


def test_jiuye_run_and_jiuye_rasa_write_the_atomic_store(tmp_path):
    """`jiuye run` (runner.start) and `jiuye rasa` (runner.prepare_rasa) both write this file."""
    from jiuye.runner import prepare_rasa

    settings = Settings.from_env({"JIUYE_DATA_DIR": str(tmp_path), **REDIS_ENV})
    path = write_endpoints_file(settings, "http://127.0.0.1:5055/webhook")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["lock_store"]["type"] == ATOMIC_LOCK_STORE
    path.unlink()
    command = prepare_rasa(settings, "http://actions:5055/webhook", {})
    endpoints = yaml.safe_load(open(command[command.index("--endpoints") + 1], encoding="utf-8"))
    assert endpoints["lock_store"]["type"] == ATOMIC_LOCK_STORE
    assert endpoints["action_endpoint"] == {"url": "http://actions:5055/webhook"}


def test_in_process_agent_builds_the_atomic_store(tmp_path):
    """`jiuye ask` loads the agent with available_endpoints; Rasa builds our class from it."""
    from rasa.core.lock_store import LockStore

    from jiuye.lock_store import AtomicRedisLockStore

    settings = Settings.from_env({"JIUYE_DATA_DIR": str(tmp_path), **REDIS_ENV})
    store = LockStore.create(available_endpoints(settings, "http://127.0.0.1:5055/webhook").lock_store)
    assert type(store) is AtomicRedisLockStore  # the client connects lazily: no Redis needed here
    assert store.red.connection_pool.connection_kwargs["port"] == 6380
