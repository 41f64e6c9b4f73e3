"""Job fairs for staff: form values, saving through the scheduler's own validation and upsert
(``scheduler.fairs_import``), broadcast progress, and what an edit means for notices already sent.

Every function takes a session and runs inside the caller's transaction (the audit entry is
written in the same one).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policies_kb.regions import lookup
from registry.models import Subscription
from scheduler import fairs_import
from scheduler.messages import fair_notice
from scheduler.models import JobFair, OutboxMessage

QUEUED = ("pending", "claimed", "sending")
FAILED = ("dead", "in_doubt")
WENT_OUT = ("sent", "sending", "in_doubt")  # may have reached the recipient
LOCAL_TIME = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends; parse_fair reads it


class Invalid(Exception):
    """Input the form must show again, with a Chinese message per field ("" = the form as a whole)."""

    def __init__(self, errors: Dict[str, str], version: Optional[str] = None):
        super().__init__(errors)
        self.errors = errors
        self.version = version  # set when someone else saved the fair meanwhile: the form's new base


@dataclass
class Sent:
    """A fair's notices that went out (or may have), the texts they carried, and what is queued."""

    count: int = 0
    queued: int = 0
    texts: List[Tuple[str, int]] = field(default_factory=list)  # (text, how many), most frequent first


@dataclass
class Impact:
    """Why an edit of an already-notified fair waits for the operator's confirmation."""

    sent: Sent
    old_text: str
    new_text: str
    rescheduled: bool
    cancelled: bool


class NeedsConfirmation(Exception):
    """Raised inside the transaction, so the edit is rolled back until it is confirmed."""

    def __init__(self, impact: Impact):
        super().__init__("confirmation needed")
        self.impact = impact


@dataclass(frozen=True)
class Saved:
    fair_id: int
    code: str
    changed: List[str]  # form fields whose value changed (all given fields for a new fair)
    sent: int  # notices that had already gone out


def form_input(form: Mapping[str, object]) -> Dict[str, str]:
    """The fair fields of a submitted form, as typed (an unticked checkbox is absent: "")."""
    return {key: str(form.get(key) or "")[:5000] for key in fairs_import.FIELDS}


def form_values(fair: JobFair, tz: ZoneInfo) -> Dict[str, str]:
    """A stored fair as the form shows it: local times, lists joined with 、, and the province
    left empty when it is the one derived from the city (so a new city derives a new province)."""
    def local(utc: dt.datetime) -> str:
        return utc.replace(tzinfo=dt.timezone.utc).astimezone(tz).strftime(LOCAL_TIME)

    region = lookup(fair.city) if fair.city else None
    values = {key: "" if getattr(fair, key) is None else str(getattr(fair, key)) for key in fairs_import.FIELDS}
    values.update(
        starts_at=local(fair.starts_at), ends_at=local(fair.ends_at), online="1" if fair.online else "",
        cancelled="1" if fair.cancelled else "", majors="、".join(fairs_import.split_list(fair.majors)),
        industries="、".join(fairs_import.split_list(fair.industries)),
        province="" if region is not None and region.province == fair.province else (fair.province or ""),
    )
    return values


def version_of(fair: JobFair, tz: ZoneInfo) -> str:
    """What the edit form was built from: a digest of the fair's values (``updated_at`` has only
    second precision, so two saves within a second would look alike)."""
    values = json.dumps(form_values(fair, tz), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(values.encode("utf-8")).hexdigest()[:32]


def _parse(raw: Dict[str, str], tz: ZoneInfo) -> fairs_import.FairData:
    try:
        return fairs_import.parse_fair(raw, tz)
    except fairs_import.FairInvalid as exc:
        errors: Dict[str, str] = {}
        for problem in exc.problems:
            errors[problem.field] = (errors[problem.field] + " " if problem.field in errors else "") + problem.chinese
        raise Invalid(errors) from None


def create(session: Session, raw: Dict[str, str], tz: ZoneInfo) -> Saved:
    """A new fair; its code must be new (the file import updates by code, the form never does)."""
    data = _parse(raw, tz)
    other = session.execute(select(JobFair).where(JobFair.code == data.code)).scalar_one_or_none()
    if other is not None:
        raise Invalid({"code": f"编号已被招聘会“{other.name}”使用，请换一个编号。"})
    fair, _ = fairs_import.upsert_fair(session, data)
    return Saved(fair.id, fair.code, [k for k, v in form_values(fair, tz).items() if v], 0)


def edit(session: Session, fair_id: int, raw: Dict[str, str], tz: ZoneInfo, version: str, confirmed: bool) -> Saved:
    """Update a fair. The code never changes (a new code would be a new fair, announced again);
    ``version`` (``version_of`` the fair the form was built from) refuses an edit made meanwhile
    by someone else. If notices already went out and their text would change, NeedsConfirmation
    unless ``confirmed``. Raises LookupError for no such fair."""
    fair = session.get(JobFair, fair_id)
    if fair is None:
        raise LookupError(fair_id)
    raw = dict(raw, code=fair.code)
    data = _parse(raw, tz)
    if version != version_of(fair, tz):
        raise Invalid({"": "保存前此招聘会已被他人修改。您填写的内容仍在下方；请在招聘会页面核对对方的修改，"
                           "确认无误后再次保存（将以您填写的内容为准）。"}, version_of(fair, tz))
    before, old_text, old_start = form_values(fair, tz), fair_notice(fair, tz).text, fair.starts_at
    fairs_import.upsert_fair(session, data)
    after = form_values(fair, tz)
    changed = [key for key in fairs_import.FIELDS if before[key] != after[key]]
    sent = sent_notices(session, fair.id)
    new_text = fair_notice(fair, tz).text
    if sent.count and new_text != old_text and not confirmed:
        raise NeedsConfirmation(Impact(sent, old_text, new_text, fair.starts_at != old_start, fair.cancelled))
    return Saved(fair.id, fair.code, changed, sent.count)


def sent_notices(session: Session, fair_id: int) -> Sent:
    rows = session.execute(
        select(OutboxMessage.state, OutboxMessage.body, func.count())
        .where(OutboxMessage.fair_id == fair_id, OutboxMessage.kind == "fair_notice")
        .group_by(OutboxMessage.state, OutboxMessage.body)
    ).all()
    texts: Counter = Counter()
    sent = Sent()
    for state, body, n in rows:
        if state in WENT_OUT:
            sent.count += n
            if body:
                texts[body] += n
        elif state in QUEUED:
            sent.queued += n
    sent.texts = texts.most_common()
    return sent


def progress(session: Session, fair_ids: Optional[Iterable[int]] = None) -> Dict[int, Dict[str, int]]:
    """Outbox rows by state, per fair: {fair_id: {"queued": n, "sent": n, "failed": n}}."""
    query = (select(OutboxMessage.fair_id, OutboxMessage.state, func.count())
             .where(OutboxMessage.fair_id.isnot(None)).group_by(OutboxMessage.fair_id, OutboxMessage.state))
    if fair_ids is not None:
        query = query.where(OutboxMessage.fair_id.in_(list(fair_ids)))
    counts: Dict[int, Dict[str, int]] = {}
    for fair_id, state, n in session.execute(query):
        bucket = "queued" if state in QUEUED else "failed" if state in FAILED else state
        totals = counts.setdefault(fair_id, {"queued": 0, "sent": 0, "failed": 0})
        totals[bucket] = totals.get(bucket, 0) + n
    return counts


def mask_user(user_id: str) -> str:
    """Enough of a chat user id to tell recipients apart, not enough to address one."""
    if len(user_id) <= 4:
        return user_id[:1] + "***"
    keep = 3 if len(user_id) > 8 else 1
    return f"{user_id[:keep]}***{user_id[-2:]}"


@dataclass(frozen=True)
class Recipient:
    channel: str
    user: str  # masked
    region: str
    majors: str


def recipient_rows(session: Session, recipients: List[Tuple[str, str]], show: int) -> List[Recipient]:
    """The first ``show`` recipients, masked, with the region and majors they subscribed with
    (why the fair matches them)."""
    shown = recipients[:show]
    wanted = {user_id for _, user_id in shown}
    subscriptions = {
        (s.channel, s.user_id): s for s in session.execute(
            select(Subscription).where(Subscription.user_id.in_(wanted))).scalars()
    } if wanted else {}
    rows = []
    for channel, user_id in shown:
        sub = subscriptions.get((channel, user_id))
        rows.append(Recipient(channel, mask_user(user_id), (sub.region or "") if sub else "",
                              "、".join(fairs_import.split_list(sub.majors)) if sub else ""))
    return rows
