"""Tables of the registration ledger, shared by the actions, the scheduler and the console.

Times are naive UTC (``utcnow()``) so SQLite and PostgreSQL compare them the same way. The raw
ID number is never a column: ``id_cipher`` (AES-GCM, versioned), ``id_hash`` (HMAC, versioned)
and ``id_masked`` are.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING))  # Any: SQLAlchemy 1.4 has no typed base

INTENTIONS = ("就业", "创业", "暂无就业意愿")
HARDSHIPS = ("脱贫家庭", "零就业家庭", "残疾", "低保", "其他特殊困难", "无")
EDUCATION_LEVELS = ("中专/技校", "专科", "本科", "硕士研究生", "博士研究生")
SERVICE_KINDS = ("career_guidance", "job_recommendation", "skills_training", "internship_offer")
STATUSES = ("active", "closed")


def utcnow() -> dt.datetime:
    return dt.datetime.utcnow().replace(microsecond=0)


class Registration(Base):
    """One person's active registration (withdrawal deletes the row; see docs/registration.md)."""

    __tablename__ = "registrations"

    id = Column(Integer, primary_key=True)
    reg_no = Column(String(20), nullable=False, unique=True)
    name = Column(String(50), nullable=False)
    id_cipher = Column(String(200), nullable=False)
    id_hash = Column(String(80), nullable=False, unique=True)
    id_masked = Column(String(18), nullable=False)
    phone = Column(String(11), nullable=False)
    school = Column(String(100), nullable=False)
    major = Column(String(100), nullable=False)
    education = Column(String(20), nullable=False)
    grad_year = Column(Integer, nullable=False)
    hukou_city = Column(String(50), nullable=False)
    hukou_province = Column(String(20))
    city = Column(String(50), nullable=False)
    province = Column(String(20))
    intention = Column(String(20), nullable=False)
    wanted_job = Column(String(100))
    wanted_industry = Column(String(100))
    wanted_region = Column(String(100))
    hardship = Column(String(100), nullable=False, default="无")
    one_to_one = Column(Boolean, nullable=False, default=False)
    status = Column(String(10), nullable=False, default="active")
    channel = Column(String(30), nullable=False)
    sender_id = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    services = relationship("ServiceRecord", back_populates="registration", cascade="all, delete-orphan",
                            passive_deletes=True, order_by="ServiceRecord.delivered_at")

    __table_args__ = (
        CheckConstraint("intention IN ('就业', '创业', '暂无就业意愿')", name="intention"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        Index("ix_registrations_sender", "channel", "sender_id"),
        Index("ix_registrations_intention", "intention"),
    )


class Consent(Base):
    """Separate consent (单独同意) to process the ID number. Kept after withdrawal as a minimal
    audit: registration number, purpose, text version and times, no personal data."""

    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    reg_no = Column(String(20), nullable=False, index=True)
    purpose = Column(String(50), nullable=False)
    text_version = Column(String(20), nullable=False)
    granted_at = Column(DateTime, nullable=False, default=utcnow)
    withdrawn_at = Column(DateTime)


class ServiceRecord(Base):
    """One 1311×N service delivered to a registered graduate."""

    __tablename__ = "service_ledger"

    id = Column(Integer, primary_key=True)
    registration_id = Column(Integer, ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(30), nullable=False)
    delivered_at = Column(Date, nullable=False)
    delivered_by = Column(String(100), nullable=False)
    note = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    registration = relationship("Registration", back_populates="services")

    __table_args__ = (
        CheckConstraint(
            "kind IN ('career_guidance', 'job_recommendation', 'skills_training', 'internship_offer')", name="kind"
        ),
    )


class Subscription(Base):
    """What a channel user wants to hear about (region, majors, delivery channels)."""

    __tablename__ = "subscriptions"

    id = Column(Integer, primary_key=True)
    channel = Column(String(30), nullable=False)
    user_id = Column(String(128), nullable=False)
    region = Column(String(50))
    majors = Column(String(300))  # comma-separated
    channels = Column(String(100))  # comma-separated delivery channels, e.g. "wechat,sms"
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_subscriptions_channel_user"),)


class VaultEntry(Base):
    """An ID number a channel took out of a message, encrypted, until the form consumes it."""

    __tablename__ = "id_vault"

    sender_id = Column(String(128), primary_key=True)
    ref = Column(String(16), primary_key=True)
    id_cipher = Column(String(200), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False, index=True)


class UnansweredQuestion(Base):
    """A question that fell to the fallback, with ID and phone numbers taken out (written by
    workflows.unanswered, read by the console; its table came with migration c01_console)."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    region = Column(String(20))
    channel = Column(String(30))
    kind = Column(String(20))  # the answer it got: unknown (handed over) or search (unsure match)
    asked_at = Column(DateTime, nullable=False, default=utcnow, index=True)
