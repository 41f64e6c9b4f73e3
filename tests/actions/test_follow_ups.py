"""Follow-ups planned without Rasa (actions/policy_actions.plan_question): what a half sentence
after an answer keeps from the previous question and what it changes."""
from __future__ import annotations

import pytest

from actions import answering
from actions.frame import parse_frame
from actions.numbers import parse_details
from actions.policy_actions import plan_question
from policies_kb.lexicon import load_lexicon
from policies_kb.regions import Region

JILIN = Region("吉林", "吉林")


def plan(kb, previous_text: str, text: str, subject: str):
    previous = parse_frame(previous_text, kb.known_text)
    return plan_question(kb, "ask_follow_up", parse_frame(text, kb.known_text), subject, previous, "吉林")


def test_a_follow_up_naming_nothing_is_asked_of_what_the_previous_question_named(kb):
    topic, frame = plan(kb, "吉林2022年事业单位招多少人", "应届的有多少", "civil_service")
    assert topic == "civil_service" and "事业单位" in frame.content and frame.text.endswith("应届的有多少")
    answer = answering.topic_answer(kb, topic, frame.text, JILIN, frame)
    assert "10000" in answer.text or "1万" in answer.text


def test_an_inherited_attribute_is_marked_so_it_can_be_dropped(kb):
    """利息呢 after 能贷几年 carries the duration over, marked as inherited: the action answers
    without it when the subject has no fact of it."""
    topic, frame = plan(kb, "我们4个吉林毕业生合伙 能贷几年", "利息呢", "loan")
    assert topic == "loan" and frame.inherited and frame.attribute.id == "duration"
    _, own = plan(kb, "吉林创业担保贷款能贷多少", "期限多久", "loan")
    assert not own.inherited and own.attribute.id == "duration"


def test_a_contact_follow_up_is_not_mixed_with_the_previous_words(kb):
    _, frame = plan(kb, "吉林离校未就业毕业生服务攻坚行动是啥时候搞的", "邮箱呢", "service_1311")
    assert frame.text == "邮箱呢"


def test_numbers_in_a_what_if_follow_up():
    assert parse_details("那要是十个人呢").partners == 10
    assert parse_details("如果是三个人呢").partners == 3


def test_names_the_documents_quote_are_what_a_question_is_about(kb):
    """Programme names quoted in the documents (“双百双千”, “2+6+N”) are in the jieba dictionary, so
    a question naming one is about it, even when it is written with figures."""
    assert parse_frame("江西的双百双千是干啥的", kb.known_text).content == ("双百双千",)
    assert parse_frame("江西 2+6+N 是个啥", kb.known_text).content == ("2+6+N",)
    answer = answering.topic_answer(kb, "training", "江西 2+6+N 是个啥", Region("江西", "江西"))
    assert "重点产业" in answer.text


def test_someone_out_of_work_asking_what_there_is_gets_the_services_for_them(kb):
    from actions.policy_actions import out_of_work_topic

    assert out_of_work_topic(kb, "我家孩子从吉林的大学毕业还没工作，人社能提供啥服务") == "service_1311"
    assert out_of_work_topic(kb, "我家孩子从吉林的大学毕业还没工作") is None  # asks nothing
    assert out_of_work_topic(kb, "人社能提供啥服务") is None


def test_out_of_work_two_years_after_leaving_gets_the_support_for_hardship_where_documents_say_so(kb):
    """吉就组〔2022〕2号 puts graduates out of work 2 years after leaving among 就业困难 people; Jiangxi's
    documents say nothing of the kind, so its plea gets the usual services."""
    from actions.numbers import parse_details
    from actions.policy_actions import out_of_work_topic

    text = "孩子毕业两年多了还没工作 吉林这边怎么算 有啥扶持"
    assert out_of_work_topic(kb, text, "吉林", parse_details(text)) == "hardship_support"
    assert out_of_work_topic(kb, "孩子毕业半年了还没工作 有啥扶持", "吉林", parse_details("毕业半年了")) == "service_1311"
    assert out_of_work_topic(kb, text, "江西", parse_details(text)) != "hardship_support"
    # back home two years after school; what the child studied describes them, it is not asked about
    assert parse_details("孩子在吉林读完书回来两年多了还没工作").years_since_graduation == 2
    assert parse_frame("我家孩子大专毕业两年半了还在家待着，吉林有啥说法没", kb.known_text).content == ()


def test_a_plan_is_answered_from_the_plan_and_a_result_from_the_report(kb):
    """2022年计划…多少 asks the 2022 plan (吉就组〔2022〕2号), not the 2023 report of what was done;
    去年毕业 says when someone graduated, not that results are asked."""
    from actions.policy_actions import plan_or_result_topic
    from policies_kb.lexicon import load_lexicon

    frame = parse_frame("吉林2022年计划实现农村劳动力转移就业多少人", kb.known_text)
    topic = plan_or_result_topic(kb, "results_2022", frame, "吉林")
    assert topic != "results_2022"
    assert "270万" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    assert load_lexicon().asks_results("我是去年毕业的，单位按什么标准拿补贴") is None
    assert load_lexicon().asks_results("吉林市去年办了多少场招聘会") is True


def test_a_result_in_the_askers_own_story_is_not_a_results_question(kb):
    """我去年拿了…称号，…多少钱以下可以免反担保: 去年…了 tells what happened to the asker; the
    question is the loan's guarantee exemption (10万元), not the year's lending results."""
    from actions.policy_actions import plan_or_result_topic
    from policies_kb.lexicon import load_lexicon

    text = "我去年拿了市里的优秀大学生创业者称号，在吉林申请创业担保贷款，多少钱以下可以免反担保？"
    frame = parse_frame(text, kb.known_text)
    assert load_lexicon().results_asked(frame.text, frame.asking) is None
    topic = plan_or_result_topic(kb, "loan", frame, "吉林")
    assert topic == "loan"
    assert "10万元以下的贷款免除反担保" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    # a result said in a clause that does not tell the asker's story still counts
    told = parse_frame("吉林2022年城镇新增就业完成了年计划109%，那年计划大概是多少人", kb.known_text)
    assert load_lexicon().results_asked(told.text, told.asking) is None
    assert load_lexicon().results_asked("去年全省办了几场招聘会，今年呢", "今年呢") is True


def test_whom_to_contact_after_an_answer_is_the_contact_of_what_was_asked(kb):
    """找谁联系 / 有邮箱吗 after a question about the 攻坚行动: the NLU hears a hotline request, but
    the message names nothing of its own, so it asks for the contact of what was just asked."""
    previous = parse_frame("吉林离校未就业毕业生服务攻坚行动是啥时候搞的", kb.known_text)
    topic, frame = plan_question(kb, "request_human", parse_frame("找谁联系", kb.known_text), "service_1311", previous, "吉林")
    assert topic == "service_1311"
    assert "88691597" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    topic, frame = plan(kb, "吉林离校未就业毕业生服务攻坚行动是啥时候搞的", "有邮箱吗", "service_1311")
    assert "162057918" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text


def test_a_request_for_a_person_gets_the_hotlines_not_a_decline(kb):
    """转人工 / 我要人工客服 is not a subject (it used to be declined as uncovered words): it asks
    whom to contact, and gets the hotlines whatever was asked before."""
    previous = parse_frame("吉林离校未就业毕业生服务攻坚行动是啥时候搞的", kb.known_text)
    for text in ("转人工", "我要人工客服"):
        frame = parse_frame(text, kb.known_text)
        assert frame.content == () and frame.attribute.id == "contact"
        topic, frame = plan_question(kb, "request_human", frame, "service_1311", previous, "吉林")
        answer = answering.topic_answer(kb, topic, frame.text, JILIN, frame)
        assert topic == "hotline" and answer.kind == "policy" and "12333" in answer.text
    assert parse_frame("江西人工智能培训有补贴吗", kb.known_text).content  # 人工智能 is a subject


def test_a_follow_up_stays_with_its_subject_when_the_subject_covers_its_words(kb):
    """离校多久以内才能领 after 一次性创业补贴: another topic speaks of 离校 more, but the subsidy's own
    clause covers it and states the window; 那培训呢 names another topic and goes there."""
    topic, frame = plan(kb, "首次创业一次性补贴多少", "离校多久以内才能领", "startup_subsidy")
    assert topic == "startup_subsidy"
    assert "2年内" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    assert plan(kb, "场地呢 有免费的没", "那培训呢", "incubation")[0] == "training"


def test_a_word_that_only_says_a_result_is_asked_is_not_what_is_asked_about(kb):
    topic, frame = plan(kb, "吉林就业见习补贴标准", "吉林2022年青年见习实际完成多少人", "internship")
    assert "实际" not in frame.content and topic == "results_2022"
    assert "5835" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    assert "计划" in "".join(parse_frame("江西的见习计划叫什么名字", kb.known_text).content)  # half of a name


def test_a_tables_heading_names_what_its_rows_measure(kb):
    """辽源见习岗位任务数: the table is headed 各地目标任务安排, so its 辽源 row answers 任务数."""
    frame = parse_frame("辽源见习岗位任务数是多少", kb.known_text)
    answer = answering.topic_answer(kb, "internship", frame.text, Region("辽源市", "吉林"), frame)
    assert "300" in answer.text and answer.citations


def test_a_word_inside_the_subjects_name_is_not_made_common_by_the_name(kb):
    """担保 in 要担保吗 asks about the guarantee: 创业担保贷款 in every loan sentence does not drown it,
    and the alias 大学生创业 does not match across 大学生|创业贷款."""
    frame = parse_frame("吉林大学生创业贷款要担保吗", kb.known_text)
    text = answering.topic_answer(kb, "loan", frame.text, JILIN, frame).text
    assert "反担保" in text
    assert "扶持1000个大学生创业" not in text or text.index("反担保") < text.index("扶持1000个大学生创业")


def test_a_time_limit_is_a_duration(kb):
    topic, frame = plan(kb, "一个季度顶多补多少", "有没有时间限制", "incubation")
    assert frame.attribute is not None and frame.attribute.id == "duration"
    assert "3年" in answering.topic_answer(kb, topic, frame.text, Region("江西", "江西"), frame).text


def test_most_before_a_head_count_says_how_many_at_most_not_an_amount(kb):
    """最多允许几个人合伙 asks a head count (the documents give none); 最多 modifies 几个人."""
    frame = parse_frame("江西合伙经营申请创业担保贷款，最多允许几个人合伙", kb.known_text)
    assert frame.attribute is not None and frame.attribute.id == "quota" and frame.also == ()
    answer = answering.topic_answer(kb, "loan", frame.text, Region("江西", "江西"), frame)
    assert answer.kind == "unknown" and "200万" not in answer.text


def test_a_follow_up_naming_nothing_heard_as_another_topic_is_asked_of_what_came_before(kb):
    """2022年全省一共发了多少 after 一次性扩岗补助: the report's figure of 扩岗补助, not its first
    sentences; 全省建了多少家 after 实训中心 likewise (建了多少 asks a result)."""
    previous = parse_frame("企业招高校毕业生，在吉林有一次性扩岗补助吗", kb.known_text)
    frame = parse_frame("2022年全省一共发了多少", kb.known_text)
    topic, asked = plan_question(kb, "ask_results_2022", frame, "employer_incentives", previous, "吉林")
    answer = answering.topic_answer(kb, topic, asked.text, Region("吉林", "吉林"), asked)
    assert topic == "results_2022" and "2696.1万元" in answer.text



def test_several_people_in_a_partnership_is_not_a_head_count_asked(kb):
    """江西要是几个人合伙整呢 after the Jiangxi loan cap asks of a partnership (几个人合伙), not how
    many people; 最多允许几个人合伙 does ask a count."""
    jiangxi = Region("江西", "江西")
    previous = parse_frame("那江西呢", kb.known_text)
    frame = parse_frame("江西要是几个人合伙整呢", kb.known_text)
    assert frame.attribute is None or frame.attribute.id != "quota"
    topic, planned = plan_question(kb, "ask_follow_up", frame, "loan", previous, "江西")
    answer = answering.topic_answer(kb, topic, planned.text, jiangxi, planned)
    assert "200万元" in answer.text and answer.citations
    assert parse_frame("江西合伙经营最多允许几个人合伙", kb.known_text).attribute.id == "quota"


def test_a_short_follow_up_on_a_results_subject_asks_a_result(kb):
    """青年见习呢 after 城镇新增就业完成了多少 asks the internship programme's result (the report's
    5835人), not the internship policy, though the NLU hears an internship question."""
    previous = parse_frame("2022年吉林全省城镇新增就业完成了多少，是年计划的百分之几", kb.known_text)
    frame = parse_frame("青年见习呢", kb.known_text)
    topic, planned = plan_question(kb, "ask_internship", frame, "results_2022", previous, "吉林")
    assert topic == "results_2022"
    answer = answering.topic_answer(kb, topic, planned.text, JILIN, planned)
    assert "5835" in answer.text and "吉政函〔2023〕10号" in answer.text
    # a follow-up after a policy subject keeps asking policy
    loan_topic, _ = plan_question(kb, "ask_training", parse_frame("那培训呢", kb.known_text), "loan",
                                  parse_frame("吉林创业担保贷款最高多少", kb.known_text), "吉林")
    assert loan_topic == "training"


def test_a_message_pointing_back_continues_the_subject_whatever_the_nlu_hears(kb):
    """这个政策延续到啥时候 after a question on the internship's 剩余期限 subsidy: the NLU hears an
    employer-support question (延续 sounds like one), but 这个政策 points at what was just asked."""
    previous = parse_frame("见习补贴里头说的那个剩余期限见习补贴 是给见习的人还是给单位的", kb.known_text)
    frame = parse_frame("吉林的 这个政策延续到啥时候", kb.known_text)
    topic, frame = plan_question(kb, "ask_employer_incentives", frame, "internship", previous, "吉林")
    assert topic == "internship"
    assert "2022年12月31日" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    # without an earlier question, the same words are a question of their own
    alone, _ = plan_question(kb, "ask_employer_incentives", parse_frame("吉林的 这个政策延续到啥时候", kb.known_text),
                             None, None, "吉林")
    assert alone != "internship"


def test_a_count_asked_of_a_word_the_count_fact_names(kb):
    """选多少个团队 after the teams' grant: the count fact naming 团队 (60个) answers, though it
    shares no keyword with the follow-up; 见习几个月 is still declined (the review period's 15个
    工作日 names 见习 too, but 见习 is only the subject)."""
    topic, frame = plan(kb, "吉林对青年人才创新创业团队资助多少", "选多少个团队", "startup_subsidy")
    assert "60个" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text
    declined = answering.topic_answer(kb, "internship", "吉林就业见习一般见习几个月", JILIN)
    assert not declined.citations


def test_which_subsidies_there_are_is_answered_by_a_sentence_naming_them(kb):
    """有啥补贴 asks which subsidies there are: 吉林's employer clause names them without a figure,
    so the sentence naming them answers, not a neighbouring percentage (稳岗返还 60%)."""
    frame = parse_frame("吉林企业招了应届生有啥补贴", kb.known_text)
    assert frame.attribute.id == "offered"
    answer = answering.topic_answer(kb, "employer_incentives", frame.text, JILIN, frame)
    assert "扩岗补助" in answer.text and "60%" not in answer.text


def test_a_follow_up_naming_a_loan_after_which_subsidies_asks_its_amount(kb):
    topic, frame = plan(kb, "毕业一年多了还没上班 想自己创业 有啥补贴不", "那要是开个小公司贷款呢", "startup_subsidy")
    assert frame.inherited and frame.attribute.id == "amount"
    answer = answering.topic_answer(kb, topic, frame.text, JILIN, frame)
    assert "400万" in answer.text


def test_a_day_asked_is_not_answered_by_a_year_or_a_whole_year(kb):
    """延边下周有没有招聘会，具体几号: the documents plan 500场 全年, no day: declined, no citation."""
    frame = parse_frame("延边下周有没有招聘会，具体几号", kb.known_text)
    assert frame.attribute.id == "date"
    answer = answering.topic_answer(kb, "job_fairs", frame.text, JILIN, frame)
    assert answer.kind == "unknown" and not answer.citations


def test_everyday_schooling_words_are_covered_where_the_documents_say_zhongzhi(kb):
    _, frame = plan(kb, "吉林见习补贴怎么算", "中专毕业的也算吗", "internship")
    answer = answering.topic_answer(kb, "internship", frame.text, JILIN, frame)
    assert answer.kind == "policy" and "中职" in answer.text


def test_a_computed_head_count_does_not_answer_an_age_and_the_decline_names_the_age(kb):
    """应届生报名年龄上限是多少岁: 应届…多少 cues the 公务员 head count rule, but an age is asked; the
    documents give none, so the decline names what is missing and cites nothing."""
    frame = parse_frame("吉林省考公务员，应届生报名年龄上限是多少岁？", kb.known_text)
    answer = answering.topic_answer(kb, "civil_service", frame.text, JILIN, frame)
    assert answer.kind == "unknown" and not answer.citations and "年龄" in answer.text and "2500" not in answer.text


def test_an_eligibility_warning_speaks_of_the_caller_to_an_operator(kb):
    frame = parse_frame("来电人三年前大学毕业，现在想开个体店，一次性创业补贴能领多少", kb.known_text)
    answer = answering.topic_answer(kb, "startup_subsidy", frame.text, JILIN, frame)
    assert "来电人离校已约3年" in answer.text


def test_a_follow_up_naming_a_word_of_the_answer_just_given_stays_on_its_subject(kb):
    """那见习机会呢 after the 1311×N answer (…1次就业见习机会): the NLU hears internships, but the
    word stands in the answer just given, so it asks about that answer."""
    from actions.policy_actions import names_what_was_just_said

    previous = parse_frame("1311×N服务，其中岗位推介至少给几次？", kb.known_text)
    reply = answering.topic_answer(kb, "service_1311", previous.text, JILIN, previous).text
    frame = parse_frame("那见习机会呢", kb.known_text)
    assert names_what_was_just_said(frame, reply)
    assert not names_what_was_just_said(parse_frame("那创业贷款呢", kb.known_text), reply)
    topic, planned = plan_question(kb, "ask_internship", frame, "service_1311", previous, "吉林", said_before=True)
    assert topic == "service_1311"
    assert "1次就业见习" in answering.topic_answer(kb, topic, planned.text, JILIN, planned).text
    assert plan_question(kb, "ask_internship", frame, "service_1311", previous, "吉林")[0] == "internship"


def test_the_reply_just_given_is_read_from_the_conversation():
    from rasa_sdk import Tracker

    from actions.policy_actions import last_reply_text

    events = [
        {"event": "user", "text": "第一问"}, {"event": "bot", "text": "旧回答"},
        {"event": "user", "text": "第二问"}, {"event": "bot", "text": "回答"}, {"event": "bot", "text": "提示"},
        {"event": "user", "text": "那见习机会呢"}, {"event": "slot", "name": "region", "value": None},
    ]
    tracker = Tracker("s", {}, {"text": "那见习机会呢"}, events, False, None, {}, "action_listen")
    assert last_reply_text(tracker) == "回答\n提示"


@pytest.mark.parametrize("text", ["有事找谁问", "有问题找谁", "不懂的找谁"])
def test_whom_to_ask_with_nothing_named_asks_a_contact(kb, text):
    frame = parse_frame(text, kb.known_text)
    assert frame.attribute.id == "contact" and frame.content == ()


def test_a_period_asked_as_a_time_span(kb):
    frame = parse_frame("吉林2022年那个离校未就业高校毕业生服务攻坚行动是什么时间段搞的？", kb.known_text)
    assert frame.attribute.id == "deadline" and "时间段" not in frame.content
    assert "7-12月" in answering.topic_answer(kb, "service_1311", frame.text, JILIN, frame).text


def test_both_provinces_asked_respectively_are_both_answered():
    from actions.policy_actions import compares_covered_provinces

    assert compares_covered_provinces("同样是4个人合伙创业，吉林和江西最多分别能贷多少")
    assert not compares_covered_provinces("吉林4个人合伙创业最多分别能贷多少")


def test_what_one_can_enjoy_is_not_an_eligibility_question(kb):
    """能享受什么 asks what there is; 能享受吗 asks whether one qualifies."""
    assert parse_frame("我们是吉林的国企，按要求招满了应届生，能享受什么？", kb.known_text).attribute is None
    assert parse_frame("应届生创业能享受吗", kb.known_text).attribute.id == "eligibility"


def test_done_as_required_is_not_a_question_about_requirements(kb):
    """按要求招够了应届生有啥支持 tells what was done (按要求); 见习有什么要求 asks the requirements."""
    assert parse_frame("我们是吉林省属国企，按要求招够了应届生有啥支持", kb.known_text).attribute.id == "support"
    assert parse_frame("吉林见习单位有什么要求", kb.known_text).attribute.id == "eligibility"


def test_a_long_message_of_generic_words_heard_as_another_topic_asks_its_own_question(kb):
    """我们公司在江西招了5个应届生有补贴不 after a question on another subject: every word of it is
    generic (a bare frame), but it is too long to be a follow-up and the NLU hears a topic of its
    own, so it is not the previous question asked again; a short bare one (五个人呢) still is."""
    jiangxi = Region("江西", "江西")
    previous = parse_frame("江西见习补贴怎么申请", kb.known_text)
    frame = parse_frame("我们公司在江西招了5个应届生有补贴不", kb.known_text)
    assert frame.bare
    topic, planned = plan_question(kb, "ask_employer_incentives", frame, "internship", previous, "江西")
    assert topic == "employer_incentives" and planned.text == frame.text
    assert answering.topic_answer(kb, topic, planned.text, jiangxi, planned).citations
    short, reused = plan_question(kb, "ask_employer_incentives", parse_frame("五个人呢", kb.known_text),
                                  "internship", previous, "江西")
    assert short == "internship" and reused.text == previous.text


def test_a_clause_opening_with_jieguo_tells_a_story_not_a_result_asked(kb):
    """我本来想考研的 结果二战也没上岸 … 见习的话单位按啥标准拿补贴: 结果 opening a clause is "as it
    turned out", not a question about results (见习的结果 is one)."""
    lexicon = load_lexicon()
    text = "我本来想考研的 结果二战也没上岸 朋友说可以去见习 在吉林 见习的话单位按啥标准拿补贴"
    frame = parse_frame(text, kb.known_text)
    assert not lexicon.results_asked(frame.text, frame.asking)
    assert lexicon.asks_results("吉林2022年见习的结果怎么样")


def test_whom_an_employer_hires_being_out_of_work_is_not_the_askers_situation(kb):
    """要是招个19岁没上大学的待业小孩呢 after 招见习生能拿啥补贴: 待业 says whom they would take on,
    so it is no plea for the services; asked of the internship, 待业 is what the documents call 失业,
    and the 60% for 16–24-year-olds answers it."""
    from actions.policy_actions import out_of_work_topic

    follow_up = "要是招个19岁没上大学的待业小孩呢"
    assert not load_lexicon().out_of_work_phrases(follow_up) and out_of_work_topic(kb, follow_up) is None
    assert "待业" in load_lexicon().out_of_work_phrases("我待业一年了 有啥政策")
    topic, frame = plan(kb, "我们是吉林的企业 招见习生能拿啥补贴", follow_up, "internship")
    assert topic == "internship"
    assert "60%" in answering.topic_answer(kb, topic, frame.text, JILIN, frame).text


def test_registering_a_company_is_founding_one(kb):
    """那要是我注册个小公司 用公司名义贷呢 after a Jiangxi loan answer: 注册 is what the documents
    call 创办 and 名义 only frames the question; the small business's 600万元 answers it."""
    topic, frame = plan(kb, "江西大学生创业贷款最多能贷多少", "那要是我注册个小公司 用公司名义贷呢", "loan")
    assert topic == "loan"
    assert "600万元" in answering.topic_answer(kb, topic, frame.text, Region("江西", "江西"), frame).text
