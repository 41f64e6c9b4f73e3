"""Finding 2: the conversation was keyed by the sender id alone, so a REST client posting with a
WeChat user's openid in the middle of their registration form read the summary (full phone,
name, school), edited it and submitted it. Now each channel has its own conversations."""
from __future__ import annotations

import uuid

import pytest

from tests.registry.helpers import make_id

pytestmark = pytest.mark.e2e

NUMBER = make_id(area="220102", birth="20020416", seq="371")
WECHAT_SO_FAR = ["我要做失业登记", "张三", "同意", NUMBER, "13912345678", "吉林大学"]
REST_REST_OF_FORM = ["会计学", "本科", "2024", "长春", "长春", "就业", "会计", "金融", "不限", "无", "确认"]


def test_rest_cannot_join_a_wechat_users_form(target):
    openid = f"o_form_{uuid.uuid4().hex[:10]}"
    replies = [target.wechat(openid, text) for text in WECHAT_SO_FAR]
    assert "专业" in replies[-1], replies[-1]  # mid-form: the next question is the major

    seen = "\n".join(target.rest_text(openid, text, input_channel="wechat") for text in REST_REST_OF_FORM)
    for personal in ("13912345678", "139****5678", "张三", "吉林大学", "登记成功"):
        assert personal not in seen, f"{personal} reached the REST client"
    assert target.ledger().find_by_id_number(NUMBER) is None  # nothing submitted in their name
    assert not set(REST_REST_OF_FORM) & set(target.user_texts(f"wechat:{openid}"))

    # the WeChat user's form is exactly where they left it
    assert "学历" in target.wechat(openid, "会计学")
