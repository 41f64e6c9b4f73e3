"""Issue 11, finding 6, replayed against the console (in-process Sanic serving the real console
blueprint, on SQLite and on PostgreSQL):

* one operator's wrong passwords lock that user name only, not the colleagues who share the
  gateway's address; an address is locked only at its own, higher, limit;
* a lock ends when it was set to: attempts during it are refused unchecked and do not extend it;
* X-Forwarded-For is ignored unless a trusted-proxy count is configured, and then only the hop
  that many places from the right is believed (throttle and audit alike);
* an operator can neither reveal a full ID number nor create or edit a job fair (which is what
  broadcasts); the refusal is a Chinese 403 page and an audit entry; a supervisor can;
* a disabled account cannot log in and its open session stops working at once;
* a supervisor lifts a lock from the console; `jiuye console` lists, disables, enables, unlocks and
  sets roles; existing accounts become operators when the migration runs.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import secrets

import pytest
import requests
import yaml
from sqlalchemy import select, text

from console import accounts, audit, auth, throttle
from console.models import LoginLock
from console.routing import is_public, supervisor_action
from console.services import ConsoleServices
from registry.crypto import IdCipher
from registry.db import alembic_config, dispose_all, make_engine
from registry.models import utcnow
from registry.store import RegistrationStore
from settings.console import ConsoleConfig
from tests.conftest import ROOT
from tests.console.helpers import ID_NUMBER, PASSWORD, ConsoleServer, concrete, csrf_from, login, register, routes
from tests.registry.conftest import engine, sqlite_template  # noqa: F401  (migrated ledger: SQLite, PostgreSQL)
from tests.support.postgres import scratch_database

SUPERVISOR = "chief"
GATEWAY_ADDRESS = "127.0.0.1"  # every request below comes from here, as through the gateway
FAIR_FORM = {
    "code": "sec-2030-spring", "name": "长春市春季专场招聘会", "starts_at": "2030-04-12T09:00",
    "ends_at": "2030-04-12T15:00", "city": "长春", "address": "长春国际会展中心1号馆", "organiser": "长春市人社局",
}
ROLES_REVISION = "c02_console_roles"


@pytest.fixture
def config() -> ConsoleConfig:
    return ConsoleConfig(login_max_failures=3, login_max_failures_per_address=6)


def build_services(engine, kb, config: ConsoleConfig) -> ConsoleServices:
    services = ConsoleServices.build(RegistrationStore(engine, IdCipher({1: secrets.token_bytes(32)})), kb, config)
    services.in_transaction(lambda s: auth.add_user(s, "operator", PASSWORD, config, display_name="王坐席"))
    services.in_transaction(lambda s: auth.add_user(s, "second", PASSWORD, config, display_name="赵坐席"))
    services.in_transaction(lambda s: auth.add_user(s, SUPERVISOR, PASSWORD, config, display_name="李主管",
                                                    role="supervisor"))
    return services


@pytest.fixture
def services(engine, kb, config) -> ConsoleServices:
    return build_services(engine, kb, config)


@pytest.fixture
def server(services):
    with ConsoleServer(services) as running:
        yield running


def audit_rows(services, *actions):
    return services.in_transaction(lambda s: [(e.action, e.actor, e.target, e.ip, e.detail) for e in audit.recent(s, 500)
                                              if not actions or e.action in actions])


def lock_row(services, scope, key):
    return services.in_transaction(lambda s: s.get(LoginLock, (scope, key)))


def signed_in(server, username: str) -> requests.Session:
    http = requests.Session()
    assert login(http, server, username).status_code == 303
    return http


# --- throttling -------------------------------------------------------------------------------

def test_one_account_locked_does_not_lock_colleagues_behind_the_same_address(server, services, config):
    http = requests.Session()
    for _ in range(config.login_max_failures):
        assert login(http, server, "operator", "wrong-password").status_code == 401
    refused = login(http, server, "operator")  # the right password now: refused, the name is locked
    assert refused.status_code == 401 and "该账号登录失败次数过多" in refused.text
    for colleague in ("second", SUPERVISOR):  # same gateway address, other accounts: unaffected
        assert login(requests.Session(), server, colleague).status_code == 303
    assert lock_row(services, throttle.ACCOUNT, "operator") is not None
    assert lock_row(services, throttle.ADDRESS, GATEWAY_ADDRESS) is None


def test_the_address_locks_only_at_its_own_higher_limit(server, services, config):
    http = requests.Session()
    names = [f"guess{i}" for i in range(config.login_max_failures_per_address)]  # spraying many names
    for name in names[:-1]:
        assert login(http, server, name, "wrong-password").status_code == 401
    assert login(requests.Session(), server, "second").status_code == 303  # one below the limit: still open
    assert login(http, server, names[-1], "wrong-password").status_code == 401
    refused = login(requests.Session(), server, "second")
    assert refused.status_code == 401 and "网络地址" in refused.text
    assert ("login_locked", None, GATEWAY_ADDRESS) in [row[:3] for row in audit_rows(services, audit.LOCKED)]


def test_attempts_during_a_lock_do_not_extend_it(services, config):
    start = utcnow()

    def attempt(password, seconds, ip="10.1.1.1"):
        at = start + dt.timedelta(seconds=seconds)
        return services.in_transaction(lambda s: auth.authenticate(s, "operator", password, ip, config, now=at))

    for second in range(config.login_max_failures):
        assert not attempt("wrong-password", second).ok
    locked_until = lock_row(services, throttle.ACCOUNT, "operator").locked_until
    assert locked_until == start + dt.timedelta(seconds=config.login_max_failures - 1) + config.lock_duration
    for minute in (1, 5, 10, 14):  # refused, right or wrong password, from anywhere
        result = attempt(PASSWORD if minute % 2 else "wrong-password", minute * 60, ip=f"10.1.1.{minute}")
        assert not result.ok and "分钟后再试" in result.error
    assert lock_row(services, throttle.ACCOUNT, "operator").locked_until == locked_until  # not moved
    assert len(audit_rows(services, audit.LOGIN_REFUSED)) == 4
    assert len(audit_rows(services, audit.LOGIN_FAILED)) == config.login_max_failures  # refusals are not failures
    after = (locked_until - start).total_seconds() + 1
    # once it ends: the failures that caused it do not lock again at the next typo
    assert attempt("wrong-password", after).error == auth.BAD_LOGIN
    assert attempt(PASSWORD, after + 1).ok


# --- the real client address ------------------------------------------------------------------

def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(server, services, config):
    http = requests.Session()
    for i in range(config.login_max_failures_per_address):  # a new "address" every time
        forged = {"X-Forwarded-For": f"198.51.100.{i}"}
        page = http.get(server.url("/console/login"), headers=forged)
        http.post(server.url("/console/login"), headers=forged, allow_redirects=False,
                  data={"username": f"guess{i}", "password": "x", "csrf_token": csrf_from(page.text)})
    assert {row[3] for row in audit_rows(services, audit.LOGIN_FAILED)} == {GATEWAY_ADDRESS}  # audit not faked
    blocked = login(requests.Session(), server, "second")
    assert blocked.status_code == 401 and "网络地址" in blocked.text  # the limit was not dodged


@pytest.mark.parametrize("hops", [1, 2])
def test_forwarded_for_is_honoured_only_for_the_configured_hop_count(engine, kb, hops):
    config = ConsoleConfig(login_max_failures=3, login_max_failures_per_address=3, proxies_count=hops)
    services = build_services(engine, kb, config)
    # what the client wrote, then what each trusted proxy appended (the client's real address first)
    trusted = ["203.0.113.7", "10.0.0.2"][:hops]
    with ConsoleServer(services) as server:
        for i in range(config.login_max_failures_per_address):
            chain = {"X-Forwarded-For": ", ".join([f"192.0.2.{i}", *trusted])}  # the left part is forged
            http = requests.Session()
            page = http.get(server.url("/console/login"), headers=chain)
            http.post(server.url("/console/login"), headers=chain, allow_redirects=False,
                      data={"username": f"guess{i}", "password": "x", "csrf_token": csrf_from(page.text)})
        assert {row[3] for row in audit_rows(services, audit.LOGIN_FAILED)} == {"203.0.113.7"}
        assert lock_row(services, throttle.ADDRESS, "203.0.113.7") is not None
        # the real client is locked whatever it forges on the left ...
        http = requests.Session()
        chain = {"X-Forwarded-For": ", ".join(["192.0.2.200", *trusted])}
        page = http.get(server.url("/console/login"), headers=chain)
        refused = http.post(server.url("/console/login"), headers=chain, allow_redirects=False,
                            data={"username": "second", "password": PASSWORD, "csrf_token": csrf_from(page.text)})
        assert refused.status_code == 401 and "网络地址" in refused.text
        # ... and another client behind the same proxies is not
        other = {"X-Forwarded-For": ", ".join(["198.51.100.1", *trusted[1:]])}
        http = requests.Session()
        page = http.get(server.url("/console/login"), headers=other)
        assert http.post(server.url("/console/login"), headers=other, allow_redirects=False,
                         data={"username": "second", "password": PASSWORD, "csrf_token": csrf_from(page.text)}
                         ).status_code == 303
        assert audit_rows(services, audit.LOGIN)[0][3] == "198.51.100.1"
        # fewer hops than configured: the request did not come through the proxies, the peer counts
        short = {"X-Forwarded-For": "192.0.2.99"} if hops == 2 else {}
        http = requests.Session()
        page = http.get(server.url("/console/login"), headers=short)
        http.post(server.url("/console/login"), headers=short, allow_redirects=False,
                  data={"username": SUPERVISOR, "password": PASSWORD, "csrf_token": csrf_from(page.text)})
        assert audit_rows(services, audit.LOGIN)[0][1:4] == (SUPERVISOR, SUPERVISOR, GATEWAY_ADDRESS)


def test_the_address_setting_is_validated_at_start(monkeypatch):
    from jiuye.preflight import problems
    from settings import Settings

    assert ConsoleConfig.from_env({}).proxies_count == 0
    assert ConsoleConfig.from_env({"JIUYE_PROXIES_COUNT": "2"}).proxies_count == 2
    for bad in ("-1", "one", "1.5"):
        with pytest.raises(ValueError, match="JIUYE_PROXIES_COUNT"):
            ConsoleConfig.from_env({"JIUYE_PROXIES_COUNT": bad})
    monkeypatch.setenv("JIUYE_PROXIES_COUNT", "-1")
    assert "JIUYE_PROXIES_COUNT" in problems(Settings.from_env())  # `jiuye run` / `jiuye rasa` stop with one line


def test_compose_trusts_exactly_the_gateway_and_does_not_publish_the_rasa_port():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text(encoding="utf-8"))
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"gateway"}  # Rasa's port is reachable only through the gateway
    assert compose["services"]["rasa"]["environment"]["JIUYE_PROXIES_COUNT"] == "${JIUYE_PROXIES_COUNT:-1}"
    nginx = (ROOT / "docker" / "nginx.conf").read_text(encoding="utf-8")
    console_block = nginx.split("location /console/", 1)[1].split("}", 1)[0]
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in console_block  # the one hop it appends


# --- roles ------------------------------------------------------------------------------------

def test_supervisor_only_routes_are_the_id_reveal_fair_changes_and_account_admin(server):
    marked = {(uri, method) for uri, method, handler in routes(server.blueprint) if supervisor_action(handler)}
    assert marked == {
        ("/registrations/<reg_no:str>/reveal", "POST"), ("/fairs/new", "GET"), ("/fairs/new", "POST"),
        ("/fairs/<fair_id:str>/edit", "GET"), ("/fairs/<fair_id:str>/edit", "POST"), ("/staff", "GET"),
        ("/staff/unlock", "POST"),
    }


def test_operator_is_refused_every_supervisor_route_with_a_chinese_page_and_an_audit_entry(server, services):
    reg_no = register(services.store)
    http = signed_in(server, "operator")
    token = csrf_from(http.get(server.url("/console/answer")).text)
    checked = 0
    for uri, method, handler in routes(server.blueprint):
        if not supervisor_action(handler) or is_public(handler):
            continue
        response = http.request(method, server.url("/console" + concrete(uri, reg_no)),
                                data={**FAIR_FORM, "csrf_token": token}, allow_redirects=False)
        assert response.status_code == 403, (method, uri)
        assert "仅限主管账号" in response.text and supervisor_action(handler) in response.text
        assert ID_NUMBER not in response.text
        checked += 1
    denied = audit_rows(services, audit.DENIED)
    assert len(denied) == checked == 7 and {row[1] for row in denied} == {"operator"}
    assert not audit_rows(services, audit.REVEAL_ID, audit.FAIR_CREATE, audit.FAIR_EDIT, audit.UNLOCKED)


def test_operator_cannot_reveal_an_id_number_supervisor_can(server, services):
    reg_no = register(services.store)
    operator = signed_in(server, "operator")
    page = operator.get(server.url(f"/console/registrations/{reg_no}")).text
    assert 'id="reveal"' not in page and "查看完整号码需主管账号" in page
    refused = operator.post(server.url(f"/console/registrations/{reg_no}/reveal"), data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 403 and ID_NUMBER not in refused.text and "查看完整身份证号" in refused.text
    assert audit_rows(services, audit.DENIED)[0][:3] == (audit.DENIED, "operator", f"/console/registrations/{reg_no}/reveal")
    supervisor = signed_in(server, SUPERVISOR)
    page = supervisor.get(server.url(f"/console/registrations/{reg_no}")).text
    assert 'id="reveal"' in page
    shown = supervisor.post(server.url(f"/console/registrations/{reg_no}/reveal"), data={"csrf_token": csrf_from(page)})
    assert shown.status_code == 200 and ID_NUMBER in shown.text
    assert [row[1:3] for row in audit_rows(services, audit.REVEAL_ID)] == [(SUPERVISOR, reg_no)]


def test_operator_cannot_create_or_edit_a_fair_supervisor_can(server, services):
    from scheduler.models import JobFair, OutboxMessage

    def fairs(session):
        return [(f.code, f.name) for f in session.execute(select(JobFair)).scalars()]

    operator = signed_in(server, "operator")
    listing = operator.get(server.url("/console/fairs")).text
    assert 'id="new-fair"' not in listing and "需主管账号" in listing
    token = csrf_from(operator.get(server.url("/console/answer")).text)
    refused = operator.post(server.url("/console/fairs/new"), data={**FAIR_FORM, "csrf_token": token},
                            allow_redirects=False)
    assert refused.status_code == 403 and "群发通知" in refused.text
    assert services.in_transaction(fairs) == []
    supervisor = signed_in(server, SUPERVISOR)
    form_token = csrf_from(supervisor.get(server.url("/console/fairs/new")).text)
    created = supervisor.post(server.url("/console/fairs/new"), data={**FAIR_FORM, "csrf_token": form_token},
                              allow_redirects=False)
    assert created.status_code == 303, created.text[-500:]
    fair_id = re.search(r"/console/fairs/(\d+)", created.headers["Location"]).group(1)
    assert 'id="edit-fair"' not in operator.get(server.url(f"/console/fairs/{fair_id}")).text
    edit = operator.post(server.url(f"/console/fairs/{fair_id}/edit"), allow_redirects=False,
                         data={**FAIR_FORM, "name": "被坐席改掉的名称", "csrf_token": token})
    assert edit.status_code == 403
    assert services.in_transaction(fairs) == [(FAIR_FORM["code"], FAIR_FORM["name"])]
    assert services.in_transaction(lambda s: s.query(OutboxMessage).count()) == 0
    assert [row[1] for row in audit_rows(services, audit.FAIR_CREATE, audit.FAIR_EDIT)] == [SUPERVISOR]


def test_a_role_change_applies_to_an_open_session(server, services):
    reg_no = register(services.store)
    http = signed_in(server, "operator")
    url = server.url(f"/console/registrations/{reg_no}")
    assert 'id="reveal"' not in http.get(url).text
    services.in_transaction(lambda s: accounts.set_role(s, "operator", "supervisor"))
    page = http.get(url).text
    assert 'id="reveal"' in page and "主管：王坐席" in page
    assert ID_NUMBER in http.post(url + "/reveal", data={"csrf_token": csrf_from(page)}).text


# --- disabled accounts, unlocking -------------------------------------------------------------

def test_disabled_account_cannot_log_in_and_its_live_session_stops(server, services):
    http = signed_in(server, "operator")
    assert http.get(server.url("/console/answer"), allow_redirects=False).status_code == 200
    assert services.in_transaction(lambda s: accounts.set_active(s, "operator", False))
    stale = http.get(server.url("/console/answer"), allow_redirects=False)
    assert stale.status_code == 302 and stale.headers["Location"] == "/console/login"
    assert http.post(server.url("/console/api/answer"), json={"question": "贷款"}).status_code == 401
    refused = login(requests.Session(), server, "operator")
    assert refused.status_code == 401 and "该账号已停用" in refused.text
    assert audit_rows(services, audit.LOGIN_REFUSED)[0][4] == "account disabled"
    assert services.in_transaction(lambda s: accounts.set_active(s, "operator", True))
    assert login(requests.Session(), server, "operator").status_code == 303


def test_a_supervisor_unlocks_an_account_from_the_console(server, services, config):
    for _ in range(config.login_max_failures):
        login(requests.Session(), server, "operator", "wrong-password")
    assert login(requests.Session(), server, "operator").status_code == 401
    supervisor = signed_in(server, SUPERVISOR)
    page = supervisor.get(server.url("/console/staff")).text
    row = re.search(r"<tr><td>operator</td>.*?</tr>", page).group(0)
    assert "坐席" in row and "启用" in row and "解锁" in row
    assert "解锁" not in re.search(r"<tr><td>second</td>.*?</tr>", page).group(0)
    done = supervisor.post(server.url("/console/staff/unlock"), allow_redirects=False,
                           data={"scope": "account", "key": "operator", "csrf_token": csrf_from(page)})
    assert done.status_code == 303
    assert login(requests.Session(), server, "operator").status_code == 303
    assert [row[1:3] for row in audit_rows(services, audit.UNLOCKED)] == [(SUPERVISOR, "operator")]
    again = supervisor.post(server.url("/console/staff/unlock"), data={"scope": "account", "key": "operator",
                                                                       "csrf_token": csrf_from(page)})
    assert again.status_code == 409 and "当前没有被锁定" in again.text


# --- the command line and the migration -------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def cli_env(request, tmp_path, monkeypatch):
    def use(url):
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("JIUYE_CONSOLE_LOGIN_MAX_FAILURES", "3")
        monkeypatch.setenv("JIUYE_CONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS", "3")
        return url

    try:
        if request.param == "sqlite":
            yield use(f"sqlite:///{tmp_path / 'cli.db'}")
        else:
            with scratch_database("jiuye_sec_cli") as url:
                yield use(url)
                dispose_all()
    finally:
        dispose_all()


def jiuye(capsys, monkeypatch, *argv, stdin: str = ""):
    from jiuye.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(["console", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys, monkeypatch):
    code, out, _ = jiuye(capsys, monkeypatch, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "DISPLAY", "NAME", "ROLE", "ENABLED", "LOCKED", "UNTIL", "(UTC+8)"]
    return {line.split()[0]: line.split()[1:] for line in lines[1:]}


def test_cli_add_list_disable_enable_set_role_unlock(cli_env, capsys, monkeypatch):
    assert jiuye(capsys, monkeypatch, "add-user", "chief", "--password-stdin", "--role", "supervisor",
                 stdin=PASSWORD + "\n")[0] == 0
    assert jiuye(capsys, monkeypatch, "add-user", "wang", "--password-stdin", "--display-name", "王坐席",
                 stdin=PASSWORD + "\n")[0] == 0
    assert listing(capsys, monkeypatch) == {"chief": ["chief", "supervisor", "yes", "-"],
                                            "wang": ["王坐席", "operator", "yes", "-"]}
    engine = make_engine(cli_env)
    config = ConsoleConfig.from_env()
    services = ConsoleServices.build(RegistrationStore(engine, IdCipher({1: secrets.token_bytes(32)})), None, config)

    def log_in(password=PASSWORD, ip="10.2.2.2"):
        return services.in_transaction(lambda s: auth.authenticate(s, "wang", password, ip, config))

    try:
        for _ in range(3):
            log_in("wrong-password", ip="10.3.3.3")
        locked = listing(capsys, monkeypatch)["wang"]
        assert locked[:3] == ["王坐席", "operator", "yes"] and re.fullmatch(r"\d{4}-\d\d-\d\d", locked[3])
        assert not log_in().ok
        code, _, err = jiuye(capsys, monkeypatch, "unlock", "wang")
        assert code == 0 and "account wang unlocked" in err
        assert listing(capsys, monkeypatch)["wang"][3] == "-" and log_in().ok
        assert jiuye(capsys, monkeypatch, "unlock", "wang")[2].strip().endswith("was not locked")
        # the address that failed three times is locked too; lifted with --address
        assert not services.in_transaction(lambda s: auth.authenticate(s, "chief", PASSWORD, "10.3.3.3", config)).ok
        assert jiuye(capsys, monkeypatch, "unlock", "--address", "10.3.3.3")[0] == 0
        assert services.in_transaction(lambda s: auth.authenticate(s, "chief", PASSWORD, "10.3.3.3", config)).ok

        code, _, err = jiuye(capsys, monkeypatch, "disable", "wang")
        assert code == 0 and "disabled" in err
        assert listing(capsys, monkeypatch)["wang"][2] == "no"
        assert log_in().error == auth.DISABLED
        assert jiuye(capsys, monkeypatch, "enable", "wang")[0] == 0 and log_in().ok

        assert jiuye(capsys, monkeypatch, "set-role", "wang", "supervisor")[0] == 0
        assert listing(capsys, monkeypatch)["wang"][1] == "supervisor"
        code, _, err = jiuye(capsys, monkeypatch, "disable", "nobody")
        assert code == 1 and "没有用户 nobody" in err
        with pytest.raises(SystemExit):
            jiuye(capsys, monkeypatch, "set-role", "wang", "admin")
        assert jiuye(capsys, monkeypatch, "unlock")[0] == 2  # a name or --address
        details = services.in_transaction(lambda s: [e.detail for e in audit.recent(s) if e.action == audit.ACCOUNT])
        assert {"enabled", "role operator -> supervisor"} <= set(details)
        assert any(d.startswith("disabled") for d in details)
    finally:
        engine.dispose()


def test_existing_accounts_become_operators_and_keep_their_sessions(engine):
    from alembic import command

    def to(revision, downgrade=False):
        config = alembic_config(engine)
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(config, revision)
            connection.commit()

    from alembic.script import ScriptDirectory

    before = ScriptDirectory.from_config(alembic_config()).get_revision(ROLES_REVISION).down_revision
    to(before, downgrade=True)
    now = utcnow()
    insert_user = text("INSERT INTO staff_users (username, display_name, password_hash, active, created_at, "
                       "password_changed_at) VALUES (:name, :name, 'scrypt$x', :yes, :now, :now)")
    with engine.begin() as connection:
        connection.execute(insert_user, {"name": "veteran", "yes": True, "now": now})
        user_id = connection.execute(text("SELECT id FROM staff_users WHERE username = 'veteran'")).scalar()
        connection.execute(text(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)"
            " VALUES ('h', :user_id, 'c', :now, :now, :now)"), {"user_id": user_id, "now": now})
    to("head")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT role FROM staff_users")).scalars().all() == ["operator"]
        assert connection.execute(text("SELECT count(*) FROM staff_sessions")).scalar() == 1  # no table rebuild
        assert connection.execute(text("SELECT count(*) FROM staff_login_locks")).scalar() == 0
        connection.execute(insert_user, {"name": "newcomer", "yes": True, "now": now})  # as old code would insert
        assert connection.execute(text("SELECT role FROM staff_users WHERE username = 'newcomer'")).scalar() == "operator"
