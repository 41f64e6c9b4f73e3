"""Migration i001: Rasa's tracker rows (table ``events``, when it shares the ledger's database)
and ID-vault entries move to namespaced conversation ids (<channel>:<user>, registry/identity.py);
the ledger's (channel, user) pairs are left as they are. On SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import secrets
from typing import List, Optional, Tuple

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, select, text

from registry.crypto import IdCipher
from registry.db import alembic_config, make_engine, migrate
from registry.store import RegistrationStore
from tests.registry.helpers import make_id
from tests.support.postgres import migrated_schema

BEFORE = "b002_drop_channel_subscriptions"

# The columns of Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py SQLEvent).
EVENTS = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
               Column("type_name", String(255)), Column("timestamp", Float), Column("intent_name", String(255)),
               Column("action_name", String(255)), Column("data", Text))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A ledger at the revision before i001 (a fresh file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        migrate(engine, BEFORE)
        yield engine
        engine.dispose()
        return
    with migrated_schema("jiuye_i001") as engine:
        downgrade(engine, BEFORE)  # migrated_schema brings it to head
        yield engine


def downgrade(engine, revision: str) -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()


def event(sender: str, kind: str, channel: Optional[str] = None) -> dict:
    data = {"event": kind, "timestamp": 1.0}
    if kind == "user":
        data.update(text="hi", input_channel=channel)
    return {"sender_id": sender, "type_name": kind, "timestamp": 1.0, "data": json.dumps(data)}


def stored(engine) -> List[Tuple[str, str]]:
    with engine.connect() as connection:
        return [(s, t) for s, t in connection.execute(select(EVENTS.c.sender_id, EVENTS.c.type_name)
                                                      .order_by(EVENTS.c.id))]


def test_old_conversations_and_vault_entries_get_their_channel(engine):
    EVENTS.create(engine)
    rows = [
        event("o_wx", "session_started"), event("o_wx", "action"), event("o_wx", "user", "wechat"),
        event("o_wx", "bot"),
        event("42", "user", "telegram"), event("42", "action"),
        # Finding 2: a REST client wrote into a WeChat user's conversation: split between them
        event("o_mixed", "user", "wechat"), event("o_mixed", "bot"), event("o_mixed", "user", "rest"),
        event("o_mixed", "bot"), event("o_mixed", "user", "wechat"),
        event("no-user", "session_started"),
        event("odd", "user", "we chat:x"), event("cli-abc", "user", "cli"),
        # already namespaced (written before this process first touched the ledger): unchanged
        event("cli:e2e-a", "session_started"), event("cli:e2e-a", "user", "cli"),
        event("wechat:o_new", "user", "wechat"),
        # an old REST client's sender that looks like another channel's conversation
        event("wechat:o_wx", "user", "rest"),
    ]
    cipher = IdCipher({1: secrets.token_bytes(32)})
    with engine.begin() as connection:
        connection.execute(EVENTS.insert(), rows)
    store = RegistrationStore(engine, cipher)
    kept = store.vault_put("o_mixed", make_id())
    store.vault_put("sender-without-conversation", make_id())
    already = store.vault_put("cli:e2e-a", make_id())

    migrate(engine)

    assert stored(engine) == [
        ("wechat:o_wx", "session_started"), ("wechat:o_wx", "action"), ("wechat:o_wx", "user"),
        ("wechat:o_wx", "bot"),
        ("telegram:42", "user"), ("telegram:42", "action"),
        ("wechat:o_mixed", "user"), ("wechat:o_mixed", "bot"), ("rest:o_mixed", "user"), ("rest:o_mixed", "bot"),
        ("wechat:o_mixed", "user"),
        ("unknown:no-user", "session_started"),
        ("unknown:odd", "user"), ("cli:cli-abc", "user"),
        ("cli:e2e-a", "session_started"), ("cli:e2e-a", "user"),
        ("wechat:o_new", "user"),
        ("rest:wechat:o_wx", "user"),
    ]
    # the vault entry follows its sender's latest conversation; one with no conversation is gone
    assert store.vault_get("wechat:o_mixed", kept) is not None and store.vault_get("cli:e2e-a", already) is not None
    with engine.connect() as connection:
        left = connection.execute(text("SELECT sender_id FROM id_vault")).scalars().all()
    assert sorted(left) == ["cli:e2e-a", "wechat:o_mixed"]


def test_ledger_pairs_are_unchanged_and_found_by_the_new_ids(engine):
    from registry.identity import split
    from tests.registry.test_store import data

    store = RegistrationStore(engine, IdCipher({1: secrets.token_bytes(32)}))
    reg_no = store.register(data(), make_id(), "wechat", "o_person").reg_no
    migrate(engine)
    assert store.find_by_sender(*split("wechat:o_person")).reg_no == reg_no
    assert store.find_by_sender(*split("rest:o_person")) is None


def test_without_a_tracker_table_only_the_vault_is_touched(engine):
    store = RegistrationStore(engine, IdCipher({1: secrets.token_bytes(32)}))
    store.vault_put("o_someone", make_id())
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM id_vault")).scalar_one() == 0
