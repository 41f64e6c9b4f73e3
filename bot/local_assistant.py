"""The whole dialogue stack in one process, for `jiuye ask` and tests: the trained Rasa model
loaded once, the real action server (started here when none is configured) and the configured
tracker and lock stores."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from bot import action_server
from bot.identity import CLI, MAX_USER_CHARS, conversation_id, valid_user
from bot.input_guard import clean, rejection
from bot.redaction import redact_id_numbers
from policies_kb.normalize import normalize
from jiuye.endpoints import available_endpoints
from settings import Settings

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
    """Send a prepared message of conversation ``sender`` (``<channel>:<user>``, bot/identity.py)
    through ``send`` (the agent's handler or a channel's ``on_new_message``) and read the turn's
    intent from the conversation's tracker."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    output = CollectingOutputChannel()
    await send(UserMessage(text, output, sender, input_channel=input_channel, metadata=metadata or {}))
    tracker = await agent.processor.get_tracker(sender)
    parse = tracker.latest_message.parse_data if tracker.latest_message else {}
    return reply_from_messages(output.messages, parse)


class LocalAssistant:
    """Use as ``async with LocalAssistant(settings) as bot: await bot.ask(text, sender)``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._agent = None
        self._action_process = None

    async def __aenter__(self) -> "LocalAssistant":
        from rasa.core.agent import load_agent

        if not self.settings.model_path.exists():
            raise FileNotFoundError(f"no trained model at {self.settings.model_path}; run `jiuye train` first")
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        action_url = self.settings.action_server_url
        if not action_url:
            port = action_server.free_port()
            self._action_process = action_server.start(port)
            action_url = f"http://127.0.0.1:{port}/webhook"
        endpoints = available_endpoints(self.settings, action_url)
        self._agent = await load_agent(model_path=str(self.settings.model_path), endpoints=endpoints)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        action_server.stop(self._action_process)

    async def ask(self, text: str, sender: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None) -> Reply:
        """One turn of conversation ``cli:<sender>`` (a new one without ``sender``); ValueError
        for a sender id that is too long or not printable."""
        sender = sender or uuid.uuid4().hex
        if not valid_user(sender):
            raise ValueError(f"sender must be 1-{MAX_USER_CHARS} printable characters")
        conversation = conversation_id(CLI, sender)
        text, refused = prepare(text, conversation)
        if refused:
            return refused
        return await run_turn(self._agent.handle_message, self._agent, text, conversation, CLI, metadata)
