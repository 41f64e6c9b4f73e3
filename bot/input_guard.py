"""First look at a graduate's message, shared by every channel: empty and over-long messages get
a clear Chinese answer without reaching the dialogue engine.

Before this, the Rasa server refuses any HTTP request body over ``MAX_REQUEST_BYTES`` with 413
while reading its headers (``jiuye/http_guard.py``), so no channel ever parses a large body."""
from __future__ import annotations

import unicodedata
from typing import Optional

MAX_CHARS = 1000
# Every request to the Rasa server, every route (channels, console). A Telegram update with a
# 4096-character message, its entities and the message it replies to stays far below this.
MAX_REQUEST_BYTES = 256 * 1024

EMPTY_REPLY = "您好像没有输入文字内容。请直接输入您的问题，例如“吉林创业担保贷款能贷多少”。"
TOO_LONG_REPLY = (
    f"您的消息太长了（超过{MAX_CHARS}字），我一次只能处理一个具体问题。请精简后再发给我，"
    "例如“江西毕业生档案去哪托管”。"
)


def clean(text: Optional[str]) -> str:
    """Normalise width (ＡＢＣ１２３ → ABC123) and strip control characters and outer space.
    Anything but a string (a platform payload of the wrong shape) counts as no text."""
    text = unicodedata.normalize("NFKC", text if isinstance(text, str) else "")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def rejection(text: str) -> Optional[str]:
    """The reply for a message we will not pass on, or None when it may go to the dialogue."""
    if not text or not any(ch.isalnum() for ch in text):
        return EMPTY_REPLY
    if len(text) > MAX_CHARS:
        return TOO_LONG_REPLY
    return None
