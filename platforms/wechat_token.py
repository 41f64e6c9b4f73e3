"""Where the access_token lives. Every process of the assistant must share one token: fetching a
new one invalidates the old after 5 minutes, so processes fetching their own knock each other's
out. Redis (with a lock, so one process refreshes while the others wait) when REDIS_URL is set;
otherwise the token is held in this process."""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import AsyncIterator, Optional, Protocol, Tuple

_DISCARD_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class TokenStore(Protocol):
    async def get(self) -> Optional[str]:
        ...

    async def put(self, token: str, ttl: int) -> None:
        ...

    async def discard(self, token: str) -> None:
        """Forget ``token`` if it is still the stored one (not a newer one another process fetched)."""

    def refreshing(self) -> "contextlib.AbstractAsyncContextManager[None]":
        """Held by the one process fetching a new token."""

    async def close(self) -> None:
        ...


class MemoryTokenStore:
    def __init__(self) -> None:
        self._token: Optional[Tuple[str, float]] = None
        self._lock = asyncio.Lock()

    async def get(self) -> Optional[str]:
        if self._token and self._token[1] > time.monotonic():
            return self._token[0]
        return None

    async def put(self, token: str, ttl: int) -> None:
        self._token = (token, time.monotonic() + ttl)

    async def discard(self, token: str) -> None:
        if self._token and self._token[0] == token:
            self._token = None

    @contextlib.asynccontextmanager
    async def refreshing(self) -> AsyncIterator[None]:
        async with self._lock:
            yield

    async def close(self) -> None:
        return None


class RedisTokenStore:
    def __init__(self, redis_url: str, key: str, lock_timeout: float = 30.0):
        import redis.asyncio as aioredis  # local: optional, only with REDIS_URL

        self._redis = aioredis.from_url(redis_url, decode_responses=True, socket_timeout=3, socket_connect_timeout=3)
        self._key = key
        self._lock_timeout = lock_timeout
        self._discard = self._redis.register_script(_DISCARD_LUA)

    async def get(self) -> Optional[str]:
        return await self._redis.get(self._key)

    async def put(self, token: str, ttl: int) -> None:
        await self._redis.set(self._key, token, ex=ttl)

    async def discard(self, token: str) -> None:
        await self._discard(keys=[self._key], args=[token])

    @contextlib.asynccontextmanager
    async def refreshing(self) -> AsyncIterator[None]:
        lock = self._redis.lock(f"{self._key}:refresh", timeout=self._lock_timeout, blocking_timeout=self._lock_timeout)
        async with lock:
            yield

    async def close(self) -> None:
        await self._redis.close()


def token_store(redis_url: Optional[str], prefix: str, appid: str) -> TokenStore:
    if redis_url:
        return RedisTokenStore(redis_url, f"{prefix}wechat:access_token:{appid}")
    return MemoryTokenStore()
