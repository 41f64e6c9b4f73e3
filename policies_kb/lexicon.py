"""The question lexicon (``lexicon.yml``): everyday spellings, attribute cues, askers, generic words."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Match, Optional, Pattern, Tuple

import yaml

from policies_kb.text import clause_start, clauses_of

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.yml"


# Cue matches at most this many characters apart read as one phrase (标准是多少, 最高能贷多少).
_CUE_GAP = 2
_CLAUSE_BREAK = re.compile(r"[，。,.；;？?！!\s]")
FIGURE_KINDS = frozenset({"amount", "percent", "count", "quota", "duration"})


@dataclass(frozen=True)
class Attribute:
    """One thing a question can ask about, with the fact kinds that answer it (best first)."""

    id: str
    cues: Tuple[Pattern[str], ...]
    kinds: Tuple[str, ...]
    evidence: Optional[Pattern[str]] = None
    # A sentence saying the document gives no figure (本文件未列明补贴标准) answers no question about a
    # figure: the question is declined instead (set from the lexicon's `unstated`).
    unstated: Optional[Pattern[str]] = None
    # Answered by any clause of the document the question is about (its contact block), not only
    # by the clauses that name the subject.
    document_wide: bool = False
    # Says only that something is asked (a bare 多少): a more specific cue earlier in the same
    # clause names what.
    weak: bool = False
    # The attribute a follow-up naming a subject of its own inherits instead of this one (那开个小公司
    # 贷款呢 after 有啥补贴 asks the loan's amount, not which subsidies a loan has); None: this one.
    carried_as: Optional[str] = None
    # Asks what there is (有啥支持, 有啥好处): someone out of work asking it pleads for help.
    open_ended: bool = False
    label: str = ""  # 年龄: named in a decline ("没有找到关于“公务员”年龄的规定")

    @property
    def asks_a_figure(self) -> bool:
        return not self.kinds or bool(set(self.kinds) & FIGURE_KINDS)

    def matches(self, text: str) -> bool:
        return any(cue.search(text) for cue in self.cues)

    def answered_by(self, kind: str, say: str) -> bool:
        """Whether a fact of ``kind`` saying ``say`` answers this attribute."""
        # 本文件未列明补贴标准 leaves the money unstated, not the other figures of the sentence
        if self.unstated is not None and "amount" in self.kinds and self.unstated.search(say):
            return False
        return kind in self.kinds or bool(self.evidence and self.evidence.search(say))

    def evidenced_parts(self, say: str) -> List[str]:
        """The parts of a sentence (between commas and semicolons) where this attribute's evidence
        stands."""
        parts = re.split(r"[，,；;。]", say)
        return [p for p in parts if self.evidence is not None and self.evidence.search(p)]


@dataclass(frozen=True)
class Lexicon:
    variants: Tuple[Tuple[str, str], ...]  # longest first
    attributes: Tuple[Attribute, ...]
    askers: Dict[str, Tuple[str, ...]]
    generic: FrozenSet[str]
    terms: Tuple[str, ...]
    named_numbers: FrozenSet[str] = frozenset()
    money_nouns: Tuple[str, ...] = ()
    benefit_nouns: Tuple[str, ...] = ()
    question_marks: Optional[Pattern[str]] = None
    tag_question: Optional[Pattern[str]] = None
    referenced_only: FrozenSet[str] = frozenset()
    plan: Optional[Pattern[str]] = None
    result: Optional[Pattern[str]] = None
    narrator: Optional[Pattern[str]] = None
    refers: Optional[Pattern[str]] = None
    # A graduate saying they are still out of work (`out_of_work`), and the topic that answers such
    # a message when it asks what there is but names nothing (`out_of_work_topics`: the first the
    # province's documents have).
    out_of_work: Tuple[Pattern[str], ...] = ()
    out_of_work_topics: Tuple[str, ...] = ()
    hiring: Optional[Pattern[str]] = None  # an employer taking someone on (招, 吸纳, 录用)
    # (years, topic, stated): out of work that long after leaving school, the topic whose facts
    # state that window (就业困难) answers first
    out_of_work_long: Optional[Tuple[float, str, Pattern[str]]] = None
    person_request: Optional[Pattern[str]] = None
    # (heads, covered_by): a word ending in one of the heads is a kind of what covered_by names.
    kinds: Tuple[Tuple[Tuple[str, ...], Tuple[str, ...]], ...] = ()
    # (before, means): a word right after ``before`` (开个, 开家) names a business being founded,
    # whatever the word (小卖部, 养鸡场, 诊所): it asks about what ``means`` names.
    founding: Optional[Tuple[Pattern[str], str, Tuple[str, ...]]] = None
    # Qualifiers that exclude each other (大型企业 / 中小微企业): a figure stated for one side does not
    # answer a question that names the other.
    exclusive: Tuple[Tuple[Tuple[str, ...], ...], ...] = ()
    whole_province: Optional[Pattern[str]] = None
    compare: Optional[Pattern[str]] = None
    difference: Optional[Pattern[str]] = None
    # A question about a document itself (its number, date, issuer or title): `document.cues`
    # always ask it; `document.dated` (哪天发的) only with one of `document.nouns` (通知, 措施) named.
    document_cues: Optional[Pattern[str]] = None
    document_dated: Optional[Pattern[str]] = None
    document_nouns: Optional[Pattern[str]] = None
    # Everyday words read only in a message typed wholly in pinyin (cha yi xia, chexiao dengji):
    # never content words, never a target for typo repair.
    spoken: Tuple[str, ...] = ()

    def asks_about_document(self, text: str) -> bool:
        if self.document_cues is not None and self.document_cues.search(text):
            return True
        return bool(
            self.document_dated and self.document_nouns
            and self.document_dated.search(text) and self.document_nouns.search(text)
        )

    def document_phrases(self, text: str) -> Tuple[str, ...]:
        """The words of ``text`` that ask about a document (文号, 哪个部门发的): what is asked, not
        which document."""
        patterns = [p for p in (self.document_cues, self.document_dated) if p is not None]
        return tuple(m.group(0) for p in patterns for m in p.finditer(text))

    def kind_of(self, word: str) -> Optional[Tuple[str, ...]]:
        """The words that name the class ``word`` is a kind of (工作室, 餐馆 → 企业, 创业…), an empty
        tuple for a person (小伙子, 姑娘: framing, never what is asked), None for no class. Chinese
        compounds are head-final, so the class is read from the word's last characters; a word
        that is itself a class word keeps its own meaning. The colloquial noun suffixes 子 and 儿 do
        not change the head (厂子 is a 厂, 店儿 a 店)."""
        for heads, covered_by in self.kinds:
            if word not in covered_by and any((word.endswith(h) and word != h) or word == h for h in heads):
                return covered_by
        if len(word) > 1 and word[-1] in "子儿":
            return self.kind_of(word[:-1])
        return None

    def founded(self, before: str, word: str) -> Optional[str]:
        """What ``word`` names when ``before`` (the text up to it) ends in a founding verb (开个, 开了家):
        a business being founded (开个小卖部 asks about 创业), else None. 开 also issues a paper
        (开个证明, 开个发票): a word ending in one of the paper heads is not founded."""
        if self.founding is None:
            return None
        pattern, means, papers = self.founding
        return means if pattern.search(before) and not word.endswith(papers) else None

    def asks_for_a_person(self, text: str) -> bool:
        """转人工, 我要人工客服: a request to talk to a person, not a question about whom to contact."""
        return self.person_request is not None and self.person_request.search(text) is not None

    def compares(self, text: str) -> bool:
        """吉林跟江西比, 江西比吉林高多少: places set side by side."""
        return bool(self.compare and self.compare.search(text))

    def asks_difference(self, text: str) -> bool:
        """差多少, 高多少: by how much two figures differ."""
        return bool(self.difference and self.difference.search(text))

    def names_whole_province(self, text: str) -> bool:
        """全省一共呢: the province as a whole, not the city the conversation was about."""
        return bool(self.whole_province and self.whole_province.search(text))

    def contradiction(self, question: str, stated: str) -> Optional[str]:
        """The qualifier the question names when ``stated`` qualifies its figures by the other side
        of an exclusive pair (我们是大型企业 against 中小微企业返还比例提高到60%), else None."""
        for group in self.exclusive:
            named = {i: w for i, side in enumerate(group) for w in side if _named(w, question)}
            said = {i for i, side in enumerate(group) if any(w in stated for w in side)}
            if len(named) == 1 and said and not said & set(named):
                return next(iter(named.values()))
        return None

    def hired_before(self, text: str, position: int) -> bool:
        """Whether an employer takes someone on earlier in the clause holding ``position``
        (招个19岁的待业小孩, 招了五个大学毕业生一起干): what follows describes whom they hire."""
        return self.hiring is not None and self.hiring.search(text, clause_start(text, position), position) is not None

    def _out_of_work_matches(self, text: str) -> List[Match[str]]:
        """Where ``text`` says someone is out of work, except of whom an employer takes on."""
        return [m for cue in self.out_of_work for m in cue.finditer(text) if not self.hired_before(text, m.start())]

    def says_out_of_work(self, text: str) -> bool:
        return bool(self._out_of_work_matches(text))

    def out_of_work_phrases(self, text: str) -> Tuple[str, ...]:
        """The phrases saying someone is out of work (我失业了, 还没找到工作): the asker's situation,
        not what is asked about."""
        return tuple(m.group(0) for m in self._out_of_work_matches(text))

    def asks_results(self, text: str) -> Optional[bool]:
        """True for a question about what was achieved, False for one about what was planned, None
        when it says neither (or both: 完成年计划的多少)."""
        plan = bool(self.plan and self.plan.search(text))
        result = bool(self.result and self.result.search(text))
        return None if plan == result else result

    def refers_back(self, text: str) -> bool:
        """这个政策, 那项补贴: the message points back at what was just discussed."""
        return bool(self.refers and self.refers.search(text))

    def helps_the_long_out_of_work(self, topic: Optional[str]) -> bool:
        """The topic that answers a graduate out of work for long (hardship help): the last help
        there is, so 要是一直找不到呢 after it goes on with it."""
        return topic is not None and self.out_of_work_long is not None and topic == self.out_of_work_long[1]

    def results_asked(self, text: str, asking: str) -> Optional[bool]:
        """``asks_results`` of a whole question, leaving out the clauses before the one that asks
        which tell the asker's own story (我去年拿了…称号，多少钱以下可以免反担保 asks no result:
        去年…了 is what happened to the asker)."""
        told = [c for c in clauses_of(text) if c == asking or not (self.narrator and self.narrator.search(c))]
        return self.asks_results("，".join(told))

    def says_a_result_is_asked(self, word: str) -> bool:
        """实际, 完成: a word that only says a result is asked, not of what. (计划 is not one: it is
        also half of a programme's name, 见习计划, 马兰花计划.)"""
        return bool(self.result and self.result.fullmatch(word))

    def attribute_of(self, text: str) -> Optional[Attribute]:
        """What the question asks. A Chinese question ends with what it asks (几个人合伙，最多贷多少
        asks an amount, not a head count), so cues are read from the last run of adjacent cue
        matches; within that run the more specific attribute (earlier in the file) wins."""
        spans = []
        for order, attribute in enumerate(self.attributes):
            for cue in attribute.cues:
                spans += [(m.start(), m.end(), order) for m in cue.finditer(text)]
        if not spans:
            return None
        spans.sort()
        runs: List[List[Tuple[int, int, int]]] = []
        for span in spans:
            if runs and span[0] <= max(end for _, end, _ in runs[-1]) + _CUE_GAP:
                runs[-1].append(span)
            else:
                runs.append([span])
        best = self.attributes[min(order for _, _, order in runs[-1])]
        if best.weak:
            clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, runs[-1][0][0])), default=0)
            for run in reversed(runs[:-1]):
                strong = [order for start, _, order in run if start >= clause_start and not self.attributes[order].weak]
                if strong:
                    return self.attributes[min(strong)]
        return best

    def attributes_in(self, text: str) -> Tuple[Attribute, ...]:
        """Every attribute with a cue in ``text``, in the lexicon's order (most specific first)."""
        return tuple(a for a in self.attributes if a.matches(text))

    def asks(self, text: str) -> bool:
        """Whether a message asks something (a cue of an attribute, or a question mark or word)."""
        marks = self.question_marks
        return self.attribute_of(text) is not None or bool(marks is not None and marks.search(text))

    def asks_at_all(self, text: str) -> bool:
        """``asks``, or a clause ending in a spoken yes/no tag (算服务对象不, 这靠谱不): whether a
        message is a question at all, where which clause asks does not matter."""
        return self.asks(text) or bool(self.tag_question is not None and self.tag_question.search(text))

    def attribute(self, attribute_id: str) -> Optional[Attribute]:
        return next((a for a in self.attributes if a.id == attribute_id), None)

    def asker_of(self, text: str) -> str:
        for asker, cues in self.askers.items():
            if any(cue in text for cue in cues):
                return asker
        return "graduate"

    def cue_words(self) -> FrozenSet[str]:
        """Plain (non-regex) cue words of every attribute: they frame a question, not its subject."""
        words = set()
        for attribute in self.attributes:
            words.update(c.pattern for c in attribute.cues if re.fullmatch(r"[\u4e00-\u9fff]+", c.pattern))
        return frozenset(words)


def _check(data: dict) -> None:
    for section in ("variants", "attributes", "askers", "generic", "terms"):
        if section not in data:
            raise ValueError(f"{LEXICON_FILE.name}: missing section '{section}'")
    for entry in data["attributes"]:
        if not entry.get("id") or not entry.get("cues") or not (entry.get("kinds") or entry.get("evidence")):
            raise ValueError(f"{LEXICON_FILE.name}: attribute {entry!r} needs id, cues and kinds or evidence")
    ids = {entry["id"] for entry in data["attributes"]}
    for entry in data["attributes"]:
        if entry.get("carried_as") and entry["carried_as"] not in ids:
            raise ValueError(f"{LEXICON_FILE.name}: attribute {entry['id']} is carried as unknown {entry['carried_as']!r}")


def _long_out_of_work(entry: Any) -> Optional[Tuple[float, str, Pattern[str]]]:
    if not entry:
        return None
    return float(entry["years"]), str(entry["topic"]), re.compile(str(entry["stated"]))


# A word said after a negation (不是问每个人的) is not what the question names.
_NEGATED = re.compile(r"(不是|不|非|并非)(问|说|指)?$")


def _named(word: str, question: str) -> bool:
    return any(not _NEGATED.search(question[:m.start()]) for m in re.finditer(re.escape(word), question))


def _founding(entry: Optional[Dict[str, Any]]) -> Optional[Tuple[Pattern[str], str, Tuple[str, ...]]]:
    if not entry:
        return None
    return re.compile(str(entry["before"]) + "$"), str(entry["means"]), tuple(map(str, entry.get("papers") or ()))


@functools.lru_cache(maxsize=2)
def load_lexicon(path: str = str(LEXICON_FILE)) -> Lexicon:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    _check(data)
    variants: List[Tuple[str, str]] = sorted(
        ((str(k), str(v)) for k, v in data["variants"].items()), key=lambda kv: len(kv[0]), reverse=True
    )
    attributes = tuple(
        Attribute(
            id=a["id"], cues=tuple(re.compile(str(c)) for c in a["cues"]), kinds=tuple(a["kinds"]),
            evidence=re.compile(a["evidence"]) if a.get("evidence") else None,
            unstated=re.compile(data["unstated"]) if data.get("unstated") else None,
            document_wide=bool(a.get("document_wide")),
            weak=bool(a.get("weak")),
            open_ended=bool(a.get("open_ended")),
            carried_as=str(a["carried_as"]) if a.get("carried_as") else None,
            label=str(a.get("label") or ""),
        )
        for a in data["attributes"]
    )
    askers = {k: tuple(v) for k, v in data["askers"].items()}
    return Lexicon(
        tuple(variants), attributes, askers, frozenset(map(str, data["generic"])), tuple(map(str, data["terms"])),
        named_numbers=frozenset(map(str, data.get("named_numbers") or ())),
        money_nouns=tuple(map(str, data.get("money_nouns") or ())),
        benefit_nouns=tuple(map(str, data.get("benefit_nouns") or ())),
        question_marks=re.compile(data["question_marks"]) if data.get("question_marks") else None,
        tag_question=re.compile(str(data["tag_question"])) if data.get("tag_question") else None,
        referenced_only=frozenset(map(str, data.get("referenced_only") or ())),
        plan=re.compile(data["plan"]) if data.get("plan") else None,
        out_of_work=tuple(re.compile(str(cue)) for cue in data.get("out_of_work") or ()),
        out_of_work_topics=tuple(map(str, data.get("out_of_work_topics") or ())),
        hiring=re.compile(data["hiring"]) if data.get("hiring") else None,
        out_of_work_long=_long_out_of_work(data.get("out_of_work_long")),
        person_request=re.compile(str(data["person_request"])) if data.get("person_request") else None,
        result=re.compile(data["result"]) if data.get("result") else None,
        narrator=re.compile(data["narrator"]) if data.get("narrator") else None,
        refers=re.compile(data["refers_back"]) if data.get("refers_back") else None,
        kinds=tuple(
            (tuple(map(str, k["heads"])), tuple(map(str, k.get("covered_by") or ()))) for k in data.get("kinds") or ()
        ),
        founding=_founding(data.get("founding")),
        whole_province=re.compile(str(data["whole_province"])) if data.get("whole_province") else None,
        compare=re.compile(str(data["compare"])) if data.get("compare") else None,
        difference=re.compile(str(data["difference"])) if data.get("difference") else None,
        exclusive=tuple(tuple(tuple(map(str, side)) for side in group) for group in data.get("exclusive") or ()),
        spoken=tuple(map(str, data.get("spoken") or ())),
        **_document_patterns(data.get("document") or {}),
    )


def _document_patterns(section: Dict[str, str]) -> Dict[str, Optional[Pattern[str]]]:
    return {
        f"document_{name}": re.compile(str(section[name])) if section.get(name) else None
        for name in ("cues", "dated", "nouns")
    }
