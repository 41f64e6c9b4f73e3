"""What is due, and for whom: plain functions of (session, now, config) that enqueue outbox rows.

Run every ``JIUYE_PLAN_INTERVAL`` seconds by the ``plan`` job; safe to run any number of times
(the outbox key and ``Campaign.planned_at`` make each run add only what is missing). The caller
commits: a campaign and all of its rows are one transaction.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Set, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Registration, ServiceRecord
from scheduler import contacts, outbox
from scheduler.matching import DELIVERABLE, fair_subscribers, fairs_for_registration, unreachable
from scheduler.models import Campaign, FollowUp, JobFair, OutboxMessage
from settings.scheduler import SchedulerConfig, offset_label

logger = logging.getLogger(__name__)

FOLLOWUP_INTENTIONS = ("就业", "创业")
RECOMMENDED_FAIRS = 1  # fairs per job recommendation: each of the 3 is a different fair


@dataclass
class PlanResult:
    campaigns: List[str] = field(default_factory=list)
    notices: int = 0
    checkins: int = 0
    services: int = 0
    stopped: int = 0


def campaign_key(fair: JobFair, offset: dt.timedelta) -> str:
    """Includes the start time: a rescheduled fair gets fresh notices."""
    return f"fair:{fair.id}:{offset_label(offset)}:{fair.starts_at:%Y%m%d%H%M}"


def due_offsets(fair: JobFair, now: dt.datetime, config: SchedulerConfig) -> List[dt.timedelta]:
    """Offsets whose notice is due now. Of several overdue ones (a fair imported late, a
    scheduler that was down) only the nearest to the start is sent: one notice, not a burst."""
    if fair.cancelled or fair.starts_at <= now:
        return []
    due = [offset for offset in config.fair_offsets if fair.starts_at - offset <= now]
    return [min(due)] if due else []


def notice_time(fair: JobFair, offset: dt.timedelta, config: SchedulerConfig) -> dt.datetime:
    """When a notice may go out: its due time, moved past quiet hours."""
    return config.quiet.next_allowed(fair.starts_at - offset)


def plan_fair_notices(session: Session, now: dt.datetime, config: SchedulerConfig) -> PlanResult:
    result = PlanResult()
    fairs = session.execute(
        select(JobFair).where(JobFair.cancelled.is_(False), JobFair.starts_at > now).order_by(JobFair.starts_at)
    ).scalars()
    for fair in fairs:
        for offset in due_offsets(fair, now, config):
            key = campaign_key(fair, offset)
            campaign = session.execute(select(Campaign).where(Campaign.key == key)).scalar_one_or_none()
            if campaign is not None and campaign.planned_at is not None:
                continue
            if campaign is None:
                campaign = Campaign(key=key, kind="fair_notice", fair_id=fair.id, due_at=fair.starts_at - offset)
                session.add(campaign)
            recipients = fair_subscribers(session, fair)
            not_before = max(notice_time(fair, offset, config), config.quiet.next_allowed(now))
            outbox.enqueue(session, (
                outbox.NewMessage(
                    campaign=key, channel=channel, user_id=user_id, step="notice", kind="fair_notice",
                    not_before=not_before, expires_at=fair.starts_at, fair_id=fair.id,
                    payload={"starts_at": fair.starts_at.isoformat(), "offset": offset_label(offset)},
                ) for channel, user_id in recipients
            ), now)
            campaign.planned_at, campaign.recipients = now, len(recipients)
            result.campaigns.append(key)
            result.notices += len(recipients)
            logger.info("campaign %s planned: %d recipients, from %s", key, len(recipients), not_before)
    return result


def _service_state(session: Session) -> Tuple[Dict[int, Set[str]], Dict[int, List[int]]]:
    """Per registration: service steps already queued, and fairs already recommended."""
    steps: Dict[int, Set[str]] = defaultdict(set)
    recommended: Dict[int, List[int]] = defaultdict(list)
    rows = session.execute(
        select(OutboxMessage.registration_id, OutboxMessage.step, OutboxMessage.payload)
        .where(OutboxMessage.kind == "service")
    )
    for registration_id, step, payload in rows:
        steps[registration_id].add(step)
        if step.startswith("job_recommendation:"):
            recommended[registration_id].extend(json.loads(payload or "{}").get("fair_ids", []))
    return steps, recommended


def _ledger_counts(session: Session) -> Dict[int, Counter]:
    counts: Dict[int, Counter] = defaultdict(Counter)
    for registration_id, kind in session.execute(select(ServiceRecord.registration_id, ServiceRecord.kind)):
        counts[registration_id][kind] += 1
    return counts


def _stop(follow: FollowUp, reason: str, now: dt.datetime) -> None:
    follow.stopped_reason, follow.stopped_at = reason, now


def plan_followups(session: Session, now: dt.datetime, config: SchedulerConfig) -> PlanResult:
    """Check-ins every ``followup_interval`` and the 1311×N service steps, per registration with
    intention 就业/创业 on a channel we can reach; stopped on employed, opted out or unreachable."""
    result = PlanResult()
    follows = {f.registration_id: f for f in session.execute(select(FollowUp)).scalars()}
    blocked = unreachable(session)
    steps, recommended = _service_state(session)
    ledger = _ledger_counts(session)
    send_from = config.quiet.next_allowed(now)
    registrations = session.execute(
        select(Registration).where(Registration.status == "active", Registration.channel.in_(DELIVERABLE))
        .order_by(Registration.id)
    ).scalars()
    for reg in registrations:
        follow = follows.get(reg.id)
        if follow is None:
            if reg.intention not in FOLLOWUP_INTENTIONS:
                continue
            follow = FollowUp(registration_id=reg.id, next_checkin_at=reg.created_at + config.followup_interval,
                              checkins_planned=0, needs_help=False, created_at=now, updated_at=now)
            session.add(follow)
        if follow.stopped_reason:
            continue
        if reg.intention not in FOLLOWUP_INTENTIONS:
            _stop(follow, "no_intention", now)
            result.stopped += 1
            continue
        if (reg.channel, reg.sender_id) in blocked:
            contact = contacts.get(session, reg.channel, reg.sender_id)
            _stop(follow, "opted_out" if contact and contact.opted_out_at else "unreachable", now)
            result.stopped += 1
            continue
        common = dict(channel=reg.channel, user_id=reg.sender_id, registration_id=reg.id, not_before=send_from)
        if follow.next_checkin_at <= now:
            number = follow.checkins_planned + 1
            outbox.enqueue(session, [outbox.NewMessage(
                campaign=f"followup:{reg.id}", step=f"checkin:{number}", kind="checkin",
                payload={"number": number}, **common,
            )], now)
            follow.checkins_planned = number
            while follow.next_checkin_at <= now:  # after downtime: one check-in, not a backlog
                follow.next_checkin_at += config.followup_interval
            result.checkins += 1
        for kind, ordinal, days in config.service_plan:
            step = f"{kind}:{ordinal}"
            if reg.created_at + dt.timedelta(days=days) > now or step in steps[reg.id]:
                continue
            if ledger[reg.id][kind] >= ordinal:
                continue  # staff already delivered this many: "at least N" is met
            payload: Dict[str, object] = {}
            expires = None
            if kind == "job_recommendation":
                fairs = fairs_for_registration(session, reg, now, exclude=recommended[reg.id])[:RECOMMENDED_FAIRS]
                if not fairs:
                    continue  # nothing to recommend yet: stays due until a matching fair is imported
                fair_ids = [f.id for f in fairs]
                payload = {"fair_ids": fair_ids}
                expires = min(f.starts_at for f in fairs)
                recommended[reg.id].extend(fair_ids)
            outbox.enqueue(session, [outbox.NewMessage(
                campaign=f"service:{reg.id}", step=step, kind="service", service_kind=kind, payload=payload,
                expires_at=expires, **common,
            )], now)
            steps[reg.id].add(step)
            result.services += 1
    return result


def plan(session: Session, now: dt.datetime, config: SchedulerConfig) -> PlanResult:
    notices = plan_fair_notices(session, now, config)
    follow = plan_followups(session, now, config)
    notices.checkins, notices.services, notices.stopped = follow.checkins, follow.services, follow.stopped
    return notices
