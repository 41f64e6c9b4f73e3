"""Job fairs: the list with broadcast progress, a fair's page (recipients preview and the exact
notice, as `jiuye broadcast preview` shows them), and creating / editing a fair through the
scheduler's own validation and upsert. Every change is audited in the same transaction.

While the scheduler's tables are missing the list says so.
"""
from __future__ import annotations

import logging
from typing import Dict, Optional

from markupsafe import Markup
from sanic import Blueprint
from sanic.request import Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from console import audit, fair_pages, fairs, render, web
from console.routing import Console, supervisor_only
from scheduler.commands import PREVIEW_RECIPIENTS, preview
from scheduler.matching import fair_subscribers
from scheduler.models import JobFair
from settings.scheduler import SchedulerConfig

logger = logging.getLogger(__name__)
NO_SUCH = "没有找到该招聘会。"
# Saving a fair is what sends: the scheduler announces every fair in the table to its matching
# subscribers, and a changed start time is announced again. So creating and editing are a
# supervisor's (the forms too, so nobody fills one in for nothing).
BROADCAST = "新建或修改招聘会（向订阅用户群发通知）"


def _config():
    return SchedulerConfig.from_env()


def _list(session):
    """Fairs (newest first) with their outbox progress and how many subscribers match them now."""
    found = list(session.execute(select(JobFair).order_by(JobFair.starts_at.desc()).limit(100)).scalars())
    counts = fairs.progress(session, [f.id for f in found])
    return [(f, counts.get(f.id, {}), len(fair_subscribers(session, f))) for f in found]


def _audit(session, request: Request, action: str, saved: fairs.Saved) -> None:
    """Who changed which fair, which fields, and whether notices had already gone out."""
    labels = {name: label for name, label, _, _ in fair_pages.FIELDS}
    detail = ("字段：" + "、".join(labels[name] for name in saved.changed)) if saved.changed else "无修改"
    if saved.sent:
        detail += f"（已发出{saved.sent}条通知）"
    audit.write(session, action, actor=web.staff(request).username, target=saved.code, ip=web.client_ip(request),
                detail=detail)


def _fair_id(text: str) -> Optional[int]:
    return int(text) if text.isdigit() and len(text) < 10 else None


def register(bp: Blueprint, console: Console) -> None:

    @bp.get("/fairs")
    async def fairs_page(request: Request):
        services = await console.services()
        try:
            found = await services.run(_list)
        except (ImportError, SQLAlchemyError) as exc:
            logger.info("job fairs unavailable (%s)", type(exc).__name__)
            body = web.message_box("招聘会模块（调度程序）尚未启用：数据库中还没有招聘会表。", error=True)
            return web.page(request, "招聘会", body, active="fairs")
        rows = render.join(render.fragment(
            '<tr><td><a href="/console/fairs/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            '<td>{}</td><td>{}</td></tr>',
            f.id, f.name, render.when(f.starts_at), "线上" if f.online else (f.city or ""), "已取消" if f.cancelled else "",
            recipients, c.get("queued", 0), c.get("sent", 0), c.get("failed", 0))
            for f, c, recipients in found) or Markup('<tr><td colspan="8" class="empty">暂无招聘会。</td></tr>')
        new = (Markup('<p><a class="button" href="/console/fairs/new" id="new-fair">新建招聘会</a></p>')
               if web.staff(request).is_supervisor else Markup('<p class="hint">新建、修改招聘会（会向订阅用户发送通知）需主管账号。</p>'))
        body = new + render.render(
            "table_page.html", table_id="fairs", hint="招聘会通知的发送进度（排队中 / 已发送 / 失败）；预计接收人数为当前符合地区和专业条件的订阅用户数。点击名称查看接收人和通知原文。",
            head=Markup("<th>名称</th><th>开始时间</th><th>地点</th><th>状态</th><th>预计接收</th><th>排队中</th><th>已发送</th><th>失败</th>"),
            rows=rows,
        )
        return web.page(request, "招聘会", body, active="fairs")

    def _form_page(request: Request, title: str, action: str, values: Dict[str, str], errors: Dict[str, str],
                   status: int = 200, **extra):
        body = fair_pages.form(action, values, errors, web.staff(request).csrf_token, **extra)
        return web.page(request, title, body, active="fairs", status=status)


    @bp.get("/fairs/new")
    @supervisor_only(BROADCAST)
    async def new_fair(request: Request):
        return _form_page(request, "新建招聘会", "/console/fairs/new", {}, {})

    @bp.post("/fairs/new")
    @supervisor_only(BROADCAST)
    async def create_fair(request: Request):
        services = await console.services()
        raw, tz = fairs.form_input(request.form), _config().tz

        def work(session):
            saved = fairs.create(session, raw, tz)
            _audit(session, request, audit.FAIR_CREATE, saved)
            return saved

        try:
            saved = await services.run(work)
        except fairs.Invalid as exc:
            return _form_page(request, "新建招聘会", "/console/fairs/new", raw, exc.errors, status=400)
        except IntegrityError:  # the same code saved by someone else a moment ago
            return _form_page(request, "新建招聘会", "/console/fairs/new", raw, {"code": "编号刚被他人使用，请换一个编号。"},
                              status=400)
        return web.redirect(f"/console/fairs/{saved.fair_id}?saved=1")

    async def _load(fair_id: str, work):
        """``work(session, fair)`` for an existing fair, else None."""
        number = _fair_id(fair_id)
        if number is None:
            return None
        services = await console.services()

        def run(session):
            fair = session.get(JobFair, number)
            return None if fair is None else work(session, fair)

        return await services.run(run)

    def _missing(request: Request):
        return web.page(request, "招聘会", web.message_box(NO_SUCH, error=True), active="fairs", status=404)

    @bp.get("/fairs/<fair_id:str>")
    async def fair_page(request: Request, fair_id: str):
        config = _config()

        def work(session, fair):
            data = preview(session, config, fair)
            return (data, fairs.progress(session, [fair.id]).get(fair.id, {}), fairs.sent_notices(session, fair.id),
                    fairs.recipient_rows(session, data.recipients, PREVIEW_RECIPIENTS))

        found = await _load(fair_id, work)
        if found is None:
            return _missing(request)
        data, counts, sent, recipients = found
        message = web.message_box("已保存。") if request.args.get("saved") else Markup("")
        body = fair_pages.detail(data, config, counts, sent, recipients, message, web.staff(request).is_supervisor)
        return web.page(request, f"招聘会：{data.fair.name}", body, active="fairs")

    @bp.get("/fairs/<fair_id:str>/edit")
    @supervisor_only(BROADCAST)
    async def edit_form(request: Request, fair_id: str):
        tz = _config().tz
        found = await _load(fair_id, lambda s, fair: (fairs.form_values(fair, tz), fairs.version_of(fair, tz),
                                                      fairs.sent_notices(s, fair.id)))
        if found is None:
            return _missing(request)
        values, version, sent = found
        warning = fair_pages.sent_section(sent, "注意：此招聘会的通知已发出")
        return _form_page(request, "修改招聘会", f"/console/fairs/{fair_id}/edit", values, {}, version=version,
                          warning=warning, back=f"/console/fairs/{fair_id}")

    @bp.post("/fairs/<fair_id:str>/edit")
    @supervisor_only(BROADCAST)
    async def edit_fair(request: Request, fair_id: str):
        number = _fair_id(fair_id)
        if number is None:
            return _missing(request)
        services = await console.services()
        raw, tz = fairs.form_input(request.form), _config().tz
        version, confirmed = request.form.get("version") or "", request.form.get("confirm") == "1"

        def work(session):
            saved = fairs.edit(session, number, raw, tz, version, confirmed)
            _audit(session, request, audit.FAIR_EDIT, saved)
            return saved

        action, back = f"/console/fairs/{fair_id}/edit", f"/console/fairs/{fair_id}"
        try:
            saved = await services.run(work)
        except LookupError:
            return _missing(request)
        except fairs.Invalid as exc:
            return _form_page(request, "修改招聘会", action, raw, exc.errors, status=400, version=exc.version or version,
                              back=back)
        except fairs.NeedsConfirmation as exc:  # rolled back: nothing saved until confirmed
            return _form_page(request, "修改招聘会", action, raw, {}, status=409, version=version, back=back,
                              warning=fair_pages.impact_warning(exc.impact), confirm=True)
        return web.redirect(f"/console/fairs/{saved.fair_id}?saved=1")
