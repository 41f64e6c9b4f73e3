"""A whole registration conversation through `jiuye ask --jsonl` with fixed senders, against the
trained model and the real action server; afterwards the raw ID numbers are searched byte for
byte in the ledger database, the tracker store and the captured logs.

Needs models/jiuye.tar.gz (`jiuye train`); skipped without it unless CI=true.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
from sqlalchemy import create_engine, text

from jiuye.settings import Settings
from tests.conftest import ROOT, in_ci
from tests.registry.helpers import make_id

pytestmark = pytest.mark.e2e

ID_A = make_id(area="220102", birth="20010315", seq="135")
ID_B = make_id(area="360102", birth="20000520", seq="246")
BAD_ID = ID_A[:-1] + ("1" if ID_A[-1] != "1" else "2")  # wrong check character
RAW_NUMBERS = [ID_A, ID_B, BAD_ID]

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
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    model = Settings.from_env().model_path
    if not model.exists():
        message = f"no trained model at {model}; run `jiuye train`"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    data_dir = tmp_path_factory.mktemp("e2e")
    env = dict(os.environ, JIUYE_DATA_DIR=str(data_dir), DATABASE_URL=f"sqlite:///{data_dir / 'ledger.db'}",
               JIUYE_ID_KEY_FILE=str(data_dir / "keys" / "id.key"), JIUYE_LOG_LEVEL="DEBUG",
               JIUYE_MODEL=str(model), PYTHONPATH=str(ROOT))
    env.pop("JIUYE_ID_KEY", None)
    env.pop("ACTION_SERVER_URL", None)
    lines = "".join(json.dumps({"sender": s, "text": t}, ensure_ascii=False) + "\n" for s, t in CONVERSATION)
    done = subprocess.run([sys.executable, "-m", "jiuye.cli", "ask", "--jsonl"], input=lines, env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    replies = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(replies) == len(CONVERSATION), done.stdout[-2000:]
    by_turn = {(s, i): r for i, ((s, _), r) in enumerate(zip(CONVERSATION, replies))}
    return {"dir": data_dir, "replies": replies, "by_turn": by_turn, "stdout": done.stdout, "stderr": done.stderr}


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
    assert ID_A[:4] + "**********" + ID_A[-4:] in summary and "13912345678" in summary
    assert "手机号" in reply(run, 18)
    assert "13800138000" in reply(run, 19)


def test_confirmed_record_exists_in_the_database_named_by_database_url(run):
    saved = reply(run, 20)
    assert "登记成功" in saved
    reg_no = saved.split("登记号是", 1)[1][:16]
    engine = create_engine(f"sqlite:///{run['dir'] / 'ledger.db'}", future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT reg_no, name, phone, intention, sender_id FROM registrations")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(reg_no, "张三", "13800138000", "就业", A)]
    assert reg_no in reply(run, 21)


def test_no_consent_collects_nothing_and_says_what_is_left(run):
    assert "不会收集您的身份证号" in reply(run, 24) and "12333" in reply(run, 24)


def test_second_registration_flagged_and_withdrawn(run):
    assert "一对一" in reply(run, 40)
    assert "确定要注销" in reply(run, 41)
    assert "已注销" in reply(run, 42)


def _files(folder: Path) -> List[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".key")]


def test_raw_id_numbers_appear_nowhere(run):
    ledger, tracker = run["dir"] / "ledger.db", run["dir"] / "tracker.db"
    assert ledger.exists() and tracker.exists()
    haystacks: Dict[str, bytes] = {str(p): p.read_bytes() for p in _files(run["dir"])}
    haystacks["stdout"] = run["stdout"].encode()
    haystacks["stderr (logs)"] = run["stderr"].encode()
    # the logs were captured, with the actions' own lines in them
    assert b"registry.store" in haystacks["stderr (logs)"] and b"ID number refused: check_char" in haystacks["stderr (logs)"]
    for number in RAW_NUMBERS:
        for candidate in {number, number.lower(), number[:17]}:
            for name, content in haystacks.items():
                assert candidate.encode() not in content, f"{candidate[:4]}… found in {name}"
    # the references that stood in for them did reach the tracker store
    assert b"ref:" in haystacks[str(tracker)]
