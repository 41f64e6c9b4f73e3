"""Rasa actions for policy questions: wire the tracker to the answer composer.

The answer's structured part (citations, resolved region) travels as the message's custom JSON
payload, so every channel gets the same text and ``jiuye ask --jsonl`` can report citations.
"""
from __future__ import annotations

import abc
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text, Tuple


from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answering, rules
from actions.blocking import BlockingAction
from actions.answering import Answer
from actions.frame import Frame, coverage, parse_frame
from actions.numbers import QuestionDetails
from actions.registration_request import asks_to_register, says_registered, start_registration_form
from registry.identity import split
from policies_kb.kb import KnowledgeBase, clause_text, load_cached
from policies_kb.lexicon import load_lexicon
from settings import Settings
from policies_kb.regions import Region, find_in_text, lookup, resolve
from policies_kb.text import policy_terms

if TYPE_CHECKING:
    from registry.store import RegistrationView

logger = logging.getLogger(__name__)


def knowledge_base() -> KnowledgeBase:
    return load_cached(str(Settings.from_env().kb_dir))


def _entity_values(message: Dict[str, Any], name: str) -> List[str]:
    return [e.get("value") for e in message.get("entities", []) if e.get("entity") == name and e.get("value")]


def registration_of(tracker: Tracker) -> Optional[RegistrationView]:
    """This user's registration on this channel, or None. A store failure must not stop a policy
    answer, so it is logged and treated as no registration."""
    from actions.registration_form import registration_store

    try:
        return registration_store().find_by_sender(*split(tracker.sender_id))
    except Exception as exc:  # noqa: BLE001 - any store problem means "no known registration"
        logger.warning("registration lookup failed (%s); answering without it", type(exc).__name__)
        return None


def registered_region(tracker: Tracker) -> Optional[Region]:
    """The province of this user's registration, if they registered on this channel."""
    view = registration_of(tracker)
    if view is None:
        return None
    return lookup(view.province or "") or lookup(view.city or "")


def resolve_region(tracker: Tracker) -> Optional[Region]:
    """Region of the current question: named in this message, else earlier in the conversation,
    else the region the channel knows for this user (message metadata), else their registration."""
    message = tracker.latest_message or {}
    named = resolve(_entity_values(message, "region"), message.get("text") or "")
    if named is not None:
        return named
    slot = tracker.get_slot("region")
    if slot:
        region = lookup(slot)
        if region is not None and region.province and load_lexicon().names_whole_province(message.get("text") or ""):
            return Region(region.province, region.province)  # 全省一共呢 after a city's figure
        if region is not None:
            return region
    metadata = message.get("metadata") or {}
    known = metadata.get("region") if isinstance(metadata, dict) else None
    region = lookup(str(known)) if known else None
    return region if region is not None else registered_region(tracker)


def compares_covered_provinces(text: str) -> bool:
    """Whether a message sets the covered provinces side by side (江西比吉林高多少)."""
    named = {r.province for r in find_in_text(text) if r.covered}
    return len(named) > 1 and load_lexicon().compares(text)


def send(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    dispatcher.utter_message(text=answer.text, json_message=answer.payload())


def region_events(tracker: Tracker, region: Optional[Region]) -> List[Dict[Text, Any]]:
    """Remember a covered place for the rest of the conversation: the city when one was named, so
    that a follow-up (组织见习人数呢) is asked of the same city."""
    if region is not None and region.covered and tracker.get_slot("region") != region.name:
        return [SlotSet("region", region.name)]
    return []


def record_unanswered(tracker: Tracker, text: str, region: Optional[Region], answer: Answer) -> None:
    """Questions we could not answer with confidence go to the console's list, so the knowledge
    base can grow (ID and phone numbers are removed there; it never raises)."""
    from workflows.unanswered import record_safely

    record_safely(text, region.province if region else None, split(tracker.sender_id).channel, answer.kind)


# Intents that carry no question of their own: outside a form they are acknowledged, not answered.
ACKNOWLEDGE_INTENTS = frozenset({"affirm", "deny"})


def cited_documents(answer: Answer) -> List[str]:
    return list(dict.fromkeys(c.doc_no for c in answer.citations))


def previous_frame(tracker: Tracker, kb: KnowledgeBase) -> Optional[Frame]:
    last = tracker.get_slot("last_question")
    return parse_frame(last, kb.known_text) if last else None


# A follow-up that names a word but no attribute of its own ("创业担保贷款发放那项呢") is short.
ELLIPTICAL_MAX_CHARS = 12


def last_reply_text(tracker: Tracker) -> str:
    """What the assistant said since the asker's previous message (the answer just given)."""
    said: List[str] = []
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif users == 1 and event.get("event") == "bot" and event.get("text"):
            said.append(str(event["text"]))
    return "\n".join(reversed(said))


def names_what_was_just_said(frame: Frame, reply: str) -> bool:
    """那见习机会呢 after an answer listing 1次就业见习机会: a short follow-up whose words all stand
    in the answer just given asks about that answer, whatever topic the words sound like."""
    return bool(frame.content) and len(frame.text) <= ELLIPTICAL_MAX_CHARS and all(w in reply for w in frame.content)


def _answers_attribute(kb: KnowledgeBase, topic: str, frame: Frame, province: Optional[str]) -> bool:
    attribute = frame.attribute
    return attribute is not None and any(
        attribute.answered_by(f.kind, f.say) for c in kb.clauses_for(topic, province) for f in c.facts
        if f.key.startswith(topic + ".")
    )


def best_covering_topic(kb: KnowledgeBase, frame: Frame, province: Optional[str]) -> Optional[str]:
    """The topic whose clauses cover the question's words, when the NLU's (or the conversation's)
    topic does not: ties are broken by the best-fitting fact (its keywords and words), then by the
    best search hit among them."""
    covering = [
        t for t in kb.topics if answering.topic_coverage(kb, t, frame, province) >= answering.COVERAGE_MIN
    ]
    if frame.attribute is not None:  # 多久办一次招聘会: the topic that states a frequency
        answering_topics = [t for t in covering if _answers_attribute(kb, t, frame, province)]
        covering = answering_topics or covering
    if len(covering) <= 1:
        return covering[0] if covering else None
    fit = {t: answering.best_fact_match(kb.clauses_for(t, province), frame.text) for t in covering}
    best = max(fit.values())
    tied = [t for t in covering if fit[t] == best] if best > 0 else covering
    if len(tied) == 1:
        return tied[0]
    # A clause on several topics lists its main one first: 1311乘N is 1311 service, not incubation.
    for hit in kb.search(frame.text, province, limit=10):
        for topic in hit.clause.topics:
            if topic in tied:
                return topic
    return tied[0]


def topic_about_what_is_left_out(
    kb: KnowledgeBase, candidate: str, frame: Frame, province: Optional[str],
) -> Optional[str]:
    """吉林的国企招了应届生有啥支持, heard as employer support: the NLU's topic leaves 国企 out, and
    another topic holds every word, has facts about 国企 (their keywords name it) and fits the
    question better. The words the intent's topic does not hold are what is asked about; when a
    clause asks of something of its own, only its words are (我已经登记过失业了，还能参加见习吗 asks
    of 见习: 登记 is what the asker has done, not what is asked about)."""
    clauses = kb.clauses_for(candidate, province)
    asked = frame.asked or frame.content
    left_out = [w for w in asked if not any(coverage([w], clause_text(c)) >= 1.0 for c in clauses)]
    if not left_out:
        return None
    fit = answering.best_fact_match(clauses, frame.text)
    about: Dict[str, float] = {}
    for topic in kb.topics:
        if topic == candidate or answering.topic_coverage(kb, topic, frame, province) < 1.0:
            continue
        keywords = {k for c in kb.clauses_for(topic, province) for f in c.facts for k in f.keywords}
        if all(w in keywords for w in left_out):
            about[topic] = answering.best_fact_match(kb.clauses_for(topic, province), frame.text)
    best = max(about, key=lambda t: about[t], default=None)
    return best if best is not None and about[best] > fit else None


# How much better another topic's best fact must fit the question to override the NLU's topic.
FAR_BETTER_FIT = 2.0


def choose_topic(
    kb: KnowledgeBase, candidate: Optional[str], frame: Frame, province: Optional[str], follows_up: bool = False,
) -> Optional[str]:
    """Keep ``candidate`` when it covers what the question names, else the topic that does. A
    follow-up's candidate is the conversation's subject: covering the words is enough to keep it
    (离校多久以内才能领 after 一次性创业补贴 asks of that subsidy, though another topic's fact
    speaks of 离校 more), unless the words name another topic (那培训呢 after 场地)."""
    if not frame.content:
        return candidate
    if candidate and province and rules.compute(kb.clauses_for(candidate, province), frame.details, frame.text).lines:
        return candidate  # 12个人就是264万，能批下来吗: the asker's own case, which the topic's rules compute
    if candidate and answering.topic_coverage(kb, candidate, frame, province) >= answering.COVERAGE_MIN:
        if follows_up and not any(t != candidate and coverage(frame.content, kb.topics[t].name) == 1.0 for t in kb.topics):
            return candidate
        about = topic_about_what_is_left_out(kb, candidate, frame, province)
        if about is not None:
            return about
        best = best_covering_topic(kb, frame, province)
        if best is None or best == candidate:
            return candidate
        # The intent is a prior, the documents are the evidence: another topic that covers the
        # question as well and has a fact fitting it far better (引导到基层就业的人数 is a grassroots
        # figure, though "比去年" sounds like a results question) is the subject.
        fit = answering.best_fact_match(kb.clauses_for(candidate, province), frame.text)
        other = answering.best_fact_match(kb.clauses_for(best, province), frame.text)
        covers_as_well = answering.topic_coverage(kb, best, frame, province) >= answering.topic_coverage(
            kb, candidate, frame, province)
        return best if covers_as_well and other >= FAR_BETTER_FIT * max(fit, 0.5) else candidate
    return best_covering_topic(kb, frame, province) or candidate


def plan_or_result_topic(
    kb: KnowledgeBase, topic: Optional[str], frame: Frame, province: Optional[str], continued: Optional[bool] = None,
) -> Optional[str]:
    """A plan asked of a topic that reports results (2022年计划实现农村劳动力转移就业多少人) goes to
    the topic whose clauses cover it and state plans, and a result asked of a plan topic to the
    results topic that covers it; otherwise ``topic`` stays. ``continued``: whether the subject a
    short follow-up asking nothing of its own continues reports results (青年见习呢 after
    城镇新增就业完成了多少 asks the internship's result)."""
    wants_results = load_lexicon().results_asked(frame.text, frame.asking)
    if wants_results is None:
        wants_results = continued
    if topic is None or wants_results is None or not frame.content or kb.topics[topic].results == wants_results:
        return topic
    others = [
        t for t in kb.topics if kb.topics[t].results == wants_results
        and answering.topic_coverage(kb, t, frame, province) >= answering.COVERAGE_MIN
    ]
    if not others:
        return topic
    fit = {t: answering.best_fact_match(kb.clauses_for(t, province), frame.text) for t in others}
    return max(others, key=lambda t: fit[t])


def _asks_a_contact_of_nothing(frame: Frame) -> bool:
    """找谁联系, 有邮箱吗 after an answer: whom to contact about what was just asked (the NLU's
    hotline intent is only what the words sound like); a request for a person (人工) is not."""
    attribute = frame.attribute
    return (
        not frame.content and attribute is not None and attribute.document_wide
        and not load_lexicon().asks_for_a_person(frame.text)
    )


def plan_question(
    kb: KnowledgeBase, intent: str, frame: Frame, subject: Optional[str], previous: Optional[Frame],
    province: Optional[str] = None, said_before: bool = False,
) -> Tuple[Optional[str], Frame]:
    """The topic to answer and the frame to answer it with. A message that names its own subject
    starts a new question; one that does not ("那江西呢", "那利息呢", "五个人呢", "赣州的") keeps the
    previous subject and changes only what it names: a bare follow-up reuses the previous question
    with the new numbers merged in; one that asks without naming anything (应届的有多少) is asked of
    what the previous question named; one that names a word is asked in its own words, with the
    previous question's numbers (and, when it asks nothing of its own, attribute) kept. The topic is
    always one whose clauses cover the words the question names, when any does."""
    intent_topic = kb.topic_for_intent(intent)
    topic = intent_topic.id if intent_topic else None
    follows_up = False
    # 这个政策延续到啥时候; 那见习机会呢 when the answer just given named 见习机会 (``said_before``)
    points_back = previous is not None and (said_before or load_lexicon().refers_back(frame.text))
    # 我们公司在江西招了5个应届生有补贴不 after 人才公寓怎么申请: every word generic, yet too long to
    # be a follow-up and heard as a topic of its own; it asks its own question
    bare = frame.bare and not (topic not in (None, subject) and len(frame.text) > ELLIPTICAL_MAX_CHARS)
    if subject and subject in kb.topics and (
        topic is None or bare or _asks_a_contact_of_nothing(frame) or points_back
    ):
        if bare and previous is not None:
            return subject, replace(previous, details=frame.details.merged_over(previous.details))
        topic, follows_up = subject, True
    if (
        previous is not None and subject and topic != subject and not frame.content and previous.content
        and frame.attribute is not None and not frame.attribute.document_wide
    ):  # 2022年全省一共发了多少 after 扩岗补助, heard as a results question: asked of 扩岗补助
        named = replace(frame, text="".join(previous.content) + "，" + frame.text, content=previous.content)
        chosen = plan_or_result_topic(kb, choose_topic(kb, topic, named, province, False), named, province)
        if chosen is not None and chosen != subject:
            return chosen, replace(named, details=frame.details.merged_over(previous.details))
    elliptical = previous is not None and frame.attribute is None and len(frame.text) <= ELLIPTICAL_MAX_CHARS
    continues = kb.topics[subject].results if elliptical and subject in kb.topics else None
    chosen = plan_or_result_topic(kb, choose_topic(kb, topic, frame, province, follows_up), frame, province, continues)
    if previous is not None and chosen == subject:
        details = frame.details.merged_over(previous.details)
        names_its_own = bool(frame.content)
        if not frame.content and previous.content and frame.attribute is not None and frame.attribute.document_wide:
            # 找谁联系, 邮箱呢: the contact of what the previous question named; its own words pick the fact
            frame = replace(frame, content=previous.content)
        elif not frame.content and previous.content:
            # 应届的有多少 after 事业单位招多少人: what it is asked of is what the previous question named
            frame = replace(frame, text="".join(previous.content) + "，" + frame.text, content=previous.content)
        carried = previous.attribute
        if carried is not None and carried.carried_as and names_its_own:
            carried = load_lexicon().attribute(carried.carried_as)
        if frame.attribute is None and len(frame.text) <= ELLIPTICAL_MAX_CHARS and carried is not None:
            return chosen, replace(frame, details=details, attribute=carried, inherited=True)
        return chosen, replace(frame, details=details)
    return chosen, frame


def _asks_what_to_do(frame: Frame) -> bool:
    """Asks nothing in particular, or how to go on (实在找不到工作呢, 还没找到工作怎么办), or ends
    asking what there is after an earlier clause's question (这边怎么算，有啥扶持)."""
    attribute = frame.attribute
    return attribute is None or attribute.id == "procedure" or attribute.open_ended or _ends_asking_what_there_is(frame)


def _ends_asking_what_there_is(frame: Frame) -> bool:
    return bool(frame.asking) and frame.attribute is not None and not frame.attribute.matches(frame.asking)


def _plea(frame: Frame) -> Frame:
    """An out-of-work plea asked of the services: no words of its own, and no attribute when its
    last clause asks what there is."""
    attribute = None if _ends_asking_what_there_is(frame) else frame.attribute
    return replace(frame, content=(), asked=(), attribute=attribute)


def out_of_work_topic(
    kb: KnowledgeBase, text: str, province: Optional[str] = None, details: Optional[QuestionDetails] = None,
) -> Optional[str]:
    """The services for graduates out of work (the lexicon's ``out_of_work_topics``, the first the
    province has) when a message says someone is out of work and asks what there is, naming
    nothing in particular (我家孩子毕业还没工作，人社能提供啥服务). Out of work two years after
    leaving, the support for 就业困难 graduates comes first where the province's documents say so."""
    lexicon = load_lexicon()
    if not (lexicon.asks_at_all(text) and lexicon.says_out_of_work(text)):
        return None
    topics = [t for t in lexicon.out_of_work_topics if t in kb.topics]
    years = details.years_since_graduation if details is not None else None
    if lexicon.out_of_work_long is not None and years is not None:
        least, long_topic, stated = lexicon.out_of_work_long
        if years >= least and any(stated.search(f.say) for c in kb.clauses_for(long_topic, province) for f in c.facts):
            topics.insert(0, long_topic)
    return next((t for t in topics if kb.clauses_for(t, province)), None)


def offer_registration(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, answer: Answer) -> None:
    """After answering a graduate who says they are out of work ("毕业半年了还没找到工作，该怎么办"),
    offer registration when they have none on this channel. Not after a plain policy question,
    not to a parent or an employer asking, not for a province we do not cover, not to someone who
    says they have registered already (我已经登记过失业了，还能参加见习吗: registered elsewhere)."""
    if tracker.active_loop_name or answer.kind == "uncovered" or load_lexicon().asker_of(text) != "graduate":
        return  # a question asked in the middle of the form: the form is the registration
    if not load_lexicon().says_out_of_work(text) or says_registered(text):
        return
    if registration_of(tracker) is None:
        dispatcher.utter_message(response="utter_offer_registration")


def tell_where_to_register(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """去哪登记 / 在网上哪能登记失业: where the documents say to register, cited, before the form
    starts here. Only for a covered province the conversation names: the form's first question
    follows, so the answer cannot end asking for a province."""
    text = (tracker.latest_message or {}).get("text") or ""
    procedure = load_lexicon().attribute("procedure")
    if not ((procedure is not None and procedure.matches(text)) or "哪" in text):
        return []
    region = resolve_region(tracker)
    kb = knowledge_base()
    topic = kb.topic_for_intent("ask_registration_info")
    if region is None or not region.covered or topic is None:
        return []
    answer = answering.topic_answer(kb, topic.id, text, region, parse_frame(text, kb.known_text))
    if answer.kind != "policy":
        return []
    send(dispatcher, answer)
    return region_events(tracker, region) + [SlotSet("last_documents", cited_documents(answer))]


class ActionAnswerPolicy(BlockingAction):
    """Answers every message that no rule of its own handles: policy questions, follow-ups, places
    given after we asked, unsure parses (searched), and stray acknowledgements."""

    def name(self) -> Text:
        return "action_answer_policy"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return answer_latest_message(dispatcher, tracker)


def answer_latest_message(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Answer the latest message as a policy question (or decline it); the slot events to apply.
    Also used by the registration form for a question typed where a field was expected."""
    kb = knowledge_base()
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name") or ""
    text = message.get("text") or ""
    if not tracker.active_loop_name and asks_to_register(text):  # 想登记一下 read as a policy question
        # 我是江西的…要去哪登记: the place is kept for the questions asked during the form
        told = tell_where_to_register(dispatcher, tracker)
        return (told or region_events(tracker, resolve_region(tracker))) + start_registration_form()
    frame = parse_frame(text, kb.known_text)
    if intent in ACKNOWLEDGE_INTENTS and frame.bare:  # 嗯 那有问题打哪个电话 asks a contact
        dispatcher.utter_message(response="utter_acknowledge")
        return []
    subject = tracker.get_slot("pending_topic") or tracker.get_slot("subject")
    new_figures = frame.details != QuestionDetails()  # 我们是四个人 after 合伙能贷多少: a follow-up
    if intent == "inform" and not load_lexicon().asks_at_all(text) and not (subject and new_figures):  # no form open
        dispatcher.utter_message(response="utter_inform_outside_form")
        return []
    region = resolve_region(tracker)
    if region is not None and compares_covered_provinces(text):
        region = None  # 吉林跟江西比，贷款上限差多少: each province is answered
    province = region.province if region is not None else None
    if (region is None or region.covered) and load_lexicon().asks_about_document(text):
        about_document = answering.document_answer(kb, frame, province, tracker.get_slot("last_documents") or ())
        if about_document is not None:
            send(dispatcher, about_document)
            return region_events(tracker, region) + [SlotSet("last_documents", cited_documents(about_document))]
    own = frame
    said_before = names_what_was_just_said(frame, last_reply_text(tracker))
    topic, frame = plan_question(kb, intent, frame, subject, previous_frame(tracker, kb), province, said_before)
    situation = load_lexicon().out_of_work_phrases(text)
    help_topic = out_of_work_topic(kb, text, province, own.details) if situation else None
    situation_words = tuple(w for w in frame.content if any(w in p for p in situation))
    if situation_words and len(situation_words) < len(frame.content):
        # 离校两年多了一直待业，家里压力很大，有没有政策: 待业 is told, not asked about; the rest is
        frame = replace(frame, content=tuple(w for w in frame.content if w not in situation_words),
                        asked=tuple(w for w in frame.asked if w not in situation_words))
    elif situation_words:
        # 我失业了，该怎么办: being out of work is the asker's situation, not what is asked about
        frame = replace(frame, content=(), asked=())
        topic = help_topic or topic
    elif help_topic and not own.content and _asks_what_to_do(own) and not load_lexicon().helps_the_long_out_of_work(subject):
        # 实在找不到工作呢 after an answer on loans: the asker's situation, not a follow-up on loans
        topic, frame = help_topic, _plea(own)
    elif topic is None and not frame.content:  # 还没找到工作，我该怎么办
        topic = help_topic
    if region is not None and not region.covered:
        answer = answering.uncovered_answer(region)
    elif topic is not None:
        answer = answering.topic_answer(kb, topic, frame.text, region, frame)
        if answer.kind == "unknown" and frame.inherited:  # asked of the subject, not of that attribute
            frame = replace(frame, attribute=None, inherited=False)
            answer = answering.topic_answer(kb, topic, frame.text, region, frame)
        if answer.kind == "unknown" and topic == subject and own.content:
            # 那贷款还能贷吗，最多多少 after 一次性创业补贴: the subject's clauses mention 贷款 but state no
            # figure of it; the topic the words are heard as does
            heard = kb.topic_for_intent(intent)
            if heard is not None and heard.id != topic:
                retry = answering.topic_answer(kb, heard.id, own.text, region, own)
                if retry.kind == "policy":
                    answer, topic = retry, heard.id
    elif region is not None and frame.bare:
        answer = Answer(
            text=f"好的，已记下您在{region.province}省。请问您想了解哪方面的政策？例如创业担保贷款、就业见习补贴、档案托管等。",
            kind="acknowledge", region=region.province,
        )
    else:
        hits = kb.search(text, region.province if region else None)
        answer = answering.search_answer(kb, text, hits, frame)
    answered = tracker.get_slot("last_answered") or []
    if (answer.kind == "unknown" and len(answered) == 2 and answered[1] != tracker.get_slot("last_question")
            and not own.content):
        # 报给哪个单位 after a declined aside (赶上放假呢): asked of the last question answered
        answered_topic, answered_text = answered
        retry_topic, retry_frame = plan_question(
            kb, intent, own, answered_topic, parse_frame(answered_text, kb.known_text), province, False)
        if retry_topic is not None:
            retry = answering.topic_answer(kb, retry_topic, retry_frame.text, region, retry_frame)
            if retry.kind == "policy":
                answer, topic, frame = retry, retry_topic, retry_frame
    if subject and _asks_a_contact_of_nothing(own) and answer.kind in ("policy", "unknown"):
        # 有问题找谁 after an answer: the contact person the document just cited gives, if any
        contact = answering.document_contact(kb, tracker.get_slot("last_documents") or (), province, answer.topic)
        answer = contact or answer
    if answer.kind == "unknown" and help_topic and _asks_what_to_do(own):
        # 待业两年了，有没有政策能帮帮我: the words around the plea are not covered, the plea is
        answer = answering.topic_answer(kb, help_topic, text, region, _plea(own))
    if answer.kind == "unknown":
        record_unanswered(tracker, text, region, answer)
    if tracker.active_loop_name and answer.kind == "both_provinces":  # the form asks its own question next
        answer = replace(answer, text=answer.text.replace("\n" + answering.ASK_PROVINCE, ""))
    send(dispatcher, answer)
    offer_registration(dispatcher, tracker, text, answer)  # this message's words, not a follow-up's
    events = region_events(tracker, region)
    waiting = answer.kind == "both_provinces" and not tracker.active_loop_name  # for the place asked back
    events.append(SlotSet("pending_topic", answer.topic if waiting else None))
    subject_now = answer.topic or topic  # a declined question is still what was asked about
    if subject_now and answer.kind in ("policy", "both_provinces", "search", "not_in_province", "unknown"):
        events += [SlotSet("subject", subject_now), SlotSet("last_question", frame.text)]
    if answer.kind in ("policy", "both_provinces") and answer.topic:
        events.append(SlotSet("last_answered", [answer.topic, frame.text]))
    events.append(SlotSet("last_documents", cited_documents(answer)))
    return events


class ReplyUnlessAsked(BlockingAction, abc.ABC):
    """A fixed reply (``response``) to an intent a question can be heard as: a message that asks
    something (``asks``) gets the policy answer instead. Abstract, so rasa_sdk does not register it."""

    response: Text

    @abc.abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    def asks(self, text: str) -> bool:
        return load_lexicon().asks_at_all(text)

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if self.asks(text):
            return ActionAnswerPolicy().run_blocking(dispatcher, tracker, domain)
        dispatcher.utter_message(response=self.response)
        return []


class ActionGoodbye(ReplyUnlessAsked):
    """再见 gets a goodbye; a question the NLU took for one (去哪问) gets an answer."""

    response = "utter_goodbye"

    def name(self) -> Text:
        return "action_goodbye"


def names_a_covered_subject(kb: KnowledgeBase, text: str, province: Optional[str]) -> bool:
    """Whether a message names a policy term the documents cover (1311乘N是个啥): then it is a policy
    question, whatever intent the NLU gave it. Only a policy term or a service number counts, not
    any covered word: declining stays the default for what the NLU finds out of scope."""
    frame = parse_frame(text, kb.known_text)
    lexicon = load_lexicon()
    names_term = any(w in policy_terms() or w in lexicon.terms or w in lexicon.named_numbers for w in frame.content)
    return names_term and best_covering_topic(kb, frame, province) is not None


class ActionOutOfScope(BlockingAction):
    """Questions outside employment policy: say what we can do, and where to ask otherwise."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run_blocking(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        region = resolve_region(tracker)
        if (region is None or region.covered) and names_a_covered_subject(
            knowledge_base(), text, region.province if region else None
        ):
            return ActionAnswerPolicy().run_blocking(dispatcher, tracker, domain)
        if region is not None and not region.covered:
            send(dispatcher, answering.uncovered_answer(region))
            return []
        answer = Answer(
            text=(
                "抱歉，这个问题超出了我的服务范围。我是就业助手，只能解答吉林省、江西省高校毕业生的就业创业政策，"
                "例如创业担保贷款、就业见习补贴、档案托管、失业登记等。其他问题请咨询相关部门，"
                "就业政策方面也可拨打12333人社服务热线。"
            ),
            kind="out_of_scope",
        )
        logger.debug("out of scope message of %d characters", len(text))
        send(dispatcher, answer)
        return []
