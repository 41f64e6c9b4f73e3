"""`jiuye run` serves REST always, `jiuye rasa` (production) only with JIUYE_REST_TOKEN; WeChat /
Telegram only when configured."""
from __future__ import annotations

import yaml

from jiuye.runner import channel_credentials, write_credentials_file
from settings import Settings

WECHAT, TELEGRAM = "bot.wechat.channel.WeChatInput", "bot.telegram.channel.TelegramInput"
REST = "bot.rest_channel.RestInput"  # our REST channel: namespaced senders, input guard, token


def test_rest_without_channel_tokens_when_local():
    channels = channel_credentials({}, local=True)
    assert REST in channels and WECHAT not in channels and TELEGRAM not in channels


def test_rest_is_off_in_production_unless_a_token_is_set():
    assert REST not in channel_credentials({"WECHAT_TOKEN": "t"})
    assert REST in channel_credentials({"WECHAT_TOKEN": "t", "JIUYE_REST_TOKEN": "local-tests"})


def test_channels_added_when_their_token_is_set():
    channels = channel_credentials({"WECHAT_TOKEN": "t", "TELEGRAM_TOKEN": "1:x", "TELEGRAM_SECRET": "s"}, local=True)
    assert REST in channels and channels[WECHAT] is None and channels[TELEGRAM] is None


def test_no_secret_is_written_to_the_credentials_file(tmp_path):
    env = {"JIUYE_DATA_DIR": str(tmp_path), "WECHAT_TOKEN": "tok-secret", "WECHAT_APP_SECRET": "app-secret",
           "TELEGRAM_TOKEN": "1:bot-secret", "TELEGRAM_SECRET": "hdr-secret", "JIUYE_REST_TOKEN": "rest-secret"}
    path = write_credentials_file(Settings.from_env(env), env)
    text = path.read_text(encoding="utf-8")
    assert "secret" not in text and "bot.wechat.channel.WeChatInput" in yaml.safe_load(text)
