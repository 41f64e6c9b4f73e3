"""Remembers which incoming messages were already taken, and how each was answered, so that
WeChat's retries (and Telegram's redeliveries) are processed once and answered once.

A key goes ``processing`` → ``passive:<reply text>`` or ``deferred`` (answered ``success``; the
reply goes out as a customer-service message). The first writer of a key owns the message; every
state change is a compare-and-set from ``processing``, so the owner and a retry can never both
decide how the message is answered. Redis when REDIS_URL is set (shared by every process and
machine), else a SQLite file in the data directory (shared by the processes of one machine).
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Optional, Protocol

PROCESSING = "processing"
DEFERRED = "deferred"
PASSIVE = "passive:"


class OutcomeStore(Protocol):
    async def claim(self, key: str) -> bool:
        """Record ``key`` as processing; False if it was already recorded (a retry)."""

    async def get(self, key: str) -> Optional[str]:
        ...

    async def settle(self, key: str, value: str) -> bool:
        """Set ``value`` only if the key is still processing; True if this call set it."""

    async def close(self) -> None:
        ...


_SETTLE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
"""


class RedisOutcomeStore:
    def __init__(self, redis_url: str, prefix: str, ttl: int):
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(redis_url, decode_responses=True, socket_timeout=3, socket_connect_timeout=3)
        self._prefix = f"{prefix}dedupe:"
        self._ttl = ttl
        self._settle = self._redis.register_script(_SETTLE_LUA)

    async def claim(self, key: str) -> bool:
        return bool(await self._redis.set(self._prefix + key, PROCESSING, nx=True, ex=self._ttl))

    async def get(self, key: str) -> Optional[str]:
        return await self._redis.get(self._prefix + key)

    async def settle(self, key: str, value: str) -> bool:
        return bool(await self._settle(keys=[self._prefix + key], args=[PROCESSING, value]))

    async def close(self) -> None:
        await self._redis.close()


class SqliteOutcomeStore:
    """One small table in a local file; each call opens its own connection (thread-safe)."""

    def __init__(self, path: Path, ttl: int):
        self._path = path
        self._ttl = ttl
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def _claim(self, key: str) -> bool:
        now = time.time()
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM outcomes WHERE expires < ?", (now,))
            inserted = db.execute(
                "INSERT OR IGNORE INTO outcomes (key, value, expires) VALUES (?, ?, ?)", (key, PROCESSING, now + self._ttl)
            ).rowcount
            db.execute("COMMIT")
            return inserted == 1
        finally:
            db.close()

    def _get(self, key: str) -> Optional[str]:
        db = self._connect()
        try:
            row = db.execute("SELECT value FROM outcomes WHERE key = ? AND expires >= ?", (key, time.time())).fetchone()
            return row[0] if row else None
        finally:
            db.close()

    def _settle(self, key: str, value: str) -> bool:
        db = self._connect()
        try:
            return db.execute(
                "UPDATE outcomes SET value = ? WHERE key = ? AND value = ?", (value, key, PROCESSING)
            ).rowcount == 1
        finally:
            db.close()

    async def claim(self, key: str) -> bool:
        return await asyncio.to_thread(self._claim, key)

    async def get(self, key: str) -> Optional[str]:
        return await asyncio.to_thread(self._get, key)

    async def settle(self, key: str, value: str) -> bool:
        return await asyncio.to_thread(self._settle, key, value)

    async def close(self) -> None:
        return None


def outcome_store(redis_url: Optional[str], prefix: str, ttl: int, data_dir: Path) -> OutcomeStore:
    if redis_url:
        return RedisOutcomeStore(redis_url, prefix, ttl)
    return SqliteOutcomeStore(data_dir / "channel_dedupe.db", ttl)
