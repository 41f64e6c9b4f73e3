"""Forgiving answers (issue 14), as pure functions: every way of writing a year, a phone, an
education level, a place or "none" is normalised; corrections carry their new value."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from actions import registration_fields as f
from policies_kb import regions
from registry import places

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize("text, year", [
    ("今年", 2025), ("去年毕业的", 2024), ("前年", 2023), ("大前年", 2022), ("两年前毕业", 2023), ("明年毕业", 2026),
    ("22届", 2022), ("2022届", 2022), ("二〇二二年", 2022), ("二零二三年毕业", 2023), ("2024", 2024), ("23年", 2023),
])
def test_years_in_every_form(text, year):
    assert f.parse_grad_year(text, TODAY).value == year


def test_years_out_of_range_or_missing_say_what_to_type():
    assert "例如“2025”" in f.parse_grad_year("2005", TODAY).reason
    assert "去年" in f.parse_grad_year("记不清", TODAY).reason


@pytest.mark.parametrize("text", ["+86 139-1234-5678", "139 1234 5678", "139-1234-5678", "１３９１２３４５６７８",
                                  "8613912345678", "我的手机号是 139 1234 5678"])
def test_phones_in_every_form(text):
    assert f.parse_phone(text).value == "13912345678"


@pytest.mark.parametrize("text, level", [
    ("大专", "专科"), ("高职", "专科"), ("研究生", "硕士研究生"), ("硕士", "硕士研究生"), ("硕士研究生毕业", "硕士研究生"),
    ("博士", "博士研究生"), ("全日制本科", "本科"), ("专升本", "本科"), ("中专", "中专/技校"),
])
def test_education_in_every_form(text, level):
    assert f.parse_education(text).value == level


@pytest.mark.parametrize("text, city, province, named", [
    ("长春", "长春", "吉林", None), ("长春市", "长春", "吉林", None), ("吉林省长春市", "长春", "吉林", None),
    ("吉林市", "吉林市", "吉林", None), ("赣州市", "赣州", "江西", None), ("江西赣州", "赣州", "江西", None),
    ("公主岭", "长春", "吉林", "公主岭市"), ("德惠市", "长春", "吉林", "德惠市"), ("农安县", "长春", "吉林", "农安县"),
    ("延吉", "延边", "吉林", "延吉市"), ("瑞金", "赣州", "江西", "瑞金市"), ("樟树", "宜春", "江西", "樟树市"),
    ("南康", "赣州", "江西", "南康区"), ("长春市朝阳区", "长春", "吉林", "朝阳区"),
    ("北京市朝阳区", "北京", "北京", None), ("梅河口", "梅河口", "吉林", None), ("深圳", "深圳", "广东", None),
])
def test_places_with_or_without_suffix_county_level_under_their_prefecture(text, city, province, named):
    result = f.parse_city(text)
    assert (result.value, result.derived["province"], result.derived.get("named")) == (city, province, named)


def test_a_district_name_alone_is_not_taken_for_ours():
    assert places.find_county("朝阳区") is None and places.find_county("杭州西湖区") is None


def test_every_prefecture_in_the_county_map_is_a_place_of_its_province():
    data = yaml.safe_load(places.DATA.read_text(encoding="utf-8"))
    for province, prefectures in data.items():
        assert regions.lookup(province).province == province
        for prefecture, counties in prefectures.items():
            assert regions.lookup(prefecture) == regions.Region(prefecture, province), prefecture
            assert len(set(counties)) == len(counties)


@pytest.mark.parametrize("text", ["都不是", "没有", "无", "以上都不是", "都没有", "不属于"])
def test_no_hardship_in_every_form(text):
    assert f.parse_hardship(text).value == "无"


@pytest.mark.parametrize("text, ack", [("好的", True), ("嗯", True), ("谢谢", True), ("好的，谢谢", True), ("OK", True),
                                       ("长春理工大学", False), ("没有", False), ("都可以", False)])
def test_acknowledgements(text, ack):
    assert f.is_acknowledgement(text) is ack


@pytest.mark.parametrize("text, slot, value", [
    ("学校写错了，是长春理工", f.SCHOOL, "长春理工"),
    ("学历改成博士", f.EDUCATION, "博士研究生"),
    ("毕业年份不对，应该是22届", f.GRAD_YEAR, 2022),
    ("把意向改成创业", f.INTENTION, "创业"),
    ("等一下，电话填错了，是159 1234 5679", f.PHONE, "15912345679"),
    ("户籍写错了，是公主岭", f.HUKOU_CITY, "长春"),
    ("名字打错了，应该是王小芳", f.NAME, "王小芳"),
    ("电话填错了", f.PHONE, None),
    ("就业意向改一下", f.INTENTION, None),
    ("学校是不是写错了", f.SCHOOL, None),
])
def test_corrections_name_the_field_and_carry_the_new_value(text, slot, value):
    assert f.correction_named(text) == slot
    result = f.value_in_correction(text, slot)
    assert (result.value if result else None) == value


def test_a_wrong_new_phone_comes_back_with_its_reason():
    result = f.value_in_correction("手机号改成1380013800", f.PHONE)
    assert not result.ok and "11位" in result.reason
