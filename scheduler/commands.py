"""What `jiuye scheduler status`, `jiuye scheduler import-fairs` and `jiuye broadcast preview`
print. Each returns text (tests read it); the CLI only parses arguments and prints."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler import outbox, planner
from scheduler.fairs_import import find_fair, import_fairs, load_fairs
from scheduler.matching import fair_subscribers
from scheduler.messages import Rendered, fair_notice
from scheduler.models import Campaign, Contact, FollowUp, JobFair, scheduler_jobs
from settings.scheduler import SchedulerConfig, offset_label

PREVIEW_RECIPIENTS = 50


def _fmt(config: SchedulerConfig, utc: Optional[dt.datetime]) -> str:
    return config.local(utc).strftime("%Y-%m-%d %H:%M") if utc else "-"


def status_data(session: Session, config: SchedulerConfig, now: dt.datetime, running: Optional[bool]) -> dict:
    jobs = {
        job_id: (dt.datetime.fromtimestamp(ts, dt.timezone.utc).replace(tzinfo=None) if ts else None)
        for job_id, ts in session.execute(select(scheduler_jobs.c.id, scheduler_jobs.c.next_run_time))
    }
    upcoming = []
    fairs = session.execute(
        select(JobFair).where(JobFair.cancelled.is_(False), JobFair.starts_at > now).order_by(JobFair.starts_at)
    ).scalars()
    for fair in fairs:
        for offset in config.fair_offsets:
            key = planner.campaign_key(fair, offset)
            planned = session.execute(select(Campaign.planned_at).where(Campaign.key == key)).scalar_one_or_none()
            if planned is None and fair.starts_at - offset > now:
                upcoming.append({"fair": fair.code, "offset": offset_label(offset),
                                 "due": _fmt(config, planner.notice_time(fair, offset, config))})
    blocked = session.execute(select(func.count()).select_from(Contact).where(Contact.blocked_reason.is_not(None)))
    follow = dict(session.execute(
        select(func.coalesce(FollowUp.stopped_reason, "active"), func.count()).group_by(FollowUp.stopped_reason)
    ).all())
    return {
        "running": running,
        "now": _fmt(config, now),
        "quiet_now": config.quiet.is_quiet(now),
        "next_runs": {job_id: _fmt(config, at) for job_id, at in sorted(jobs.items())},
        "outbox": outbox.counts(session),
        "sent_today": outbox.sent_since(session, config.day_start_utc(now)),
        "daily_cap": config.daily_cap,
        "upcoming_notices": upcoming[:20],
        "blocked_contacts": int(blocked.scalar_one()),
        "followups": {str(k): int(v) for k, v in follow.items()},
    }


def status_text(data: dict) -> str:
    running = {True: "running", False: "not running", None: "unknown"}[data["running"]]
    lines = [f"scheduler: {running}   now {data['now']} (quiet hours: {'yes' if data['quiet_now'] else 'no'})"]
    lines.append("next runs: " + (", ".join(f"{k} {v}" for k, v in data["next_runs"].items()) or "none scheduled"))
    lines.append("outbox: " + ", ".join(f"{k} {v}" for k, v in data["outbox"].items()))
    lines.append(f"sent today: {data['sent_today']} of {data['daily_cap']}")
    if data["outbox"].get("in_doubt"):
        lines.append("in doubt: interrupted mid-send and not re-sent; check before re-queueing (docs/scheduler.md)")
    lines.append(f"blocked contacts: {data['blocked_contacts']}   follow-ups: "
                 + (", ".join(f"{k} {v}" for k, v in data["followups"].items()) or "none"))
    if data["upcoming_notices"]:
        lines.append("upcoming notices:")
        lines += [f"  {u['due']}  {u['fair']} ({u['offset']})" for u in data["upcoming_notices"]]
    return "\n".join(lines)


@dataclass
class Notice:
    """One of a fair's notices: its offset label, when it may go out, its campaign once planned."""

    offset: str
    sends_from: dt.datetime
    campaign: Optional[Campaign]


@dataclass
class Preview:
    """What `broadcast preview` and the console's fair page show: notices, who matches now, the text."""

    fair: JobFair
    notices: List[Notice]
    recipients: List[Tuple[str, str]]
    rendered: Rendered

    @property
    def by_channel(self) -> Dict[str, int]:
        return dict(Counter(channel for channel, _ in self.recipients))


def preview(session: Session, config: SchedulerConfig, fair: JobFair) -> Preview:
    notices = [
        Notice(offset_label(offset), planner.notice_time(fair, offset, config),
               session.execute(select(Campaign).where(Campaign.key == planner.campaign_key(fair, offset)))
               .scalar_one_or_none())
        for offset in config.fair_offsets
    ]
    return Preview(fair, notices, fair_subscribers(session, fair), fair_notice(fair, config.tz))


def preview_text(session: Session, config: SchedulerConfig, ref: str, now: dt.datetime,
                 show: int = PREVIEW_RECIPIENTS) -> Optional[str]:
    """Recipients and the exact message of a fair's notices; None if there is no such fair."""
    fair = find_fair(session, ref)
    if fair is None:
        return None
    data = preview(session, config, fair)
    recipients, rendered = data.recipients, data.rendered
    lines = [f"fair {fair.code} (#{fair.id}){' — CANCELLED' if fair.cancelled else ''}"]
    for notice in data.notices:
        planned = notice.campaign
        state = f"planned {_fmt(config, planned.planned_at)} for {planned.recipients}" if planned else "not planned yet"
        lines.append(f"notice {notice.offset}: sends from {_fmt(config, notice.sends_from)} ({state})")
    lines.append(f"recipients now: {len(recipients)} " + json.dumps(data.by_channel, ensure_ascii=False))
    lines += [f"  {channel}:{user_id}" for channel, user_id in recipients[:show]]
    if len(recipients) > show:
        lines.append(f"  … and {len(recipients) - show} more")
    lines += ["", "text (customer-service message within 48 h / Telegram):", rendered.text, "",
              f"template message (WECHAT_TEMPLATE_FAIR={config.template_fair or 'unset'}):",
              json.dumps(rendered.template_data, ensure_ascii=False, indent=1)]
    return "\n".join(lines)


def import_file(session: Session, path: Path, config: SchedulerConfig) -> Tuple[bool, List[str]]:
    """Import a fair file: (ok, lines). Nothing is imported if any row is bad (one line per problem)."""
    fairs, problems = load_fairs(path, config.tz)
    if problems:
        return False, problems
    created, updated = import_fairs(session, fairs)
    return True, [f"imported {path}: {created} new, {updated} updated"]
