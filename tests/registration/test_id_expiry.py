"""The ID number leaves the vault after 30 minutes; a graduate who confirms later is asked for it
again and keeps every other answer (issue 14: nothing given is lost). Through `jiuye ask --jsonl`
with the real model and action server on SQLite, the vault emptied between two turns."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.registration.e2e_support import ask_env, trained_model
from tests.registry.helpers import make_id

pytestmark = pytest.mark.e2e

NUMBER = make_id(area="220102", birth="20000101", seq="321")
FORM = ["我要登记", "孙悦", "同意", NUMBER, "13912345678", "吉林大学", "会计学", "本科", "2024", "长春", "长春",
        "暂无就业意愿", "无"]


def test_an_expired_id_number_is_asked_again_and_nothing_else_is_lost(tmp_path):
    ledger = tmp_path / "ledger.db"
    process = subprocess.Popen([sys.executable, "-m", "jiuye.cli", "ask", "--jsonl"], cwd=ROOT, text=True,
                               env=ask_env(tmp_path, f"sqlite:///{ledger}", trained_model()),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def say(text: str) -> str:
        process.stdin.write(json.dumps({"sender": "expiry", "text": text}, ensure_ascii=False) + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())["text"]

    try:
        summary = [say(text) for text in FORM][-1]
        assert "请核对" in summary
        with sqlite3.connect(ledger) as connection:  # what 30 minutes do to the vault
            assert connection.execute("DELETE FROM id_vault").rowcount == 1
        expired = say("确认")
        assert "30分钟" in expired and "其他信息都还在" in expired and "身份证号码" in expired.splitlines()[-1]
        again = say(NUMBER)
        assert "姓名：孙悦" in again and "毕业院校：吉林大学" in again and "请核对" in again
        assert "登记成功" in say("确认")
        assert "孙悦" in say("我的登记状态")
    finally:
        process.stdin.close()
        process.wait(timeout=120)
