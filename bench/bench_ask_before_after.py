"""`jiuye ask` latency per question, before and after a change, measured side by side in one run.

    .venv/bin/python bench/bench_ask_before_after.py --before DIR MODEL --after DIR MODEL [--rounds 3]

Each side is a checkout (its own code) with its own trained model, run as `python -m jiuye.cli ask
--jsonl` (real model, real action server, SQL tracker store). Questions are sent one at a time and
each reply is awaited, so a measurement is one question's whole turn. Rounds alternate the sides so
that load on the machine falls on both alike. Prints a Markdown table for bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent


def questions() -> List[str]:
    files = [ROOT.parent / "shared" / "examples" / "policy_questions.jsonl",
             ROOT / "tests" / "e2e" / "policy_questions_extra.jsonl"]
    return [json.loads(line)["text"] for path in files if path.exists()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_side(project: Path, model: Path, texts: List[str]) -> List[float]:
    """Milliseconds per question for one fresh `jiuye ask --jsonl` process of ``project``."""
    env = dict(os.environ, PYTHONPATH=str(project), JIUYE_MODEL=str(model),
               JIUYE_DATA_DIR=tempfile.mkdtemp(prefix="jiuye-bench-"), JIUYE_LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "jiuye.cli", "ask", "--jsonl"], cwd=project, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdin and proc.stdout
    timings = []
    try:
        proc.stdin.write(json.dumps({"text": "吉林创业担保贷款能贷多少"}, ensure_ascii=False) + "\n")  # warm-up: model, action server, jieba
        proc.stdin.flush()
        proc.stdout.readline()
        for text in texts:
            start = time.perf_counter()
            proc.stdin.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            proc.stdin.flush()
            proc.stdout.readline()
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        proc.stdin.close()
        proc.wait(timeout=120)
    return timings


def percentile(values: List[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", nargs=2, metavar=("DIR", "MODEL"), required=True)
    parser.add_argument("--after", nargs=2, metavar=("DIR", "MODEL"), required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = questions()
    sides: Dict[str, List[float]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for name in ("before", "after"):
            project, model = getattr(args, name)
            sides[name] += run_side(Path(project), Path(model), texts)
    load = os.getloadavg()
    print(f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
          f"load {load[0]:.1f}/{load[1]:.1f}, {len(texts)} questions × {args.rounds} rounds per side\n")
    print("| side | p50 ms | p95 ms | mean ms |\n| --- | --- | --- | --- |")
    for name, values in sides.items():
        print(f"| {name} | {percentile(values, 50):.0f} | {percentile(values, 95):.0f} | {statistics.mean(values):.0f} |")
    ratio = percentile(sides["after"], 50) / percentile(sides["before"], 50)
    print(f"\np50 after / before = {ratio:.2f}")


if __name__ == "__main__":
    main()
