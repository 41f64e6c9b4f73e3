"""Policy Q&A through the whole stack: `jiuye ask --jsonl` (real model, real action server),
scored by the shared scorer on the shared sample and on our own phrasings."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.e2e.conftest import run_jsonl

HERE = Path(__file__).resolve().parent
SCORER = SHARED / "tools" / "score_policy_qa.py"
SAMPLE = SHARED / "examples" / "policy_questions.jsonl"
EXTRA = HERE / "policy_questions_extra.jsonl"


def score(questions: Path, replies, tmp_path: Path) -> tuple:
    """Run the shared scorer; return (correct, total, printed failures)."""
    replies_file = tmp_path / f"{questions.stem}.replies.jsonl"
    replies_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in replies), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SCORER), str(questions), str(replies_file), "--show-fail"],
        capture_output=True, text=True, check=True,
    ).stdout
    ok, total = map(int, re.search(r"(\d+)/(\d+) correct", out).groups())
    return ok, total, out


def requests(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        yield {k: v for k, v in q.items() if k in ("text", "region") and v}


@pytest.fixture(scope="module")
def replies(tmp_path_factory, model_path):
    """One `jiuye ask` run for both question files (the model loads once)."""
    import os

    if not SAMPLE.exists() or not SCORER.exists():
        pytest.fail(f"shared sample or scorer missing under {SHARED}")
    env = dict(os.environ, JIUYE_DATA_DIR=str(tmp_path_factory.mktemp("var")), JIUYE_MODEL=str(model_path))
    env.pop("DATABASE_URL", None)
    sample, extra = list(requests(SAMPLE)), list(requests(EXTRA))
    out = run_jsonl(sample + extra, env)
    assert len(out) == len(sample) + len(extra)
    return out[: len(sample)], out[len(sample):]


def test_shared_sample_scores_100_percent(replies, tmp_path):
    ok, total, report = score(SAMPLE, replies[0], tmp_path)
    print(report)
    assert ok == total, report


def test_our_own_phrasings_score_100_percent(replies, tmp_path):
    ok, total, report = score(EXTRA, replies[1], tmp_path)
    print(report)
    assert ok == total, report


def test_reply_shape(replies):
    for reply in replies[0] + replies[1]:
        assert set(reply) == {"text", "intent", "confidence", "region", "citations"}
        assert reply["text"].strip() and isinstance(reply["confidence"], float)
        for c in reply["citations"]:
            assert c["doc_no"] and c["title"] and c["clause"] and c["quote"]
        if reply["citations"]:
            assert "依据" in reply["text"] and "12333" in reply["text"]
