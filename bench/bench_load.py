"""Load benchmark (issue #7): simulated WeChat users on loopback against the running topology,
and the same load against a plain Rasa REST channel in the same run, so our cost is a ratio.

Scenarios, one after the other (never two loaded at once):
  baseline      `rasa run` with a toy model trained here (one question intent answered by an
                utter response; no action server; in-memory stores), REST channel;
  assistant-1   the full assistant (jiuye.topology), WeChat channel, one Rasa server;
  assistant-1-rest  the same server through its REST channel (separates channel from dialogue cost);
  assistant-2   the same topology, WeChat channel through the proxy, two Rasa servers.
Each scenario runs closed-loop users (each sends its next message when the previous answer comes)
at every concurrency level for --duration seconds; requests time out after 5 s as WeChat's do.
A simulated user is a new graduate (new openid, new conversation) every --turns-per-conversation
messages (default 10): otherwise one user's conversation grows to hundreds of turns in 30 s and
both Rasa's tracker stores (in-memory and SQL) spend the time re-reading it, which measures
conversation length instead of load.
Per level: throughput (answered requests/s), p50/p95/p99 latency, replies later than 4.5 s
(including passive `success` answered later by customer-service message), errors.
Peak RSS per process is VmHWM from /proc. With py-spy (JIUYE_PYSPY or on PATH) one Rasa server
is sampled under load and the samples are grouped by where the time goes.

Needs PostgreSQL (JIUYE_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test: a
scratch database is created and dropped) and Redis (JIUYE_BENCH_REDIS_URL, default
redis://127.0.0.1:6379/0). Loopback only, bounded in time, stops by itself.

    .venv/bin/python bench/bench_load.py --duration 30 --levels 1,8,32 --out bench/out/load.json
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WECHAT_TOKEN = "bench_wechat_token"
BENCH_REST_TOKEN = "bench-rest-token"  # the servers run as `jiuye rasa`: REST only with a token
TIMEOUT = 5.0  # WeChat drops the connection after 5 s
LATE = 4.5
MAX_REQUESTS_PER_LEVEL = 50_000
QUESTIONS = [
    "吉林大学生创业担保贷款最高多少", "江西大学生创业担保贷款能贷多少", "吉林见习补贴标准", "江西毕业生档案去哪托管",
    "在吉林两个人合伙创业能贷多少", "江西毕业生办的小微企业贷款最高多少", "吉林毕业生档案怎么办", "江西见习补贴标准",
]

# --- the baseline: a toy model --------------------------------------------------------------------

TOY_CONFIG = """\
recipe: default.v1
language: zh
assistant_id: toy
pipeline:
  - name: JiebaTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: DIETClassifier
    epochs: 30
policies:
  - name: RulePolicy
"""
TOY_DOMAIN = """\
version: "3.1"
intents: [ask_policy, greet]
responses:
  utter_policy:
    - text: "吉林省高校毕业生创业担保贷款个人最高20万元（吉就组〔2022〕2号），现行标准请拨打12333确认。"
  utter_greet:
    - text: "您好，我是就业助手。"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""
TOY_NLU = """\
version: "3.1"
nlu:
  - intent: ask_policy
    examples: |
""" + "".join(f"      - {q}\n" for q in QUESTIONS + ["创业贷款额度多少", "见习补贴怎么领", "档案放哪里"]) + """\
  - intent: greet
    examples: |
      - 你好
      - 您好
      - 在吗
      - 早上好
      - 哈喽
"""
TOY_RULES = """\
version: "3.1"
rules:
  - rule: answer
    steps: [{intent: ask_policy}, {action: utter_policy}]
  - rule: greet
    steps: [{intent: greet}, {action: utter_greet}]
"""


def rasa_executable() -> str:
    from jiuye.training import rasa_executable as find

    return find()


def train_toy_model(workdir: Path) -> Path:
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    (workdir / "config.yml").write_text(TOY_CONFIG, encoding="utf-8")
    (workdir / "domain.yml").write_text(TOY_DOMAIN, encoding="utf-8")
    (workdir / "data" / "nlu.yml").write_text(TOY_NLU, encoding="utf-8")
    (workdir / "data" / "rules.yml").write_text(TOY_RULES, encoding="utf-8")
    subprocess.run([rasa_executable(), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                    "--out", "models", "--fixed-model-name", "toy"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    return workdir / "models" / "toy.tar.gz"


def start_baseline(model: Path, workdir: Path, port: int) -> subprocess.Popen:
    (workdir / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    (workdir / "endpoints.yml").write_text("{}\n", encoding="utf-8")
    log = open(workdir / "baseline.log", "w", encoding="utf-8")
    return subprocess.Popen([rasa_executable(), "run", "--model", str(model), "--port", str(port), "--interface",
                             "127.0.0.1", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                            cwd=workdir, stdout=log, stderr=subprocess.STDOUT)


def wait_http(url: str, process: subprocess.Popen, timeout: float = 600) -> float:
    import urllib.request

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready in {timeout}s")


# --- load -----------------------------------------------------------------------------------------

@dataclass
class Outcome:
    latency: float
    ok: bool
    late: bool


@dataclass
class LevelResult:
    scenario: str
    users: int
    duration: float
    requests: int
    answered: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    late: int
    errors: int
    load_before: float


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]



def rest_sender(url: str, token: str = ""):
    """The REST channel; ``token`` for the assistant's servers (`jiuye rasa`: REST needs JIUYE_REST_TOKEN)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def send(session, user: str, text: str) -> Tuple[bool, bool]:
        async with session.post(url, json={"sender": user, "message": text}, headers=headers) as response:
            body = await response.json(content_type=None)
            return response.status == 200 and isinstance(body, list) and bool(body), False
    return send


def wechat_sender(url: str):
    from bot.fakes.wechat_simulator import WeChatSimulator

    simulator = WeChatSimulator(url, WECHAT_TOKEN)

    async def send(session, user: str, text: str) -> Tuple[bool, bool]:
        query, body = simulator.signed_request(simulator.text(user, text))
        async with session.post(url, params=query, data=body, headers={"Content-Type": "text/xml"}) as response:
            reply = await response.text()
            deferred = reply.strip() == "success"  # answered later by customer-service message
            return response.status == 200 and (deferred or "<xml>" in reply), deferred
    return send


async def run_level(scenario: str, send, users: int, duration: float, turns_per_conversation: int = 10) -> LevelResult:
    import aiohttp

    outcomes: List[Outcome] = []
    load_before = os.getloadavg()[0]
    run_id = uuid.uuid4().hex[:6]
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        started = time.monotonic()
        deadline = started + duration

        async def user(number: int) -> None:
            turn = 0
            while time.monotonic() < deadline and len(outcomes) < MAX_REQUESTS_PER_LEVEL:
                openid = f"o_bench_{scenario}_{run_id}_{number}_{turn // max(turns_per_conversation, 1)}"
                text = QUESTIONS[(number + turn) % len(QUESTIONS)]
                turn += 1
                sent = time.monotonic()
                try:
                    ok, deferred = await send(session, openid, text)
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    ok, deferred = False, False
                latency = time.monotonic() - sent
                outcomes.append(Outcome(latency, ok, ok and (deferred or latency > LATE)))

        await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.monotonic() - started
    answered = [o for o in outcomes if o.ok]
    latencies = [o.latency * 1000 for o in answered]
    return LevelResult(scenario, users, round(elapsed, 1), len(outcomes), len(answered),
                       round(len(answered) / elapsed, 1), round(percentile(latencies, 50), 1),
                       round(percentile(latencies, 95), 1), round(percentile(latencies, 99), 1),
                       sum(o.late for o in outcomes), len(outcomes) - len(answered), round(load_before, 2))


def run_scenario(scenario: str, send, levels: List[int], duration: float, turns: int) -> List[LevelResult]:
    results = []
    asyncio.run(run_level(scenario, send, 2, 3.0, turns))  # warm-up (first turns load lazy parts)
    for users in levels:
        result = asyncio.run(run_level(scenario, send, users, duration, turns))
        print(json.dumps(asdict(result), ensure_ascii=False), file=sys.stderr)
        results.append(result)
    return results


# --- memory and profile ---------------------------------------------------------------------------

def peak_rss_mb(pid: int) -> Optional[float]:
    """VmHWM: the process's peak resident set size (psutil is not in the lock file)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# Where a sample's time goes: the first category, in this order, with a frame anywhere in the
# stack (so SQL under the tracker store counts as tracker store, SQL under the WeChat reachability
# thread as that). Specific components first, generic libraries last.
CATEGORIES = [
    ("action-response validation (jsonschema)", ("jsonschema",)),
    ("WeChat reachability record (worker thread)", ("bot/reachability", "scheduler/contacts")),
    ("tracker store (SQL, PostgreSQL)", ("tracker_store.py",)),
    ("lock store (Redis)", ("lock_store.py",)),
    ("action server call (HTTP)", ("rasa/core/actions/action.py", "rasa/utils/endpoints")),
    ("NLU: DIET inference", ("diet_classifier",)),
    ("NLU: tokenizer, featurizers, other components", ("rasa/nlu/", "jieba")),
    ("dialogue policies (rules, memo, TED)", ("rasa/core/policies", "rasa/core/featurizers")),
    ("tracker (de)serialisation / events", ("rasa/shared/core/trackers", "rasa/shared/core/events")),
    ("Rasa processor / graph runner (dask)", ("rasa/engine", "dask/", "rasa/core/processor")),
    ("WeChat channel", ("bot/wechat", "wechatpy", "xmltodict")),
    ("Sanic / HTTP server", ("sanic", "httptools", "uvloop")),
    ("other SQL / Redis / TensorFlow", ("sqlalchemy", "psycopg2", "redis/", "tensorflow")),
    ("logging", ("logging/", "structlog")),
]
# A sample whose innermost Python frame is one of these is a thread waiting, not working: the
# event loop in epoll, or an idle thread-pool worker blocked on its queue (py-spy lists them).
IDLE_LEAVES = ("select (selectors", "_run_once (asyncio/base_events.py", "serve (sanic/server/runners.py",
               "_worker (concurrent/futures/thread.py", "wait (threading.py", "poll (")
IDLE = "idle (waiting threads)"


def categorise(stack: str) -> str:
    frames = stack.split(";")
    if frames[-1].startswith(IDLE_LEAVES):
        return IDLE
    for name, needles in CATEGORIES:
        if any(needle in frame for frame in frames for needle in needles):
            return name
    return "other Python"


def group_samples(lines: List[str]) -> Dict[str, float]:
    """py-spy raw stacks → shares of the event-loop thread's samples by category (what one
    server's throughput is made of), its busy fraction, and the other threads' busy samples."""
    loop: Dict[str, int] = collections.Counter()
    threads_busy = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        category = categorise(stack)
        if stack.startswith(("_run_module_as_main", "<module>")):
            loop[category] += int(count)
        elif category != IDLE:
            threads_busy += int(count)
    idle = loop.pop(IDLE, 0)
    busy = sum(loop.values()) or 1
    shares = {k: round(100 * v / busy, 1) for k, v in sorted(loop.items(), key=lambda kv: -kv[1])}
    return {"event_loop_busy_pct": round(100 * busy / (busy + idle), 1), "event_loop_samples": busy,
            "other_threads_busy_samples": threads_busy, **shares}


def profile(pid: int, seconds: int, out: Path) -> Optional[Dict[str, float]]:
    """Sample ``pid`` with py-spy for ``seconds`` (raw collapsed stacks) and group the samples."""
    pyspy = os.environ.get("JIUYE_PYSPY") or shutil.which("py-spy")
    if not pyspy:
        return None
    raw = out.with_suffix(".collapsed.txt")
    subprocess.run([pyspy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "100", "--format", "raw",
                    "--output", str(raw), "--nonblocking"], check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=seconds + 60)
    if not raw.exists():
        return None
    return group_samples(raw.read_text(encoding="utf-8", errors="replace").splitlines())


# --- the run --------------------------------------------------------------------------------------

def machine() -> Dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "nproc": str(os.cpu_count()), "ram_gib": f"{mem_kb / 2**20:.1f}",
            "cpu": cpu, "python": platform.python_version(), "kernel": platform.release()}


def assistant_env(data_dir: Path, database_url: str, redis_url: str, wechat_api: str, model: Path) -> Dict[str, str]:
    from bot.action_server import free_port
    from registry import crypto

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WECHAT_", "TELEGRAM_", "REDIS_URL", "DATABASE_URL", "ACTION_SERVER_URL", "JIUYE_ID_KEY"))}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, JIUYE_DATA_DIR=str(data_dir), JIUYE_MODEL=str(model),
               ACTION_PORT=str(free_port()), JIUYE_TRACKER_STORE="sql", JIUYE_CONSOLE="0", JIUYE_LOG_LEVEL="WARNING",
               WECHAT_TOKEN=WECHAT_TOKEN, WECHAT_APPID="wx_fake_appid", WECHAT_APP_SECRET="fake_secret",
               WECHAT_API_BASE=wechat_api, CHANNEL_REDIS_PREFIX=f"jiuye-bench:{uuid.uuid4().hex[:8]}:",
               JIUYE_ID_KEY=f"v1:{crypto.new_secret()}", JIUYE_ID_KEY_AUTOCREATE="0", JIUYE_REST_TOKEN=BENCH_REST_TOKEN)
    return env


def _delete_redis_prefix(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per concurrency level (max 120)")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--profile-seconds", type=int, default=20)
    parser.add_argument("--turns-per-conversation", type=int, default=10,
                        help="messages per simulated graduate before a new one takes over the user slot")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "load.json")
    args = parser.parse_args(argv)
    duration = min(args.duration, 120.0)
    levels = [int(x) for x in args.levels.split(",")]
    args.out.parent.mkdir(parents=True, exist_ok=True)

    from bot.action_server import free_port
    from bot.fakes.fake_wechat_api import FakeWeChatAPI
    from jiuye import topology as topo

    turns = args.turns_per_conversation
    report: Dict[str, object] = {"machine": machine(), "duration_s": duration, "levels": levels, "results": [],
                                 "turns_per_conversation": turns, "loadavg_start": os.getloadavg(),
                                 "peak_rss_mb": {}, "startup_s": {}}
    results: List[LevelResult] = []
    work = Path(tempfile.mkdtemp(prefix="jiuye-bench-"))
    try:
        # 1. baseline
        started = time.monotonic()
        toy = train_toy_model(work / "toy")
        report["startup_s"]["toy_training"] = round(time.monotonic() - started, 1)
        port = free_port()
        baseline = start_baseline(toy, work / "toy", port)
        try:
            report["startup_s"]["baseline"] = round(wait_http(f"http://127.0.0.1:{port}/webhooks/rest/", baseline), 1)
            results += run_scenario("baseline", rest_sender(f"http://127.0.0.1:{port}/webhooks/rest/webhook"),
                                    levels, duration, turns)
            report["peak_rss_mb"]["baseline rasa"] = peak_rss_mb(baseline.pid)
        finally:
            baseline.send_signal(signal.SIGTERM)
            baseline.wait(30)

        # 2. the assistant: two Rasa servers; one is loaded directly, then both through the proxy
        model = work / "jiuye.tar.gz"
        shutil.copyfile(ROOT / "models" / "jiuye.tar.gz", model)
        admin = os.environ.get("JIUYE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        redis_url = os.environ.get("JIUYE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        with topo.scratch_database(admin, prefix="jiuye_bench_") as database_url, FakeWeChatAPI() as wechat_api:
            env = assistant_env(work / "assistant", database_url, redis_url, wechat_api.url, model)
            started = time.monotonic()
            running = topo.start(env, rasa_servers=2)
            try:
                running.wait_ready(900)
                report["startup_s"]["assistant (2 servers, parallel)"] = round(time.monotonic() - started, 1)
                one = running.rasa[0]
                results += run_scenario("assistant-1", wechat_sender(one.base_url + "/webhooks/wechat/webhook"),
                                        levels, duration, turns)
                rest = rest_sender(one.base_url + "/webhooks/rest/webhook", BENCH_REST_TOKEN)
                results += run_scenario("assistant-1-rest", rest,
                                        levels, duration, turns)
                results += run_scenario("assistant-2", wechat_sender(running.url + "/webhooks/wechat/webhook"),
                                        levels, duration, turns)
                if args.profile_seconds:
                    send = wechat_sender(one.base_url + "/webhooks/wechat/webhook")
                    loop_users = max(levels[len(levels) // 2], 1)
                    holder: Dict[str, object] = {}

                    def sample() -> None:
                        holder["profile"] = profile(one.pid, args.profile_seconds, args.out)

                    import threading

                    sampler = threading.Thread(target=sample)
                    sampler.start()
                    asyncio.run(run_level("profile", send, loop_users, args.profile_seconds + 2, turns))
                    sampler.join()
                    report["profile_rasa_server"] = {"users": loop_users, "shares_pct": holder.get("profile")}
                for process in running.processes:
                    report["peak_rss_mb"][f"assistant {process.name}"] = peak_rss_mb(process.pid)
                report["customer_service_messages"] = len(wechat_api.received("custom/send"))
            finally:
                running.stop()
                _delete_redis_prefix(redis_url, env["CHANNEL_REDIS_PREFIX"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["results"] = [asdict(r) for r in results]
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(report: Dict) -> str:
    rows = report["results"]
    base = {r["users"]: r["throughput"] for r in rows if r["scenario"] == "baseline"}
    lines = ["| scenario | users | answered/s | × baseline | p50 ms | p95 ms | p99 ms | late (>4.5 s) | errors | requests |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = r["throughput"] / base[r["users"]] if base.get(r["users"]) else float("nan")
        lines.append(f"| {r['scenario']} | {r['users']} | {r['throughput']} | {ratio:.2f} | {r['p50_ms']} | "
                     f"{r['p95_ms']} | {r['p99_ms']} | {r['late']} | {r['errors']} | {r['requests']} |")
    lines += ["", "| process | peak RSS (MiB) |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report["peak_rss_mb"].items()]
    prof = (report.get("profile_rasa_server") or {}).get("shares_pct")
    if prof:
        lines += ["", "| where a Rasa server's event loop spends its busy time (py-spy) | % |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in prof.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
