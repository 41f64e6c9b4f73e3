"""Numbers graduates write in questions: 两个人合伙, 11人, 十五万, 离校一年, 23岁."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"(\d+(?:\.\d+)?|[零〇一二两俩三仨四五六七八九十百千]+)"


def parse_number(text: str) -> Optional[float]:
    """Arabic or Chinese numeral (up to 千) to a number; None if it is neither."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return float(total + current)


@dataclass(frozen=True)
class QuestionDetails:
    """Figures a question gives that change the answer."""

    partners: Optional[int] = None
    amount_wan: Optional[float] = None  # amount asked about, in 万元
    years_since_graduation: Optional[float] = None
    age: Optional[int] = None
    honour: bool = False


_PARTNERS = [
    re.compile(_NUM + r"\s*(?:个)?(?:人|位|名)(?:一起|共同|合伙|合作|搭伙|联合)"),
    re.compile(r"(?:合伙人?|股东)(?:有|共|一共)?\s*" + _NUM + r"\s*(?:个|位|名)?"),
    re.compile(r"(?:我们|咱们)\s*" + _NUM + r"\s*(?:个)?(?:人)"),
    re.compile(_NUM + r"\s*(?:个)?(?:人|位)(?:的)?(?:团队|合伙)"),
]
_AMOUNT = re.compile(_NUM + r"\s*万")
_YEARS = [
    re.compile(r"(?:毕业|离校)(?:了|已经)?\s*" + _NUM + r"\s*(?:年|个年头)"),
    re.compile(_NUM + r"\s*年(?:前|了)?\s*(?:毕业|离校)"),
]
_JUST_GRADUATED = re.compile(r"刚毕业|应届|今年毕业|还没毕业|即将毕业")
_AGE = re.compile(_NUM + r"\s*(?:岁|周岁)")
_HONOUR = re.compile(r"荣誉|优秀毕业生|获奖|获得过.{0,6}奖|表彰|先进个人")


def _first(patterns: Iterable[re.Pattern], text: str) -> Optional[float]:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            value = parse_number(match.group(1))
            if value is not None:
                return value
    return None


def parse_details(text: str) -> QuestionDetails:
    """Pull the figures out of the question text. Deterministic, so answers are testable."""
    text = text or ""
    partners = _first(_PARTNERS, text)
    amount = _first([_AMOUNT], text)
    years = _first(_YEARS, text)
    if years is None and _JUST_GRADUATED.search(text):
        years = 0.0
    age = _first([_AGE], text)
    return QuestionDetails(
        partners=int(partners) if partners and 1 < partners < 1000 else None,
        amount_wan=amount,
        years_since_graduation=years,
        age=int(age) if age else None,
        honour=bool(_HONOUR.search(text)),
    )
