"""Answer aid page (and its JSON twin): the bot's answer, cited clauses, confidence, next-best."""
from __future__ import annotations

from typing import Optional

from markupsafe import Markup
from sanic import Blueprint, response
from sanic.request import Request

from console import render, web
from console.answer_aid import PROVINCES, AidResult, ClauseView, DialogueUnavailable, answer
from console.routing import Console

NOT_READY = "模型正在加载，请稍后再试。"


def province_options(selected: Optional[str]) -> Markup:
    choices = [("", "自动（按问题判断）")] + [(p, f"{p}省") for p in PROVINCES]
    return render.join(
        render.fragment('<option value="{}"{}>{}</option>', value, Markup(" selected") if value == (selected or "") else "",
                        label)
        for value, label in choices
    )


def clause_html(clause: ClauseView) -> Markup:
    return render.render("clause.html", doc_no=clause.doc_no, title=clause.title, label=clause.label, date=clause.date,
                         province=clause.province, heading=clause.heading,
                         text=render.highlight(clause.text, clause.quotes))


def result_html(result: AidResult) -> Markup:
    cited = render.join(clause_html(c) for c in result.cited) or Markup('<p class="empty">本次答复没有引用条款。</p>')
    next_best = render.join(
        render.join([clause_html(m.clause), render.fragment(
            '<p class="score">检索得分 {:.1f}，覆盖问题关键词 {:.0%}{}</p>', m.score, m.coverage,
            "（强匹配）" if m.strong else "")])
        for m in result.next_best
    ) or Markup('<p class="empty">知识库中没有其他相近条款。</p>')
    return render.render(
        "answer_result.html", text=result.reply.text, intent=result.reply.intent or "—",
        confidence=f"{result.reply.confidence:.1%}", kind=result.kind_label,
        province=f"{result.province}省" if result.province else "自动", cited=cited, next_best=next_best,
    )


def register(bp: Blueprint, console: Console) -> None:

    def form_page(request: Request, question: str = "", province: Optional[str] = None, result: Markup = Markup(""),
                  status: int = 200):
        body = render.render("answer.html", csrf=render.hidden_csrf(web.staff(request).csrf_token), question=question,
                             province_options=province_options(province), result=result)
        return web.page(request, "答复助手", body, active="answer", status=status)

    @bp.get("/answer")
    async def answer_page(request: Request):
        return form_page(request)

    @bp.post("/answer")
    async def answer_submit(request: Request):
        services = await console.services()
        question = request.form.get("question") or ""
        province = request.form.get("province") or None
        try:
            result = await answer(console.dialogue_for(request), services.kb, question, province)
        except DialogueUnavailable:
            return form_page(request, question, province, web.message_box(NOT_READY, error=True), status=503)
        return form_page(request, question, province, result_html(result))

    @bp.post("/api/answer")
    async def answer_api(request: Request):
        services = await console.services()
        body = request.json if isinstance(request.json, dict) else {}
        question = body.get("question")
        if not isinstance(question, str):
            return web.json_error("缺少问题（question）", 400)
        province = body.get("province") if isinstance(body.get("province"), str) else None
        try:
            result = await answer(console.dialogue_for(request), services.kb, question, province)
        except DialogueUnavailable:
            return web.json_error(NOT_READY, 503)
        return response.json(result.as_json(), ensure_ascii=False)
