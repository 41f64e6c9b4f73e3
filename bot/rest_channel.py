"""The REST channel, ``POST /webhooks/rest/webhook`` with ``{"sender": ..., "message": ...}``, for
local use and tests. It replaces Rasa's ``RestInput``, which takes ``input_channel`` from the body
and uses the body's ``sender`` as the conversation id — so anyone could speak as a WeChat user.

Here the conversation is always ``rest:<sender>`` (registry/identity.py) and ``input_channel`` in the
body is ignored; the message passes the shared input guard (bot/turn.prepare: the
1,000-character limit, ID numbers taken out) before anything else sees it; the only metadata
taken from the body is ``region``.

Who may use it (``JIUYE_REST_TOKEN``, read when the server creates the channel):

- set: every request must carry ``Authorization: Bearer <token>`` (401 otherwise);
- unset: only clients on this machine (loopback peer address) are served (403 otherwise).

`jiuye run` always serves it; `jiuye rasa` (the production servers) only when the token is set
(jiuye.runner.channel_credentials). Answers: the list of bot messages, as Rasa's REST channel
returns them, ``recipient_id`` being the sender as given.
"""
from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import texts
from bot.compare import same
from bot.turn import prepare
from registry.identity import REST, conversation_id, valid_user
from settings import Settings

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 64
BAD_BODY = "请求格式不正确：需要 JSON 对象 {\"sender\": \"会话标识\", \"message\": \"问题\"}。"
BAD_SENDER = f"sender 必须是 1–{MAX_SENDER_CHARS} 个可见字符。"
UNAUTHORISED = "需要有效的访问令牌（Authorization: Bearer …）。"
LOCAL_ONLY = "REST 接口仅供本机使用。"


@dataclass(frozen=True)
class RestConfig:
    token: Optional[str]

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "RestConfig":
        return cls(token=Settings.from_env(env).rest_token)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _sender(value: Any) -> Optional[str]:
    """The body's sender as a string, or None when it is not a usable id."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    sender = str(value)
    if len(sender) > MAX_SENDER_CHARS or not valid_user(sender) or sender != sender.strip():
        return None
    return sender


def _error(message: str, status: int, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers, ensure_ascii=False)


class RestInput(InputChannel):
    """``bot.rest_channel.RestInput`` in credentials.yml; serves /webhooks/rest/."""

    def __init__(self, config: RestConfig):
        self.config = config

    @classmethod
    def name(cls) -> str:
        return REST

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "RestInput":
        return cls(RestConfig.from_env())

    def refusal(self, request: Request) -> Optional[HTTPResponse]:
        """401 / 403 for a client this channel must not serve, else None."""
        if self.config.token is not None:
            scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not same(self.config.token, given.strip()):
                return _error(UNAUTHORISED, 401, {"WWW-Authenticate": "Bearer"})
            return None
        if not _loopback(request.ip or ""):
            return _error(LOCAL_ONLY, 403)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("jiuye_rest", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self.refusal(request)
            if refused is not None:
                logger.warning("rest request refused (%d)", refused.status)
                return refused
            try:
                body = request.json
            except Exception:  # Sanic raises InvalidUsage for a body that is not JSON
                body = None
            if not isinstance(body, dict):
                return _error(BAD_BODY, 400)
            sender = _sender(body.get("sender"))
            if sender is None:
                return _error(BAD_SENDER, 400)
            messages = await self.turn(on_new_message, sender, body.get("message"), body.get("metadata"))
            return response.json(messages)

        return hook

    async def turn(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sender: str, message: Any,
                   metadata: Any) -> List[Dict[str, Any]]:
        """The bot messages for one message of ``rest:<sender>``; never raises."""
        conversation = conversation_id(REST, sender)
        text, refused = prepare(message, conversation)
        if refused is not None:
            return [{"recipient_id": sender, "text": refused.text}]
        region = metadata.get("region") if isinstance(metadata, dict) else None
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, conversation, input_channel=REST,
                                             metadata={"region": region} if isinstance(region, str) else {}))
        except Exception as exc:  # the text is not logged: only what went wrong
            logger.error("rest: dialogue failed (%s)", type(exc).__name__)
            if not collector.messages:
                return [{"recipient_id": sender, "text": texts.BUSY}]
        return [dict(m, recipient_id=sender) for m in collector.messages]
