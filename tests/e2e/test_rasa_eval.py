"""Rasa's own evaluations on the trained model: held-out NLU split and conversation tests."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from settings import PROJECT_DIR

RASA = str(Path(sys.executable).with_name("rasa"))
NLU_TESTS = PROJECT_DIR / "tests" / "nlu"
STORIES = PROJECT_DIR / "tests" / "stories"
# Issue 14's registration split made larger (session 20): two more blind writers' lines, kept in
# their own folder so that issue 2's policy measure on tests/nlu stays what it was.
REGISTRATION_TESTS = PROJECT_DIR / "tests" / "nlu_registration"
# Floors on the held-out splits written blind (tests/nlu, issues 12 and 14; tests/nlu_registration,
# issue 14). Training is repeatable on one machine but not across machines (the same data gave policy
# 0.9518 on one and 0.9480 on another), and the DIET seed weighs as much, so each floor sits under the
# measurement by about that spread; the floors catch a regression, they are not the target.
# On the model `jiuye train` makes from this data (session 19; bench/RESULTS.md "Round seventeen"):
# tests/nlu registration 0.9476, policy 0.9665, all 0.9553 (seed 43, session 18: 0.9301 / 0.9615 / 0.9505).
# Session 20 ("Round eighteen"): registration over tests/nlu + tests/nlu_registration (522 lines),
# issue 14's measure since then: 0.9299 with seed 42, 0.9220 with seed 43. Issue 14's 0.95 is NOT met.
MIN_MACRO_F1 = 0.95
MIN_ALL_INTENTS_F1 = 0.94
MIN_REGISTRATION_F1 = 0.93  # tests/nlu alone
MIN_REGISTRATION_BOTH_F1 = 0.91  # tests/nlu + tests/nlu_registration


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

    training = examples(PROJECT_DIR / "nlu" / "data")
    for folder in (NLU_TESTS, REGISTRATION_TESTS):
        overlap = training & examples(folder)
        assert not overlap, f"held-out examples in {folder.name} also in training data: {sorted(overlap)[:10]}"
    both = examples(NLU_TESTS) & examples(REGISTRATION_TESTS)
    assert not both, f"lines in both held-out splits: {sorted(both)[:10]}"


@pytest.fixture(scope="module")
def nlu_results(model_path, tmp_path_factory) -> Path:
    """One `rasa test nlu` run on the held-out split; its report files."""
    out = tmp_path_factory.mktemp("nlu_eval")
    subprocess.run(
        [RASA, "test", "nlu", "--model", str(model_path), "--nlu", str(NLU_TESTS), "--out", str(out)],
        check=True, cwd=PROJECT_DIR, capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def registration_results(model_path, tmp_path_factory) -> Path:
    """Issue 14's measure: one `rasa test nlu` run on both held-out splits together, so the
    registration intents are scored against every line (a policy line heard as a registration
    intent lowers their precision)."""
    both = tmp_path_factory.mktemp("nlu_both")
    for folder in (NLU_TESTS, REGISTRATION_TESTS):
        for path in folder.glob("*.yml"):
            shutil.copy(path, both / f"{folder.name}_{path.name}")
    out = tmp_path_factory.mktemp("nlu_eval_registration")
    subprocess.run(
        [RASA, "test", "nlu", "--model", str(model_path), "--nlu", str(both), "--out", str(out)],
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
    """The registration intents of tests/nlu (form replies, starting, status, changes, withdrawal,
    why the ID number), evaluated together with every other intent."""
    report = json.loads((nlu_results / "intent_report.json").read_text(encoding="utf-8"))
    macro, weak = _macro_f1(report, _intents_of(NLU_TESTS / "test_nlu_registration.yml"))
    print(f"held-out registration-intent macro-F1 = {macro:.4f}; weak: {weak}")
    assert macro >= MIN_REGISTRATION_F1, f"registration macro-F1 {macro:.4f} < {MIN_REGISTRATION_F1}; weak {weak}"


def test_registration_intent_macro_f1_on_both_held_out_splits(registration_results):
    """Issue #14's measure since session 20: the registration intents of tests/nlu and
    tests/nlu_registration together (522 lines from three blind writers), every intent scored."""
    report = json.loads((registration_results / "intent_report.json").read_text(encoding="utf-8"))
    macro, weak = _macro_f1(report, _intents_of(NLU_TESTS / "test_nlu_registration.yml"))
    print(f"held-out registration-intent macro-F1, both splits = {macro:.4f}; weak: {weak}")
    assert macro >= MIN_REGISTRATION_BOTH_F1, f"registration macro-F1 {macro:.4f} < {MIN_REGISTRATION_BOTH_F1}; weak {weak}"


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
