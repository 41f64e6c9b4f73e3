"""jiuye.lock_store.AtomicRedisLockStore against real Redis, from several processes at once (the
situation of several Rasa servers; Rasa's own RedisLockStore hands out duplicate tickets here)."""
from __future__ import annotations

import itertools
import multiprocessing
import time
import uuid

import pytest

from tests.channels.conftest import redis_or_skip

REDIS_DB = 0


def _store():
    from jiuye.lock_store import AtomicRedisLockStore

    return AtomicRedisLockStore(host="127.0.0.1", port=6379, db=REDIS_DB)


def _issue(conversation: str, count: int, barrier, results) -> None:
    store = _store()
    barrier.wait()
    results.put([store.issue_ticket(conversation) for _ in range(count)])


def _hold(conversation: str, rounds: int, barrier, results) -> None:
    """Take the conversation's lock ``rounds`` times; record (start, end) of each holding."""
    import asyncio

    store = _store()

    async def run():
        spans = []
        for _ in range(rounds):
            async with store.lock(conversation, wait_time_in_seconds=0.01):
                started = time.monotonic()
                await asyncio.sleep(0.005)
                spans.append((started, time.monotonic()))
        return spans

    barrier.wait()
    results.put(asyncio.run(run()))


def _in_processes(target, conversation: str, count: int, processes: int = 3):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=target, args=(conversation, count, barrier, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(10)
    return collected


@pytest.fixture
def conversation():
    import redis

    redis_or_skip()
    name = f"jiuye-test-lock-{uuid.uuid4().hex[:10]}"
    yield name
    redis.Redis(db=REDIS_DB).delete(f"lock:{name}")


def test_tickets_issued_from_several_processes_are_unique(conversation):
    tickets = [t for batch in _in_processes(_issue, conversation, 150) for t in batch]
    assert len(tickets) == 450 and len(set(tickets)) == 450


def test_lock_is_held_by_one_process_at_a_time_and_removed_after(conversation):
    import redis

    spans = sorted(s for batch in _in_processes(_hold, conversation, 15) for s in batch)
    assert len(spans) == 45
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end, "two processes held the lock at once"
    assert redis.Redis(db=REDIS_DB).get(f"lock:{conversation}") is None


def test_rasa_builds_it_from_the_endpoint_configuration():
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    redis_or_skip()
    store = LockStore.create(EndpointConfig.from_dict(
        {"type": "jiuye.lock_store.AtomicRedisLockStore", "url": "127.0.0.1", "port": 6379, "db": REDIS_DB}))
    assert type(store).__name__ == "AtomicRedisLockStore" and store.red.ping()
