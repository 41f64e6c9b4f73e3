"""Staff sessions: a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only
its SHA-256, the user, a per-session CSRF token and the expiry times."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Optional, Tuple

from sqlalchemy import delete
from sqlalchemy.orm import Session

from console.models import OPERATOR, SUPERVISOR, StaffSession, StaffUser
from registry.models import utcnow
from settings.console import ConsoleConfig

COOKIE = "jiuye_console"
COOKIE_PATH = "/console"
_TOUCH_EVERY = dt.timedelta(seconds=60)  # write last_seen at most this often


@dataclass(frozen=True)
class SessionInfo:
    token_hash: str
    user_id: int
    username: str
    display_name: str
    csrf_token: str
    role: str = OPERATOR

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def create(session: Session, user_id: int, ip: Optional[str], config: ConsoleConfig,
           now: Optional[dt.datetime] = None) -> Tuple[str, str]:
    """A new session for ``user_id``: returns (cookie token, CSRF token)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    session.add(StaffSession(token_hash=token_hash(token), user_id=user_id, csrf_token=csrf, created_at=now,
                             last_seen_at=now, expires_at=now + config.session_lifetime, ip=ip))
    return token, csrf


def lookup(session: Session, token: Optional[str], config: ConsoleConfig,
           now: Optional[dt.datetime] = None) -> Optional[SessionInfo]:
    """The live session behind a cookie token, or None (unknown, expired, idle, user disabled).
    Expired and idle sessions are deleted; a live one has its last-seen time refreshed. The role
    is read from the account on every request, so a role change applies at once."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.get(StaffSession, token_hash(token))
    if row is None:
        return None
    user = session.get(StaffUser, row.user_id)
    if row.expires_at <= now or row.last_seen_at + config.idle_timeout <= now or user is None or not user.active:
        session.delete(row)
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
    return SessionInfo(row.token_hash, user.id, user.username, user.display_name or user.username, row.csrf_token,
                       user.role)


def end(session: Session, token: Optional[str]) -> bool:
    if not token:
        return False
    return session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token))).rowcount == 1


def end_all(session: Session, user_id: int) -> int:
    """End every session of a user (password reset, account disabled); returns how many."""
    return session.execute(delete(StaffSession).where(StaffSession.user_id == user_id)).rowcount


def set_cookie(response: Any, name: str, value: str, secure: bool, max_age: Optional[int] = None) -> None:
    """HttpOnly, SameSite=Strict, path /console; Secure when served over https (or configured)."""
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["path"] = COOKIE_PATH
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    if secure:
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def clear_cookie(response: Any, name: str, secure: bool) -> None:
    set_cookie(response, name, "", secure, max_age=0)
