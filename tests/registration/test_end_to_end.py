"""A whole registration conversation through `jiuye ask --jsonl` with fixed senders, against the
trained model and the real action server, once with DATABASE_URL on SQLite and once on a scratch
PostgreSQL database (ledger and Rasa's tracker store both live there); afterwards the ledger is
read back through the registry store, and the raw ID numbers are searched byte for byte in every
file of the data folder, every row of every table and the captured logs.

Needs models/jiuye.tar.gz (`jiuye train`), and PostgreSQL for the second run; either missing
skips, or fails when CI=true.
"""
from __future__ import annotations

from typing import Dict, Iterator

import pytest
from sqlalchemy import text

from tests.registration.e2e_support import conversation_run, everything, tracker_key
from tests.registry.helpers import make_id

pytestmark = pytest.mark.e2e

ID_A = make_id(area="220102", birth="20010315", seq="135")
ID_B = make_id(area="360102", birth="20000520", seq="246")
BAD_ID = ID_A[:-1] + ("1" if ID_A[-1] != "1" else "2")  # wrong check character
RAW_NUMBERS = [ID_A, ID_B, BAD_ID]
MASKED_A = ID_A[:4] + "**********" + ID_A[-4:]

A = "e2e-graduate-a"
B = "e2e-graduate-b"
C = "e2e-graduate-c"

CONVERSATION = [
    (A, "我要做失业登记"), (A, "张三"), (A, "同意"), (A, f"我的身份证号是{BAD_ID}"), (A, ID_A),
    (A, "13912345678"), (A, "吉林大学"), (A, "吉林创业担保贷款能贷多少"), (A, "会计学"), (A, "本科"),
    (A, "2024"), (A, "长春"), (A, "长春"), (A, "就业"), (A, "会计"), (A, "金融"), (A, "不限"), (A, "无"),
    (A, "手机号填错了"), (A, "13800138000"), (A, "确认"), (A, "我的登记状态"),
    (C, "我要做失业登记"), (C, "李四"), (C, "不同意"),
    (B, "我想求职登记"), (B, "王五"), (B, "同意"), (B, ID_B), (B, "15079112345"), (B, "南昌大学"),
    (B, "软件工程"), (B, "硕士"), (B, "2025"), (B, "南昌"), (B, "赣州"), (B, "创业"), (B, "互联网"),
    (B, "南昌"), (B, "低保"), (B, "确认"), (B, "注销登记"), (B, "确定"),
    (A, "手机号改成13700137000"), (A, "查询登记状态"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def run(request, tmp_path_factory) -> Iterator[Dict]:
    with conversation_run(request.param, tmp_path_factory, CONVERSATION, "e2e") as record:
        yield record


def reply(run, index: int) -> str:
    return run["replies"][index]["text"]


def test_bad_id_refused_with_reason_good_id_accepted(run):
    assert "校验码" in reply(run, 3)
    assert "手机号" in reply(run, 4)  # next question after a good ID


def test_policy_question_mid_form_is_answered_and_the_form_resumes(run):
    answer = reply(run, 7)
    assert "贷" in answer and "专业" in answer.splitlines()[-1]
    assert "学历" in reply(run, 8)


def test_summary_masks_the_id_and_correction_returns_to_summary(run):
    summary = reply(run, 17)
    assert MASKED_A in summary and "13912345678" in summary
    assert "手机号" in reply(run, 18)
    assert "13800138000" in reply(run, 19)


def reg_no_in(saved: str) -> str:
    assert "登记成功" in saved
    return saved.split("登记号是", 1)[1][:16]


def test_confirmed_record_lands_in_the_database_named_by_database_url(run, store):
    reg_no = reg_no_in(reply(run, 20))
    assert reg_no in reply(run, 21)
    view = store.find_by_id_number(ID_A)  # found by the keyed hash of the number
    assert view is not None and view.reg_no == reg_no
    assert (view.name, view.school, view.intention, view.status) == ("张三", "吉林大学", "就业", "active")
    assert store.count() == 1  # B withdrew; C never consented


def test_id_number_is_stored_encrypted_and_shown_masked(run, store):
    with store.engine.connect() as connection:
        stored, masked = connection.execute(text("SELECT id_cipher, id_masked FROM registrations")).one()
    assert ID_A not in stored and store.cipher.decrypt(stored) == ID_A
    assert masked == MASKED_A
    status = reply(run, 21)
    assert f"身份证号：{MASKED_A}" in status and ID_A not in status


def test_phone_change_after_registration_is_saved(run, store):
    assert "手机号改为137****7000" in reply(run, 43)
    assert store.find_by_id_number(ID_A).phone == "13700137000"
    assert "手机号：137****7000" in reply(run, 44)


def test_no_consent_collects_nothing_and_says_what_is_left(run):
    assert "不会收集您的身份证号" in reply(run, 24) and "12333" in reply(run, 24)


def test_second_registration_flagged_and_withdrawn(run, store):
    reg_no = reg_no_in(reply(run, 40))
    assert "一对一" in reply(run, 40)
    assert "确定要注销" in reply(run, 41)
    assert "已注销" in reply(run, 42) and reg_no in reply(run, 42)
    assert store.get(reg_no) is None and store.find_by_id_number(ID_B) is None
    with store.engine.connect() as connection:
        consents = connection.execute(
            text("SELECT withdrawn_at FROM consents WHERE reg_no = :reg_no"), {"reg_no": reg_no}
        ).scalars().all()
        vault = connection.execute(text("SELECT count(*) FROM id_vault")).scalar_one()
    assert consents and all(consents)  # a minimal audit of the withdrawn consent remains
    assert vault == 0


def test_raw_id_numbers_appear_nowhere(run):
    haystacks = everything(run)
    tracker = tracker_key(run)
    assert "table public.registrations" in haystacks or (run["dir"] / "ledger.db").exists()
    # the logs were captured, with the actions' own lines in them
    assert b"registry.store" in haystacks["stderr (logs)"] and b"ID number refused: check_char" in haystacks["stderr (logs)"]
    for number in RAW_NUMBERS:
        for candidate in {number, number.lower(), number[:17]}:
            for name, content in haystacks.items():
                assert candidate.encode() not in content, f"{candidate[:4]}… found in {name}"
    # the references that stood in for them did reach the tracker store, in the database named by DATABASE_URL
    assert b"ref:" in haystacks[tracker]
    assert not (run["url"].startswith("postgresql") and (run["dir"] / "tracker.db").exists())
