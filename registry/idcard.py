"""Resident ID numbers (GB 11643-1999): validation with a specific Chinese reason, and masking.

Pure functions, no I/O. The raw number only ever lives in local variables: callers keep the
masked form or the ciphertext.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: provinces, autonomous regions, municipalities (GB/T 2260), HK/MO/TW (81-83).
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"]
)
MIN_AGE = 16
MAX_AGE = 60

_SEPARATORS = re.compile(r"[\s\-]")
# An ID number as people type it (no anchors; callers add their own boundaries): 18 characters,
# the last a digit or X/x, grouped any way with single spaces or dashes (220102 20010315 135x,
# 2201 0220 0103 1513 5X); or an unbroken run of 15-19 (old 15-digit numbers and near-misses).
ID_GROUPED = r"[0-9](?:[ \-]?[0-9]){16}[ \-]?[0-9Xx]"
ID_WRITTEN = rf"(?:{ID_GROUPED}|[0-9]{{14,18}}[0-9Xx])"


@dataclass(frozen=True)
class IdCheck:
    """Outcome of a check: ``ok`` with the normalised number, or a code and Chinese reason."""

    ok: bool
    number: str = ""
    code: str = ""
    reason: str = ""


def normalise(raw: str) -> str:
    """Drop spaces and dashes, upper-case a trailing x."""
    return _SEPARATORS.sub("", raw or "").upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def _age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _fail(code: str, reason: str) -> IdCheck:
    return IdCheck(ok=False, code=code, reason=reason)


def validate(raw: str, today: Optional[dt.date] = None) -> IdCheck:
    """Check an ID number; ``reason`` says what is wrong in words a graduate can act on."""
    today = today or dt.date.today()
    number = normalise(raw)
    if len(number) == 15 and number.isdigit():
        return _fail("old_15", "这是15位的旧身份证号码，请输入第二代居民身份证上的18位号码。")
    if len(number) != 18:
        return _fail("length", f"身份证号码应为18位，您输入的是{len(number)}位，请核对后重新输入。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return _fail("characters", "身份证号码前17位应为数字，最后一位为数字或字母X，请重新输入。")
    if number[:2] not in PROVINCE_CODES:
        return _fail("area", "身份证号码开头的地区码无效，请核对前6位后重新输入。")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _fail(
            "birth_date",
            f"身份证号码第7到14位的出生日期（{number[6:10]}年{number[10:12]}月{number[12:14]}日）不是真实的日期，请核对后重新输入。",
        )
    if birth > today:
        return _fail("birth_date", "身份证号码中的出生日期晚于今天，请核对第7到14位后重新输入。")
    age = _age_on(birth, today)
    if not MIN_AGE <= age <= MAX_AGE:
        return _fail(
            "age",
            f"按身份证号码中的出生日期，您今年{age}岁，不在毕业生登记服务的年龄范围（{MIN_AGE}–{MAX_AGE}岁）内，请核对后重新输入。",
        )
    if check_character(number[:17]) != number[17]:
        return _fail("check_char", "身份证号码最后一位校验码不对，可能有数字输错或顺序颠倒，请逐位核对后重新输入。")
    return IdCheck(ok=True, number=number)


def mask(number: str) -> str:
    """2201**********123X: area prefix and last four only."""
    number = normalise(number)
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
