"""Shared machinery of the registration end-to-end tests: run a scripted conversation through
`jiuye ask --jsonl` (real model, real action server) on SQLite or a scratch PostgreSQL database,
read the ledger back, and gather everything the run left at rest for byte searches."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import pytest

from registry.crypto import IdCipher
from registry.db import make_engine
from registry.redaction import ID_LIKE
from registry.store import RegistrationStore
from settings import Settings
from tests.conftest import ROOT, in_ci
from tests.support.postgres import dump_rows, scratch_database

Turn = Tuple[str, str]  # (sender, text)


@contextlib.contextmanager
def conversation_run(backend: str, tmp_path_factory, turns: Sequence[Turn], prefix: str) -> Iterator[Dict]:
    """Run ``turns`` once on ``backend`` ("sqlite" or "postgresql"); yields the run's record:
    data folder, DATABASE_URL, replies (one per turn), stdout and stderr (logs at DEBUG)."""
    model = trained_model()
    data_dir = tmp_path_factory.mktemp(f"{prefix}-{backend}")
    with contextlib.ExitStack() as stack:
        url = (stack.enter_context(scratch_database(f"jiuye_{prefix}")) if backend == "postgresql"
               else f"sqlite:///{data_dir / 'ledger.db'}")
        record = converse(data_dir, url, model, turns)
        _write_transcript(tmp_path_factory.mktemp(f"{prefix}-{backend}-transcript") / "transcript.txt", turns, record)
        yield record


def _write_transcript(path: Path, turns: Sequence[Turn], record: Dict) -> None:
    """Each turn and its reply, outside the searched data folder, for reading a failure (the typed ID
    numbers are left out, like everywhere else)."""
    lines = [f"[{i}] {sender}> {ID_LIKE.sub('[ID]', text)}\n<{r['intent']} {r['confidence']}> {r['text']}\n"
             for i, ((sender, text), r) in enumerate(zip(turns, record["replies"]))]
    path.write_text("\n".join(lines), encoding="utf-8")


def ask_env(data_dir: Path, url: str, model: Path) -> Dict[str, str]:
    """The environment of a `jiuye ask` process on its own data folder, database and key."""
    env = dict(os.environ, JIUYE_DATA_DIR=str(data_dir), DATABASE_URL=url, JIUYE_TRACKER_STORE="sql",
               JIUYE_ID_KEY_FILE=str(data_dir / "keys" / "id.key"), JIUYE_LOG_LEVEL="DEBUG",
               JIUYE_MODEL=str(model), PYTHONPATH=str(ROOT))
    for name in ("JIUYE_ID_KEY", "ACTION_SERVER_URL", "POSTGRESQL_SCHEMA"):
        env.pop(name, None)
    return env


def trained_model() -> Path:
    """models/jiuye.tar.gz, or skip (fail in CI) when it has not been trained."""
    model = Settings.from_env().model_path
    if not model.exists():
        message = f"no trained model at {model}; run `jiuye train`"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return model


def converse(data_dir: Path, url: str, model: Path, turns: Sequence[Turn]) -> Dict:
    env = ask_env(data_dir, url, model)
    lines = "".join(json.dumps({"sender": s, "text": t}, ensure_ascii=False) + "\n" for s, t in turns)
    done = subprocess.run([sys.executable, "-m", "jiuye.cli", "ask", "--jsonl"], input=lines, env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    replies = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(replies) == len(turns), done.stdout[-2000:]
    return {"dir": data_dir, "url": url, "replies": replies, "stdout": done.stdout, "stderr": done.stderr}


@contextlib.contextmanager
def ledger(run: Dict) -> Iterator[RegistrationStore]:
    """The ledger the conversation wrote, read with the key the action server used."""
    engine = make_engine(run["url"])
    try:
        yield RegistrationStore(engine, IdCipher.from_env({"JIUYE_ID_KEY_FILE": str(run["dir"] / "keys" / "id.key")}))
    finally:
        engine.dispose()


def _files(folder: Path) -> List[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".key")]


def stored(run: Dict) -> Dict[str, bytes]:
    """Everything the run left at rest, by where: the data folder's files (SQLite: ledger and
    tracker store) and, on PostgreSQL, every row of every table of the scratch database."""
    found = {str(p): p.read_bytes() for p in _files(run["dir"])}
    if run["url"].startswith("postgresql"):
        found.update({f"table {name}": rows for name, rows in dump_rows(run["url"]).items()})
    return found


def tracker_key(run: Dict) -> str:
    """Where the conversation store's content is in ``stored(run)``."""
    return "table public.events" if run["url"].startswith("postgresql") else str(run["dir"] / "tracker.db")


def everything(run: Dict) -> Dict[str, bytes]:
    """``stored(run)`` plus the process's stdout and its logs."""
    haystacks = stored(run)
    haystacks["stdout"] = run["stdout"].encode()
    haystacks["stderr (logs)"] = run["stderr"].encode()
    return haystacks
