"""Rasa's SQL tracker store with cheaper reads and writes, same table, same rows, same semantics.

Named in endpoints.yml as ``type: jiuye.tracker_store.BatchedSQLTrackerStore`` with the keys of
``type: SQL`` (jiuye.endpoints writes it). Rasa 3.6's ``SQLTrackerStore`` writes each new event
through the ORM (one INSERT round trip and a unit-of-work flush per event, ~6 per turn) and reads
a conversation back as full ORM objects only to take their ``data`` column. Here:

- ``save``: the new events are found exactly as Rasa does (count the stored events of the current
  session, take the tracker's events after that many) and written with one multi-row INSERT,
  in tracker order, in one transaction. Ids come from the table's own sequence (PostgreSQL
  SERIAL, SQLite rowid), assigned in row order, so ordering by id, which Rasa reads by, is
  unchanged.
- ``_retrieve``: Rasa's own query (events since the latest session start, ordered by id), fetching
  only the ``data`` column.

Across several Rasa servers this is as safe as Rasa's store and no safer: both rely on the lock
store serialising one conversation's turns, and keep nothing in memory between turns (a
per-server cache of trackers or counts would go stale when the next turn lands on another server).

Erasure (workflows/erasure.py): a turn whose bot reply carries the withdrawal's mark is not written;
every stored event of the conversation is deleted instead (all sessions), in the turn, under its
lock. The next message starts a new, empty conversation. SQLite files are opened with
``secure_delete`` (registry.db.harden_sqlite), so the deleted rows do not stay in free pages.
``ErasingInMemoryTrackerStore`` does the same for ``JIUYE_TRACKER_STORE=memory``.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from registry.db import harden_sqlite
from workflows import erasure

logger = logging.getLogger(__name__)


def event_row(sender_id: str, event: Any) -> Dict[str, Any]:
    """The ``events`` row Rasa's ``SQLTrackerStore.save`` writes for ``event``."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


class BatchedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine.hide_parameters = True  # driver errors are logged: no event data in them
        if self.engine.dialect.name == "sqlite":

            harden_sqlite(self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if erasure.requested_in_turn(tracker.events):
            self.erase(tracker.sender_id)
            return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows: List[Dict[str, Any]] = [
                event_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)
            ]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    def erase(self, sender_id: str) -> None:
        """Delete every event of the conversation, every session."""
        table = self.SQLEvent.__table__
        with self.session_scope() as session:
            deleted = session.execute(table.delete().where(table.c.sender_id == sender_id)).rowcount
            session.commit()
        logger.info("conversation erased on withdrawal: %d events deleted", deleted)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None


class ErasingInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store, with the erasure of ``BatchedSQLTrackerStore``."""
    async def save(self, tracker: DialogueStateTracker) -> None:
        if erasure.requested_in_turn(tracker.events):
            self.store.pop(tracker.sender_id, None)
            logger.info("conversation erased on withdrawal")
            return
        await super().save(tracker)
