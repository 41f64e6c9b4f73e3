"""Withdrawal ("注销登记") erases the conversation as well as the ledger row (PIPL art. 47: a reply
that says "已删除" must be true of every store that held the data).

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
only the conversation it is part of. This module imports nothing heavy: the action server uses it.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping

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
    from rasa.shared.core.events import BotUttered, UserUttered

    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and requested([(event.data or {}).get("custom")]):
            return True
    return False
