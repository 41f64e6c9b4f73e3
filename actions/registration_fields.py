"""Field answers of the registration form: parsing, validation and the Chinese re-prompt for
each wrong answer. Pure functions (no Rasa, no database) shared by the form validation action and
the update action, and unit-tested directly."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from policies_kb.lexicon import load_lexicon
from policies_kb.regions import COVERED, UNCOVERED, find_in_text, lookup
from registry import phone as phones
from registry import places

# Slots of the form in the order they are asked; which apply depends on consent and intention.
NAME, CONSENT, ID, PHONE = "reg_name", "reg_id_consent", "reg_id_number", "reg_phone"
SCHOOL, MAJOR, EDUCATION, GRAD_YEAR = "reg_school", "reg_major", "reg_education", "reg_grad_year"
HUKOU_CITY, CITY, INTENTION = "reg_hukou_city", "reg_city", "reg_intention"
WANTED_JOB, WANTED_INDUSTRY, WANTED_REGION = "reg_wanted_job", "reg_wanted_industry", "reg_wanted_region"
HARDSHIP, CONFIRM = "reg_hardship", "reg_confirm"
# Slots the validation fills alongside a field (never asked for).
ID_MASKED, HUKOU_PROVINCE, PROVINCE = "reg_id_masked", "reg_hukou_province", "reg_province"
# Bookkeeping: which question was answered wrongly how many times ({"slot": ..., "count": n}).
ATTEMPTS = "reg_attempts"

ALL_FIELDS = [NAME, CONSENT, ID, PHONE, SCHOOL, MAJOR, EDUCATION, GRAD_YEAR, HUKOU_CITY, CITY, INTENTION,
              WANTED_JOB, WANTED_INDUSTRY, WANTED_REGION, HARDSHIP, CONFIRM]
DERIVED = [ID_MASKED, HUKOU_PROVINCE, PROVINCE]
DERIVED_OF = {ID: [ID_MASKED], HUKOU_CITY: [HUKOU_PROVINCE], CITY: [PROVINCE]}

LABELS = {
    NAME: "姓名", ID: "身份证号", PHONE: "手机号", SCHOOL: "毕业院校", MAJOR: "专业", EDUCATION: "学历",
    GRAD_YEAR: "毕业年份", HUKOU_CITY: "户籍所在城市", CITY: "现居住城市", INTENTION: "就业意向",
    WANTED_JOB: "意向岗位", WANTED_INDUSTRY: "意向行业", WANTED_REGION: "意向工作地区", HARDSHIP: "困难类别",
}

# Words a graduate uses to name a field when correcting it (the first in this order wins).
FIELD_WORDS: List[Tuple[str, str]] = [
    ("身份证", ID), ("证件号", ID), ("姓名", NAME), ("名字", NAME), ("手机", PHONE), ("电话", PHONE),
    ("联系方式", PHONE), ("号码", PHONE), ("学校", SCHOOL), ("院校", SCHOOL), ("专业", MAJOR), ("学历", EDUCATION),
    ("毕业年份", GRAD_YEAR), ("毕业时间", GRAD_YEAR), ("哪年毕业", GRAD_YEAR), ("年份", GRAD_YEAR),
    ("户籍", HUKOU_CITY), ("户口", HUKOU_CITY), ("现居", CITY), ("常住", CITY), ("居住", CITY), ("所在城市", CITY),
    ("意向岗位", WANTED_JOB), ("岗位", WANTED_JOB), ("职位", WANTED_JOB), ("行业", WANTED_INDUSTRY),
    ("工作地", WANTED_REGION), ("意向地区", WANTED_REGION), ("地区", WANTED_REGION), ("就业意向", INTENTION),
    ("意向", INTENTION), ("就业意愿", INTENTION), ("困难", HARDSHIP), ("城市", CITY),
]

NO_PREFERENCE = "不限"


@dataclass(frozen=True)
class FieldResult:
    """``value`` (plus derived slot values) when accepted, else ``reason`` to send back."""

    value: Optional[object] = None
    reason: str = ""
    derived: Optional[Dict[str, object]] = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def _bad(reason: str) -> FieldResult:
    return FieldResult(reason=reason)


def _strip_lead(text: str, leads: Tuple[str, ...]) -> str:
    text = (text or "").strip().strip("。.,，!！")
    for lead in leads:
        if text.startswith(lead):
            return text[len(lead):].strip(" ：:是")
    return text


_NAME = re.compile(r"[\u4e00-\u9fff·•A-Za-z ]{2,20}")


def parse_name(text: str) -> FieldResult:
    name = _strip_lead(text, ("我的名字是", "我的名字叫", "我叫", "我是", "姓名是", "姓名", "名字是", "名字叫", "名字"))
    name = name.replace("•", "·")
    if any(ch.isdigit() for ch in name):
        return _bad("姓名里不应有数字。请输入您身份证上的姓名，例如“张三”。")
    if not _NAME.fullmatch(name):
        return _bad("姓名应为2到20个汉字或字母（少数民族姓名可用“·”分隔），请输入您身份证上的姓名。")
    if name.removesuffix("省") in _PROVINCES:  # 吉林, typed as the place after an answer mid-form
        return _bad(f"“{name}”是省份名称，不是姓名。请输入您身份证上的姓名，例如“张三”。")
    return FieldResult(name)


def parse_phone(text: str) -> FieldResult:
    found = phones.find_in_text(text)
    if found:
        return FieldResult(found)
    digits = re.sub(r"[^0-9+]", "", unicodedata.normalize("NFKC", text or ""))
    if not digits:
        return _bad("没有看到手机号码。请输入您本人正在使用的11位手机号码，例如13912345678。")
    check = phones.validate(digits)
    return FieldResult(check.number) if check.ok else _bad(check.reason)


def _free_text(text: str, label: str, leads: Tuple[str, ...], max_len: int = 50) -> FieldResult:
    value = _strip_lead(text, leads)
    if len(value) < 2 or value.isdigit() or len(value) > max_len:
        return _bad(f"请输入您的{label}（2到{max_len}个字），例如“{EXAMPLES[label]}”。")
    return FieldResult(value)


EXAMPLES = {"毕业院校": "吉林大学", "专业": "计算机科学与技术", "意向岗位": "软件开发", "意向行业": "互联网"}


def parse_school(text: str) -> FieldResult:
    return _free_text(text, "毕业院校", ("我毕业于", "毕业于", "我是", "学校是", "学校"))


def parse_major(text: str) -> FieldResult:
    return _free_text(text, "专业", ("我学的是", "我的专业是", "专业是", "专业", "学的是"))


EDUCATION_WORDS: List[Tuple[str, str]] = [
    ("博士", "博士研究生"), ("硕士", "硕士研究生"), ("研究生", "硕士研究生"), ("本科", "本科"), ("学士", "本科"),
    ("专升本", "本科"),
    ("大学本科", "本科"), ("专科", "专科"), ("大专", "专科"), ("高职", "专科"), ("高专", "专科"),
    ("中专", "中专/技校"), ("技校", "中专/技校"), ("技工", "中专/技校"), ("中职", "中专/技校"),
]


def parse_education(text: str) -> FieldResult:
    for word, level in EDUCATION_WORDS:
        if word in (text or ""):
            return FieldResult(level)
    return _bad("没有识别出学历。请回复以下之一，例如“本科”：中专/技校、专科（大专）、本科、硕士研究生、博士研究生。")


# 〇/零 and the other Chinese digits as written in years (二〇二二年, 二零二二, 二二届).
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# Years said relative to today, longest first (大前年 before 前年).
RELATIVE_YEARS: List[Tuple[str, int]] = [("大前年", 3), ("前年", 2), ("去年", 1), ("今年", 0), ("明年", -1)]


def parse_grad_year(text: str, today: Optional[dt.date] = None) -> FieldResult:
    """2022, 2022届, 22届, 二〇二二年, 今年/去年/前年 (relative to ``today``), 两年前."""
    today = today or dt.date.today()
    earliest, latest = today.year - 10, today.year + 1
    text = (text or "").translate(_CN_DIGITS).replace("两", "2")
    year: Optional[int] = next((today.year - back for word, back in RELATIVE_YEARS if word in text), None)
    ago = re.search(r"(?<!\d)(\d)\s*年前", text)
    match = re.search(r"(?<!\d)(\d{4})(?!\d)", text) or re.search(r"(?<!\d)(\d{2})\s*(?:届|年|级)", text)
    if year is None and ago:
        year = today.year - int(ago.group(1))
    elif year is None and match:
        year = int(match.group(1))
        year += 2000 if year < 100 else 0
    if year is None:
        return _bad(f"请输入毕业年份，例如“{today.year}”“{today.year - 1}届”或“去年”。")
    if not earliest <= year <= latest:
        return _bad(f"毕业年份应在{earliest}年到{latest}年之间（本服务面向近年毕业生），请核对后重新输入，例如“{today.year}”。")
    return FieldResult(year)


_PROVINCES = set(COVERED) | {p for p in UNCOVERED if p in ["北京", "天津", "上海", "重庆", "河北", "山西", "内蒙古", "辽宁", "黑龙江", "江苏", "浙江", "安徽", "福建", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾"]}
# Large cities outside 吉林/江西 that policies_kb.regions knows by name only.
_CITY_PROVINCE = {
    "深圳": "广东", "广州": "广东", "东莞": "广东", "佛山": "广东", "珠海": "广东", "杭州": "浙江", "宁波": "浙江",
    "温州": "浙江", "南京": "江苏", "苏州": "江苏", "无锡": "江苏", "武汉": "湖北", "成都": "四川", "西安": "陕西",
    "沈阳": "辽宁", "大连": "辽宁", "哈尔滨": "黑龙江", "长沙": "湖南", "郑州": "河南", "济南": "山东", "青岛": "山东",
    "厦门": "福建", "福州": "福建", "合肥": "安徽", "昆明": "云南", "贵阳": "贵州", "南宁": "广西", "石家庄": "河北",
    "太原": "山西", "呼和浩特": "内蒙古", "兰州": "甘肃", "乌鲁木齐": "新疆", "拉萨": "西藏", "西宁": "青海",
    "银川": "宁夏", "海口": "海南",
}
_PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,8}(市|县|区|州|盟|旗|省)$")


def parse_city(text: str) -> FieldResult:
    """A city or province, with the province it belongs to (None for places outside our list).
    County-level places of 吉林 and 江西 are recorded under their prefecture (公主岭 → 长春); the
    place as named is kept in ``derived["named"]`` for the echo."""
    raw = _strip_lead(text, ("我在", "现在在", "户口在", "户籍在", "户籍", "住在", "在"))
    county = places.find_county(raw)
    if county is not None:
        return FieldResult(county.prefecture, derived={"province": county.province, "named": county.name})
    found = find_in_text(raw)
    # the most specific place named: 吉林省长春市 is 长春
    region = next((r for r in found if r.name != r.province and r.name not in _PROVINCES), None)
    region = region or (found[0] if found else lookup(raw))
    if region is not None:
        province = region.province or (region.name if region.name in _PROVINCES else _CITY_PROVINCE.get(region.name))
        return FieldResult(region.name, derived={"province": province})
    if _PLACE_SUFFIX.fullmatch(raw):
        return FieldResult(raw, derived={"province": None})
    return _bad("没有识别出城市名称。请输入城市名称，例如“长春”“吉林市”“南昌”“赣州”，县级市也可以，例如“公主岭”“瑞金”。")


INTENTION_WORDS: List[Tuple[str, str]] = [
    ("暂无", "暂无就业意愿"), ("暂不", "暂无就业意愿"), ("暂时不", "暂无就业意愿"), ("不想", "暂无就业意愿"),
    ("没有", "暂无就业意愿"), ("无", "暂无就业意愿"), ("考研", "暂无就业意愿"), ("升学", "暂无就业意愿"),
    ("创业", "创业"), ("自己干", "创业"), ("开店", "创业"), ("开公司", "创业"),
    ("就业", "就业"), ("找工作", "就业"), ("上班", "就业"), ("工作", "就业"),
]


def parse_intention(text: str) -> FieldResult:
    for word, intention in INTENTION_WORDS:
        if word in (text or ""):
            return FieldResult(intention)
    return _bad("请从以下选择您的就业意向，例如“就业”：就业（找工作）、创业、暂无就业意愿。")


def parse_wanted(text: str, label: str) -> FieldResult:
    if re.search(r"不限|都行|都可以|随便|无所谓", text or ""):
        return FieldResult(NO_PREFERENCE)
    return _free_text(text, label, ("我想做", "想做", "想找", "想从事", "我想", "想去", "意向是"))


def parse_wanted_region(text: str) -> FieldResult:
    if re.search(r"不限|都行|都可以|随便|无所谓", text or ""):
        return FieldResult(NO_PREFERENCE)
    city = parse_city(text)
    return city if city.ok else _bad("请说明您希望在哪个城市或省份工作，例如“长春”“南昌”，没有要求请回复“不限”。")


HARDSHIP_WORDS: List[Tuple[str, str]] = [
    ("脱贫", "脱贫家庭"), ("建档立卡", "脱贫家庭"), ("零就业", "零就业家庭"), ("残疾", "残疾"), ("残障", "残疾"),
    ("低保", "低保"), ("特困", "其他特殊困难"), ("其他", "其他特殊困难"), ("特殊困难", "其他特殊困难"),
]
_NONE = re.compile(
    r"^(无|没有|都不是|都没有|不是|否|不属于|没|没有困难|无困难|都不属于|不|都不|一个都不是|不是困难家庭|家里没有困难"
    r"|以上都不是|以上都没有|都不符合|不符合|没有的|无困难类别)[。.!！啊呢的]?$")


def parse_hardship(text: str) -> FieldResult:
    """One or more hardship categories (comma-joined in table order), or 无."""
    text = (text or "").strip()
    found: List[str] = []
    for word, category in HARDSHIP_WORDS:
        if word in text and category not in found:
            found.append(category)
    if found:
        order = ["脱贫家庭", "零就业家庭", "残疾", "低保", "其他特殊困难"]
        return FieldResult(",".join(sorted(found, key=order.index)))
    if _NONE.match(text):
        return FieldResult("无")
    return _bad("请从以下选择（可多选），例如“低保”：脱贫家庭、零就业家庭、残疾、低保、其他特殊困难；都不是请回复“无”。")


def field_named_in(text: str) -> Optional[str]:
    """The form slot a correction request names (修改手机号 → reg_phone), if any."""
    for word, slot in FIELD_WORDS:
        if word in (text or ""):
            return slot
    return None


# What to type, per question: said with the third wrong answer, beside the offer of a person.
HINTS = {
    NAME: "输入您身份证上的姓名，例如“张三”", CONSENT: "回复“同意”或“不同意”",
    ID: "直接输入18位身份证号码（最后一位可能是X）", PHONE: "输入11位手机号码，例如13912345678",
    SCHOOL: "输入毕业院校名称，例如“吉林大学”", MAJOR: "输入专业名称，例如“会计学”",
    EDUCATION: "回复学历，例如“本科”“大专”“硕士”", GRAD_YEAR: "回复毕业年份，例如“2024”或“去年”",
    HUKOU_CITY: "回复户籍所在城市，例如“长春”", CITY: "回复现在居住的城市，例如“南昌”",
    INTENTION: "回复“就业”“创业”或“暂无就业意愿”", WANTED_JOB: "回复想找的岗位，例如“会计”，没有要求回复“不限”",
    WANTED_INDUSTRY: "回复意向行业，例如“互联网”，没有要求回复“不限”",
    WANTED_REGION: "回复想去的城市，例如“长春”，没有要求回复“不限”",
    HARDSHIP: "回复困难类别，例如“低保”，都不是回复“无”", CONFIRM: "回复“确认”提交，或说明要修改哪一项",
}

PARSERS = {
    NAME: parse_name, PHONE: parse_phone, SCHOOL: parse_school, MAJOR: parse_major, EDUCATION: parse_education,
    GRAD_YEAR: parse_grad_year, HUKOU_CITY: parse_city, CITY: parse_city, INTENTION: parse_intention,
    WANTED_JOB: lambda text: parse_wanted(text, "意向岗位"), WANTED_INDUSTRY: lambda text: parse_wanted(text, "意向行业"),
    WANTED_REGION: parse_wanted_region, HARDSHIP: parse_hardship,
}
FREE_TEXT = frozenset({NAME, SCHOOL, MAJOR, WANTED_JOB, WANTED_INDUSTRY})

# A message that only acknowledges (好的, 嗯, 谢谢) answers no question of the form.
_ACKNOWLEDGEMENT = re.compile(
    r"^(?:(?:好|好的|好滴|好嘞|好吧|嗯+|哦+|噢+|喔|ok|okay|收到|明白了?|知道了|了解了?|谢谢(?:你|啦)?|多谢|感谢|行|行吧|可以|是的|对)"
    r"[\s。.!！~～,，]*)+$", re.IGNORECASE)
# A message that corrects an answer names the field and one of these words.
_CORRECTION = re.compile(r"错|改|不对|更正|修改|换|应该是|其实是")
_VALUE_AFTER = re.compile(r"(?:改成|改为|换成|换为|更正为|应该是|应为|其实是|是|为|：|:)\s*(.+)$")


# "为什么要身份证号", "身份证号有什么用", "提供身份证安全吗", "不填身份证可以吗"
_WHY = re.compile(r"为什么|为啥|干什么|干嘛|做什么|有什么用|什么用|用来|用途|安全|泄露|一定要|必须|非要|非得|可以不|能不")
_WITHOUT = re.compile(r"(不填|不给|不提供|不用|没有).{0,6}(可以|行|能)吗")
_ID_WORDS = re.compile(r"身份证|证件号")


def asks_why_id(text: str) -> bool:
    """A question about why the ID number is needed or whether it can be left out."""
    text = text or ""
    return bool(_ID_WORDS.search(text) and (_WHY.search(text) or _WITHOUT.search(text)))


def reads_as_question(text: str) -> bool:
    """A question word, cue or mark (有没有, 多少, 怎么, ？) anywhere in the message."""
    return load_lexicon().asks(text or "")


def longer_than_a_name(text: str) -> bool:
    """More Chinese characters than any name written without a "·" (欧阳娜娜 is four)."""
    han = re.findall(r"[\u4e00-\u9fff]", text or "")
    return "·" not in text and "•" not in text and len(han) > 5


def is_acknowledgement(text: str) -> bool:
    return bool(_ACKNOWLEDGEMENT.match((text or "").strip()))


def says_a_correction(text: str) -> bool:
    """错, 改, 不对, 应该是: the message corrects something said before."""
    return bool(_CORRECTION.search(text or ""))


def correction_named(text: str) -> Optional[str]:
    """The field a message corrects (电话填错了, 学历改成博士, 我是今年毕业的，年份写错了), or None."""
    return field_named_in(text) if says_a_correction(text) else None


def value_in_correction(text: str, slot: str) -> Optional[FieldResult]:
    """The new value a correction states, parsed for ``slot`` (学校写错了，是长春理工 → 长春理工;
    学历改成博士 → 博士研究生), or None when it states none (电话填错了). A phone number or year
    stated wrongly comes back refused, with its reason."""
    if slot not in PARSERS:
        return None
    if slot in FREE_TEXT:
        match = _VALUE_AFTER.search(text or "")
        value = match.group(1).strip(" 。.!！,，") if match else ""
        if not value or _CORRECTION.search(value) or field_named_in(value):
            return None
    else:
        value = text or ""
        for word, named in FIELD_WORDS:
            if named == slot:
                value = value.replace(word, " ")
    result = PARSERS[slot](value)
    stated = result.ok or (slot in (PHONE, GRAD_YEAR) and re.search(r"\d", value))
    return result if stated else None


def shown(slot: str, value: object) -> str:
    """A field's value as echoed to the graduate."""
    return str(value).replace(",", "、") if slot == HARDSHIP else str(value)


def required_fields(consent: Optional[bool], intention: Optional[str]) -> List[str]:
    """The slots still relevant: nothing after a refusal of consent; wanted job/industry/region
    only for job seekers (就业), industry and region for founders (创业)."""
    if consent is False:
        return []
    fields = [NAME, CONSENT, ID, PHONE, SCHOOL, MAJOR, EDUCATION, GRAD_YEAR, HUKOU_CITY, CITY, INTENTION]
    if intention == "就业":
        fields += [WANTED_JOB, WANTED_INDUSTRY, WANTED_REGION]
    elif intention == "创业":
        fields += [WANTED_INDUSTRY, WANTED_REGION]
    return fields + [HARDSHIP, CONFIRM]


def summary_lines(slots: Dict[str, object]) -> List[str]:
    """Lines of the confirmation summary; the ID only in its masked form."""
    intention = slots.get(INTENTION)
    lines = [f"姓名：{slots.get(NAME)}", f"身份证号：{slots.get(ID_MASKED)}", f"手机号：{slots.get(PHONE)}",
             f"毕业院校：{slots.get(SCHOOL)}", f"专业：{slots.get(MAJOR)}", f"学历：{slots.get(EDUCATION)}",
             f"毕业年份：{slots.get(GRAD_YEAR)}", f"户籍所在城市：{_place(slots, HUKOU_CITY, HUKOU_PROVINCE)}",
             f"现居住城市：{_place(slots, CITY, PROVINCE)}", f"就业意向：{intention}"]
    for slot in required_fields(True, str(intention))[11:-2]:
        lines.append(f"{LABELS[slot]}：{slots.get(slot)}")
    lines.append(f"困难类别：{str(slots.get(HARDSHIP) or '无').replace(',', '、')}")
    return lines


def _place(slots: Dict[str, object], city: str, province: str) -> str:
    name, prov = slots.get(city), slots.get(province)
    return f"{name}（{prov}省）" if prov and prov != name else str(name)


_NO = re.compile(r"不同意|不愿意|拒绝|不提供|不给|不要|不行|不可以|不想|算了|^不$|^否|^no\b", re.IGNORECASE)
_YES = re.compile(r"同意|可以|好的|^好|^行|没问题|愿意|^是|^嗯|^对|^确认|^确定|^ok|^yes", re.IGNORECASE)


# A whole message that is nothing but a yes or a no (可以, 行吧, 不同意。): the answer to a yes-no
# question of the form, whatever intent the classifier heard in it (算了 and 不要 are left to the
# cancel rules).
_BARE_YES_NO = re.compile(
    r"^(?:同意|可以|好的?|行|没问题|愿意|是的?|嗯+|对|确认|确定|ok|okay|yes"
    r"|不同意|不愿意|不行|不可以|不|否|no)"
    r"[的啊呀吧哦呢了滴嘞]?[\s。.!！~～,，]*$", re.IGNORECASE)


def is_bare_yes_no(text: str) -> bool:
    return bool(_BARE_YES_NO.match((text or "").strip()))


def parse_yes_no(text: str, intent: str = "") -> Optional[bool]:
    """True / False for a yes-no answer (intent first, then words), None when it is neither."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    text = (text or "").strip()
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None
