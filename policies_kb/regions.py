"""Place names: which province a city belongs to, and which places we do not cover.

Region resolution is deterministic on purpose: DIET happily tags the 吉林 in 吉林大学 as a
place, so entity values are checked here and university names are masked before matching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

COVERED: Dict[str, List[str]] = {
    "吉林": ["长春", "吉林市", "四平", "辽源", "通化", "白山", "白城", "松原", "延边", "长白山", "梅河口",
           "公主岭", "珲春", "延吉", "敦化", "集安", "临江", "扶余", "洮南", "大安", "双辽", "磐石", "桦甸",
           "蛟河", "舒兰", "榆树", "德惠", "图们", "龙井", "和龙"],
    "江西": ["南昌", "九江", "赣州", "吉安", "宜春", "抚州", "上饶", "景德镇", "萍乡", "新余", "鹰潭", "赣江新区",
           "井冈山", "瑞金", "庐山", "共青城", "瑞昌", "丰城", "樟树", "高安", "贵溪", "德兴", "乐平", "南康",
           "龙南", "赣江"],
}

# Provinces and large cities outside our coverage: a question about them gets "not covered".
UNCOVERED = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "内蒙古", "辽宁", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆", "香港", "澳门", "台湾", "深圳", "广州", "杭州", "南京", "苏州", "武汉", "成都",
    "西安", "沈阳", "大连", "哈尔滨", "长沙", "郑州", "济南", "青岛", "厦门", "福州", "合肥", "昆明",
    "贵阳", "南宁", "石家庄", "太原", "呼和浩特", "兰州", "乌鲁木齐", "拉萨", "西宁", "银川", "海口",
    "宁波", "无锡", "东莞", "佛山", "珠海", "温州",
]

# A place name directly followed by these is an institution, not where the graduate applies.
_INSTITUTION = re.compile(
    r"^(?!省大学)(省|市)?(师范|农业|财经|理工|工业|工程|医科|医药|中医药|科技|建筑|交通|警察|体育|艺术|外国语|工商|"
    r"化工|电力|动画|职业|航空|信息|水利|司法|林业|农业工程|应用|科技职业)?(大学|学院|学校|职业技术学院)(?!生)"
)  # "(?!生)": 江西大学生 is a student in 江西, not 江西大学; 吉林省大学毕业生 is a graduate in 吉林

_CITY_TO_PROVINCE = {city: prov for prov, cities in COVERED.items() for city in cities}
_NAMES = sorted(list(COVERED) + list(_CITY_TO_PROVINCE) + UNCOVERED, key=len, reverse=True)
_SCAN = re.compile("|".join(map(re.escape, _NAMES)))


def place_names() -> Tuple[str, ...]:
    """Every place name this module knows, covered or not."""
    return tuple(_NAMES)


@dataclass(frozen=True)
class Region:
    """A resolved place: ``province`` is 吉林/江西, or None with ``covered`` False."""

    name: str
    province: Optional[str]

    @property
    def covered(self) -> bool:
        return self.province is not None


def normalise(name: str) -> str:
    """Strip administrative suffixes (吉林省 → 吉林, 延边州 → 延边, 长春市 → 长春) but keep 吉林市."""
    name = name.strip()
    if name in ("吉林市",):
        return name
    for suffix in ("朝鲜族自治州", "自治区", "特别行政区", "省", "市", "州", "地区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def lookup(name: str) -> Optional[Region]:
    """The region a single place name denotes, or None if it is not a place we know."""
    key = normalise(name)
    if key in COVERED:
        return Region(key, key)
    if key in _CITY_TO_PROVINCE:
        return Region(key, _CITY_TO_PROVINCE[key])
    if key in UNCOVERED:
        return Region(key, None)
    return None


# A place followed by these is where someone studied (在湖南读的大学, 在吉林上的学), not where the
# question is asked, when the message names another place too (我江西人 在湖南读的大学).
_STUDIED_THERE = re.compile(r"^(省|市)?(读|上|念)(的|了|过)?(大学|书|学|大专|研究生|本科|专科)")


def find_in_text(text: str) -> List[Region]:
    """Places named in free text, in order, skipping those that are part of a university name."""
    found: List[Region] = []
    for match in _SCAN.finditer(text or ""):
        if _INSTITUTION.match(text[match.end():]):
            continue
        name = match.group(0)
        # "吉林市" is the city; "吉林" followed by anything else is the province.
        if name == "吉林" and text[match.end(): match.end() + 1] == "市":
            name = "吉林市"
        region = lookup(name)
        if region is not None:
            found.append(region)
    return found


def resolve(entity_values: Iterable[str], text: str) -> Optional[Region]:
    """The place a message is about. Only places actually named in the text outside university
    names count, and a place said only as where someone studied counts when no other is named;
    a city wins over its own province; places of different provinces: the last one
    named (我是吉林人，在内蒙古读的大学…内蒙古的贷款能贷多少: the question comes last, where it is
    asked); among several of one province, the one the NLU tagged as the region entity wins."""
    in_text = find_in_text(text)
    mentions = [(m.group(0), bool(_STUDIED_THERE.match(text[m.end():]))) for m in _SCAN.finditer(text or "")]
    studied = {name for name, there in mentions if there} - {name for name, there in mentions if not there}
    elsewhere = [r for r in in_text if r.name not in studied]
    if studied and elsewhere and len(elsewhere) < len(in_text):  # 我江西人 在湖南读的大学: 江西
        in_text = elsewhere
    if len({r.province or r.name for r in in_text}) > 1:
        last = in_text[-1]
        in_text = [r for r in in_text if (r.province or r.name) == (last.province or last.name)]
    # 吉林…松原: the city says more than its own province, which it carries.
    cities_of = {r.province for r in in_text if r.name != r.province}
    in_text = [r for r in in_text if r.name != r.province or r.province not in cities_of]
    tagged = {r.name for r in (lookup(v) for v in entity_values) if r is not None}
    for region in in_text:
        if region.name in tagged:
            return region
    return in_text[0] if in_text else None
