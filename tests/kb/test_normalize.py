"""Normalisation before NLU: traditional characters, dialect spellings, typos of policy terms."""
from __future__ import annotations

import pytest

from policies_kb.normalize import TypoRepairer, normalize, policy_vocabulary


@pytest.mark.parametrize("raw, expected", [
    ("吉林创业担宝贷款咋申请", "吉林创业担保贷款怎么申请"),
    ("见习补帖多少", "见习补贴多少"),
    ("毕业生档按放哪", "毕业生档案放哪"),
    ("創業貸款能貸多少", "创业贷款能贷多少"),
    ("木有工作咋整", "没有工作怎么办"),
    ("社宝补贴", "社保补贴"),
    ("internship补贴多少", "见习补贴多少"),
    ("人社会给提供什么服务", "人社部门会给提供什么服务"),  # 人社|会, not 人|社会
    ("法院文职招几个 检查院呢", "法院文职招几个 检察院呢"),  # a fact's keyword of three characters
    ("嘛是两员一师啊", "什么是两员一师啊"),
    ("俺家娃想考公务元", "我家孩子想考公务员"),  # 考公 is a term, but 公务元 → 公务员 reaches further
    ("东北师范大学毕业 想考延边州的事业编", "东北师范大学毕业 想考延边州的事业编"),  # 考延|边 is not 考研: 延边 is a place
    ("我想考延吉的公务员", "我想考延吉的公务员"),
    ("俩人和伙创业", "俩人合伙创业"),  # 创业 ends where the window ends: nothing is broken
    ("jl大学生创业dk最多多少", "吉林大学生创业贷款最多多少"),  # a province's pinyin initials
    ("创业担保代款个人上线是多少", "创业担保贷款个人上限是多少"),  # 上线 is a word: a listed homophone
    ("woyao dengji", "我要 登记"),  # a message typed in pinyin: the lexicon's `spoken` words too
    ("chexiao dengji", "撤销 登记"),
    ("cha yi xia deng ji", "查一下 登记"),
])
def test_everyday_spellings_become_policy_terms(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("text", [
    "我们单位带宽不够",      # 带宽 sounds like 贷款 but is a word of its own
    "三支一扶什么时候报名",  # a known term is kept whole, its tail is not "repaired"
    "江西省南昌市",
    "张三 13912345678",
    "个人社会保险怎么交",    # 人社会 inside 个人社会保险 stays
])
def test_real_words_are_left_alone(text):
    assert normalize(text) == text


def test_full_width_and_control_characters():
    assert normalize("ＡＢＣ１２３\u200b 创业") == "ABC123 创业"


def test_repair_needs_the_same_pinyin_and_one_character_in_common():
    repairer = TypoRepairer(["档案", "补贴"])
    assert repairer.repair("档按") == "档案"
    assert repairer.repair("当案") == "档案"
    assert repairer.repair("堂按") == "堂按"  # two characters differ: not a typo of 档案


def test_vocabulary_has_policy_terms_only():
    vocabulary = policy_vocabulary(["担保贷款", "x", "补贴"])
    assert "担保贷款" in vocabulary and "补贴" in vocabulary and "x" not in vocabulary


def test_pinyin_spelt_in_latin_letters_becomes_the_policy_term():
    assert normalize("吉林 danbao daikuan 多少") == "吉林 担保 贷款 多少"
    assert normalize("江西jianxi补贴") == "江西见习补贴"
    assert normalize("hello world 创业") == "hello world 创业"  # English stays English


def test_a_message_typed_in_pinyin_is_read_word_by_word():
    """Whole questions in pinyin: places and question words are read too, syllables typed apart
    are joined into the word they spell, and English in a Chinese question stays English."""
    assert normalize("jilin daxuesheng chuangye danbao daikuan zuigao neng dai duoshao qian") == (
        "吉林 大学生 创业 担保贷款 最高 能 贷 多少 钱")
    assert normalize("吉林 jiu ye jian xi 对象要离校几年内的") == "吉林 就业见习 对象要离校几年内的"
    assert normalize("yanbian 22年 jianxi gangwei zhibiao 多少个") == "延边 22年 见习岗位 指标 多少个"
    assert normalize("吉林 大学生开的中小微qiye 创业贷款") == "吉林 大学生开的中小微企业 创业贷款"
    assert normalize("I want to know about the loan") == "I want to know about the 贷款"
    assert normalize("在 Telegram 上问 App 里能办吗") == "在 Telegram 上问 App 里能办吗"


def test_a_colloquial_noun_suffix_keeps_the_head_and_a_few_hired_is_no_result_asked():
    """厂子 is a 厂 (a business, covered where the documents speak of 企业), 店儿 a 店; 孩子 stays a
    person. 我们厂子在吉林 招了几个应届的 tells what was done: no result of 招 is asked, while
    去年招了几个人 asks one."""
    from policies_kb.lexicon import load_lexicon

    lexicon = load_lexicon()
    assert lexicon.kind_of("厂子") == lexicon.kind_of("工厂") and "企业" in lexicon.kind_of("店儿")
    assert lexicon.kind_of("孩子") == ()
    assert not lexicon.asks_results("我们厂子在吉林 招了几个应届的 社保能补不")
    assert lexicon.asks_results("去年招了几个人")
