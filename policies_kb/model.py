"""Typed, immutable view of the knowledge base once the loader has validated it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional, Tuple

NUMERIC_KINDS = frozenset({"amount", "percent", "count", "duration", "quota"})
ALL_KINDS = NUMERIC_KINDS | {"condition", "contact", "text"}


# A table's row for the whole province (附件1 全省) is a province-level fact, not a city's row.
WHOLE_PROVINCE = "全省"


@dataclass(frozen=True)
class Fact:
    key: str
    kind: str
    say: str
    quote: str
    keywords: Tuple[str, ...] = ()
    primary: bool = False
    value: Optional[float] = None
    unit: Optional[str] = None
    city: Optional[str] = None

    @property
    def city_row(self) -> bool:
        """Whether this is one city's row of a table (answered only when that city is named)."""
        return bool(self.city) and self.city != WHOLE_PROVINCE

    def is_row_of(self, city: str) -> bool:
        """Whether this is the row of ``city`` however either is spelt (长春 / 长春市, 延边 / 延边州)."""
        row = self.city or ""
        return self.city_row and bool(city) and (row.startswith(city) or city.startswith(row))


@dataclass(frozen=True)
class Document:
    id: str
    doc_no: str
    issuer: str
    title: str
    date: dt.date
    province: str
    validity: str
    source_file: str


@dataclass(frozen=True)
class Clause:
    doc: Document
    clause: str
    heading: str
    section: str
    topics: Tuple[str, ...]
    text: str
    facts: Tuple[Fact, ...] = field(default_factory=tuple)

    @property
    def ref(self) -> str:
        """Stable reference used by search results and the console, e.g. ``jl-2022-jiuzu-2#（十）``."""
        return f"{self.doc.id}#{self.clause}"

    def fact(self, key: str) -> Optional[Fact]:
        return next((f for f in self.facts if f.key == key), None)


@dataclass(frozen=True)
class Topic:
    id: str
    intent: str
    name: str
    results: bool = False  # reports what was achieved, not what was planned
