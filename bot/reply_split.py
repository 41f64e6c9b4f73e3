"""Splits a reply too long for one message (WeChat: 2048 bytes of UTF-8; Telegram: 4096
characters) at the most natural place: a line break, else a sentence end, else a comma, else
anywhere between characters — never inside one."""
from __future__ import annotations

from typing import Callable, List

WECHAT_LIMIT_BYTES = 2048
BREAKS = ("\n", "。！？；!?;", "，、,：: ")


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def fits(text: str, limit: int = WECHAT_LIMIT_BYTES, size: Callable[[str], int] = utf8_size) -> bool:
    return size(text) <= limit


def _longest_prefix(text: str, limit: int, size: Callable[[str], int]) -> int:
    low, high = 1, len(text)
    while low < high:  # largest n with size(text[:n]) <= limit (size is monotonic in n)
        middle = (low + high + 1) // 2
        if size(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split(text: str, limit: int = WECHAT_LIMIT_BYTES, size: Callable[[str], int] = utf8_size) -> List[str]:
    parts: List[str] = []
    rest = text.strip()
    while rest and not fits(rest, limit, size):
        longest = _longest_prefix(rest, limit, size)
        cut = longest
        for marks in BREAKS:
            position = max(rest.rfind(mark, 0, longest) for mark in marks)
            if position + 1 >= longest // 2:  # a break in the second half: keeps parts even
                cut = position + 1
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
