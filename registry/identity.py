"""Who a conversation belongs to. Every channel owns a namespace for its users, and a
conversation's id — Rasa's sender id, hence the tracker and the lock — is ``<channel>:<user>``:

| channel | conversation id | user part comes from |
|---|---|---|
| WeChat | ``wechat:<openid>`` | ``FromUserName`` of a signed push |
| Telegram | ``telegram:<chat id>`` | ``message.chat.id`` of an update carrying the secret header |
| REST | ``rest:<sender>`` | the request body (local use and tests; ``bot/rest_channel.py``) |
| `jiuye ask` | ``cli:<sender>`` | ``--sender`` / the ``sender`` of a JSON line |
| console answer aid | ``console:<random>`` | a throw-away id per question |

Only the channel builds the id (``conversation_id``); everything downstream — actions,
registration, subscriptions, contacts — takes the channel back out of it (``split``) and never
from the ``input_channel`` a client may claim. The ledger stores the two parts as its
``(channel, sender_id)`` / ``(channel, user_id)`` columns, the scheduler's outbox as the same
``<channel>:<user>`` string. A REST client sending ``sender: "wechat:o123"`` gets the
conversation ``rest:wechat:o123``: the channel is always the part before the first colon.

The ID-number vault is keyed by the whole conversation id.
"""
from __future__ import annotations

from typing import NamedTuple

SEPARATOR = ":"
WECHAT, TELEGRAM, REST, CLI, CONSOLE = "wechat", "telegram", "rest", "cli", "console"
UNKNOWN = "unknown"  # a sender id no channel of ours built (never produced by the channels)
MAX_USER_CHARS = 100  # the ledger's id columns hold 128 characters: namespace + user must fit


class Identity(NamedTuple):
    channel: str
    user: str


def conversation_id(channel: str, user: object) -> str:
    """``<channel>:<user>``. The channel checks the user part first (``valid_user``)."""
    return f"{channel}{SEPARATOR}{user}"


def valid_user(user: object) -> bool:
    """A user part a channel may use: 1 to MAX_USER_CHARS printable characters."""
    text = str(user)
    return 0 < len(text) <= MAX_USER_CHARS and text.isprintable()


def split(sender_id: str) -> Identity:
    """The channel and the channel's user id of a conversation id (``UNKNOWN`` channel for an id
    without a namespace, so it can never match a real channel's user)."""
    channel, separator, user = (sender_id or "").partition(SEPARATOR)
    if not separator or not channel or not user:
        return Identity(UNKNOWN, sender_id or "")
    return Identity(channel, user)
