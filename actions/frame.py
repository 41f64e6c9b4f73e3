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

import functools
import re
from dataclasses import dataclass
from typing import FrozenSet, Iterable, Optional, Tuple

from actions.numbers import QuestionDetails, parse_details
from policies_kb.lexicon import FIGURE_KINDS, Attribute, Lexicon, load_lexicon
from policies_kb.regions import lookup
from policies_kb.text import clauses_of, ensure_dictionary, policy_terms

# Numbers (20万, 五个, 俩人), Latin letters, and institutions are never what is asked about.
_FIGURES = re.compile(r"[\d０-９a-zA-Z%]")  # the part of _NOT_CONTENT a service's name (96885, 2+6+N) may have
_NOT_CONTENT = re.compile(
    _FIGURES.pattern + r"|(大学|学院|学校)$|^[零〇一二两三四五六七八九十百千万俩仨几半]+[个位名人年月天岁块元万次]?$"
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
    # Content words of the clause that asks (the last one with a question cue): context told before
    # it (想回抚州开个工作室，她一个人能贷多少) cannot make the documents fail to cover the question.
    asked: Tuple[str, ...] = ()
    # Words of a story told before what is asked about, which the documents never use (see _story).
    story: Tuple[str, ...] = ()
    # Other attributes the asking clause has cues for (合伙开店最多能贷多少钱 几个人一起的那种 asks an
    # amount, though its last cue is a head count): a fact answering one of them answers it too.
    also: Tuple[Attribute, ...] = ()
    # Earlier clauses that ask something of their own (贷款能贷多少，利息有补贴吗: 贷款能贷多少):
    # a message may hold two questions; each is answered.
    other_questions: Tuple[str, ...] = ()
    asking: str = ""  # the clause that asks (the last one with a question word or cue)
    # The attribute was carried over from the previous question (五个人呢 after 能贷多少), not asked:
    # when the subject has no fact of it, the follow-up is answered without it (利息呢 after 几年).
    inherited: bool = False

    def answerable(self) -> Tuple[Attribute, ...]:
        """The attribute asked, then the others its asking clause names."""
        return ((self.attribute,) if self.attribute is not None else ()) + self.also

    @property
    def bare(self) -> bool:
        """Says nothing of its own about what is asked ("那江西呢", "五个人呢"): a follow-up."""
        return not self.content and self.attribute is None


# Part-of-speech tags (jieba's ICTCLAS set) of words that frame a question rather than name its
# subject: verbs, adjectives, adverbs, time words, idioms, numerals, pronouns, particles. Of these,
# only a verb can still name the subject, when it is not an everyday one: 拖欠, 缓缴, 见习, 留用 do;
# 回来, 安排, 限制 (common in jieba's corpus counts) and 交上去 (made of motion characters) do not.
_FRAMING_TAGS = ("v", "a", "d", "t", "l", "i", "m", "q", "r", "p", "u", "y", "z", "f", "c", "e", "o", "b")
_EVERYDAY_VERB_FREQ = 2000
_EVERYDAY_VERB_FREQ_KNOWN = 5000  # a verb the documents use (过渡, 纳入) is kept unless very common


def _names_a_thing(word: str, tag: str, known_text: str, generic_chars: FrozenSet[str] = frozenset()) -> bool:
    """Whether a word can name what is asked about (see _FRAMING_TAGS). ``generic_chars``: the
    lexicon's one-character generic words (招, 有), which frame a verb as everyday too."""
    if not tag.startswith(_FRAMING_TAGS) or tag.startswith("vn") or tag == "an" or word in policy_terms():
        return True
    if not tag.startswith("v") or set(word) <= _GENERIC_VERB_CHARS | generic_chars:
        return False
    import jieba

    freq = jieba.dt.FREQ.get(word, 0)
    return freq < (_EVERYDAY_VERB_FREQ_KNOWN if word in known_text else _EVERYDAY_VERB_FREQ)


# Verbs made only of everyday motion/giving characters are framing however rare the compound.
# Resultative complements (满, 齐, 够, 好) finish an everyday verb: 招满, 凑齐 frame the question too.
_GENERIC_VERB_CHARS = frozenset("交上去下来回出进给拿办弄搞整干做到过完有满齐够好成住掉没不别")


def content_words(text: str, known_text: str, lexicon: Optional[Lexicon] = None) -> Tuple[str, ...]:
    """Words of ``text`` that name what is asked: not framing (generic words, attribute cues),
    not places or institutions, not numbers. A word the knowledge base does not know is kept only
    when some character of it is not a generic one (吗, 能, 贷 alone say nothing)."""
    lexicon = lexicon or load_lexicon()
    ensure_dictionary()
    import jieba

    import jieba.posseg

    generic, cues = lexicon.generic, lexicon.cue_words()
    generic_chars = "".join(w for w in generic if len(w) == 1)
    generic_char_set = frozenset(generic_chars)
    # Where attribute cues stand (多大岁数, 多久往省厅报一次): a word inside one that the documents
    # never use frames the question (岁数), it does not name its subject.
    cue_spans = [m.span() for a in lexicon.attributes for cue in a.cues for m in cue.finditer(text)]
    out: list = []
    previous = ""
    position = 0
    for word, tag in jieba.posseg.lcut(text):
        start = text.find(word, position)
        position = start + len(word) if start >= 0 else position
        if start >= 0 and word.strip() and word not in known_text and any(
            a <= start and start + len(word) <= b for a, b in cue_spans
        ):
            previous = ""
            continue
        word = word.strip()
        if len(word) == 1 and tag.startswith("n") and word not in generic and previous and out[-1:] == [previous]:
            out[-1] = previous + word  # 失业保险|金: a one-character noun head finishes the word before it
            previous = ""
            continue
        previous = ""
        if not _names_a_thing(word, tag, known_text, generic_char_set):
            continue
        # 吉林大学 is a policy term too, but only figures and Latin letters make a name of a service
        named_with_figures = word in policy_terms() and _FIGURES.search(word) and lookup(word) is None
        if word in lexicon.named_numbers or (named_with_figures and word not in out):
            out.append(word)  # 96885, 12333, 1311, 2+6+N: numbers and names that name a service
            continue
        if len(word) < 2 or word in generic or word in cues or _NOT_CONTENT.search(word):
            continue
        if lexicon.says_a_result_is_asked(word):  # 实际完成多少人: which figure, not what it is of
            continue
        kind = lexicon.kind_of(word)
        if lookup(word) is not None or kind == ():  # a place; a person described
            continue
        # the founding verb stands right before the word: a few characters are enough to look at
        founded = lexicon.founded(text[max(0, start - 8):start], word) if start >= 0 and word not in known_text else None
        if founded is not None and kind is None:
            if founded not in out:  # 想开个养鸡场，能贷多少: founding a business is what is asked about
                out.append(founded)
            continue
        if set(word) <= set(generic_chars):  # 能领, 能贷: generic characters only
            continue
        if word not in known_text and not jieba.dt.FREQ.get(word):  # 最多贷, 那开, 年招: framing
            word = word.strip("".join(generic_chars))  # around nothing (a known word like 个体工商户 stays)
        if len(word) < 2 or word in generic or word in cues:
            continue
        if word not in out:
            out.append(word)
            previous = word
    return tuple(out)




def _asking_clause(text: str, lexicon: Lexicon) -> str:
    """The last clause that asks something (an attribute cue, a question word or mark)."""
    clauses = clauses_of(text)
    return next((c for c in reversed(clauses) if lexicon.asks(c)), "")


# A cue ending this close before the asked attribute's cue modifies it (最多允许几个人: 最多 says
# how many people at most, it does not ask an amount).
_MODIFIER_GAP = 3


def _also_asked(attribute: Optional[Attribute], cued: Tuple[Attribute, ...], clause: str) -> Tuple[Attribute, ...]:
    """Other attributes a question may ask besides the one read from its last cue: only between
    attributes answered by kinds of figure (a head count or an amount), and only where their cue
    stands on its own, not right before the asked one's. One answered only by what a sentence says
    (an age, a rate, a contact) is asked for exactly."""
    def figure(a: Attribute) -> bool:
        return bool(set(a.kinds) & FIGURE_KINDS)

    if attribute is None or not figure(attribute):
        return ()
    asked = [m.start() for cue in attribute.cues for m in cue.finditer(clause)]

    def on_its_own(a: Attribute) -> bool:
        ends = [m.end() for cue in a.cues for m in cue.finditer(clause)]
        return any(not any(0 <= start - end <= _MODIFIER_GAP for start in asked) for end in ends)

    return tuple(a for a in cued if a is not attribute and figure(a) and not a.weak and on_its_own(a))


def _other_questions(text: str, asking: str, content: Tuple[str, ...], lexicon: Lexicon) -> Tuple[str, ...]:
    """Clauses before the asking one that ask with a question word and name something of their own."""
    marks = lexicon.question_marks
    if not asking or marks is None:
        return ()
    def asks_of_its_own(clause: str) -> bool:
        # 攻坚行动 啥时候搞 服务哪些人: a clause asking an attribute of its own asks it of the same subject
        attribute = lexicon.attribute_of(clause)
        return any(w in clause for w in content) or (attribute is not None and not attribute.weak)

    clauses = [c for c in clauses_of(text) if c != asking]
    return tuple(c for c in clauses if marks.search(c) and asks_of_its_own(c))


def _asked_attribute(text: str, asking: str, content: Tuple[str, ...], lexicon: Lexicon) -> Optional[Attribute]:
    """The attribute of the asking clause; when it names nothing of its own (都包括哪些), that of
    the last earlier clause with a question word."""
    if any(w in asking for w in content):
        return lexicon.attribute_of(asking)
    marks = lexicon.question_marks
    earlier = [c for c in clauses_of(text) if c != asking and marks is not None and marks.search(c)]
    for clause in [asking] + earlier[::-1]:
        attribute = lexicon.attribute_of(clause)
        if attribute is not None:
            return attribute
    return None


def _story(text: str, asking: str, content: Tuple[str, ...], known_text: str) -> Tuple[str, ...]:
    """When the asking clause names nothing of its own (一个人最多能贷多少钱啊) and a clause before it
    does (听说有那个创业担保贷款), the words told further back that the documents never use (寻思,
    屯里, 养殖场): a story around the question, not what it asks about."""
    if not asking or asking == text or any(w in asking for w in content):
        return ()
    clauses = clauses_of(text)
    last = len(clauses) - 1 - clauses[::-1].index(asking) if asking in clauses else 0
    for clause in reversed(clauses[:last]):
        named = [w for w in content if w in clause]
        if named:
            return tuple(w for w in content if w not in named and coverage([w], known_text) < 1.0)
    return ()


def parse_frame(text: str, known_text: str, lexicon: Optional[Lexicon] = None) -> Frame:
    """The frame of ``text``. With the default lexicon, frames are cached: one turn reads the
    message, the previous question and (for out-of-scope messages) the message again, and jieba's
    part-of-speech pass is the costly part."""
    if lexicon is None:
        return _cached_frame(text, known_text)
    return _parse_frame(text, known_text, lexicon)


@functools.lru_cache(maxsize=1024)
def _cached_frame(text: str, known_text: str) -> Frame:
    return _parse_frame(text, known_text, load_lexicon())


# Who is asking, said before a colon (工作人员问：, 坐席提问：, 热线来电：): not what is asked about.
_PREFACE = re.compile(r"^[^，。,？?！!：:]{0,8}(问|提问|咨询|来电|反映|留言)\s*[：:]")


def _parse_frame(text: str, known_text: str, lexicon: Lexicon) -> Frame:
    # 转人工 asks for a person: whom to contact, not a subject of its own
    body = _PREFACE.sub("", text)
    content = tuple(w for w in content_words(body, known_text, lexicon) if not lexicon.asks_for_a_person(w))
    asking = _asking_clause(text, lexicon)
    # The clauses that ask say what is asked (我们是国企，按要求招满了，有啥好处 asks no 要求), the last
    # one with a cue first (是干啥用的，都包括哪些 asks the purpose).
    attribute = _asked_attribute(text, asking, content, lexicon) if asking else lexicon.attribute_of(text)
    if attribute is None and lexicon.asks_for_a_person(text):
        attribute = lexicon.attribute("contact")
    return Frame(
        text=text,
        attribute=attribute,
        also=_also_asked(attribute, lexicon.attributes_in(asking or text), asking or text),
        asker=lexicon.asker_of(text),
        content=content,
        details=parse_details(text),
        years=tuple(int(y) for y in _YEAR.findall(text)),
        asked=tuple(w for w in content if w in asking) if asking != text else (),
        story=_story(text, asking, content, known_text),
        other_questions=_other_questions(text, asking, content, lexicon),
        asking=asking,
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
    if len(word) in (2, 3) and _abbreviates(word, text):
        return True
    if len(word) >= 4 and _head_covered(word, text):
        return True  # 省属国企 is a kind of 国企
    if len(word) >= 4:
        # Chinese compounds are head-final: the last pair must be there (西部计划 ~ 西部志愿者计划,
        # but 失业保险金 is not 失业保险), and two thirds of all pairs.
        pairs = [word[i:i + 2] for i in range(len(word) - 1)]
        return pairs[-1] in text and sum(1 for p in pairs if p in text) * 3 >= 2 * len(pairs)
    return False


def _head_covered(word: str, text: str) -> bool:
    """Whether the head (last word, two characters or more) of a compound is covered: a kind of
    what the documents name (省属国企 ~ 国有企业). A one-character head (失业保险|金) is not enough."""
    import jieba

    ensure_dictionary()
    generic = load_lexicon().generic  # 见习补贴 is not covered wherever 补贴 is
    heads = [word[-n:] for n in (2, 3) if len(word) - n >= 2 and jieba.dt.FREQ.get(word[-n:]) and word[-n:] not in generic]
    return any(covers(text, head) for head in heads)


def _abbreviates(word: str, text: str) -> bool:
    """A three-character abbreviation keeps the first character of each part of its full form, in
    order and close together: 公益岗 ~ 公益性岗位, 社保费 ~ 社会保险费, 实名库 ~ 实名信息数据库,
    国企 ~ 国有企业."""
    gap = ".{0,4}" if len(word) > 2 else ".{1,2}"  # 国企 ~ 国有企业, 技校 ~ 技工院校
    return re.search(gap.join(map(re.escape, word)), text) is not None


def coverage(words: Iterable[str], text: str, lexicon: Optional[Lexicon] = None) -> float:
    """Share of the question's content, by characters, that ``text`` covers (1.0 when there is
    none). Longer words are more specific: 创业贷款 outweighs an everyday 小店 beside it, while 人才
    does not outweigh 公寓. A kind of thing (工作室) is covered where its class is (企业, 创业)."""
    lexicon = lexicon or load_lexicon()
    words = list(words)
    total = sum(len(w) for w in words)
    if not total:
        return 1.0

    def covered(word: str) -> bool:
        return covers(text, word) or any(covers(text, h) for h in lexicon.kind_of(word) or ())

    return sum(len(w) for w in words if covered(w)) / total
