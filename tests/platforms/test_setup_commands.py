"""`jiuye telegram set-webhook` and `jiuye wechat set-menu` against the loopback fakes, and the
menu rules they check first."""
from __future__ import annotations

import json

import pytest
import yaml

from bot.fakes.fake_telegram_api import FakeTelegramAPI
from bot.fakes.fake_wechat_api import FakeWeChatAPI
from bot.texts import MENU_HELP_KEY, MENU_QUESTIONS
from jiuye.cli import main
from jiuye.platform_cli import DEFAULT_MENU
from platforms.wechat import menu_problems

HOOK = "https://bot.example.cn/webhooks/telegram/webhook"
KEYS = [*MENU_QUESTIONS, MENU_HELP_KEY]


@pytest.fixture
def telegram(monkeypatch):
    with FakeTelegramAPI() as fake:
        monkeypatch.setenv("TELEGRAM_TOKEN", fake.token)
        monkeypatch.setenv("TELEGRAM_SECRET", "s3cret-token")
        monkeypatch.setenv("TELEGRAM_API_BASE", fake.url)
        yield fake


@pytest.fixture
def wechat(monkeypatch):
    with FakeWeChatAPI() as fake:
        monkeypatch.setenv("WECHAT_APPID", fake.appid)
        monkeypatch.setenv("WECHAT_APP_SECRET", fake.secret)
        monkeypatch.setenv("WECHAT_API_BASE", fake.url)
        monkeypatch.delenv("REDIS_URL", raising=False)
        yield fake


def test_set_webhook_registers_our_secret_and_my_chat_member(telegram, capsys):
    assert main(["telegram", "set-webhook", HOOK]) == 0
    assert telegram.webhook == {"url": HOOK, "secret_token": "s3cret-token",
                                "allowed_updates": ["message", "my_chat_member"]}
    shown = json.loads(capsys.readouterr().out)
    assert shown["url"] == HOOK and shown["allowed_updates"] == ["message", "my_chat_member"]


def test_set_webhook_refuses_plain_http_and_a_missing_secret(telegram, monkeypatch, capsys):
    assert main(["telegram", "set-webhook", HOOK.replace("https", "http")]) == 1
    monkeypatch.setenv("TELEGRAM_SECRET", "")
    assert main(["telegram", "set-webhook", HOOK]) == 1
    assert telegram.webhook == {} and "TELEGRAM_SECRET" in capsys.readouterr().err


def test_set_webhook_reports_a_refusal_without_the_token(telegram, monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_TOKEN", "999:WRONG-TOKEN")
    assert main(["telegram", "set-webhook", HOOK]) == 1
    err = capsys.readouterr().err
    assert "InvalidToken" in err and "WRONG-TOKEN" not in err


def test_set_menu_sends_the_shipped_menu(wechat, capsys):
    assert main(["wechat", "set-menu"]) == 0
    assert wechat.menu == yaml.safe_load(DEFAULT_MENU.read_text(encoding="utf-8"))
    assert "3 buttons" in capsys.readouterr().out


def test_set_menu_refuses_a_menu_the_channel_would_not_answer(wechat, tmp_path, capsys):
    menu = tmp_path / "menu.json"
    menu.write_text(json.dumps({"button": [{"type": "click", "name": "社保查询", "key": "SOCIAL_SECURITY"}]},
                               ensure_ascii=False), encoding="utf-8")
    assert main(["wechat", "set-menu", str(menu)]) == 1
    assert wechat.menu is None and "SOCIAL_SECURITY" in capsys.readouterr().err


def test_menu_rules():
    click = {"type": "click", "name": "帮助", "key": MENU_HELP_KEY}
    assert menu_problems({"button": [click]}, KEYS) == []
    assert menu_problems({"button": [click] * 4}, KEYS) == ["at most 3 top-level buttons, not 4"]
    assert menu_problems({"button": [dict(click, name="就业政策问答")]}, KEYS)  # 18 bytes > 16
    assert menu_problems({"button": [{"name": "政策", "sub_button": [click] * 6}]}, KEYS)
    assert menu_problems({"button": [{"type": "view", "name": "官网", "url": "ftp://x"}]}, KEYS)
    assert menu_problems({"button": [{"type": "view", "name": "官网", "url": "https://rst.jl.gov.cn"}]}, KEYS) == []
    assert menu_problems({"menu": []}, KEYS) == ["the menu needs a non-empty list `button`"]
