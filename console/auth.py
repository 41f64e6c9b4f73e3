"""Staff accounts: password hashing (scrypt, per-user salt), creation, and login with throttling.

Failed logins are audit-log rows; ``console.throttle`` counts them per user name and per client
address and locks either for a fixed time, so the limit holds across restarts and for every
process sharing the database.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from console import audit, sessions, throttle
from console.models import OPERATOR, ROLES, StaffUser
from registry.models import utcnow
from settings.console import ConsoleConfig

# scrypt cost: 2^15 × 8 × 128 B = 32 MiB and ~0.1 s per hash on these machines (OWASP minimum is
# N=2^17 with r=8, p=1 or equivalent work; we trade some for a 2-core box serving the bot too).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
_MAXMEM = 64 * 1024 * 1024
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,50}$")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$<n>$<r>$<p>$<salt>$<hash>``: parameters are stored, so they can grow later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                                maxmem=_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Compared against when the user name is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH: Optional[str] = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


class AccountError(ValueError):
    """A user name or password that cannot be used (message in Chinese, for the operator)."""


def check_new_password(password: str, config: ConsoleConfig) -> None:
    if len(password) < config.min_password:
        raise AccountError(f"密码至少需要{config.min_password}个字符。")
    if password.strip() != password or not password.strip():
        raise AccountError("密码首尾不能是空白字符。")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"角色只能是 {' 或 '.join(ROLES)}（{'、'.join(ROLES.values())}）。")
    return role


def add_user(session: Session, username: str, password: str, config: ConsoleConfig,
             display_name: Optional[str] = None, reset: bool = False, role: Optional[str] = None) -> StaffUser:
    """Create an account (an operator unless ``role`` says otherwise), or with ``reset`` set a new
    password (ending the user's sessions; the role changes only when ``role`` is given)."""
    if not USERNAME.match(username):
        raise AccountError("用户名只能包含字母、数字、下划线、点和连字符（2–50个字符）。")
    check_new_password(password, config)
    if role is not None:
        check_role(role)
    user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if user is not None and not reset:
        raise AccountError(f"用户 {username} 已存在（重设密码请加 --reset）。")
    if user is None:
        user = StaffUser(username=username, display_name=display_name or username, password_hash=hash_password(password),
                         role=role or OPERATOR)
        session.add(user)
        audit.write(session, audit.ACCOUNT, target=username, detail=f"created ({user.role})")
    else:
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        user.active = True
        if display_name:
            user.display_name = display_name
        if role is not None:
            user.role = role
        sessions.end_all(session, user.id)
        audit.write(session, audit.ACCOUNT, target=username, detail=f"password reset ({user.role})")
    session.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    user_id: Optional[int] = None
    username: Optional[str] = None
    error: Optional[str] = None  # Chinese message for the login page

    @property
    def ok(self) -> bool:
        return self.user_id is not None


BAD_LOGIN = "用户名或密码错误。"
LOCKED = {
    throttle.ACCOUNT: "该账号登录失败次数过多，已暂时锁定，请{minutes}分钟后再试，或请主管解锁。",
    throttle.ADDRESS: "您所在网络地址登录失败次数过多，已暂时锁定，请{minutes}分钟后再试，或请主管解锁。",
}
DISABLED = "该账号已停用，请联系主管。"


def authenticate(session: Session, username: str, password: str, ip: Optional[str], config: ConsoleConfig,
                 verify: Callable[[str, str], bool] = verify_password, now: Optional[dt.datetime] = None) -> LoginResult:
    """Check a login; records it in the audit log (caller commits). A locked name or address is
    refused before the password is checked, and the refusal neither counts nor extends the lock."""
    now = now or utcnow()
    username = (username or "").strip()[:50]
    lock = throttle.active_lock(session, username, ip, now)
    if lock is not None:
        audit.write(session, audit.LOGIN_REFUSED, target=username, ip=ip, at=now,
                    detail=f"{lock.scope} locked until {lock.until.isoformat(sep=' ')} UTC")
        return LoginResult(error=LOCKED[lock.scope].format(minutes=lock.minutes_left(now)))
    user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    stored = user.password_hash if user is not None else _dummy_hash()
    if not verify(password or "", stored) or user is None:
        audit.write(session, audit.LOGIN_FAILED, target=username, ip=ip, at=now)
        locks = throttle.record_failure(session, username, ip, config, now)
        for locked in locks:
            audit.write(session, audit.LOCKED, target=locked.key, ip=ip, at=now,
                        detail=f"{locked.scope} locked until {locked.until.isoformat(sep=' ')} UTC")
        if locks:
            return LoginResult(error=BAD_LOGIN + LOCKED[locks[0].scope].format(minutes=locks[0].minutes_left(now)))
        return LoginResult(error=BAD_LOGIN)
    if not user.active:  # the right password: saying so reveals nothing to a guesser
        audit.write(session, audit.LOGIN_REFUSED, target=username, ip=ip, at=now, detail="account disabled")
        return LoginResult(error=DISABLED)
    audit.write(session, audit.LOGIN, actor=user.username, target=user.username, ip=ip, at=now)
    return LoginResult(user_id=user.id, username=user.username)
