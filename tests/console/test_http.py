"""The console over HTTP (in-process Sanic, scripted dialogue): every route refuses anonymous
requests, login/logout and CSRF work, and the pages show what they must (escaped)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

from actions import answering
from bot.turn import Reply
from console import audit
from console.routing import is_public
from policies_kb.regions import Region
from tests.console.helpers import (
    ID_NUMBER,
    PHONE,
    SUPERVISOR_NAME,
    ConsoleServer,
    ScriptedDialogue,
    concrete,
    csrf_from,
    login,
    register,
    routes,
)
from tests.registry.helpers import make_id
from workflows import unanswered

QUESTION = "吉林两个人合伙创业能贷多少"


def test_only_the_login_page_is_public(server):
    public = {(uri, method) for uri, method, handler in routes(server.blueprint) if is_public(handler)}
    assert public == {("/login", "GET"), ("/login", "POST")}


def test_every_route_refuses_anonymous_requests(server, store):
    reg_no = register(store)
    checked = 0
    for uri, method, handler in routes(server.blueprint):
        if is_public(handler):
            continue
        url = server.url("/console" + concrete(uri, reg_no))
        response = requests.request(method, url, allow_redirects=False, data={"csrf_token": "x", "q": PHONE},
                                    cookies={"jiuye_console": "forged-or-expired"})
        if method == "GET" and "/api/" not in uri:
            assert response.status_code == 302 and response.headers["Location"] == "/console/login", (method, uri)
        else:
            assert response.status_code in (401, 403), (method, uri, response.status_code)
        assert ID_NUMBER not in response.text and "张三" not in response.text
        assert response.headers["Cache-Control"] == "no-store"
        checked += 1
    assert checked >= 14
    assert store.services(reg_no) == []  # the anonymous POST recorded nothing


def test_login_needs_its_csrf_token_and_sets_strict_cookies(server):
    http = requests.Session()
    page = http.get(server.url("/console/login"))
    assert page.status_code == 200 and "坐席登录" in page.text
    assert "HttpOnly" in page.headers["Set-Cookie"] and "SameSite=Strict" in page.headers["Set-Cookie"]
    forged = requests.post(server.url("/console/login"), allow_redirects=False,
                           data={"username": "operator", "password": "correct-horse-battery", "csrf_token": "forged"})
    assert forged.status_code == 403 and "jiuye_console=" not in forged.headers.get("Set-Cookie", "")
    response = login(http, server)
    assert response.status_code == 303 and response.headers["Location"] == "/console/answer"
    cookie = response.headers["Set-Cookie"]
    assert re.search(r"jiuye_console=[\w-]{40,}; Path=/console; HttpOnly; SameSite=Strict", cookie)
    assert "Secure" not in cookie  # plain http on loopback (JIUYE_CONSOLE_COOKIE_SECURE=auto)
    assert http.get(server.url("/console/answer")).status_code == 200


def test_wrong_password_and_lockout(server):
    http = requests.Session()
    for _ in range(3):
        response = login(http, server, password="wrong-password")
        assert response.status_code == 401 and "用户名或密码错误" in response.text
    assert "已暂时锁定" in response.text  # the third failure says so at once
    response = login(http, server)
    assert response.status_code == 401 and "次数过多" in response.text
    assert login(http, server, SUPERVISOR_NAME).status_code == 303  # another account from the same address


def test_posts_without_the_session_csrf_token_are_refused(server, store):
    reg_no = register(store)
    http = requests.Session()
    login(http, server)
    url = server.url(f"/console/registrations/{reg_no}/services")
    form = {"kind": "career_guidance", "delivered_at": "2024-07-01"}
    assert http.post(url, data=form, allow_redirects=False).status_code == 403
    assert http.post(url, data=dict(form, csrf_token="forged"), allow_redirects=False).status_code == 403
    token = csrf_from(http.get(server.url(f"/console/registrations/{reg_no}")).text)
    other_site = http.post(url, data=dict(form, csrf_token=token), headers={"Origin": "http://evil.example"},
                           allow_redirects=False)
    assert other_site.status_code == 403
    assert store.services(reg_no) == []
    assert http.post(url, data=dict(form, csrf_token=token), allow_redirects=False).status_code == 303
    assert len(store.services(reg_no)) == 1


def test_logout_ends_the_session(server):
    http = requests.Session()
    login(http, server)
    old = http.cookies.get("jiuye_console")
    token = csrf_from(http.get(server.url("/console/answer")).text)
    response = http.post(server.url("/console/logout"), data={"csrf_token": token}, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/console/login"
    replay = requests.get(server.url("/console/answer"), cookies={"jiuye_console": old}, allow_redirects=False)
    assert replay.status_code == 302  # the old cookie is dead on the server, not just cleared


@pytest.fixture
def loan_reply(kb) -> Reply:
    answer = answering.topic_answer(kb, "loan", QUESTION, Region("吉林", "吉林"))
    return Reply(text=answer.text, intent=kb.topics["loan"].intent, confidence=0.9731,
                 citations=[c.as_dict() for c in answer.citations], payloads=[answer.payload()])


def test_answer_aid_shows_answer_clauses_confidence_and_next_best(services, kb, loan_reply):
    dialogue = ScriptedDialogue(loan_reply)
    with ConsoleServer(services, dialogue) as server:
        http = requests.Session()
        login(http, server)
        token = csrf_from(http.get(server.url("/console/answer")).text)
        page = http.post(server.url("/console/answer"), data={
            "csrf_token": token, "question": f"{QUESTION}，我身份证{ID_NUMBER}", "province": "吉林"})
        assert page.status_code == 200
        assert dialogue.asked[0]["metadata"] == {"region": "吉林"}
        assert ID_NUMBER not in dialogue.asked[0]["text"] and dialogue.asked[0]["sender"].startswith("console:")
        text = page.text
        assert "97.3%" in text and "按意图作答" in text
        clause = next(c for c in kb.clauses if c.doc.doc_no == loan_reply.citations[0]["doc_no"]
                      and c.clause == loan_reply.citations[0]["clause"])
        assert "吉就组〔2022〕2号" in text and "2022年4月29日" in text
        assert "<mark>" in text and clause.heading in text
        plain = re.sub(r"</?mark>", "", text)
        assert clause.text.replace("“", "&#34;") in plain or clause.text in plain  # verbatim clause text
        assert "其他相近条款" in text and "检索得分" in text
        api = http.post(server.url("/console/api/answer"), json={"question": QUESTION, "province": "吉林"},
                        headers={"X-CSRF-Token": token}).json()
        assert api["confidence"] == 0.9731 and api["cited"][0]["doc_no"] == "吉就组〔2022〕2号"
        assert api["cited"][0]["text"] == clause.text and api["next_best"]


def test_registration_lookup_reveal_and_service(server, store, services):
    reg_no = register(store, name="<script>alert(1)</script>李四")
    http = requests.Session()
    login(http, server, SUPERVISOR_NAME)  # only a supervisor reveals full ID numbers
    found = http.get(server.url(f"/console/registrations?q={PHONE[:3]} {PHONE[3:]}"), allow_redirects=False)
    assert found.status_code == 302 and found.headers["Location"] == f"/console/registrations/{reg_no}"
    page = http.get(server.url(found.headers["Location"])).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;李四" in page and "<script>alert(1)" not in page
    assert ID_NUMBER not in page and ID_NUMBER[:4] + "**********" + ID_NUMBER[-4:] in page
    assert "低保" in page and "一对一帮扶" in page and "已逾期" not in page
    token = csrf_from(page)
    revealed = http.post(server.url(f"/console/registrations/{reg_no}/reveal"), data={"csrf_token": token}).text
    assert ID_NUMBER in revealed and "审计日志" in revealed
    entries = services.in_transaction(lambda s: [(e.actor, e.action, e.target) for e in audit.recent(s)])
    assert (SUPERVISOR_NAME, audit.REVEAL_ID, reg_no) in entries
    assert ID_NUMBER not in http.get(server.url(f"/console/registrations/{reg_no}")).text  # shown once only
    done = http.post(server.url(f"/console/registrations/{reg_no}/services"), data={
        "csrf_token": token, "kind": "job_recommendation", "delivered_at": "2024-07-02", "note": "推荐长春某软件公司"})
    assert "已记录服务" in done.text and "推荐长春某软件公司" in done.text and "第1次岗位推介" in done.text
    assert store.services(reg_no)[0]["delivered_by"] == SUPERVISOR_NAME
    assert http.get(server.url("/console/registrations?q=JY00000000ZZZZZZ")).text.count("没有找到") == 1
    api = http.get(server.url(f"/console/api/registrations?q={PHONE}")).json()["registrations"]
    assert api[0]["reg_no"] == reg_no and ID_NUMBER not in str(api) and api[0]["phone"] == "139****5678"


def test_behind_list_and_unanswered_list(server, store, services):
    from registry.models import Registration

    late = register(store, name="王五")
    fresh = register(store, id_number=make_id(birth="19990101"), name="赵六", phone="13800001111", hardship="无")
    with store.engine.begin() as connection:  # registered 20 days ago: every 1311×N step is due
        connection.execute(Registration.__table__.update().where(Registration.reg_no == late)
                           .values(created_at=dt.datetime.utcnow() - dt.timedelta(days=20)))
    store.add_service(late, "career_guidance", dt.date.today(), "operator")
    for text in ("延边州有没有人才公寓", "延边州有没有人才公寓", f"我的手机{PHONE}能查社保吗"):
        services.in_transaction(lambda s: unanswered.record(s, text, "吉林", "wechat", "unknown"))
    http = requests.Session()
    login(http, server)
    behind = http.get(server.url("/console/behind")).text
    assert late in behind and fresh not in behind and "第1次职业指导" not in behind.split(late)[1].split("</tr>")[0]
    assert "第1次岗位推介" in behind
    table = http.get(server.url("/console/unanswered")).text
    assert table.index("延边州有没有人才公寓") < table.index("能查社保吗")
    assert "<td>2</td><td>延边州有没有人才公寓</td>" in table
    assert PHONE not in table and "［手机号］" in table


def test_fairs_page_shows_broadcast_progress(server, store, services):
    from scheduler.models import JobFair, OutboxMessage

    now = dt.datetime.utcnow().replace(microsecond=0)

    def seed(session):
        fair = JobFair(code="cc-2024-07", name="长春市高校毕业生专场招聘会", starts_at=now + dt.timedelta(days=3),
                       ends_at=now + dt.timedelta(days=3, hours=4), city="长春", province="吉林", address="长春国际会展中心",
                       organiser="长春市人社局")
        session.add(fair)
        session.flush()
        for i, state in enumerate(("pending", "sent", "sent", "dead")):
            session.add(OutboxMessage(campaign="fair:cc", recipient=f"wechat:o{i}", step="3d", kind="fair_notice",
                                      channel="wechat", user_id=f"o{i}", fair_id=fair.id, state=state, not_before=now))

    services.in_transaction(seed)
    http = requests.Session()
    login(http, server)
    row = re.search(r'<tr><td><a href="/console/fairs/\d+">长春市高校毕业生专场招聘会</a></td>.*?</tr>',
                    http.get(server.url("/console/fairs")).text).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[2] == "长春" and cells[-3:] == ["1", "2", "1"]  # queued, sent, failed
