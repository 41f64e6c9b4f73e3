"""`jiuye train` retrains when anything that shapes the model changes: the data and config, and the
pipeline's own components (a tokenizer change with the data unchanged used to keep a stale model)."""
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

