"""The console as a Rasa custom input channel, so the Rasa server serves it in-process and the
answer aid reaches the loaded agent.

Mounting under /console: Rasa 3.6's ``channel.register`` mounts a channel's blueprint at
``urljoin("/webhooks/", channel.url_prefix())``; an absolute ``url_prefix`` ("/console") replaces
the base, so the console lives at /console/ rather than /webhooks/console/. Named in the
credentials file as ``console.channel.ConsoleInput`` (``jiuye.runner.channel_credentials``).

Every route is guarded by one blueprint request middleware: a route is reachable without a staff
session only if its handler is marked ``@public`` (the login page), and every POST must carry the
CSRF token (the session's, or the login form's double-submit token) and must not come from
another origin. A route added later is therefore protected by default; tests enumerate the
blueprint's routes to check it. Handlers marked ``@supervisor_only(what)`` (full ID numbers,
job-fair broadcasts, account administration) answer an operator with a 403 page and an audit
entry before the handler runs. The same middleware works out the client's address
(``web.real_client_address``) once for the throttle and the audit log.
"""
from __future__ import annotations

import secrets
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint
from sanic.request import Request

from console import (
    audit,
    csrf,
    sessions,
    views_answer,
    views_auth,
    views_fairs,
    views_ledger,
    views_staff,
    views_unanswered,
    web,
)
from console.answer_aid import Dialogue, RasaDialogue
from console.routing import Console, is_public, supervisor_action
from console.services import ConsoleServices, ServicesHolder

NAME = "console"
URL_PREFIX = "/console"


NOT_ALLOWED = "“{what}”仅限主管账号操作。您的账号是坐席账号，本次尝试已记入审计日志；如确需办理，请联系主管。"


def _refuse(request: Request):
    if request.method in ("GET", "HEAD") and not web.is_api(request):
        return web.redirect(web.LOGIN_PATH, status=302)
    return web.json_error("未登录或登录已过期", 401)


async def _deny(request: Request, services: ConsoleServices, info: sessions.SessionInfo, what: str):
    """An operator asked for a supervisor's action: audited, then a 403 in Chinese."""
    await services.run(lambda s: audit.write(s, audit.DENIED, actor=info.username, target=request.path[:100],
                                             ip=web.client_ip(request), detail=f"{request.method} {what}"))
    message = NOT_ALLOWED.format(what=what)
    if web.is_api(request):
        return web.json_error(message, 403)
    return web.page(request, "无权操作", web.message_box(message, True), status=403)


def build_blueprint(console: Console) -> Blueprint:

    bp = Blueprint(NAME)

    @bp.middleware("request")
    async def guard(request: Request):
        request.ctx.nonce = secrets.token_urlsafe(16)
        handler = request.route.handler if request.route else None
        open_route = is_public(handler)
        services = await console.services()
        request.ctx.client_ip = web.real_client_address(
            request.ip, request.headers.getall("x-forwarded-for", []), services.config.proxies_count)
        info = None
        token = request.cookies.get(sessions.COOKIE)
        if token:
            info = await services.run(lambda s: sessions.lookup(s, token, services.config))
        request.ctx.staff = info
        if info is None and not open_route:
            return _refuse(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            expected = info.csrf_token if info is not None else request.cookies.get(csrf.LOGIN_COOKIE)
            if not csrf.same_origin(request) or not csrf.matches(expected, csrf.submitted(request)):
                if web.is_api(request):
                    return web.json_error("请求校验失败（CSRF）", 403)
                return web.page(request, "请求被拒绝", web.message_box("页面已过期或请求来源不正确，请刷新页面后重试。", True),
                                status=403)
        what = supervisor_action(handler)
        if what is not None and info is not None and not info.is_supervisor:
            return await _deny(request, services, info, what)
        return None

    @bp.middleware("response")
    async def headers(request: Request, response: Any):
        web.security_headers(request, response)

    for module in (views_auth, views_answer, views_ledger, views_fairs, views_unanswered, views_staff):
        module.register(bp, console)
    return bp


class ConsoleInput(InputChannel):
    """``console.channel.ConsoleInput`` in credentials.yml (no credentials needed)."""
    def __init__(self, holder: Optional[ServicesHolder] = None,
                 dialogue_for: Optional[Callable[[Request], Dialogue]] = None):
        self._holder = holder or ServicesHolder()
        self._dialogue_for = dialogue_for

    @classmethod
    def name(cls) -> str:
        return NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "ConsoleInput":
        return cls()

    def url_prefix(self) -> str:
        return URL_PREFIX

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        def rasa_dialogue(request: Request) -> Dialogue:
            return RasaDialogue(on_new_message, lambda: getattr(request.app.ctx, "agent", None))

        return build_blueprint(Console(self._holder, self._dialogue_for or rasa_dialogue))
