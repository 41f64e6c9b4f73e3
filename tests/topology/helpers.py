"""What the topology tests read and send: REST turns through the proxy (with the backend that
served them) and the conversation as the SQL tracker store in PostgreSQL recorded it."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import httpx
from sqlalchemy import create_engine, text

from jiuye.proxy import BACKEND_HEADER

REST_PATH = "/webhooks/rest/webhook"
# The Rasa servers run as in production (`jiuye rasa`): REST is served only with a token (conftest sets it).
REST_TOKEN = "topology-rest-token"
WECHAT_PATH = "/webhooks/wechat/webhook"


@dataclass
class Reply:
    status: int
    backend: str
    texts: List[str]
    sent_at: float = 0.0
    done_at: float = 0.0


def rest_turn(base_url: str, sender: str, message: str, timeout: float = 120.0) -> Reply:
    """One message through the REST channel; ``base_url`` is the proxy or one server."""
    response = httpx.post(base_url + REST_PATH, json={"sender": sender, "message": message}, timeout=timeout,
                          headers={"Authorization": f"Bearer {REST_TOKEN}"})
    # custom payloads (citations) travel in the same bot event as the text: compare texts only
    texts = [m["text"] for m in response.json() if m.get("text")] if response.status_code == 200 else []
    return Reply(response.status_code, response.headers.get(BACKEND_HEADER, base_url), texts)


@dataclass
class Turn:
    """One user message and everything the assistant did for it, as stored."""

    user_text: str
    user_timestamp: float
    bot_texts: List[str] = field(default_factory=list)
    last_action: Optional[str] = None
    last_timestamp: float = 0.0


def stored_turns(database_url: str, sender: str) -> List[Turn]:
    """The conversation ``sender`` (``rest:<id>``…, registry/identity.py) from the SQL tracker store,
    split at user messages."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, action_name, timestamp, data FROM events "
                     "WHERE sender_id = :sender ORDER BY id"), {"sender": sender},
            ).all()
    finally:
        engine.dispose()
    turns: List[Turn] = []
    for type_name, action_name, timestamp, data in rows:
        if type_name == "user":
            turns.append(Turn(json.loads(data).get("text") or "", timestamp))
        elif turns:
            turn = turns[-1]
            if type_name == "bot" and json.loads(data).get("text"):
                turn.bot_texts.append(json.loads(data)["text"])
            if type_name == "action":
                turn.last_action = action_name
            turn.last_timestamp = timestamp
    return turns


def count_rows(database_url: str, query: str, **params) -> int:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(query), params).scalar() or 0)
    finally:
        engine.dispose()


def last_ticket(redis_url: str, sender: str) -> Optional[int]:
    """Number of the newest ticket in conversation ``sender``'s lock (Rasa's key ``lock:<id>``);
    None when nobody holds or waits for it."""
    import redis

    raw = redis.Redis.from_url(redis_url).get(f"lock:{sender}")
    tickets = json.loads(raw).get("tickets", []) if raw else []
    return json.loads(tickets[-1])["number"] if tickets else None


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, step: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(step)
