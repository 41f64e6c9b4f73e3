"""Rasa endpoint configuration (action server, tracker store, lock store) derived from Settings,
so `jiuye run`, `jiuye rasa` (a file for `rasa run`) and `jiuye ask` (in process) use the same
stores: our SQL tracker store (jiuye/tracker_store.py) and atomic Redis lock store (jiuye/lock_store.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import urlparse

import yaml
from sqlalchemy.engine import make_url

from jiuye import rasa_patches
from settings import Settings

# Rasa's SQL tracker store with one INSERT per turn (jiuye/tracker_store.py); same keys and table as `type: SQL`.
SQL_TRACKER_STORE = "jiuye.tracker_store.BatchedSQLTrackerStore"
# Rasa's in-memory store; both of ours erase a conversation on withdrawal (workflows/erasure.py).
MEMORY_TRACKER_STORE = "jiuye.tracker_store.ErasingInMemoryTrackerStore"


def tracker_store_config(database_url: str, data_dir: Path, kind: str = "sql") -> Dict[str, Any]:
    """SQL tracker store in the database named by DATABASE_URL (SQLite: a file beside it); the
    in-memory store when ``kind`` is "memory"."""
    if kind == "memory":
        return {"type": MEMORY_TRACKER_STORE}
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return {"type": SQL_TRACKER_STORE, "dialect": "sqlite", "db": str(data_dir / "tracker.db")}
    config: Dict[str, Any] = {
        "type": SQL_TRACKER_STORE, "dialect": "postgresql", "url": url.host or "127.0.0.1", "db": url.database,
    }
    if url.port:
        config["port"] = url.port
    if url.username:
        config["username"] = url.username
    if url.password:
        config["password"] = url.password
    return config


# Rasa 3.6's own RedisLockStore races between processes (jiuye/lock_store.py); same keys as `type: redis`.
ATOMIC_LOCK_STORE = "jiuye.lock_store.AtomicRedisLockStore"


def lock_store_config(redis_url: Optional[str]) -> Optional[Dict[str, Any]]:
    """Redis lock store when REDIS_URL is set (needed as soon as there is more than one Rasa server):
    our atomic variant of Rasa's, for every entry point (`jiuye run`, `jiuye rasa`, `jiuye ask`)."""
    if not redis_url:
        return None

    parsed = urlparse(redis_url)
    config: Dict[str, Any] = {"type": ATOMIC_LOCK_STORE, "url": parsed.hostname or "127.0.0.1", "port": parsed.port or 6379}
    database = (parsed.path or "/0").lstrip("/")
    config["db"] = int(database or 0)
    if parsed.password:
        config["password"] = parsed.password
    return config


def endpoints_dict(settings: Settings, action_url: str) -> Dict[str, Any]:
    endpoints: Dict[str, Any] = {"action_endpoint": {"url": action_url}}
    endpoints["tracker_store"] = tracker_store_config(settings.database_url, settings.data_dir, settings.tracker_store)
    lock = lock_store_config(settings.redis_url)
    if lock:
        endpoints["lock_store"] = lock
    return endpoints


def write_endpoints_file(settings: Settings, action_url: str) -> Path:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints_dict(settings, action_url), allow_unicode=True), encoding="utf-8")
    return path


def available_endpoints(settings: Settings, action_url: str):
    """The same configuration as an in-process ``AvailableEndpoints``. Whoever builds it is about
    to load Rasa's agent in this process (`jiuye ask`, jiuye/local_assistant.py), so Rasa is patched
    here exactly as the servers are by jiuye.rasa_main (idempotent)."""
    # Local: rasa.core loads TensorFlow (seconds); only `jiuye ask` builds in-process endpoints.
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    rasa_patches.apply()

    raw = endpoints_dict(settings, action_url)
    make = lambda key: EndpointConfig.from_dict(raw[key]) if key in raw else None  # noqa: E731
    return AvailableEndpoints(
        action=make("action_endpoint"), tracker_store=make("tracker_store"), lock_store=make("lock_store")
    )
