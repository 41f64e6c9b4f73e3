"""Mainland China mobile numbers: 11 digits starting 13–19, optional +86 / 86 prefix."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NOISE = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# A mobile number inside free text (not part of a longer digit run), also written with single
# spaces or dashes between the usual 3-4-4 groups, or +86 / 86 in front.
MOBILE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}(?!\d)")


@dataclass(frozen=True)
class PhoneCheck:
    ok: bool
    number: str = ""
    reason: str = ""


def normalise(raw: str) -> str:
    digits = _NOISE.sub("", unicodedata.normalize("NFKC", raw or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate(raw: str) -> PhoneCheck:
    number = normalise(raw)
    if not number.isdigit():
        return PhoneCheck(False, reason="手机号码只能包含数字，请输入11位手机号码，例如13912345678。")
    if len(number) != 11:
        return PhoneCheck(False, reason=f"手机号码应为11位，您输入的是{len(number)}位。请输入11位手机号码，例如13912345678。")
    if not _MOBILE.fullmatch(number):
        return PhoneCheck(False, reason="这不是有效的大陆手机号码（应以13–19开头），暂不支持座机号码。请输入11位手机号码，例如13912345678。")
    return PhoneCheck(True, number=number)


def find_in_text(text: str) -> str:
    """The first mobile number written in free text, normalised, or ''."""
    match = MOBILE_IN_TEXT.search(text or "")
    return normalise(match.group(0)) if match else ""


def mask(number: str) -> str:
    return number[:3] + "****" + number[-4:] if len(number) == 11 else "*" * len(number)
