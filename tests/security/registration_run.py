"""Two graduates register through the running assistant over (simulated) WeChat; one withdraws.

The assistant is the real one (`jiuye.runner`: action server and `python -m jiuye.rasa_main run`
with the trained model, the WeChat channel against the loopback WeChat API), at
``JIUYE_LOG_LEVEL=DEBUG`` while Rasa's own ``LOG_LEVEL`` says WARNING (the one setting must win).
WeChat's passive-reply budget is raised so every reply is passive, i.e. stored in the dedupe
store, as a fast reply is in production.

Afterwards everything the run left is collected, per place, as bytes: every file of the data
folder (SQLite ledger, tracker store, dedupe store), every row of every table of the PostgreSQL
database, every Redis key and value under the run's prefix, and the log of both servers.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from tests.registry.helpers import make_id

DATA_DIR_LOG = "assistant.log"
NOT_REGISTERED = "没有查到您在本渠道的登记记录"


@dataclass(frozen=True)
class Graduate:
    openid: str
    name: str
    phone: str
    school: str
    id_number: str
    id_typed: str  # how they type it

    def conversation(self) -> List[str]:
        return ["我要做失业登记", self.name, "同意", self.id_typed, self.phone, self.school, "会计学", "本科",
                "2024", "长春", "长春", "就业", "会计", "金融", "不限", "无", "确认", "我的登记状态"]

    def secrets(self) -> Dict[str, str]:
        """What must not survive withdrawal, nor ever reach a log."""
        return {"name": self.name, "phone": self.phone, "school": self.school, "id": self.id_number,
                "id as typed": self.id_typed}


_W_ID = make_id("220581", "20000704", "101")  # check character X
# W withdraws; typed the ID 6-8-4 with spaces and a lower-case x.
WITHDRAWS = Graduate(f"o_sec_w_{uuid.uuid4().hex[:8]}", "欧阳明远", "13687654321", "白城医学高等专科学校", _W_ID,
                     f"{_W_ID[:6]} {_W_ID[6:14]} {_W_ID[14:].lower()}")
_K_ID = make_id("220201", "20011122", "100")
KEEPS = Graduate(f"o_sec_k_{uuid.uuid4().hex[:8]}", "司马青云", "15079112345", "通化师范学院", _K_ID, _K_ID)


def forms(value: str) -> List[bytes]:
    """The byte forms a stored or logged string takes: UTF-8, and JSON's \\uXXXX escapes (Rasa's
    event rows and JSON log lines) in lower and upper case, also with the backslash doubled
    (PostgreSQL's text form of a row, JSON inside JSON); for an ID number also with a lower-case x."""
    found = {value, value.lower()}
    for escaped in (json.dumps(value)[1:-1], json.dumps(value)[1:-1].upper().replace("\\U", "\\u")):
        found |= {escaped, escaped.replace("\\", "\\\\")}
    return sorted({f.encode("utf-8") for f in found})


def find(secret: str, haystacks: Dict[str, bytes]) -> List[str]:
    """The places (haystack names) holding ``secret`` in any of its forms."""
    return sorted(name for name, content in haystacks.items() if any(form in content for form in forms(secret)))


@dataclass
class Run:
    backend: str
    data_dir: Path
    database_url: str
    replies: Dict[str, List[str]]
    at_rest: Dict[str, bytes]
    log: str
    contact_rows_after_withdrawal: int


def converse(wechat, graduate: Graduate, texts: List[str]) -> List[str]:
    replies = []
    for text in texts:
        delivery = wechat.deliver(wechat.text(graduate.openid, text))
        assert delivery.status == 200, f"{text!r}: {delivery.attempts}"
        replies.append(delivery.text or "")
    return replies


def contact_rows(database_url: str, openid: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM scheduler_contacts WHERE user_id = :u"),
                                      {"u": openid}).scalar_one()
    finally:
        engine.dispose()


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def redis_entries(redis_url: str, prefix: str) -> Dict[str, bytes]:
    import redis

    client = redis.Redis.from_url(redis_url)
    entries: Dict[str, bytes] = {}
    for key in client.scan_iter(match=f"{prefix}*"):
        kind = client.type(key)
        if kind == b"string":
            value = client.get(key) or b""
        elif kind == b"set":
            value = b"\n".join(sorted(client.smembers(key)))
        else:
            value = repr(kind).encode()
        entries[f"redis {key.decode()}"] = key + b"=" + value
    client.close()
    return entries


def collect(data_dir: Path, database_url: str, redis_url: Optional[str], prefix: str) -> Dict[str, bytes]:
    from tests.support.postgres import dump_rows

    stored = {f"file {p.relative_to(data_dir)}": p.read_bytes() for p in data_dir.rglob("*")
              if p.is_file() and not p.name.endswith(".key") and p.name != DATA_DIR_LOG}
    if database_url.startswith("postgresql"):
        stored.update({f"table {name}": rows for name, rows in dump_rows(database_url).items()})
    if redis_url:
        stored.update(redis_entries(redis_url, prefix))
    return stored
