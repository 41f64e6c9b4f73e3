"""The question frame (attribute, numbers, content words), coverage and the rule engine."""
from __future__ import annotations

import pytest

from actions import answering, rules
from actions.frame import coverage, covers, parse_frame
from actions.numbers import parse_details
from policies_kb.lexicon import load_lexicon
from policies_kb.regions import Region, lookup

JILIN = Region("吉林", "吉林")
JIANGXI = Region("江西", "江西")


@pytest.mark.parametrize("text, partners", [
    ("我跟室友俩人在长春合伙开店", 2),
    ("我们五个一起干", 5),
    ("九个人在长春合伙创业", 9),
    ("我和两个同学合伙", 3),
    ("那五个人呢", 5),
    ("一个人创业能贷多少", None),
    ("我们仨在吉林合伙创业", 3),
    ("吉林俩同学合伙开公司", 2),
    ("8 people partnership in Jilin", 8),
    ("我自己其实想和两个朋友一起搞个小加工厂", 3),  # the asker and the two friends
    ("招了3个20岁的失业青年见习", None),
    ("他们一共4个人 加一块能贷多少", 4),  # a follow-up counting the group asked about
    ("一共招了4个人", None),
    ("总共5个人见习", None),
])
def test_people_in_a_partnership(text, partners):
    assert parse_details(text).partners == partners


def test_figures_for_the_rules():
    d = parse_details("我们公司招了10个见习生 期满留了6个 都签了两年合同")
    assert (d.interns, d.retained, d.contract_years, d.enterprise) == (10, 6, 2.0, True)
    assert parse_details("只签了半年劳动合同").contract_years == 0.5
    assert parse_details("每月房租5000 每个月能补多少").monthly_cost_yuan == 5000
    assert parse_details("每月费用一万五").monthly_cost_yuan == 15000
    assert parse_details("标准原本1500").base_amount_yuan == 1500
    assert parse_details("能批300万不").amount_wan == 300


@pytest.mark.parametrize("text, attribute", [
    ("吉林创业贷款能贷50万吗", "yes_no_amount"),
    ("见习补贴怎么定的", "standard"),
    ("要补多久", "duration"),
    ("三支一扶什么时候报名", "deadline"),
    ("公务员计划招录多少人", "quota"),
    ("档案去哪托管", "procedure"),
    ("有没有人工咨询电话", "contact"),
    ("哪个市排第一", "ranking"),
    ("市州多久往省厅报一次", "frequency"),  # how often, with words between 多久 and 一次
    ("各个市州多长时间办一回招聘会", "frequency"),
    ("人社那边多少天之内给审核意见", "duration"),
    # The question's last cue phrase says what is asked; a bare 多少 takes the cue before it.
    ("江西几个人合伙搞创业，担保贷款最多多少", "amount"),
    ("吉林创业担保贷款的年利率具体是多少", "rate"),
    ("吉林见习年龄有限制吗", "age"),
    ("见习计划服务专区网址是啥", "website"),
])
def test_attribute_asked(kb, text, attribute):
    assert parse_frame(text, kb.known_text).attribute.id == attribute


def test_asker_and_content_words(kb):
    frame = parse_frame("我们单位招了应届生，人才公寓怎么申请", kb.known_text)
    assert frame.asker == "employer"
    assert "公寓" in frame.content and "单位" not in frame.content
    assert parse_frame("那江西呢", kb.known_text).bare
    assert parse_frame("五个人呢", kb.known_text).bare


@pytest.mark.parametrize("text, kept, dropped", [
    ("俺们屯的娃大学毕业回来没活干 吉林能给安排个公益岗不", ["公益岗"], ["回来", "安排", "没活干"]),
    ("吉林见习申请交上去了多久能审下来啊急急急", ["见习"], ["交上去", "急急"]),
    ("公司拖欠我两个月工资不发 怎么讨回来", ["拖欠"], ["回来", "讨"]),
    ("吉林失业保险金一个月能领多少", ["失业保险金"], ["失业保险", "能领"]),
    ("那贴息呢", ["贴息"], []),
    ("我们是吉林的国企，按要求招满应届生了，政策上有啥好处", ["国企"], ["招满", "上有"]),
    ("招了个19岁没上过大学的失业小伙来见习，单位补多少", ["失业", "见习"], ["没上", "小伙"]),
    # a word inside a cue that the documents never use frames the question (多大岁数 asks an age)
    ("多大岁数以内的能参加啊 俺都33了", [], ["岁数"]),
    ("吉林那个就业见习他够岁数不", ["就业见习"], ["岁数"]),
])
def test_content_words_are_what_a_question_names_not_how_it_is_said(kb, text, kept, dropped):
    """Everyday verbs, adjectives and idioms frame a question; policy terms, rare verbs and nouns
    name its subject; a one-character noun head finishes the word before it."""
    content = parse_frame(text, kb.known_text).content
    assert all(w in content for w in kept), content
    assert not any(w in content for w in dropped), content


def test_abbreviations_are_covered_by_their_full_form():
    assert covers("通过公益性岗位托底安置", "公益岗")
    assert covers("纳入实名信息数据库", "实名库")
    assert covers("国有企业招聘高校毕业生", "国企")
    assert not covers("人才编制池", "公寓") and not covers("创业担保贷款", "人才房")
    assert covers("按要求招聘应届高校毕业生的国有企业", "省属国企")  # a kind of 国企: its head is covered
    assert not covers("继续发放失业补助金", "失业保险金") and not covers("就业补助资金", "见习补贴")


def test_context_before_the_asking_clause_cannot_make_a_question_uncovered(kb):
    frame = parse_frame("我闺女念完大学，想回抚州开个工作室，她一个人能贷多少创业担保贷款", kb.known_text)
    assert "工作室" in frame.content and frame.asked == ("创业担保贷款",)
    answer = answering.topic_answer(kb, "loan", frame.text, lookup("抚州"), frame)
    assert answer.kind == "policy" and "30万" in answer.text


def test_a_story_told_before_what_is_asked_about_cannot_make_it_uncovered(kb):
    """The asking clause names nothing; the clause before it names the loan; the words further back
    that the documents never use are a story. Words they do use (离校) still count."""
    text = "俺是长春一个大专毕业的 寻思回屯里整个养殖场 听说有那个创业担保贷款 一个人最多能贷多少钱啊"
    frame = parse_frame(text, kb.known_text)
    assert {"寻思", "屯里", "养殖场"} <= set(frame.story) and "创业担保贷款" not in frame.story
    answer = answering.topic_answer(kb, "loan", frame.text, lookup("吉林"), frame)
    assert answer.kind == "policy" and "20万" in answer.text
    kept = parse_frame("俺娃在吉林，离校一年了还没工作，想开个小店，有啥补贴不？", kb.known_text)
    assert "离校" not in kept.story
    # the story's own question is still declined: nothing before it names a covered subject
    declined = parse_frame("我想了解人才公寓 寻思去住 怎么申请", kb.known_text)
    assert answering.topic_coverage(kb, "loan", declined, "吉林") < answering.COVERAGE_MIN


def test_the_asking_clause_is_the_last_that_asks_with_or_without_an_attribute_cue(kb):
    frame = parse_frame("我们是吉林的一家餐馆，疫情影响挺大，社保费能缓一缓吗", kb.known_text)
    assert frame.asked == ("社保费",) and "餐馆" in frame.content


def test_a_kind_of_business_is_covered_where_businesses_are():
    """Head-final compounds: 工作室, 奶茶店 are kinds of business, covered by 企业/创业 text; a
    person described (小伙子) is not content at all; 人才公寓 has no class and stays uncovered."""
    lexicon = load_lexicon()
    assert coverage(["工作室"], "高校毕业生自主创业的可申请贷款") == 1.0
    assert coverage(["奶茶店"], "小微企业") == 1.0
    assert lexicon.kind_of("小伙子") == () and lexicon.kind_of("企业") is None
    assert coverage(["公寓"], "创办企业") == 0.0


def test_what_is_opened_with_a_classifier_is_a_business_founded(kb):
    """开个小卖部, 开了家诊所: whatever the business is called, opening one is founding a business
    (创业), so 想开个小卖部 能贷多少钱 is a loan question the documents cover, not a decline about
    小卖部. 开 also issues a paper (开个证明): that is left as it is."""
    lexicon = load_lexicon()
    for text in ("俺是公主岭的 刚毕业 想自己开个小卖部 能贷多少钱", "想开个养鸡场 能贷多少", "开了家诊所 有啥扶持"):
        frame = parse_frame(text, kb.known_text)
        assert frame.content == ("创业",), (text, frame.content)
        assert answering.topic_coverage(kb, "loan", frame, "吉林") == 1.0
    assert "证明" in parse_frame("开个证明要多久", kb.known_text).content
    assert lexicon.founded("开个", "在职证明") is None and lexicon.founded("想", "小卖部") is None
    answer = answering.topic_answer(kb, "loan", "想开个小卖部 能贷多少钱", JILIN, parse_frame("想开个小卖部 能贷多少钱", kb.known_text))
    assert answer.kind == "policy" and "20万" in answer.text


def test_coverage_is_by_words_with_person_suffixes_and_character_pairs():
    assert covers("参加就业见习的人员", "见习生")
    assert covers("西部志愿者计划招募200人", "西部计划")
    assert not covers("全国统一考试 国家", "国家线")
    assert coverage(["人才", "公寓"], "人才编制池") == 0.5
    assert coverage([], "anything") == 1.0


def test_partnership_rule_shows_its_working(kb):
    computed = rules.compute(kb.clauses_for("loan", "吉林"), parse_details("我们五个一起干"))
    assert computed.lines == ["5人合伙：5 × 22万 = 110万元，未超过合计上限220万元，最高可贷110万元。"]
    capped = rules.compute(kb.clauses_for("loan", "吉林"), parse_details("我们12个人合伙"))
    assert "超过合计上限220万元" in capped.lines[0] and "最高可贷220万元" in capped.lines[0]
    jiangxi = rules.compute(kb.clauses_for("loan", "江西"), parse_details("三个人合伙"))
    assert "200万元" in jiangxi.lines[0] and "未规定每人额度" in jiangxi.lines[0]


def test_yes_no_against_the_cap(kb):
    no = rules.compute(kb.clauses_for("loan", "吉林"), parse_details("能批300万不"))
    assert no.lines[0].startswith("不能") and "20万元" in no.lines[0]
    company = rules.compute(kb.clauses_for("loan", "江西"), parse_details("我们公司能贷500万吗"))
    assert company.lines[0].startswith("可以") and "600万元" in company.lines[0]


def test_share_of_monthly_costs_within_the_quarterly_cap(kb):
    computed = rules.compute(kb.clauses_for("incubation", "江西"), parse_details("每月房租5000"))
    text = "".join(computed.lines)
    assert "5000元 × 60% = 3000元" in text and "每季度可补9000元" in text
    capped = "".join(rules.compute(kb.clauses_for("incubation", "江西"), parse_details("每月费用8000")).lines)
    assert "1.44万元" in capped and "每季度可补1万元" in capped
    total = "".join(rules.compute(kb.clauses_for("incubation", "江西"), parse_details("加起来最多补多少")).lines)
    assert "累计最多12万元" in total
    # below the cap, the year and the term are the asker's own quarter, not the cap (2000 a month:
    # 3600 a quarter, 4.32万 over 3 years, not 12万)
    own = "".join(rules.compute(kb.clauses_for("incubation", "江西"), parse_details("每个月实际费用2000块，3年补满总共能拿多少")).lines)
    assert "每季度可补3600元" in own and "累计4.32万元" in own and "12万" not in own


def test_times_listed_in_one_sentence_are_summed_when_asked_together(kb):
    clause = next(c for c in kb.clauses_for("service_1311", "吉林") if "1次职业指导" in c.text)
    selected = [(clause, f) for f in clause.facts if "1次职业指导" in f.say]
    question = "1311×N服务加起来至少给提供几次"
    computed = rules.compute_on_selected(selected, parse_details(question), question)
    assert computed.lines == ["合计：1次职业指导 + 3次岗位推介 + 1次技能培训 + 1次就业见习机会 = 6次。"]
    assert not rules.compute_on_selected(selected, parse_details("1311×N是啥"), "1311×N是啥").lines


def test_retention_bonus_only_above_the_rate(kb):
    clauses = kb.clauses_for("internship", "吉林")
    paid = "".join(rules.compute(clauses, parse_details("招了10个见习生 留了6个")).lines)
    assert "6 ÷ 10 = 60%" in paid and "1.2万元" in paid
    refused = "".join(rules.compute(clauses, parse_details("招了10个见习生 留了3个")).lines)
    assert "不能" in refused and "2000" not in refused.split("不能")[1][:5]
    short = "".join(rules.compute(clauses, parse_details("只签了半年合同")).lines)
    assert short.startswith("不能")
    # who kept them may stand between the two counts
    few = "".join(rules.compute(clauses, parse_details("见习期满10个人我们只留了4个，能拿带教补贴吗")).lines)
    assert "4 ÷ 10 = 40%" in few and "不能" in few and "8000" not in few


def test_rules_name_facts_that_exist(kb):
    keys = {f.key for c in kb.clauses for f in c.facts}
    for rule in rules.load_rules():
        for name, value in rule.params.items():
            if name in ("cue", "about", "says", "op", "unless", "pattern", "kinds"):
                continue
            if name == "rows":
                assert any(k.startswith(f"{value}.") for k in keys), f"rule {rule.id}: no rows {value}.*"
                continue
            named = list(value) if isinstance(value, (list, dict)) else [value]
            for key in (k for k in named if isinstance(k, str) and "." in k):
                assert key in keys, f"rule {rule.id}: {name} names unknown fact {key}"


@pytest.mark.parametrize("question, expected", [
    ("吉林2022年公务员计划招5000多人，应届生至少要招多少", "5000 × 50% = 2500"),
    ("事业单位招的人里非应届的有多少", "17000 − 10000 = 7000"),
    ("三支一扶和特岗教师加起来招多少人", "三支一扶1000人 + 特岗3100人 = 4100人"),
    ("长春和四平的见习岗位指标一共多少个", "长春市4500个 + 四平市700个 = 5200个"),
    ("扩岗补助平均每人多少钱", "≈ 1500元"),
])
def test_figures_implied_by_two_stated_ones_are_computed_with_the_working(kb, question, expected):
    topic = kb.topic_for_intent("ask_results_2022").id if "扩岗" in question else None
    clauses = kb.clauses_for(topic, "吉林")
    computed = rules.compute(clauses, parse_frame(question, kb.known_text).details, question)
    assert any(expected in line for line in computed.lines), computed.lines


def test_a_sum_needs_two_named_items_and_a_total_asked(kb):
    clauses = kb.clauses_for(None, "吉林")
    for question in ("长春的见习岗位指标多少个", "三支一扶招多少人"):
        computed = rules.compute(clauses, parse_frame(question, kb.known_text).details, question)
        assert not any(line.startswith("合计") for line in computed.lines), (question, computed.lines)


@pytest.mark.parametrize("topic, question, region", [
    ("civil_service", "吉林毕业生有人才公寓可以申请吗", JILIN),
    ("grassroots", "江西三支一扶什么时候报名 要服务几年", JIANGXI),
    ("grassroots", "西部计划志愿者每月生活补贴多少", None),
    ("results_2022", "吉林2023年城镇新增就业目标是多少", JILIN),
    ("civil_service", "延边考公务员 会朝鲜语能加分吗", lookup("延边")),
    # A standard the documents only refer to, and a figure a fact says is not stated.
    ("internship", "长春现在的最低工资标准是多少", lookup("长春")),
    ("internship", "江西见习补贴每个月发多少", JIANGXI),
    ("civil_service", "吉林考公务员年龄上限多少岁", JILIN),
])
def test_questions_the_documents_do_not_answer_are_declined(kb, topic, question, region):
    answer = answering.topic_answer(kb, topic, question, region)
    assert answer.kind == "unknown" and not answer.citations
    assert "12333" in answer.text and "万" not in answer.text


def test_attribute_picks_the_fact_that_answers_it(kb):
    standard = answering.topic_answer(kb, "internship", "见习生补贴怎么定的", JILIN)
    assert "最低工资" in standard.text
    term = answering.topic_answer(kb, "loan", "贷款能贷几年", JILIN)
    assert "三年" in term.text


def test_a_contact_comes_from_the_document_asked_about(kb):
    answer = answering.topic_answer(kb, "service_1311", "吉林离校未就业毕业生服务攻坚行动的联系电话是多少", JILIN)
    assert "88691597" in answer.text
    assert "电话沟通" not in answer.text  # the word 电话 in a sentence is not a contact


def test_the_fact_that_answers_the_attribute_is_chosen(kb):
    who = answering.topic_answer(kb, "internship", "吉林的就业见习 哪些人可以参加", JILIN)
    assert "16—24岁" in who.text
    whole = answering.topic_answer(kb, "internship", "吉林全省计划组织多少人参加见习", JILIN)
    assert "5000人" in whole.text
    civil = answering.topic_answer(kb, "civil_service", "吉林今年公务员招多少人", JILIN)
    assert "公务员计划招录约5000余人" in civil.text


def test_an_over_cap_partnership_does_not_print_the_uncapped_product(kb):
    answer = answering.topic_answer(kb, "loan", "我们12个人在吉林合伙创业，一共能贷多少", JILIN)
    assert "220万" in answer.text and "264" not in answer.text
    no = answering.topic_answer(kb, "loan", "江西4个人合伙经营，每人想贷60万总共240万，能行吗", JIANGXI)
    assert no.text.split("\n")[1].startswith("· 不能")


def test_the_attribute_is_read_from_the_clause_that_asks(kb):
    """按要求招满了 is context: the question 有啥好处 asks what support there is, no 要求 (eligibility)."""
    frame = parse_frame("我们是吉林的国企，按要求招满应届生了，政策上有啥好处", kb.known_text)
    assert frame.attribute.id == "support"
    answer = answering.topic_answer(kb, "soe_jobs", frame.text, JILIN, frame)
    assert answer.kind == "policy" and "自主评审" in answer.text


def test_a_head_count_cue_does_not_hide_the_amount_asked(kb):
    frame = parse_frame("江西这边大学生合伙创业贷款最多能贷多少钱啊就是几个人一起的那种", kb.known_text)
    # 几个人一起 describes the partnership: no head count is asked, the amount is
    assert frame.attribute.id == "amount"
    answer = answering.topic_answer(kb, "loan", frame.text, JIANGXI, frame)
    assert "200万" in answer.text


def test_a_question_naming_only_its_subject_gets_the_main_facts_of_the_kind_asked(kb):
    """见习都招哪些人 names nothing but 见习: the main eligibility facts answer it; a figure is never
    guessed that way (the internship's length is not stated: declined, not a review period)."""
    who = answering.topic_answer(kb, "internship", "吉林见习都招哪些人", JILIN)
    assert who.kind == "policy" and "16—24岁" in who.text
    length = answering.topic_answer(kb, "internship", "吉林就业见习最长可以见习几个月", JILIN)
    assert length.kind == "unknown" and not length.citations


def test_percent_of_a_standard_the_asker_gives_for_what_the_question_is_about(kb):
    """A host's own living allowance: at least 60% of the minimum wage the asker names (the
    `about` pattern keeps the rule off questions about the subsidy itself)."""
    clauses = kb.clauses_for("internship", "吉林")
    question = "见习单位自己给见习生发生活补贴 当地最低工资1900的话 至少发多少"
    assert "1900元 × 60% = 1140元" in "".join(rules.compute(clauses, parse_details(question), question).lines)
    other = "当地最低工资1900的话 见习补贴给单位多少"
    subsidy = "".join(rules.compute(clauses, parse_details(other), other).lines)
    assert "1140" not in subsidy and "高校毕业生见习的，每人每月1900元" in subsidy  # the subsidy, not the allowance


def test_amounts_in_words_need_a_place_value_or_a_unit():
    assert parse_details("我们每个月房租物业水电一共5000块").monthly_cost_yuan == 5000
    assert parse_details("原来培训补贴1000元").base_amount_yuan == 1000
    assert parse_details("每月房租三千块").monthly_cost_yuan == 3000


@pytest.mark.parametrize("topic, province, question", [
    ("grassroots", "吉林", "吉林三支一扶今年啥时候报名 在哪报"),       # a text fact about 三支一扶 is no procedure
    ("training", "吉林", "吉林职业技能鉴定补贴一个证书补多少"),         # 21万人次 is a head count, not money
    ("training", "吉林", "吉林参加创业培训的培训补贴标准是多少钱一个人"),  # 按规定落实 states no standard
])
def test_evidence_must_show_the_attribute_asked(kb, topic, province, question):
    answer = answering.topic_answer(kb, topic, question, Region(province, province))
    assert answer.kind == "unknown" and not answer.citations, answer.text


def test_an_a_not_a_pair_asks(kb):
    frame = parse_frame("怎么办啊毕业俩年多了还没工作 吉林这边算不算就业困难的", kb.known_text)
    assert frame.attribute is None  # the asking clause is the last one, not 怎么办


@pytest.mark.parametrize("question", [
    "吉林给单位的就业见习补贴能用在哪些方面",
    "吉林的就业见习补贴是干啥用的，都包括哪些",   # the continuation names nothing: the clause before asks
    "吉林给见习单位的见习补贴 这钱是干嘛用的",
])
def test_what_money_is_for_is_its_own_attribute(kb, question):
    from policies_kb.normalize import normalize

    question = normalize(question)  # as the assistant reads it (啥 → 什么)
    frame = parse_frame(question, kb.known_text)
    assert frame.attribute.id == "purpose"
    answer = answering.topic_answer(kb, "internship", question, JILIN, frame)
    assert "基本生活费" in answer.text and "意外伤害保险" in answer.text


def test_two_questions_in_one_message_are_both_answered(kb):
    from policies_kb.normalize import normalize

    question = normalize("我儿子在白山，想自己创业，贷款能贷多少，利息有补贴吗")
    frame = parse_frame(question, kb.known_text)
    assert frame.other_questions == ("贷款能贷多少",)
    answer = answering.topic_answer(kb, "loan", question, JILIN, frame)
    assert "20万" in answer.text and "贴息" in answer.text


def test_a_clause_asking_an_attribute_of_its_own_is_another_question_on_the_same_subject(kb):
    """攻坚行动 啥时候搞 服务哪些人: 啥时候搞 names nothing, yet asks the action's time; both the
    period (7-12月) and the 对象 are answered."""
    from policies_kb.normalize import normalize

    question = normalize("吉林离校未就业毕业生服务攻坚行动 啥时候搞 服务哪些人")
    frame = parse_frame(question, kb.known_text)
    assert len(frame.other_questions) == 1 and "时候" in frame.other_questions[0]
    answer = answering.topic_answer(kb, "service_1311", question, JILIN, frame)
    assert "7-12月" in answer.text and "35岁以下" in answer.text


def test_a_standard_only_referred_to_is_no_evidence_of_coverage(kb):
    """试用期 is not in the documents; 最低工资 is only referred to (by the internship subsidy)."""
    answer = answering.topic_answer(kb, "internship", "试用期工资能低于最低工资吗", JILIN)
    assert answer.kind == "unknown" and not answer.citations
    kept = answering.topic_answer(kb, "internship", "吉林见习补贴是按最低工资标准发吗", JILIN)
    assert kept.kind == "policy" and "最低工资" in kept.text


@pytest.mark.parametrize("topic, question", [
    ("loan", "吉林大学生创业担保贷款申请要准备哪些材料？"),
    ("flexible_employment", "吉林跑网约车需要办哪些证"),
])
def test_papers_to_bring_are_asked_for_and_not_guessed(kb, topic, question):
    """The documents list no papers: the question is declined, not answered with a loan figure."""
    frame = parse_frame(question, kb.known_text)
    assert frame.attribute.id == "materials"
    answer = answering.topic_answer(kb, topic, question, JILIN, frame)
    assert answer.kind == "unknown" and not answer.citations


def test_an_internship_subsidy_is_computed_for_every_intern_taken_on(kb):
    """招了3个失业青年见习: 60% of the minimum wage the asker gives, times three; graduates get the
    minimum wage itself (按照当地最低工资标准给予), times two."""
    clauses = kb.clauses_for("internship", "吉林")
    def computed(question: str) -> str:
        return "".join(rules.compute(clauses, parse_details(question), question).lines)

    youth = computed("吉林招了3个20岁的失业青年见习，最低工资按1900算，单位每月见习补贴一共多少")
    assert "1900元 × 60% = 1140元" in youth and "1140元 × 3 = 3420元" in youth
    graduates = computed("招了2个离校一年的大学生见习，当地最低工资1880元，单位每月能拿多少见习补贴")
    assert "每人每月1880元" in graduates and "1880元 × 2 = 3760元" in graduates and "60%" not in graduates


def test_a_wage_before_the_internship_is_no_head_count_and_its_months_multiply(kb):
    """当地最低工资1880 见习6个月 (one graduate taken on): 1880元 a month for six months, never
    "1880人合计" — a figure with no counter before 见习 is not a number of interns."""
    clauses = kb.clauses_for("internship", "吉林")
    question = "吉林 我们单位招了个离校一年还没工作的大学生来见习 当地最低工资1880 见习6个月 单位一共能拿多少见习补贴"
    details = parse_details(question)
    assert (details.interns, details.intern_months) == (None, 6)
    lines = "".join(rules.compute(clauses, details, question).lines)
    assert "1880元 × 6 = 11280元" in lines and "1880人" not in lines
    three = "".join(rules.compute(clauses, parse_details("招了3个大学生见习 最低工资1880元 见习6个月 单位能拿多少见习补贴"),
                                  "招了3个大学生见习 最低工资1880元 见习6个月 单位能拿多少见习补贴").lines)
    assert "1880元 × 6 = 11280元" in three and "11280元 × 3 = 33840元" in three


def test_the_sum_an_asker_arrives_at_is_checked_against_the_cap_under_the_loan_topic(kb):
    """每人能贷22万，12个人就是264万，我们就按264万去准备材料，能批下来吗: 264万 is the amount asked, and
    the loan's rules compute it although 批下来 is a word of another topic's fact."""
    from actions.policy_actions import choose_topic

    text = ("我们是吉林一个大学生农业科技创业团队，现在合伙人一共12个。财务说合伙创业每人能贷22万，"
            "12个人就是264万，我们就按264万去准备材料了，想确认下这样能批下来吗？")
    frame = parse_frame(text, kb.known_text)
    assert frame.details.amount_wan == 264 and frame.details.partners == 12
    assert choose_topic(kb, "loan", frame, "吉林") == "loan"
    answer = answering.topic_answer(kb, "loan", text, JILIN, frame)
    assert answer.text.count("220万元") >= 2 and "不能" in answer.text


def test_the_word_the_intents_topic_leaves_out_picks_the_topic_about_it(kb):
    """我们是吉林的国企 按要求招了应届毕业生 有啥支持, heard as employer support: that topic holds
    应届毕业生 but not 国企, and the state-owned-enterprise topic has facts about 国企 and fits
    better, so it answers (职称自主评审权). A question the intent's topic holds whole keeps it."""
    from actions.policy_actions import choose_topic, topic_about_what_is_left_out

    text = "我们是吉林的国企 按要求招了应届毕业生 有啥支持"
    frame = parse_frame(text, kb.known_text)
    assert topic_about_what_is_left_out(kb, "employer_incentives", frame, "吉林") == "soe_jobs"
    assert choose_topic(kb, "employer_incentives", frame, "吉林") == "soe_jobs"
    assert "自主评审" in answering.topic_answer(kb, "soe_jobs", text, JILIN, frame).text
    held = parse_frame("吉林企业招用应届毕业生有啥补贴", kb.known_text)
    assert topic_about_what_is_left_out(kb, "employer_incentives", held, "吉林") is None


def test_what_the_asker_has_done_does_not_pick_the_topic(kb):
    """我已经登记过失业了，还能参加见习吗 asks of 见习: 登记 is told in the clause before, so it
    cannot pull the question to the topics that name registration (1311×N services); the
    internship topic answers who may take part (就业见习的对象)."""
    from actions.policy_actions import choose_topic, topic_about_what_is_left_out

    text = "我已经登记过失业了，还能参加见习吗"
    frame = parse_frame(text, kb.known_text)
    assert "登记" in frame.content and frame.asked == ("见习",)
    assert topic_about_what_is_left_out(kb, "internship", frame, None) is None
    assert choose_topic(kb, "internship", frame, None) == "internship"
    assert "就业见习的对象是离校2年内未就业" in answering.topic_answer(kb, "internship", text, None, frame).text


def test_who_asks_said_before_a_colon_is_not_what_is_asked_about(kb):
    """工作人员问：… and 热线来电：… say who asks; 工作人员 is no word of the question, so the fact
    that the documents' words cover is found (人才交流开发中心)."""
    text = "工作人员问：吉林见习计划的月度汇总表每月几号前报，报给哪个单位"
    frame = parse_frame(text, kb.known_text)
    assert "工作人员" not in frame.content and "汇总表" in frame.content and frame.asker == "operator"
    assert "人才交流开发中心" in answering.topic_answer(kb, "internship", text, JILIN, frame).text
    assert "来电" not in "".join(parse_frame("热线来电：江西档案能托管在哪", kb.known_text).content)


def test_units_the_asker_counts_at_the_rate_per_unit_the_documents_state(kb):
    """一个街道有4个社区、6个行政村，按标准能配几个人: 每个社区3人、每个行政村1人 gives 4 × 3 + 6 × 1 = 18人,
    with the working shown and the clause cited; 6个村 counts 行政村."""
    for text, total in (("吉林基层岗位专项计划，一个街道有4个社区、6个行政村，按标准能配几个人", "18人"),
                        ("吉林基层岗位专项计划，我们镇3个社区5个村，能配几个人", "14人")):
        frame = parse_frame(text, kb.known_text)
        answer = answering.topic_answer(kb, "grassroots", text, JILIN, frame)
        assert f"= {total}" in answer.text and "吉就组" in answer.text, answer.text
