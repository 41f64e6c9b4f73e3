"""`jiuye run` serves REST always, and WeChat / Telegram only when configured."""
from __future__ import annotations

import yaml

from jiuye.runner import channel_credentials, write_credentials_file
from jiuye.settings import Settings


WECHAT, TELEGRAM = "bot.wechat.channel.WeChatInput", "bot.telegram.channel.TelegramInput"
REST = "bot.redaction.RedactingRestInput"  # Rasa's REST channel with ID numbers taken out


def test_rest_without_channel_tokens():
    channels = channel_credentials({})
    assert REST in channels and WECHAT not in channels and TELEGRAM not in channels


def test_channels_added_when_their_token_is_set():
    channels = channel_credentials({"WECHAT_TOKEN": "t", "TELEGRAM_TOKEN": "1:x", "TELEGRAM_SECRET": "s"})
    assert REST in channels and channels[WECHAT] is None and channels[TELEGRAM] is None


def test_no_secret_is_written_to_the_credentials_file(tmp_path):
    env = {"JIUYE_DATA_DIR": str(tmp_path), "WECHAT_TOKEN": "tok-secret", "WECHAT_APP_SECRET": "app-secret",
           "TELEGRAM_TOKEN": "1:bot-secret", "TELEGRAM_SECRET": "hdr-secret"}
    path = write_credentials_file(Settings.from_env(env), env)
    text = path.read_text(encoding="utf-8")
    assert "secret" not in text and "bot.wechat.channel.WeChatInput" in yaml.safe_load(text)
