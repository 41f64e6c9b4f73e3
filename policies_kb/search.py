"""BM25 search over clause texts, used when the NLU is unsure and by the staff console."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

from policies_kb.model import Clause
from policies_kb.regions import lookup
from policies_kb.text import tokens


@dataclass(frozen=True)
class Hit:
    clause: Clause
    score: float
    coverage: float  # share of the query's content words found in the clause

    @property
    def strong(self) -> bool:
        """Good enough to answer from without a confident intent."""
        return self.score >= 6.0 and self.coverage >= 0.6


class ClauseIndex:
    """An in-memory BM25 index over heading, text and fact sentences of every clause."""

    def __init__(self, clauses: Sequence[Clause]):
        from rank_bm25 import BM25Okapi

        self._clauses = list(clauses)
        self._docs = [tokens(self._document(c)) for c in self._clauses]
        self._vocab = [set(d) for d in self._docs]
        self._bm25 = BM25Okapi(self._docs)

    @staticmethod
    def _document(clause: Clause) -> str:
        parts = [clause.heading, clause.text]
        for fact in clause.facts:
            parts.append(fact.say)
            parts.extend(fact.keywords)
        return "\n".join(parts)

    def search(self, query: str, province: Optional[str] = None, limit: int = 5) -> List[Hit]:
        # Place names select the province (done by the caller), they are not what is asked.
        words = [w for w in tokens(query) if lookup(w) is None]
        if not words:
            return []
        scores = self._bm25.get_scores(words)
        unique = set(words)
        hits = []
        for i, clause in enumerate(self._clauses):
            if province and clause.doc.province != province:
                continue
            if scores[i] <= 0:
                continue
            coverage = len(unique & self._vocab[i]) / len(unique)
            hits.append(Hit(clause, float(scores[i]), coverage))
        hits.sort(key=lambda h: (h.score, h.coverage), reverse=True)
        return hits[:limit]
