"""The 5-second rule: answer passively when the reply is ready in time, else ``success`` now
and the reply later by customer-service message — exactly once per message, retries included."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Coroutine, Optional, Set

from bot.dedupe import DEFERRED, PASSIVE, PROCESSING, OutcomeStore

logger = logging.getLogger(__name__)

Produce = Callable[[], Coroutine[Any, Any, str]]
Deliver = Callable[[str], Awaitable[None]]

_background: Set[asyncio.Task] = set()


def _keep(task: asyncio.Task) -> asyncio.Task:
    """Hold a reference so the event loop does not drop a task that outlives its request."""
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


async def answer_once(
    store: OutcomeStore, key: str, produce: Produce, deliver: Deliver, budget: float,
    fits_passive: Callable[[str], bool] = lambda text: True, poll: float = 0.05, user: Optional[str] = None,
) -> Optional[str]:
    """The text to reply passively now, or None for ``success`` (empty text also means none).
    ``user``: who sent the message (so their reply texts can be forgotten, bot/dedupe.py).

    The owner (first to claim ``key``) runs ``produce`` in a task that no request cancellation
    can stop; if the reply is not settled as passive in time, the owner ``deliver``s it later.
    A retry never produces nor delivers: it reports the owner's passive reply, or ``success``.
    """
    if not await store.claim(key, user):
        return await _follow(store, key, budget, poll)
    decision: asyncio.Future = asyncio.get_running_loop().create_future()
    _keep(asyncio.create_task(_own(store, key, produce, deliver, budget, fits_passive, decision)))
    return await asyncio.shield(decision)


async def _own(
    store: OutcomeStore, key: str, produce: Produce, deliver: Deliver, budget: float,
    fits_passive: Callable[[str], bool], decision: asyncio.Future,
) -> None:
    try:
        work = asyncio.create_task(produce())
        done, _ = await asyncio.wait({work}, timeout=budget)
        text = work.result() if done else None
        if text is not None and fits_passive(text) and await store.settle(key, PASSIVE + text):
            decision.set_result(text)
            return
        await store.settle(key, DEFERRED)  # may already be deferred by a retry: the same outcome
        decision.set_result(None)
        text = await work if text is None else text
        if text:
            started = time.monotonic()
            await deliver(text)
            logger.info("key=%s answered later in %.2fs", key, time.monotonic() - started)
    except Exception:  # produce and deliver handle their own errors; this is the last resort
        logger.exception("key=%s could not be answered", key)
    finally:
        if not decision.done():
            decision.set_result(None)


async def _follow(store: OutcomeStore, key: str, budget: float, poll: float) -> Optional[str]:
    """A retry: wait within its own budget for the owner's outcome; never process again."""
    deadline = time.monotonic() + budget
    value = await store.get(key)
    while value == PROCESSING and time.monotonic() < deadline:
        await asyncio.sleep(poll)
        value = await store.get(key)
    if value == PROCESSING and await store.settle(key, DEFERRED):
        logger.info("key=%s retry answered success; owner delivers later", key)
        return None
    if value == PROCESSING:
        value = await store.get(key)
    if value and value.startswith(PASSIVE):
        logger.info("key=%s retry gets the owner's passive reply", key)
        return value[len(PASSIVE):]
    logger.info("key=%s retry answered success (%s)", key, "deferred" if value == DEFERRED else "expired")
    return None
