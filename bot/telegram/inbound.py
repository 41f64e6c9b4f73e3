"""Reading a Telegram update (secret header checked) without trusting its shape: PTB's
``Update.de_json`` checks no types, so an update without ``update_id``, a message without
``chat`` or with a chat id that is not a number would otherwise fail later, as a 500."""
from __future__ import annotations

from typing import Any, Optional

from telegram import Update


class BadUpdate(ValueError):
    """Not a Telegram update at all (answered 400)."""


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_update(data: Any) -> Update:
    """The update in a request body; BadUpdate when it is not an object with an integer update_id."""
    if not isinstance(data, dict) or not _integer(data.get("update_id")):
        raise BadUpdate("no update_id")
    try:
        return Update.de_json(data, None)
    except Exception as exc:  # PTB on a field of the wrong shape
        raise BadUpdate(type(exc).__name__) from None


def chat_of(part: Any) -> Optional[str]:
    """The chat id of a message or membership change, as text; None when it has no usable chat
    (such a part is acknowledged and ignored: Telegram would redeliver anything but a 2xx)."""
    chat_id = getattr(getattr(part, "chat", None), "id", None)
    return str(chat_id) if _integer(chat_id) else None


def usable_message(message: Any) -> bool:
    """A message we can answer: a real chat, and text that is text (or no text: a photo…)."""
    return chat_of(message) is not None and isinstance(getattr(message, "text", None), (str, type(None)))
