"""Per-user reachability: last inbound message (the WeChat 48 h window), blocked (unfollowed,
invalid openid, bot blocked), opted out (said 退订). Written by the channels/actions and the sender."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.db import upsert_insert
from scheduler import outbox
from scheduler.models import Contact

CUSTOMER_SERVICE_WINDOW = dt.timedelta(hours=48)
# A little short of 48 h: the window is WeChat's clock, not ours, and a send takes time.
WINDOW_MARGIN = dt.timedelta(minutes=10)


def _upsert(session: Session, channel: str, user_id: str, now: dt.datetime, **values: Any) -> None:
    values["updated_at"] = now
    statement = upsert_insert(session, Contact).values(channel=channel, user_id=user_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["channel", "user_id"], set_=values))


def record_inbound(session: Session, channel: str, user_id: str, at: dt.datetime) -> None:
    """The user wrote to us at ``at`` (naive UTC): opens the 48 h window, and a user who writes
    again is reachable again (a re-follow after an unfollow)."""
    _upsert(session, channel, user_id, at, last_inbound_at=at, blocked_reason=None, blocked_at=None)


def block(session: Session, channel: str, user_id: str, reason: str, now: dt.datetime) -> None:
    _upsert(session, channel, user_id, now, blocked_reason=reason, blocked_at=now)


def mark_unreachable(session: Session, channel: str, user_id: str, reason: str, now: dt.datetime) -> int:
    """Block the contact and skip everything queued for them; returns how many rows were skipped.
    Used by the sender (43004, 403…) and by the channels (unfollow, bot blocked)."""
    block(session, channel, user_id, reason, now)
    return outbox.skip_recipient(session, channel, user_id, f"recipient unreachable: {reason}", now)


def set_opted_out(session: Session, channel: str, user_id: str, opted_out: bool, now: dt.datetime) -> None:
    _upsert(session, channel, user_id, now, opted_out_at=now if opted_out else None)


def delete(session: Session, channel: str, user_id: str) -> None:
    """Forget the user (withdrawal: workflows.erasure.withdraw, the channels)."""
    session.execute(sql_delete(Contact).where(Contact.channel == channel, Contact.user_id == user_id))


def get(session: Session, channel: str, user_id: str) -> Optional[Contact]:
    return session.execute(
        select(Contact).where(Contact.channel == channel, Contact.user_id == user_id)
    ).scalar_one_or_none()


def in_customer_service_window(contact: Optional[Contact], now: dt.datetime) -> bool:
    """WeChat's 48 h rule: customer-service messages only within 48 h of the user's last message."""
    if contact is None or contact.last_inbound_at is None:
        return False
    return now - contact.last_inbound_at < CUSTOMER_SERVICE_WINDOW - WINDOW_MARGIN
