"""Answers composed from the knowledge base: right province, right figures, always cited."""
from __future__ import annotations

import re

import pytest

from actions import answering
from policies_kb.lexicon import load_lexicon
from policies_kb.regions import Region, lookup

JILIN, JIANGXI = Region("吉林", "吉林"), Region("江西", "江西")


def amounts(text: str):
    return re.findall(r"(?<![0-9.])(\d+(?:\.\d+)?)\s*万", text)


def test_jilin_loan_cites_document_clause_and_date(kb):
    a = answering.topic_answer(kb, "loan", "吉林大学生创业担保贷款最高多少", JILIN)
    assert "20万元" in a.text and "吉就组〔2022〕2号" in a.text and "（十）" in a.text and "2022年4月29日" in a.text
    assert "12333" in a.text and "2022年" in a.text
    assert a.region == "吉林" and {c.doc_no for c in a.citations} == {"吉就组〔2022〕2号"}
    assert all(c.quote for c in a.citations)


def test_two_partners_in_jilin_is_44_within_cap(kb):
    a = answering.topic_answer(kb, "loan", "两个人合伙创业能贷多少", JILIN)
    assert "2 × 22万 = 44万元" in a.text and "220万元" in a.text


def test_eleven_partners_capped_at_220_not_242(kb):
    a = answering.topic_answer(kb, "loan", "我们11个人合伙创业最多能贷多少", JILIN)
    # The uncapped product (242万) is not a figure anyone can borrow: it is not printed.
    assert "11人已超过合计上限220万元，因此11人合计最高可贷220万元" in a.text
    assert "242" not in a.text


def test_jiangxi_partnership_has_no_per_person_cap(kb):
    a = answering.topic_answer(kb, "loan", "三个人合伙贷款多少", JIANGXI)
    assert "200万元" in a.text and "22万" not in a.text
    assert all(c.province == "江西" for c in a.citations)


def test_jiangxi_loan_never_gives_jilin_figures(kb):
    a = answering.topic_answer(kb, "loan", "创业担保贷款能贷多少", JIANGXI)
    assert "30万元" in a.text and "20" not in amounts(a.text)
    assert "赣人社函〔2021〕55号" in a.text and "2021年" in a.text


def test_no_region_gives_both_provinces_labelled_and_asks(kb):
    a = answering.topic_answer(kb, "loan", "创业贷款额度多少", None)
    assert a.kind == "both_provinces" and "【吉林省" in a.text and "【江西省" in a.text
    assert "哪个省" in a.text and {c.province for c in a.citations} == {"吉林", "江西"}


def test_topic_in_one_province_answers_there(kb):
    a = answering.topic_answer(kb, "results_2022", "2022年城镇新增就业多少人", None)
    assert a.region == "吉林" and "25.17万人" in a.text and "吉政函〔2023〕10号" in a.text


def test_topic_missing_in_province_says_so_and_hands_over(kb):
    a = answering.topic_answer(kb, "further_study", "考研扩招多少", JIANGXI)
    assert a.kind == "not_in_province" and not a.citations and "12333" in a.text


def test_uncovered_province_gets_no_other_province_numbers(kb):
    a = answering.topic_answer(kb, "startup_subsidy", "广东的创业补贴是多少", lookup("广东"))
    assert a.kind == "uncovered" and not a.citations and not amounts(a.text) and "广东" in a.text


def test_city_quota_is_answered_for_that_city(kb):
    a = answering.topic_answer(kb, "internship", "长春市见习岗位募集指标多少个", lookup("长春"))
    assert "4500" in a.text and "附件1" in a.text


def test_a_city_row_is_found_by_the_words_it_shares_not_only_by_its_keywords(kb):
    """岗位募集任务 is no keyword of the rows, but shares 岗位, 募集 with 四平市就业见习岗位募集指标; a
    question naming the city and asking something else (见习补贴) does not get the rows."""
    a = answering.topic_answer(kb, "internship", "我是四平市人社局的，2022年见习万岗计划给我们分的岗位募集任务是多少个", lookup("四平"))
    assert "700个" in a.text and "附件1" in a.text and "1万个" not in a.text
    other = answering.topic_answer(kb, "internship", "四平见习补贴多少", lookup("四平"))
    assert "700" not in other.text and "最低工资" in other.text


def test_a_review_period_is_not_the_internships_term(kb):
    """The documents give no internship term: 最长能见习多久 is declined, not answered with the 15
    working days the review of an application takes; asked of the review, those days answer it."""
    term = answering.topic_answer(kb, "internship", "吉林就业见习一般见习几个月 最长能见习多久", JILIN)
    assert term.kind == "unknown" and not term.citations
    review = answering.topic_answer(kb, "internship", "单位提交了就业见习申请 人社那边多少天之内给审核意见", JILIN)
    assert "15个工作日" in review.text and "吉人社联〔2022〕79号" in review.text


def test_two_provinces_set_side_by_side_are_both_answered_with_the_difference(kb):
    from actions.policy_actions import compares_covered_provinces

    question = "个人创业担保贷款的最高额度，江西比吉林高多少"
    assert compares_covered_provinces(question) and not compares_covered_provinces("江西创业担保贷款比去年高多少")
    a = answering.topic_answer(kb, "loan", question, None)
    assert "江西省30万元 − 吉林省20万元 = 10万元" in a.text
    assert {c.province for c in a.citations} == {"吉林", "江西"} and "您没有说明所在省份" not in a.text
    neither = answering.topic_answer(kb, "loan", "创业担保贷款最高额度比去年高多少", None)
    assert "两省相比" not in neither.text


def test_internship_subsidy_states_conditions(kb):
    a = answering.topic_answer(kb, "internship", "见习补贴标准是什么", JILIN)
    assert "最低工资" in a.text and "离校2年内" in a.text


def test_retention_bonus(kb):
    a = answering.topic_answer(kb, "internship", "见习生留用了有带教补贴吗", JILIN)
    assert "2000元" in a.text


def test_youth_percentage(kb):
    a = answering.topic_answer(kb, "internship", "16到24岁失业青年参加见习单位补贴多少", JILIN)
    assert "60%" in a.text


def test_search_answer_needs_a_strong_match(kb):
    assert answering.search_answer(kb, "今天股市怎么样", kb.search("今天股市怎么样")).kind == "unknown"
    hits = kb.search("孵化基地房租水电费补贴比例", "江西")
    a = answering.search_answer(kb, "孵化基地房租水电费补贴比例", hits)
    assert a.kind == "search" and "60%" in a.text and a.citations


def test_every_policy_answer_cites(kb):
    """Every topic, every province that has it: the answer carries a citation and a source line."""
    for topic in kb.topics:
        for province in kb.provinces_for(topic):
            a = answering.topic_answer(kb, topic, "", Region(province, province))
            assert a.citations, (topic, province)
            assert "依据：" in a.text and "12333" in a.text, (topic, province)


def test_sum_of_the_figures_a_question_names(kb):
    a = answering.topic_answer(kb, "grassroots", "吉林2022年检察院和法院的文职人员一共计划招多少人", JILIN)
    assert "120人 + " in a.text and "= 270人" in a.text and a.citations
    a = answering.topic_answer(kb, "further_study", "吉林研究生和专升本加起来至少招多少人", JILIN)
    assert "= 4.6万人" in a.text
    # without 一共/加起来 nothing is added up
    a = answering.topic_answer(kb, "grassroots", "吉林检察院和法院的文职人员各招多少人", JILIN)
    assert "合计" not in a.text


def test_city_rows_summed_by_city_not_by_the_province_name(kb):
    a = answering.topic_answer(kb, "internship", "吉林见习万岗计划 四平和辽源两地岗位募集指标加起来是多少个", JILIN)
    assert "= 1000个" in a.text and "吉林市" not in a.text.split("=")[0]


def test_document_record_answers_questions_about_a_document(kb):
    frame = answering.parse_frame("来电人问江西那个做好2021年高校毕业生就业创业工作的通知是哪天发的", kb.known_text)
    a = answering.document_answer(kb, frame, None)
    assert a is not None and "2021年7月21日" in a.text and "赣人社函〔2021〕55号" in a.text and a.citations
    # 文号呢 names nothing: the document the last answer cited
    frame = answering.parse_frame("文号呢", kb.known_text)
    a = answering.document_answer(kb, frame, "吉林", ["吉人社发〔2022〕21号"])
    assert a is not None and "吉人社发〔2022〕21号" in a.text
    assert answering.document_answer(kb, frame, "吉林", []) is None


@pytest.mark.parametrize("question, province, number, cited", [
    ("吉林那个促进国有企业吸纳高校毕业生就业的工作方案，文号是多少？", "吉林", "吉人社联〔2022〕35号", "吉就组〔2022〕2号"),
    ("江西要求提高事业单位专项招聘高校毕业生的比例，依据的是哪个文件？", "江西", "赣人社字〔2020〕150号", "赣人社函〔2021〕55号"),
])
def test_a_document_known_only_as_cited_inside_a_clause_is_given_with_that_clause(kb, question, province, number, cited):
    """Documents the knowledge base holds only as cited by title and number inside a clause: the
    reply gives that number and the clause citing it, so whichever basis was meant is there."""
    assert load_lexicon().asks_about_document(question)
    a = answering.document_answer(kb, answering.parse_frame(question, kb.known_text), province)
    assert a is not None and number in a.text and cited in a.text
    assert [c.doc_no for c in a.citations] == [cited] and number in a.citations[0].quote


def test_a_question_phrase_among_a_facts_keywords_is_not_an_item_to_sum(kb):
    """公务员…总共招多少人: 招多少人 is how the 事业单位 fact's keywords ask, not its name, so no
    公务员 + 事业单位 total is made up; 检察院和法院…一共 names both and is summed."""
    a = answering.topic_answer(kb, "civil_service", "我家孩子想考公务员，吉林22年总共招多少人啊", JILIN)
    assert "5000" in a.text and "合计" not in a.text
    a = answering.topic_answer(kb, "grassroots", "检察院和法院的文职一共招多少人", JILIN)
    assert "= 270人" in a.text


def test_a_duration_stated_beside_an_unstated_subsidy_answers(kb):
    a = answering.topic_answer(kb, "hardship_support", "江西用公益性岗位招毕业生拿补贴，毕业生得是离校多长时间内没就业的", JIANGXI)
    assert a.kind == "policy" and "1年内" in a.text
    a = answering.topic_answer(kb, "hardship_support", "江西公益性岗位补贴标准是每月多少钱", JIANGXI)
    assert a.kind == "unknown" and not a.citations


def test_figures_a_stated_sentence_implies_are_computed_with_the_working(kb):
    """完成年计划的109% gives the plan, 比去年增加… last year, 4175名…中…4170人 the rest."""
    plan = answering.topic_answer(kb, "results_2022", "吉林2022年城镇新增就业完成了年计划109%，那年计划大概是多少人", JILIN)
    assert "25.17万人 ÷ 109% ≈ 23.09万人" in plan.text and plan.citations
    last = answering.topic_answer(kb, "training", "吉林2022年创业培训不少于3.1万人 比去年多1000人 那2021年大概多少人", JILIN)
    assert "= 3万人" in last.text
    rest = answering.topic_answer(kb, "results_2022", "吉林易地搬迁有就业意愿的劳动力里 还有几个人没实现务工就业", JILIN)
    assert "4175 − 4170 = 5人" in rest.text
    # the increase itself is stated, not computed; graduating last year asks nothing of last year
    stated = answering.topic_answer(kb, "further_study", "吉林研究生招生比去年增加了多少", JILIN)
    assert "推算" not in stated.text
    loan = answering.topic_answer(kb, "loan", "我去年毕业 在吉林创业能贷多少", JILIN)
    assert "推算" not in loan.text


def test_a_figure_of_something_the_facts_do_not_name_is_declined(kb):
    """特岗教师工资多少: the documents give the number of 特岗教师 posts, not their pay; the quota is
    not an answer to the pay (no figure, no citation). The subject's own figure still answers."""
    pay = answering.topic_answer(kb, "grassroots", "特岗教师一个月工资多少", JILIN)
    assert pay.kind == "unknown" and not pay.citations and "3100" not in pay.text
    posts = answering.topic_answer(kb, "grassroots", "特岗教师招多少人", JILIN)
    assert posts.kind == "policy" and "3100" in posts.text
    loan = answering.topic_answer(kb, "loan", "创业担保贷款额度最高多少", JILIN)
    assert "20万元" in loan.text


def test_a_modifier_of_the_measured_word_is_measured_with_it(kb):
    """孵化基地房租补贴: both nouns are named by the incubation facts, so the answer stands; a verb
    before the cue (反担保能免吗多少) measures nothing."""
    from actions.frame import parse_frame

    assert answering._measured_words(parse_frame("江西孵化基地房租补贴能补多少", kb.known_text)) == ("孵化基地", "房租补贴")
    assert answering._measured_words(parse_frame("贷款反担保能免吗多少以下", kb.known_text)) == ()
    rent = answering.topic_answer(kb, "incubation", "江西孵化基地房租补贴能补多少", JIANGXI)
    assert rent.kind == "policy" and "60%" in rent.text


def test_the_fact_that_names_what_is_measured_is_looked_for(kb):
    """一个季度最多多少: the first facts chosen give the monthly share; the quarterly cap names 季度."""
    answer = answering.topic_answer(kb, "incubation", "江西毕业生创业孵化基地物管费补贴一个季度最多多少", JIANGXI)
    assert answer.kind == "policy" and "1万元" in answer.text


def test_a_figure_asked_of_a_word_is_stated_by_a_sentence_naming_that_word(kb):
    """贴息比例是多少: one sentence names 贴息 (按规定予以贴息) and another gives the cap of the loan;
    neither states the interest subsidy's share, so the question is declined. The word after the
    question word is what is counted (能拿多少建设补助)."""
    from actions.frame import parse_frame

    share = answering.topic_answer(kb, "loan", "吉林创业担保贷款财政贴息比例是多少", JILIN)
    assert share.kind == "unknown" and not share.citations and "20万" not in share.text
    assert answering._measured_words(parse_frame("返乡入乡创业基地每个能拿多少建设补助", kb.known_text)) == ("建设", "补助")
    # 补助 is tagged a verb by jieba; it heads policy terms (扩岗补助), so it is what is measured
    assert answering._measured_words(parse_frame("实训中心给的生活补助一个月多少钱", kb.known_text)) == ("生活", "补助")
    allowance = answering.topic_answer(kb, "service_1311", "吉林实训中心给毕业生的生活补助一个月多少钱", JILIN)
    assert allowance.kind == "unknown" and not allowance.citations
    cap = answering.topic_answer(kb, "incubation", "江西孵化基地房租补贴每季度最多是不是1万", JIANGXI)
    assert cap.kind == "policy" and "1万元" in cap.text  # 补贴 of 房租补贴, in the clause naming 房租费


def test_a_term_is_the_one_of_the_noun_it_stands_before(kb):
    """见习期是几个月: 签订1年以上劳动合同 gives the contract's term, not the internship's, and 剩余期限
    见习补贴 names no term at all: declined. 剩余期限 in a question is the subsidy's name, not a
    question about a term; a figure ending its part (比去年增加81%) is still the subject's."""
    from actions.frame import parse_frame

    term = answering.topic_answer(kb, "internship", "吉林就业见习一般见习期是几个月", JILIN)
    assert term.kind == "unknown" and not term.citations
    # the asking clause names nothing; the clause before asks the same and names the 见习期
    again = answering.topic_answer(kb, "internship", "吉林就业见习期一般是几个月，最长多久？", JILIN)
    assert again.kind == "unknown" and not again.citations
    assert parse_frame("剩余期限的见习补贴还给不给", kb.known_text).attribute is None
    rise = answering.topic_answer(kb, "internship", "吉林2022年就业见习岗位比去年增加了百分之多少", JILIN)
    assert rise.kind == "policy" and "81%" in rise.text


def test_a_which_question_is_answered_only_by_a_sentence_naming_what_it_asks_for(kb):
    """在哪家银行办理: no sentence names a bank (可申请创业担保贷款 is not where); declined without the
    loan's cap. 叫什么名字 asks for the thing itself, which the documents never call a 名字."""
    from actions.frame import parse_frame

    bank = answering.topic_answer(kb, "loan", "吉林创业担保贷款具体在哪家银行办理？", JILIN)
    assert bank.kind == "unknown" and not bank.citations and "20万" not in bank.text
    assert answering._which_words(parse_frame("在哪家银行办理创业担保贷款", kb.known_text), kb.known_text) == ("银行",)
    name = answering.topic_answer(kb, "internship", "江西的见习计划叫什么名字", JIANGXI)
    assert name.kind == "policy" and "三年百万" in name.text


def test_a_share_of_a_cost_comes_with_its_cap(kb):
    """物管费卫生费能补多少: 60% of the costs, and at most 1万元 a quarter — the share alone would
    overstate what is paid."""
    answer = answering.topic_answer(kb, "incubation", "我们是江西毕业生创业的公司 入驻孵化基地 物管费卫生费能补多少", JIANGXI)
    assert answer.kind == "policy" and "60%" in answer.text and "1万元" in answer.text


def test_opening_hours_are_not_answered_by_the_hotline_numbers(kb):
    hours = answering.topic_answer(kb, "hotline", "吉林12333和96885热线的服务时间是几点到几点", JILIN)
    assert hours.kind == "unknown" and not hours.citations


def test_a_share_only_said_to_rise_is_not_a_stated_share(kb):
    """提高…专项招聘高校毕业生的比例 says the share goes up, not what it is: 比例具体是多少 is declined."""
    answer = answering.topic_answer(kb, "civil_service", "江西事业单位空缺岗位专项招聘高校毕业生的比例具体是多少", JIANGXI)
    assert answer.kind == "unknown" and not answer.citations


def test_a_city_missing_from_a_table_is_not_given_the_provinces_total(kb):
    """公主岭 has no row among the 市州 of the internship table: its quota is not the province's."""
    missing = answering.topic_answer(kb, "internship", "吉林公主岭市2022年就业见习岗位募集指标是多少个", lookup("公主岭"))
    assert missing.kind == "unknown" and not missing.citations and "10000" not in missing.text
    listed = answering.topic_answer(kb, "internship", "辽源组织见习人员指标是多少人", lookup("辽源"))
    assert listed.kind == "policy" and "150人" in listed.text


def test_a_figure_stated_for_the_other_kind_of_enterprise_is_declined(kb):
    """The 60% return is stated for 中小微企业: a large enterprise asking is told the documents do not
    give its rate, and a small one gets the 60%."""
    large = answering.topic_answer(kb, "employer_incentives", "我们是吉林的大型企业，失业保险稳岗返还比例是多少", JILIN)
    assert large.kind == "unknown" and not large.citations and "大型企业" in large.text
    small = answering.topic_answer(kb, "employer_incentives", "我们是小微企业，失业保险稳岗返还比例是多少", JILIN)
    assert small.kind == "policy" and "60%" in small.text


def test_an_amount_a_head_is_not_answered_by_a_total_paid_out(kb):
    """一次性扩岗补助多少钱一个人: the documents state no sum a head, only the year's total (全年发放
    …2696.1万元, a results figure): declined, no figure. A per-head question a per-head fact answers
    (合伙创业每人能贷多少) keeps it."""
    head = answering.topic_answer(kb, "employer_incentives", "一次性扩岗补助多少钱一个人", JILIN)
    assert head.kind == "unknown" and not head.citations and "2696.1" not in head.text
    partners = answering.topic_answer(kb, "loan", "吉林合伙创业每人能贷多少", JILIN)
    assert partners.kind == "policy" and "22万元" in partners.text
    from policies_kb.lexicon import load_lexicon  # a side said after a negation is not named

    assert load_lexicon().contradiction("整个团队的封顶是多少？不是问每个人的", "合伙创业的贷款合计额度最高220万元") is None


def test_a_team_cap_asked_without_a_head_count_is_the_partnership_total(kb):
    a = answering.topic_answer(kb, "loan", "几个同学合伙开公司，整个团队的创业担保贷款封顶是多少？不是问每个人的", JILIN)
    assert "220万元" in a.text.split("依据")[0]


def test_two_figures_of_one_city_set_against_each_other(kb):
    """延边州的岗位募集指标和组织见习人员指标差了多少: both rows, and their difference worked out."""
    a = answering.topic_answer(kb, "internship", "延边州岗位募集指标和组织见习人员指标差了多少？", Region("延边州", "吉林"))
    assert "750个 − 450人 = 300" in a.text and "吉人社联〔2022〕79号" in a.text
    # without a difference asked, no working is added
    b = answering.topic_answer(kb, "internship", "延边州岗位募集指标和组织见习人员指标各是多少？", Region("延边州", "吉林"))
    assert "相差" not in b.text and "750" in b.text


def test_out_of_work_two_years_or_more_leads_with_the_hardship_group(kb):
    """毕业快三年了…算不算就业困难人员: the asker's case (离校2年及以上 → 就业困难群体) comes first."""
    a = answering.topic_answer(kb, "hardship_support", "孩子毕业快三年了一直在家，这种算不算就业困难人员？", JILIN)
    body = a.text.split("依据")[0]
    assert body.index("离校2年及以上") < body.index("公益性岗位")
    fresh = answering.topic_answer(kb, "hardship_support", "孩子刚毕业，这种算不算就业困难人员？", JILIN)
    assert "离校2年及以上" not in fresh.text.split("依据")[0].split("\n")[1]


@pytest.mark.parametrize("question,region,expected", [
    # 叫啥名来着 asks a name: the sentence giving the programme in quotes, not a duration (几年 there
    # only describes the programme)
    ("江西搞见习是不是有个几年几百万的计划 叫啥名来着", JIANGXI, ("三年百万青年见习计划", "赣人社函〔2021〕55号")),
    # when a service area went live is a date, not a website
    ("吉林省就业见习万岗募集计划的省级服务专区是哪天上线的？", JILIN, ("4月1日上线", "吉人社联〔2022〕79号")),
])
def test_a_name_or_a_date_asked_of_the_internship_programme(kb, question, region, expected):
    text = answering.topic_answer(kb, "internship", question, region).text
    assert all(e in text for e in expected)


def test_an_amount_asked_of_money_the_documents_name_without_a_figure_is_declined(kb):
    """实训中心说提供生活补助，一个月给多少钱: the amount asked is of 生活补助, which the documents
    name but never put a figure on; another subsidy's figure (扩岗补助 2696.1万元) is no answer."""
    a = answering.topic_answer(kb, "service_1311", "县里高校毕业生就业创业实训中心说提供生活补助，一个月给多少钱", JILIN)
    assert a.kind == "unknown" and not a.citations and not amounts(a.text)
    # money asked right before the cue, in an everyday word (奖励), is what the amount is of too
    c = answering.topic_answer(kb, "internship", "我们单位要是评上吉林的国家级就业见习示范单位，奖励多少钱？", JILIN)
    assert c.kind == "unknown" and not c.citations
    # when the clause before names money the documents do put a figure on, it is answered
    b = answering.topic_answer(kb, "loan", "听说有创业担保贷款，一个人最多能贷多少", JILIN)
    assert "20万元" in b.text


def test_the_contact_person_of_the_document_last_cited(kb):
    """有问题找谁 after an answer from the 攻坚行动 notice: the person that notice names, cited."""
    a = answering.document_contact(kb, ["吉人社发〔2022〕21号"], "吉林", "service_1311")
    assert a is not None and "臧翠旭" in a.text and "0431-88691597" in a.text
    assert {c.doc_no for c in a.citations} == {"吉人社发〔2022〕21号"}
    assert answering.document_contact(kb, ["赣人社函〔2021〕55号"], "江西") is None  # it names no one


def test_an_age_limit_filed_under_another_topic_answers_an_age_question(kb):
    a = answering.topic_answer(kb, "registration_info", "吉林那个离校未就业毕业生服务攻坚行动 对登记失业的青年有年龄限制不", JILIN)
    assert "35岁以下" in a.text and "吉人社发〔2022〕21号" in a.text


def test_a_keyword_said_with_words_between_still_matches(kb):
    """外省大学 in 在外省读的大学: a keyword said apart counts (a little less than said whole)."""
    assert answering._said_apart("外省大学", "我是江西人在外省读的大学")
    assert not answering._said_apart("外省大学", "我在外省，想考大学")  # too far apart
    assert not answering._said_apart("档案", "档里有个案子")  # one word: only whole
    a = answering.topic_answer(kb, "registration_info", "我是江西人在外省读的大学，离校没找到工作，啥时候会被纳入实名信息数据库", JIANGXI)
    assert "9月底" in a.text


def test_years_since_leaving_school_are_no_term(kb):
    """离校2年及以上 is who counts as 就业困难, not how long a 公益性岗位 lasts: 能干多长时间 is declined."""
    a = answering.topic_answer(kb, "hardship_support", "吉林公益性岗位托底安置的毕业生，工资多少，能干多长时间？", JILIN)
    assert a.kind == "unknown" and not a.citations


def test_within_two_years_of_leaving_is_no_deadline(kb):
    """离校2年内 says who may apply, not until when: 执行到什么时候截止 is declined in Jiangxi, whose
    document gives no end date for the 剩余期限 subsidy (Jilin's does: 2022年12月31日)."""
    a = answering.topic_answer(kb, "internship", "江西见习单位的剩余期限见习补贴政策执行到什么时候截止？", JIANGXI)
    assert a.kind == "unknown" and not a.citations
    b = answering.topic_answer(kb, "internship", "吉林见习单位的剩余期限见习补贴政策执行到什么时候截止？", JILIN)
    assert "2022年12月31日" in b.text


def test_which_body_is_asked_gets_the_fact_naming_one(kb):
    """哪个部门牵头 and 汇总表报给谁 ask for a body the documents name (就业服务局, 人才交流开发中心):
    the fact naming it answers, not a neighbouring fact of the subject (its target group)."""
    text = "吉林离校未就业毕业生服务攻坚行动，省里是哪个部门牵头？"
    frame = answering.parse_frame(text, kb.known_text)
    assert frame.attribute.id == "organisation"
    assert "就业服务局" in answering.topic_answer(kb, "service_1311", text, JILIN, frame).text
    text = "吉林见习计划的月度汇总表每月几号前报，报给哪个单位"
    frame = answering.parse_frame(text, kb.known_text)
    assert "人才交流开发中心" in answering.topic_answer(kb, "internship", text, JILIN, frame).text


def test_a_fact_filed_under_another_topic_that_fits_far_better_comes_first(kb):
    """想进那个高校毕业生就业创业实训中心，进去有啥, heard as a 1311 question: the 实训中心 fact (its
    生活补助) sits in a clause filed under training first; it fits far better than any fact of the
    1311 service's own, so it answers instead of a weak partial match (the lead agency)."""
    text = "在吉林没工作，想进那个高校毕业生就业创业实训中心，进去有啥？"
    frame = answering.parse_frame(text, kb.known_text)
    answer = answering.topic_answer(kb, "service_1311", text, JILIN, frame)
    assert "生活补助" in answer.text and "就业服务局" not in answer.text


def test_a_cap_asked_is_not_a_gap_asked(kb):
    """最多多少 / 最高多少 / 至少多少 ask a cap or a floor: the loan's answer states two caps but
    computes no difference between them; 江西比吉林高多少 still asks a gap."""
    lexicon = load_lexicon()
    assert not any(lexicon.asks_difference(q) for q in ("创业担保贷款最多多少", "最高多少", "至少多少"))
    assert not lexicon.compares("吉林江西贷款最多多少") and lexicon.compares("吉林比江西多多少")
    assert lexicon.asks_difference("江西比吉林高多少") and lexicon.asks_difference("差多少")
    text = "吉林大学生创业担保贷款最多多少"
    answer = answering.topic_answer(kb, "loan", text, JILIN, answering.parse_frame(text, kb.known_text))
    assert "相差" not in answer.text and "20万元" in answer.text


def test_a_word_that_is_part_of_a_keyword_picks_the_fact_when_no_keyword_is_said(kb):
    """能在网上学不 (江西 training): no fact's keyword stands in the question, but 网上 is part of
    网上培训, so the online-platform fact answers instead of the topic's primary fact."""
    text = "能在网上学不"
    frame = answering.parse_frame(text, kb.known_text)
    answer = answering.topic_answer(kb, "training", text, JIANGXI, frame)
    assert "线上职业技能培训管理平台" in answer.text and "人工智能" not in answer.text


def test_the_date_a_document_was_signed_is_a_question_about_the_document(kb):
    """落款日期是哪天 asks the document's date (2021年7月21日), like 哪天印发的."""
    lexicon = load_lexicon()
    text = "江西2021年进一步做好高校毕业生就业创业工作的那个通知，落款日期是哪天"
    assert lexicon.asks_about_document(text)
    answer = answering.document_answer(kb, answering.parse_frame(text, kb.known_text), "江西")
    assert answer is not None and "2021年7月21日" in answer.text and "赣人社函〔2021〕55号" in answer.text


def test_whom_a_programme_targets_is_asked_of_the_programme_not_of_the_word_mianxiang(kb):
    """吉林就业见习面向哪些人: 面向 frames the question (like 针对); the internship's 对象 answers
    (离校2年内, 16—24岁), not the sentence saying posts 面向各类企事业单位."""
    text = "吉林就业见习面向哪些人？"
    frame = answering.parse_frame(text, kb.known_text)
    assert "面向" not in frame.content
    answer = answering.topic_answer(kb, "internship", text, JILIN, frame)
    assert "16—24岁" in answer.text and "离校2年内" in answer.text


@pytest.mark.parametrize("topic,question", [
    ("employer_incentives", "吉林应届毕业生有没有租房补贴"),
    ("civil_service", "吉林应届毕业生有没有租房补贴 一个月能给多少"),
])
def test_a_kind_of_benefit_the_documents_never_name_is_declined(kb, topic, question):
    """有没有租房补贴: 租房 names the kind of 补贴 asked about; a clause on other subsidies (or on
    应届毕业生 in the civil service) does not answer it."""
    a = answering.topic_answer(kb, topic, question, JILIN)
    assert a.kind == "unknown" and not a.citations and "租房" in a.text


def test_a_cost_named_before_a_subsidy_does_not_need_its_own_sentence(kb):
    """入驻费用补贴: 费用 is a cost, not a kind of benefit; the incubator's subsidy answers it."""
    a = answering.topic_answer(kb, "incubation", "江西创业孵化基地入驻的毕业生企业，有啥费用补贴", JIANGXI)
    assert a.citations and "60%" in a.text


def test_a_yes_or_no_question_must_be_answered_by_a_sentence_naming_what_it_asks_for(kb):
    """学校想建大学生就业创业指导服务站，省里有资金支持吗: the answer is the clause that names the
    服务站's money (10万元), not the training sentence that only names the 服务站."""
    question = "我是吉林一所高校的就业老师，学校想建大学生就业创业指导服务站，省里有资金支持吗？"
    assert answering._existence_words(answering.parse_frame(question, kb.known_text)) == ("资金",)
    a = answering.topic_answer(kb, "training", question, JILIN)
    assert "10万元" in a.text and a.citations


def test_a_threshold_asked_with_how_much_is_answered_by_the_condition_stating_it(kb):
    """多少以内可以免担保: the condition 10万元以下…免除担保要求 states the figure asked, not the
    loan's cap; 听新闻说 frames the question and does not pick the clause naming 白城新闻网."""
    a = answering.topic_answer(kb, "loan", "江西大学生申请创业担保贷款 多少以内可以免担保", JIANGXI)
    assert "10万元以下" in a.text and "30万" not in a.text
    heard = answering.topic_answer(kb, "results_2022", "听新闻说吉林2022年创业担保贷款放了老鼻子钱了 到底放了多少亿啊", JILIN)
    assert "29.7亿元" in heard.text


def test_how_many_points_is_a_share_unless_said_of_interest(kb):
    """上浮几个点 asks a percentage (20%); 贷款几个点 still asks an interest rate."""
    lexicon = load_lexicon()
    assert lexicon.attribute_of("培训补贴 上浮几个点").id == "standard"
    assert lexicon.attribute_of("创业贷款几个点").id == "rate"
    a = answering.topic_answer(kb, "training", "jx培训补贴 上浮几个点", JIANGXI)
    assert "20%" in a.text and a.citations


def test_whom_an_action_serves_is_its_target_group_not_its_goal(kb):
    """服务哪些人 asks the 对象 (35岁以下…); the goal sentence names 离校未就业 only as the group
    it is about, which is no condition. 有啥培训可以参加 asks what there is, not who may join."""
    a = answering.topic_answer(kb, "service_1311", "吉林离校未就业毕业生服务攻坚行动 啥时候搞 服务哪些人", JILIN)
    assert "35岁以下" in a.text and "为目标" not in a.text
    lexicon = load_lexicon()
    assert lexicon.attribute_of("江西有啥培训或者见习可以参加的吗") is None
    assert lexicon.attribute_of("毕业三年了还能参加见习吗").id == "eligibility"


def test_what_support_there_is_is_answered_by_a_sentence_granting_something(kb):
    """按要求招够了应届生有啥支持 (a provincial SOE): the sentence granting 职称自主评审权 answers, not
    the SOEs' hiring quota that only shares 省属国企; it is no figure question (任务 is not measured)."""
    from policies_kb.normalize import normalize

    question = normalize("我们是吉林省属国企，按要求招够了应届生有啥支持")
    assert load_lexicon().attribute_of(question).id == "support"
    a = answering.topic_answer(kb, "soe_jobs", question, JILIN)
    assert "职称自主评审权" in a.text.split("\n")[1]
    done = answering.topic_answer(kb, "soe_jobs", normalize("吉林国有企业完成招聘应届生任务有啥好处"), JILIN)
    assert "职称自主评审权" in done.text
