"""The NLU tokenizer cuts a message as the channels hand it to Rasa (normalised: simplified,
half-width, dialect and pinyin rewritten), with offsets into the text as given
(dialogue/simplified_tokenizer.py)."""
from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from dialogue.simplified_tokenizer import SimplifiedJiebaTokenizer, read_as_channels_do
from policies_kb.normalize import normalize


@pytest.fixture(scope="module")
def tokenizer() -> SimplifiedJiebaTokenizer:
    return SimplifiedJiebaTokenizer(SimplifiedJiebaTokenizer.get_default_config(), None, None)  # type: ignore[arg-type]


def cut(tokenizer: SimplifiedJiebaTokenizer, text: str) -> List[Tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_traditional_text_is_cut_like_its_simplified_form(tokenizer):
    assert cut(tokenizer, "見習補貼發給誰") == cut(tokenizer, "见习补贴发给谁")
    assert cut(tokenizer, "取消訂閱") == cut(tokenizer, "取消订阅")


def test_full_width_digits_become_half_width_with_the_same_offsets(tokenizer):
    tokens = cut(tokenizer, "电话１３９１２３４５６７８")
    assert ("13912345678", 2, 13) in tokens


def test_dialect_and_pinyin_are_cut_as_the_channels_would_hand_them_over(tokenizer):
    """Training examples are raw text; a channel gives the model normalize(text). Both are cut alike."""
    for raw in ["想登个记 咋整", "俺闺女今年毕业", "woyao dengji", "我冇找到事做"]:
        assert [w for w, _, _ in cut(tokenizer, raw)] == [w for w, _, _ in cut(tokenizer, normalize(raw))], raw


def test_a_rewritten_stretch_spans_the_characters_it_replaced(tokenizer):
    text = "想登个记 咋整 我叫王浩然"
    tokens = cut(tokenizer, text)
    assert ("怎么办", 5, 7) in tokens  # 咋整
    after = [(w, start, end) for w, start, end in tokens if start >= 10]  # an entity span after it lines up
    assert all(text[start:end] == w for w, start, end in after) and "".join(w for w, _, _ in after) == "王浩然"
    assert all(0 <= start < end <= len(text) for _, start, end in tokens)


def test_text_that_normalises_to_nothing_is_cut_as_given(tokenizer):
    assert read_as_channels_do("   ") == "   "


def test_offsets_index_the_text_as_given_so_entity_spans_stay_valid(tokenizer):
    text = "我在長春找工作"
    tokens = cut(tokenizer, text)
    assert "".join(word for word, _, _ in tokens) == "我在长春找工作"
    assert all(end - start == len(word) for word, start, end in tokens)
    assert any(start == 2 and end == 4 for _, start, end in tokens)  # 長春 at 2..4, as annotated


def test_gesture_emoji_are_read_as_the_word_they_stand_for(tokenizer):
    """👍 to "同意吗" is 好, ❌ or 🙅 is 不."""
    assert read_as_channels_do("👍") == "好" and read_as_channels_do("❌") == "不"
    assert cut(tokenizer, "不行❌") == cut(tokenizer, "不行不")
    assert read_as_channels_do("我同意👌") == "我同意好"
