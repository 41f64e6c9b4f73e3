"""账号管理 (supervisors only): the accounts with role, state and login lock, the locked client
addresses, and lifting a lock. Creating, disabling and re-enabling accounts and changing roles is
done with `jiuye console` (docs/console.md)."""
from __future__ import annotations

from markupsafe import Markup
from sanic import Blueprint
from sanic.request import Request

from console import accounts, render, throttle, web
from console.auth import AccountError
from console.models import ROLES
from console.routing import Console, supervisor_only
from registry.models import utcnow

MANAGE = "账号管理"
SCOPE_LABELS = {throttle.ACCOUNT: "账号", throttle.ADDRESS: "地址"}


def _unlock_button(scope: str, key: str, csrf: Markup) -> Markup:
    return render.fragment(
        '<form class="inline" method="post" action="/console/staff/unlock">{}<input type="hidden" name="scope" value="{}">'
        '<input type="hidden" name="key" value="{}"><button type="submit" class="unlock">解锁</button></form>',
        csrf, scope, key)


def _page(request: Request, found, message: Markup = Markup(""), status: int = 200):
    users, address_locks = found
    csrf = render.hidden_csrf(web.staff(request).csrf_token)
    rows = render.join(render.fragment(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", a.username, a.display_name,
        ROLES.get(a.role, a.role), "启用" if a.active else "已停用",
        render.fragment("{} {}", render.when(a.locked_until), _unlock_button(throttle.ACCOUNT, a.username, csrf))
        if a.locked_until else "—") for a in users)
    addresses = render.join(render.fragment(
        "<tr><td>{}</td><td>{} {}</td></tr>", lock.key, render.when(lock.until),
        _unlock_button(throttle.ADDRESS, lock.key, csrf)) for lock in address_locks)
    body = message + render.render(
        "table_page.html", table_id="accounts",
        hint="账号的角色、状态和登录锁定（北京时间）。新建、停用、启用账号和修改角色请用 jiuye console 命令。",
        head=Markup("<th>用户名</th><th>显示名</th><th>角色</th><th>状态</th><th>登录锁定至</th>"), rows=rows,
    ) + render.render(
        "table_page.html", table_id="locked-addresses", hint="因登录失败过多而锁定的网络地址：",
        head=Markup("<th>地址</th><th>锁定至</th>"),
        rows=addresses or Markup('<tr><td colspan="2" class="empty">没有被锁定的地址。</td></tr>'),
    )
    return web.page(request, MANAGE, body, active="staff", status=status)


def register(bp: Blueprint, console: Console) -> None:

    def load(session):
        now = utcnow()
        return accounts.list_accounts(session, now), throttle.active_locks(session, now, throttle.ADDRESS)

    @bp.get("/staff")
    @supervisor_only(MANAGE)
    async def staff_page(request: Request):
        services = await console.services()
        message = web.message_box("已解锁。") if request.args.get("unlocked") else Markup("")
        return _page(request, await services.run(load), message)

    @bp.post("/staff/unlock")
    @supervisor_only(MANAGE)
    async def unlock(request: Request):
        services = await console.services()
        scope, key = request.form.get("scope") or "", (request.form.get("key") or "")[:100]
        user = web.staff(request)
        try:
            done = await services.run(lambda s: accounts.unlock(s, scope, key, actor=user.username,
                                                                ip=web.client_ip(request)))
        except AccountError as exc:
            return _page(request, await services.run(load), web.message_box(str(exc), True), status=400)
        if not done:
            note = web.message_box(f"{SCOPE_LABELS[scope]} {key} 当前没有被锁定。", True)
            return _page(request, await services.run(load), note, status=409)
        return web.redirect("/console/staff?unlocked=1")
