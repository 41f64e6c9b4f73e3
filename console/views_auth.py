"""Login, logout and the console's root."""
from __future__ import annotations

from markupsafe import Markup
from sanic import Blueprint
from sanic.request import Request

from console import audit, auth, csrf, render, sessions, web
from console.routing import Console, public

LOGIN_COOKIE_AGE = 3600


def register(bp: Blueprint, console: Console) -> None:

    async def login_form(request: Request, error: str = "", username: str = "", status: int = 200):
        services = await console.services()
        token = csrf.new_token()
        body = render.render("login.html", csrf=token, username=username,
                             error=web.message_box(error, error=True) if error else Markup(""))
        response = web.page(request, "坐席登录", body, status=status)
        sessions.set_cookie(response, csrf.LOGIN_COOKIE, token, services.config.secure_cookies(request.scheme),
                            max_age=LOGIN_COOKIE_AGE)
        return response

    @bp.get("/login")
    @public
    async def login_page(request: Request):
        if web.staff(request) is not None:
            return web.redirect(web.HOME_PATH, status=302)
        return await login_form(request)

    @bp.post("/login")
    @public
    async def login(request: Request):
        services = await console.services()
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        ip = web.client_ip(request)
        old_token = request.cookies.get(sessions.COOKIE)
        result = await services.run(lambda s: auth.authenticate(s, username, password, ip, services.config))
        if not result.ok or result.user_id is None:
            return await login_form(request, result.error or auth.BAD_LOGIN, username, status=401)
        user_id = result.user_id

        def start(session):
            sessions.end(session, old_token)  # no session fixation: always a fresh token
            return sessions.create(session, user_id, ip, services.config)

        token, _ = await services.run(start)
        secure = services.config.secure_cookies(request.scheme)
        response = web.redirect(web.HOME_PATH)
        sessions.set_cookie(response, sessions.COOKIE, token, secure,
                            max_age=int(services.config.session_lifetime.total_seconds()))
        sessions.clear_cookie(response, csrf.LOGIN_COOKIE, secure)
        return response

    @bp.post("/logout")
    async def logout(request: Request):
        services = await console.services()
        token = request.cookies.get(sessions.COOKIE)
        user = web.staff(request)

        def end(session):
            sessions.end(session, token)
            audit.write(session, audit.LOGOUT, actor=user.username, target=user.username, ip=web.client_ip(request))

        await services.run(end)
        response = web.redirect(web.LOGIN_PATH)
        sessions.clear_cookie(response, sessions.COOKIE, services.config.secure_cookies(request.scheme))
        return response

    @bp.get("/")
    async def home(request: Request):
        return web.redirect(web.HOME_PATH, status=302)
