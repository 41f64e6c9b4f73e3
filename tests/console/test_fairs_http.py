"""Job fairs in the console over HTTP (in-process Sanic): create, edit, validation that keeps
what was typed, CSRF, anonymous refusal, audit entries, the recipients preview with the exact
notice text, and editing a fair whose notices already went out (no duplicate notices)."""
from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import func, select

from console import audit
from console.routing import is_public
from tests.console.helpers import SUPERVISOR_NAME, csrf_from, login, routes

TZ = ZoneInfo("Asia/Shanghai")
FORM = {
    "code": "cc-2030-spring", "name": "长春市高校毕业生春季专场招聘会", "starts_at": "2030-04-12T09:00",
    "ends_at": "2030-04-12T15:00", "online": "", "city": "长春", "province": "", "address": "长春国际会展中心1号馆",
    "link": "", "organiser": "长春市人社局", "majors": "软件工程、计算机", "industries": "", "positions": "软件开发工程师 20人",
}


@pytest.fixture
def http(server) -> requests.Session:
    session = requests.Session()
    assert login(session, server, SUPERVISOR_NAME).status_code == 303  # fairs are broadcast: a supervisor's
    return session


@pytest.fixture
def subscribers(services):
    from registry.models import Subscription

    def seed(session):
        session.add(Subscription(channel="wechat", user_id="oWx_cc_0001_abcdef", region="长春", majors="软件工程", active=True))
        session.add(Subscription(channel="telegram", user_id="5550001", region="吉林", active=True))
        session.add(Subscription(channel="wechat", user_id="oWx_nc_0002_zzzzzz", region="南昌", active=True))
    services.in_transaction(seed)


def token(http: requests.Session, server, path: str = "/console/fairs/new") -> str:
    return csrf_from(http.get(server.url(path)).text)


def create(http, server, **changes) -> requests.Response:
    return http.post(server.url("/console/fairs/new"), data=dict(FORM, csrf_token=token(http, server), **changes),
                     allow_redirects=False)


def fair_row(services, code: str = FORM["code"]):
    from scheduler.models import JobFair

    return services.in_transaction(lambda s: s.execute(select(JobFair).where(JobFair.code == code)).scalar_one_or_none())


def audit_rows(services):
    return services.in_transaction(lambda s: [(e.actor, e.action, e.target, e.detail, e.at) for e in audit.recent(s)
                                              if e.action in (audit.FAIR_CREATE, audit.FAIR_EDIT)])


def version_in(page: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', page).group(1)


def field_html(page: str, name: str) -> str:
    return re.search(rf'<div class="field[^"]*"><label for="f-{name}">.*?</div>', page, re.S).group(0)


def test_create_a_fair_and_see_its_recipients_and_exact_notice(server, http, services, subscribers):
    from scheduler.commands import preview_text
    from scheduler.messages import fair_notice
    from settings.scheduler import SchedulerConfig

    response = create(http, server)
    assert response.status_code == 303
    fair = fair_row(services)
    assert response.headers["Location"] == f"/console/fairs/{fair.id}?saved=1"
    assert fair.starts_at == dt.datetime(2030, 4, 12, 1, 0) and fair.province == "吉林"  # 09:00 Beijing, from the city
    assert fair.majors == "软件工程,计算机" and not fair.online and fair.positions == "软件开发工程师 20人"
    page = http.get(server.url(response.headers["Location"])).text
    assert "已保存" in page
    assert re.search(r'<span id="recipient-count">2</span>', page)  # 长春 + 软件工程, and 吉林 (province)
    assert "oWx***ef" in page and "5***01" in page and "oWx_cc_0001_abcdef" not in page and "5550001" not in page
    assert "南昌" not in page and "oWx***zz" not in page
    text = fair_notice(fair, TZ).text
    assert html.escape(text, quote=False) in page.replace("&#34;", '"').replace("&#39;", "'")
    cli = services.in_transaction(lambda s: preview_text(s, SchedulerConfig(), fair.code, dt.datetime.utcnow()))
    assert text in cli and "recipients now: 2" in cli  # the same preview the CLI prints
    listing = http.get(server.url("/console/fairs")).text
    assert f'<a href="/console/fairs/{fair.id}">{FORM["name"]}</a>' in listing
    [(actor, action, target, detail, at)] = audit_rows(services)
    assert (actor, action, target) == (SUPERVISOR_NAME, audit.FAIR_CREATE, FORM["code"]) and "名称" in detail
    assert abs(at - dt.datetime.utcnow()) < dt.timedelta(minutes=1)


def test_bad_input_is_marked_beside_its_field_and_nothing_typed_is_lost(server, http, services):
    typed = dict(FORM, name="<b>春季</b>招聘会", ends_at="2030-04-12T08:00", online="1", link="ftp://x", organiser="",
                 positions="岗位A\n岗位B & C", majors="护理、临床医学")
    response = create(http, server, **typed)
    assert response.status_code == 400
    page = response.text
    assert "请更正标出的项目" in page
    assert "结束时间不能早于开始时间" in field_html(page, "ends_at")
    assert "必填" in field_html(page, "organiser")
    assert "http:// 或 https://" in field_html(page, "link")
    assert "field-error" not in field_html(page, "name") and "field-error" not in field_html(page, "address")
    assert 'value="&lt;b&gt;春季&lt;/b&gt;招聘会"' in page and "<b>春季" not in page
    assert 'value="2030-04-12T08:00"' in page and 'value="ftp://x"' in page and 'value="护理、临床医学"' in page
    assert ">岗位A\n岗位B &amp; C</textarea>" in page and '<option value="1" selected>线上' in page
    assert fair_row(services) is None and audit_rows(services) == []
    missing = create(http, server, starts_at="明天上午", address="", online="")
    assert "时间格式应为" in field_html(missing.text, "starts_at") and "现场招聘会需要填写地址" in field_html(missing.text, "address")
    assert 'value="明天上午"' in missing.text


def test_a_new_fair_cannot_take_an_existing_code(server, http, services):
    assert create(http, server).status_code == 303
    again = create(http, server, name="另一场")
    assert again.status_code == 400 and "编号已被招聘会“长春市高校毕业生春季专场招聘会”使用" in field_html(again.text, "code")
    assert fair_row(services).name == FORM["name"] and 'value="另一场"' in again.text


def test_edit_a_fair_keeps_its_code_and_is_audited(server, http, services):
    create(http, server)
    fair = fair_row(services)
    edit_url = f"/console/fairs/{fair.id}/edit"
    page = http.get(server.url(edit_url)).text
    assert 'value="2030-04-12T09:00"' in page and 'value="软件工程、计算机"' in page and "readonly" in field_html(page, "code")
    version = version_in(page)
    form = dict(FORM, code="other-code", address="长春国际会展中心2号馆", starts_at="2030-04-12T10:00",
                ends_at="2030-04-12T16:00", csrf_token=csrf_from(page), version=version)
    response = http.post(server.url(edit_url), data=form, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == f"/console/fairs/{fair.id}?saved=1"
    edited = fair_row(services)
    assert edited.id == fair.id and edited.address == "长春国际会展中心2号馆" and edited.starts_at.hour == 2
    assert fair_row(services, "other-code") is None  # the code is the fair's identity: never changed by the form
    actor, action, target, detail, _ = audit_rows(services)[0]
    assert (actor, action, target) == (SUPERVISOR_NAME, audit.FAIR_EDIT, FORM["code"])
    assert detail == "字段：开始时间、结束时间、地址"  # what changed, in the form's words
    stale = http.post(server.url(edit_url), data=dict(form, name="改名"), allow_redirects=False)  # old version
    assert stale.status_code == 400 and "已被他人修改" in stale.text and 'value="改名"' in stale.text
    assert fair_row(services).name == FORM["name"]
    fresh = version_in(stale.text)
    assert http.post(server.url(edit_url), data=dict(form, name="改名", version=fresh),
                     allow_redirects=False).status_code == 303
    assert fair_row(services).name == "改名"
    page = http.get(server.url(edit_url)).text  # the derived province is left blank, so a new city derives anew
    assert 'value=""' in field_html(page, "province") and fair_row(services).province == "吉林"
    moved = dict(form, name="改名", city="南昌", csrf_token=csrf_from(page),
                 version=version_in(page))
    assert http.post(server.url(edit_url), data=moved, allow_redirects=False).status_code == 303
    assert fair_row(services).province == "江西"
    assert http.get(server.url("/console/fairs/999999/edit")).status_code == 404
    assert http.get(server.url("/console/fairs/abc")).status_code == 404


def test_editing_a_notified_fair_warns_shows_what_was_sent_and_sends_nothing_twice(server, http, services, subscribers):
    from scheduler import planner
    from scheduler.models import OutboxMessage
    from settings.scheduler import QuietHours, SchedulerConfig

    config = SchedulerConfig(quiet=QuietHours.parse("off", TZ))
    now = dt.datetime.utcnow().replace(second=0, microsecond=0)
    start = (now + dt.timedelta(days=2)).replace(tzinfo=dt.timezone.utc).astimezone(TZ)
    times = dict(starts_at=start.strftime("%Y-%m-%dT%H:%M"), ends_at=(start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    create(http, server, **times)
    fair = fair_row(services)

    def plan_and_send_one(session):
        planner.plan_fair_notices(session, now, config)  # the 3-day notice is due: one campaign, 2 recipients
        first = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().first()
        first.state, first.body, first.sent_at = "sent", "【招聘会提醒】旧地址的通知", now

    def outbox_keys(session):
        return sorted(session.execute(select(OutboxMessage.campaign, OutboxMessage.recipient, OutboxMessage.step,
                                             OutboxMessage.state)).all())

    services.in_transaction(plan_and_send_one)
    before = services.in_transaction(outbox_keys)
    assert len(before) == 2
    edit_url = f"/console/fairs/{fair.id}/edit"
    page = http.get(server.url(edit_url)).text
    assert "通知已发出：1 条" in page and "旧地址的通知" in page  # shown before any change is made
    form = dict(FORM, **times, address="长春国际会展中心2号馆", csrf_token=csrf_from(page),
                version=version_in(page))
    held = http.post(server.url(edit_url), data=form, allow_redirects=False)
    assert held.status_code == 409
    assert "此招聘会的通知已发出 1 条" in held.text and "旧地址的通知" in held.text and "不会自动收到更正" in held.text
    assert "地点：长春国际会展中心2号馆" in held.text and 'id="confirm"' in held.text
    assert fair_row(services).address == FORM["address"] and audit_rows(services)[0][1] == audit.FAIR_CREATE
    done = http.post(server.url(edit_url), data=dict(form, confirm="1"), allow_redirects=False)
    assert done.status_code == 303 and fair_row(services).address == "长春国际会展中心2号馆"
    assert "已发出1条通知" in audit_rows(services)[0][3]
    services.in_transaction(lambda s: planner.plan_fair_notices(s, now, config))
    assert services.in_transaction(outbox_keys) == before  # same campaign: nobody queued again

    page = http.get(server.url(edit_url)).text
    later = (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    moved = dict(form, starts_at=later, ends_at=(start + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
                 csrf_token=csrf_from(page), version=version_in(page))
    held = http.post(server.url(edit_url), data=moved, allow_redirects=False)
    assert held.status_code == 409 and "按新时间再次通知" in held.text
    assert http.post(server.url(edit_url), data=dict(moved, confirm="1"), allow_redirects=False).status_code == 303

    def plan_twice(session):
        planner.plan_fair_notices(session, now, config)
        planner.plan_fair_notices(session, now, config)
        return session.execute(select(OutboxMessage.campaign, func.count()).group_by(OutboxMessage.campaign)).all()

    campaigns = dict(services.in_transaction(plan_twice))
    assert len(campaigns) == 2 and set(campaigns.values()) == {2}  # the new time announced once per recipient


def test_fair_posts_need_the_session_csrf_token(server, http, services):
    form = dict(FORM)
    assert http.post(server.url("/console/fairs/new"), data=form, allow_redirects=False).status_code == 403
    assert http.post(server.url("/console/fairs/new"), data=dict(form, csrf_token="forged"),
                     allow_redirects=False).status_code == 403
    other_site = http.post(server.url("/console/fairs/new"), data=dict(form, csrf_token=token(http, server)),
                           headers={"Origin": "http://evil.example"}, allow_redirects=False)
    assert other_site.status_code == 403 and fair_row(services) is None
    create(http, server)
    fair = fair_row(services)
    forged = http.post(server.url(f"/console/fairs/{fair.id}/edit"), data=dict(form, name="篡改", csrf_token="forged"),
                       allow_redirects=False)
    assert forged.status_code == 403 and fair_row(services).name == FORM["name"]


def test_fair_routes_refuse_anonymous_requests(server, services):
    fair_routes = {(uri, method) for uri, method, handler in routes(server.blueprint) if uri.startswith("/fairs")}
    assert fair_routes == {("/fairs", "GET"), ("/fairs/new", "GET"), ("/fairs/new", "POST"),
                           ("/fairs/<fair_id:str>", "GET"), ("/fairs/<fair_id:str>/edit", "GET"),
                           ("/fairs/<fair_id:str>/edit", "POST")}
    assert not any(is_public(h) for uri, _, h in routes(server.blueprint) if uri.startswith("/fairs"))
    anonymous = requests.post(server.url("/console/fairs/new"), data=dict(FORM, csrf_token="x"), allow_redirects=False)
    assert anonymous.status_code == 401 and fair_row(services) is None
    page = requests.get(server.url("/console/fairs/1"), allow_redirects=False)
    assert page.status_code == 302 and page.headers["Location"] == "/console/login"
