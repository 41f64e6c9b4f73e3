"""Per-call cost of Rasa's action-response validation, unpatched vs jiuye.rasa_patches (issue #7).

    .venv/bin/python bench/bench_validator.py [--calls 200]

Times ``RemoteAction._validate_action_result`` on a typical answer of our action server (five
events and a reply with a payload): Rasa 3.6 as shipped (``jsonschema.validate``: meta-schema check
and a new validator per call) and patched (validator built once). Prints a JSON line with the
median and p95 per call in milliseconds and the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.action_responses import POLICY_ANSWER_IN_FORM as RESPONSE


def _time(call: Callable[[], object], calls: int) -> Dict[str, float]:
    call()  # warm-up (the patched path builds its validator here)
    samples: List[float] = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 3), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    from rasa.core.actions.action import RemoteAction

    from jiuye import rasa_patches

    action = RemoteAction("action_answer_policy", None)
    unpatched = RemoteAction._validate_action_result
    rasa_patches.apply()
    result = {
        "unpatched": _time(lambda: unpatched(action, RESPONSE), args.calls),
        "patched": _time(lambda: action._validate_action_result(RESPONSE), args.calls),
        "calls": args.calls, "loadavg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
    }
    result["speed-up"] = round(result["unpatched"]["median_ms"] / result["patched"]["median_ms"], 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
