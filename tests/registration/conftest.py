"""Fixtures for the registration actions: a fresh SQLite ledger and key per test, reached the
way the action server reaches it (DATABASE_URL, JIUYE_ID_KEY, registry.runtime)."""
from __future__ import annotations

import functools
import re
from typing import Any, Dict, Iterable, List, Optional

import pytest
from rasa_sdk import Tracker

from registry import crypto, runtime
from registry.db import dispose_all
from tests.registry.helpers import migrated_sqlite


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return tmp_path_factory.mktemp("ledger-template")


@pytest.fixture
def ledger(tmp_path, monkeypatch, sqlite_template):
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite(tmp_path / "jiuye.db", sqlite_template))
    monkeypatch.setenv("JIUYE_ID_KEY", f"v1:{crypto.new_secret()}")
    runtime.reset()
    yield runtime.get_store()
    runtime.reset()
    dispose_all()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    from tests.conftest import ROOT

    return Domain.load(str(ROOT / "nlu" / "domain")).as_dict()


@pytest.fixture
def store(run):
    """The ledger an end-to-end module's ``run`` fixture wrote (read with the run's key)."""
    from tests.registration.e2e_support import ledger as run_ledger

    with run_ledger(run) as opened:
        yield opened


@functools.lru_cache(maxsize=1)
def _responses() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    from tests.conftest import ROOT

    return Domain.load(str(ROOT / "nlu" / "domain")).responses


def rendered(messages: Iterable[Dict[str, Any]]) -> List[str]:
    """The texts a graduate sees for a dispatcher's messages: plain texts, and domain responses
    filled with the values the action passed (as Rasa fills them)."""
    texts = []
    for message in messages:
        if message.get("response"):
            template = _responses()[message["response"]][0]["text"]
            texts.append(re.sub(r"\{(\w+)\}", lambda m: str(message.get(m.group(1), m.group(0))), template))
        elif message.get("text"):
            texts.append(message["text"])
    return texts


def make_tracker(slots: Optional[Dict[str, Any]] = None, text: str = "", intent: str = "inform",
                 sender: str = "cli:tester", requested_slot: Optional[str] = None, active: bool = True,
                 events: Optional[List[Dict[str, Any]]] = None,
                 extracted: Optional[Dict[str, Any]] = None) -> Tracker:
    """A tracker whose last event is the user's message, followed by the slots Rasa extracted
    from it (``extracted``: what the validation action gets to validate)."""
    slots = dict(slots or {}, **(extracted or {}))
    if requested_slot:
        slots["requested_slot"] = requested_slot
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    user_event = {"event": "user", "text": text, "parse_data": latest, "input_channel": "cli"}
    slot_events = [{"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items()]
    return Tracker(sender, slots, latest, (events or []) + [user_event] + slot_events, False, None,
                   {"name": "registration_form"} if active else {}, "action_listen")
