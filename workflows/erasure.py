"""Withdrawal ("注销登记"): deleting a person's data across every store (PIPL art. 47: a reply
that says "已删除" must be true of every store that held the data).

``withdraw`` deletes, in one transaction, what the scheduler's store holds about the person
(outbox rows to them, their contact row; follow-up state goes with the registration by cascade)
and then the registry's own rows (``RegistrationStore.erase``). Neither store touches the other's
tables: this module, above both, is the one place that knows a person spans them.

The withdraw action runs in the action server, while the Rasa server holds the conversation's
tracker (under the conversation's lock) and writes the turn back after the action returns: rows
deleted by the action server would be written again by that save. So the action only *marks* its
reply — a custom payload with ``ERASE_KEY`` — and the components that own the stores act on the
mark in the same turn:

- the tracker store (jiuye/tracker_store.py), saving a turn whose bot messages carry the mark,
  deletes every stored event of the conversation (every session) instead of writing the turn;
- the WeChat and Telegram channels (bot/channel_base.py), seeing the mark in the reply, drop the
  user's reply texts from the dedupe store and the user from the contact cache, and delete the
  contact row once more (a contact write of the same message may land after the action's delete).

Only an action's bot message can carry the mark (users cannot send custom payloads), and it erases
only the conversation it is part of.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Iterable, Mapping

from registry.store import RegistrationStore
from scheduler import contacts, outbox

logger = logging.getLogger(__name__)
ERASE_KEY = "erase_conversation"


def payload(**data: Any) -> Dict[str, Any]:
    """The custom payload (``json_message``) of a reply that erases its conversation."""
    return {**data, ERASE_KEY: True}


def requested(payloads: Iterable[Any]) -> bool:
    """Does one of a turn's custom payloads carry the mark?"""
    return any(isinstance(p, Mapping) and p.get(ERASE_KEY) is True for p in payloads)


def requested_in_turn(events: Iterable[Any]) -> bool:
    """Does a bot message of the latest turn (the events after the last user message) carry the mark?
    ``events`` are Rasa event objects, oldest first."""
    # Local: rasa.shared.core.events costs 0.2 s to import and only the tracker store needs it;
    # the action server imports this module too.
    from rasa.shared.core.events import BotUttered, UserUttered

    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and requested([(event.data or {}).get("custom")]):
            return True
    return False


def withdraw(store: RegistrationStore, reg_no: str) -> bool:
    """Delete the registration and everything that names the person, in every store: the
    scheduler's outbox rows to them (sent ones included) and contact row, then the registry's
    rows (``RegistrationStore.erase``: services, follow-up state by cascade, the chat identity's
    subscription, vault entries; consents keep a minimal audit). False if there is no such
    registration."""
    with store.sessions.begin() as session:
        person = store.person(session, reg_no)
        if person is None:
            return False
        outbox.delete_for(session, person.registration_id, person.channel, person.user_id)
        contacts.delete(session, person.channel, person.user_id)
        store.erase(session, person)
    logger.info("registration %s withdrawn and deleted", reg_no)
    return True
