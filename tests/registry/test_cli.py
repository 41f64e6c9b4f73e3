"""`jiuye registry migrate | rotate-key | show`."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect

from jiuye.cli import main
from registry import crypto, runtime
from registry.db import dispose_all, make_engine
from tests.registry.helpers import make_id
from tests.registry.test_store import data

NUMBER = make_id()


@pytest.fixture
def env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JIUYE_ID_KEY_FILE", str(tmp_path / "id.key"))
    monkeypatch.delenv("JIUYE_ID_KEY", raising=False)
    runtime.reset()
    yield {"url": url, "key": tmp_path / "id.key"}
    runtime.reset()
    dispose_all()


def test_migrate_creates_the_schema(env):
    assert main(["registry", "migrate"]) == 0
    engine = make_engine(env["url"])
    assert "registrations" in inspect(engine).get_table_names()
    engine.dispose()


def test_rotate_key_then_drop_old_and_show(env, capsys):
    reg_no = runtime.get_store().register(data(), NUMBER, "cli", "s1").reg_no
    assert main(["registry", "rotate-key"]) == 0
    assert list(crypto.parse_keyring(env["key"].read_text())) == [1, 2]
    assert main(["registry", "rotate-key", "--drop-old"]) == 0
    assert list(crypto.parse_keyring(env["key"].read_text())) == [2]
    runtime.reset()
    assert runtime.get_store().find_by_id_number(NUMBER).reg_no == reg_no  # readable with v2 only
    capsys.readouterr()
    assert main(["registry", "show", reg_no]) == 0
    out = capsys.readouterr().out
    shown = json.loads(out)
    assert shown["reg_no"] == reg_no and shown["id_masked"] == NUMBER[:4] + "*" * 10 + NUMBER[-4:]
    assert NUMBER not in out
    assert main(["registry", "show", "JY00000000XXXXXX"]) == 1


def test_rotate_key_refuses_to_write_when_key_comes_from_env(env, monkeypatch):
    monkeypatch.setenv("JIUYE_ID_KEY", crypto.new_secret())
    assert main(["registry", "rotate-key"]) == 2
    assert not env["key"].exists()
