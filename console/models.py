"""Console tables, on the registry's ``Base`` metadata (one schema, one migration chain:
``migrations/versions/02_console.py``). Times are naive UTC like the registry's."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String

from registry.models import Base, utcnow

OPERATOR = "operator"
SUPERVISOR = "supervisor"
ROLES = {OPERATOR: "坐席", SUPERVISOR: "主管"}  # only a supervisor reveals full ID numbers and sends broadcasts


class StaffUser(Base):
    """A hotline operator who may log in to the console (created with `jiuye console add-user`)."""

    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(50), nullable=False, unique=True)
    display_name = Column(String(100))
    password_hash = Column(String(300), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    password_changed_at = Column(DateTime, nullable=False, default=utcnow)
    # One of ROLES, checked by the code that sets it (a CHECK constraint would make SQLite rebuild
    # the table, which cascades to staff_sessions).
    role = Column(String(20), nullable=False, default=OPERATOR, server_default=OPERATOR)


class LoginLock(Base):
    """A lock on logins for a user name (``scope`` account) or a client address (``scope``
    address), set when failures reach the limit. Failures are counted from the audit log, only
    after the last lock of the same key ended, so neither refused attempts during a lock nor the
    failures that caused it can extend or renew it. Unlocking sets ``locked_until`` to now.
    User names are locked whether or not the account exists (no enumeration)."""

    __tablename__ = "staff_login_locks"

    scope = Column(String(10), primary_key=True)
    key = Column(String(100), primary_key=True)
    locked_at = Column(DateTime, nullable=False, default=utcnow)
    locked_until = Column(DateTime, nullable=False, index=True)


class StaffSession(Base):
    """A logged-in browser. Only the SHA-256 of the cookie's token is stored, so a copy of the
    database does not hand out live sessions."""

    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False, index=True)
    ip = Column(String(64))


class AuditEntry(Base):
    """Who did what, when: logins (and failures, which also drive rate limiting), full ID reveals,
    services recorded. ``actor`` is a username kept as text so entries outlive the account."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(50))
    action = Column(String(30), nullable=False)
    target = Column(String(100))
    ip = Column(String(64))
    detail = Column(String(300))

    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)
