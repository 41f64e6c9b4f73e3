"""Account administration shared by `jiuye console` and the supervisors' 账号管理 page: list,
disable / enable, change role, lift a login lock. Every change is audited in the same
transaction; ``actor`` is the supervisor's user name, or None for the command line."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit, sessions, throttle
from console.auth import AccountError, check_role
from console.models import StaffUser
from registry.models import utcnow


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: Optional[dt.datetime]  # naive UTC; None when no lock is in force


def _user(session: Session, username: str) -> StaffUser:
    user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if user is None:
        raise AccountError(f"没有用户 {username}。")
    return user


def list_accounts(session: Session, now: Optional[dt.datetime] = None) -> List[Account]:
    now = now or utcnow()
    locks = {lock.key: lock.until for lock in throttle.active_locks(session, now, throttle.ACCOUNT)}
    users = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()
    return [Account(u.username, u.display_name or u.username, u.role, bool(u.active), locks.get(u.username))
            for u in users]


def set_active(session: Session, username: str, active: bool, actor: Optional[str] = None) -> bool:
    """Enable or disable an account; disabling ends its sessions at once. False if unchanged."""
    user = _user(session, username)
    if bool(user.active) == active:
        return False
    user.active = active
    ended = 0 if active else sessions.end_all(session, user.id)
    detail = "enabled" if active else f"disabled ({ended} sessions ended)"
    audit.write(session, audit.ACCOUNT, actor=actor, target=username, detail=detail)
    return True


def set_role(session: Session, username: str, role: str, actor: Optional[str] = None) -> bool:
    """Change an account's role (effective on its next request). False if unchanged."""
    check_role(role)
    user = _user(session, username)
    if user.role == role:
        return False
    audit.write(session, audit.ACCOUNT, actor=actor, target=username, detail=f"role {user.role} -> {role}")
    user.role = role
    return True


def unlock(session: Session, scope: str, key: str, actor: Optional[str] = None, ip: Optional[str] = None,
           now: Optional[dt.datetime] = None) -> bool:
    """Lift the login lock on a user name or an address. False if none was in force."""
    if scope not in throttle.SCOPES:
        raise AccountError("只能解锁账号或地址。")
    if not throttle.unlock(session, scope, key, now or utcnow()):
        return False
    audit.write(session, audit.UNLOCKED, actor=actor, target=key, ip=ip, detail=scope)
    return True
