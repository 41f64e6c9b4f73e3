"""Conversation fuzzer (issue 11, "Conversations that cannot wedge"): seeded random walks over a
pool of real messages (tests/e2e/fuzz_pool.yml) through the real model and action server, all in
one `jiuye ask --jsonl` process. Every turn must get exactly one non-empty reply, and Rasa must
never trip its circuit breaker (an action loop: from then on that conversation answers nothing).

A walk is a pure function of its seed: one sender, ``TURNS`` messages. Defaults are CI's
(25 walks x 20 turns from seed 0); explore more locally with, e.g.,
``JIUYE_FUZZ_SEED=1000 JIUYE_FUZZ_WALKS=100 JIUYE_FUZZ_TURNS=30 pytest tests/e2e/test_conversation_fuzzer.py``.
A failing walk is printed with its seed, sender, messages and replies, and as JSON lines to pipe
into `jiuye ask --jsonl` again.
"""
from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml

from tests.e2e.conftest import run_jsonl_process

pytestmark = pytest.mark.e2e

POOL_FILE = Path(__file__).with_name("fuzz_pool.yml")
BREAKER = "Circuit breaker tripped"
BREAKER_SENDER = re.compile(r"Circuit breaker tripped\..*?sender '([^']*)'")
LONG_TEXT_CHARS = 900
FORM_STEP_CHANCE = 0.85  # in a form, how often the walk answers the question rather than digressing
REGISTER_FIRST_CHANCE = 0.3  # walks that open with registration get through the form and beyond
REGION_METADATA = ["长春", "南昌", "吉林", "江西"]  # what a channel may already know about a user


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return int(value)


def _strings(items: List[Any]) -> List[str]:
    return [str(item) for item in items]  # YAML reads 886 or 2024 as numbers


@dataclass
class Pool:
    """The fuzz_pool.yml message pool."""

    categories: Dict[str, List[str]]
    weights: Dict[str, int]
    form: List[List[str]]
    form_openers: List[str]
    form_closers: List[str]
    long_sentences: List[str]

    @classmethod
    def load(cls, path: Path = POOL_FILE) -> "Pool":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            {name: _strings(spec["messages"]) for name, spec in data["categories"].items()},
            {name: int(spec["weight"]) for name, spec in data["categories"].items()},
            [_strings(step) for step in data["form"]], _strings(data["form_openers"]),
            _strings(data["form_closers"]), _strings(data["long_text"]),
        )


@dataclass
class Walk:
    """One conversation: its seed, sender, optional channel-known region and messages; replies
    are filled in after the run."""

    seed: int
    sender: str
    region: Optional[str]
    messages: List[str]
    replies: List[Dict[str, Any]] = field(default_factory=list)

    def requests(self) -> List[Dict[str, str]]:
        extra = {"region": self.region} if self.region else {}
        return [{"text": text, "sender": self.sender, **extra} for text in self.messages]


def _long_text(rng: random.Random, sentences: List[str]) -> str:
    text = ""
    while len(text) < LONG_TEXT_CHARS:
        text += "".join(rng.sample(sentences, len(sentences)))
    return text[:LONG_TEXT_CHARS]


def _next_message(rng: random.Random, pool: Pool, names: List[str], weights: List[int],
                  form_step: Optional[int]) -> str:
    if form_step is not None and rng.random() < FORM_STEP_CHANCE:
        return rng.choice(pool.form[form_step])
    category = rng.choices(names, weights)[0]
    if category == "long_text":
        return _long_text(rng, pool.long_sentences)
    return rng.choice(pool.categories[category])


def make_walk(pool: Pool, seed: int, turns: int) -> Walk:
    """Draw ``turns`` messages by category weight. A form opener starts the registration form:
    the walk then answers its questions in order (wrong answers included) most of the time and
    digresses otherwise, so walks reach the consent, the summary and the confirmation too."""
    rng = random.Random(seed)
    names = list(pool.weights)
    weights = [pool.weights[name] for name in names]
    form_step: Optional[int] = None
    messages: List[str] = []
    for turn in range(turns):
        if turn == 0 and rng.random() < REGISTER_FIRST_CHANCE:
            message = rng.choice(pool.form_openers)
        else:
            message = _next_message(rng, pool, names, weights, form_step)
        if form_step is not None and message in pool.form[form_step]:
            form_step = form_step + 1 if form_step + 1 < len(pool.form) else None
        if message in pool.form_openers:
            form_step = 0
        elif message in pool.form_closers:
            form_step = None
        messages.append(message)
    region = rng.choice(REGION_METADATA) if rng.random() < 0.25 else None
    return Walk(seed=seed, sender=f"fuzz-{seed}", region=region, messages=messages)


def interleave(walks: List[Walk], rng: random.Random) -> List[Tuple[Walk, Dict[str, str]]]:
    """The order in which turns are sent: walks take turns at random, each walk's own order kept
    (several conversations open at once, as on a real server)."""
    order = [walk for walk in walks for _ in walk.messages]
    rng.shuffle(order)
    pending = {id(walk): iter(walk.requests()) for walk in walks}
    return [(walk, next(pending[id(walk)])) for walk in order]


def problems_of(walk: Walk) -> List[int]:
    """Indices of the walk's turns that did not get one non-empty text reply."""
    return [
        i for i, reply in enumerate(walk.replies)
        if "error" in reply or not isinstance(reply.get("text"), str) or not reply["text"].strip()
    ]


def describe(walk: Walk, bad: List[int], trips: int) -> str:
    lines = [f"--- seed {walk.seed}, sender {walk.sender}, region metadata {walk.region!r}: "
             f"{len(bad)} of {len(walk.messages)} turns without a reply, {trips} circuit-breaker trips"]
    for i, (text, reply) in enumerate(zip(walk.messages, walk.replies)):
        mark = "!!" if i in bad else "  "
        shown = (reply.get("text") or reply.get("error") or "").replace("\n", " ")
        lines.append(f"{mark} {i:2d} > {text[:60]}\n        < [{reply.get('intent', '')}] {shown[:100]!r}")
    lines.append(f"rerun alone: JIUYE_FUZZ_SEED={walk.seed} JIUYE_FUZZ_WALKS=1 JIUYE_FUZZ_TURNS={len(walk.messages)}; "
                 "or these JSON lines into `jiuye ask --jsonl`:")
    lines += [json.dumps(r, ensure_ascii=False) for r in walk.requests()]
    return "\n".join(lines)


def converse(walks: List[Walk], env: Dict[str, str], seed: int) -> str:
    """Send every walk's turns, interleaved, through one `jiuye ask --jsonl` process; fill in the
    walks' replies and return the process's output, logs (stderr) first."""
    sent = interleave(walks, random.Random(seed))
    done = run_jsonl_process([request for _, request in sent], env, timeout=120 + 3 * len(sent))
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == len(sent), f"{len(sent)} turns, {len(lines)} reply lines:\n{done.stderr[-3000:]}"
    for (walk, _), line in zip(sent, lines):
        walk.replies.append(json.loads(line))
    return done.stderr + "\n" + done.stdout  # a traceback must not show in either


def test_random_conversations_never_wedge(ask_env, tmp_path):
    first = _int_env("JIUYE_FUZZ_SEED", 0)
    count = _int_env("JIUYE_FUZZ_WALKS", 25)
    turns = _int_env("JIUYE_FUZZ_TURNS", 20)
    pool = Pool.load()
    walks = [make_walk(pool, seed, turns) for seed in range(first, first + count)]
    # WARNING shows Rasa's processor warning ("Circuit breaker tripped ..."); own key file and data dir.
    env = dict(ask_env, JIUYE_LOG_LEVEL="WARNING", JIUYE_ID_KEY_FILE=str(tmp_path / "keys" / "id.key"))
    env.pop("JIUYE_ID_KEY", None)
    logs = converse(walks, env, first)

    # the sender as logged may carry a channel namespace ("cli:fuzz-3")
    trips = Counter(sender.rsplit(":", 1)[-1] for sender in BREAKER_SENDER.findall(logs))
    failing = [(walk, problems_of(walk)) for walk in walks]
    failing = [(walk, bad) for walk, bad in failing if bad or trips[walk.sender]]
    tripped, tracebacks = logs.count(BREAKER), logs.count("Traceback")
    if failing or tripped or tracebacks:
        empty = sum(len(bad) for _, bad in failing)
        report = [f"{count * turns} turns in {count} walks (seeds {first}..{first + count - 1}): "
                  f"{empty} turns without a reply in {len(failing)} walks, {tripped} circuit-breaker trips, "
                  f"{tracebacks} tracebacks"]
        report += [describe(walk, bad, trips[walk.sender]) for walk, bad in failing[:5]]
        if tracebacks:
            start = logs.find("Traceback")
            report.append(logs[start:start + 3000])
        pytest.fail("\n".join(report), pytrace=False)
