"""RegistrationStore on SQLite and PostgreSQL: saving, duplicates, updates, withdrawal, the
1311×N ledger, the vault and key rotation (withdrawal: tests/workflows/test_erasure.py)."""
from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import inspect, select, text

from registry.crypto import IdCipher
from registry.models import Registration
from registry.store import RegistrationData, RegistrationStore
from tests.registry.helpers import make_id

ID_A = make_id(birth="20010315", seq="123")
ID_B = make_id(area="360102", birth="19990708", seq="456")


def data(**changes) -> RegistrationData:
    values = dict(name="张三", phone="13912345678", school="吉林大学", major="计算机科学与技术", education="本科",
                  grad_year=2024, hukou_city="长春", hukou_province="吉林", city="长春", province="吉林",
                  intention="就业", wanted_job="软件开发", wanted_industry="互联网", wanted_region="长春", hardship="无")
    values.update(changes)
    return RegistrationData(**values)


def test_migrations_create_every_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"registrations", "consents", "service_ledger", "subscriptions", "id_vault",
            "registry_alembic_version"} <= tables


def test_register_returns_number_and_stores_no_plaintext(store, engine):
    result = store.register(data(), ID_A, "cli", "s1")
    assert result.reg_no.startswith("JY") and len(result.reg_no) == 16
    assert result.updated is False
    with engine.connect() as connection:
        row = connection.execute(select(Registration.__table__)).mappings().one()
    assert ID_A not in " ".join(str(v) for v in row.values())
    assert row["id_masked"] == ID_A[:4] + "*" * 10 + ID_A[-4:]
    assert store.cipher.decrypt(row["id_cipher"]) == ID_A
    view = store.get(result.reg_no)
    assert view.id_masked == row["id_masked"] and not hasattr(view, "id_cipher")


def test_invalid_id_is_refused_by_the_store(store):
    with pytest.raises(ValueError):
        store.register(data(), ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1"), "cli", "s1")


def test_same_person_registering_again_updates_the_record(store):
    first = store.register(data(), ID_A, "cli", "s1")
    second = store.register(data(phone="13800138000", intention="创业"), ID_A.lower(), "wechat", "openid-9")
    assert second.updated is True and second.reg_no == first.reg_no
    assert store.count() == 1
    view = store.get(first.reg_no)
    assert (view.phone, view.intention, view.channel) == ("13800138000", "创业", "wechat")
    other = store.register(data(name="李四"), ID_B, "cli", "s2")
    assert other.updated is False and store.count() == 2


def test_find_by_sender_and_by_id_number(store):
    result = store.register(data(), ID_A, "cli", "s1")
    assert store.find_by_sender("cli", "s1").reg_no == result.reg_no
    assert store.find_by_sender("cli", "nobody") is None
    assert store.find_by_id_number(ID_A).reg_no == result.reg_no
    assert store.find_by_id_number(ID_B) is None


def test_update_answers_the_graduate_may_change(store):
    reg_no = store.register(data(), ID_A, "cli", "s1").reg_no
    assert store.update_fields(reg_no, phone="15079112345", intention="暂无就业意愿")
    view = store.get(reg_no)
    assert (view.phone, view.intention) == ("15079112345", "暂无就业意愿")
    assert store.update_fields(reg_no, name="王五", school="东北师范大学", grad_year=2023)
    assert (store.get(reg_no).name, store.get(reg_no).school, store.get(reg_no).grad_year) == ("王五", "东北师范大学", 2023)
    assert store.update_fields(reg_no, hardship="低保") and store.get(reg_no).one_to_one
    assert store.update_fields(reg_no, hardship="无") and not store.get(reg_no).one_to_one
    with pytest.raises(ValueError):  # the ID number changes only by registering again
        store.update_fields(reg_no, id_masked="2201**********0000")
    with pytest.raises(ValueError):
        store.update_fields(reg_no, intention="躺平")
    assert store.update_fields("JY00000000XXXXXX", phone="15079112345") is False


def test_hardship_flags_one_to_one_and_ledger_groups_by_intention(store):
    a = store.register(data(hardship="低保,残疾"), ID_A, "cli", "s1")
    b = store.register(data(name="李四", intention="创业", hardship="无"), ID_B, "cli", "s2")
    assert a.one_to_one is True and b.one_to_one is False
    assert [v.reg_no for v in store.one_to_one()] == [a.reg_no]
    ledger = store.ledger_by_intention()
    assert set(ledger) == {"就业", "创业", "暂无就业意愿"}
    assert [v.reg_no for v in ledger["就业"]] == [a.reg_no]
    assert [v.reg_no for v in ledger["创业"]] == [b.reg_no]
    assert ledger["暂无就业意愿"] == []


def test_service_ledger_records_1311n_services(store):
    reg_no = store.register(data(), ID_A, "cli", "s1").reg_no
    store.add_service(reg_no, "job_recommendation", dt.date(2024, 7, 3), "王老师", "推荐岗位3个")
    store.add_service(reg_no, "career_guidance", dt.date(2024, 7, 1), "李老师")
    kinds = [(s["kind"], s["delivered_at"], s["delivered_by"]) for s in store.services(reg_no)]
    assert kinds == [("career_guidance", dt.date(2024, 7, 1), "李老师"),
                     ("job_recommendation", dt.date(2024, 7, 3), "王老师")]
    with pytest.raises(ValueError):
        store.add_service(reg_no, "free_lunch", dt.date(2024, 7, 1), "x")
    with pytest.raises(LookupError):
        store.add_service("JY00000000XXXXXX", "career_guidance", dt.date(2024, 7, 1), "x")


def test_vault_is_per_sender_and_expires(store, engine):
    ref = store.vault_put("s1", ID_A)
    assert store.vault_get("s1", ref) == ID_A
    assert store.vault_get("s2", ref) is None
    with engine.connect() as connection:
        stored = " ".join(str(v) for row in connection.execute(text("SELECT * FROM id_vault")) for v in row)
    assert ID_A not in stored
    expired = store.vault_put("s1", ID_B, ttl=dt.timedelta(seconds=-1))
    assert store.vault_get("s1", expired) is None
    store.vault_put("s3", ID_B)  # purges expired entries
    with engine.connect() as connection:
        refs = {r for (r,) in connection.execute(text("SELECT ref FROM id_vault"))}
    assert expired not in refs
    assert store.vault_discard("s1") == 1
    assert store.vault_get("s1", ref) is None


def test_key_rotation_reencrypts_and_keeps_duplicates_found(store, engine):
    old_secret = secrets.token_bytes(32)
    old = RegistrationStore(engine, IdCipher({1: old_secret}))
    reg_no = old.register(data(), ID_A, "cli", "s1").reg_no
    old.vault_put("s1", ID_B)
    rotated = RegistrationStore(engine, IdCipher({1: old_secret, 2: secrets.token_bytes(32)}))
    # before re-encryption the old hash is still found (lookups try every key version)
    assert rotated.find_by_id_number(ID_A).reg_no == reg_no
    assert rotated.key_versions_in_use() == [1]
    assert rotated.reencrypt() == 2
    assert rotated.key_versions_in_use() == [2]
    assert rotated.reencrypt() == 0
    assert rotated.register(data(phone="13800138000"), ID_A, "cli", "s1").updated is True
    with engine.connect() as connection:
        row = connection.execute(select(Registration.id_cipher, Registration.id_hash)).one()
    assert row.id_cipher.startswith("v2:") and row.id_hash.startswith("v2:")


def test_migrations_match_the_models(engine):
    """Every table on the shared metadata (ledger, console, scheduler) as autogenerate sees it
    through migrations/env.py: no operation left to generate."""
    from alembic import command

    from registry.db import alembic_config

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises AutogenerateDiffsDetected on any drift


def test_alembic_cli_sees_every_table(tmp_path, sqlite_template):
    """A fresh interpreter, as `alembic check` runs it: env.py itself must import the console's and
    the scheduler's models, or autogenerate would propose dropping their tables."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.registry.helpers import migrated_sqlite

    root = Path(__file__).resolve().parents[2]
    url = migrated_sqlite(tmp_path / "cli.db", sqlite_template)
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(root / "migrations" / "alembic.ini"), "check"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No new upgrade operations detected" in result.stdout + result.stderr


def test_engine_for_migrates_once_per_process(tmp_path):
    from registry.db import dispose_all, engine_for

    url = f"sqlite:///{tmp_path / 'fresh' / 'jiuye.db'}"
    engine = engine_for(url)
    assert engine_for(url) is engine
    assert "registrations" in inspect(engine).get_table_names()
    dispose_all()
