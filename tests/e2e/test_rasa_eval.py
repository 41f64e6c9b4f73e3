"""Rasa's own evaluations on the trained model: held-out NLU split and conversation tests."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from settings import PROJECT_DIR

RASA = str(Path(sys.executable).with_name("rasa"))
NLU_TESTS = PROJECT_DIR / "tests" / "nlu"
STORIES = PROJECT_DIR / "tests" / "stories"
# Floors on the held-out split written blind (tests/nlu, issues 12 and 14). The registration part was
# re-made in session 7 (141 lines from the categories, bare places labelled inform_region);
# its place lines also count for inform_region in the policy group. Measured on the model `jiuye
# train` makes from this data, with DIET's intent scores blended with a tf-idf logistic regression
# (session 18; bench/RESULTS.md "Round sixteen"): registration 0.9489, policy 0.9660, all 0.9557
# (DIET alone on the same machine: 0.9303 / 0.9629 / 0.9443). Training is repeatable on one machine
# but not across machines (the same data gave policy 0.9518 on one and 0.9480 on another), and the
# seed weighs as much: seed 43 instead of 42 gives 0.9301 / 0.9615 / 0.9505 with the blend. So each
# floor sits under the measurement by about that spread. Issue 14's 0.95 for registration is NOT
# met (0.949 with seed 42, 0.930 with seed 43); the floors catch a regression, they are not the target.
# Session 19 (bench/RESULTS.md "Round seventeen"): the domain gained an action, which retrains DIET on
# the same data: 0.9476 / 0.9665 / 0.9553 on this machine.
MIN_MACRO_F1 = 0.95
MIN_ALL_INTENTS_F1 = 0.94
MIN_REGISTRATION_F1 = 0.93


def test_nlu_training_data_and_held_out_split_do_not_overlap():
    import yaml

    def examples(folder: Path):
        out = set()
        for path in folder.glob("*.yml"):
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
                for line in str(block.get("examples", "")).splitlines():
                    text = line.strip().lstrip("-").strip()
                    if text:
                        out.add(text)
        return out

    overlap = examples(PROJECT_DIR / "nlu" / "data") & examples(NLU_TESTS)
    assert not overlap, f"held-out examples also in training data: {sorted(overlap)[:10]}"


@pytest.fixture(scope="module")
def nlu_results(model_path, tmp_path_factory) -> Path:
    """One `rasa test nlu` run on the held-out split; its report files."""
    out = tmp_path_factory.mktemp("nlu_eval")
    subprocess.run(
        [RASA, "test", "nlu", "--model", str(model_path), "--nlu", str(NLU_TESTS), "--out", str(out)],
        check=True, cwd=PROJECT_DIR, capture_output=True,
    )
    return out


def _intents_of(path: Path) -> set:
    import yaml

    return {b["intent"] for b in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"] if "intent" in b}


def _macro_f1(report: dict, intents=None) -> tuple:
    rows = {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v
            and k not in ("macro avg", "weighted avg", "micro avg") and (intents is None or k in intents)}
    macro = sum(v["f1-score"] for v in rows.values()) / len(rows)
    weak = {k: round(v["f1-score"], 3) for k, v in rows.items() if v["f1-score"] < 0.9}
    return macro, weak


def test_policy_intent_macro_f1_on_held_out_split(nlu_results):
    """Issue #2's target: the policy Q&A intents of the held-out split (tests/nlu/test_nlu_policy.yml),
    evaluated together with every other intent, so confusions with them count."""
    report = json.loads((nlu_results / "intent_report.json").read_text(encoding="utf-8"))
    macro, weak = _macro_f1(report, _intents_of(NLU_TESTS / "test_nlu_policy.yml"))
    print(f"held-out policy-intent macro-F1 = {macro:.4f}; weak: {weak}")
    assert macro >= MIN_MACRO_F1, f"policy macro-F1 {macro:.4f} < {MIN_MACRO_F1}; weak intents {weak}"


def test_all_intents_macro_f1_on_held_out_split(nlu_results):
    """Every intent, registration and scheduler replies included: short form replies (是/不/好的),
    small talk and follow-up answers are held to the same floor as the policy intents."""
    report = json.loads((nlu_results / "intent_report.json").read_text(encoding="utf-8"))
    macro, weak = _macro_f1(report)
    print(f"held-out all-intent macro-F1 = {macro:.4f}; weak: {weak}")
    assert macro >= MIN_ALL_INTENTS_F1, f"all-intent macro-F1 {macro:.4f} < {MIN_ALL_INTENTS_F1}; weak {weak}"


def test_registration_intent_macro_f1_on_held_out_split(nlu_results):
    """Issue #14's measure: the registration intents of the held-out split (form replies, starting,
    status, changes, withdrawal, why the ID number), evaluated together with every other intent."""
    report = json.loads((nlu_results / "intent_report.json").read_text(encoding="utf-8"))
    macro, weak = _macro_f1(report, _intents_of(NLU_TESTS / "test_nlu_registration.yml"))
    print(f"held-out registration-intent macro-F1 = {macro:.4f}; weak: {weak}")
    assert macro >= MIN_REGISTRATION_F1, f"registration macro-F1 {macro:.4f} < {MIN_REGISTRATION_F1}; weak {weak}"


def test_region_entity_on_held_out_split(nlu_results):
    report = json.loads((nlu_results / "DIETClassifier_report.json").read_text(encoding="utf-8"))
    region = report["region"]["f1-score"]
    print(f"held-out region entity F1 = {region:.4f}")
    assert region >= 0.9


def test_conversation_stories_pass(model_path, tmp_path):
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(model_path), "--stories", str(STORIES), "--out", str(tmp_path),
         "--fail-on-prediction-errors"],
        cwd=PROJECT_DIR, capture_output=True, text=True,
    )
    failed = (tmp_path / "failed_test_stories.yml")
    detail = failed.read_text(encoding="utf-8") if failed.exists() else result.stderr[-3000:]
    assert result.returncode == 0, detail
