"""Login throttling per user name and per client address.

Wrong passwords are audit-log rows (``audit.LOGIN_FAILED``). When a user name reaches
``login_max_failures`` within the window, or an address reaches the (higher)
``login_max_failures_per_address``, that name or address is locked for ``lock_duration``: a
``staff_login_locks`` row. While it is locked, attempts are refused without checking the password
and recorded as ``audit.LOGIN_REFUSED``, which is not counted, and the lock's end is never moved.
Failures are counted only after the key's last lock ended (or was lifted), so the failures that
caused a lock do not lock again the moment it ends.

A lock on a user name does not touch other names; an address lock (meant for password guessing
across many names) needs four times as many failures by default, so one operator's typos behind
a shared address do not lock out the others.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit
from console.models import LoginLock
from registry.db import upsert_insert
from settings.console import ConsoleConfig

ACCOUNT = "account"
ADDRESS = "address"
SCOPES = (ACCOUNT, ADDRESS)


@dataclass(frozen=True)
class Lock:
    scope: str
    key: str
    until: dt.datetime

    def minutes_left(self, now: dt.datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def _keys(username: str, ip: Optional[str]) -> List[Tuple[str, str]]:
    return [(ACCOUNT, username)] + ([(ADDRESS, ip)] if ip else [])


def active_lock(session: Session, username: str, ip: Optional[str], now: dt.datetime) -> Optional[Lock]:
    """The lock on this user name, else on this address, that is in force at ``now``."""
    for scope, key in _keys(username, ip):
        row = session.get(LoginLock, (scope, key))
        if row is not None and row.locked_until > now:
            return Lock(scope, key, row.locked_until)
    return None


def _insert(session: Session):
    return upsert_insert(session, LoginLock)


def _lock(session: Session, row: Optional[LoginLock], scope: str, key: str, now: dt.datetime,
          until: dt.datetime) -> None:
    """Insert or replace the lock atomically (two processes may reach the limit at once)."""
    values = {"locked_at": now, "locked_until": until}
    statement = _insert(session).values(scope=scope, key=key, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["scope", "key"], set_=values))
    if row is not None:
        session.expire(row)  # written behind the ORM's back: reload on next access


def record_failure(session: Session, username: str, ip: Optional[str], config: ConsoleConfig,
                   now: dt.datetime) -> List[Lock]:
    """After a wrong password (already written to the audit log): lock the name and/or the
    address that reached its limit. Returns the locks set."""
    locked: List[Lock] = []
    for scope, key in _keys(username, ip):
        row = session.get(LoginLock, (scope, key))
        after = now - config.login_window
        if row is not None and row.locked_until > after:
            after = row.locked_until
        if scope == ACCOUNT:
            count, limit = audit.failures_after(session, after, username=key), config.login_max_failures
        else:
            count, limit = audit.failures_after(session, after, ip=key), config.login_max_failures_per_address
        if count >= limit:
            until = now + config.lock_duration
            _lock(session, row, scope, key, now, until)
            locked.append(Lock(scope, key, until))
    return locked


def unlock(session: Session, scope: str, key: str, now: dt.datetime) -> bool:
    """Lift a lock in force (failures before now no longer count). False if there was none."""
    row = session.get(LoginLock, (scope, key))
    if row is None or row.locked_until <= now:
        return False
    row.locked_until = now
    return True


def active_locks(session: Session, now: dt.datetime, scope: Optional[str] = None) -> List[Lock]:
    query = select(LoginLock).where(LoginLock.locked_until > now).order_by(LoginLock.locked_until.desc())
    if scope is not None:
        query = query.where(LoginLock.scope == scope)
    return [Lock(r.scope, r.key, r.locked_until) for r in session.execute(query).scalars()]
