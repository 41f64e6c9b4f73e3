"""The graduate's side of a follow-up: answers to a check-in (找到工作了 / 还在找 / 需要帮助 /
想创业) and 订阅招聘会 / 退订, applied to the registration and the scheduler's state. Called by
the chat actions (actions/subscription_actions.py); plain functions of (session, …, now)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.models import Registration, Subscription, utcnow
from scheduler import contacts, outbox
from scheduler.models import FollowUp

ANSWERS = ("找到工作了", "还在找", "需要帮助", "想创业")


@dataclass(frozen=True)
class AnswerResult:
    registered: bool  # False: no registration for this user, nothing to update
    stopped: bool = False
    intention: Optional[str] = None


def _registration(session: Session, channel: str, user_id: str) -> Optional[Registration]:
    return session.execute(
        select(Registration).where(Registration.channel == channel, Registration.sender_id == user_id)
        .order_by(Registration.updated_at.desc()).limit(1)
    ).scalar_one_or_none()


def record_answer(session: Session, channel: str, user_id: str, answer: str, now: dt.datetime) -> AnswerResult:
    """找到工作了 stops follow-ups (queued ones are skipped); 想创业 changes the intention to 创业;
    需要帮助 flags the registration for staff; 还在找 just records the answer."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    contacts.record_inbound(session, channel, user_id, now)
    reg = _registration(session, channel, user_id)
    if reg is None:
        return AnswerResult(registered=False)
    follow = session.get(FollowUp, reg.id)
    if follow is None:
        follow = FollowUp(registration_id=reg.id, next_checkin_at=now, checkins_planned=0, needs_help=False)
        session.add(follow)
    follow.last_answer, follow.last_answer_at = answer, now
    if answer == "找到工作了":
        follow.stopped_reason, follow.stopped_at = "employed", now
        outbox.skip_recipient(session, channel, user_id, "employed", now, kinds=("checkin", "service"))
    elif answer == "需要帮助":
        follow.needs_help = True
    elif answer == "想创业" and reg.intention != "创业":
        reg.intention, reg.updated_at = "创业", utcnow()
    session.flush()
    return AnswerResult(registered=True, stopped=answer == "找到工作了", intention=reg.intention)


def subscribe(session: Session, channel: str, user_id: str, region: Optional[str], majors: Iterable[str],
              now: dt.datetime) -> Subscription:
    """订阅招聘会: region and majors from the message, else from the registration; also undoes 退订."""
    reg = _registration(session, channel, user_id)
    majors = [m for m in majors if m] or ([reg.major] if reg is not None and reg.major else [])
    region = region or (reg.city if reg is not None else None)
    row = session.execute(
        select(Subscription).where(Subscription.channel == channel, Subscription.user_id == user_id)
    ).scalar_one_or_none()
    if row is None:
        row = Subscription(channel=channel, user_id=user_id)
        session.add(row)
    row.region, row.majors, row.active, row.updated_at = region, ",".join(majors) or None, True, now
    contacts.record_inbound(session, channel, user_id, now)
    contacts.set_opted_out(session, channel, user_id, False, now)
    follow = session.get(FollowUp, reg.id) if reg is not None else None
    if follow is not None and follow.stopped_reason == "opted_out":
        follow.stopped_reason, follow.stopped_at = None, None
    session.flush()
    return row


def unsubscribe(session: Session, channel: str, user_id: str, now: dt.datetime) -> int:
    """退订: no more proactive messages of any kind (fair notices, check-ins, services); returns
    how many queued messages were dropped."""
    session.execute(
        update(Subscription).where(Subscription.channel == channel, Subscription.user_id == user_id)
        .values(active=False, updated_at=now)
    )
    contacts.record_inbound(session, channel, user_id, now)
    contacts.set_opted_out(session, channel, user_id, True, now)
    reg = _registration(session, channel, user_id)
    follow = session.get(FollowUp, reg.id) if reg is not None else None
    if follow is not None and not follow.stopped_reason:
        follow.stopped_reason, follow.stopped_at = "opted_out", now
    return outbox.skip_recipient(session, channel, user_id, "opted out (退订)", now)
