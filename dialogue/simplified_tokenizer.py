"""Jieba tokenization of a message as the channels hand it to Rasa: normalised.

Why: every channel normalises a message before Rasa sees it (``policies_kb/normalize.py``:
full-width → half-width, traditional → simplified, dialect and slang → standard words, pinyin and
typos repaired), but the training examples and ``rasa test nlu`` give the model the raw text. The
model then learnt 咋整 and 俺 from its data yet never met them from a channel, and 見習補貼 shared
no character n-gram with 见习补贴. Tokens here are cut from the normalised text (plus gesture
emoji read as words), so training, evaluation and the channels all feed the featurizers the same
words; on already-normalised text it changes nothing. Each token's offsets index the text as given
(a rewritten stretch such as 咋整 → 怎么办 spans the characters it replaced), so the entity spans
of training examples and the regex features still line up.
"""
from __future__ import annotations

import difflib
from typing import List, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from policies_kb.normalize import normalize

# Gesture emoji read as the one-character word they stand for (one code point each, so offsets
# keep): a reply of 👍 or ❌ to "同意吗" carries its meaning, not an unseen character.
_EMOJI_WORDS = str.maketrans({
    "👍": "好", "👌": "好", "🙆": "好", "✅": "是", "⭕": "是", "✔": "是", "☑": "是", "🆗": "好",
    "❌": "不", "❎": "不", "🙅": "不", "✖": "不", "👎": "不", "⛔": "不", "🚫": "不",
    "🙏": "谢", "💐": "谢",
})


def read_as_channels_do(text: str) -> str:
    """``text`` as a channel hands it to Rasa (policies_kb/normalize.py), gesture emoji as words."""
    return normalize(text.translate(_EMOJI_WORDS)) or text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SimplifiedJiebaTokenizer(JiebaTokenizer):
    """``JiebaTokenizer`` (same options, same dictionary handling) over :func:`read_as_channels_do` text."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        import jieba

        original = message.get(attribute)
        text = read_as_channels_do(original)
        starts, ends = _alignment(original, text)
        return self._apply_token_pattern([Token(word, starts[begin], ends[end - 1])
                                          for word, begin, end in jieba.tokenize(text) if end > begin])


def _alignment(original: str, text: str) -> Tuple[List[int], List[int]]:
    """For each character of ``text`` (``original`` rewritten), where it starts and ends in
    ``original``: unchanged stretches and those rewritten to the same length map one to one; every
    character of a rewritten stretch (咋整 → 怎么办) spans the whole stretch it replaced, at least one."""
    if text == original:  # every channel message: normalised already
        return list(range(len(text))), list(range(1, len(text) + 1))
    starts, ends = [0] * len(text), [0] * len(text)
    last = max(len(original), 1)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, text, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            if op == "equal" or i2 - i1 == j2 - j1:  # 見習 → 见习: character for character
                starts[j], ends[j] = i1 + j - j1, i1 + j - j1 + 1
            else:
                starts[j] = min(i1, last - 1)
                ends[j] = min(max(i2, starts[j] + 1), last)
    return starts, ends
