"""Bad input never crashes the assistant: each line gets a clear answer or a clear error."""
from __future__ import annotations

import subprocess

import yaml

from settings import PROJECT_DIR
from tests.e2e.conftest import JIUYE, run_jsonl


def test_bad_messages_get_clear_chinese_answers(ask_env):
    lines = [
        {"text": ""},
        {"text": "   \n\t "},
        {"text": "我" * 10000},
        {"text": "😀😀😀"},
        {"text": "吉林创业担保贷款能贷多少😀"},
        {"text": "吉林 startup loan 能贷多少 money?"},
        "this is not json",
        "[1, 2, 3]",
        {"text": 12345},
        {"text": "吉林见习补贴", "region": "火星"},
        {"sender": "only-a-sender"},
    ]
    out = run_jsonl(lines, ask_env)
    assert len(out) == len(lines)
    empty, blank, long, emoji, emoji_question, english, not_json, array, number, mars, no_text = out
    assert "没有输入" in empty["text"] and "没有输入" in blank["text"] and "没有输入" in no_text["text"]
    assert "太长" in long["text"] and empty["intent"] == "invalid_input"
    assert "没有输入" in emoji["text"]
    assert "20万元" in emoji_question["text"] and emoji_question["citations"]
    assert english["text"].strip() and "Traceback" not in english["text"]
    assert "not valid JSON" in not_json["error"] and "JSON object" in array["error"]
    assert "'text' must be a string" in number["error"]
    assert "最低工资" in mars["text"]  # unknown metadata region ignored; 吉林 in the text wins


def test_ask_refuses_a_bad_knowledge_base_with_a_clear_message(ask_env, tmp_path):
    bad = tmp_path / "kb"
    bad.mkdir()
    (bad / "broken.yml").write_text(yaml.safe_dump({"doc": {"id": "broken"}, "clauses": []}), encoding="utf-8")
    env = dict(ask_env, JIUYE_KB_DIR=str(bad))
    result = subprocess.run([JIUYE, "ask", "吉林创业贷款"], capture_output=True, text=True, env=env, cwd=PROJECT_DIR)
    assert result.returncode == 1
    assert "broken.yml: doc: missing field 'doc_no'" in result.stderr and "Traceback" not in result.stderr


def test_ask_for_a_person_prints_the_answer(ask_env):
    result = subprocess.run(
        [JIUYE, "ask", "江西大学生创业担保贷款能贷多少"], capture_output=True, text=True, env=ask_env,
        cwd=PROJECT_DIR, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "30万元" in result.stdout and "赣人社函〔2021〕55号" in result.stdout
    assert result.stdout.count("\n") >= 3 and "{" not in result.stdout  # text for a person, not JSON


def test_conversation_remembers_region_and_answers_pending_question(ask_env):
    out = run_jsonl([
        {"text": "创业贷款额度多少", "sender": "conv-1"},
        {"text": "江西", "sender": "conv-1"},
        {"text": "那见习补贴呢", "sender": "conv-1"},
    ], ask_env)
    assert out[0]["region"] is None and "哪个省" in out[0]["text"]
    assert out[1]["region"] == "江西" and "30万元" in out[1]["text"]
    assert all(c["province"] == "江西" for c in out[2]["citations"]) and out[2]["citations"]
