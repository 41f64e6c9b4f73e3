"""Small, behaviour-preserving fixes to Rasa 3.6, applied in every process that runs Rasa's server
or agent: `python -m jiuye.rasa_main` (what `jiuye run`, `jiuye rasa`, the topology and the Docker
image start) and the in-process agent of `jiuye ask` (`jiuye.endpoints.available_endpoints`).

Cached action-response validator. ``RemoteAction._validate_action_result`` calls
``jsonschema.validate(result, spec)`` on every custom-action call; jsonschema 4.17 then checks the
large events schema against the meta-schema and builds a new validator each time (70 ms per call
on a 2-core machine, 40 % of a Rasa server's CPU under load, bench/RESULTS.md). The patch checks
the schema once, keeps the validator (the class ``jsonschema.validate`` would pick) and asks it
``is_valid`` — the same verdict, as ``validate`` raises exactly when the validator yields an error.
An invalid response is handed to Rasa's original method, so it raises the very same
``ValidationError`` with Rasa's message as before.

Event class lookup. ``Event.resolve_by_type`` (every event read back from the tracker store or
the action server) walks all Event subclasses recursively, with ``inspect.isabstract`` on each, to
find the class of a type name: 0.25 ms per event, 60 ms to load a 240-event conversation. The
patch remembers each class found; unknown names (and lookups answered with ``default``) still go
through Rasa's walk, so errors, ``default`` and the legacy ``topic`` behave as before. The one
difference: a subclass defined later that reuses a known type name is not picked up (Rasa's
walk would take whichever it meets first; Rasa and this project define no such class).

Both replace private Rasa internals, so ``apply`` refuses any Rasa but the one pinned in
requirements.lock (``PINNED_RASA``): after an upgrade, read the patched methods again, then move
the pin.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Optional

import rasa.version
from jsonschema.validators import validator_for

PINNED_RASA = "3.6.21"  # requirements.lock; tests/test_rasa_patches.py checks that they agree


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the version these patches were checked against."""

_lock = threading.Lock()
_originals: Dict[str, Callable[..., Any]] = {}
_validators: Dict[Callable[..., Any], Any] = {}  # keyed by the class's spec function
_event_classes: Dict[str, type] = {}  # event type name -> Event subclass, as Rasa resolved it


def _cached_validator(spec_function: Callable[[], Dict[str, Any]]) -> Any:
    """The validator ``jsonschema.validate`` would build for this spec, built and checked once."""
    validator = _validators.get(spec_function)
    if validator is None:

        spec = spec_function()
        cls = validator_for(spec)
        cls.check_schema(spec)  # as jsonschema.validate does: a broken schema still raises SchemaError
        validator = _validators.setdefault(spec_function, cls(spec))
    return validator


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Replacement for ``RemoteAction._validate_action_result`` (same contract: True or raise)."""
    if _cached_validator(type(self).action_response_format_spec).is_valid(result):
        return True
    return _originals["validate_action_result"](self, result)  # raises Rasa's own error


def _resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    """Replacement for ``Event.resolve_by_type`` (a staticmethod): Rasa's answer, remembered."""
    cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    found = _originals["resolve_by_type"](type_name, default)
    if found is not None and found is not default:
        _event_classes[type_name] = found
    return found


def original_validate_action_result() -> Optional[Callable[..., Any]]:
    """Rasa's unpatched method once ``apply`` ran (for tests and benchmarks), else None."""
    return _originals.get("validate_action_result")


def original_resolve_by_type() -> Optional[Callable[..., Any]]:
    return _originals.get("resolve_by_type")


def check_rasa_version() -> None:
    """Raise ``RasaVersionError`` unless the installed Rasa is ``PINNED_RASA``."""
    installed = rasa.version.__version__
    if installed != PINNED_RASA:
        raise RasaVersionError(
            f"jiuye.rasa_patches replaces internals of Rasa {PINNED_RASA} and refuses to patch Rasa {installed}: "
            f"check RemoteAction._validate_action_result and Event.resolve_by_type in {installed}, then update "
            f"PINNED_RASA / Rasa {installed} 与补丁核对过的版本 {PINNED_RASA} 不符，未打补丁"
        )


def apply() -> bool:
    """Install the patches; idempotent and thread-safe. True when this call installed any.
    Raises ``RasaVersionError`` (and changes nothing) on any Rasa but ``PINNED_RASA``."""
    check_rasa_version()
    # Local: rasa.core loads TensorFlow (seconds); importing this module must stay cheap.
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    installed = False
    with _lock:
        if RemoteAction._validate_action_result is not _validate_action_result:
            _originals["validate_action_result"] = RemoteAction._validate_action_result
            RemoteAction._validate_action_result = _validate_action_result
            installed = True
        if Event.resolve_by_type is not _resolve_by_type:
            _originals["resolve_by_type"] = Event.resolve_by_type
            Event.resolve_by_type = staticmethod(_resolve_by_type)
            installed = True
    return installed


def applied() -> bool:
    """Both patches are in place."""
    from rasa.core.actions.action import RemoteAction  # local: loads TensorFlow (see apply)
    from rasa.shared.core.events import Event

    return RemoteAction._validate_action_result is _validate_action_result and Event.resolve_by_type is _resolve_by_type
