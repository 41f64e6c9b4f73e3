"""conversation ids get their channel's namespace: <channel>:<user> (registry/identity.py)

Until now Rasa's sender id was the bare platform id (an openid, a Telegram chat id, whatever a
REST client sent), so one conversation could be shared by several channels. Conversations are
now ``wechat:<openid>``, ``telegram:<chat id>``, ``rest:<sender>``, ``cli:<sender>``…

- Rasa's tracker store (table ``events``), when it lives in this database (production: the
  same PostgreSQL database as the ledger): every event gets ``<channel>:<old sender id>``, the
  channel being the ``input_channel`` of the latest user message at or before it (the first
  user message's for the events before it; ``unknown`` when the conversation has none or the
  name is not a plain channel name). A conversation two channels wrote to is split between
  them. A local SQLite tracker file (``var/tracker.db``) is another database and is not
  touched: its old conversations simply start afresh.
- ID vault (``id_vault``): keyed by the conversation id, so an entry follows its sender's
  latest conversation; entries of senders with no conversation here are deleted (they live 30
  minutes; the form asks for the number again).

Rows already in the new form are left alone (a process that wrote namespaced conversations
before it first touched the ledger, e.g. `jiuye ask` on PostgreSQL, migrates lazily): an event
whose sender id already starts with ``<its channel>:``, a vault entry or an event without a
channel whose id starts with one of the channels' namespaces.
- The ledger's (channel, sender_id) / (channel, user_id) pairs already hold the channel and the
  platform id: unchanged.

Stop the old Rasa servers before running it (compose's ``migrate`` service runs before them).

Revision ID: i001_conversation_namespaces
Revises: b002_drop_channel_subscriptions
"""
from __future__ import annotations

import json
import re
from typing import Dict, Iterable, List, Optional

import sqlalchemy as sa
from alembic import op

revision = "i001_conversation_namespaces"
down_revision = "b002_drop_channel_subscriptions"
branch_labels = None
depends_on = None

CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
# registry.identity's names as they were when this migration was written (migrations do not import
# application code, which may change after them).
UNKNOWN = "unknown"
NAMESPACES = ("wechat", "telegram", "rest", "cli", "console", UNKNOWN)
CHUNK = 1000


def _channel(data: Optional[str]) -> Optional[str]:
    try:
        name = json.loads(data or "{}").get("input_channel")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) and CHANNEL_NAME.match(name) else None


def _namespaced(sender: str) -> bool:
    return sender.partition(":")[0] in NAMESPACES and ":" in sender


def _target(channel: Optional[str], sender: str) -> str:
    """The new id of an event of ``sender`` said on ``channel`` (None: no user message)."""
    if channel is None or channel == UNKNOWN:
        return sender if _namespaced(sender) else f"{UNKNOWN}:{sender}"
    return sender if sender.startswith(f"{channel}:") else f"{channel}:{sender}"


def _new_ids(connection) -> Dict[str, Dict[str, List[int]]]:
    """old sender id -> new sender id -> event ids."""
    rows = connection.execute(sa.text(
        "SELECT id, sender_id, CASE WHEN type_name = 'user' THEN data END FROM events ORDER BY sender_id, id"))
    plan: Dict[str, Dict[str, List[int]]] = {}
    sender, channel, waiting = None, None, []
    for event_id, old, user_data in rows:
        if old != sender:
            _flush(plan, sender, channel, waiting)
            sender, channel, waiting = old, None, []
        said = _channel(user_data) if user_data is not None else None
        if user_data is not None:
            channel = said or UNKNOWN
            _flush(plan, sender, channel, waiting)
            waiting = []
        if channel is None:
            waiting.append(event_id)  # before the first user message: decided by it
        else:
            plan.setdefault(sender, {}).setdefault(_target(channel, sender), []).append(event_id)
    _flush(plan, sender, channel, waiting)
    return plan


def _flush(plan: Dict[str, Dict[str, List[int]]], sender: Optional[str], channel: Optional[str],
           waiting: List[int]) -> None:
    if sender is not None and waiting:
        plan.setdefault(sender, {}).setdefault(_target(channel, sender), []).extend(waiting)


def _chunks(ids: List[int]) -> Iterable[List[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _latest(targets: Dict[str, List[int]]) -> str:
    """The new id that holds the sender's most recent event."""
    return max(targets, key=lambda new: max(targets[new]))


def upgrade() -> None:
    connection = op.get_bind()
    plan: Dict[str, Dict[str, List[int]]] = {}
    if sa.inspect(connection).has_table("events"):
        plan = _new_ids(connection)
        update = sa.text("UPDATE events SET sender_id = :new WHERE id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True))
        for old, targets in plan.items():
            for new, ids in targets.items():
                if new == old:
                    continue
                for chunk in _chunks(ids):
                    connection.execute(update, {"new": new, "ids": chunk})
    for (old,) in connection.execute(sa.text("SELECT DISTINCT sender_id FROM id_vault")).all():
        if old in plan:
            connection.execute(sa.text("UPDATE id_vault SET sender_id = :new WHERE sender_id = :old"),
                               {"new": _latest(plan[old]), "old": old})
        elif not _namespaced(old):
            connection.execute(sa.text("DELETE FROM id_vault WHERE sender_id = :old"), {"old": old})


def downgrade() -> None:
    """Back to bare sender ids (conversations of one platform id on several channels merge)."""
    connection = op.get_bind()
    tables = ["id_vault"] + (["events"] if sa.inspect(connection).has_table("events") else [])
    for table in tables:
        for (new,) in connection.execute(sa.text(f"SELECT DISTINCT sender_id FROM {table}")).all():
            if ":" in new:
                connection.execute(sa.text(f"UPDATE {table} SET sender_id = :old WHERE sender_id = :new"),
                                   {"old": new.split(":", 1)[1], "new": new})
