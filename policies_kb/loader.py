"""Loads and validates the knowledge-base YAML files (format: policies_kb/SCHEMA.md).

Every problem is reported as ``<file>: <entry>: <problem>`` so a maintainer editing the data
sees exactly what to fix; a knowledge base with any problem is rejected as a whole.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from policies_kb.model import ALL_KINDS, NUMERIC_KINDS, Clause, Document, Fact, Topic

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = PACKAGE_DIR / "data"
TOPICS_FILE = PACKAGE_DIR / "topics.yml"
PROVINCES = ("吉林", "江西")
DOC_FIELDS = ("id", "doc_no", "issuer", "title", "date", "province", "validity", "source_file")
CLAUSE_FIELDS = ("clause", "heading", "topics", "text")
FACT_FIELDS = ("key", "kind", "say", "quote")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


class KnowledgeBaseError(ValueError):
    """Raised with one line per problem found in the data."""

    def __init__(self, problems: List[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def squash(text: str) -> str:
    """Text with all white space removed: the form in which quotes and seeds are compared."""
    return _SPACE.sub("", text)


def load_topics(path: Path = TOPICS_FILE) -> Dict[str, Topic]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]
    return {tid: Topic(id=tid, intent=t["intent"], name=t["name"], results=bool(t.get("results"))) for tid, t in raw.items()}


def load_documents(
    data_dir: Path = DEFAULT_DATA_DIR, topics: Optional[Dict[str, Topic]] = None
) -> List[Clause]:
    """All clauses of all documents in ``data_dir``; raises KnowledgeBaseError on any problem."""
    topics = topics if topics is not None else load_topics()
    problems: List[str] = []
    clauses: List[Clause] = []
    files = sorted(Path(data_dir).glob("*.yml"))
    if not files:
        raise KnowledgeBaseError([f"{data_dir}: no knowledge-base files (*.yml)"])
    seen_docs: Dict[str, str] = {}
    for path in files:
        file_clauses, file_problems = _load_file(path, topics)
        problems += file_problems
        for c in file_clauses:
            if c.doc.id in seen_docs and seen_docs[c.doc.id] != path.name:
                problems.append(f"{path.name}: doc: id {c.doc.id!r} already used by {seen_docs[c.doc.id]}")
                break
            seen_docs[c.doc.id] = path.name
        clauses += file_clauses
    if problems:
        raise KnowledgeBaseError(problems)
    return clauses


def _load_file(path: Path, topics: Dict[str, Topic]) -> Tuple[List[Clause], List[str]]:
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], [f"{name}: file: not valid YAML ({str(exc).splitlines()[0]})"]
    if not isinstance(raw, dict) or not isinstance(raw.get("doc"), dict):
        return [], [f"{name}: file: must be a mapping with 'doc' and 'clauses'"]
    doc, problems = _parse_doc(name, path.stem, raw["doc"])
    raw_clauses = raw.get("clauses")
    if not isinstance(raw_clauses, list) or not raw_clauses:
        return [], problems + [f"{name}: clauses: must be a non-empty list"]
    if doc is None:
        return [], problems
    clauses: List[Clause] = []
    seen_numbers: set = set()
    seen_keys: set = set()
    for index, entry in enumerate(raw_clauses):
        clause, clause_problems = _parse_clause(name, index, entry, doc, topics)
        problems += clause_problems
        if clause is None:
            continue
        if clause.clause in seen_numbers:
            problems.append(f"{name}: clause {clause.clause}: clause number used twice")
        seen_numbers.add(clause.clause)
        for fact in clause.facts:
            if fact.key in seen_keys:
                problems.append(f"{name}: clause {clause.clause}: fact {fact.key}: key used twice")
            seen_keys.add(fact.key)
        clauses.append(clause)
    return clauses, problems


def _missing(entry: Dict[str, Any], fields: Tuple[str, ...]) -> List[str]:
    return [f for f in fields if entry.get(f) in (None, "", [])]


def _parse_doc(name: str, stem: str, raw: Dict[str, Any]) -> Tuple[Optional[Document], List[str]]:
    where = f"{name}: doc"
    problems = [f"{where}: missing field {f!r}" for f in _missing(raw, DOC_FIELDS)]
    if problems:
        return None, problems
    if raw["id"] != stem:
        problems.append(f"{where}: id {raw['id']!r} must equal the file name {stem!r}")
    if raw["province"] not in PROVINCES:
        problems.append(f"{where}: province {raw['province']!r} is not one of {PROVINCES}")
    date = raw["date"]
    if not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(str(date))
        except ValueError:
            problems.append(f"{where}: date {raw['date']!r} is not a date (YYYY-MM-DD)")
            return None, problems
    if problems:
        return None, problems
    doc = Document(
        id=raw["id"], doc_no=str(raw["doc_no"]), issuer=str(raw["issuer"]), title=str(raw["title"]),
        date=date, province=raw["province"], validity=str(raw["validity"]),
        source_file=str(raw["source_file"]),
    )
    return doc, []


def _parse_clause(
    name: str, index: int, raw: Any, doc: Document, topics: Dict[str, Topic]
) -> Tuple[Optional[Clause], List[str]]:
    if not isinstance(raw, dict):
        return None, [f"{name}: clause #{index + 1}: must be a mapping"]
    where = f"{name}: clause {raw.get('clause') or '#' + str(index + 1)}"
    problems = [f"{where}: missing field {f!r}" for f in _missing(raw, CLAUSE_FIELDS)]
    if problems:
        return None, problems
    topic_ids = raw["topics"] if isinstance(raw["topics"], list) else [raw["topics"]]
    problems += [f"{where}: unknown topic {t!r}" for t in topic_ids if t not in topics]
    facts: List[Fact] = []
    for f_index, raw_fact in enumerate(raw.get("facts") or []):
        fact, fact_problems = _parse_fact(where, f_index, raw_fact, str(raw["text"]))
        problems += fact_problems
        if fact is not None:
            facts.append(fact)
    if problems:
        return None, problems
    clause = Clause(
        doc=doc, clause=str(raw["clause"]), heading=str(raw["heading"]),
        section=str(raw.get("section") or ""), topics=tuple(topic_ids), text=str(raw["text"]).strip(),
        facts=tuple(facts),
    )
    return clause, []


def _parse_fact(where: str, index: int, raw: Any, clause_text: str) -> Tuple[Optional[Fact], List[str]]:
    if not isinstance(raw, dict):
        return None, [f"{where}: fact #{index + 1}: must be a mapping"]
    where = f"{where}: fact {raw.get('key') or '#' + str(index + 1)}"
    problems = [f"{where}: missing field {f!r}" for f in _missing(raw, FACT_FIELDS)]
    if problems:
        return None, problems
    kind = raw["kind"]
    if kind not in ALL_KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {sorted(ALL_KINDS)}")
    value = raw.get("value")
    if kind in NUMERIC_KINDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where}: a {kind} fact needs a numeric 'value'")
        if not raw.get("unit"):
            problems.append(f"{where}: a {kind} fact needs a 'unit'")
    if kind == "quota" and not raw.get("city"):
        problems.append(f"{where}: a quota fact needs a 'city'")
    quote, say = str(raw["quote"]), str(raw["say"])
    if squash(quote) not in squash(clause_text):
        problems.append(f"{where}: quote is not verbatim in the clause text: {quote[:40]!r}")
    # Numbers as printed ("长春市 4500 2100" holds two) and with spaces removed ("21 万" → 21).
    quote_numbers = set(_NUMBER.findall(quote)) | set(_NUMBER.findall(squash(quote)))
    invented = [n for n in _NUMBER.findall(say) if n not in quote_numbers]
    if invented:
        problems.append(f"{where}: 'say' states numbers not in the quote: {', '.join(invented)}")
    if kind in NUMERIC_KINDS and isinstance(value, (int, float)) and not isinstance(value, bool):
        if _format_number(value) not in quote_numbers and not _is_spelled(value, quote):
            problems.append(f"{where}: value {value} does not appear in the quote")
    keywords = raw.get("keywords") or []
    if not isinstance(keywords, list):
        problems.append(f"{where}: keywords must be a list")
        keywords = []
    if problems:
        return None, problems
    fact = Fact(
        key=str(raw["key"]), kind=kind, say=say.strip(), quote=quote.strip(),
        keywords=tuple(str(k) for k in keywords), primary=bool(raw.get("primary", False)),
        value=float(value) if isinstance(value, (int, float)) else None,
        unit=raw.get("unit"), city=raw.get("city"),
    )
    return fact, []


_SPELLED = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def _is_spelled(value: float, quote: str) -> bool:
    """Small values may be printed in Chinese numerals (贷款期限最高为三年)."""
    return value in _SPELLED and _SPELLED[int(value)] in quote


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
