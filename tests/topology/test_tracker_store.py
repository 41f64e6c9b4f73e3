"""jiuye.tracker_store.BatchedSQLTrackerStore against real PostgreSQL and SQLite: the same rows and
the same trackers as Rasa's SQLTrackerStore, also when two servers (store instances) alternate on
one conversation and when one of them still runs Rasa's own store (rolling upgrade)."""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import Iterator, List, Tuple

import pytest
from sqlalchemy import create_engine, text

from tests.topology.conftest import POSTGRES_URL, postgres_or_skip

DOMAIN_YAML = """\
version: "3.1"
intents: [ask_policy]
slots:
  region: {type: text, mappings: [{type: custom}]}
  policy_hits: {type: any, mappings: [{type: custom}]}
"""


def _turn(number: int) -> list:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    parse = {"intent": {"name": "ask_policy", "confidence": 0.93}, "entities": [], "text": f"问题 {number}"}
    return [
        UserUttered(f"问题 {number}", parse["intent"], [], parse_data=parse),
        ActionExecuted("action_answer_policy"), SlotSet("region", "吉林省"),
        SlotSet("policy_hits", [{"id": f"jl-{number}", "score": 0.9}]),
        BotUttered(f"答复 {number}", {"custom": {"citations": [{"title": "吉就组〔2022〕2号"}]}}),
        ActionExecuted("action_listen"),
    ]


def _session_start() -> list:
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def database(request, tmp_path_factory) -> Iterator[Tuple[str, dict]]:
    """(SQLAlchemy URL, tracker store keyword arguments) of an empty database."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("tracker") / "tracker.db"
        yield f"sqlite:///{path}", {"dialect": "sqlite", "db": str(path)}
        return
    from sqlalchemy.engine import make_url

    from jiuye.topology import scratch_database

    postgres_or_skip()
    with scratch_database(POSTGRES_URL, prefix="jiuye_ts_") as url:
        parsed = make_url(url)
        yield url, {"dialect": "postgresql", "host": parsed.host, "port": parsed.port, "db": parsed.database,
                    "username": parsed.username, "password": parsed.password}


def _store(kind: str, kwargs: dict):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    from jiuye.tracker_store import BatchedSQLTrackerStore

    cls = BatchedSQLTrackerStore if kind == "ours" else SQLTrackerStore
    return cls(domain=Domain.from_yaml(DOMAIN_YAML), **kwargs)


def _rows(url: str, sender: str) -> List[tuple]:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(
                "SELECT type_name, intent_name, action_name, timestamp, data FROM events "
                "WHERE sender_id = :s ORDER BY id"), {"s": sender})]
    finally:
        engine.dispose()


async def _converse(stores: list, sender: str, turns: int, session_every: int = 0) -> None:
    """Each turn: the next store (server) retrieves the conversation, adds a turn, saves it."""
    from rasa.shared.core.trackers import DialogueStateTracker

    for number in range(turns):
        store = stores[number % len(stores)]
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, store.domain.slots)
        if number == 0 or (session_every and number % session_every == 0):
            for event in _session_start():
                tracker.update(event)
        for event in _turn(number):
            tracker.update(event)
        await store.save(tracker)


def _dispose(*stores) -> None:
    for store in stores:
        store.engine.dispose()


def test_same_rows_and_trackers_as_rasas_store(database):
    url, kwargs = database
    ours, rasas = _store("ours", kwargs), _store("rasa", kwargs)
    mine, theirs = f"ts-ours-{uuid.uuid4().hex[:8]}", f"ts-rasa-{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_converse([ours], mine, 7, session_every=4))
        asyncio.run(_converse([rasas], theirs, 7, session_every=4))
        ours_rows, rasa_rows = _rows(url, mine), _rows(url, theirs)
        assert len(ours_rows) == len(rasa_rows) == 7 * 6 + 2 * 3
        # timestamps differ (events are created at different instants); everything else is equal
        strip = lambda rows: [(t, i, a, d.split('"timestamp"')[0]) for t, i, a, _, d in rows]  # noqa: E731
        assert strip(ours_rows) == strip(rasa_rows)
        for sender in (mine, theirs):  # each store reads what the other wrote, current session only
            a, b = asyncio.run(ours.retrieve(sender)), asyncio.run(rasas.retrieve(sender))
            assert a.current_state() == b.current_state()
            assert len(a.events) == 2 + 3 * 6  # from SessionStarted on (action_session_start is older)
            full_a, full_b = asyncio.run(ours.retrieve_full_tracker(sender)), asyncio.run(rasas.retrieve_full_tracker(sender))
            assert [e.as_dict() for e in full_a.events] == [e.as_dict() for e in full_b.events]
        assert asyncio.run(ours.retrieve(f"nobody-{uuid.uuid4().hex}")) is None
    finally:
        _dispose(ours, rasas)


@pytest.mark.parametrize("kinds", [("ours", "ours"), ("ours", "rasa")], ids=["two-servers", "rolling-upgrade"])
def test_two_servers_alternating_on_one_conversation_store_every_turn_once_in_order(database, kinds):
    url, kwargs = database
    stores = [_store(kind, kwargs) for kind in kinds]
    sender = f"ts-two-{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_converse(stores, sender, 9))
        rows = _rows(url, sender)
        user_texts = [json.loads(r[4])["text"] for r in rows if r[0] == "user"]
        assert len(rows) == 3 + 9 * 6 and user_texts == [f"问题 {n}" for n in range(9)]
        tracker = asyncio.run(stores[0].retrieve(sender))
        assert tracker.get_slot("policy_hits") == [{"id": "jl-8", "score": 0.9}]
        assert [e.as_dict() for e in tracker.events] == [e.as_dict() for e in asyncio.run(stores[1].retrieve(sender)).events]
    finally:
        _dispose(*stores)


def test_many_events_in_one_save_keep_their_order(database):
    """One multi-row INSERT: ids (what Rasa orders by) follow the tracker's order."""
    from rasa.shared.core.trackers import DialogueStateTracker

    url, kwargs = database
    store = _store("ours", kwargs)
    sender = f"ts-bulk-{uuid.uuid4().hex[:8]}"
    try:
        tracker = DialogueStateTracker(sender, store.domain.slots)
        for event in _session_start() + [e for n in range(40) for e in _turn(n)]:
            tracker.update(event)
        asyncio.run(store.save(tracker))
        stored = asyncio.run(store.retrieve_full_tracker(sender))
        assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in tracker.events]
        asyncio.run(store.save(asyncio.run(store.retrieve(sender))))  # nothing new: nothing written
        assert len(_rows(url, sender)) == 3 + 40 * 6
    finally:
        _dispose(store)


def test_rasa_builds_it_from_our_endpoint_configuration(tmp_path):
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from jiuye.endpoints import SQL_TRACKER_STORE, tracker_store_config
    from jiuye.tracker_store import BatchedSQLTrackerStore

    config = tracker_store_config(f"sqlite:///{tmp_path / 'jiuye.db'}", tmp_path)
    assert config["type"] == SQL_TRACKER_STORE  # Rasa resolves it to our class: checked below
    pg = tracker_store_config("postgresql://rasa:pw@db.internal:6543/jiuye", tmp_path)
    assert pg == {"type": SQL_TRACKER_STORE, "dialect": "postgresql", "url": "db.internal", "db": "jiuye",
                  "port": 6543, "username": "rasa", "password": "pw"}
    store = TrackerStore.create(EndpointConfig.from_dict(config), Domain.from_yaml(DOMAIN_YAML))
    inner = getattr(store, "_tracker_store", store)
    assert type(inner) is BatchedSQLTrackerStore and (tmp_path / "tracker.db").exists()
    inner.engine.dispose()
