"""The audit log: who did what, when. Written in the same transaction as the action it records."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import AuditEntry

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
REVEAL_ID = "reveal_id"
ADD_SERVICE = "add_service"
ACCOUNT = "account"
FAIR_CREATE = "fair_create"
FAIR_EDIT = "fair_edit"

LABELS = {
    LOGIN: "登录", LOGIN_FAILED: "登录失败", LOGOUT: "退出登录", REVEAL_ID: "查看完整身份证号",
    ADD_SERVICE: "登记服务", ACCOUNT: "账号管理", FAIR_CREATE: "新建招聘会", FAIR_EDIT: "修改招聘会",
}


def write(session: Session, action: str, actor: Optional[str] = None, target: Optional[str] = None,
          ip: Optional[str] = None, detail: Optional[str] = None) -> None:
    session.add(AuditEntry(action=action, actor=actor, target=target, ip=ip, detail=(detail or None) and detail[:300]))


def failures_since(session: Session, since: dt.datetime, username: str, ip: Optional[str]) -> int:
    """Failed logins since ``since`` for this user name, or from this address (whichever is more)."""
    by_user = session.execute(
        select(func.count()).select_from(AuditEntry)
        .where(AuditEntry.action == LOGIN_FAILED, AuditEntry.at >= since, AuditEntry.target == username)
    ).scalar_one()
    by_ip = 0
    if ip:
        by_ip = session.execute(
            select(func.count()).select_from(AuditEntry)
            .where(AuditEntry.action == LOGIN_FAILED, AuditEntry.at >= since, AuditEntry.ip == ip)
        ).scalar_one()
    return max(by_user, by_ip)


def recent(session: Session, limit: int = 100) -> List[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    return list(session.execute(query).scalars())
