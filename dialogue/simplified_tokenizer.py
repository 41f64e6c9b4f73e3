"""Jieba tokenization of the simplified-Chinese, half-width form of a message.

Why: every channel normalises a message before Rasa sees it (``policies_kb/normalize.py``:
full-width → half-width, traditional → simplified, and more), but ``rasa test nlu`` and anything
else that parses text directly give the model the raw text, and 見習補貼 then shares no
character n-gram with 见习补贴. Tokens here are cut from the converted text, so the featurizers
see the simplified characters whichever way the text arrived; on already-normalised text it
changes nothing. Only conversions that keep the text's length are applied, so token offsets
(and the entity spans of training examples) still index the original text.
"""
from __future__ import annotations

import functools
import threading
import unicodedata
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _t2s():  # returns opencc.OpenCC (the package has no type hints)
    import opencc  # opencc-python-reimplemented

    return opencc.OpenCC("t2s")


# Gesture emoji read as the one-character word they stand for (one code point each, so offsets
# keep): a reply of 👍 or ❌ to "同意吗" carries its meaning, not an unseen character.
_EMOJI_WORDS = str.maketrans({
    "👍": "好", "👌": "好", "🙆": "好", "✅": "是", "⭕": "是", "✔": "是", "☑": "是", "🆗": "好",
    "❌": "不", "❎": "不", "🙅": "不", "✖": "不", "👎": "不", "⛔": "不", "🚫": "不",
    "🙏": "谢", "💐": "谢",
})


def simplified(text: str) -> str:
    """``text`` half-width and in simplified characters, when that keeps its length; else as is."""
    converted = unicodedata.normalize("NFKC", text.translate(_EMOJI_WORDS))
    with _lock:  # OpenCC's converter object is not documented as thread-safe
        converted = _t2s().convert(converted)
    return converted if len(converted) == len(text) else text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SimplifiedJiebaTokenizer(JiebaTokenizer):
    """``JiebaTokenizer`` (same options, same dictionary handling) over :func:`simplified` text."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        import jieba

        text = simplified(message.get(attribute))
        tokens = [Token(word, start) for word, start, _end in jieba.tokenize(text)]
        return self._apply_token_pattern(tokens)
