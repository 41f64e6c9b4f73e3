"""The scheduler's tables, on the registry's ``Base`` metadata (one schema, one migration chain).

Times are naive UTC like the registry's. Rows that name a registration cascade on its deletion:
withdrawing a registration removes its follow-up state and its queued messages too.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)

from registry.models import Base, utcnow

OUTBOX_STATES = ("pending", "claimed", "sending", "sent", "dead", "skipped", "in_doubt")
OUTBOX_KINDS = ("fair_notice", "checkin", "service")
JOB_TABLE = "scheduler_jobs"


class JobFair(Base):
    """A job fair (招聘会) as imported or edited by staff. ``code`` is the stable key for upserts."""

    __tablename__ = "job_fairs"

    id = Column(Integer, primary_key=True)
    code = Column(String(60), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    starts_at = Column(DateTime, nullable=False, index=True)
    ends_at = Column(DateTime, nullable=False)
    city = Column(String(50))
    province = Column(String(20))
    online = Column(Boolean, nullable=False, default=False)
    address = Column(String(300))
    link = Column(String(500))
    organiser = Column(String(200), nullable=False)
    majors = Column(String(500))  # comma-separated; empty = every major
    industries = Column(String(500))  # comma-separated; empty = every industry
    positions = Column(Text)  # positions as published by the organiser, quoted verbatim
    cancelled = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="times"),
        CheckConstraint("online OR address IS NOT NULL", name="place"),
    )


class Campaign(Base):
    """One planned broadcast: a fair's notice at one offset. ``key`` includes the fair's start,
    so a rescheduled fair is announced again; ``planned_at`` is set in the same transaction as
    its outbox rows, so planning is all-or-nothing."""

    __tablename__ = "scheduler_campaigns"

    id = Column(Integer, primary_key=True)
    key = Column(String(100), nullable=False, unique=True)
    kind = Column(String(20), nullable=False)
    fair_id = Column(Integer, ForeignKey("job_fairs.id", ondelete="CASCADE"), index=True)
    due_at = Column(DateTime, nullable=False)
    planned_at = Column(DateTime)
    recipients = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class OutboxMessage(Base):
    """One message to one recipient. The unique key (campaign, recipient, step) makes enqueueing
    idempotent; ``state`` moves pending → claimed → sending → sent, or to dead / skipped /
    in_doubt (a send interrupted after it left: never re-sent automatically)."""

    __tablename__ = "scheduler_outbox"

    id = Column(Integer, primary_key=True)
    campaign = Column(String(100), nullable=False)
    recipient = Column(String(170), nullable=False)  # "<channel>:<user_id>"
    step = Column(String(60), nullable=False)
    kind = Column(String(20), nullable=False)
    channel = Column(String(30), nullable=False)
    user_id = Column(String(128), nullable=False)
    registration_id = Column(Integer, ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    fair_id = Column(Integer, ForeignKey("job_fairs.id", ondelete="CASCADE"), index=True)
    service_kind = Column(String(30))  # recorded in the service ledger once delivered
    payload = Column(Text, nullable=False, default="{}")  # JSON: what to render at send time
    body = Column(Text)  # the text actually sent (set when sending)
    state = Column(String(12), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    not_before = Column(DateTime, nullable=False)
    expires_at = Column(DateTime)
    lease_owner = Column(String(40))
    lease_until = Column(DateTime)
    sent_via = Column(String(20))  # wechat_custom, wechat_template, telegram
    last_error = Column(String(300))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    sent_at = Column(DateTime, index=True)

    __table_args__ = (
        UniqueConstraint("campaign", "recipient", "step", name="uq_scheduler_outbox_key"),
        Index("ix_scheduler_outbox_due", "state", "not_before"),
        Index("ix_scheduler_outbox_recipient", "recipient", "state"),
        CheckConstraint(
            "state IN ('pending', 'claimed', 'sending', 'sent', 'dead', 'skipped', 'in_doubt')", name="state"
        ),
    )


class Contact(Base):
    """What the scheduler knows about a chat user: when they last wrote (the WeChat 48 h
    customer-service window) and whether they can be reached at all."""

    __tablename__ = "scheduler_contacts"

    channel = Column(String(30), primary_key=True)
    user_id = Column(String(128), primary_key=True)
    last_inbound_at = Column(DateTime)
    blocked_reason = Column(String(40))  # unfollowed, invalid_user, bot_blocked
    blocked_at = Column(DateTime)
    opted_out_at = Column(DateTime)  # said 退订: no proactive messages at all
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class FollowUp(Base):
    """Follow-up state of one registration (intention 就业 or 创业)."""

    __tablename__ = "scheduler_followups"

    registration_id = Column(Integer, ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    next_checkin_at = Column(DateTime, nullable=False)
    checkins_planned = Column(Integer, nullable=False, default=0)
    last_answer = Column(String(20))  # 找到工作了, 还在找, 需要帮助, 想创业
    last_answer_at = Column(DateTime)
    needs_help = Column(Boolean, nullable=False, default=False)
    stopped_reason = Column(String(20))  # employed, opted_out, no_intention, unreachable
    stopped_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


# APScheduler's own job table, declared here so migrations create it (and autogenerate does not
# try to drop it). The columns mirror apscheduler.jobstores.sqlalchemy 3.9; the job store is
# handed the same table name and finds it already there.
scheduler_jobs = Table(
    JOB_TABLE, Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
