"""The NLU tokenizer cuts traditional or full-width text as its simplified, half-width form, with
offsets into the text as given (dialogue/simplified_tokenizer.py)."""
from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from dialogue.simplified_tokenizer import SimplifiedJiebaTokenizer, simplified


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


def test_a_conversion_that_would_change_the_length_leaves_the_text_as_it_is():
    assert simplified("㍻") == "㍻"  # NFKC would make two characters of one
    assert simplified("见习补贴") == "见习补贴"


def test_offsets_index_the_text_as_given_so_entity_spans_stay_valid(tokenizer):
    text = "我在長春找工作"
    tokens = cut(tokenizer, text)
    assert "".join(word for word, _, _ in tokens) == "我在长春找工作"
    assert all(end - start == len(word) for word, start, end in tokens)
    assert any(start == 2 and end == 4 for _, start, end in tokens)  # 長春 at 2..4, as annotated


def test_gesture_emoji_are_read_as_the_word_they_stand_for(tokenizer):
    """👍 to "同意吗" is 好, ❌ or 🙅 is 不: one character each, so offsets keep."""
    assert simplified("👍") == "好" and simplified("❌") == "不" and simplified("🙅") == "不"
    assert cut(tokenizer, "不行❌") == cut(tokenizer, "不行不")
    assert simplified("我同意👌") == "我同意好"
