"""jiuye.rasa_patches (cached action-response validator) and jiuye.rasa_main, the entry point every
Rasa server is started with."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import ValidationError

from jiuye import rasa_patches
from jiuye.rasa_main import BANNER
from tests.conftest import ROOT
from tests.support.action_responses import POLICY_ANSWER_IN_FORM

# What our action server sends back for a policy question inside a form (events and a payload).
VALID = POLICY_ANSWER_IN_FORM
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "value": 1}]},  # slot without a name
    {"events": {"event": "slot"}},  # not an array
    {"events": [], "responses": ["plain text"]},  # responses must be objects
    [],  # not an object
]


@pytest.fixture(scope="module")
def remote_action():
    from rasa.core.actions.action import RemoteAction

    rasa_patches.apply()
    return RemoteAction("action_answer_policy", None)


def test_apply_is_idempotent():
    from rasa.core.actions.action import RemoteAction

    rasa_patches.apply()
    patched = RemoteAction._validate_action_result
    assert rasa_patches.apply() is False and rasa_patches.applied()
    assert RemoteAction._validate_action_result is patched
    original = rasa_patches.original_validate_action_result()
    assert original is not None and original is not patched and original.__module__ == "rasa.core.actions.action"
    resolve = rasa_patches.original_resolve_by_type()
    assert resolve is not None and resolve.__module__ == "rasa.shared.core.events"
    assert rasa_patches.apply() is False and rasa_patches.original_resolve_by_type() is resolve


def test_valid_response_accepted_like_unpatched_rasa(remote_action):
    assert remote_action._validate_action_result(VALID) is True
    assert rasa_patches.original_validate_action_result()(remote_action, VALID) is True


@pytest.mark.parametrize("response", INVALID)
def test_invalid_response_rejected_exactly_as_unpatched_rasa(remote_action, response):
    with pytest.raises(ValidationError) as patched:
        remote_action._validate_action_result(response)
    with pytest.raises(ValidationError) as unpatched:
        rasa_patches.original_validate_action_result()(remote_action, response)
    assert type(patched.value) is type(unpatched.value)
    assert patched.value.message == unpatched.value.message and "custom-actions" in patched.value.message
    assert list(patched.value.path) == list(unpatched.value.path)
    assert list(patched.value.schema_path) == list(unpatched.value.schema_path)


def test_validator_is_built_and_schema_checked_once(remote_action, monkeypatch):
    from jsonschema.validators import validator_for

    spec = type(remote_action).action_response_format_spec
    cls = validator_for(spec())
    remote_action._validate_action_result(VALID)  # cached from here on
    calls = []
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, s: calls.append(s)))
    for _ in range(3):
        remote_action._validate_action_result(VALID)
    assert calls == [] and rasa_patches._cached_validator(spec) is rasa_patches._cached_validator(spec)
    assert type(rasa_patches._cached_validator(spec)) is cls  # the class jsonschema.validate picks


def test_rasa_main_applies_the_patches_before_rasas_command_line(monkeypatch, capsys):
    import rasa.__main__

    from jiuye import rasa_main

    seen = {}
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.update(argv=list(sys.argv), patched=rasa_patches.applied()))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    rasa_main.main(["run", "--port", "5999"])
    assert seen == {"argv": ["rasa", "run", "--port", "5999"], "patched": True}
    assert rasa_main.BANNER in capsys.readouterr().err
    import rasa.core.run

    assert getattr(rasa.core.run.configure_app, "jiuye_limited", False)  # jiuye/http_guard.py: 256 KiB bodies


def test_rasa_main_runs_rasas_real_command_line():
    done = subprocess.run([sys.executable, "-m", "jiuye.rasa_main", "--version"], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "jiuye: Rasa patches applied" in done.stderr and "Rasa Version" in done.stdout


def test_runner_and_topology_start_rasa_through_the_patched_entry_point(tmp_path):
    from jiuye.runner import prepare_rasa, rasa_command
    from settings import Settings

    settings = Settings.from_env({"JIUYE_DATA_DIR": str(tmp_path), "PORT": "5123"})
    command = rasa_command(settings, tmp_path / "endpoints.yml", tmp_path / "credentials.yml")
    assert command[:4] == [sys.executable, "-m", "jiuye.rasa_main", "run"]
    # `jiuye rasa` (each topology server, each container) execs what prepare_rasa returns
    assert prepare_rasa(settings, "http://127.0.0.1:5055/webhook", {})[:4] == command[:4]
    assert not any(part.endswith("/rasa") for part in command)


def test_in_process_agent_endpoints_apply_the_patches(tmp_path, monkeypatch):
    """`jiuye ask` builds its agent from jiuye.endpoints.available_endpoints."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    from jiuye.endpoints import available_endpoints
    from settings import Settings

    original = rasa_patches.original_validate_action_result()
    if original is not None:  # undo an earlier test's patches for this test only
        monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
        monkeypatch.setattr(Event, "resolve_by_type", staticmethod(rasa_patches.original_resolve_by_type()))
    assert not rasa_patches.applied()
    available_endpoints(Settings.from_env({"JIUYE_DATA_DIR": str(tmp_path)}), "http://127.0.0.1:5055/webhook")
    assert rasa_patches.applied()


def test_event_classes_resolve_as_rasa_resolves_them():
    from rasa.shared.core.events import Event, SlotSet
    from rasa.shared.utils.common import all_subclasses

    rasa_patches.apply()
    original = rasa_patches.original_resolve_by_type()
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started", "active_loop", "followup"} <= names
    for _ in range(2):  # first call fills the cache, second reads it
        for name in names:
            assert Event.resolve_by_type(name) is original(name), name
    assert Event.from_parameters({"event": "slot", "name": "region", "value": "吉林省"}) == SlotSet("region", "吉林省")


def test_unknown_event_names_behave_as_in_rasa():
    from rasa.shared.core.events import Event, UserUttered

    rasa_patches.apply()
    original = rasa_patches.original_resolve_by_type()
    for resolve in (Event.resolve_by_type, original):
        with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
            resolve("no_such_event")
        assert resolve("topic") is None  # Rasa's legacy TopicSet
        assert resolve("no_such_event", UserUttered) is UserUttered
    assert "no_such_event" not in rasa_patches._event_classes  # defaults are not remembered


def test_the_pinned_rasa_is_the_one_requirements_lock_installs():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    assert f"rasa=={rasa_patches.PINNED_RASA}" in lock


def test_apply_refuses_any_other_rasa_and_patches_nothing(monkeypatch):
    import rasa.version
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    rasa_patches.apply()  # then put Rasa's own methods back for this test only
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_patches.original_validate_action_result())
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(rasa_patches.original_resolve_by_type()))
    assert not rasa_patches.applied()
    for other in ("3.6.20", "3.7.0", "3.6.21rc1"):
        monkeypatch.setattr(rasa.version, "__version__", other)
        with pytest.raises(rasa_patches.RasaVersionError, match=f"refuses to patch Rasa {other}"):
            rasa_patches.apply()
        assert not rasa_patches.applied()
    monkeypatch.setattr(rasa.version, "__version__", rasa_patches.PINNED_RASA)
    assert rasa_patches.apply() is True and rasa_patches.applied()


def test_rasa_main_stops_with_one_line_on_another_rasa():
    program = "import rasa.version; rasa.version.__version__ = '3.7.0'\nfrom jiuye import rasa_main; rasa_main.main(['--version'])\n"
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("jiuye rasa: jiuye.rasa_patches replaces internals of Rasa 3.6.21")
    assert BANNER not in done.stderr
