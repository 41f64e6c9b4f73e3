"""The process's store for the configured DATABASE_URL and key, built on first use."""
from __future__ import annotations

import threading
from typing import Optional

from registry.crypto import IdCipher
from registry.db import engine_for
from registry.store import RegistrationStore
from settings import load_settings

_store: Optional[RegistrationStore] = None
_lock = threading.Lock()


def get_store() -> RegistrationStore:
    """Shared store (engine migrated to head, cipher from JIUYE_ID_KEY / key file)."""
    global _store
    with _lock:
        if _store is None:

            _store = RegistrationStore(engine_for(load_settings().database_url), IdCipher.from_env())
        return _store


def reset() -> None:
    """Forget the shared store (tests that change the environment)."""
    global _store
    with _lock:
        _store = None
