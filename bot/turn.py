"""One dialogue turn, the same on every channel, the console's answer aid and `jiuye ask`: the
shared input guard first (``prepare``), then Rasa with a collecting output channel, the bot
messages joined into one ``Reply``."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import texts
from bot.input_guard import clean, rejection
from policies_kb.normalize import normalize
from registry.identity import conversation_id
from registry.redaction import redact_id_numbers

logger = logging.getLogger(__name__)


@dataclass
class Reply:
    """One turn's outcome as the graduate and the JSON interface see it."""

    text: str
    intent: str
    confidence: float
    region: Optional[str] = None
    citations: List[Dict[str, Any]] = field(default_factory=list)
    payloads: List[Dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> Dict[str, Any]:
        return {
            "text": self.text, "intent": self.intent, "confidence": round(self.confidence, 4),
            "region": self.region, "citations": self.citations,
        }


def reply_from_messages(messages: List[Dict[str, Any]], parse: Dict[str, Any]) -> Reply:
    """Join the bot messages of a turn into one reply and gather their structured payloads."""
    texts = [m["text"] for m in messages if m.get("text")]
    payloads = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    citations = [c for p in payloads for c in p.get("citations", [])]
    region = next((p.get("region") for p in payloads if p.get("region")), None)
    intent = parse.get("intent") or {}
    return Reply(
        text="\n".join(texts), intent=intent.get("name") or "", confidence=float(intent.get("confidence") or 0.0),
        region=region, citations=citations, payloads=payloads,
    )


def prepare(text: Optional[str], sender: str) -> Tuple[str, Optional[Reply]]:
    """The first step of every turn on every channel: clean the text, refuse empty or over-long
    messages (returned as the reply), normalise it (traditional characters, dialect spellings,
    typos of policy terms) and take ID numbers out before Rasa sees anything."""
    text = clean(text)
    refused = rejection(text)
    if refused:
        return text, Reply(text=refused, intent="invalid_input", confidence=1.0)
    return redact_id_numbers(normalize(text), sender), None


async def run_turn(
    send: Callable[[Any], Awaitable[Any]], agent: Any, text: str, sender: str, input_channel: str,
    metadata: Optional[Dict[str, Any]] = None,
) -> Reply:
    """Send a prepared message of conversation ``sender`` (``<channel>:<user>``, registry/identity.py)
    through ``send`` (the agent's handler or a channel's ``on_new_message``) and read the turn's
    intent from the conversation's tracker."""
    output = CollectingOutputChannel()
    await send(UserMessage(text, output, sender, input_channel=input_channel, metadata=metadata or {}))
    tracker = await agent.processor.get_tracker(sender)
    parse = tracker.latest_message.parse_data if tracker.latest_message else {}
    return reply_from_messages(output.messages, parse)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def dialogue_turn(
    on_new_message: OnNewMessage, text: str, channel: str, user_id: str, message_id: Optional[str] = None
) -> Reply:
    """The reply to ``text`` from ``user_id`` of ``channel`` (conversation ``<channel>:<user_id>``,
    registry/identity.py): its text never empty, its payloads as the actions sent them. Never raises (a
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
