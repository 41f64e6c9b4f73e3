"""The WeChat API client against the fake API over loopback HTTP: shared token with one
refresher, error codes mapped to retry / refresh / fall back / give up, timeouts."""
from __future__ import annotations

import asyncio
import time

import pytest

from bot.fakes.fake_wechat_api import FakeWeChatAPI
from platforms.errors import Action, WeChatAPIError, action_for
from platforms.wechat import WeChatClient
from platforms.wechat_token import MemoryTokenStore, RedisTokenStore
from tests.channels.conftest import run


@pytest.fixture
def api():
    with FakeWeChatAPI() as fake:
        yield fake


def client_for(api: FakeWeChatAPI, tokens=None, timeout: float = 2.0) -> WeChatClient:
    return WeChatClient(api.url, api.appid, api.secret, tokens or MemoryTokenStore(), timeout=timeout, backoff=0.01)


def send(client: WeChatClient, text: str = "你好", openid: str = "o_user"):
    async def scenario():
        try:
            await client.send_text(openid, text)
        finally:
            await client.close()

    return run(scenario())


def test_error_code_mapping():
    assert action_for(-1) is Action.RETRY
    assert action_for(40001) is Action.REFRESH_TOKEN and action_for(42001) is Action.REFRESH_TOKEN
    assert action_for(45015) is Action.FALLBACK
    assert action_for(45009) is Action.GIVE_UP
    assert action_for(99999) is Action.GIVE_UP


def test_send_fetches_token_once_and_sends_utf8_json(api):
    client = client_for(api)

    async def scenario():
        await client.send_text("o_a", "吉林省创业担保贷款")
        await client.send_text("o_a", "第二条")
        await client.close()

    run(scenario())
    assert api.token_fetches == 1
    sent = api.received("custom/send")
    assert [r.json["text"]["content"] for r in sent] == ["吉林省创业担保贷款", "第二条"]
    assert "吉林".encode("utf-8") in sent[0].body  # not \\u escapes
    assert sent[0].query["access_token"].startswith("FAKE_ACCESS_TOKEN_")


def test_concurrent_calls_share_one_refresh(api):
    client = client_for(api)

    async def scenario():
        await asyncio.gather(*(client.send_text(f"o_{i}", "x") for i in range(10)))
        await client.close()

    run(scenario())
    assert api.token_fetches == 1 and len(api.delivered()) == 10


def test_rejected_token_is_refreshed_once_and_the_send_retried(api):
    client = client_for(api)

    async def scenario():
        await client.send_text("o_a", "一")
        api.revoke_tokens()
        await client.send_text("o_a", "二")
        await client.close()

    run(scenario())
    assert api.token_fetches == 2
    assert [m["text"]["content"] for m in api.delivered()] == ["一", "二"]
    assert [r.answer["errcode"] for r in api.received("custom/send")] == [0, 40001, 0]


def test_busy_is_retried(api):
    api.inject("custom/send", {"errcode": -1, "errmsg": "system error"}, times=2)
    send(client_for(api))
    assert len(api.received("custom/send")) == 3 and len(api.delivered()) == 1


def test_busy_for_good_gives_up_after_the_attempts(api):
    api.inject("custom/send", {"errcode": -1, "errmsg": "system error"}, times=10)
    with pytest.raises(WeChatAPIError) as caught:
        send(client_for(api))
    assert caught.value.action is Action.GIVE_UP and len(api.received("custom/send")) == 3


@pytest.mark.parametrize("errcode,action", [(45015, Action.FALLBACK), (45009, Action.GIVE_UP)])
def test_window_and_quota_errors_are_not_retried(api, errcode, action):
    api.inject("custom/send", {"errcode": errcode, "errmsg": "x"})
    with pytest.raises(WeChatAPIError) as caught:
        send(client_for(api))
    assert caught.value.errcode == errcode and caught.value.action is action
    assert len(api.received("custom/send")) == 1


def test_send_that_times_out_is_not_repeated(api):
    api.inject("custom/send", delay=1.0)
    started = time.monotonic()
    with pytest.raises(WeChatAPIError) as caught:
        send(client_for(api, timeout=0.3))
    assert time.monotonic() - started < 0.9
    assert caught.value.action is Action.GIVE_UP and len(api.received("custom/send")) == 1


def test_token_request_that_times_out_is_retried(api):
    api.inject("/cgi-bin/token", delay=0.6)
    send(client_for(api, timeout=0.3))
    assert len(api.received("/cgi-bin/token")) == 2 and len(api.delivered()) == 1


def test_unreachable_api_gives_up_quickly():
    client = WeChatClient("http://127.0.0.1:9", "wx", "s", MemoryTokenStore(), timeout=0.5, backoff=0.01)
    started = time.monotonic()
    with pytest.raises(WeChatAPIError):
        send(client)
    assert time.monotonic() - started < 3


def test_wrong_secret_gives_up(api):
    client = WeChatClient(api.url, api.appid, "wrong", MemoryTokenStore(), timeout=1)
    with pytest.raises(WeChatAPIError) as caught:
        send(client)
    assert caught.value.errcode == 40125 and api.received("custom/send") == []


def test_redis_token_store_one_refresher_across_clients(api, redis_url, redis_prefix):
    """Two clients with their own Redis connections (as two processes would): one fetch."""
    key = f"{redis_prefix}wechat:access_token:{api.appid}"
    api.inject("/cgi-bin/token", delay=0.3)  # a slow refresh: the other client must wait for it
    clients = [client_for(api, RedisTokenStore(redis_url, key)) for _ in range(4)]

    async def scenario():
        await asyncio.gather(*(c.send_text("o_r", "x") for c in clients))
        api.revoke_tokens()
        await asyncio.gather(*(c.send_text("o_r", "y") for c in clients))
        for c in clients:
            await c.close()

    run(scenario())
    assert api.token_fetches == 2  # one at start, one after the revocation
    assert len(api.delivered()) == 8


def test_redis_discard_keeps_a_newer_token(redis_url, redis_prefix):
    async def scenario():
        store = RedisTokenStore(redis_url, f"{redis_prefix}tok")
        await store.put("new", 60)
        await store.discard("old")
        kept = await store.get()
        await store.discard("new")
        gone = await store.get()
        await store.close()
        return kept, gone

    assert run(scenario()) == ("new", None)
