"""Job fairs and their broadcast progress, read from the scheduler's tables.

Recipients are previewed with the scheduler's own matching (``scheduler.matching``). Creating
and editing fairs is not here yet (fairs come in through the scheduler's import); while the
scheduler's tables are missing the page says so.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Tuple

from markupsafe import Markup
from sanic import Blueprint
from sanic.request import Request
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from console import render, web
from console.channel import Console

logger = logging.getLogger(__name__)
QUEUED = ("pending", "claimed", "sending")
FAILED = ("dead", "in_doubt")


def _fairs(session) -> List[Tuple[object, Dict[str, int], int]]:
    """Fairs (newest first) with outbox counts by state and how many subscribers match them now."""
    from scheduler.matching import fair_subscribers
    from scheduler.models import JobFair, OutboxMessage

    fairs = list(session.execute(select(JobFair).order_by(JobFair.starts_at.desc()).limit(100)).scalars())
    counts: Dict[int, Dict[str, int]] = {}
    for fair_id, state, n in session.execute(
        select(OutboxMessage.fair_id, OutboxMessage.state, func.count())
        .where(OutboxMessage.fair_id.isnot(None)).group_by(OutboxMessage.fair_id, OutboxMessage.state)
    ):
        counts.setdefault(fair_id, {})[state] = n
    return [(f, counts.get(f.id, {}), len(fair_subscribers(session, f))) for f in fairs]


def register(bp: Blueprint, console: Console) -> None:

    @bp.get("/fairs")
    async def fairs_page(request: Request):
        services = await console.services()
        try:
            fairs = await services.run(_fairs)
        except (ImportError, SQLAlchemyError) as exc:
            logger.info("job fairs unavailable (%s)", type(exc).__name__)
            body = web.message_box("招聘会模块（调度程序）尚未启用：数据库中还没有招聘会表。", error=True)
            return web.page(request, "招聘会", body, active="fairs")
        rows = render.join(render.fragment(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            f.name, render.when(f.starts_at), "线上" if f.online else (f.city or ""), "已取消" if f.cancelled else "",
            recipients, sum(c.get(s, 0) for s in QUEUED), c.get("sent", 0), sum(c.get(s, 0) for s in FAILED))
            for f, c, recipients in fairs) or Markup('<tr><td colspan="8" class="empty">暂无招聘会。</td></tr>')
        body = render.render(
            "table_page.html", table_id="fairs", hint="招聘会通知的发送进度（排队中 / 已发送 / 失败）；预计接收人数为当前符合地区和专业条件的订阅用户数。",
            head=Markup("<th>名称</th><th>开始时间</th><th>地点</th><th>状态</th><th>预计接收</th><th>排队中</th><th>已发送</th><th>失败</th>"),
            rows=rows,
        )
        return web.page(request, "招聘会", body, active="fairs")
