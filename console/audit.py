"""The audit log: who did what, when. Written in the same transaction as the action it records."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import AuditEntry

LOGIN = "login"
LOGIN_FAILED = "login_failed"  # a wrong password (or unknown name): counts towards a lock
LOGIN_REFUSED = "login_refused"  # refused unchecked (locked name or address) or disabled account: does not count
LOCKED = "login_locked"  # a user name or an address reached its failure limit
UNLOCKED = "login_unlocked"
DENIED = "denied"  # a page or action the account's role does not allow
LOGOUT = "logout"
REVEAL_ID = "reveal_id"
ADD_SERVICE = "add_service"
ACCOUNT = "account"
FAIR_CREATE = "fair_create"
FAIR_EDIT = "fair_edit"

LABELS = {
    LOGIN: "登录", LOGIN_FAILED: "登录失败", LOGIN_REFUSED: "拒绝登录", LOGOUT: "退出登录",
    REVEAL_ID: "查看完整身份证号", ADD_SERVICE: "登记服务", ACCOUNT: "账号管理", FAIR_CREATE: "新建招聘会",
    FAIR_EDIT: "修改招聘会", DENIED: "越权操作被拒", LOCKED: "登录锁定", UNLOCKED: "解除登录锁定",
}


def write(session: Session, action: str, actor: Optional[str] = None, target: Optional[str] = None,
          ip: Optional[str] = None, detail: Optional[str] = None, at: Optional[dt.datetime] = None) -> None:
    entry = AuditEntry(action=action, actor=actor, target=target, ip=ip, detail=(detail or None) and detail[:300])
    if at is not None:
        entry.at = at
    session.add(entry)


def failures_after(session: Session, after: dt.datetime, username: Optional[str] = None,
                   ip: Optional[str] = None) -> int:
    """Wrong-password logins later than ``after`` for this user name, or from this address."""
    column, value = (AuditEntry.target, username) if username is not None else (AuditEntry.ip, ip)
    return session.execute(
        select(func.count()).select_from(AuditEntry)
        .where(AuditEntry.action == LOGIN_FAILED, AuditEntry.at > after, column == value)
    ).scalar_one()


def recent(session: Session, limit: int = 100) -> List[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    return list(session.execute(query).scalars())
