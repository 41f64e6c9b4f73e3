"""GB 11643 ID-number rules and mainland mobile numbers, each with its specific reason."""
from __future__ import annotations

import datetime as dt

import pytest

from registry import idcard, phone
from tests.registry.helpers import make_id

TODAY = dt.date(2024, 7, 1)


def test_reference_example_check_character():
    # GB 11643 worked example from the notes: valid check character (but too old to register)
    assert idcard.check_character("11010519491231002") == "X"
    assert idcard.validate("11010519491231002X", TODAY).code == "age"


@pytest.mark.parametrize("raw", [make_id(), make_id(area="360102", birth="19990708", seq="457"),
                                 " 220102 20010315 123" + make_id()[-1]])
def test_valid_numbers(raw):
    check = idcard.validate(raw, TODAY)
    assert check.ok and len(check.number) == 18


def test_lower_case_x_is_accepted():
    number = next(make_id(seq=f"{n:03d}") for n in range(1000) if make_id(seq=f"{n:03d}").endswith("X"))
    assert idcard.validate(number.lower(), TODAY).ok


@pytest.mark.parametrize("raw,code,fragment", [
    ("22010220010315123", "length", "18位，您输入的是17位"),
    ("2201022001031512345", "length", "您输入的是19位"),
    ("220102200103151", "old_15", "15位"),
    ("22010220010315A23X", "characters", "前17位应为数字"),
    ("990102200103151234", "area", "地区码"),
    (make_id(birth="20010230"), "birth_date", "2001年02月30日"),
    (make_id(birth="20300101"), "birth_date", "晚于今天"),
    (make_id(birth="19500101"), "age", "74岁"),
    (make_id(birth="20150101"), "age", "9岁"),
])
def test_each_rule_has_its_reason(raw, code, fragment):
    check = idcard.validate(raw, TODAY)
    assert not check.ok and check.code == code and fragment in check.reason


def test_wrong_check_character():
    good = make_id()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    check = idcard.validate(bad, TODAY)
    assert check.code == "check_char" and "校验码" in check.reason


def test_mask():
    assert idcard.mask("22010220010315123X") == "2201**********123X"


@pytest.mark.parametrize("raw,expected", [("13912345678", "13912345678"), ("+86 139-1234-5678", "13912345678"),
                                          ("8613912345678", "13912345678")])
def test_valid_mobiles(raw, expected):
    assert phone.validate(raw).number == expected


@pytest.mark.parametrize("raw,fragment", [("1391234567", "10位"), ("12912345678", "13–19开头"),
                                          ("0431-8888888", "11位"), ("1391234567a", "只能包含数字")])
def test_invalid_mobiles(raw, fragment):
    check = phone.validate(raw)
    assert not check.ok and fragment in check.reason


def test_mobile_in_free_text():
    assert phone.find_in_text("手机号改成13800138000吧") == "13800138000"
    assert phone.find_in_text("身份证22010220010315123X") == ""
