"""`jiuye train` retrains when anything that shapes the model changes: the data and config, and the
pipeline's own components (a tokenizer change with the data unchanged used to keep a stale model),
and what the tokenizer reads text through (the knowledge base's normaliser, lexicon and documents)."""
from __future__ import annotations

from pathlib import Path

import yaml

from jiuye import training


def test_every_custom_component_of_the_config_is_a_training_input():
    config = yaml.safe_load(training.CONFIG.read_text(encoding="utf-8"))
    custom = [c["name"] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    assert custom, "the config names custom components"
    inputs = {p.resolve() for p in training.training_inputs()}
    for name in custom:
        module = Path(training.PROJECT_DIR, *name.split(".")[:-1]).with_suffix(".py").resolve()
        assert module in inputs, name



def test_what_the_tokenizer_normalises_with_is_a_training_input():
    inputs = {p.resolve() for p in training.training_inputs()}
    kb = Path(training.PROJECT_DIR, "policies_kb")
    for name in ("normalize.py", "lexicon.yml", "lexicon.py", "regions.py"):
        assert (kb / name).resolve() in inputs, name
    assert any(p.parent == (kb / "data").resolve() for p in inputs), "the documents (typo repair's terms)"
