"""Fixtures (imported by conftest.py): the registration-and-withdrawal run both security test modules search (tests/security/
registration_run.py), once on SQLite with local stores and once on PostgreSQL with Redis.
Needs models/jiuye.tar.gz, PostgreSQL and Redis: missing ones skip, or fail when CI=true."""
from __future__ import annotations

import contextlib
import uuid

import pytest

from tests.channels.conftest import redis_prefix, redis_url  # noqa: F401  (fixtures of the dedupe tests)
from tests.conftest import in_ci
from tests.security import registration_run as rr


def _need_model() -> None:
    from tests.support.live import MODEL

    if not MODEL.exists():
        message = f"no trained model at {MODEL}; run `jiuye train`"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def withdrawal_run(request, tmp_path_factory) -> rr.Run:
    from bot.fakes.fake_wechat_api import FakeWeChatAPI
    from bot.fakes.wechat_simulator import WeChatSimulator
    from tests.channels.conftest import delete_prefix, redis_or_skip
    from tests.channels.stack import WECHAT_TOKEN
    from tests.support.live import assistant_env, launch
    from tests.support.postgres import scratch_database

    _need_model()
    data_dir = tmp_path_factory.mktemp(f"withdrawal-{request.param}")
    prefix = f"jiuye-test:{uuid.uuid4().hex[:12]}:"
    with contextlib.ExitStack() as stack:
        extra = {}
        redis_url = None
        if request.param == "postgresql":
            redis_url = redis_or_skip()
            extra = {"DATABASE_URL": stack.enter_context(scratch_database("jiuye_sec")), "REDIS_URL": redis_url}
            stack.callback(delete_prefix, prefix)
        api = FakeWeChatAPI().start()
        stack.callback(api.stop)
        env = assistant_env(
            data_dir, JIUYE_TRACKER_STORE="sql", JIUYE_CONSOLE="0", JIUYE_SCHEDULER="off",
            JIUYE_LOG_LEVEL="DEBUG", LOG_LEVEL="WARNING", JIUYE_ID_KEY_FILE=str(data_dir / "keys" / "id.key"),
            WECHAT_TOKEN=WECHAT_TOKEN, WECHAT_APPID=api.appid, WECHAT_APP_SECRET=api.secret,
            WECHAT_API_BASE=api.url, WECHAT_PASSIVE_TIMEOUT="55", WECHAT_DEDUPE_TTL="3600",
            CHANNEL_REDIS_PREFIX=prefix, **extra,
        )
        env.pop("JIUYE_ID_KEY", None)
        assistant = launch(env)
        try:
            assistant.wait_serving("/webhooks/wechat/", 400)
            wechat = WeChatSimulator(f"{assistant.base}/webhooks/wechat/webhook", WECHAT_TOKEN, timeout=60, retries=0)
            w, k = rr.WITHDRAWS, rr.KEEPS
            replies = {"keeps": rr.converse(wechat, k, k.conversation())}
            replies["withdraws"] = rr.converse(wechat, w, w.conversation() + ["注销登记", "确定"])
            url = assistant.settings.database_url
            erased = rr.wait_until(lambda: rr.contact_rows(url, w.openid) == 0)
            replies["withdraws"] += rr.converse(wechat, w, ["我的登记状态"])
            replies["keeps"] += rr.converse(wechat, k, ["我的登记状态"])
        finally:
            assistant.stop()
        log = (data_dir / rr.DATA_DIR_LOG).read_text(encoding="utf-8")
        yield rr.Run(request.param, data_dir, url, replies, rr.collect(data_dir, url, redis_url, prefix), log,
                     0 if erased else rr.contact_rows(url, w.openid))
