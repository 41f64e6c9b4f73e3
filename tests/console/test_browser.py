"""The console in a real headless browser (Debian's Chromium, driven by Playwright) against the
real assistant started through jiuye.runner: log in, ask a question and see the cited clause,
look up a registration, reveal the ID (audited) and record a service, create a job fair and see
its recipient preview; anonymous requests to every route of the live server are refused.

Screenshots go to a temporary folder, or to $JIUYE_CONSOLE_SCREENSHOTS (docs/screenshots to
refresh the ones in docs/console.md).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests

from tests.console import live
from tests.console.helpers import ID_NUMBER, PASSWORD, PHONE, concrete, register, routes

QUESTION = "吉林两个人合伙创业能贷多少"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    live.browser_available()
    live.require(live.MODEL.exists(), f"no trained model at {live.MODEL}: run `.venv/bin/jiuye train` first")
    env = live.assistant_env(tmp_path_factory.mktemp("console-live"))
    patch = pytest.MonkeyPatch()
    for key in ("DATABASE_URL", "JIUYE_ID_KEY", "JIUYE_DATA_DIR"):  # the action server inherits os.environ
        patch.setenv(key, env[key])
    # a supervisor: these tests reveal an ID number and create a fair (tests/security covers operators)
    live.add_staff(env, "operator", PASSWORD, "王坐席", role="supervisor")
    running = live.start(env)
    try:
        yield running
    finally:
        running.stop()
        patch.undo()
        from registry import runtime
        from registry.db import dispose_all

        runtime.reset()
        dispose_all()


@pytest.fixture(scope="module")
def ledger(assistant):
    """The live assistant's ledger, opened the way every process opens it."""
    from registry.crypto import IdCipher
    from registry.db import make_engine
    from registry.store import RegistrationStore

    engine = make_engine(assistant.env["DATABASE_URL"])
    yield RegistrationStore(engine, IdCipher.from_env(assistant.env))
    engine.dispose()


@pytest.fixture(scope="module")
def browser(assistant):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = live.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, assistant):
    context = browser.new_context(base_url=assistant.base, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=assistant.base)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("JIUYE_CONSOLE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page, shots=None):
    page.goto("/console/")
    assert page.url.endswith("/console/login")  # anonymous: sent to the login page
    if shots:
        page.screenshot(path=str(shots / "login.png"))
    page.fill("#username", "operator")
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_url("**/console/answer")


def test_log_in_ask_and_see_the_cited_clause(page, shots, assistant):
    from policies_kb.kb import KnowledgeBase

    log_in(page, shots)
    cookie = next(c for c in page.context.cookies() if c["name"] == "jiuye_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    assert page.evaluate("document.cookie") == ""  # not readable by scripts
    page.fill("#question", QUESTION)
    page.select_option("#province", "吉林")
    page.click("#ask")
    page.wait_for_selector("#result")
    answer = page.inner_text("#answer-text")
    assert "44万" in answer and "吉就组〔2022〕2号" in answer  # the bot's own answer: 2 × 22万, cited
    confidence = float(page.inner_text("#confidence").rstrip("%"))
    assert 0 < confidence <= 100 and page.inner_text("#intent") != "—"
    cited = page.locator("#cited article.clause").first
    assert "吉就组〔2022〕2号" in cited.inner_text() and "2022年4月29日" in cited.inner_text()
    clause_text = cited.locator("blockquote.clause-text").inner_text()
    kb = KnowledgeBase.load()
    assert any(c.text == clause_text and c.doc.doc_no == "吉就组〔2022〕2号" for c in kb.clauses)  # verbatim
    assert cited.locator("mark").count() >= 1  # the quoted sentences are highlighted
    assert page.locator("#next-best article.clause").count() >= 1
    page.click("#copy")
    page.wait_for_selector("#copy-status:has-text('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == answer
    page.screenshot(path=str(shots / "answer.png"), full_page=True)


def test_look_up_a_registration_reveal_the_id_and_record_a_service(page, shots, ledger):
    reg_no = register(ledger, name="张三")
    log_in(page)
    page.click("nav >> text=登记查询")
    page.fill("#q", PHONE)
    page.click("#find")
    page.wait_for_url(f"**/console/registrations/{reg_no}")
    masked = page.inner_text("#id-number")
    assert masked == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:] and ID_NUMBER not in page.content()
    assert "一对一帮扶" in page.inner_text("h2") and page.inner_text("#hardship") == "低保"
    page.click("#reveal")
    page.wait_for_selector("text=查看记录已写入审计日志")
    assert page.inner_text("#id-number") == ID_NUMBER
    page.select_option("#service-kind", "career_guidance")
    page.fill("#service-note", "电话职业指导，介绍长春市见习岗位")
    page.click("#add-service")
    page.wait_for_selector("text=已记录服务")
    assert "电话职业指导，介绍长春市见习岗位" in page.inner_text("#services")
    assert "王坐席" not in page.inner_text("#services") and "operator" in page.inner_text("#services")
    first_step = page.locator("#progress tbody tr").first.inner_text()
    assert "第1次职业指导" in first_step and "已完成" in first_step
    assert ID_NUMBER not in page.content()  # the full number was shown once, not kept on the page
    page.screenshot(path=str(shots / "registration.png"), full_page=True)
    recorded = ledger.services(reg_no)
    assert [(r["kind"], r["delivered_by"]) for r in recorded] == [("career_guidance", "operator")]
    page.click("nav >> text=审计日志")
    audit_row = page.locator("#audit tbody tr", has_text="查看完整身份证号").first.inner_text()
    assert "operator" in audit_row and reg_no in audit_row and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", audit_row)


def test_behind_and_unanswered_pages(page, shots, assistant, ledger):
    import datetime as dt

    from registry.db import session_factory
    from registry.models import Registration
    from tests.registry.helpers import make_id
    from workflows import unanswered

    late = register(ledger, id_number=make_id(birth="20000202"), name="李四", phone="13800002222")
    with session_factory(ledger.engine).begin() as session:
        session.query(Registration).filter_by(reg_no=late).update(
            {"created_at": dt.datetime.utcnow() - dt.timedelta(days=12)})
        for text in ("延边州有没有人才公寓补贴", "延边州有没有人才公寓补贴", "赣州毕业生落户要什么材料"):
            unanswered.record(session, text, None, "wechat", "unknown")
    log_in(page)
    page.click("nav >> text=未答问题")
    first = page.locator("#unanswered tbody tr").first.inner_text()
    assert first.startswith("2") and "延边州有没有人才公寓补贴" in first
    page.screenshot(path=str(shots / "unanswered.png"), full_page=True)
    page.click("nav >> text=1311×N 滞后名单")
    row = page.locator("#behind tbody tr", has_text=late).inner_text()
    assert "第1次职业指导" in row and "第2次岗位推介" in row and "见习" not in row  # due by day 10, not day 14
    page.screenshot(path=str(shots / "behind.png"), full_page=True)


def test_log_out(page):
    log_in(page)
    page.click("#logout")
    page.wait_for_url("**/console/login")
    page.goto("/console/registrations")
    assert page.url.endswith("/console/login")


def test_live_server_refuses_anonymous_requests_on_every_route(assistant):
    from console.channel import ConsoleInput
    from console.routing import is_public

    async def unused(message):  # pragma: no cover - never called: nothing gets past the guard
        raise AssertionError

    checked = 0
    for uri, method, handler in routes(ConsoleInput().blueprint(unused)):
        if is_public(handler):
            continue
        response = requests.request(method, assistant.base + "/console" + concrete(uri), allow_redirects=False,
                                    timeout=30)
        expected = (302,) if method == "GET" and "/api/" not in uri else (401, 403)
        assert response.status_code in expected, (method, uri, response.status_code)
        checked += 1
    assert checked >= 14
    # the chat channels are still served beside the console
    reply = requests.post(assistant.base + "/webhooks/rest/webhook", json={"sender": "t", "message": "你好"}, timeout=60)
    assert reply.status_code == 200


def test_create_a_fair_and_see_its_recipient_preview(page, shots, ledger):
    from registry.db import session_factory
    from registry.models import Subscription

    with session_factory(ledger.engine).begin() as session:
        session.add(Subscription(channel="wechat", user_id="oWx_browser_fair_01", region="长春", majors="软件工程", active=True))
        session.add(Subscription(channel="wechat", user_id="oWx_browser_fair_02", region="南昌", active=True))
    log_in(page)
    page.click("nav >> text=招聘会")
    page.click("#new-fair")
    page.wait_for_url("**/console/fairs/new")
    for name, value in (("code", "browser-cc-2030"), ("name", "长春市软件类专场招聘会（浏览器测试）"),
                        ("starts_at", "2030-04-12T09:00"), ("ends_at", "2030-04-12T08:00"), ("city", "长春"),
                        ("address", "长春国际会展中心1号馆"), ("organiser", "长春市人社局"), ("majors", "软件工程、计算机")):
        page.fill(f"#f-{name}", value)
    page.click("#save-fair")  # the end is before the start: refused beside the field, nothing typed is lost
    page.wait_for_selector("#f-ends_at-error")
    assert "结束时间不能早于开始时间" in page.inner_text("#f-ends_at-error")
    assert page.input_value("#f-name") == "长春市软件类专场招聘会（浏览器测试）" and page.input_value("#f-majors") == "软件工程、计算机"
    page.screenshot(path=str(shots / "fair_form.png"), full_page=True)
    page.fill("#f-ends_at", "2030-04-12T15:00")
    page.click("#save-fair")
    page.wait_for_url(re.compile(r".*/console/fairs/\d+\?saved=1$"))
    assert page.inner_text("#recipient-count") == "1"
    recipients = page.inner_text("#recipients")
    assert "oWx***01" in recipients and "长春" in recipients and "oWx***02" not in recipients
    assert "oWx_browser_fair_01" not in page.content()
    notice = page.inner_text("#notice-text")
    assert notice.startswith("【招聘会提醒】") and "时间：2030年4月12日 09:00—15:00（北京时间）" in notice
    assert "地点：长春国际会展中心1号馆" in notice and "面向专业：软件工程、计算机" in notice
    page.screenshot(path=str(shots / "fair.png"), full_page=True)
    page.click("nav >> text=招聘会")
    row = page.locator("#fairs tbody tr", has_text="长春市软件类专场招聘会（浏览器测试）").inner_text()
    assert "2030-04-12 09:00" in row and "长春" in row and row.split("\t")[4] == "1"  # expected recipients
    page.screenshot(path=str(shots / "fairs.png"), full_page=True)
    page.click("nav >> text=审计日志")
    audit_row = page.locator("#audit tbody tr", has_text="新建招聘会").first.inner_text()
    assert "operator" in audit_row and "browser-cc-2030" in audit_row
