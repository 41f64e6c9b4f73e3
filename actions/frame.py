"""The question frame: what a message asks, filled for every message and merged into the
conversation's earlier frame for follow-ups.

- subject: the knowledge-base topic (from the NLU intent, or inherited);
- attribute: amount, duration, eligibility, standard, procedure, deadline, contact, quota, ranking,
  yes/no on a figure (cue patterns in ``policies_kb/lexicon.yml``);
- place: handled by ``actions/policy_actions.resolve_region``;
- numbers: people, months, costs, retained/total, loan asked (``actions/numbers.py``);
- asker: graduate, employer, operator, family;
- content words: what the question is about, beyond framing words. They decide whether the
  knowledge base covers the question at all (``coverage``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from actions.numbers import QuestionDetails, parse_details
from policies_kb.lexicon import Attribute, Lexicon, load_lexicon
from policies_kb.regions import lookup
from policies_kb.text import ensure_dictionary

# Numbers (20万, 五个, 俩人), Latin letters, and institutions are never what is asked about.
_NOT_CONTENT = re.compile(
    r"[\d０-９a-zA-Z%]|(大学|学院|学校)$|^[零〇一二两三四五六七八九十百千万俩仨几半]+[个位名人年月天岁块元万次]?$"
)
_YEAR = re.compile(r"(20\d\d)\s*年")


@dataclass(frozen=True)
class Frame:
    text: str
    attribute: Optional[Attribute]
    asker: str
    content: Tuple[str, ...]
    details: QuestionDetails
    years: Tuple[int, ...]

    @property
    def bare(self) -> bool:
        """Says nothing of its own about what is asked ("那江西呢", "五个人呢"): a follow-up."""
        return not self.content and self.attribute is None


def content_words(text: str, known_text: str, lexicon: Optional[Lexicon] = None) -> Tuple[str, ...]:
    """Words of ``text`` that name what is asked: not framing (generic words, attribute cues),
    not places or institutions, not numbers. A word the knowledge base does not know is kept only
    when some character of it is not a generic one (吗, 能, 贷 alone say nothing)."""
    lexicon = lexicon or load_lexicon()
    ensure_dictionary()
    import jieba

    generic, cues = lexicon.generic, lexicon.cue_words()
    generic_chars = "".join(w for w in generic if len(w) == 1)
    out = []
    for word in jieba.lcut(text):
        word = word.strip()
        if word in lexicon.named_numbers:
            out.append(word)  # 96885, 12333, 1311: numbers that name a service
            continue
        if len(word) < 2 or word in generic or word in cues or _NOT_CONTENT.search(word):
            continue
        if lookup(word) is not None:
            continue
        word = word.strip("".join(generic_chars))  # 最多贷, 那开, 年招, 能贷: framing around nothing
        if len(word) < 2 or word in generic or word in cues:
            continue
        if word not in out:
            out.append(word)
    return tuple(out)


def parse_frame(text: str, known_text: str, lexicon: Optional[Lexicon] = None) -> Frame:
    lexicon = lexicon or load_lexicon()
    return Frame(
        text=text,
        attribute=lexicon.attribute_of(text),
        asker=lexicon.asker_of(text),
        content=content_words(text, known_text, lexicon),
        details=parse_details(text),
        years=tuple(int(y) for y in _YEAR.findall(text)),
    )


# A person suffix does not change the subject: 见习生 is asked about 见习, 创业者 about 创业.
_PERSON_SUFFIXES = ("生", "者", "员", "人")


def covers(text: str, word: str) -> bool:
    """Whether ``text`` speaks of ``word``: verbatim, without a person suffix, or (for longer
    words) with at least two thirds of its character pairs (西部计划 ~ 西部志愿者计划). 国家线 is
    not covered by 国家: half the pairs is not enough."""
    if word in text:
        return True
    if len(word) >= 3 and word.endswith(_PERSON_SUFFIXES) and word[:-1] in text:
        return True
    if len(word) >= 4:
        # Chinese compounds are head-final: the last pair must be there (西部计划 ~ 西部志愿者计划,
        # but 失业保险金 is not 失业保险), and two thirds of all pairs.
        pairs = [word[i:i + 2] for i in range(len(word) - 1)]
        return pairs[-1] in text and sum(1 for p in pairs if p in text) * 3 >= 2 * len(pairs)
    return False


def coverage(words: Iterable[str], text: str) -> float:
    """Share of the question's content, by characters, that ``text`` covers (1.0 when there is
    none). Longer words are more specific: 创业贷款 outweighs an everyday 小店 beside it, while 人才
    does not outweigh 公寓."""
    words = list(words)
    total = sum(len(w) for w in words)
    if not total:
        return 1.0
    return sum(len(w) for w in words if covers(text, w)) / total
