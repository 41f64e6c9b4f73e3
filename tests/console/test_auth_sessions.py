"""Passwords, login rate limiting, sessions and their expiry, CSRF tokens and cookie attributes."""
from __future__ import annotations

import datetime as dt

import pytest
from sanic.response import HTTPResponse

from console import audit, auth, csrf, sessions
from console.models import StaffSession
from registry.models import utcnow
from settings.console import ConsoleConfig
from tests.console.helpers import PASSWORD

FAST = dict(n=2 ** 10, r=8, p=1)  # cheap parameters where only the format is under test


def test_password_hash_is_salted_scrypt_and_verifies():
    first, second = auth.hash_password("s3cret-pass", **FAST), auth.hash_password("s3cret-pass", **FAST)
    assert first.startswith("scrypt$1024$8$1$") and "s3cret-pass" not in first
    assert first != second  # per-hash random salt
    assert auth.verify_password("s3cret-pass", first) and auth.verify_password("s3cret-pass", second)
    assert not auth.verify_password("s3cret-pasS", first)
    assert not auth.verify_password("s3cret-pass", "md5$abc")
    assert not auth.verify_password("s3cret-pass", "garbage")


def test_default_cost_is_the_documented_one():
    stored = auth.hash_password("another-password")
    assert stored.split("$")[1:4] == [str(auth.SCRYPT_N), "8", "1"] and auth.SCRYPT_N >= 2 ** 15


def test_add_user_rules(services, config):
    with pytest.raises(auth.AccountError, match="已存在"):
        services.in_transaction(lambda s: auth.add_user(s, "operator", "another-long-one", config))
    with pytest.raises(auth.AccountError, match="至少"):
        services.in_transaction(lambda s: auth.add_user(s, "newbie", "short", config))
    with pytest.raises(auth.AccountError, match="用户名"):
        services.in_transaction(lambda s: auth.add_user(s, "bad name!", "long-enough-pass", config))


def _login(services, config, password, ip="10.9.8.7", username="operator"):
    return services.in_transaction(lambda s: auth.authenticate(s, username, password, ip, config))


def test_login_success_failure_and_audit(services, config):
    assert _login(services, config, PASSWORD).ok
    bad = _login(services, config, "wrong-password")
    assert not bad.ok and bad.error == auth.BAD_LOGIN
    unknown = _login(services, config, PASSWORD, username="nobody")
    assert not unknown.ok and unknown.error == auth.BAD_LOGIN  # same message: no user enumeration
    actions = services.in_transaction(lambda s: [e.action for e in audit.recent(s)])
    assert actions.count(audit.LOGIN) == 1 and actions.count(audit.LOGIN_FAILED) == 2


def test_login_locks_the_user_name_then_the_address_at_its_own_limit(services, config):
    for _ in range(config.login_max_failures):
        assert not _login(services, config, "wrong-password", ip="10.0.0.1").ok
    locked = _login(services, config, PASSWORD, ip="10.0.0.2")  # right password, other address: still locked
    assert not locked.ok and "次数过多" in locked.error and "该账号" in locked.error
    # the same address is not locked for other user names (a call centre shares one address) ...
    services.in_transaction(lambda s: auth.add_user(s, "second", "second-password", config))
    assert _login(services, config, "second-password", ip="10.0.0.1", username="second").ok
    # ... until failures from it reach the higher per-address limit
    for name in ("guess-a", "guess-b", "guess-c"):
        assert not _login(services, config, "wrong-password", ip="10.0.0.1", username=name).ok
    refused = _login(services, config, "second-password", ip="10.0.0.1", username="second")
    assert not refused.ok and "网络地址" in refused.error
    assert _login(services, config, "second-password", ip="10.0.0.3", username="second").ok
    # after the lock, the right password works again
    later = utcnow() + config.lock_duration + dt.timedelta(seconds=1)
    assert services.in_transaction(lambda s: auth.authenticate(s, "operator", PASSWORD, "10.0.0.2", config, now=later)).ok


def test_session_lifecycle(services, config):
    user_id = _login(services, config, PASSWORD).user_id
    start = dt.datetime(2026, 1, 5, 9, 0)
    token, csrf_token = services.in_transaction(lambda s: sessions.create(s, user_id, "10.0.0.1", config, now=start))
    stored = services.in_transaction(lambda s: s.query(StaffSession).one())
    assert stored.token_hash == sessions.token_hash(token) and token not in stored.token_hash  # only the hash kept

    def look(at):
        return services.in_transaction(lambda s: sessions.lookup(s, token, config, now=at))

    info = look(start + dt.timedelta(minutes=10))
    assert info.username == "operator" and info.display_name == "王坐席" and info.csrf_token == csrf_token
    assert look(start + dt.timedelta(minutes=10) + config.idle_timeout) is None  # idle too long: gone
    assert services.in_transaction(lambda s: s.query(StaffSession).count()) == 0
    assert services.in_transaction(lambda s: sessions.lookup(s, "forged-token", config)) is None
    assert services.in_transaction(lambda s: sessions.lookup(s, None, config)) is None


def test_session_absolute_expiry_and_logout(services, config):
    user_id = _login(services, config, PASSWORD).user_id
    start = dt.datetime(2026, 1, 5, 9, 0)
    token, _ = services.in_transaction(lambda s: sessions.create(s, user_id, None, config, now=start))
    at = start
    while at + dt.timedelta(minutes=20) < start + config.session_lifetime:  # active all shift long
        at += dt.timedelta(minutes=20)
        assert services.in_transaction(lambda s: sessions.lookup(s, token, config, now=at)) is not None
    end = start + config.session_lifetime
    assert services.in_transaction(lambda s: sessions.lookup(s, token, config, now=end)) is None
    token, _ = services.in_transaction(lambda s: sessions.create(s, user_id, None, config))
    assert services.in_transaction(lambda s: sessions.end(s, token))
    assert services.in_transaction(lambda s: sessions.lookup(s, token, config)) is None


def test_password_reset_ends_sessions(services, config):
    user_id = _login(services, config, PASSWORD).user_id
    token, _ = services.in_transaction(lambda s: sessions.create(s, user_id, None, config))
    services.in_transaction(lambda s: auth.add_user(s, "operator", "brand-new-password", config, reset=True))
    assert services.in_transaction(lambda s: sessions.lookup(s, token, config)) is None
    assert _login(services, config, "brand-new-password").ok


def test_csrf_token_comparison():
    token = csrf.new_token()
    assert len(token) >= 40 and token != csrf.new_token()
    assert csrf.matches(token, token)
    assert not csrf.matches(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not csrf.matches(token, None) and not csrf.matches(None, token) and not csrf.matches("", "")


@pytest.mark.parametrize("secure", [True, False])
def test_cookie_attributes(secure):
    response = HTTPResponse()
    sessions.set_cookie(response, sessions.COOKIE, "tok", secure, max_age=60)
    header = response.cookies[sessions.COOKIE].encode("utf-8").decode()
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/console" in header
    assert "Max-Age=60" in header
    assert ("Secure" in header) is secure


def test_secure_cookie_setting():
    assert ConsoleConfig.from_env({}).secure_cookies("https") and not ConsoleConfig.from_env({}).secure_cookies("http")
    assert ConsoleConfig.from_env({"JIUYE_CONSOLE_COOKIE_SECURE": "1"}).secure_cookies("http")
    assert not ConsoleConfig.from_env({"JIUYE_CONSOLE_COOKIE_SECURE": "0"}).secure_cookies("https")
    with pytest.raises(ValueError):
        ConsoleConfig.from_env({"JIUYE_CONSOLE_COOKIE_SECURE": "maybe"})
    assert ConsoleConfig.from_env({"JIUYE_CONSOLE_IDLE_MINUTES": "5"}).idle_timeout == dt.timedelta(minutes=5)
