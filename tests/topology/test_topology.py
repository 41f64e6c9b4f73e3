"""The production topology without Docker (jiuye.topology): two Rasa servers behind a round-robin
proxy, one action server, PostgreSQL (tracker store, ledger) and Redis (lock store, dedupe).

The tests share one topology (starting two Rasa servers takes 1-3 minutes on 2 cores) and run in
file order: the last one kills a server.
"""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest

from bot.fakes.wechat_simulator import WeChatSimulator
from bot.input_guard import clean
from tests.channels.stack import WECHAT_TOKEN
from tests.registry.helpers import make_id
from tests.topology.helpers import WECHAT_PATH, Reply, count_rows, last_ticket, rest_turn, stored_turns, wait_for

pytestmark = pytest.mark.e2e

QUESTIONS = [
    "吉林省大学毕业生自主创业，创业担保贷款额度最高是多少？", "江西大学生创业担保贷款能贷多少", "吉林见习补贴标准",
    "江西毕业生档案去哪托管", "在吉林两个人合伙创业能贷多少", "江西毕业生办的小微企业贷款最高多少",
    "吉林16到24岁的失业青年参加见习，单位补贴多少", "江西一次性创业补贴多少", "吉林毕业生档案怎么办",
    "江西见习补贴标准",
]


def sender(kind: str) -> str:
    return f"topo-{kind}-{uuid.uuid4().hex[:10]}"


def parts(texts: List[str]) -> List[str]:
    """Rasa's output channels send a text in pieces split at blank lines; the tracker keeps it whole."""
    return [part for text in texts for part in text.strip().split("\n\n")]


def _assert_turns_serialised(turns, replies_by_text) -> None:
    """Each stored turn is complete (ends listening) before the next user message is stored,
    and its bot messages are exactly what that message's HTTP request got back."""
    for number, turn in enumerate(turns):
        assert turn.last_action == "action_listen", f"turn {number} ({turn.user_text}) did not finish"
        assert parts(turn.bot_texts) == parts(replies_by_text[turn.user_text].texts), f"turn {number} not paired"
        if number + 1 < len(turns):
            assert turn.last_timestamp <= turns[number + 1].user_timestamp, f"turn {number + 1} overlapped"


def test_every_rasa_server_runs_patched_rasa_with_the_atomic_lock_store(topology):
    """Started through jiuye.rasa_main (cached action-response validator) with our lock store."""
    import yaml

    from jiuye.rasa_main import BANNER

    for server in topology["topology"].rasa:
        assert BANNER in server.log_path.read_text(encoding="utf-8", errors="replace"), server.name
        data_dir = server.log_path.parent.parent / server.name
        endpoints = yaml.safe_load((data_dir / "endpoints.yml").read_text(encoding="utf-8"))
        assert endpoints["lock_store"]["type"] == "jiuye.lock_store.AtomicRedisLockStore"


def test_concurrent_messages_of_one_graduate_are_handled_one_at_a_time_in_arrival_order(topology):
    """Lock store (Redis): ten messages of one graduate, alternating servers through the proxy, each
    sent as soon as the previous one holds its ticket (so "arrival" is well defined), without
    waiting for answers: they queue for the lock, and the tracker shows them one at a time, in
    the order they arrived, each HTTP reply being its own turn's messages."""
    proxy, user = topology["topology"].url, sender("order")
    replies: List[Reply] = [None] * len(QUESTIONS)  # type: ignore[list-item]

    def send(index: int) -> None:
        sent = time.monotonic()
        reply = rest_turn(proxy, user, QUESTIONS[index])
        reply.sent_at, reply.done_at = sent, time.monotonic()
        replies[index] = reply

    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        for index in range(len(QUESTIONS)):
            before = last_ticket(topology["env"]["REDIS_URL"], f"rest:{user}")
            queued = 0 if before is None else before + 1  # the ticket this message will hold
            future = pool.submit(send, index)
            wait_for(lambda: future.done() or last_ticket(topology["env"]["REDIS_URL"], f"rest:{user}") == queued)
    assert [r.status for r in replies] == [200] * len(QUESTIONS)
    assert {r.backend for r in replies} == {s.base_url for s in topology["topology"].rasa}
    assert all(r.texts for r in replies)
    waiting = max(sum(1 for r in replies if r.sent_at <= other.sent_at < r.done_at) for other in replies)
    assert waiting >= 3, "messages did not overlap; the lock was not exercised"
    turns = stored_turns(topology["database_url"], f"rest:{user}")
    assert [t.user_text for t in turns] == [clean(q) for q in QUESTIONS]  # as the input guard stored them
    _assert_turns_serialised(turns, {clean(q): r for q, r in zip(QUESTIONS, replies)})


def test_simultaneous_messages_on_both_servers_never_interleave(topology):
    """Eight messages released at the same instant, four straight to each server: whatever order
    the lock store gives them, each is processed once, whole, and answered with its own reply."""
    servers = topology["topology"].rasa
    user, questions = sender("burst"), QUESTIONS[:8]
    barrier = threading.Barrier(len(questions))

    def send(index: int) -> Reply:
        barrier.wait()
        return rest_turn(servers[index % 2].base_url, user, questions[index])

    with ThreadPoolExecutor(len(questions)) as pool:
        replies = list(pool.map(send, range(len(questions))))
    assert [r.status for r in replies] == [200] * len(questions)
    turns = stored_turns(topology["database_url"], f"rest:{user}")
    assert sorted(t.user_text for t in turns) == sorted(clean(q) for q in questions)
    _assert_turns_serialised(turns, {clean(q): r for q, r in zip(questions, replies)})


def test_wechat_retries_on_different_servers_are_processed_once_and_answered_once(topology):
    servers, api, proxy = topology["topology"].rasa, topology["wechat"], topology["topology"].url
    simulators = [WeChatSimulator(s.base_url + WECHAT_PATH, WECHAT_TOKEN) for s in servers]
    openid = f"o_topo_{uuid.uuid4().hex[:10]}"
    message = simulators[0].text(openid, "吉林大学生创业担保贷款最高多少")
    # WeChat's retries of one MsgId, landing on both servers at once (fresh signature each time)
    with ThreadPoolExecutor(4) as pool:
        deliveries = list(pool.map(lambda i: simulators[i % 2].deliver(message), range(4)))
    # ... and once more later, through the load balancer
    deliveries.append(WeChatSimulator(proxy + WECHAT_PATH, WECHAT_TOKEN).deliver(message))
    assert all(d.status == 200 for d in deliveries)
    passive = {d.text for d in deliveries} - {None}
    time.sleep(1.0)  # a deferred answer (or a duplicate) would have gone out by now
    pushed = api.delivered(openid)
    assert (len(passive) == 1 and pushed == []) or (passive == set() and len(pushed) == 1), (passive, pushed)
    answer = passive.pop() if passive else pushed[0]["text"]["content"]
    assert "20万元" in answer and "吉就组〔2022〕2号" in answer
    user_turns = count_rows(topology["database_url"], "SELECT count(*) FROM events WHERE sender_id = :s "
                                                      "AND type_name = 'user'", s=f"wechat:{openid}")
    assert user_turns == 1


ID_A = make_id(area="220102", birth="20010315", seq="135")
BEFORE_KILL = ["我要做失业登记", "张三", "同意", ID_A, "13912345678", "吉林大学"]
AFTER_KILL = ["会计学", "本科", "2024", "长春", "长春", "就业", "会计", "金融", "不限", "无", "确认"]


def test_killed_server_loses_nothing_and_the_form_continues_on_the_other(topology):
    """Mid-form, SIGKILL the server that handled the last turn: the next turn goes to the other
    server, the form continues where it was (tracker in PostgreSQL), and the confirmed
    registration is saved in PostgreSQL."""
    running, database = topology["topology"], topology["database_url"]
    user = sender("form")
    replies = [rest_turn(running.url, user, text) for text in BEFORE_KILL]
    assert all(r.status == 200 for r in replies)
    assert "专业" in replies[-1].texts[-1], replies[-1].texts
    victim = running.server_for(replies[-1].backend)
    victim.kill()
    assert not victim.alive()
    survivor = next(s for s in running.rasa if s is not victim)
    after = [rest_turn(running.url, user, text) for text in AFTER_KILL]
    assert [r.status for r in after] == [200] * len(AFTER_KILL)
    assert {r.backend for r in after} == {survivor.base_url}
    assert "学历" in after[0].texts[-1], after[0].texts  # the question after 专业: nothing was lost
    saved = "\n".join(after[-1].texts)
    assert "登记成功" in saved, saved
    reg_no = saved.split("登记号是", 1)[1][:16]
    rows = count_rows(database, "SELECT count(*) FROM registrations WHERE reg_no = :r AND name = :n "
                                "AND phone = :p AND sender_id = :s", r=reg_no, n="张三", p="13912345678", s=user)
    assert rows == 1
    assert [t.user_text for t in stored_turns(database, f"rest:{user}")][-1] == "确认"
