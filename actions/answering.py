"""Composes policy answers from knowledge-base facts. No policy figure is written here: every
number a graduate reads comes from a fact's ``say`` sentence or is computed from fact values.

Pure functions of (knowledge base, question, province) so they are tested without Rasa; the
rasa_sdk actions in ``actions/policy_actions.py`` only wire them to the tracker.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
import functools
import math
import re
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from actions import rules
from actions.frame import Frame, coverage, parse_frame
from policies_kb.text import clauses_of
from actions.numbers import QuestionDetails
from policies_kb.kb import KnowledgeBase, clause_text
from policies_kb.lexicon import FIGURE_KINDS, Attribute, load_lexicon
from policies_kb.model import Clause, Document, Fact
from policies_kb.regions import Region, find_in_text, lookup
from policies_kb.search import Hit
from policies_kb.text import ensure_dictionary, policy_terms, tokens

MAX_FACTS = 3
# Share of a question's content words that the cited clauses must contain; below it the question is
# declined (the documents do not cover it). Calibrated on tests/eval/blind_dev.jsonl only.
COVERAGE_MIN = 0.6
HANDOVER = "如需进一步确认，请拨打12333人社服务热线咨询人工客服。"


@dataclass
class Citation:
    doc_no: str
    title: str
    clause: str
    quote: str
    date: str
    province: str

    def as_dict(self) -> Dict[str, str]:
        return dict(self.__dict__)


@dataclass
class Answer:
    """What the bot says, plus the structured parts channels and the console show."""

    text: str
    kind: str  # policy | both_provinces | not_in_province | uncovered | unknown | search
    region: Optional[str] = None
    topic: Optional[str] = None
    citations: List[Citation] = field(default_factory=list)
    stated: List[Fact] = field(default_factory=list)  # the facts said, in order (not sent)

    def payload(self) -> Dict[str, object]:
        return {
            "kind": self.kind,
            "region": self.region,
            "topic": self.topic,
            "citations": [c.as_dict() for c in self.citations],
        }


def cn_date(clause: Clause) -> str:
    d = clause.doc.date
    return f"{d.year}年{d.month}月{d.day}日"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _citation(clause: Clause, facts: Sequence[Fact]) -> Citation:
    quote = "；".join(f.quote for f in facts) if facts else clause.text[:120]
    return Citation(
        doc_no=clause.doc.doc_no, title=clause.doc.title, clause=clause.clause, quote=quote,
        date=clause.doc.date.isoformat(), province=clause.doc.province,
    )


def clause_label(clause: Clause) -> str:
    """第（十）条 / 第五（六）条 for numbered clauses; attachments and named parts as printed."""
    if clause.clause[0] in "（一二三四五六七八九十":
        return f"第{clause.clause}条"
    return clause.clause


def _source_line(cited: Sequence[Tuple[Clause, Sequence[Fact]]]) -> str:
    """依据：吉就组〔2022〕2号第（十）条（2022年4月29日）; several documents joined."""
    by_doc: Dict[str, List[Clause]] = {}
    for clause, _ in cited:
        by_doc.setdefault(clause.doc.doc_no, []).append(clause)
    parts = []
    for doc_no, clauses in by_doc.items():
        numbers = "、".join(dict.fromkeys(clause_label(c) for c in clauses))
        parts.append(f"{doc_no}《{clauses[0].doc.title}》{numbers}（{cn_date(clauses[0])}发布）")
    years = sorted({c.doc.date.year for c, _ in cited})
    year_text = "、".join(str(y) for y in years)
    return (
        "依据：" + "；".join(parts) + "。\n"
        f"以上为{year_text}年文件规定的标准，现行标准请以当地人社部门或12333热线确认为准。"
    )


@functools.lru_cache(maxsize=4096)
def _say_tokens(say: str) -> FrozenSet[str]:
    return frozenset(tokens(say))


def _matches(
    fact: Fact, question: str, question_tokens: FrozenSet[str] = frozenset(),
    rarity: Optional[Dict[str, float]] = None,
) -> float:
    """How well a fact fits the question: its keywords used (strongest signal), then words
    shared with its sentence, then primary. 0 when neither keywords nor two words are shared.
    ``rarity`` weighs a keyword by how few of the candidate facts mention it (贴息 says more than
    创业贷款 among the loan facts), as BM25 weighs terms by inverse document frequency."""
    used = [k for k in fact.keywords if k and k in question and not _crosses_a_term(k, question)]
    # 外省大学 in 在外省读的大学: a keyword said with a few characters between its words
    loose = [k for k in fact.keywords if k and k not in question and _said_apart(k, question)]
    common = question_tokens & _say_tokens(fact.say)
    if not used and not loose and len(common) < 2:
        return 0.0
    rarity = rarity or {}
    shared = sum(rarity.get(t, 1.0) for t in common)
    keyword_weight = sum((1.0 if len(k) >= 3 else 0.5) * rarity.get(k, 1.0) for k in used)  # 创业 < 一次性补贴
    keyword_weight += sum(LOOSE_KEYWORD_WEIGHT * rarity.get(k, 1.0) for k in loose)
    return keyword_weight + 0.3 * shared + (0.5 if fact.primary else 0.0) + 0.01 * sum(map(len, used))


# A keyword said apart weighs this much (a keyword said whole: 1.0 for three characters or more).
LOOSE_KEYWORD_WEIGHT = 0.75
# At most this many characters between the words of a keyword said apart (外省|读的|大学).
_APART_GAP = 2


@functools.lru_cache(maxsize=8192)
def _apart_pattern(keyword: str) -> Optional[re.Pattern]:
    words = tokens(keyword)
    if len(words) < 2 or any(len(w) < 2 for w in words):
        return None
    return re.compile((".{0,%d}" % _APART_GAP).join(map(re.escape, words)))


def _said_apart(keyword: str, question: str) -> bool:
    """Whether a keyword of two words or more (外省大学: 外省 + 大学) stands in the question with its
    words in order and at most ``_APART_GAP`` characters between them (在外省读的大学)."""
    pattern = _apart_pattern(keyword)
    return pattern is not None and pattern.search(question) is not None


@functools.lru_cache(maxsize=256)
def _term_spans(question: str) -> Tuple[Tuple[int, int], ...]:
    """Where the policy terms (创业贷款, 见习补贴) stand in the question."""
    return tuple((m.start(), m.end()) for term in policy_terms() if term in question
                 for m in re.finditer(re.escape(term), question))


def _crosses_a_term(keyword: str, question: str) -> bool:
    """Whether every place ``keyword`` stands in the question cuts through a policy term: 大学生创业
    in 大学生创业贷款 is 大学生 + half of 创业贷款, an accident of two words side by side."""
    if keyword in policy_terms():  # a term itself (合伙创业 beside 创业贷款) is never an accident
        return False
    spans = _term_spans(question)
    places = [(m.start(), m.end()) for m in re.finditer(re.escape(keyword), question)]
    return bool(places) and all(
        any(s < end and start < e and not (s <= start and end <= e) and not (start <= s and e <= end) for s, e in spans)
        for start, end in places
    )


# A keyword made of the subject's own name (创业贷款 under 创业担保贷款) names the subject, it does
# not tell its facts apart: it weighs this much of a keyword that does (贴息).
SUBJECT_WORD_WEIGHT = 0.3


def keyword_rarity(facts: Sequence[Fact], question: str, subject_name: str = "") -> Dict[str, float]:
    """For each keyword (and word) the question shares with the candidates: 1 + ln(N / df), df =
    candidate facts whose sentence or keywords contain it, scaled so the commonest weighs 1;
    subject words weigh less."""
    used = {k for f in facts for k in f.keywords if k and k in question}
    used |= {t for t in tokens(question) if any(t in f.say for f in facts)}
    if not used or not facts:
        return {}
    texts = [f.say + " ".join(f.keywords) for f in facts]
    # 担保 inside 创业担保贷款 is the subject's name, not a guarantee: the name does not make a part of it common
    stripped = [t.replace(subject_name, "") for t in texts] if subject_name else texts

    def df(word: str) -> int:
        within_name = bool(subject_name) and word in subject_name and word != subject_name
        return sum(1 for t in (stripped if within_name else texts) if word in t)

    raw = {k: 1.0 + math.log(len(facts) / max(1, df(k))) for k in used}
    floor = min(raw.values())
    return {k: (v / floor) * (SUBJECT_WORD_WEIGHT if _names_subject(k, subject_name) else 1.0) for k, v in raw.items()}


def _names_subject(word: str, subject_name: str) -> bool:
    """创业贷款 names the subject 创业担保贷款 (its characters, not a part of it); 公务员 is one part
    of 公务员与事业单位招录 and tells that part's facts from the other's."""
    return bool(subject_name) and set(word) <= set(subject_name) and word not in subject_name


def best_fact_match(clauses: Sequence[Clause], question: str) -> float:
    """The score of the fact among ``clauses`` that fits ``question`` best (0 when none does)."""
    question_tokens = frozenset(tokens(question))
    return max((_matches(f, question, question_tokens) for c in clauses for f in c.facts if not _local(f)), default=0.0)


def _city_without_row(clauses: Sequence[Clause], question: str, city: Optional[str]) -> bool:
    """Whether the question asks for what a table's city rows hold (指标, 任务数) of a city that
    has no row there (公主岭 is not among the 市州 listed): the province's total is not its figure."""
    if not city:
        return False
    rows = [f for c in clauses for f in c.facts if f.city_row]
    without_city = question.replace(city, "")
    return bool(rows) and not any(f.is_row_of(city) for f in rows) and any(_matches(f, without_city) for f in rows)


def _local(fact: Fact) -> bool:
    """Whether a fact is one city's row (answered only when that city is named)."""
    return fact.city_row


# A fact that answers the attribute asked (by its kind, or its sentence showing it: 对象…16—24岁
# for 哪些人可以参加) outranks one that only shares words with the question.
ATTRIBUTE_BONUS = 1.0


def _strongest(scored: Sequence[Tuple[Clause, Fact, float]]) -> List[Tuple[Clause, Fact]]:
    """Facts that fit the question, strongest first, dropping weak partial matches."""
    if not scored:
        return []
    best = max(score for _, _, score in scored)
    strongest = sorted((s for s in scored if s[2] >= 0.75 * best), key=lambda s: s[2], reverse=True)
    return [(c, f) for c, f, _ in strongest][:MAX_FACTS]


def _scored_hits(
    pairs: Sequence[Tuple[Clause, Fact]], question: str, subject_name: str = "",
    attribute: Optional[Attribute] = None,
) -> List[Tuple[Clause, Fact, float]]:
    question_tokens = frozenset(tokens(question))
    rarity = keyword_rarity([f for _, f in pairs if not _local(f)], question, subject_name)
    scored = [(c, f, _matches(f, question, question_tokens, rarity)) for c, f in pairs if not _local(f)]
    scored = [s for s in scored if s[2] > 0]
    if attribute is not None:
        scored = [(c, f, score + ATTRIBUTE_BONUS * _attribute_fit(attribute, f)) for c, f, score in scored]
    return scored


# How much better a fact of a clause that only touches the subject must fit to come before the
# subject's own facts (the 实训中心's 生活补助, filed under training, asked as a 1311 question).
FAR_BETTER_FACT = 2.0


def _attribute_fit(attribute: Attribute, fact: Fact) -> float:
    """1 when the fact's sentence shows the attribute (evidence), 0.5 when only its kind does."""
    if not attribute.answered_by(fact.kind, fact.say):
        return 0.0
    return 1.0 if attribute.evidence is not None and attribute.evidence.search(fact.say) else 0.5


_CAP = re.compile(r"最高|不超过|上限|封顶")


def _part_of_keyword_hits(pairs: Sequence[Tuple[Clause, Fact]], question: str) -> List[Tuple[Clause, Fact]]:
    """能在网上学不 after a training answer: no keyword stands in the question, but 网上 is part of
    one (网上培训); the facts with the most such words, before falling back to the primary ones."""
    words = [t for t in tokens(question) if len(t) >= 2]
    scored = [
        (c, f, sum(1 for w in words if any(w in k and w != k for k in f.keywords)))
        for c, f in pairs if not _local(f)
    ]
    best = max((n for _, _, n in scored), default=0)
    return [(c, f) for c, f, n in scored if best and n == best][:MAX_FACTS]


def select_facts(
    clauses: Sequence[Clause], question: str, city: Optional[str] = None, topic: Optional[str] = None,
    subject_name: str = "", attribute: Optional[Attribute] = None,
) -> List[Tuple[Clause, List[Fact]]]:
    """The facts that answer ``question``:
    - per-city rows when a city is named and the question asks for what those rows hold;
    - else facts that fit the question, from clauses whose main (first) topic is ``topic``
      before clauses that only touch it;
    - else the primary facts.
    A clause answered only by a condition also gives its primary amounts, and a clause answered
    by amounts also gives its primary conditions: eligibility belongs with the amount."""
    main = [c for c in clauses if topic is None or c.topics[0] == topic]
    side = [c for c in clauses if c not in main]
    # The subject's own facts come first wherever their clause is filed (展期 of a loan sits in a
    # clause on helping businesses); the other facts of clauses that only touch it after.
    own = [(c, f) for c in main for f in c.facts] + [
        (c, f) for c in side for f in c.facts if topic is not None and f.key.startswith(topic + ".")
    ]
    own_ids = {id(f) for _, f in own}
    rest = [(c, f) for c in side for f in c.facts if id(f) not in own_ids]
    pools = [pool for pool in (own, rest) if pool]
    hits = [_scored_hits(pool, question, subject_name, attribute) for pool in pools]
    best = [max((score for _, _, score in h), default=0.0) for h in hits]
    if own and rest and best[1] >= FAR_BETTER_FACT * max(best[0], 0.5):
        pools, hits = pools[::-1], hits[::-1]
    all_facts = [pair for pool in pools for pair in pool]
    rows = [(c, f) for c, f in all_facts if city and f.is_row_of(city)]
    # A city's rows answer only questions about what they hold (指标, 名额), not every question
    # that names the city; the city name itself is not evidence.
    without_city = question.replace(city, "") if city else question
    # words shared with the row's sentence count as for any fact (岗位募集任务 and 岗位募集指标 share
    # 岗位, 募集), place names excepted (四平 in 四平见习补贴 is not what the rows hold)
    row_tokens = frozenset(t for t in tokens(without_city) if lookup(t) is None) if rows else frozenset()
    chosen: List[Tuple[Clause, Fact]] = rows if any(_matches(f, without_city, row_tokens) for _, f in rows) else []
    for pool_hits in hits:
        if not chosen:
            chosen = _strongest(pool_hits)
    for pool in pools:
        if not chosen:
            chosen = _part_of_keyword_hits(pool, question)
    for pool in pools:
        if not chosen:
            chosen = [(c, f) for c, f in pool if f.primary and f.kind != "condition"][:MAX_FACTS]
    if not chosen:
        chosen = [(c, f) for c, f in all_facts if f.primary][:MAX_FACTS]
    answered = {c.ref for c, _ in chosen}
    has_amount = {c.ref for c, f in chosen if f.kind != "condition"}
    for c, f in all_facts:
        if c.ref not in answered or (c, f) in chosen or not f.primary or f.city:
            continue
        if topic and not f.key.startswith(topic + "."):  # a clause's facts on other topics stay out
            continue
        if f.kind == "condition" or c.ref not in has_amount:
            chosen.append((c, f))
    # a share of a cost comes with the cap its clause puts on it (60% of the rent, at most 1万元 a
    # quarter): asked how much, the share alone overstates what is paid
    if attribute is not None and "amount" in attribute.kinds:
        shares = {c.ref for c, f in chosen if f.kind == "percent"}
        chosen += [(c, f) for c, f in all_facts if c.ref in shares and (c, f) not in chosen
                   and f.kind == "amount" and not f.city and _CAP.search(f.say)]
    return by_clause(chosen)


def by_clause(
    pairs: Iterable[Tuple[Clause, Fact]], start: Sequence[Tuple[Clause, Sequence[Fact]]] = ()
) -> List[Tuple[Clause, List[Fact]]]:
    """Facts grouped under their clause in first-seen order, after ``start``'s groups; each fact once."""
    grouped: Dict[str, Tuple[Clause, List[Fact]]] = {c.ref: (c, list(fs)) for c, fs in start}
    for c, f in pairs:
        facts = grouped.setdefault(c.ref, (c, []))[1]
        if f not in facts:
            facts.append(f)
    return list(grouped.values())


def _with_other_questions(
    selected: List[Tuple[Clause, List[Fact]]], clauses: Sequence[Clause], frame: Frame, topic: str, topic_name: str,
) -> List[Tuple[Clause, List[Fact]]]:
    """Add the best fact for each other question in the message (贷款能贷多少，利息有补贴吗 gets the
    amount and the interest subsidy), when the documents cover that question's words."""
    if not frame.other_questions:
        return selected
    chosen = {f.key for _, facts in selected for f in facts}
    added: List[Tuple[Clause, Fact]] = []
    for question in frame.other_questions + (frame.asking,):
        words = [w for w in frame.content if w in question]
        found = select_facts(
            [c for c in clauses if coverage(words, clause_text(c)) >= COVERAGE_MIN], question, None, topic,
            topic_name, load_lexicon().attribute_of(question),
        )
        for clause, facts in found[:1]:
            fact = next((f for f in facts if f.key not in chosen), None)
            if fact is None:
                continue
            chosen.add(fact.key)
            added.append((clause, fact))
    return by_clause(added, selected)


def _situation_facts(clauses: Sequence[Clause], details: QuestionDetails, topic: str) -> List[Tuple[Clause, Fact]]:
    """The facts the asker's own situation falls under: out of work three years after leaving, asked
    of help for 就业困难 graduates, 离校2年及以上…列入就业困难群体 (the lexicon's ``out_of_work_long``)."""
    long = load_lexicon().out_of_work_long
    years = details.years_since_graduation
    if long is None or years is None or years < long[0] or topic != long[1]:
        return []
    return [(c, f) for c in clauses for f in c.facts if long[2].search(f.say)]


# Whom a warning about the asker's own case speaks of: a hotline operator asks for a caller, a
# family member for their relative, an employer for the graduate they hire.
_WHOM = {"operator": "来电人", "family": "您的家人", "employer": "该毕业生"}


def _eligibility_warning(facts: Sequence[Fact], details: QuestionDetails, asker: str = "graduate") -> Optional[str]:
    says = " ".join(f.say + f.quote for f in facts)
    whom = _WHOM.get(asker, "您")
    if details.years_since_graduation is not None and details.years_since_graduation > 2 and "离校2年内" in says:
        return f"提示：上述政策面向离校2年内的毕业生，{whom}离校已约{_fmt(details.years_since_graduation)}年，可能不符合条件。"
    if details.age is not None and ("16—24岁" in says or "16-24岁" in says) and not 16 <= details.age <= 24:
        return f"提示：上述见习补贴中的“失业青年”指16—24岁人员，{whom}{details.age}岁可能不在此范围。"
    return None


def _answers(selected: Sequence[Tuple[Clause, Sequence[Fact]]], attribute: Attribute) -> bool:
    """Whether a selected fact answers the attribute; a contact only by a contact fact (a sentence
    naming the 96885 platform is not whom to call about this)."""
    facts = [f for _, fs in selected for f in fs]
    if attribute.document_wide and attribute.kinds:
        return any(f.kind in attribute.kinds for f in facts)
    return any(attribute.answered_by(f.kind, f.say) for f in facts)


def select_for_attribute(
    clauses: Sequence[Clause], question: str, attribute: Attribute, topic: Optional[str], frame: Frame,
    strict: bool = False, subject_name: str = "", any_primary: bool = False,
) -> List[Tuple[Clause, List[Fact]]]:
    """Facts of the question's subject that answer the attribute asked (``strict``: by their kind
    only, not by what their sentence says), best match first; with no lexical match, the subject's
    primary ones, but only when the question names nothing else (or ``any_primary``: the contact
    block of the documents asked about, 找谁联系)."""
    main = [c for c in clauses if topic is None or c.topics[0] == topic]
    side = [c for c in clauses if c not in main]
    question_tokens = frozenset(tokens(question))
    # 见习都招哪些人: the only word named is the subject's own (就业见习), so its main facts of the
    # kind asked answer it even when none shares a keyword with the question.
    names_only_the_subject = bool(subject_name) and coverage(frame.content, subject_name) == 1.0

    def answers(fact: Fact) -> bool:
        return fact.kind in attribute.kinds if strict else attribute.answered_by(fact.kind, fact.say)

    # what the figure is of, within a subject and other than the subject itself (见习几个月: every
    # duration of the internship names 见习)
    measured = _measured_words(frame) if topic is not None else ()
    measured = () if subject_name and coverage(list(measured), subject_name) == 1.0 else measured

    for group in (main, side):
        candidates = [
            (c, f) for c in group for f in c.facts
            if not _local(f) and answers(f) and (topic is None or f.key.startswith(topic + ".") or c.topics[0] == topic)
        ]
        scored = [(c, f, _matches(f, question, question_tokens) or _states_measured(f, measured)) for c, f in candidates]
        scored = [x for x in scored if x[2] > 0]
        if scored:
            best = max(x[2] for x in scored)
            chosen = [(c, f) for c, f, score in sorted(scored, key=lambda x: -x[2]) if score >= 0.75 * best][:MAX_FACTS]
        elif any_primary:  # whom to contact about a document: its contact block (all contacts) first
            block = [(c, f) for c, f in candidates if all(g.kind == f.kind for g in c.facts)]
            chosen = (block or [(c, f) for c, f in candidates if f.primary] or candidates)[:MAX_FACTS]
        elif not frame.content:
            chosen = [(c, f) for c, f in candidates if f.primary][:MAX_FACTS] or candidates[:1]
        elif names_only_the_subject and strict and not attribute.asks_a_figure:
            # who may join, how to apply: the subject's own main facts of that kind. A figure is
            # never guessed: a subject has many durations (a review period is not the term).
            chosen = [(c, f) for c, f in candidates if f.primary][:MAX_FACTS]
        else:
            chosen = []
        if chosen:
            return by_clause(chosen)
    return []


# How well a fact fits when it shares no keyword with the question but its sentence names what
# the figure asked is of (选多少个团队: 60个…团队): less than any keyword.
MEASURED_ONLY_FIT = 0.4


def _states_measured(fact: Fact, measured: Tuple[str, ...]) -> float:
    return MEASURED_ONLY_FIT if measured and all(w in fact.say for w in measured) else 0.0


def answer_attribute(
    kb: KnowledgeBase, province: str, focus: Sequence[Clause], clauses: Sequence[Clause], question: str,
    topic: str, frame: Frame,
) -> List[Tuple[Clause, List[Fact]]]:
    """Where the facts first chosen do not answer the attribute asked, look for facts that do: of
    that kind in the focus, the topic, then any clause of the province that covers the question
    (a contact asked under another topic); then facts whose sentence gives it (a standard stated
    as text)."""
    attribute = frame.attribute
    assert attribute is not None
    covering = [c for c in kb.clauses_for(None, province) if coverage(frame.content, clause_text(c)) >= COVERAGE_MIN]
    # The subject's own clauses first (by kind, then by what their sentences say), then other
    # topics' clauses that cover the question, then the document's other clauses.
    searches = [(focus, topic, True), (clauses, topic, True), (focus, topic, False), (clauses, topic, False)]
    if frame.content:
        searches.append((covering, None, True))
        if not attribute.kinds:
            # an attribute no kind of fact answers, only what a sentence says (an age: 攻坚行动对登记
            # 失业的青年有年龄限制不 → 35岁以下, a fact filed under the 1311 service): by sentence too
            searches.append((covering, None, False))
    document_block: List[Clause] = []
    if attribute.document_wide:  # a document's contact clause serves every clause of it
        documents = {c.doc.doc_no for c in (focus or clauses)}
        document_block = [c for c in kb.clauses_for(None, province) if c.doc.doc_no in documents]
        # 攻坚行动找谁联系: the document whose title names what is asked has its own contact block,
        # searched right after the focus, before the topic's general hotlines
        titled = [c for c in document_block if frame.content and coverage(frame.content, c.doc.title) >= COVERAGE_MIN]
        if titled:
            document_block = titled
            searches.insert(1, (document_block, None, True))
        else:
            searches.append((document_block, None, True))
    for group, scope, strict in searches:
        subject_name = kb.topics[scope].name if scope else ""
        found = select_for_attribute(
            group, question, attribute, scope, frame, strict, subject_name, any_primary=group is document_block
        ) if group else []
        if found:
            return found
    return []


def focus_clauses(clauses: Sequence[Clause], frame: Frame) -> List[Clause]:
    """The clauses that speak of what the question names: those with the best coverage of its
    content words, when that coverage reaches COVERAGE_MIN; none when no clause does (the
    documents do not cover it). A question naming nothing of its own keeps every clause."""
    if not frame.content:
        return list(clauses)
    best = max((_question_coverage(frame, clause_text(c)) for c in clauses), default=0.0)
    if best < COVERAGE_MIN:
        return []
    # Among the clauses, a document's title speaks for each of its clauses: 攻坚行动的行动主题 is
    # the clause headed 行动主题 of the 攻坚行动 notice, though its own text never says 攻坚行动.
    scored = [(_question_coverage(frame, clause_text(c) + "\n" + c.doc.title), c) for c in clauses]
    top = max(score for score, _ in scored)
    return [c for score, c in scored if score >= top - 1e-9]


def _question_coverage(frame: Frame, text: str) -> float:
    """Coverage of the whole question, or of its asking clause when that is better covered: context
    told before the question can lower it, never the question itself. A standard the documents only
    refer to (最低工资) is no evidence that they cover the question (试用期工资能低于最低工资吗), so it
    and the words it contains are left out, unless the question names nothing else."""
    referenced = load_lexicon().referenced_only
    named = [w for w in frame.content if not any(w in r for r in referenced if r in frame.text)]
    words = named or list(frame.content)
    # Nor can a story told before what is asked about (寻思回屯里整个养殖场，听说有那个创业担保贷款，
    # 一个人最多能贷多少), in words the documents never use.
    words = [w for w in words if w not in frame.story] or words
    whole = coverage(words, text)
    asked = [w for w in frame.asked if w in words]
    return max(whole, coverage(asked, text)) if asked else whole


def topic_coverage(kb: KnowledgeBase, topic: str, frame: Frame, province: Optional[str] = None) -> float:
    """How well the best clause of ``topic`` (in ``province``, or either) covers the question's words."""
    clauses = kb.clauses_for(topic, province)
    return max((_question_coverage(frame, clause_text(c)) for c in clauses), default=0.0)


def _other_year(frame: Frame, selected: Sequence[Tuple[Clause, Sequence[Fact]]]) -> bool:
    """Counts and quotas are figures of one year: a question about another year is not answered
    by them (吉林2023年的目标 is not the 2022 result)."""
    if not frame.years:
        return False
    yearly = [(c, f) for c, facts in selected for f in facts if f.kind in ("count", "quota")]
    if not yearly or len(yearly) < sum(len(fs) for _, fs in selected):
        return False
    said = " ".join(c.doc.title + c.text + f.say for c, f in yearly)
    if not re.search(r"20\d\d", said):  # the figure names no year: it is the document's year
        said = " ".join(str(c.doc.date.year) for c, _ in yearly)
    return not any(str(y) in said for y in frame.years)


def _asks_only_a_reference(frame: Frame) -> bool:
    """A figure asked of a standard the documents only refer to (当地最低工资标准是多少): the clause
    that refers to it does not state it."""
    referenced = load_lexicon().referenced_only
    return (
        frame.attribute is not None and frame.attribute.asks_a_figure and bool(frame.content)
        and all(word in referenced for word in frame.content)
    )


# At most this many characters between the word a figure is asked of and the cue (工资大概是多少,
# 补贴每人每月补多少).
_MEASURE_GAP = 6
_QUESTION_WORD_END = re.compile(r"(多少|几)[个项种类]?$")


@functools.lru_cache(maxsize=4096)
def _is_noun(word: str) -> bool:
    """A noun by jieba's tags; the policy terms (贴息, tagged a verb by jieba) are all nouns."""
    import jieba.posseg

    ensure_dictionary()
    # policy terms are nouns, and so is a word heading one (补助, tagged a verb, heads 扩岗补助)
    if any(t.endswith(word) for t in policy_terms()):
        return True
    return any(p.flag.startswith("n") or p.flag in ("vn", "x") for p in jieba.posseg.lcut(word))


def _measured_words(frame: Frame) -> Tuple[str, ...]:
    """The thing a figure question asks the figure of: the words right after its cue (能拿多少建设
    补助 → 建设, 补助), else the noun right before it (特岗教师工资多少 → 工资, 培训券面额是多少 → 面额),
    with a noun right before it that modifies it (孵化基地房租补贴 → 孵化基地, 房租补贴). Empty when
    no such word stands there, or when it only says a plan or a result is asked (计划招多少, 完成率)."""
    attribute = frame.attribute
    if attribute is None or not set(attribute.kinds) & FIGURE_KINDS or not frame.content:
        return ()
    clause = frame.asking or frame.text
    if not any(w in clause for w in frame.content):
        # 见习期是几个月，最长多久: the clause before asks the same and names what it is of
        clause = next((c for c in reversed(clauses_of(frame.text[: frame.text.rfind(clause)]))
                       if attribute.matches(c) and any(w in c for w in frame.content)), clause)
    lexicon = load_lexicon()
    if not any(w in clause for w in frame.content) and "amount" in attribute.kinds:
        money = _money_asked(clause, attribute, lexicon.money_nouns) or _money_named_before(
            frame, clause, lexicon.money_nouns)
        if money:
            return money
    spans = [(m.start(), m.end()) for cue in attribute.cues for m in cue.finditer(clause)]
    if not spans:
        return ()

    def measures(word: str) -> bool:
        return not any(p is not None and p.search(word) for p in (lexicon.plan, lexicon.result))

    last = max(end for _, end in spans)
    after = clause[last:]
    following = sorted((after.find(w), w) for w in frame.content if w in after and measures(w))
    # 多少建设补助: what follows a question word is what is counted (not what follows 额度)
    if following and following[0][0] <= 1 and _QUESTION_WORD_END.search(clause[:last]):
        return tuple(w for _, w in following[:2])
    before = clause[: min(start for start, _ in spans)]
    return _word_ending(before, frame.content, lambda w: _is_noun(w) and measures(w), _is_noun)


def _word_ending(
    before: str, content: Sequence[str], fits: Callable[[str], bool], modifies: Callable[[str], bool],
) -> Tuple[str, ...]:
    """The content word ending last in ``before`` (the longer on a tie), when it ends at most
    ``_MEASURE_GAP`` characters from its end and ``fits``; with the content word right before it,
    when that ``modifies`` it (孵化基地 + 房租补贴)."""
    ends = {w: before.rfind(w) + len(w) for w in content if w in before}
    if not ends:
        return ()
    word = max(ends, key=lambda w: (ends[w], len(w)))
    if len(before) - ends[word] > _MEASURE_GAP or not fits(word):
        return ()
    start = ends[word] - len(word)
    modifier = next((w for w in content if w != word and before.endswith(w, 0, start) and modifies(w)), None)
    return (modifier, word) if modifier else (word,)


def _money_asked(clause: str, attribute: Attribute, money_nouns: Sequence[str]) -> Tuple[str, ...]:
    """评上示范单位，奖励多少钱: the asking clause names no subject word, only money right before
    the cue (奖励, an everyday word): that is what the amount is of."""
    starts = [m.start() for cue in attribute.cues for m in cue.finditer(clause)]
    if not starts:
        return ()
    before = clause[: min(starts)]
    found = [m for m in money_nouns if before.endswith(m) or (m in before and len(before) - before.rfind(m) - len(m) <= 2)]
    return (max(found, key=len),) if found else ()


def _money_named_before(frame: Frame, clause: str, money_nouns: Sequence[str]) -> Tuple[str, ...]:
    """实训中心说提供生活补助，一个月给多少钱: the asking clause names nothing, and the clause just
    before it ends naming money paid (生活补助): that is what the amount is asked of, with the noun
    before it that says which (生活)."""
    earlier = clauses_of(frame.text[: frame.text.rfind(clause)])
    if not earlier:
        return ()
    return _word_ending(
        earlier[-1], frame.content, lambda w: any(w.endswith(m) for m in money_nouns), lambda w: True)


# 哪家银行, 什么编制: the word after a which-word is the thing the answer must name.
_WHICH = re.compile(r"(?:哪|什么|啥|何)(?:一?家|一?个|些|几个|几家|几所|所|种|类|样的?)?")


def _which_words(frame: Frame, known_text: str) -> Tuple[str, ...]:
    """The thing a which-question asks to be named (在哪家银行办 → 银行, 安排什么编制 → 编制): a content
    word right after 哪/什么 that the documents use somewhere (叫什么名字, 哪些方向 ask for the
    thing itself) and that is not part of an attribute's own cue (有什么补贴 asks an amount, 哪些材料
    the papers: their attributes check those)."""
    clause = frame.asking or frame.text
    following = ((m.end(), next((w for w in frame.content if clause.startswith(w, m.end())), ""))
                 for m in _WHICH.finditer(clause))
    after = [(end, w) for end, w in following if w and w in known_text]
    if not after:  # the attributes' cues are only looked at when a which-word is followed by a word
        return ()
    cued = [(m.start(), m.end()) for a in load_lexicon().attributes for cue in a.cues for m in cue.finditer(clause)]
    found = [w for end, w in after if not any(start < end + len(w) and end < stop for start, stop in cued)]
    return tuple(found[-1:])


def _benefit_words(frame: Frame) -> Tuple[str, ...]:
    """The kind of money a question asks about, named by the word right before a money noun
    (有没有租房补贴 → 租房): the documents must speak of that kind, not of 补贴 in general. Read in
    the asking clause, or in the whole message when that clause names nothing (有没有租房补贴 一个月
    能给多少)."""
    lexicon = load_lexicon()
    clause = frame.asking or frame.text
    if not any(w in clause for w in frame.content):
        clause = frame.text
    found = [w for w in frame.content
             if w not in lexicon.money_nouns and any(w + m in clause for m in lexicon.benefit_nouns)]
    return tuple(found[-1:])


# 有编制吗, 有没有编制, 是否有编制: a yes-or-no question whether a thing exists
_HAS = re.compile(r"(?:有没有|有无|是否有|有)")
_YES_NO_END = re.compile(r"(?:吗|嘛|么|没|没有|不)[？?]?$")


def _existence_words(frame: Frame) -> Tuple[str, ...]:
    """The thing a yes-or-no question asks whether there is (特岗教师有编制吗 → 编制): the content
    word right after 有 in an asking clause that asks nothing else."""
    clause = frame.asking
    if frame.attribute is not None or not clause:
        return ()
    if not (clause.startswith(("有没有", "有无", "是否有")) or _YES_NO_END.search(clause)):
        return ()
    found = [w for m in _HAS.finditer(clause) for w in frame.content if clause.startswith(w, m.end())]
    return tuple(found[-1:])


def _asked_words(frame: Frame, known_text: str) -> Tuple[str, ...]:
    """What the answer's sentence must name: the measured word of a figure question, else the
    thing a which-question asks for, else the kind of money asked about, else the thing whose
    existence is asked."""
    return (_measured_words(frame) or _which_words(frame, known_text) or _benefit_words(frame)
            or _existence_words(frame))


def _naming_the_measure(
    clauses: Sequence[Clause], words: Tuple[str, ...], subject_name: str, attribute: Optional[Attribute],
) -> List[Tuple[Clause, List[Fact]]]:
    """Facts of ``clauses`` that name what the question measures (``words``) and answer its
    attribute (the quarterly cap when 一个季度最多多少 is asked), when the facts first chosen name
    something else."""
    chosen = [(c, f) for c in clauses for f in c.facts if not f.city_row
              and _names_measure(words, [(c, [f])], subject_name, attribute)]
    return by_clause(chosen[:MAX_FACTS])


def _names_measure(
    words: Tuple[str, ...], selected: Sequence[Tuple[Clause, Sequence[Fact]]], subject_name: str,
    attribute: Optional[Attribute],
) -> bool:
    """Whether a fact answering ``attribute`` names the measured word itself, and the facts chosen
    name its modifier: 贴息比例是多少 is not answered by one sentence naming 贴息 (按规定予以贴息)
    beside another giving the loan's cap; 孵化基地房租补贴比例 is, by the 60% of 房租费 of the
    clause whose other sentence says 孵化基地."""
    if not words or coverage(["".join(words)], subject_name) == 1.0:
        return True

    def names(word: str, said: str) -> bool:
        return coverage([word], said) == 1.0 or coverage([word], subject_name) == 1.0

    # a table's heading names what its figures are (各地目标任务安排: 辽源见习岗位任务数)
    all_said = "\n".join([c.heading for c, _ in selected]
                          + [" ".join((f.say, f.quote) + f.keywords) for _, fs in selected for f in fs])
    if not all(names(w, all_said) for w in words):
        return False
    head = words[-1]
    # the figure's own sentence names the word, or the head of the compound (房租补贴's 补贴: 每季度
    # 最高补贴不超过1万元 beside the sentence on 房租费)
    heads = (head, head[-2:]) if len(head) >= 4 else (head,)

    def states(clause: Clause, fact: Fact) -> bool:
        if attribute is not None and fact.kind not in attribute.kinds and not any(
            names(h, part) or not _figure_of_a_noun(attribute, part) for part in attribute.evidenced_parts(fact.say)
            for h in heads
        ):  # 见习期满留用率达到50%以上，并与留用人员签订1年以上劳动合同: the 1年 is the contract's term
            return False
        return any(names(h, "\n".join((clause.heading, fact.say, fact.quote) + fact.keywords)) for h in heads)

    return any(
        states(clause, f) for clause, facts in selected for f in facts
        if attribute is None or attribute.answered_by(f.kind, f.say)
    )


_AFTER_FIGURE = re.compile(r"^(?:及?以上|及?以下|以内|左右|多)?的?")


def _figure_of_a_noun(attribute: Attribute, part: str) -> bool:
    """Whether the figure ``attribute``'s evidence finds in ``part`` is followed by the noun it
    measures (签订1年以上劳动合同: a term of 劳动合同), rather than ending the part (比去年增加81%)."""
    import jieba.posseg

    ensure_dictionary()
    found = attribute.evidence.search(part) if attribute.evidence is not None else None
    if found is None:
        return False
    rest = part[found.end():]
    rest = rest[_AFTER_FIGURE.match(rest).end():]  # type: ignore[union-attr]
    words = jieba.posseg.lcut(rest[:8]) if rest else []
    # jieba tags 劳动合同 an idiom (l)
    return bool(words) and (words[0].flag.startswith("n") or words[0].flag in ("vn", "l")) and len(words[0].word) >= 2


def declined_answer(frame: Optional[Frame], province: Optional[str] = None) -> Answer:
    """The documents do not answer this: say so plainly, no figure, no citation, offer 12333."""
    words = [w for w in (frame.content if frame else ()) if len(w) <= 8][:3]
    label = frame.attribute.label if frame is not None and frame.attribute is not None and not frame.inherited else ""
    what = ("“" + "、".join(words) + "”" + label) if words else (label or "您问的这个问题")
    scope = f"{province}省" if province else "吉林省、江西省"
    return Answer(
        text=(
            f"抱歉，我们收录的{scope}高校毕业生就业创业政策文件中没有找到关于{what}的规定，"
            "我不想给您不准确的信息。" + HANDOVER
        ),
        kind="unknown", region=province,
    )


def _answering_what_is_asked(computed: rules.Computed, frame: Frame) -> rules.Computed:
    """A computed figure answers a question asking a figure (or asking nothing in particular); one
    asking something else (应届生报名年龄上限是多少岁 is an age, though 应届…多少 cues the head count
    of 公务员 kept for 应届生) only when a computed line shows it."""
    asked = frame.answerable()
    if not computed.lines or not asked or any(set(a.kinds) & FIGURE_KINDS for a in asked):
        return computed
    if any(a.evidence is not None and a.evidence.search(line) for a in asked for line in computed.lines):
        return computed
    return rules.Computed([], [])


def province_answer(
    kb: KnowledgeBase, topic: str, question: str, region: Region, label: bool = False,
    frame: Optional[Frame] = None,
) -> Answer:
    """Answer ``question`` on ``topic`` for one covered province; decline when its documents do
    not answer what is asked (the subject's words, the attribute or the year)."""
    province = region.province
    topic_name = kb.topics[topic].name
    clauses = kb.clauses_for(topic, province)
    if not clauses:
        others = [p for p in kb.provinces_for(topic) if p != province]
        extra = f"（我们收录的{'、'.join(others)}省文件有相关规定，如需要可以问我。）" if others else ""
        return Answer(
            text=f"我们收录的{province}省政策文件中没有关于“{topic_name}”的具体规定。{extra}{HANDOVER}",
            kind="not_in_province", region=province, topic=topic,
        )
    frame = frame or parse_frame(question, kb.known_text)
    details = frame.details
    city = region.name if region.name != province else None
    computed = _answering_what_is_asked(rules.compute(clauses, details, frame.text), frame)
    if _asks_only_a_reference(frame) and not computed.lines:
        return declined_answer(frame, province)
    focus = focus_clauses(clauses, frame)
    if (not focus or _city_without_row(focus, question, city)) and not computed.lines:
        return declined_answer(frame, province)
    selected = select_facts(focus or clauses, question, city, topic, topic_name, frame.attribute)
    if not computed.lines:
        attribute = frame.attribute
        if attribute is not None and not any(_answers(selected, a) for a in frame.answerable()):
            selected = answer_attribute(kb, province, focus, clauses, question, topic, frame)
            if not selected:
                return declined_answer(frame, province)
        # the chosen facts must state the figure of what is measured (the quota of 特岗教师 is not
        # their 工资); else the facts naming it (一个季度最多多少: the one naming 季度)
        asked = _asked_words(frame, kb.known_text)
        if not _names_measure(asked, selected, topic_name, attribute):
            selected = _naming_the_measure(focus or clauses, asked, topic_name, attribute)
        if not selected or _other_year(frame, selected) or not _names_measure(asked, selected, topic_name, attribute):
            return declined_answer(frame, province)
        other_side = load_lexicon().contradiction(frame.text, " ".join(f.say for _, fs in selected for f in fs))
        if attribute is not None and attribute.asks_a_figure and other_side:  # 大型企业…返还比例: 60% is the SMEs'
            return declined_answer(replace(frame, content=(other_side,) + frame.content), province)
        selected = _with_other_questions(selected, focus or clauses, frame, topic, topic_name)
        situation = _situation_facts(clauses, details, topic)
        if situation:  # the asker's own case first, then what was asked
            selected = by_clause([(c, f) for c, fs in selected for f in fs], by_clause(situation))
        computed = rules.compute_on_selected([(c, f) for c, fs in selected for f in fs], details, frame.text)
    cited = by_clause(computed.used, selected)
    skip = {"loan.individual_max"} if details.partners else set()
    fact_lines = [f.say for _, facts in selected for f in facts if f.key not in skip]
    gap = _gap_of_two([f for _, facts in selected for f in facts if f.key not in skip], frame.text)
    # a computed answer to the asker's own case comes first
    body = computed.lines + ([gap] if gap and not computed.lines else []) + fact_lines
    if not body or not cited:  # nothing stated that could be cited: the documents do not answer it
        return declined_answer(frame, province)
    warning = _eligibility_warning([f for _, fs in selected for f in fs], details, frame.asker)
    if warning:
        body.append(warning)
    quoted = topic_name if topic_name.startswith("“") else f"“{topic_name}”"  # not ““1311×N”就业服务”
    head = f"【{province}省·{topic_name}】" if label else f"{province}省关于{quoted}的规定："
    text = head + "\n" + "\n".join(f"· {line}" for line in body) + "\n" + _source_line(cited)
    citations = [_citation(c, fs) for c, fs in cited]
    stated = [f for _, facts in selected for f in facts if f.key not in skip]
    return Answer(text=text, kind="policy", region=province, topic=topic, citations=citations, stated=stated)


# Kinds of figure two of which can be set against each other (岗位募集指标750个, 组织见习人员指标450人).
_GAP_KINDS = ("amount", "count", "quota")


def _gap_of_two(stated: Sequence[Fact], question: str) -> Optional[str]:
    """延边州两个指标差了多少: when a question asks by how much figures differ (and does not set two
    provinces side by side, see ``_difference``) and the facts chosen state exactly two figures of
    one kind, their difference with the working shown."""
    lexicon = load_lexicon()
    if not lexicon.asks_difference(question) or len({r.province for r in find_in_text(question) if r.covered}) > 1:
        return None
    figures = [f for f in stated if f.value is not None and f.kind in _GAP_KINDS]
    if len(figures) != 2 or figures[0].kind != figures[1].kind or figures[0].value == figures[1].value:
        return None
    a, b = sorted(figures, key=lambda f: -float(f.value or 0))
    gap = _fmt(round(float(a.value or 0) - float(b.value or 0), 4))
    unit = a.unit if a.unit == b.unit else ""
    return (f"两项相差：{_fmt(float(a.value or 0))}{a.unit or ''} − {_fmt(float(b.value or 0))}{b.unit or ''}"
            f" = {gap}{unit or ''}。")


def _difference(parts: Sequence[Answer]) -> Optional[str]:
    """江西比吉林高多少: the first amount each province's answer states, when both are in one
    unit, and by how much they differ, with the working shown."""
    firsts = []
    for part in parts:
        fact = next((f for f in part.stated if f.kind == "amount" and f.value is not None and not f.city), None)
        if fact is None:
            return None
        firsts.append((part.region, fact))
    if len(firsts) != 2 or firsts[0][1].unit != firsts[1][1].unit:
        return None
    (high, a), (low, b) = sorted(firsts, key=lambda pf: -float(pf[1].value or 0))
    unit = a.unit or ""
    gap = float(a.value or 0) - float(b.value or 0)
    if gap == 0:
        return f"两省相同：均为{_fmt(float(a.value or 0))}{unit}。"
    return (f"两省相比：{high}省{_fmt(float(a.value or 0))}{unit} − {low}省{_fmt(float(b.value or 0))}{unit}"
            f" = {_fmt(round(gap, 4))}{unit}，{high}省高{_fmt(round(gap, 4))}{unit}。")


# Ends an answer given for both provinces: the place is asked back (not during the registration
# form, whose own question comes next).
ASK_PROVINCE = "请告诉我您在哪个省或哪个城市，我可以只给您当地的标准。"


def topic_answer(
    kb: KnowledgeBase, topic: str, question: str, region: Optional[Region], frame: Optional[Frame] = None
) -> Answer:
    """Answer a recognised topic question; ``region`` is what the conversation resolved."""
    if region is not None and not region.covered:
        return uncovered_answer(region)
    frame = frame or parse_frame(question, kb.known_text)
    if region is not None:
        return province_answer(kb, topic, question, region, frame=frame)
    provinces = kb.provinces_for(topic)
    if not provinces:
        return declined_answer(frame)
    if len(provinces) == 1:
        return province_answer(kb, topic, question, Region(provinces[0], provinces[0]), frame=frame)
    parts = [province_answer(kb, topic, question, Region(p, p), label=True, frame=frame) for p in provinces]
    answered = [p for p in parts if p.kind == "policy"]
    if not answered:
        return declined_answer(frame)
    if len(answered) == 1:
        only = answered[0]
        missing = "、".join(f"{p}省" for p in provinces if p != only.region)
        only.text = only.text + f"\n（我们收录的{missing}文件中没有找到这方面的规定。）"
        return only
    # 吉林跟江西比…差多少: both provinces named and set side by side; not 比去年多多少 asked of neither
    compared = len({r.province for r in find_in_text(question) if r.covered}) > 1 and load_lexicon().compares(question)
    difference = _difference(answered) if compared and load_lexicon().asks_difference(question) else None
    text = (
        ("以下分别列出吉林省和江西省的规定：\n" if compared else "您没有说明所在省份，以下分别列出吉林省和江西省的规定：\n")
        + (f"{difference}\n\n" if difference else "")
        + "\n\n".join(p.text for p in answered)
        + ("" if compared else "\n" + ASK_PROVINCE)
    )
    citations = [c for p in answered for c in p.citations]
    return Answer(text=text, kind="both_provinces", region=None, topic=topic, citations=citations)


def document_answer(
    kb: KnowledgeBase, frame: Frame, province: Optional[str], last_documents: Sequence[str] = ()
) -> Optional[Answer]:
    """A question about a document itself (文号, 哪天印发, 谁发的): the record of the one document
    whose title, or else whose text, best covers what the question names; when it names nothing
    (文号呢, 这个政策哪天发的), the document the last answer cited. None when no single document
    fits: the question is answered as usual then."""
    asked = load_lexicon().document_phrases(frame.text)
    words = tuple(w for w in frame.content if not any(w in phrase for phrase in asked))  # 文号 is what is asked
    documents = [d for d in kb.documents if province is None or d.province == province]
    if not words:
        cited = [d for d in kb.documents if d.doc_no in last_documents]
        return _document_record(cited[0]) if len(cited) == 1 else None
    own_title = max((coverage(words, d.title + d.issuer) for d in documents), default=0.0)
    referenced = _referenced_document(kb, words, province, own_title)
    if referenced is not None:
        return referenced
    scored = []
    for d in documents:
        text_cov = coverage(words, d.title + d.issuer + kb.document_text(d.id))
        if text_cov < COVERAGE_MIN:
            continue
        year = 1.0 if not frame.years or any(str(y) in d.title or y == d.date.year for y in frame.years) else 0.0
        scored.append(((year, coverage(words, d.title + d.issuer), text_cov), d))
    if not scored:
        return None
    scored.sort(key=lambda x: x[0], reverse=True)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return _document_record(scored[0][1])


# A document a clause cites by title and number: 落实《吉林省促进国有企业吸纳高校毕业生就业工作方案》（吉人社联〔2022〕35号）
_REFERENCED_DOCUMENT = re.compile(r"《([^》]{4,})》[（(]([^）)]{2,12}〔\d{4}〕\d+号)[）)]")
_SENTENCE = re.compile(r"[^。；;]+")


def _referenced_document(
    kb: KnowledgeBase, words: Sequence[str], province: Optional[str], own_title: float,
) -> Optional[Answer]:
    """文号 / 依据哪个文件 of a document the knowledge base holds only as cited inside a clause
    (吉人社联〔2022〕35号 in 吉就组〔2022〕2号): the clause that cites it, when the question names that
    document's title, or the sentence citing it, better than any document's own title. The reply
    gives both numbers, so the asker has the basis whichever they meant, and cites the clause."""
    best: Optional[Tuple[Tuple[float, float], Clause, str, str, str]] = None
    for clause in kb.clauses_for(None, province):
        for sentence in _SENTENCE.findall(clause.text):
            for m in _REFERENCED_DOCUMENT.finditer(sentence):
                score = (coverage(words, m.group(1)), coverage(words, sentence))
                if max(score) >= COVERAGE_MIN and score[0] > own_title and (best is None or score > best[0]):
                    best = (score, clause, sentence.strip(), m.group(1), m.group(2))
    if best is None:
        return None
    _, clause, sentence, title, doc_no = best
    text = (
        f"您问的是《{title}》，文号为{doc_no}。我们收录的文件中，"
        f"{clause.doc.doc_no}《{clause.doc.title}》{clause_label(clause)}提到：“{sentence}”\n"
        + _source_line([(clause, ())])
    )
    citation = replace(_citation(clause, ()), quote=sentence)
    return Answer(text=text, kind="policy", region=clause.doc.province, citations=[citation])


# A contact fact naming a person (联系人…臧翠旭): the one a document gives for the work it sets out.
_NAMED_CONTACT = re.compile(r"联系人")


def document_contact(
    kb: KnowledgeBase, last_documents: Sequence[str], province: Optional[str], topic: Optional[str] = None,
) -> Optional[Answer]:
    """有问题找谁 / 联系人叫啥 after an answer: the contact person the cited document gives (the
    攻坚行动 notice names 臧翠旭, 0431-88691597), with the other contact facts of that clause. None
    when the documents last cited name no contact person."""
    clauses = [c for c in kb.clauses_for(None, province) if c.doc.doc_no in last_documents
               and any(f.kind == "contact" and _NAMED_CONTACT.search(f.say) for f in c.facts)]
    if not clauses:
        return None
    cited = [(c, [f for f in c.facts if f.kind == "contact"]) for c in clauses]
    lines = [f.say for _, facts in cited for f in facts]
    text = "文件所列联系方式：\n" + "\n".join(f"· {line}" for line in lines) + "\n" + _source_line(cited)
    return Answer(
        text=text, kind="policy", region=clauses[0].doc.province, topic=topic,
        citations=[_citation(c, fs) for c, fs in cited], stated=[f for _, fs in cited for f in fs],
    )


def _document_record(d: Document) -> Answer:
    date = f"{d.date.year}年{d.date.month}月{d.date.day}日"
    text = (
        f"您问的文件是{d.issuer}印发的《{d.title}》，文号为{d.doc_no}，发布日期为{date}。\n"
        f"依据：{d.doc_no}《{d.title}》（{date}发布）。\n" + HANDOVER
    )
    citation = Citation(
        doc_no=d.doc_no, title=d.title, clause="文件信息", quote=f"{d.doc_no}《{d.title}》",
        date=d.date.isoformat(), province=d.province,
    )
    return Answer(text=text, kind="policy", region=d.province, citations=[citation])


def uncovered_answer(region: Region) -> Answer:
    return Answer(
        text=(
            f"抱歉，目前我只收录了吉林省和江西省的高校毕业生就业创业政策，暂时无法解答{region.name}的政策问题。"
            f"请拨打{region.name}当地的12333人社服务热线，或登录当地人社部门网站咨询。"
        ),
        kind="uncovered", region=None,
    )


def search_answer(kb: KnowledgeBase, question: str, hits: Sequence[Hit], frame: Optional[Frame] = None) -> Answer:
    """Answer from the best search hit when it is a strong match that covers what is asked;
    otherwise say the documents do not answer it."""
    frame = frame or parse_frame(question, kb.known_text)
    if not hits or not hits[0].strong:
        return declined_answer(frame)
    clause = hits[0].clause
    region = Region(clause.doc.province, clause.doc.province)
    selected = select_facts([clause], question)
    if frame.attribute is not None and not _answers(selected, frame.attribute):
        selected = select_for_attribute([clause], question, frame.attribute, None, frame)
    if not selected or coverage(frame.content, clause_text(clause)) < COVERAGE_MIN:
        return declined_answer(frame)
    facts = [f for _, fs in selected for f in fs]
    body = [f.say for f in facts]
    text = (
        f"我不完全确定理解了您的问题，以下是{region.province}省最相关的政策条款：\n"
        + "\n".join(f"· {line}" for line in body)
        + "\n" + _source_line([(clause, facts)]) + "\n" + HANDOVER
    )
    return Answer(
        text=text, kind="search", region=region.province, topic=clause.topics[0],
        citations=[_citation(clause, facts)],
    )
