"""Questions the bot could not answer, most frequent first."""
from __future__ import annotations

from markupsafe import Markup
from sanic import Blueprint
from sanic.request import Request

from console import render, unanswered, web
from console.routing import Console


def register(bp: Blueprint, console: Console) -> None:

    @bp.get("/unanswered")
    async def unanswered_page(request: Request):
        services = await console.services()
        rows = await services.run(lambda s: unanswered.most_frequent(s, 200))
        body = render.render(
            "table_page.html", table_id="unanswered",
            hint="落入兜底（无法回答或仅检索到不确定条款）的问题，按出现次数排序；身份证号、手机号已去除。可据此补充知识库。",
            head=Markup("<th>次数</th><th>问题</th><th>省份</th><th>最近一次</th>"),
            rows=render.join(render.fragment("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", r.count, r.text,
                                             r.regions or "—", render.when(r.last_asked)) for r in rows)
            or Markup('<tr><td colspan="4" class="empty">暂无记录。</td></tr>'),
        )
        return web.page(request, "未答问题", body, active="unanswered")
