"""Personal data out of every log line, in every process, at every level; one log level for all.

Every process installs this first: the Rasa servers (``jiuye.rasa_main``), the action server
(``jiuye.action_main``), the ``jiuye`` command (``ask`` runs Rasa in process) and the scheduler.

- ``install()`` wraps the logging record factory, so every record of every logger (Rasa's,
  rasa_sdk's, Sanic's, ours) is redacted when it is created, before any handler, formatter or
  filter sees it — whichever handlers Rasa, rasa_sdk or coloredlogs add later. The message is
  formatted once, redacted and stored without arguments; exception and stack texts are redacted too.
- Redacted: mobile numbers (also with spaces, dashes or +86), resident ID numbers (18 characters,
  last one X or x, also grouped any way with single spaces or dashes; 15-digit old numbers; 17-digit
  near-misses), the values of the registration slots (``reg_*``) wherever a line shows them, and
  SQLAlchemy's ``[parameters: …]`` blocks. Numbers next to JSON ``\\uXXXX`` escapes count as
  separate (Rasa's JSON log lines escape Chinese text).
- Rasa's structlog events (the user's text, slot values, events, states at DEBUG) go through
  ``redact_event_dict``: Rasa's own list of personal keys (``rasa.utils.log_utils._anonymizer``,
  a Rasa Pro hook that is a no-op in open source) is replaced by it, so message texts and slot
  values are never rendered; event and slot *names* stay, for debugging.
- ``apply_to_rasa()`` hands ``JIUYE_LOG_LEVEL`` (validated by ``settings.log_level``) to Rasa's and
  rasa_sdk's own settings (``LOG_LEVEL``) so no process runs at another level.
"""
from __future__ import annotations

import logging
import re
import sys
from typing import Any, Callable, MutableMapping

import structlog

from registry.idcard import ID_GROUPED
from settings import log_level

REDACTED = "[redacted]"
PHONE_MASK = "[手机号]"
ID_MASK = "[身份证号]"

# A JSON \uXXXX escape just before a number is not part of it (Rasa's JSON lines escape Chinese).
_AFTER_ESCAPE = r"(?<=\\u[0-9a-fA-F]{4})"
ID_NUMBER = re.compile(
    rf"(?:(?<![0-9A-Za-z])|{_AFTER_ESCAPE})"
    rf"(?:{ID_GROUPED}|[0-9]{{17}}|[0-9]{{15}})"
    r"(?![0-9A-Za-z])"
)
MOBILE = re.compile(rf"(?:(?<![0-9])|{_AFTER_ESCAPE})(?:\+?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{{4}}){{2}}(?![0-9])")
# A registration slot and its value: "reg_name: 张三", "'reg_phone': '139…'", "reg_name, value: 张三",
# "\"reg_school\": \"\\u5409…\"". The value runs to the next quote, comma, bracket, whitespace or escape
# of a control character (\n, \t in JSON text).
SLOT_VALUE = re.compile(
    r"""(reg_[a-z_]+['"]?(?:\s*[:=]\s*|,\s*value:\s*)['"]?)((?:\\u[0-9a-fA-F]{4}|[^'",)}\]\s\\])+)"""
)
_KEEP_VALUES = frozenset({"None", "True", "False", "null", "true", "false"})
SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)


def _slot_value(match: "re.Match[str]") -> str:
    value = match.group(2)
    if value in _KEEP_VALUES or value.startswith("["):  # "[redacted]", "[手机号]": done already
        return match.group(0)
    return match.group(1) + REDACTED


def redact(text: str) -> str:
    """``text`` without mobile numbers, ID numbers, registration slot values or SQL parameters."""
    if not text:
        return text
    text = SQL_PARAMETERS.sub("[parameters: " + REDACTED + "]", text)
    text = SLOT_VALUE.sub(_slot_value, text)
    text = ID_NUMBER.sub(ID_MASK, text)
    return MOBILE.sub(PHONE_MASK, text)


# -- logging records ---------------------------------------------------------------------------

def redact_record(record: logging.LogRecord) -> None:
    """Format the record's message once, redacted; redact its exception and stack texts."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: logging reports it itself, without our help
        return
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _redacting(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        redact_record(record)
        return record

    make.jiuye_redacting = True  # type: ignore[attr-defined]
    return make


def install() -> None:
    """Redact every log record this process creates from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "jiuye_redacting", False):
        logging.setLogRecordFactory(_redacting(factory))


# -- structlog (Rasa 3.6 logs texts, slot values and events through it) ------------------------

# Rasa's own list of keys that can hold personal data (rasa/utils/log_utils.py, ``_anonymizer``).
STRUCTLOG_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
    "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
    "json_message", "headers",
})
_EVENT_REPR = re.compile(r"^(SlotSet\(key: [^,]+|[A-Za-z]+\()")
# Events that carry no text, entities or slot values: shown whole.
_PLAIN_EVENTS = frozenset({"ActionExecuted", "ActiveLoop", "Loop", "FollowupAction", "SessionStarted", "Restarted",
                           "AllSlotsReset", "ActionReverted", "UserUtteranceReverted", "ConversationPaused",
                           "ConversationResumed", "ActionExecutionRejected"})
_SLOT_LINE = re.compile(r"^(\s*[^:\s]+): (.*)$")


def _event_summary(value: Any) -> str:
    """``SlotSet(key: reg_phone, value: 139…)`` → ``SlotSet(key: reg_phone, …)``; ``BotUttered('…')`` →
    ``BotUttered(…)``: which events happened, not what they carried. ``value``: an event or its repr."""
    if not isinstance(value, str):
        name = type(value).__name__
        if name == "SlotSet":
            return f"SlotSet(key: {getattr(value, 'key', '?')}, …)"
        if name in _PLAIN_EVENTS:
            shown = repr(value)
            return str(value) if " object at " in shown else shown
        return f"{name}(…)"
    if value.split("(", 1)[0] in _PLAIN_EVENTS:
        return value
    match = _EVENT_REPR.match(value)
    if not match:
        return REDACTED
    head = match.group(1)
    return head + (", …)" if head.startswith("SlotSet") else "…)")


def _slot_lines(value: str) -> str:
    """Rasa's ``\\tname: value`` lines with each value that is not None/True/False redacted."""
    lines = []
    for line in value.split("\n"):
        match = _SLOT_LINE.match(line)
        if match and match.group(2) not in _KEEP_VALUES:
            line = f"{match.group(1)}: {REDACTED}"
        lines.append(line)
    return "\n".join(lines)


def redact_event_dict(logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: the personal keys' values replaced (names of events and slots kept)."""
    for key in STRUCTLOG_KEYS.intersection(event_dict):
        value = event_dict[key]
        if key == "slot_values" and isinstance(value, str):
            event_dict[key] = _slot_lines(value)
        elif key in ("rasa_events", "prediction_events") and isinstance(value, (list, tuple)):
            event_dict[key] = [_event_summary(item) for item in value]
        elif key == "rasa_event":
            event_dict[key] = _event_summary(value)
        elif value not in (None, "", [], {}):
            event_dict[key] = REDACTED
    return event_dict


def install_for_rasa() -> None:
    """Before Rasa's command line configures structlog: its anonymizer hook becomes ours."""
    from rasa.utils import log_utils  # local: the scheduler and the CLI use this module without Rasa

    log_utils._anonymizer = redact_event_dict  # looked up when configure_structlog runs


# -- one log level ------------------------------------------------------------------------------

def apply_to_rasa(env: MutableMapping[str, str], default: str = "INFO") -> str:
    """Rasa and rasa_sdk read ``LOG_LEVEL``; it is set from ``JIUYE_LOG_LEVEL`` (an own
    ``LOG_LEVEL`` is overridden: one setting governs every process). Returns the level."""
    level = log_level(env, default)
    env["LOG_LEVEL"] = level
    return level


# Third-party libraries stay at WARNING or above (as Rasa's LOG_LEVEL_LIBRARIES does); Rasa and
# our own loggers follow the level.
LIBRARIES = ("tensorflow", "absl", "sanic", "apscheduler", "jieba", "asyncio", "urllib3", "httpx", "matplotlib")


def configure(level: str, stream: Any = None) -> None:
    """Logging for the processes we configure ourselves (``jiuye`` commands, the scheduler):
    redaction installed, one stream (stderr), ``level`` for Rasa and us, structlog rendered
    through logging (so its lines are redacted and filtered like any other)."""
    install()
    logging.basicConfig(stream=stream or sys.stderr, level=level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    logging.getLogger("rasa").setLevel(level)
    for library in LIBRARIES:
        logging.getLogger(library).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    structlog.configure(
        processors=[redact_event_dict, structlog.processors.JSONRenderer(ensure_ascii=False)],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=False,
    )
