"""The registration ledger as staff see it: look-up by phone or registration number, the full ID
number on request (the caller audits it), and 1311×N progress.

A thin adapter over ``registry`` (models and ``RegistrationStore``) and the scheduler's 1311×N
plan (``settings.scheduler.SERVICE_PLAN``): neither has these staff queries yet.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from registry import phone as phones
from registry.db import session_factory
from registry.models import Registration, ServiceRecord, utcnow
from registry.store import RegistrationStore, RegistrationView
from scheduler.models import OutboxMessage
from settings.scheduler import SERVICE_PLAN

logger = logging.getLogger(__name__)

SERVICE_LABELS = {
    "career_guidance": "职业指导", "job_recommendation": "岗位推介", "skills_training": "技能培训",
    "internship_offer": "见习机会",
}


def _session(store: RegistrationStore):
    """A read session on the store's engine (the store's own factory is private)."""
    return session_factory(store.engine)()


def service_plan() -> Tuple[Tuple[str, int, int], ...]:
    """(kind, ordinal, days after registration) for each 1311×N step, as the scheduler plans them."""
    return SERVICE_PLAN


def required_counts() -> Dict[str, int]:
    """1 职业指导, 3 岗位推介, 1 技能培训, 1 见习机会."""
    need: Dict[str, int] = {}
    for kind, ordinal, _ in service_plan():
        need[kind] = max(need.get(kind, 0), ordinal)
    return need


@dataclass(frozen=True)
class Step:
    kind: str
    ordinal: int
    due: dt.date
    done: bool

    @property
    def label(self) -> str:
        return f"第{self.ordinal}次{SERVICE_LABELS.get(self.kind, self.kind)}"


@dataclass
class Progress:
    """1311×N steps of one registration: which are done, which are overdue on ``today``."""

    steps: List[Step]
    today: dt.date
    counts: Dict[str, int] = field(default_factory=dict)

    @property
    def overdue(self) -> List[Step]:
        return [s for s in self.steps if not s.done and s.due < self.today]

    @property
    def complete(self) -> bool:
        return all(s.done for s in self.steps)

    @property
    def days_behind(self) -> int:
        return max(((self.today - s.due).days for s in self.overdue), default=0)


def progress(registered_at: dt.datetime, counts: Dict[str, int], today: Optional[dt.date] = None) -> Progress:
    today = today or utcnow().date()
    start = registered_at.date()
    steps = [Step(kind, ordinal, start + dt.timedelta(days=days), counts.get(kind, 0) >= ordinal)
             for kind, ordinal, days in service_plan()]
    return Progress(steps, today, dict(counts))


def normalise_query(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def find(store: RegistrationStore, raw: str) -> List[RegistrationView]:
    """Registrations with this registration number (JY…) or mobile number."""
    query = normalise_query(raw)
    if not query:
        return []
    if query.startswith("JY"):
        found = store.get(query)
        return [found] if found else []
    check = phones.validate(query)
    if not check.ok:
        return []
    with _session(store) as session:
        rows = session.execute(
            select(Registration).where(Registration.phone == check.number).order_by(Registration.created_at.desc())
        ).scalars()
        return [RegistrationView.of(r) for r in rows]


def reveal_id(store: RegistrationStore, reg_no: str) -> Optional[str]:
    """The decrypted ID number of one registration (callers must write the audit entry)."""
    with _session(store) as session:
        token = session.execute(
            select(Registration.id_cipher).where(Registration.reg_no == reg_no)
        ).scalar_one_or_none()
    return store.cipher.decrypt(token) if token else None


def service_counts(services: Sequence[Dict[str, object]]) -> Dict[str, int]:
    return dict(Counter(str(s["kind"]) for s in services))


@dataclass(frozen=True)
class Behind:
    registration: RegistrationView
    progress: Progress


def behind(store: RegistrationStore, today: Optional[dt.date] = None) -> List[Behind]:
    """Active registrations with an overdue 1311×N step: 一对一 (hardship) first, then most days
    behind."""
    today = today or utcnow().date()
    with _session(store) as session:
        counts: Dict[int, Dict[str, int]] = {}
        for registration_id, kind, n in session.execute(
            select(ServiceRecord.registration_id, ServiceRecord.kind, func.count())
            .group_by(ServiceRecord.registration_id, ServiceRecord.kind)
        ):
            counts.setdefault(registration_id, {})[kind] = n
        rows = list(session.execute(
            select(Registration).where(Registration.status == "active").order_by(Registration.created_at)
        ).scalars())
        result = []
        for row in rows:
            p = progress(row.created_at, counts.get(row.id, {}), today)
            if p.overdue:
                result.append(Behind(RegistrationView.of(row), p))
    result.sort(key=lambda b: (not b.registration.one_to_one, -b.progress.days_behind, b.registration.reg_no))
    return result


@dataclass(frozen=True)
class FollowUpEvent:
    at: Optional[dt.datetime]
    what: str
    state: str


def follow_up_history(store: RegistrationStore, reg_no: str) -> List[FollowUpEvent]:
    """Messages the scheduler queued or sent for this registration (check-ins, service notices),
    newest first. Empty when the scheduler's tables are not there yet."""
    kinds = {"checkin": "回访", "service": "服务通知", "fair_notice": "招聘会通知"}
    try:
        with _session(store) as session:
            rows = session.execute(
                select(OutboxMessage.kind, OutboxMessage.state, OutboxMessage.sent_at, OutboxMessage.not_before)
                .join(Registration, Registration.id == OutboxMessage.registration_id)
                .where(Registration.reg_no == reg_no)
                .order_by(OutboxMessage.not_before.desc()).limit(50)
            ).all()
    except SQLAlchemyError as exc:
        logger.info("follow-up history unavailable (%s)", type(exc).__name__)
        return []
    return [FollowUpEvent(sent_at or not_before, kinds.get(kind, kind), state) for kind, state, sent_at, not_before in rows]
