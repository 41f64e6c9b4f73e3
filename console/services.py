"""What the console's handlers share: configuration, the ledger store, the knowledge base, a
session factory for the console's tables, and a way to run blocking work off the event loop.

Built on the first request (``ServicesHolder``), never at import, from the same environment as
the rest of the assistant (DATABASE_URL, JIUYE_ID_KEY, JIUYE_KB_DIR).
"""
from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Callable, Optional, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from policies_kb.kb import KnowledgeBase, load_cached
from registry.db import session_factory
from registry.runtime import get_store
from registry.store import RegistrationStore
from settings import load_settings
from settings.console import ConsoleConfig

T = TypeVar("T")


@dataclass
class ConsoleServices:
    config: ConsoleConfig
    store: RegistrationStore
    kb: KnowledgeBase
    sessions: sessionmaker

    @classmethod
    def build(cls, store: RegistrationStore, kb: KnowledgeBase,
              config: Optional[ConsoleConfig] = None) -> "ConsoleServices":
        return cls(config or ConsoleConfig.from_env(), store, kb, session_factory(store.engine))

    @classmethod
    def from_env(cls) -> "ConsoleServices":
        return cls.build(get_store(), load_cached(str(load_settings().kb_dir)))

    def in_transaction(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in one transaction (committed when it returns)."""
        with self.sessions.begin() as session:
            return work(session)

    async def run(self, work: Callable[[Session], T]) -> T:
        """``in_transaction`` on a worker thread: database calls and password hashing must not
        stall the event loop that also serves the chat channels."""
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(self.in_transaction, work))

    async def call(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args))


class ServicesHolder:
    """Creates the services on first use (building them migrates the database and loads the KB)."""
    def __init__(self, factory: Callable[[], ConsoleServices] = ConsoleServices.from_env):
        self._factory = factory
        self._services: Optional[ConsoleServices] = None
        self._lock = asyncio.Lock()

    async def get(self) -> ConsoleServices:
        if self._services is None:
            async with self._lock:
                if self._services is None:
                    self._services = await asyncio.get_running_loop().run_in_executor(None, self._factory)
        return self._services
