"""Each message claimed once (SQLite and Redis, across threads/processes), and the 5-second
rule: passive when in time, else `success` and exactly one later delivery, retries included."""
from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path
from typing import List

import pytest

from bot.dedupe import DEFERRED, PASSIVE, PROCESSING, RedisOutcomeStore, SqliteOutcomeStore
from bot.wechat.exchange import answer_once
from tests.channels.conftest import run


@pytest.fixture(params=["sqlite", "redis"])
def make_store(request, tmp_path):
    if request.param == "sqlite":
        return lambda: SqliteOutcomeStore(tmp_path / "dedupe.db", ttl=300)
    prefix = request.getfixturevalue("redis_prefix")
    return lambda: RedisOutcomeStore(request.getfixturevalue("redis_url"), prefix, ttl=300)


def test_claim_once_then_compare_and_set(make_store):
    async def scenario():
        store = make_store()
        assert await store.claim("wx:msg:1")
        assert not await store.claim("wx:msg:1")
        assert await store.get("wx:msg:1") == PROCESSING
        assert await store.settle("wx:msg:1", PASSIVE + "答复")
        assert not await store.settle("wx:msg:1", DEFERRED)  # decided once
        assert await store.get("wx:msg:1") == PASSIVE + "答复"
        assert await store.get("wx:msg:unknown") is None
        await store.close()

    run(scenario())


def test_concurrent_claims_exactly_one_winner(make_store):
    async def scenario():
        stores = [make_store() for _ in range(8)]
        results = await asyncio.gather(*(s.claim("wx:msg:race") for s in stores))
        for s in stores:
            await s.close()
        return results

    assert sorted(run(scenario())) == [False] * 7 + [True]


def _claim_in_process(path: str, key: str, queue) -> None:
    queue.put(asyncio.run(SqliteOutcomeStore(Path(path), ttl=300).claim(key)))


def test_sqlite_store_is_shared_between_processes(tmp_path):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_claim_in_process, args=(str(tmp_path / "d.db"), "wx:msg:p", queue)) for _ in range(4)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(30)
    assert sorted(queue.get(timeout=5) for _ in processes) == [False, False, False, True]


def test_expired_keys_can_be_claimed_again(tmp_path):
    async def scenario():
        store = SqliteOutcomeStore(tmp_path / "d.db", ttl=0)
        assert await store.claim("k")
        await asyncio.sleep(0.01)
        assert await store.claim("k")

    run(scenario())


class Recorder:
    def __init__(self) -> None:
        self.produced = 0
        self.delivered: List[str] = []

    async def deliver(self, text: str) -> None:
        self.delivered.append(text)


def _producer(recorder: Recorder, delay: float, text: str = "答复"):
    async def produce() -> str:
        recorder.produced += 1
        await asyncio.sleep(delay)
        return text

    return produce


async def _drain() -> None:
    from bot.wechat import exchange

    while exchange._background:
        await asyncio.sleep(0.01)


def test_fast_answer_is_passive_and_not_delivered_again(make_store):
    recorder = Recorder()

    async def scenario():
        store = make_store()
        reply = await answer_once(store, "k1", _producer(recorder, 0.01), recorder.deliver, budget=1.0)
        await _drain()
        return reply

    assert run(scenario()) == "答复"
    assert recorder.produced == 1 and recorder.delivered == []


def test_slow_answer_success_now_then_delivered_once(make_store):
    recorder = Recorder()

    async def scenario():
        store = make_store()
        reply = await answer_once(store, "k2", _producer(recorder, 0.3), recorder.deliver, budget=0.05)
        assert recorder.delivered == []
        await _drain()
        return reply, await store.get("k2")

    reply, state = run(scenario())
    assert reply is None and state == DEFERRED
    assert recorder.produced == 1 and recorder.delivered == ["答复"]


def test_retry_while_owner_still_running_answers_success_and_owner_delivers(make_store):
    recorder = Recorder()

    async def scenario():
        store = make_store()
        produce = _producer(recorder, 0.4)
        # the retry's budget ends long before the owner's: it gives up waiting and says success
        owner = asyncio.create_task(answer_once(store, "k3", produce, recorder.deliver, budget=2.0))
        await asyncio.sleep(0.05)
        retry = await answer_once(store, "k3", produce, recorder.deliver, budget=0.1)
        first = await owner
        await _drain()
        return first, retry

    first, retry = run(scenario())
    assert retry is None and first is None  # nobody answers passively once a retry said success
    assert recorder.produced == 1 and recorder.delivered == ["答复"]


def test_retry_after_passive_reply_gets_the_same_reply_without_processing(make_store):
    recorder = Recorder()

    async def scenario():
        store = make_store()
        produce = _producer(recorder, 0.01)
        first = await answer_once(store, "k4", produce, recorder.deliver, budget=1.0)
        again = await answer_once(store, "k4", produce, recorder.deliver, budget=1.0)
        await _drain()
        return first, again

    assert run(scenario()) == ("答复", "答复")
    assert recorder.produced == 1 and recorder.delivered == []


def test_reply_too_long_for_passive_goes_by_delivery(make_store):
    recorder = Recorder()

    async def scenario():
        store = make_store()
        reply = await answer_once(store, "k5", _producer(recorder, 0.0, "长" * 10), recorder.deliver, budget=1.0,
                                  fits_passive=lambda text: len(text) < 5)
        await _drain()
        return reply

    assert run(scenario()) is None
    assert recorder.delivered == ["长" * 10]


def test_failing_producer_never_hangs_the_request(make_store):
    async def broken() -> str:
        raise RuntimeError("boom")

    async def scenario():
        return await asyncio.wait_for(answer_once(make_store(), "k6", broken, Recorder().deliver, budget=1.0), 2)

    assert run(scenario()) is None
