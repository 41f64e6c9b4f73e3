"""One real assistant for the security replays (issue 11): `jiuye run`'s stack (action server and
`rasa run` with the trained model, started through jiuye.runner) with WeChat (plaintext mode),
Telegram, the console and the local REST channel, pointed at the loopback fakes of both platform
APIs; SQLite ledger and tracker store in a fresh folder."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def target(tmp_path_factory):
    from bot.fakes.fake_telegram_api import FakeTelegramAPI
    from bot.fakes.fake_wechat_api import FakeWeChatAPI
    from registry import crypto
    from tests.channels import stack as st
    from tests.security.target import Target

    if not st.MODEL.exists():
        pytest.fail(f"no trained model at {st.MODEL}: run `.venv/bin/jiuye train` first")
    wechat, telegram = FakeWeChatAPI().start(), FakeTelegramAPI().start()
    env = st.channel_env(
        tmp_path_factory.mktemp("security"), JIUYE_CONSOLE="1", JIUYE_ID_KEY=f"v1:{crypto.new_secret()}",
        WECHAT_APPID=wechat.appid, WECHAT_APP_SECRET=wechat.secret, WECHAT_API_BASE=wechat.url,
        TELEGRAM_TOKEN=telegram.token, TELEGRAM_SECRET=st.TELEGRAM_SECRET, TELEGRAM_API_BASE=telegram.url,
    )
    for inherited in ("ACTION_SERVER_URL", "JIUYE_ID_KEY_FILE", "JIUYE_REST_TOKEN"):
        env.pop(inherited, None)
    assistant = st.start_stack(env)
    try:
        st.wait_ready(assistant)
        yield Target(assistant, wechat, telegram)
    finally:
        assistant.stop()
        wechat.stop()
        telegram.stop()


# The registration-and-withdrawal run of the erasure and log-redaction tests.
from tests.security.withdrawal_fixtures import redis_prefix, redis_url, withdrawal_run  # noqa: E402,F401
