"""Console configuration from the environment, read when the console first serves a request or
a `jiuye console` command runs (never at import).

| variable | default | meaning |
|---|---|---|
| JIUYE_CONSOLE | 1 | `0` leaves the console out of `jiuye run` |
| JIUYE_CONSOLE_COOKIE_SECURE | auto | `auto`: Secure cookies when the request came over https; `1` always; `0` never |
| JIUYE_CONSOLE_SESSION_HOURS | 8 | a session ends this long after login (one shift) |
| JIUYE_CONSOLE_IDLE_MINUTES | 30 | ... or after this long without a request |
| JIUYE_CONSOLE_LOGIN_MAX_FAILURES | 5 | failed logins per user name, or per address, within the window ... |
| JIUYE_CONSOLE_LOGIN_WINDOW_MINUTES | 15 | ... before further attempts are refused until the window passes |
| JIUYE_CONSOLE_MIN_PASSWORD | 10 | shortest password `jiuye console add-user` accepts |
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Mapping, Optional


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer")
    return value


@dataclass(frozen=True)
class ConsoleConfig:
    cookie_secure: str = "auto"  # auto | always | never
    session_lifetime: dt.timedelta = dt.timedelta(hours=8)
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    login_max_failures: int = 5
    login_window: dt.timedelta = dt.timedelta(minutes=15)
    min_password: int = 10

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ConsoleConfig":
        env = os.environ if env is None else env
        secure = (env.get("JIUYE_CONSOLE_COOKIE_SECURE") or "auto").strip().lower()
        secure = {"1": "always", "true": "always", "0": "never", "false": "never"}.get(secure, secure)
        if secure not in ("auto", "always", "never"):
            raise ValueError("JIUYE_CONSOLE_COOKIE_SECURE must be auto, 1 or 0")
        return cls(
            cookie_secure=secure,
            session_lifetime=dt.timedelta(hours=_int(env, "JIUYE_CONSOLE_SESSION_HOURS", 8)),
            idle_timeout=dt.timedelta(minutes=_int(env, "JIUYE_CONSOLE_IDLE_MINUTES", 30)),
            login_max_failures=_int(env, "JIUYE_CONSOLE_LOGIN_MAX_FAILURES", 5),
            login_window=dt.timedelta(minutes=_int(env, "JIUYE_CONSOLE_LOGIN_WINDOW_MINUTES", 15)),
            min_password=_int(env, "JIUYE_CONSOLE_MIN_PASSWORD", 10),
        )

    def secure_cookies(self, scheme: str) -> bool:
        if self.cookie_secure == "auto":
            return scheme == "https"
        return self.cookie_secure == "always"


def console_enabled(env: Optional[Mapping[str, str]] = None) -> bool:
    env = os.environ if env is None else env
    return (env.get("JIUYE_CONSOLE") or "1").strip() != "0"
