"""Replies over 2048 bytes become several messages, cut at natural places, nothing lost."""
from __future__ import annotations

import re

from bot.reply_split import WECHAT_LIMIT_BYTES, split, utf8_size


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_short_reply_is_one_part():
    assert split("吉林省个人创业担保贷款最高20万元。") == ["吉林省个人创业担保贷款最高20万元。"]


def test_long_reply_parts_fit_and_lose_nothing():
    paragraphs = [f"第{i}段：" + "高校毕业生可申请创业担保贷款，财政按规定贴息。" * 8 for i in range(12)]
    text = "\n".join(paragraphs)
    assert utf8_size(text) > 3 * WECHAT_LIMIT_BYTES
    parts = split(text)
    assert len(parts) >= 4
    assert all(utf8_size(p) <= WECHAT_LIMIT_BYTES for p in parts)
    assert squash("".join(parts)) == squash(text)
    assert all(p.endswith("。") for p in parts)  # cut at line/sentence ends


def test_no_break_available_cuts_between_characters_not_inside_one():
    text = "贷" * 2000  # 6000 bytes, no punctuation
    parts = split(text)
    assert [utf8_size(p) for p in parts] == [2046, 2046, 1908]
    assert "".join(parts) == text


def test_prefers_sentence_end_over_comma():
    sentence = "甲" * 400 + "。" + "乙" * 200 + "，" + "丙" * 300
    first = split(sentence)[0]
    assert first == "甲" * 400 + "。"


def test_a_break_too_early_is_not_used_so_parts_stay_even():
    text = "甲" * 100 + "。" + "乙" * 1000  # the only sentence end would leave a 101-character part
    assert len(split(text)[0]) == 682


def test_character_limit_for_telegram():
    text = "a" * 5000
    parts = split(text, 4096, len)
    assert [len(p) for p in parts] == [4096, 904]
