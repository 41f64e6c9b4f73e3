"""The knowledge base as one object: clauses by topic and province, facts, search."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from policies_kb.loader import DEFAULT_DATA_DIR, load_documents, load_topics
from policies_kb.loader import PROVINCES
from policies_kb.model import Clause, Document, Topic
from policies_kb.search import ClauseIndex, Hit


class KnowledgeBase:
    def __init__(self, clauses: Sequence[Clause], topics: Dict[str, Topic]):
        self.clauses: List[Clause] = list(clauses)
        self.topics = topics
        self._topic_by_intent = {t.intent: t for t in topics.values()}
        self._index: Optional[ClauseIndex] = None

    @classmethod
    def load(cls, data_dir: Path = DEFAULT_DATA_DIR) -> "KnowledgeBase":
        topics = load_topics()
        return cls(load_documents(data_dir, topics), topics)

    @property
    def documents(self) -> List[Document]:
        seen: Dict[str, Document] = {}
        for c in self.clauses:
            seen.setdefault(c.doc.id, c.doc)
        return sorted(seen.values(), key=lambda d: (d.province, d.date))

    @functools.cached_property
    def known_text(self) -> str:
        """Everything the knowledge base says, aliases included: a word absent from it is a
        subject the documents do not cover."""
        return "\n".join(clause_text(c) for c in self.clauses) + "\n" + "\n".join(t.name for t in self.topics.values())

    @functools.cached_property
    def _document_texts(self) -> Dict[str, str]:
        texts: Dict[str, List[str]] = {}
        for c in self.clauses:
            texts.setdefault(c.doc.id, []).append(clause_text(c))
        return {doc_id: "\n".join(parts) for doc_id, parts in texts.items()}

    def document_text(self, doc_id: str) -> str:
        """All of one document's clause texts (built once per knowledge base)."""
        return self._document_texts.get(doc_id, "")

    def topic_for_intent(self, intent: str) -> Optional[Topic]:
        return self._topic_by_intent.get(intent)

    def clauses_for(self, topic: Optional[str], province: Optional[str] = None) -> List[Clause]:
        """Clauses on ``topic`` (every topic when None) in ``province`` (both when None)."""
        return [
            c for c in self.clauses
            if (topic is None or topic in c.topics) and (province is None or c.doc.province == province)
        ]

    def provinces_for(self, topic: str) -> List[str]:
        """Covered provinces whose documents say something about ``topic``, in a fixed order."""
        have = {c.doc.province for c in self.clauses_for(topic)}
        return [p for p in PROVINCES if p in have]

    def search(self, query: str, province: Optional[str] = None, limit: int = 5) -> List[Hit]:
        if self._index is None:
            self._index = ClauseIndex(self.clauses)
        return self._index.search(query, province, limit)


@functools.lru_cache(maxsize=1024)
def clause_text(clause: Clause) -> str:
    """A clause's heading, text, fact sentences and aliases, for coverage checks (built once)."""
    parts = [clause.heading, clause.section, clause.text]
    for fact in clause.facts:
        parts.append(fact.say)
        parts.extend(fact.keywords)
    return "\n".join(parts)


@functools.lru_cache(maxsize=4)
def load_cached(data_dir: str = str(DEFAULT_DATA_DIR)) -> KnowledgeBase:
    """One knowledge base per process and data directory (the action server answers many turns)."""
    return KnowledgeBase.load(Path(data_dir))
