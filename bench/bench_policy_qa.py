"""Benchmark for policy Q&A: model load time, NLU parse latency (p50/p95) and `jiuye ask`
throughput through the whole stack (model + action server + SQL tracker store).

    .venv/bin/python bench/bench_policy_qa.py [--rounds 5]

Prints a Markdown table to paste into bench/RESULTS.md with the machine and date.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def questions() -> list:
    files = [ROOT.parent / "shared" / "examples" / "policy_questions.jsonl",
             ROOT / "tests" / "e2e" / "policy_questions_extra.jsonl"]
    out = []
    for path in files:
        if path.exists():
            out += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def measure(rounds: int) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from jiuye.cli import _configure_logging

    _configure_logging("WARNING")  # Rasa's structlog would otherwise print debug lines to stdout
    os.environ["JIUYE_DATA_DIR"] = tempfile.mkdtemp(prefix="jiuye-bench-")
    from rasa.core.agent import load_agent

    from jiuye.local_assistant import LocalAssistant
    from settings import Settings

    settings = Settings.from_env()
    texts = questions()
    start = time.perf_counter()
    agent = await load_agent(model_path=str(settings.model_path))
    load_seconds = time.perf_counter() - start
    await agent.parse_message(texts[0])  # warm-up
    parse_ms = []
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            await agent.parse_message(text)
            parse_ms.append((time.perf_counter() - t0) * 1000)
    async with LocalAssistant(settings) as assistant:
        await assistant.ask(texts[0])
        turn_ms = []
        t_all = time.perf_counter()
        for i in range(rounds):
            for j, text in enumerate(texts):
                t0 = time.perf_counter()
                await assistant.ask(text, sender=f"bench-{i}-{j}")
                turn_ms.append((time.perf_counter() - t0) * 1000)
        elapsed = time.perf_counter() - t_all
    return {
        "questions": len(texts) * rounds,
        "model_load_s": load_seconds,
        "parse_p50_ms": statistics.median(parse_ms), "parse_p95_ms": percentile(parse_ms, 95),
        "ask_p50_ms": statistics.median(turn_ms), "ask_p95_ms": percentile(turn_ms, 95),
        "ask_per_s": len(turn_ms) / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    r = asyncio.run(measure(parser.parse_args().rounds))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"### Policy Q&A — {dt.date.today().isoformat()} — {machine}\n")
    print("| metric | value |\n| --- | --- |")
    print(f"| model load (Agent, in process) | {r['model_load_s']:.1f} s |")
    print(f"| NLU parse latency p50 / p95 ({r['questions']} parses) | {r['parse_p50_ms']:.1f} / {r['parse_p95_ms']:.1f} ms |")
    print(f"| `jiuye ask` turn latency p50 / p95 (model + action server + SQLite tracker) | {r['ask_p50_ms']:.1f} / {r['ask_p95_ms']:.1f} ms |")
    print(f"| `jiuye ask` throughput, one conversation at a time | {r['ask_per_s']:.1f} questions/s |")


if __name__ == "__main__":
    main()
