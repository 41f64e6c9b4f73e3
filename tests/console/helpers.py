"""Test data and an in-process console server (the console blueprint on a Sanic app in a
background thread, with a scripted dialogue) for the HTTP tests."""
from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List, Optional

import requests

from bot.turn import Reply
from registry.store import RegistrationData, RegistrationStore
from tests.registry.helpers import make_id
from tests.support.sanic_server import LoopbackSanic

PASSWORD = "correct-horse-battery"
SUPERVISOR_NAME = "chief"  # the conftest's supervisor; "operator" is an operator
PHONE = "13912345678"
ID_NUMBER = make_id()


def registration_data(**changes: Any) -> RegistrationData:
    values: Dict[str, Any] = dict(
        name="张三", phone=PHONE, school="吉林大学", major="计算机科学与技术", education="本科", grad_year=2024,
        hukou_city="长春", hukou_province="吉林", city="长春", province="吉林", intention="就业",
        wanted_job="软件开发", hardship="低保",
    )
    values.update(changes)
    return RegistrationData(**values)


def register(store: RegistrationStore, id_number: str = ID_NUMBER, **changes: Any) -> str:
    return store.register(registration_data(**changes), id_number, "wechat", f"o_{uuid.uuid4().hex[:8]}").reg_no


class ScriptedDialogue:
    """Stands in for the Rasa agent: answers with a fixed reply and remembers what it was asked."""

    def __init__(self, reply: Reply):
        self.reply = reply
        self.asked: List[Dict[str, Any]] = []

    async def ask(self, text: str, sender: str, metadata: Dict[str, Any]) -> Reply:
        self.asked.append({"text": text, "sender": sender, "metadata": metadata})
        return self.reply


class ConsoleServer(LoopbackSanic):
    """``with ConsoleServer(services, dialogue) as server:`` then ``server.url("/console/login")``."""

    def __init__(self, services, dialogue=None):
        from console.channel import ConsoleInput
        from console.services import ServicesHolder

        super().__init__("console")
        self.channel = ConsoleInput(ServicesHolder(lambda: services), (lambda request: dialogue) if dialogue else None)

        async def handler(message):  # the real channel hands messages to the agent; none here
            raise AssertionError("the scripted dialogue answers instead")

        self.blueprint = self.channel.blueprint(handler)
        self.app.blueprint(self.blueprint, url_prefix=self.channel.url_prefix())

    def url(self, path: str) -> str:
        return self.address(path)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(http: requests.Session, server: ConsoleServer, username: str = "operator",
          password: str = PASSWORD) -> requests.Response:
    page = http.get(server.url("/console/login"))
    return http.post(server.url("/console/login"), data={
        "username": username, "password": password, "csrf_token": csrf_from(page.text),
    }, allow_redirects=False)


def routes(blueprint) -> List[tuple]:
    """(path, method, handler) of every route the console's blueprint declares."""
    found = []
    for future in blueprint._future_routes:  # the blueprint's own declarations, before any app mounts it
        for method in future.methods:
            found.append((future.uri, method, future.handler))
    return found


def concrete(uri: str, reg_no: Optional[str] = None) -> str:
    """A route pattern with its parameters filled in."""
    return re.sub(r"<[^>]+>", reg_no or "JY20240101ABCDEF", uri)
