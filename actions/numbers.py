"""Numbers people write in questions: 两个人合伙, 我跟室友俩人, 十五万, 每月房租5000, 留了6个, 23岁.

Chinese numerals are read with cn2an (俩/仨 first mapped to 2/3, which cn2an does not know).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

import cn2an

from policies_kb.lexicon import load_lexicon

_COLLOQUIAL = {"俩": "2", "仨": "3"}
_NUM = r"(\d+(?:\.\d+)?|[零〇一二两俩三仨四五六七八九十百千万]+)"
NUMERAL = _NUM  # one number in Arabic or Chinese numerals, as one regex group


def parse_number(text: str) -> Optional[float]:
    """Arabic or Chinese numeral to a number; None if it is neither."""
    text = (text or "").strip()
    if not text:
        return None
    text = _COLLOQUIAL.get(text, text)
    try:
        return float(text)
    except ValueError:
        pass

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


@dataclass(frozen=True)
class QuestionDetails:
    """Figures a question gives that change the answer."""
    partners: Optional[int] = None
    amount_wan: Optional[float] = None  # loan amount asked about, in 万元
    years_since_graduation: Optional[float] = None
    age: Optional[int] = None
    monthly_cost_yuan: Optional[float] = None  # e.g. 每月房租5000
    base_amount_yuan: Optional[float] = None  # a standard the asker already knows: 原本1500
    retained: Optional[int] = None  # interns kept on
    interns: Optional[int] = None  # interns in all
    intern_months: Optional[int] = None  # 见习6个月: the months a monthly subsidy is paid for
    retention_rate: Optional[float] = None  # percent, when given as such
    contract_years: Optional[float] = None  # length of the contract signed
    enterprise: bool = False  # the borrower is a company, not a person
    total_asked: bool = False  # 加起来 / 一共 / 累计: the sum over the whole period
    people_asked: bool = False  # 至少得几个人: the number of partners an amount needs
    youth: bool = False  # an unemployed young person (16–24), not a graduate

    def merged_over(self, earlier: "QuestionDetails") -> "QuestionDetails":
        """These details, with what this message does not say taken from ``earlier`` (follow-ups)."""
        values = {k: (v if v not in (None, False) else getattr(earlier, k)) for k, v in self.__dict__.items()}
        return QuestionDetails(**values)


_PEOPLE = r"(?:个人|个|位|名|人)"
# The people themselves counted (俩同学, 三个朋友, 8 people): read when no head count by 人 is given.
_FELLOWS = r"(?:(?:个|位|名)?(?:同学|朋友|室友|伙伴|老乡|同事|兄弟|姐妹|股东)|\s*(?:people|persons|partners|founders)\b)"
_TOGETHER = r"(?:一起|共同|合伙|合作|搭伙|联合|合办|创业|干|开|办|搞|\s*partner)"
_PARTNERS = [
    re.compile(_NUM + r"\s*" + _PEOPLE + r"(?:人)?\s*(?:的)?\s*" + _TOGETHER),
    re.compile(r"(?:合伙人?|股东)(?:有|共|一共|总共)?\s*" + _NUM + r"\s*(?:个|位|名)?"),
    re.compile(r"(?:我们|咱们|我们这|俺们|他们|她们)\s*(?:是|有|一共|总共|一共是)?\s*" + _NUM + r"\s*" + _PEOPLE),
    re.compile(r"(?:一共|总共|加起来|加一块)\s*(?:是|有)?\s*" + _NUM + r"\s*" + _PEOPLE + r"(?!\S*(?:见习|留|招))"),  # 他们一共4个人
    re.compile(r"(?:我们|咱们|俺们)\s*" + _NUM + r"\s*(?:合伙|一起|合作)"),
    re.compile(r"(?:我们|咱们|俺们|咱)\s*([俩仨])"),  # 我们仨在吉林合伙创业
    re.compile(_NUM + r"\s*(?:个)?(?:人|位)(?:的)?(?:团队|合伙)"),
    re.compile(_NUM + r"\s*" + _PEOPLE + r"[^，。,.？?]{0,6}?(?:合伙|一起|合作|搭伙|联合)"),
    re.compile(r"^(?:那|那么)?\s*(?:换成|如果是|要是|假如|如果|若是)?\s*" + _NUM + r"\s*" + _PEOPLE + r"(?:人)?\s*(?:呢|的话|合伙)"),
]
# 我跟室友俩人 counts the asker in already; 我和两个同学 does not.
_WITH_OTHERS = re.compile(r"(?:我|本人)(?:和|跟|与|带着|加上)\s*" + _NUM + r"\s*(?:个|位|名)\s*(?:同学|朋友|室友|伙伴|人|老乡|同事)")
# 想和两个朋友一起搞 (the asker said earlier): the others, plus the asker.
_WITH_FELLOWS = re.compile(r"(?:和|跟|与|带着|加上)\s*" + _NUM + _FELLOWS + r"[^，。,.？?]{0,6}?" + _TOGETHER)
# 俩同学合伙开公司, 8 people partnership: the people counted are the partners.
_FELLOWS_TOGETHER = re.compile(_NUM + _FELLOWS + r"[^，。,.？?]{0,6}?" + _TOGETHER)
# 五个吉林的大学毕业生合伙开店: who they are may stand between the count and the graduates.
# Not graduates an employer takes on (the lexicon's `hiring`, checked in _partners).
_GRADUATES_TOGETHER = re.compile(
    _NUM + r"\s*(?:个|位|名)[^\d，。,.？?]{0,6}?(?:大学毕业生|毕业生|大学生)[^，。,.？?]{0,4}?(?:合伙|一起|合作|搭伙|联合)"
)
_AMOUNT = re.compile(_NUM + r"\s*万")
# 每人想贷60万总共240万: the total named after 总共/一共/合计 is the amount asked.
_TOTAL_AMOUNT = re.compile(r"(?:总共|一共|合计|加起来|总额)\s*(?:是|要|想|贷|借)?\s*" + _NUM + r"\s*万")
# 每人能贷22万，12个人就是264万，我们就按264万去准备材料: the sum the asker arrives at or applies for.
_PLANNED_AMOUNT = re.compile(r"(?:就是|按|打算贷|想贷|准备贷|申请了?)\s*" + _NUM + r"\s*万")
# A figure in Chinese numerals has a place value (一万五, 三百) or its unit (五块): 一共, 一个 are
# not amounts.
_YUAN = (
    r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九]*[十百千万][零〇一二两三四五六七八九十百千万]*"
    r"|[零〇一二两三四五六七八九十百千万]+(?=\s*(?:万|千|块|元)))\s*(万|千|块|元)?"
)
# 每个月房租物业水电一共5000块: the costs may be named between 每月 and the figure.
_MONTHLY_COST_LISTED = re.compile(r"(?:每月|每个月|一个月)[^\d，。,；;？?]{0,12}?" + _YUAN)
_MONTHLY_COST = re.compile(r"(?:每月|每个月|一个月|月)\s*(?:的)?(?:房租|租金|费用|物业费|水电费|成本|花|交)?\s*(?:是|要|大概|差不多)?\s*" + _YUAN)
# Further monthly costs listed after the first: 每月房租3000 物业费500 水电500.
_MORE_COSTS = re.compile(r"(?:房租|租金|物业费|物管费|物业|水电费|水电|卫生费|电费|水费)\s*(?:是|要|大概)?\s*" + _YUAN)
# 原来培训补贴1000元: what the standard is of may stand between 原来 and the figure.
_BASE = re.compile(r"(?:原本|原来|本来|标准是|原标准|基础标准|最低工资(?:标准)?)[^\d，。,；;？?]{0,8}?(?:是|为)?\s*" + _YUAN)
_YEARS = [
    # 毕业快三年了, 离校都两年了, 毕业将近3年
    re.compile(r"(?:毕业|离校|读完书|念完书|从学校出来)(?:回来|回家|出来)?(?:了|已经|已|都|快|快要|将近|差不多|满|有)*\s*"
               + _NUM + r"\s*(?:年|个年头)"),
    re.compile(_NUM + r"\s*年(?:前|了)?\s*(?:毕业|离校)"),
    # 三年前大学毕业 (not 2016年本科毕业: a year, not how long ago)
    re.compile(_NUM + r"\s*年(?:前|了)\s*从?(?:大学|大专|本科|研究生|专科|学校)\s*(?:毕业|离校)"),
]
_JUST_GRADUATED = re.compile(r"刚毕业|应届|今年毕业|还没毕业|即将毕业")
_AGE = re.compile(_NUM + r"\s*(?:岁|周岁)")
# 3个见习生, 5名见习; a bare figure before 见习 is no count (最低工资1880 见习6个月)
_INTERNS = re.compile(_NUM + r"(?:\s*(?:个|名|位)\s*(?:见习生|见习人员|实习生|见习)|(?:见习生|见习人员|实习生))")
# 见习6个月, 见习期3个月: how long the internship lasts, for a subsidy paid monthly
_INTERN_MONTHS = re.compile(r"见习(?:期|时间)?\s*(?:是|为|了|有)?\s*" + _NUM + r"\s*个?月")
# 10个人我们只留了4个: a few words (who kept them, 只) may stand between the two counts
_INTERNS_BEFORE_KEPT = re.compile(_NUM + r"\s*(?:个|名|位)?人?\s*[，,]?\s*(?:期满)?[^\d，,。？?]{0,4}?(?:留了|留下|留用|只留|留)")
# 招了3个20岁的失业青年见习: the interns a unit took on, counted where they were hired
_INTERNS_TAKEN = re.compile(r"(?:招了|招收了?|吸纳了?|接收了?|录用了?|收了)\s*" + _NUM + r"\s*(?:个|名|位)[^，,。？?]{0,12}?见习")
_RETAINED = re.compile(r"(?:留用|留下|留了|留下来|转正|签了|留)\s*(?:了)?\s*" + _NUM + r"\s*(?:个|名|位|人)")
_RATE = re.compile(r"留用率\s*(?:是|有|达到|为)?\s*(\d+(?:\.\d+)?)\s*%")
_CONTRACT = re.compile(r"(?:签|签了|签订)\s*(?:了)?\s*(半年|" + _NUM + r"\s*(?:年|个月))\s*(?:的)?\s*(?:劳动)?合同")
_ENTERPRISE = re.compile(r"企业|公司|小微|中小微|单位")
_YOUTH = re.compile(r"失业青年|青年(?!见习)")
_GRADUATE = re.compile(r"毕业生|大学生|高校|毕业")
_PEOPLE_ASKED = re.compile(r"(至少|最少|需要|得|要)\s*(有)?\s*几\s*个\s*人|几个人才")
_TOTAL = re.compile(r"加起来|一共|总共|累计|总计|合计能|全部|(?:一|每|[0-9一二三两])\s*年(?:下来|最多|总共|能拿|能补|一共)")


def _first(patterns: Iterable[re.Pattern], text: str) -> Optional[float]:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            value = parse_number(match.group(1))
            if value is not None:
                return value
    return None


def _yuan(match: Optional[re.Match]) -> Optional[float]:
    if not match:
        return None
    value = parse_number(match.group(1))
    if value is None:
        return None
    return value * {"万": 10000, "千": 1000}.get(match.group(2) or "", 1)


def _monthly_costs(text: str) -> Optional[float]:
    """The monthly cost, with every further cost listed after it added (房租3000 物业费500 水电500)."""
    first = _MONTHLY_COST.search(text) or _MONTHLY_COST_LISTED.search(text)
    value = _yuan(first)
    if first is None or value is None:
        return None
    for match in _MORE_COSTS.finditer(text, first.end()):
        value += _yuan(match) or 0
    return value


def _contract_years(text: str) -> Optional[float]:
    match = _CONTRACT.search(text)
    if not match:
        return None
    spec = match.group(1)
    if spec == "半年":
        return 0.5
    value = parse_number(match.group(2))
    if value is None:
        return None
    return value / 12 if spec.endswith("个月") else value


def _partners(text: str) -> Optional[float]:
    with_others = _first([_WITH_OTHERS, _WITH_FELLOWS], text)
    if with_others:
        return with_others + 1
    partners = _first(_PARTNERS + [_FELLOWS_TOGETHER], text)
    if partners is not None:
        return partners
    graduates = _GRADUATES_TOGETHER.search(text)
    if graduates is None or load_lexicon().hired_before(text, graduates.start()):
        return None
    return parse_number(graduates.group(1))


def parse_details(text: str) -> QuestionDetails:
    """Pull the figures out of the question text. Deterministic, so answers are testable."""
    text = text or ""
    partners = _partners(text)
    amount = _first([_TOTAL_AMOUNT, _PLANNED_AMOUNT, _AMOUNT], text)
    years = _first(_YEARS, text)
    if years is None and _JUST_GRADUATED.search(text):
        years = 0.0
    age = _first([_AGE], text)
    interns = _first([_INTERNS, _INTERNS_BEFORE_KEPT, _INTERNS_TAKEN], text)
    intern_months = _first([_INTERN_MONTHS], text)
    retained = _first([_RETAINED], text)
    rate = _first([_RATE], text)
    monthly = _monthly_costs(text)
    return QuestionDetails(
        partners=int(partners) if partners and 1 < partners < 1000 else None,
        amount_wan=amount if monthly is None else None,
        years_since_graduation=years,
        age=int(age) if age else None,
        monthly_cost_yuan=monthly,
        base_amount_yuan=_yuan(_BASE.search(text)),
        retained=int(retained) if retained is not None else None,
        interns=int(interns) if interns is not None and (retained is None or interns >= retained) else None,
        intern_months=int(intern_months) if intern_months and 1 <= intern_months <= 24 else None,
        retention_rate=rate,
        contract_years=_contract_years(text),
        enterprise=bool(_ENTERPRISE.search(text)),
        total_asked=bool(_TOTAL.search(text)),
        people_asked=bool(_PEOPLE_ASKED.search(text)),
        youth=bool(_YOUTH.search(text)) or (age is not None and 16 <= age <= 24 and not _GRADUATE.search(text)),
    )
