"""Deterministic parsing of places and figures in questions."""
from __future__ import annotations

import pytest

from actions.numbers import parse_details, parse_number
from policies_kb.regions import find_in_text, lookup, resolve


@pytest.mark.parametrize("text,value", [("两", 2), ("十一", 11), ("二十", 20), ("一百二十", 120), ("3", 3), ("2.5", 2.5)])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_parse_number_rejects_words():
    assert parse_number("几个") is None and parse_number("") is None


@pytest.mark.parametrize("text,partners", [
    ("在吉林两个人合伙创业能贷多少", 2), ("我们11个人合伙开公司", 11), ("合伙人有五个", 5),
    ("三个人一起创业贷款上限", 3), ("十一个人一起创业", 11), ("我一个人创业", None),
    ("五个吉林的大学毕业生合伙开店", 5),
])
def test_partners(text, partners):
    assert parse_details(text).partners == partners


def test_other_details():
    d = parse_details("我23岁，毕业三年了，获得过市级荣誉，想贷15万")
    assert (d.age, d.years_since_graduation, d.amount_wan) == (23, 3, 15)
    assert parse_details("应届毕业生").years_since_graduation == 0
    # how long since leaving, said with 快 / 都 / 将近 between: still that many years
    assert parse_details("孩子毕业快三年了一直在家").years_since_graduation == 3
    assert parse_details("离校都两年了").years_since_graduation == 2
    assert parse_details("毕业将近3年").years_since_graduation == 3


@pytest.mark.parametrize("text,province,name", [
    ("吉林大学毕业想回江西创业能贷多少", "江西", "江西"),
    ("我在吉林市找工作", "吉林", "吉林市"),
    ("吉安的见习补贴", "江西", "吉安"),
    ("延边州有什么政策", "吉林", "延边"),
    ("长春理工大学的学生在南昌创业", "江西", "南昌"),
    # where someone studied is not where they ask, when another place is named
    ("老表 我江西人 在湖南读的大学 毕业了冇找到工作 啥时候会被纳进那个实名信息数据库", "江西", "江西"),
    ("我在吉林上的学，想回江西创业", "江西", "江西"),
    ("江西人在吉林读书，吉林的见习补贴多少", "吉林", "吉林"),
])
def test_regions_found(text, province, name):
    region = resolve([], text)
    assert (region.province, region.name) == (province, name)


def test_university_is_not_a_region_even_if_tagged():
    assert resolve(["吉林"], "吉林大学毕业生能贷多少") is None
    assert find_in_text("江西财经大学和东北师范大学") == []


def test_uncovered_places():
    assert lookup("广东省").covered is False
    assert resolve(["上海"], "上海的创业补贴").province is None
    assert resolve([], "在湖南读的大学 能贷多少").province is None  # the only place named
    assert resolve([], "我是吉林人，在内蒙古读的大学，内蒙古的贷款能贷多少").name == "内蒙古"


def test_entity_preferred_among_several_places():
    assert resolve(["长春"], "我是吉安人，在长春工作").name == "长春"


def test_province_followed_by_daxuesheng_is_the_province():
    assert resolve([], "江西大学生创业担保贷款能贷多少").province == "江西"
    assert resolve([], "吉林大学生见习补贴").province == "吉林"
    assert resolve([], "吉林大学毕业生") is None


def test_a_city_wins_over_its_own_province():
    # 吉林…松原: the city row is asked for; the city carries the province
    assert resolve(["吉林"], "吉林2022年见习万岗计划里 松原组织见习人员指标是多少人").name == "松原"
    assert resolve([], "吉林省长春市的见习补贴").name == "长春"
    # places of two provinces: the last named, where the asker does what is asked about (a loan
    # for a business in 长春 is Jilin's)
    assert resolve([], "江西人在长春创业").name == "长春"


def test_places_of_different_provinces_the_last_named_is_asked_about():
    """The question comes last: 吉林人 who studied in 内蒙古 asking about 内蒙古's loan is asking about
    内蒙古 (not covered), and a mother telling of 南昌 and 上海 before asking of 江西 asks of 江西."""
    assert resolve([], "我是吉林人，在内蒙古读的大学，内蒙古的创业担保贷款能贷多少").province is None
    assert resolve([], "闺女在南昌毕业，在上海干了两个月又回来了，江西这边合伙创业能贷多少").province == "江西"
    assert resolve([], "吉林的，松原那边见习补贴咋算").name == "松原"


def test_years_since_graduation_told_with_the_school_between():
    assert parse_details("三年前大学毕业一直没工作").years_since_graduation == 3
    assert parse_details("他是2016年本科毕业的，今年34了").years_since_graduation is None  # a year, not a span


def test_an_operator_saying_who_asks_is_no_request_for_a_person(kb):
    from actions.frame import parse_frame
    frame = parse_frame("坐席提问：来电人三年前大学毕业，能申请一次性创业补贴吗", kb.known_text)
    assert frame.asker == "operator" and (frame.attribute is None or frame.attribute.id != "contact")
    assert parse_frame("转坐席", kb.known_text).attribute.id == "contact"


def test_a_universitys_place_is_neither_where_nor_what_is_asked(kb):
    """吉林大学毕业生…: 吉林 inside the university's name is not a place named (the question is
    answered for both provinces and asked back), and the university is not what is asked about."""
    from actions.frame import parse_frame

    text = "吉林大学毕业生办的中小微企业，创业担保贷款最高能贷多少？"
    assert find_in_text(text) == [] and resolve([], text) is None
    assert "吉林大学" not in parse_frame(text, kb.known_text).content
