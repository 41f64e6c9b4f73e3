"""The questions the bot could not answer (recorded by workflows.unanswered), most frequent
first, so the knowledge base can grow."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import UnansweredQuestion


@dataclass(frozen=True)
class Frequent:
    text: str
    count: int
    regions: str
    last_asked: object


def most_frequent(session: Session, limit: int = 100) -> List[Frequent]:
    """Distinct questions, most often asked first (then most recent)."""
    last = func.max(UnansweredQuestion.asked_at)
    count = func.count(UnansweredQuestion.id)
    rows = session.execute(
        select(UnansweredQuestion.text, count, last)
        .group_by(UnansweredQuestion.text).order_by(count.desc(), last.desc()).limit(limit)
    ).all()
    regions: Dict[str, List[str]] = {}
    if rows:
        for text, region in session.execute(
            select(UnansweredQuestion.text, UnansweredQuestion.region).distinct()
            .where(UnansweredQuestion.text.in_([r[0] for r in rows]), UnansweredQuestion.region.isnot(None))
        ):
            regions.setdefault(text, []).append(region)
    return [Frequent(text, n, "、".join(sorted(regions.get(text, []))), at) for text, n, at in rows]
