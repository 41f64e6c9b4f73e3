"""No phone number, name or ID number in any log line, at any level, of any process; one log-level
setting (JIUYE_LOG_LEVEL) for every process (issue 11, item 5; jiuye/log_privacy.py).

End to end: the logs of the Rasa server and the action server from the registration run
(tests/security/registration_run.py: JIUYE_LOG_LEVEL=DEBUG while LOG_LEVEL=WARNING), and of
`jiuye ask --jsonl` at DEBUG with a registration; the scheduler process. Then the redaction itself.
"""
from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from jiuye import log_privacy
from tests.conftest import ROOT
from tests.security import registration_run as rr

W, K = rr.WITHDRAWS, rr.KEEPS


def _secrets_in(log: str) -> list:
    haystack = {"log": log.encode("utf-8")}
    return [(who, what) for who, person in (("withdrew", W), ("stayed", K))
            for what, secret in person.secrets().items() if rr.find(secret, haystack)]


# -- end to end --------------------------------------------------------------------------------

@pytest.mark.e2e
def test_servers_log_at_the_one_level_and_never_a_phone_name_or_id(withdrawal_run):
    log = withdrawal_run.log
    # JIUYE_LOG_LEVEL=DEBUG reached both servers although LOG_LEVEL said WARNING
    assert "DEBUG    rasa.core.processor" in log and "DEBUG    rasa_sdk.executor" in log
    assert "parse_data_text" in log and "slot_values" in log  # Rasa's lines that carried the texts
    assert _secrets_in(log) == []


def _ask(lines, env_extra, tmp_path):
    env = dict(os.environ, JIUYE_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'jiuye.db'}",
               JIUYE_TRACKER_STORE="sql", JIUYE_ID_KEY_FILE=str(tmp_path / "id.key"), PYTHONPATH=str(ROOT),
               **env_extra)
    for name in ("JIUYE_ID_KEY", "ACTION_SERVER_URL", "POSTGRESQL_SCHEMA", "LOG_LEVEL"):
        env.pop(name, None)
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return subprocess.run([sys.executable, "-m", "jiuye.cli", "ask", "--jsonl"], input=stdin, env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.e2e
def test_ask_logs_at_debug_without_personal_data(tmp_path):
    from tests.security.withdrawal_fixtures import _need_model

    _need_model()
    turns = ["我要做失业登记", W.name, "同意", W.id_typed, W.phone, W.school]
    done = _ask([{"sender": "sec-ask", "text": t} for t in turns], {"JIUYE_LOG_LEVEL": "DEBUG"}, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    replies = [json.loads(line)["text"] for line in done.stdout.splitlines()]
    assert "手机号" in replies[3] and "院校" in replies[4] and "专业" in replies[5]  # every answer was taken
    assert "DEBUG rasa.core.processor" in done.stderr and "DEBUG    rasa_sdk.executor" in done.stderr
    assert _secrets_in(done.stderr) == []


def test_a_bad_log_level_stops_with_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "jiuye.cli", "registry", "migrate"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, JIUYE_LOG_LEVEL="LOUD", PYTHONPATH=str(ROOT),
                                   DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "jiuye: 配置错误 JIUYE_LOG_LEVEL='LOUD'：应为以下之一：DEBUG, INFO, WARNING, ERROR, CRITICAL"
        " / bad setting JIUYE_LOG_LEVEL='LOUD': must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"]


def test_the_scheduler_process_redacts_its_log(tmp_path):
    program = (
        "import logging, jiuye.scheduler_main as s\n"
        "def engine(url):\n"
        "    logging.getLogger('scheduler.x').debug('to %s %s', '13687654321', 'reg_name: 欧阳明远')\n"
        "    raise SystemExit(0)\n"
        "s.scheduler_engine = engine\n"
        "s.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, JIUYE_LOG_LEVEL="DEBUG", PYTHONPATH=str(ROOT),
                                   JIUYE_DATA_DIR=str(tmp_path)))
    assert "DEBUG scheduler.x: to [手机号] reg_name: [redacted]" in done.stderr, done.stderr


# -- the redaction -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("我的手机号是13687654321", "我的手机号是[手机号]"),
    ("电话 136 8765 4321。", "电话 [手机号]。"),
    ("+86 136-8765-4321", "[手机号]"),
    ("8613687654321", "[手机号]"),
    (f"身份证{W.id_number}", "身份证[身份证号]"),
    (f"id={W.id_number.lower()}", "id=[身份证号]"),
    (W.id_typed, "[身份证号]"),  # 6-8-4 with spaces, lower-case x
    (f"{W.id_number[:6]}-{W.id_number[6:14]}-{W.id_number[14:]}", "[身份证号]"),
    (" ".join(W.id_number[i:i + 4] for i in range(0, 18, 4)), "[身份证号]"),  # in fours, like a bank card
    ("old 220102870315123", "old [身份证号]"),  # 15-digit
    (f"near {W.id_number[:17]}", "near [身份证号]"),  # one digit short
    ("\\u53f713687654321 \\u53f7" + W.id_number, "\\u53f7[手机号] \\u53f7[身份证号]"),  # after JSON escapes
    ("\treg_name: \\u6b27\\u9633\n\treg_id_consent: True", "\treg_name: [redacted]\n\treg_id_consent: True"),
    ("{'reg_name': '欧阳明远', 'reg_school': '白城医学高等专科学校'}",
     "{'reg_name': '[redacted]', 'reg_school': '[redacted]'}"),
    ("SlotSet(key: reg_name, value: 欧阳明远)", "SlotSet(key: reg_name, value: [redacted])"),
    ("[SQL: INSERT INTO registrations]\n[parameters: ('欧阳明远', '13687654321')]\n(Background on this error)",
     "[SQL: INSERT INTO registrations]\n[parameters: [redacted]]\n(Background on this error)"),
    # left alone: WeChat MsgIds, timestamps, registration numbers, masked values
    ("key=wx:msg:23456789012345678901 at 1764445888.123456", "key=wx:msg:23456789012345678901 at 1764445888.123456"),
    ("登记号JY20240705K3M9QX 手机号：136****4321 2201**********101X",
     "登记号JY20240705K3M9QX 手机号：136****4321 2201**********101X"),
])
def test_redact(text, expected):
    assert log_privacy.redact(text) == expected


@pytest.fixture
def redacting_log():
    """A logger writing to a string through the redacting record factory; the factory restored after."""
    factory = logging.getLogRecordFactory()
    log_privacy.install()
    log_privacy.install()  # idempotent
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("jiuye.test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, out
    logger.removeHandler(handler)
    logging.setLogRecordFactory(factory)


def test_every_record_is_redacted_with_its_arguments_exception_and_stack(redacting_log):
    logger, out = redacting_log
    logger.debug("user said %r", f"我叫{W.name}，手机{W.phone}")
    try:
        raise ValueError(f"bad phone {W.phone} for reg_name={W.name}")
    except ValueError:
        logger.exception("failed for %s", W.id_typed)
    logger.info("where %s", W.phone, stack_info=True)
    logged = out.getvalue()
    assert "user said '我叫" in logged and "手机[手机号]'" in logged
    assert "ValueError: bad phone [手机号] for reg_name=[redacted]" in logged
    assert "failed for [身份证号]" in logged and "where [手机号]" in logged and "Stack (most recent call last)" in logged
    assert W.phone not in logged and W.id_number[:17] not in logged and W.id_typed not in logged


def test_rasa_structlog_events_keep_names_of_things_not_their_values():
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    event = log_privacy.redact_event_dict(None, "debug", {
        "event": "processor.slots.log", "parse_data_text": W.name, "parse_data_intent": {"name": "inform"},
        "slot_values": f"\treg_name: {W.name}\n\treg_id_consent: True\n\tregion: None",
        "rasa_events": [SlotSet("reg_phone", W.phone), BotUttered(f"姓名：{W.name}"), UserUttered(W.name),
                        ActionExecuted("action_listen")],
        "slot_candidates": {"reg_name": W.name}, "tracker_latest_message": UserUttered(W.name),
    })
    assert event["parse_data_text"] == event["slot_candidates"] == event["tracker_latest_message"] == "[redacted]"
    assert event["slot_values"] == "\treg_name: [redacted]\n\treg_id_consent: True\n\tregion: None"
    assert event["rasa_events"][:3] == ["SlotSet(key: reg_phone, …)", "BotUttered(…)", "UserUttered(…)"]
    assert event["rasa_events"][3].startswith("ActionExecuted(action: action_listen")
    assert event["parse_data_intent"] == {"name": "inform"}


def test_the_rasa_server_entry_point_replaces_rasas_anonymizer_and_sets_its_level(monkeypatch):
    from rasa.utils import log_utils

    monkeypatch.setattr(log_utils, "_anonymizer", log_utils._anonymizer)
    env = {"JIUYE_LOG_LEVEL": "debug", "LOG_LEVEL": "WARNING"}
    assert log_privacy.apply_to_rasa(env) == "DEBUG" and env["LOG_LEVEL"] == "DEBUG"
    log_privacy.install_for_rasa()
    assert log_utils._anonymizer is log_privacy.redact_event_dict
