"""Remembers which incoming messages were already taken, and how each was answered, so that
WeChat's retries (and Telegram's redeliveries) are processed once and answered once.

A key goes ``processing`` → ``passive:<reply text>`` or ``deferred`` (answered ``success``; the
reply goes out as a customer-service message). The first writer of a key owns the message; every
state change is a compare-and-set from ``processing``, so the owner and a retry can never both
decide how the message is answered. Redis when REDIS_URL is set (shared by every process and
machine), else a SQLite file in the data directory (shared by the processes of one machine).

Each key may name its ``user`` (the channel's user id, stored only as a digest) so that
``forget(user)`` can take the user's reply texts out when they withdraw their registration
(workflows/erasure.py): a ``passive:<text>`` entry becomes ``deferred`` — a late retry of that message
is then answered ``success``, never processed again — and the user's index goes. ``processing``
and ``deferred`` hold no text and are left to expire.
"""
from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Optional, Protocol

PROCESSING = "processing"
DEFERRED = "deferred"
PASSIVE = "passive:"


def user_tag(user: str) -> str:
    """What the store keeps of a user id: a digest, so the store never lists who wrote."""
    return hashlib.sha256(f"jiuye-dedupe:{user}".encode("utf-8")).hexdigest()[:32]


class OutcomeStore(Protocol):
    async def claim(self, key: str, user: Optional[str] = None) -> bool:
        """Record ``key`` as processing (from ``user``); False if it was already recorded (a retry)."""

    async def get(self, key: str) -> Optional[str]:
        ...

    async def settle(self, key: str, value: str) -> bool:
        """Set ``value`` only if the key is still processing; True if this call set it."""

    async def forget(self, user: str) -> int:
        """Drop ``user``'s reply texts (``passive:`` → ``deferred``) and index; returns keys seen."""

    async def close(self) -> None:
        ...


_CLAIM_LUA = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  if #KEYS > 1 then
    redis.call('SADD', KEYS[2], KEYS[1])
    redis.call('EXPIRE', KEYS[2], ARGV[2])
  end
  return 1
end
return 0
"""

_FORGET_LUA = """
local keys = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(keys) do
  local value = redis.call('GET', key)
  if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
    redis.call('SET', key, ARGV[2], 'KEEPTTL')
  end
end
redis.call('DEL', KEYS[1])
return #keys
"""

_SETTLE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
"""


class RedisOutcomeStore:
    def __init__(self, redis_url: str, prefix: str, ttl: int):
        import redis.asyncio as aioredis  # local: optional, only with REDIS_URL

        self._redis = aioredis.from_url(redis_url, decode_responses=True, socket_timeout=3, socket_connect_timeout=3)
        self._prefix = f"{prefix}dedupe:"
        self._ttl = ttl
        self._settle = self._redis.register_script(_SETTLE_LUA)
        self._claim = self._redis.register_script(_CLAIM_LUA)
        self._forget = self._redis.register_script(_FORGET_LUA)

    def _user_key(self, user: str) -> str:
        return f"{self._prefix}user:{user_tag(user)}"

    async def claim(self, key: str, user: Optional[str] = None) -> bool:
        keys = [self._prefix + key] + ([self._user_key(user)] if user else [])
        return bool(await self._claim(keys=keys, args=[PROCESSING, self._ttl]))

    async def get(self, key: str) -> Optional[str]:
        return await self._redis.get(self._prefix + key)

    async def settle(self, key: str, value: str) -> bool:
        return bool(await self._settle(keys=[self._prefix + key], args=[PROCESSING, value]))

    async def forget(self, user: str) -> int:
        return int(await self._forget(keys=[self._user_key(user)], args=[PASSIVE, DEFERRED]))

    async def close(self) -> None:
        await self._redis.close()


class SqliteOutcomeStore:
    """One small table in a local file; each call opens its own connection (thread-safe)."""

    def __init__(self, path: Path, ttl: int):
        self._path = path
        self._ttl = ttl
        path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        try:
            # One process at a time: processes starting together on a new file raced between the
            # column check and the ALTER ("duplicate column name").
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)")
            if "user_tag" not in {row[1] for row in db.execute("PRAGMA table_info(outcomes)")}:
                db.execute("ALTER TABLE outcomes ADD COLUMN user_tag TEXT")  # files from before forget()
            db.execute("CREATE INDEX IF NOT EXISTS outcomes_user ON outcomes (user_tag)")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA secure_delete=ON")  # replaced reply texts are overwritten, not left in free pages
        return db

    def _claim(self, key: str, user: Optional[str]) -> bool:
        now = time.time()
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM outcomes WHERE expires < ?", (now,))
            inserted = db.execute(
                "INSERT OR IGNORE INTO outcomes (key, value, expires, user_tag) VALUES (?, ?, ?, ?)",
                (key, PROCESSING, now + self._ttl, user_tag(user) if user else None),
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

    def _forget(self, user: str) -> int:
        db = self._connect()
        try:
            tag = user_tag(user)
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE outcomes SET value = ? WHERE user_tag = ? AND substr(value, 1, ?) = ?",
                       (DEFERRED, tag, len(PASSIVE), PASSIVE))
            seen = db.execute("UPDATE outcomes SET user_tag = NULL WHERE user_tag = ?", (tag,)).rowcount
            db.execute("COMMIT")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the old pages leave the write-ahead log too
            return seen
        finally:
            db.close()

    async def claim(self, key: str, user: Optional[str] = None) -> bool:
        return await asyncio.to_thread(self._claim, key, user)

    async def get(self, key: str) -> Optional[str]:
        return await asyncio.to_thread(self._get, key)

    async def settle(self, key: str, value: str) -> bool:
        return await asyncio.to_thread(self._settle, key, value)

    async def forget(self, user: str) -> int:
        return await asyncio.to_thread(self._forget, user)

    async def close(self) -> None:
        return None


def outcome_store(redis_url: Optional[str], prefix: str, ttl: int, data_dir: Path) -> OutcomeStore:
    if redis_url:
        return RedisOutcomeStore(redis_url, prefix, ttl)
    return SqliteOutcomeStore(data_dir / "channel_dedupe.db", ttl)
