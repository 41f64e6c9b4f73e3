"""Console configuration from the environment, read when the console first serves a request or
a `jiuye console` command runs (never at import).

| variable | default | meaning |
|---|---|---|
| JIUYE_CONSOLE | 1 | `0` leaves the console out of `jiuye run` |
| JIUYE_CONSOLE_COOKIE_SECURE | auto | `auto`: Secure cookies when the request came over https; `1` always; `0` never |
| JIUYE_CONSOLE_SESSION_HOURS | 8 | a session ends this long after login (one shift) |
| JIUYE_CONSOLE_IDLE_MINUTES | 30 | ... or after this long without a request |
| JIUYE_CONSOLE_LOGIN_MAX_FAILURES | 5 | failed logins for one user name within the window lock that name ... |
| JIUYE_CONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS | 20 | ... and this many from one client address lock the address |
| JIUYE_CONSOLE_LOGIN_WINDOW_MINUTES | 15 | the window failures are counted in |
| JIUYE_CONSOLE_LOCK_MINUTES | 15 | how long a lock lasts (attempts during it do not extend it; a supervisor can lift it) |
| JIUYE_CONSOLE_MIN_PASSWORD | 10 | shortest password `jiuye console add-user` accepts |
| JIUYE_PROXIES_COUNT | 0 | trusted reverse proxies in front of the Rasa server; the client address is then the N-th |
|   |   | X-Forwarded-For entry from the right (0: the peer address, X-Forwarded-For ignored) |

Per address the limit is higher than per account: behind a call centre's NAT every operator can
share one address, and one person's typos must not lock the others out.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from settings import parse


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    return parse.integer(env, name, default, minimum=minimum)


@dataclass(frozen=True)
class ConsoleConfig:
    cookie_secure: str = "auto"  # auto | always | never
    session_lifetime: dt.timedelta = dt.timedelta(hours=8)
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    login_max_failures: int = 5  # per user name
    login_max_failures_per_address: int = 20
    login_window: dt.timedelta = dt.timedelta(minutes=15)
    lock_duration: dt.timedelta = dt.timedelta(minutes=15)
    min_password: int = 10
    proxies_count: int = 0  # trusted proxies in front: X-Forwarded-For is read only when > 0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ConsoleConfig":
        env = os.environ if env is None else env
        secure = parse.choice(env, "JIUYE_CONSOLE_COOKIE_SECURE", "auto", ("auto", "always", "never"),
                              aliases={"1": "always", "true": "always", "0": "never", "false": "never"})
        return cls(
            cookie_secure=secure,
            session_lifetime=dt.timedelta(hours=_int(env, "JIUYE_CONSOLE_SESSION_HOURS", 8)),
            idle_timeout=dt.timedelta(minutes=_int(env, "JIUYE_CONSOLE_IDLE_MINUTES", 30)),
            login_max_failures=_int(env, "JIUYE_CONSOLE_LOGIN_MAX_FAILURES", 5),
            login_max_failures_per_address=_int(env, "JIUYE_CONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
            login_window=dt.timedelta(minutes=_int(env, "JIUYE_CONSOLE_LOGIN_WINDOW_MINUTES", 15)),
            lock_duration=dt.timedelta(minutes=_int(env, "JIUYE_CONSOLE_LOCK_MINUTES", 15)),
            min_password=_int(env, "JIUYE_CONSOLE_MIN_PASSWORD", 10),
            proxies_count=_int(env, "JIUYE_PROXIES_COUNT", 0, minimum=0),
        )

    def secure_cookies(self, scheme: str) -> bool:
        if self.cookie_secure == "auto":
            return scheme == "https"
        return self.cookie_secure == "always"


def console_enabled(env: Optional[Mapping[str, str]] = None) -> bool:
    env = os.environ if env is None else env
    return (env.get("JIUYE_CONSOLE") or "1").strip() != "0"
