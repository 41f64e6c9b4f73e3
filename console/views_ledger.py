"""Registrations for staff: look-up, detail with masked ID, full-ID reveal (audited), recording a
1311×N service, the list of who is behind, and the audit log."""
from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional

from markupsafe import Markup
from sanic import Blueprint, response
from sanic.request import Request

from console import audit, ledger, render, web
from console.routing import Console, supervisor_only
from registry.models import SERVICE_KINDS, utcnow
from registry.phone import mask as mask_phone
from registry.store import RegistrationView

REG_NO = re.compile(r"^JY[0-9A-Z]{6,18}$")
NO_SUCH = "没有找到该登记记录。"
SAVED = "已记录服务。"
REVEAL = "查看完整身份证号"


def _reveal_control(reg_no: str, csrf: Markup, supervisor: bool) -> Markup:
    """The reveal button for supervisors; operators see why there is none."""
    if not supervisor:
        return Markup('<span class="hint" id="reveal-supervisor-only">查看完整号码需主管账号</span>')
    return render.fragment(
        '<form class="inline" method="post" action="/console/registrations/{}/reveal">{}<button type="submit" '
        'id="reveal" title="查看将记入审计日志">查看完整号码</button></form>', reg_no, csrf)


def _flags(view: RegistrationView) -> Markup:
    parts = [render.fragment('<span class="flag">{}</span>', h) for h in view.hardship.split(",") if h and h != "无"]
    if view.one_to_one:
        parts.append(Markup('<span class="flag">一对一帮扶</span>'))
    return render.join(parts) or Markup('<span class="flag ok">无困难类别</span>')


def _row_link(view: RegistrationView) -> Markup:
    return render.fragment(
        '<tr><td><a href="/console/registrations/{0}">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td>'
        '<td>{5}</td></tr>',
        view.reg_no, view.name, mask_phone(view.phone), view.city, view.intention, _flags(view),
    )


def results_table(found: List[RegistrationView]) -> Markup:
    rows = render.join(_row_link(v) for v in found)
    return render.fragment(
        '<table id="results"><thead><tr><th>登记号</th><th>姓名</th><th>手机号</th><th>现居住</th><th>意向</th>'
        '<th>困难类别</th></tr></thead><tbody>{}</tbody></table>', rows)


def _steps_html(progress: ledger.Progress) -> Markup:
    def status(step: ledger.Step) -> Markup:
        if step.done:
            return Markup('<span class="done">已完成</span>')
        if step.due < progress.today:
            return render.fragment('<span class="overdue">已逾期{}天</span>', (progress.today - step.due).days)
        return Markup("待完成")

    return render.join(render.fragment("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", s.label, s.due.isoformat(),
                                       status(s)) for s in progress.steps)


def register(bp: Blueprint, console: Console) -> None:

    @bp.get("/registrations")
    async def search(request: Request):
        services = await console.services()
        q = (request.args.get("q") or "").strip()[:40]
        message, results = Markup(""), Markup("")
        if q:
            found = await services.call(ledger.find, services.store, q)
            if len(found) == 1:
                return web.redirect(f"/console/registrations/{found[0].reg_no}", status=302)
            if found:
                results = results_table(found)
            else:
                message = web.message_box("没有找到匹配的登记。请输入11位手机号或完整登记号（JY开头）。", error=True)
        body = render.render("registrations.html", q=q, message=message, results=results)
        return web.page(request, "登记查询", body, active="registrations")

    @bp.get("/api/registrations")
    async def search_api(request: Request):
        services = await console.services()
        found = await services.call(ledger.find, services.store, request.args.get("q") or "")
        return response.json({"registrations": [
            {"reg_no": v.reg_no, "name": v.name, "id_masked": v.id_masked, "phone": mask_phone(v.phone),
             "hardship": v.hardship, "one_to_one": v.one_to_one, "intention": v.intention} for v in found
        ]}, ensure_ascii=False)

    async def detail_page(request: Request, reg_no: str, message: Markup = Markup(""),
                          full_id: Optional[str] = None, status: int = 200):
        services = await console.services()
        view = await services.call(services.store.get, reg_no) if REG_NO.match(reg_no) else None
        if view is None:
            return web.page(request, "登记详情", web.message_box(NO_SUCH, error=True), active="registrations", status=404)
        records = await services.call(services.store.services, reg_no)
        progress = ledger.progress(view.created_at, ledger.service_counts(records))
        followups = await services.call(ledger.follow_up_history, services.store, reg_no)
        user = web.staff(request)
        csrf = render.hidden_csrf(user.csrf_token)
        body = render.render(
            "registration.html", message=message, reg_no=view.reg_no, flags=_flags(view), name=view.name,
            id_number=full_id or view.id_masked, phone=view.phone, created_at=render.when(view.created_at),
            school=view.school, major=view.major, education=view.education, grad_year=view.grad_year,
            hukou=f"{view.hukou_province or ''} {view.hukou_city}".strip(), city=f"{view.province or ''} {view.city}".strip(),
            intention=view.intention,
            wanted="、".join(x for x in (view.wanted_job, view.wanted_industry, view.wanted_region) if x) or "—",
            hardship=view.hardship, channel=view.channel, status="有效" if view.status == "active" else "已关闭",
            csrf=csrf, reveal=_reveal_control(view.reg_no, csrf, user.is_supervisor), steps=_steps_html(progress),
            kind_options=render.join(render.fragment('<option value="{}">{}</option>', k, ledger.SERVICE_LABELS[k])
                                     for k in SERVICE_KINDS),
            today=(utcnow() + dt.timedelta(hours=8)).date().isoformat(),
            services=render.join(render.fragment("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                                 render.when(r["delivered_at"]),
                                                 ledger.SERVICE_LABELS.get(str(r["kind"]), r["kind"]),
                                                 r["delivered_by"], r["note"] or "")
                                 for r in reversed(records)) or Markup('<tr><td colspan="4" class="empty">尚无服务记录</td></tr>'),
            followups=render.join(render.fragment("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", render.when(f.at), f.what,
                                                  f.state) for f in followups)
            or Markup('<tr><td colspan="3" class="empty">尚无回访记录</td></tr>'),
        )
        return web.page(request, f"登记详情 {view.name}", body, active="registrations", status=status)

    @bp.get("/registrations/<reg_no:str>")
    async def detail(request: Request, reg_no: str):
        message = web.message_box(SAVED) if request.args.get("saved") else Markup("")
        return await detail_page(request, reg_no, message)

    @bp.post("/registrations/<reg_no:str>/reveal")
    @supervisor_only(REVEAL)
    async def reveal(request: Request, reg_no: str):
        services = await console.services()
        user = web.staff(request)
        number = await services.call(ledger.reveal_id, services.store, reg_no) if REG_NO.match(reg_no) else None
        if number is None:
            return await detail_page(request, reg_no)
        await services.run(lambda s: audit.write(s, audit.REVEAL_ID, actor=user.username, target=reg_no,
                                                 ip=web.client_ip(request)))
        note = web.message_box(f"完整身份证号仅本次显示，查看记录已写入审计日志（{user.username}，{render.when(utcnow())}）。")
        return await detail_page(request, reg_no, note, full_id=number)

    @bp.post("/registrations/<reg_no:str>/services")
    async def add_service(request: Request, reg_no: str):
        services = await console.services()
        user = web.staff(request)
        kind = request.form.get("kind") or ""
        note = (request.form.get("note") or "").strip()[:300] or None
        try:
            delivered = dt.date.fromisoformat(request.form.get("delivered_at") or "")
        except ValueError:
            return await detail_page(request, reg_no, web.message_box("服务日期格式不正确。", error=True), status=400)
        if kind not in SERVICE_KINDS:
            return await detail_page(request, reg_no, web.message_box("请选择服务类型。", error=True), status=400)
        if delivered > (utcnow() + dt.timedelta(hours=8)).date():
            return await detail_page(request, reg_no, web.message_box("服务日期不能晚于今天。", error=True), status=400)
        try:
            await services.call(services.store.add_service, reg_no, kind, delivered, user.username, note)
        except LookupError:
            return await detail_page(request, reg_no)
        await services.run(lambda s: audit.write(s, audit.ADD_SERVICE, actor=user.username, target=reg_no,
                                                 ip=web.client_ip(request), detail=kind))
        return web.redirect(f"/console/registrations/{reg_no}?saved=1")

    @bp.get("/behind")
    async def behind(request: Request):
        services = await console.services()
        rows = await services.call(ledger.behind, services.store)
        body = render.render(
            "table_page.html", table_id="behind",
            hint="已过应完成日期但尚未完成的1311×N服务步骤。一对一帮扶对象排在前面，其余按逾期天数排序。",
            head=Markup("<th>登记号</th><th>姓名</th><th>手机号</th><th>困难类别</th><th>逾期步骤</th><th>最长逾期</th>"),
            rows=render.join(render.fragment(
                '<tr><td><a href="/console/registrations/{0}">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td>'
                '<td>{4}</td><td class="overdue">{5}天</td></tr>', b.registration.reg_no, b.registration.name,
                mask_phone(b.registration.phone), _flags(b.registration),
                "、".join(s.label for s in b.progress.overdue), b.progress.days_behind) for b in rows)
            or Markup('<tr><td colspan="6" class="empty">没有滞后的登记。</td></tr>'),
        )
        return web.page(request, "1311×N 滞后名单", body, active="behind")

    @bp.get("/audit")
    async def audit_page(request: Request):
        services = await console.services()
        entries = await services.run(lambda s: audit.recent(s, 200))
        body = render.render(
            "table_page.html", table_id="audit", hint="最近200条：登录、查看完整身份证号、登记服务等操作。",
            head=Markup("<th>时间</th><th>坐席</th><th>操作</th><th>对象</th><th>地址</th><th>说明</th>"),
            rows=render.join(render.fragment(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", render.when(e.at),
                e.actor or "", audit.LABELS.get(e.action, e.action), e.target or "", e.ip or "", e.detail or "")
                for e in entries),
        )
        return web.page(request, "审计日志", body, active="audit")
