"""Policy Q&A through the whole stack: `jiuye ask --jsonl` (real model, real action server),
scored by the shared scorer on the shared sample, on our own phrasings, and on the test half of the
blind set (tests/eval/blind_test.jsonl: written from the seed documents alone by someone who had
not seen the knowledge base or the NLU data; never used to tune anything)."""
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
BLIND_TEST = HERE.parent / "eval" / "blind_test.jsonl"
# The floor the blind test half must keep. Measured 182/190 = 95.8 % with no cited decline on this
# code with the model trained from this data on this machine (bench/RESULTS.md "Round fourteen";
# 180 at the end of round thirteen, 177 at the end of round ten); issue 12's target (95 %, no cited
# decline) is met by that measurement. The floor (179/190) sits under it, allowing for the questions
# a model trained on another machine moves (the NLU floors in test_rasa_eval.py record such a
# difference), so that a regression fails.
BLIND_FLOOR = 0.94
# Declines on the blind test half that still cite a clause or give an amount: measured 0 of 33
# (this model; 1 at the end of round thirteen); one allowed for another machine's model.
MAX_CITED_DECLINES = 1


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
    """The questions as `jiuye ask --jsonl` takes them; lines sharing a sender are one
    conversation (the sender is prefixed with the file's name so files never share one)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        request = {k: v for k, v in q.items() if k in ("text", "region") and v}
        if q.get("sender"):
            request["sender"] = f"{path.stem}:{q['sender']}"
        yield request


@pytest.fixture(scope="module")
def replies(tmp_path_factory, model_path):
    """One `jiuye ask` run for both question files (the model loads once)."""
    import os

    if not SAMPLE.exists() or not SCORER.exists():
        pytest.fail(f"shared sample or scorer missing under {SHARED}")
    env = dict(os.environ, JIUYE_DATA_DIR=str(tmp_path_factory.mktemp("var")), JIUYE_MODEL=str(model_path))
    env.pop("DATABASE_URL", None)
    files = [SAMPLE, EXTRA, BLIND_TEST]
    batches = [list(requests(f)) for f in files]
    out = run_jsonl([r for batch in batches for r in batch], env)
    assert len(out) == sum(map(len, batches))
    split, start = [], 0
    for batch in batches:
        split.append(out[start:start + len(batch)])
        start += len(batch)
    return split


def test_shared_sample_scores_100_percent(replies, tmp_path):
    ok, total, report = score(SAMPLE, replies[0], tmp_path)
    print(report)
    assert ok == total, report


def test_our_own_phrasings_score_100_percent(replies, tmp_path):
    ok, total, report = score(EXTRA, replies[1], tmp_path)
    print(report)
    assert ok == total, report


def test_blind_test_half(replies, tmp_path):
    """Only the count is reported, never which questions failed: the test half stays blind to
    whoever reads the output (the failures would be a tuning signal)."""
    ok, total, _report = score(BLIND_TEST, replies[2], tmp_path)
    print(f"blind test half: {ok}/{total}")
    assert ok / total >= BLIND_FLOOR, f"blind test half {ok}/{total} = {ok / total:.3f} < {BLIND_FLOOR}"


def test_blind_declines_carry_no_citation_or_figure(replies):
    """Questions the documents do not answer must be declined with no citation and no amount
    (issue 12 wants all of them; see MAX_CITED_DECLINES for what is measured)."""
    questions = [json.loads(line) for line in BLIND_TEST.read_text(encoding="utf-8").splitlines()]
    cited = [
        (q["text"], reply["text"][:80]) for q, reply in zip(questions, replies[2])
        if q["fallback"] and (reply["citations"] or re.search(r"\d+(\.\d+)?\s*万", reply["text"]))
    ]
    assert len(cited) <= MAX_CITED_DECLINES, f"{len(cited)} declines cite or give an amount"


def test_reply_shape(replies):
    for reply in replies[0] + replies[1] + replies[2]:
        assert set(reply) == {"text", "intent", "confidence", "region", "citations"}
        assert reply["text"].strip() and isinstance(reply["confidence"], float)
        for c in reply["citations"]:
            assert c["doc_no"] and c["title"] and c["clause"] and c["quote"]
        if reply["citations"]:
            assert "依据" in reply["text"] and "12333" in reply["text"]
