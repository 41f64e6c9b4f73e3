"""Fixtures for the channel tests: Redis (real, at 127.0.0.1:6379), the platform fakes, and the
real assistant stack (action server + `rasa run`) started through jiuye.runner."""
from __future__ import annotations

import asyncio
import os
import uuid
from typing import Iterator

import pytest

from tests.conftest import in_ci

REDIS_URL = os.environ.get("JIUYE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def run(coroutine):
    """Run one coroutine on a fresh loop (no pytest-asyncio in the lock file)."""
    return asyncio.run(coroutine)


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        message = f"Redis not reachable at {REDIS_URL}: {exc}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def redis_or_none():
    """The Redis URL when reachable; None (local stores) outside CI."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return REDIS_URL
    except redis.RedisError:
        if in_ci():
            pytest.fail(f"Redis not reachable at {REDIS_URL}")
        return None


def delete_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_url() -> str:
    return redis_or_skip()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"jiuye-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    delete_prefix(prefix)


@pytest.fixture(scope="session")
def e2e(tmp_path_factory):
    """One assistant (loading the model takes 30-100 s on these machines, so only one): plaintext
    WeChat with the normal 4.5 s budget, Telegram, Redis for dedupe and the token when reachable,
    and a proxy in front of the action server that makes answers to ``o_slow_*`` users slow."""
    from bot.action_server import free_port
    from bot.fakes.fake_telegram_api import FakeTelegramAPI
    from bot.fakes.fake_wechat_api import FakeWeChatAPI
    from tests.channels import stack as st
    from tests.channels.slow_proxy import SlowActionProxy

    if not st.MODEL.exists():
        pytest.fail(f"no trained model at {st.MODEL}: run `.venv/bin/jiuye train` first")
    redis_url = redis_or_none()
    prefix = f"jiuye-test:{uuid.uuid4().hex[:12]}:"
    action_port = free_port()
    wechat, telegram = FakeWeChatAPI().start(), FakeTelegramAPI().start()
    proxy = SlowActionProxy(f"http://127.0.0.1:{action_port}/webhook").start()
    env = st.channel_env(
        tmp_path_factory.mktemp("assistant"), ACTION_PORT=str(action_port), ACTION_SERVER_URL=f"{proxy.url}/webhook",
        WECHAT_APPID=wechat.appid, WECHAT_APP_SECRET=wechat.secret, WECHAT_API_BASE=wechat.url,
        WECHAT_FALLBACK_TEMPLATE_ID="tpl_fake_notice", CHANNEL_REDIS_PREFIX=prefix,
        TELEGRAM_TOKEN=telegram.token, TELEGRAM_SECRET=st.TELEGRAM_SECRET, TELEGRAM_API_BASE=telegram.url,
        **({"REDIS_URL": redis_url} if redis_url else {}),
    )
    assistant = st.start_stack(env)
    try:
        st.wait_ready(assistant)
        yield {"stack": assistant, "wechat": wechat, "telegram": telegram, "proxy": proxy}
    finally:
        assistant.stop()
        for fake in (wechat, telegram, proxy):
            fake.stop()
        if redis_url:
            delete_prefix(prefix)
