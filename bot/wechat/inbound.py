"""What to do with one WeChat push: its dedupe key, and either a question for the dialogue, a
fixed reply, or nothing — plus what it says about reaching the user (the 48 h window, unfollow)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Dict, Optional

import xmltodict
from wechatpy import parse_message
from wechatpy.messages import BaseMessage, UnknownMessage

from bot import texts
from registry.identity import valid_user


@dataclass(frozen=True)
class Inbound:
    key: str
    openid: str
    kind: str
    question: Optional[str] = None  # goes through the dialogue
    reply: str = ""                  # fixed reply when there is no question ("" = none)
    # True: a user action that opens WeChat's 48 h customer-service window; False: unfollowed;
    # None: neither (VIEW, LOCATION, the platform's own TEMPLATESENDJOBFINISH…).
    reachable: Optional[bool] = None


# Events that open the customer-service window (WeChat's list: follow, scan, CLICK and the
# scan-code menu pushes). VIEW and LOCATION do not; job-finish events are not the user at all.
WINDOW_EVENTS = frozenset({"scan", "click", "scancode_push", "scancode_waitmsg"})


class UnreadablePush(ValueError):
    """A push (signature checked) whose XML is not a WeChat message we can read; answered 400."""


TEXT_FIELDS = ("ToUserName", "FromUserName", "MsgType", "Content", "Recognition", "Event", "EventKey")
NUMBER_FIELDS = ("MsgId", "CreateTime")


def _fields(xml: str) -> Dict[str, Any]:
    try:
        fields = xmltodict.parse(xml).get("xml")
    except Exception as exc:  # expat errors, a document that is not a mapping, …
        raise UnreadablePush(f"not XML ({type(exc).__name__})") from None
    if not isinstance(fields, dict):
        raise UnreadablePush("no <xml> element")
    return fields


def parse_push(xml: str) -> BaseMessage:
    """wechatpy's message for ``xml``, after checking what wechatpy would trip over (it raises
    AttributeError on an empty ``<MsgType/>`` and ValueError when ``MsgId`` is read): the
    fields we use are text, ``FromUserName`` is there, ``MsgId`` and ``CreateTime`` are numbers.
    An empty or missing ``MsgType`` is an unknown kind of message (answered politely)."""
    fields = _fields(xml)
    for name in TEXT_FIELDS:
        if not isinstance(fields.get(name) or "", str):
            raise UnreadablePush(f"<{name}> is not text")
    for name in NUMBER_FIELDS:
        value = fields.get(name)
        if value is not None and not (isinstance(value, str) and value.isascii() and value.isdigit()):
            raise UnreadablePush(f"<{name}> is not a number")
    if not valid_user(fields.get("FromUserName") or ""):
        raise UnreadablePush("no usable sender")
    if not fields.get("MsgType"):
        return UnknownMessage(fields)
    return parse_message(xml)


def dedupe_key(message: BaseMessage) -> str:
    """MsgId for messages; FromUserName + CreateTime for events (hashed: keys appear in logs)."""
    if message.type != "event" and message.id:
        return f"wx:msg:{message.id}"
    created = int(message.create_time.timestamp()) if message.create_time else 0
    digest = hashlib.sha256(f"{message.source}:{created}".encode("utf-8")).hexdigest()[:24]
    return f"wx:evt:{digest}"


def read(message: BaseMessage) -> Inbound:
    key, openid = dedupe_key(message), message.source
    if message.type == "event":
        return _event(key, openid, message)
    if message.type == "text":
        return Inbound(key, openid, "text", question=message.content or "", reachable=True)
    if message.type == "voice":
        recognised = (message.recognition or "").strip()
        if recognised:
            return Inbound(key, openid, "voice", question=recognised, reachable=True)
        return Inbound(key, openid, "voice", reply=texts.VOICE_NOT_RECOGNISED, reachable=True)
    return Inbound(key, openid, message.type or "unknown", reply=texts.UNSUPPORTED, reachable=True)


def _event(key: str, openid: str, message: BaseMessage) -> Inbound:
    event = (getattr(message, "event", "") or "").lower()
    if event in ("subscribe", "subscribe_scan"):
        return Inbound(key, openid, "subscribe", reply=texts.WELCOME, reachable=True)
    if event == "unsubscribe":
        return Inbound(key, openid, "unsubscribe", reachable=False)
    if event == "click":
        menu_key = getattr(message, "key", "") or ""
        question = texts.MENU_QUESTIONS.get(menu_key)
        if question:
            return Inbound(key, openid, "click", question=question, reachable=True)
        return Inbound(key, openid, "click", reply=texts.HELP, reachable=True)
    # SCAN, VIEW, LOCATION…: nothing to say
    return Inbound(key, openid, f"event:{event}", reachable=True if event in WINDOW_EVENTS else None)
