"""The rule engine: computes the asker's own case from rules declared in ``policies_kb/rules.yml``.

Each rule kind is one small function of (facts, question details) returning the lines to say, with
the working shown, and the facts it used (so they are cited). A rule whose facts the province's
documents do not have is skipped; a rule that only has some of them says what is missing.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from actions.numbers import NUMERAL, QuestionDetails, parse_number
from policies_kb.lexicon import load_lexicon
from policies_kb.model import WHOLE_PROVINCE, Clause, Fact
from policies_kb.regions import find_in_text

RULES_FILE = Path(__file__).resolve().parent.parent / "policies_kb" / "rules.yml"
FactRef = Tuple[Clause, Fact]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    when: Tuple[str, ...]
    params: Dict[str, object]
    requires: Tuple[str, ...] = ()

    def applies(self, details: QuestionDetails, question: str = "") -> bool:
        """Any of ``when`` given (or its ``cue`` in the question), and all of ``requires``."""
        given = [getattr(details, name, None) not in (None, False) for name in self.when]
        needed = [getattr(details, name, None) not in (None, False) for name in self.requires]
        cue = self.params.get("cue")
        if cue is not None:
            given.append(re.search(str(cue), question) is not None)
        # details that must not be given (the graduates' standard is not the unemployed youth's)
        needed += [getattr(details, name, None) in (None, False) for name in self.params.get("unless") or ()]  # type: ignore[union-attr]
        about = self.params.get("about")  # what the question must be about (生活补贴, not 见习补贴)
        if about is not None:
            needed.append(re.search(str(about), question) is not None)
        return any(given) and all(needed)


@dataclass
class Computed:
    lines: List[str]
    used: List[FactRef]


@functools.lru_cache(maxsize=1)
def load_rules(path: str = str(RULES_FILE)) -> Tuple[Rule, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = []
    for entry in data["rules"]:
        when = entry.get("when") or []
        when = when if isinstance(when, list) else [when]
        params = {k: v for k, v in entry.items() if k not in ("id", "kind", "when", "requires")}
        requires = tuple(entry.get("requires") or ())
        if entry["kind"] not in KINDS and entry["kind"] not in ON_SELECTED:
            raise ValueError(f"{Path(path).name}: rule {entry['id']}: unknown kind {entry['kind']}")
        rules.append(Rule(entry["id"], entry["kind"], tuple(when), params, requires))
    return tuple(rules)


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _money(value_yuan: float) -> str:
    """5400 → 5400元; 120000 → 12万元 (the unit the documents use for larger sums)."""
    if value_yuan >= 10000 and (value_yuan / 10000) == round(value_yuan / 10000, 2):
        return f"{fmt(value_yuan / 10000)}万元"
    return f"{fmt(value_yuan)}元"


def _yuan(fact: Fact) -> float:
    return float(fact.value or 0) * {"万元": 10000, "亿元": 1e8}.get(fact.unit or "元", 1)


def _find(clauses: Sequence[Clause], key: object) -> Optional[FactRef]:
    for clause in clauses:
        fact = clause.fact(str(key))
        if fact is not None:
            return clause, fact
    return None


def _per_person_capped(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    per, total = _find(clauses, rule.params["per_person"]), _find(clauses, rule.params["total"])
    n = d.partners
    if total is None:
        return None
    if not n:
        return _people_needed(per, total, d)
    cap = float(total[1].value or 0)
    if per is None:
        lines = [f"文件规定合伙经营最高贷款额度为{fmt(cap)}万元（未规定每人额度），{n}人合伙合计最高{fmt(cap)}万元。"]
        if d.amount_wan:
            lines.insert(0, _verdict(d.amount_wan, cap, f"{n}人合伙"))
        return Computed(lines, [total])
    each = float(per[1].value or 0)
    raw = n * each
    if raw <= cap:
        line = f"{n}人合伙：{n} × {fmt(each)}万 = {fmt(raw)}万元，未超过合计上限{fmt(cap)}万元，最高可贷{fmt(raw)}万元。"
    else:  # the uncapped product is not a figure anyone can borrow, so it is not printed
        line = (f"{n}人合伙：按每人最高{fmt(each)}万元计，{n}人已超过合计上限{fmt(cap)}万元，"
                f"因此{n}人合计最高可贷{fmt(cap)}万元。")
    lines = [line]
    if d.amount_wan:
        most = min(raw, cap)
        lines.insert(0, _verdict(d.amount_wan, most, f"{n}人合伙"))
    return Computed(lines, [per, total])


def _verdict(asked: float, most: float, who: str) -> str:
    if asked <= most:
        return f"可以：您问的{fmt(asked)}万元在{who}的最高额度{fmt(most)}万元以内。"
    return f"不能：您问的{fmt(asked)}万元超过了{who}的最高额度{fmt(most)}万元。"


def _people_needed(per: Optional[FactRef], total: FactRef, d: QuestionDetails) -> Optional[Computed]:
    """"想贷200万至少得几个人": the smallest partnership whose caps reach the amount."""
    if per is None or not d.amount_wan or not d.people_asked:
        return None
    each, cap = float(per[1].value or 0), float(total[1].value or 0)
    if d.amount_wan > cap:
        return Computed([f"合伙创业合计额度最高{fmt(cap)}万元，贷{fmt(d.amount_wan)}万元超过了上限，人数再多也不能。"], [total])
    people = max(2, math.ceil(d.amount_wan / each))
    return Computed([
        f"按每人最高{fmt(each)}万元计算，贷{fmt(d.amount_wan)}万元至少需要 {fmt(d.amount_wan)} ÷ {fmt(each)} "
        f"向上取整 = {people}人（合计额度最高{fmt(cap)}万元）。"
    ], [per, total])


def _cap_check(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    if not d.amount_wan or d.partners or d.people_asked:
        return None
    key = rule.params.get("cap_enterprise") if d.enterprise else rule.params["cap"]
    found = _find(clauses, key) or _find(clauses, rule.params["cap"])
    if found is None:
        return None
    cap = float(found[1].value or 0)
    asked = d.amount_wan
    who = "企业" if found[1].key == rule.params.get("cap_enterprise") else "个人"
    if asked <= cap:
        line = f"可以：您问的{fmt(asked)}万元在{who}最高额度{fmt(cap)}万元以内（具体额度以经办机构审核为准）。"
    else:
        line = f"不能：您问的{fmt(asked)}万元超过了{who}最高额度{fmt(cap)}万元，最多可申请{fmt(cap)}万元。"
    return Computed([line], [found])


def _share_of_cost_capped(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    rate, cap = _find(clauses, rule.params["rate"]), _find(clauses, rule.params["cap"])
    if rate is None or cap is None:
        return None
    months = int(rule.params.get("cap_months") or 3)
    cap_yuan = _yuan(cap[1])
    lines: List[str] = []
    used = [rate, cap]
    period: Optional[float] = None  # what the asker's own costs give a quarter, when they are told
    if d.monthly_cost_yuan:
        pct = float(rate[1].value or 0)
        monthly = d.monthly_cost_yuan * pct / 100
        period_raw = monthly * months
        period = min(period_raw, cap_yuan)
        lines.append(f"每月：{fmt(d.monthly_cost_yuan)}元 × {fmt(pct)}% = {_money(monthly)}。")
        verdict = "未超过" if period_raw <= cap_yuan else "超过了"
        lines.append(
            f"每季度：{_money(monthly)} × {months} = {_money(period_raw)}，{verdict}每季最高{_money(cap_yuan)}的上限，"
            f"每季度可补{_money(period)}。"
        )
    term = _find(clauses, rule.params.get("term"))
    if term is not None:
        used.append(term)
        years = float(term[1].value or 0)
        quarters = int(years * 12 / months)
        per_year = int(12 / months)
        if period is not None and period < cap_yuan:  # 每月2000元: 3600元 a quarter, not the cap, over the term
            lines.append(f"每年：{per_year}个季度 × {_money(period)} = {_money(period * per_year)}。")
            lines.append(f"补贴期限最长{fmt(years)}年（{quarters}个季度），按每季度{_money(period)}计，"
                         f"累计{_money(period * quarters)}。")
        else:
            lines.append(f"每年最多：{per_year}个季度 × {_money(cap_yuan)} = {_money(cap_yuan * per_year)}。")
            lines.append(f"补贴期限最长{fmt(years)}年（{quarters}个季度），按每季最高{_money(cap_yuan)}计，累计最多{_money(cap_yuan * quarters)}。")
    return Computed(lines, used) if lines else None


def _bonus_above_threshold(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    bonus, bar = _find(clauses, rule.params["per_person"]), _find(clauses, rule.params["threshold"])
    if bonus is None or bar is None:
        return None
    used = [bonus, bar]
    each, need = float(bonus[1].value or 0), float(bar[1].value or 0)
    lines: List[str] = []
    contract = _find(clauses, rule.params.get("min_contract"))
    if contract is not None:
        used.append(contract)
    if contract is not None and d.contract_years is not None:
        minimum = float(contract[1].value or 0)
        if d.contract_years < minimum:
            lines.append(
                f"不能：带教补贴要求与留用人员签订{fmt(minimum)}年以上劳动合同，您说的合同期限不满{fmt(minimum)}年，不符合条件。"
            )
            return Computed(lines, used)
    rate = d.retention_rate
    if rate is None and d.retained is not None and d.interns:
        rate = 100 * d.retained / d.interns
        lines.append(f"留用率：{d.retained} ÷ {d.interns} = {fmt(round(rate, 1))}%。")
    if rate is not None and rate < need:
        lines.append(f"不能：留用率{fmt(round(rate, 1))}%未达到{fmt(need)}%的要求，不能享受带教补贴。")
        return Computed(lines, used)
    if d.retained is not None:
        prefix = f"留用率达到{fmt(need)}%以上，" if rate is not None else f"如留用率达到{fmt(need)}%以上，"
        tail = "。"
        if contract is not None:
            tail = f"（还须与留用人员签订{fmt(float(contract[1].value or 0))}年以上劳动合同并缴纳社会保险）。"
        lines.append(f"{prefix}带教补贴：{d.retained} × {fmt(each)}元 = {_money(d.retained * each)}{tail}")
    return Computed(lines, used) if lines else None


def _percent_uplift(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    rate = _find(clauses, rule.params["rate"])
    if rate is None or not d.base_amount_yuan:
        return None
    pct = float(rate[1].value or 0)
    raised = d.base_amount_yuan * (1 + pct / 100)
    return Computed([
        f"上浮后：{fmt(d.base_amount_yuan)}元 × (1 + {fmt(pct)}%) = {_money(raised)}（仅限目录内的职业培训）。"
    ], [rate])


def _for_each_intern(d: QuestionDetails, each_yuan: float) -> List[str]:
    """The lines for the months of the internship (见习6个月) and for all the interns a unit took on
    (招了3个), when given: a standard set monthly, multiplied out."""
    lines: List[str] = []
    if d.intern_months and d.intern_months > 1:
        months = d.intern_months
        lines.append(f"见习{months}个月：{_money(each_yuan)} × {months} = {_money(each_yuan * months)}。")
        each_yuan *= months
    n = d.interns
    if n and n >= 2 and d.retained is None:
        lines.append(f"{n}人合计：{_money(each_yuan)} × {n} = {_money(each_yuan * n)}。")
    return lines


def _percent_of_base(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    """A subsidy set as a percentage of a standard the asker gives (当地最低工资1880 × 60%)."""
    rate = _find(clauses, rule.params["rate"])
    if rate is None or not d.base_amount_yuan:
        return None
    pct = float(rate[1].value or 0)
    each = d.base_amount_yuan * pct / 100
    return Computed([
        f"按您说的标准计算：{fmt(d.base_amount_yuan)}元 × {fmt(pct)}% = {_money(each)}。"
    ] + _for_each_intern(d, each), [rate])


def _base_as_standard(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    """A subsidy given at a standard the asker states (按照当地最低工资标准给予: 1880元 a month); the
    rule's `says` names whom the standard is for, as its fact does."""
    standard = _find(clauses, rule.params["standard"])
    if standard is None or not d.base_amount_yuan:
        return None
    says = str(rule.params["says"]).format(base=_money(d.base_amount_yuan))
    return Computed([says] + _for_each_intern(d, d.base_amount_yuan), [standard])


def _value(fact: Fact) -> float:
    """A fact's value in its base unit (2696.1万元 → 26961000元), for arithmetic across facts."""
    unit = fact.unit or ""
    scale = 10000 if unit.startswith("万") else 1e8 if unit.startswith("亿") else 1
    return float(fact.value or 0) * scale


_OPERATIONS: Dict[str, Callable[[float, float], float]] = {
    "percent_of": lambda a, b: a * b / 100,
    "difference": lambda a, b: a - b,
    "product": lambda a, b: a * b,
    "quotient": lambda a, b: a / b if b else 0.0,
}


def _arithmetic(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    """A figure the documents imply from two they state (公务员约5000人，其中应届不少于50%): the
    rule's sentence in rules.yml, filled with both values and the result."""
    keys = list(rule.params["facts"])  # type: ignore[call-overload]
    found = [_find(clauses, key) for key in keys]
    if any(f is None for f in found):
        return None
    a, b = (f[1] for f in found if f is not None)
    result = _OPERATIONS[str(rule.params["op"])](_value(a), _value(b))
    line = str(rule.params["says"]).format(
        a=fmt(float(a.value or 0)), b=fmt(float(b.value or 0)), result=fmt(round(result, 2)),
        result_money=_money(result),
    )
    return Computed([line], [f for f in found if f is not None])


def _named_sum(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    """The sum of the figures the question names (长春加吉林市一共多少个岗位, 三支一扶、特岗、西部
    加起来): items are facts named by a pattern, or one table's city rows named by their city."""
    prefix = rule.params.get("rows")
    named = [(ref[1].city or place, ref) for place, ref in _named_rows(str(prefix), clauses, question)] if prefix else []
    for key, pattern in dict(rule.params.get("items") or {}).items():  # type: ignore[call-overload]
        ref = _find(clauses, key)
        if ref is not None and re.search(str(pattern), question):
            named.append((str(pattern).split("|")[0], ref))
    if len(named) < 2:
        return None
    total = sum(float(f.value or 0) for _, (_, f) in named)
    unit = named[0][1][1].unit or ""
    parts = " + ".join(f"{name}{fmt(float(f.value or 0))}{unit}" for name, (_, f) in named)
    return Computed([f"合计：{parts} = {fmt(total)}{unit}。"], [ref for _, ref in named])


def _named_rows(prefix: str, clauses: Sequence[Clause], question: str) -> List[Tuple[str, FactRef]]:
    """One table's rows of the cities the question names (吉林 alone names the province)."""
    cities = [r.name for r in find_in_text(question) if r.name != r.province]
    named: List[Tuple[str, FactRef]] = []
    for city in dict.fromkeys(cities):
        row = next(((c, f) for c in clauses for f in c.facts if f.key.startswith(f"{prefix}.") and f.is_row_of(city)), None)
        if row is not None:
            named.append((city, row))
    return named


def _row_share(rule: Rule, clauses: Sequence[Clause], d: QuestionDetails, question: str = "") -> Optional[Computed]:
    """A city's row as a share of the table's whole-province row (长春的岗位占全省百分之几)."""
    prefix = str(rule.params["rows"])
    named = _named_rows(prefix, clauses, question)
    whole = next(
        ((c, f) for c in clauses for f in c.facts if f.key.startswith(f"{prefix}.") and f.city == WHOLE_PROVINCE), None
    )
    if len(named) != 1 or whole is None or not whole[1].value:
        return None
    _, (clause, fact) = named[0]
    share = 100 * float(fact.value or 0) / float(whole[1].value)
    unit = fact.unit or ""
    line = f"{fact.city}{fmt(float(fact.value or 0))}{unit} ÷ 全省{fmt(float(whole[1].value))}{unit} ≈ {fmt(round(share, 1))}%。"
    return Computed([line], [(clause, fact), whole])


KINDS: Dict[str, Callable[[Rule, Sequence[Clause], QuestionDetails, str], Optional[Computed]]] = {
    "row_share": _row_share,
    "per_person_capped": _per_person_capped,
    "cap_check": _cap_check,
    "share_of_cost_capped": _share_of_cost_capped,
    "bonus_above_threshold": _bonus_above_threshold,
    "percent_uplift": _percent_uplift,
    "percent_of_base": _percent_of_base,
    "base_as_standard": _base_as_standard,
    "arithmetic": _arithmetic,
    "named_sum": _named_sum,
}


def _selected_sum(rule: Rule, selected: Sequence[FactRef], question: str) -> Optional[Computed]:
    """The sum of the chosen figures the question names each of (检察院和法院的文职一共招多少人:
    120人 + 150人): figures of the rule's kinds, in one unit, each named by one of its keywords."""
    kinds = set(rule.params.get("kinds") or ())  # type: ignore[call-overload]
    asks = load_lexicon().asks
    named: List[Tuple[str, FactRef]] = []
    for clause, fact in selected:
        if fact.kind not in kinds or fact.value is None or fact.city or any(f.key == fact.key for _, (_, f) in named):
            continue
        # the item's own name (公务员), not a way of asking that its keywords include (招多少人)
        label = next((k for k in fact.keywords if len(k) >= 2 and k in question and not asks(k)), None)
        if label is not None and all(label not in f.keywords for _, (_, f) in named):
            named.append((label, (clause, fact)))
    if len(named) < 2 or len({f.unit for _, (_, f) in named}) != 1:
        return None
    unit = named[0][1][1].unit or ""
    total = round(sum(float(f.value or 0) for _, (_, f) in named), 4)
    parts = " + ".join(f"{label}{fmt(float(f.value or 0))}{unit}" for label, (_, f) in named)
    return Computed([f"合计：{parts} = {fmt(total)}{unit}。"], [ref for _, ref in named])


def _scale(unit: str) -> float:
    return 10000.0 if unit.startswith("万") else 1.0


_SENTENCE_OPERATIONS: Dict[str, Callable[[float, float], float]] = {
    "divide_by_percent": lambda a, b: a / (b / 100),           # 25.17万人 = 109% of the plan
    "before_percent_increase": lambda a, b: a / (1 + b / 100),  # 2.8万人, 比去年增加4%
    "minus": lambda a, b: a - b,                                # 3.1万人, 比去年增加1000人; 4175名中4170人
}


def _from_sentence(rule: Rule, selected: Sequence[FactRef], question: str) -> Optional[Computed]:
    """A figure a chosen fact's sentence implies from the two it states (完成年计划的109% → the
    plan; 比去年增加1000人 → last year; 4175名…中…4170人 → those not yet placed): the rule's
    ``pattern`` names them a and b (units u and bu), ``op`` combines them, ``says`` shows it."""
    unless = rule.params.get("unless")
    if unless is not None and re.search(str(unless), question):
        return None
    pattern = re.compile(str(rule.params["pattern"]))
    for clause, fact in selected:
        match = pattern.search(fact.say)
        if match is None:
            continue
        groups = match.groupdict()
        unit = groups.get("u") or ""
        b_unit = groups.get("bu") or ""  # none: b is a percentage
        a = float(groups["a"]) * _scale(unit)
        b = float(groups["b"]) * _scale(b_unit)
        result = _SENTENCE_OPERATIONS[str(rule.params["op"])](a, b) / _scale(unit)
        whole = not unit.startswith(("万", "亿")) and abs(result) >= 100  # 约4987人, not 4987.18人
        line = str(rule.params["says"]).format(
            a=groups["a"], b=groups["b"], u=unit, bu=b_unit, result=fmt(round(result, 0 if whole else 2)),
        )
        return Computed([line], [(clause, fact)])
    return None


def _sentence_sum(rule: Rule, selected: Sequence[FactRef], question: str) -> Optional[Computed]:
    """The sum of the figures of one unit a chosen fact's sentence lists (至少提供1次职业指导、3次
    岗位推介、1次技能培训和1次就业见习机会: 1 + 3 + 1 + 1 = 6次), each shown with what it counts."""
    unit = str(rule.params["unit"])
    item = re.compile(rf"(\d+)\s*{re.escape(unit)}((?:(?![和及与])[\u4e00-\u9fff]){{0,6}})")
    for clause, fact in selected:
        items = item.findall(fact.say)
        if len(items) < 2:
            continue
        total = sum(int(n) for n, _ in items)
        parts = " + ".join(f"{n}{unit}{what}" for n, what in items)
        return Computed([f"合计：{parts} = {total}{unit}。"], [(clause, fact)])
    return None


_PER_UNIT = re.compile(r"每个([\u4e00-\u9fff]{1,4}?)(\d+)\s*(人|名|个)")
_COUNTED_UNITS = re.compile(NUMERAL + r"\s*个\s*([\u4e00-\u9fff]{1,4})")  # 4个社区, 六个村


def _per_unit_sum(rule: Rule, selected: Sequence[FactRef], question: str) -> Optional[Computed]:
    """Units the asker counts, at the rate per unit a chosen fact's sentence states (每个社区3人、
    每个行政村1人; 4个社区、6个行政村 → 4 × 3 + 6 × 1 = 18人). A unit matches the sentence's when
    one ends the other (6个村 counts 行政村)."""
    asked = [(parse_number(n), unit) for n, unit in _COUNTED_UNITS.findall(question)]
    for clause, fact in selected:
        rates = _PER_UNIT.findall(fact.say)
        terms = []
        for name, per, unit in rates:
            count = next((n for n, said in asked if n and _same_unit(name, said)), None)
            if count is not None:
                terms.append((count, name, int(per), unit))
        if not terms:
            continue
        unit = terms[0][3]
        total = sum(count * per for count, _, per, _ in terms)
        rates_said = "、".join(f"每个{name}{per}{u}" for name, per, u in rates)
        working = " + ".join(f"{fmt(count)}个{name} × {per}{u}" for count, name, per, u in terms)
        return Computed([f"按{rates_said}计算：{working} = {fmt(total)}{unit}。"], [(clause, fact)])
    return None


def _same_unit(name: str, said: str) -> bool:
    """社区 said as 社区 (followed by more words: 社区按标准…), 行政村 said as 村."""
    return said.startswith(name) or any(name.endswith(said[:k]) for k in range(1, len(said) + 1))


# Rules computed over the facts chosen to answer the question, not over a province's clauses.
ON_SELECTED: Dict[str, Callable[[Rule, Sequence[FactRef], str], Optional[Computed]]] = {
    "selected_sum": _selected_sum,
    "from_sentence": _from_sentence,
    "sentence_sum": _sentence_sum,
    "per_unit_sum": _per_unit_sum,
}


def compute_on_selected(selected: Sequence[FactRef], details: QuestionDetails, question: str) -> Computed:
    """Every applicable selection rule's lines (a sum of the figures chosen and named)."""
    result = Computed([], [])
    for rule in load_rules():
        if rule.kind in ON_SELECTED and rule.applies(details, question):
            computed = ON_SELECTED[rule.kind](rule, selected, question)
            if computed is not None:
                result.lines += computed.lines
                result.used += computed.used
    return result


def compute(clauses: Sequence[Clause], details: QuestionDetails, question: str = "") -> Computed:
    """Every applicable rule's lines, in file order, over the province's clauses."""
    result = Computed([], [])
    for rule in load_rules():
        if rule.kind not in KINDS or not rule.applies(details, question):
            continue
        computed = KINDS[rule.kind](rule, clauses, details, question)
        if computed is not None:
            result.lines += computed.lines
            result.used += computed.used
    return result
