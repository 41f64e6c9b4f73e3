"""Reading single values from the environment, with one bilingual error for a bad one.

Every setting goes through these helpers so that a bad value stops a process with the same kind
of line, e.g. ``配置错误 PORT='abc'：应为 1–65535 的整数 / bad setting PORT='abc': must be an integer
from 1 to 65535`` and exit code 2 (``jiuye.cli``), never a traceback.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional

EXIT_CODE = 2  # what a process exits with for a bad setting (as for a bad command-line argument)


class SettingsError(ValueError):
    """A setting has a value the process cannot use; ``str()`` is one line, Chinese and English."""

    def __init__(self, name: str, raw: object, zh: str, en: str):
        self.name = name
        super().__init__(f"配置错误 {name}={raw!r}：应为{zh} / bad setting {name}={raw!r}: {en}")


def text(env: Mapping[str, str], name: str, default: Optional[str] = None) -> Optional[str]:
    """The stripped value, or ``default`` when unset or blank."""
    raw = (env.get(name) or "").strip()
    return raw or default


def integer(env: Mapping[str, str], name: str, default: int, minimum: int = 0,
            maximum: Optional[int] = None) -> int:
    raw = text(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        upper = f"–{maximum}" if maximum is not None else " 或更大"
        upper_en = f" to {maximum}" if maximum is not None else " or more"
        raise SettingsError(name, env.get(name), f" {minimum}{upper} 的整数", f"must be an integer from {minimum}{upper_en}")
    return value


def number(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0,
           exclusive: bool = False) -> float:
    """A float >= ``minimum`` (> when ``exclusive``)."""
    raw = text(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or value != value or value < minimum or (exclusive and value == minimum):
        bound_zh = "大于" if exclusive else "不小于"
        bound_en = "greater than" if exclusive else "at least"
        raise SettingsError(name, env.get(name), f"{bound_zh} {minimum:g} 的数", f"must be a number {bound_en} {minimum:g}")
    return value


def choice(env: Mapping[str, str], name: str, default: str, allowed: Iterable[str],
           aliases: Optional[Mapping[str, str]] = None, upper: bool = False) -> str:
    """One of ``allowed`` (case-insensitive; ``aliases`` map other spellings onto them)."""
    raw = text(env, name, default) or default
    value = raw.upper() if upper else raw.lower()
    value = (aliases or {}).get(value, value)
    allowed = tuple(allowed)
    if value not in allowed:
        listed = ", ".join(allowed)
        raise SettingsError(name, env.get(name), f"以下之一：{listed}", f"must be one of {listed}")
    return value


def port(env: Mapping[str, str], name: str, default: int) -> int:
    return integer(env, name, default, minimum=1, maximum=65535)


def url(env: Mapping[str, str], name: str, schemes: Optional[Iterable[str]] = None) -> Optional[str]:
    """An optional URL (``scheme://...``); with ``schemes``, its scheme (before any ``+driver``)
    must be one of them. The error shows only the scheme: a URL may carry a password."""
    raw = text(env, name)
    if raw is None:
        return None
    scheme = raw.split("://", 1)[0].split("+", 1)[0].lower() if "://" in raw else ""
    allowed = tuple(schemes or ())
    if not scheme or (allowed and scheme not in allowed):
        listed = ", ".join(f"{s}://" for s in allowed) or "scheme://"
        shown = f"{raw.split('://', 1)[0]}://…" if "://" in raw else "…"
        raise SettingsError(name, shown, f"以 {listed} 开头的地址", f"must be a URL starting with {listed}")
    return raw
