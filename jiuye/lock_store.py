"""A Redis lock store that is safe with several Rasa servers.

Rasa 3.6's ``RedisLockStore`` updates a conversation's ticket lock by GET, change in Python, SET.
Within one server that is atomic (the Redis client blocks the event loop), but two servers can
interleave: both read "no tickets", both write ticket 0, and both process a message of the same
conversation at once; a ticket added while another server is finishing is overwritten, and a lock
can be deleted under a waiting ticket (LockError). Two processes issuing 200 tickets each on one
conversation got 139 duplicate numbers here (bench/RESULTS.md, issue #7), and messages of one
graduate arriving together on two servers lost tracker events.

This subclass does each read-change-write as one optimistic Redis transaction (WATCH/MULTI: the
write fails and is retried if anyone changed the key in between) and deletes the lock in the same
transaction that removes the last ticket. The ticket algorithm and the key layout are Rasa's.

Named in endpoints.yml as ``type: jiuye.lock_store.AtomicRedisLockStore`` with the same keys as
``type: redis`` (url, port, db, password, ...).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        """Rasa builds custom lock stores as ``cls(endpoint_config=...)``; plain keyword arguments
        (as for ``RedisLockStore``) work too."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _update(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        """Apply ``change`` to the stored lock atomically; the lock is deleted when no ticket is left."""
        key = self.key_prefix + conversation_id
        outcome: dict = {}

        def transaction(pipe: Any) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else self.create_lock(conversation_id)
            outcome["value"] = change(lock)
            pipe.multi()
            if lock.is_someone_waiting():
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return outcome["value"]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._update(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as exc:  # same contract as the parent
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        self._update(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._update(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish the ticket; the lock goes in the same transaction once nobody waits."""
        self.finish_serving(conversation_id, ticket_number)

    def get_or_create_lock(self, conversation_id: Text) -> TicketLock:
        return self.get_lock(conversation_id) or self.create_lock(conversation_id)

