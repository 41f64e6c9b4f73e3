"""The answer aid: a caller's question through the real dialogue (same model, same actions, as
the bot would answer it), plus what the knowledge base says around it — the cited clauses in
full with their dates, and the next-best search matches.

The dialogue is behind ``Dialogue`` so the page can be tested without a model; in the Rasa server
``RasaDialogue`` sends a ``UserMessage`` through the channel's ``on_new_message`` under a
throw-away conversation id (``console:<random>``) and reads the intent confidence from that conversation's tracker.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Sequence

from actions.answering import clause_label, cn_date
from bot.turn import Reply, prepare, run_turn
from policies_kb.kb import KnowledgeBase
from policies_kb.model import Clause
from registry.identity import CONSOLE, conversation_id

PROVINCES = ("吉林", "江西")
NEXT_BEST = 4
KIND_LABELS = {
    "policy": "按意图作答", "both_provinces": "两省分别作答", "not_in_province": "该省文件无此规定",
    "uncovered": "未收录省份", "unknown": "无法回答（转人工）", "search": "检索兜底（不确定）",
    "out_of_scope": "超出服务范围", "acknowledge": "记录地区", "invalid_input": "输入无效",
}


class Dialogue(Protocol):
    async def ask(self, text: str, sender: str, metadata: Dict[str, Any]) -> Reply: ...


class DialogueUnavailable(RuntimeError):
    """The model is not loaded yet (the server is still starting)."""


class RasaDialogue:
    """The Rasa server's own agent, reached the way every channel reaches it."""

    def __init__(self, on_new_message: Callable[[Any], Awaitable[Any]], agent: Callable[[], Any]):
        self._on_new_message = on_new_message
        self._agent = agent

    async def ask(self, text: str, sender: str, metadata: Dict[str, Any]) -> Reply:
        agent = self._agent()
        if agent is None or not agent.is_ready():
            raise DialogueUnavailable("agent not ready")
        return await run_turn(self._on_new_message, agent, text, sender, CONSOLE, metadata)


@dataclass(frozen=True)
class ClauseView:
    """One clause as the operator reads it: verbatim text, with the quoted parts to highlight."""

    ref: str
    doc_no: str
    title: str
    label: str
    date: str
    province: str
    heading: str
    text: str
    quotes: Sequence[str] = ()

    @classmethod
    def of(cls, clause: Clause, quotes: Sequence[str] = ()) -> "ClauseView":
        return cls(clause.ref, clause.doc.doc_no, clause.doc.title, clause_label(clause), cn_date(clause),
                   clause.doc.province, clause.heading, clause.text, tuple(q for q in quotes if q))


@dataclass(frozen=True)
class Match:
    clause: ClauseView
    score: float
    coverage: float
    strong: bool


@dataclass
class AidResult:
    question: str
    province: Optional[str]
    reply: Reply
    kind: str
    cited: List[ClauseView] = field(default_factory=list)
    next_best: List[Match] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def as_json(self) -> Dict[str, Any]:
        return {
            "question": self.question, "province": self.province, "answer": self.reply.text, "kind": self.kind,
            "intent": self.reply.intent, "confidence": round(self.reply.confidence, 4),
            "cited": [c.__dict__ | {"quotes": list(c.quotes)} for c in self.cited],
            "next_best": [{"clause": m.clause.__dict__ | {"quotes": list(m.clause.quotes)}, "score": round(m.score, 3),
                           "coverage": round(m.coverage, 3), "strong": m.strong} for m in self.next_best],
        }


def _find_clause(kb: KnowledgeBase, doc_no: str, clause: str) -> Optional[Clause]:
    return next((c for c in kb.clauses if c.doc.doc_no == doc_no and c.clause == clause), None)


def compose(kb: KnowledgeBase, question: str, province: Optional[str], reply: Reply) -> AidResult:
    """Add the knowledge base's view to the bot's reply."""
    cited: Dict[str, ClauseView] = {}
    for citation in reply.citations:
        clause = _find_clause(kb, citation.get("doc_no", ""), citation.get("clause", ""))
        if clause is None:
            continue
        quotes = [q for q in str(citation.get("quote") or "").split("；") if q and q in clause.text]
        previous = cited.get(clause.ref)
        cited[clause.ref] = ClauseView.of(clause, tuple(previous.quotes if previous else ()) + tuple(quotes))
    hits = kb.search(question, province, limit=NEXT_BEST + len(cited))
    next_best = [Match(ClauseView.of(h.clause), h.score, h.coverage, h.strong) for h in hits if h.clause.ref not in cited]
    kind = next((p.get("kind") for p in reply.payloads if p.get("kind")), None) or reply.intent or "unknown"
    return AidResult(question, province, reply, kind, list(cited.values()), next_best[:NEXT_BEST])


async def answer(dialogue: Dialogue, kb: KnowledgeBase, question: str, province: Optional[str]) -> AidResult:
    """The bot's answer to ``question`` (as a new conversation) with the knowledge base's view.
    Input is cleaned and ID numbers taken out exactly as the chat channels do."""
    province = province if province in PROVINCES else None
    sender = conversation_id(CONSOLE, uuid.uuid4().hex)
    text, refused = prepare(question, sender)
    if refused:
        return AidResult(text, province, refused, "invalid_input")
    reply = await dialogue.ask(text, sender, {"region": province} if province else {})
    return compose(kb, text, province, reply)
