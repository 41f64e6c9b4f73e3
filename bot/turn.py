"""One dialogue turn for a channel that answers out of band: the shared input guard first, then
Rasa with a collecting output channel, the bot messages joined into one reply."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.identity import conversation_id
from bot.local_assistant import Reply, prepare, reply_from_messages
from bot import texts

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def dialogue_turn(
    on_new_message: OnNewMessage, text: str, channel: str, user_id: str, message_id: Optional[str] = None
) -> Reply:
    """The reply to ``text`` from ``user_id`` of ``channel`` (conversation ``<channel>:<user_id>``,
    bot/identity.py): its text never empty, its payloads as the actions sent them. Never raises (a
    failure becomes the polite busy answer)."""
    sender_id = conversation_id(channel, user_id)
    text, refused = prepare(text, sender_id)
    if refused:
        return refused
    output = CollectingOutputChannel()
    try:
        await on_new_message(UserMessage(text, output, sender_id, input_channel=channel, message_id=message_id))
    except Exception:
        logger.exception("%s: dialogue failed for message %s", channel, message_id)
        return Reply(text=texts.BUSY, intent="", confidence=0.0)
    reply = reply_from_messages(output.messages, {})
    reply.text = reply.text or texts.NO_ANSWER
    return reply
