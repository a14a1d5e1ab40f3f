"""The case lifecycle and rules as pure functions."""

from zoneinfo import ZoneInfo

import pytest

from handlers.app import wording
from opsbot.cases import rules
from opsbot.cases.lifecycle import UNRESOLVED, Event, IllegalStep, State, advance, allowed
from opsbot.directory import load_directory
from opsbot.roles import Role

SAY = wording(ZoneInfo("Asia/Shanghai"))

HAPPY_PATH = [
    (State.RETURNED, Event.SUPPLEMENT, State.REGISTERED),
    (State.REGISTERED, Event.ASSIGN, State.ASSIGNED),
    (State.ASSIGNED, Event.ACCEPT, State.IN_PROGRESS),
    (State.ASSIGNED, Event.ASK_JOINT, State.JOINT_REVIEW),
    (State.JOINT_REVIEW, Event.JOINT_AGREED, State.IN_PROGRESS),
    (State.IN_PROGRESS, Event.NOTE, State.IN_PROGRESS),
    (State.IN_PROGRESS, Event.SUBMIT, State.FIRST_REVIEW),
    (State.FIRST_REVIEW, Event.REVIEW_RETURN, State.IN_PROGRESS),
    (State.FIRST_REVIEW, Event.REVIEW_PASS, State.SECOND_REVIEW),
    (State.SECOND_REVIEW, Event.REVIEW_RETURN, State.IN_PROGRESS),
    (State.SECOND_REVIEW, Event.REVIEW_PASS, State.FEEDBACK),
    (State.FEEDBACK, Event.INFORM, State.FOLLOW_UP),
    (State.FOLLOW_UP, Event.SATISFIED, State.CLOSED),
    (State.FOLLOW_UP, Event.DISSATISFIED, State.IN_PROGRESS),
    (State.ASSIGNED, Event.REJECT, State.REJECTED),
    (State.JOINT_REVIEW, Event.JOINT_DECLINED, State.ASSIGNED),
]


@pytest.mark.parametrize(("state", "event", "after"), HAPPY_PATH)
def test_legal_steps(state, event, after):
    assert advance("CASE-2026-000001", state, event) is after


def test_a_complaint_result_goes_back_to_customer_service_without_review():
    assert advance("CASE-2026-000002", State.IN_PROGRESS, Event.SUBMIT, complaint=True) is State.FEEDBACK


@pytest.mark.parametrize(
    ("state", "event", "message"),
    [
        (State.CLOSED, Event.NOTE, "You can't add progress to CASE-2026-000001: it is closed."),
        (State.SECOND_REVIEW, Event.SUBMIT, "it is waiting for the second-level review"),
        (State.FEEDBACK, Event.REVIEW_PASS, "it is to be told to the customer"),
        (State.REJECTED, Event.ACCEPT, "it is rejected"),
        (State.RETURNED, Event.ACCEPT, "it is returned for supplement"),
    ],
)
def test_illegal_steps_name_the_state(state, event, message):
    with pytest.raises(IllegalStep) as raised:
        advance("CASE-2026-000001", state, event)
    assert message in SAY.plain(raised.value.notice)


@pytest.mark.parametrize("state", UNRESOLVED)
def test_a_case_whose_type_changes_before_its_result_goes_to_its_unit_or_back_for_items(state):
    assert advance("CASE-2026-000001", state, Event.REROUTE) is State.REGISTERED
    assert advance("CASE-2026-000001", state, Event.RETURN_FOR_SUPPLEMENT) is State.RETURNED


def test_every_state_event_pair_is_decided():
    legal = sum(allowed(state, event) for state in State for event in Event)
    # Plus re-assigning an assigned or in-progress case, and a type change in each unresolved state.
    assert legal == len(HAPPY_PATH) + 2 + 2 * len(UNRESOLVED)


def test_a_contact_is_a_phone_number_or_an_email_address():
    for phone in ("13812345678", "+86 138-1234-5678", "021 (6123) 4567", "138.1234.5678"):
        assert rules.contact_kind(phone) == "phone"
    for address in ("li.na@example.com", " w@example.co.uk "):
        assert rules.contact_kind(address) == "email"
    for neither in ("not a phone", "12345", "1234567890123456", "+86+13812345678", "a@b", "a b@x.com", ""):
        assert rules.contact_kind(neither) is None


def test_missing_items_follow_the_case_type_order():
    assert rules.missing_items(["Application form", "ID proof", "Receipt"], [" id PROOF "]) == [
        "Application form",
        "Receipt",
    ]
    assert rules.missing_items([], ["anything"]) == []


def test_contacts_are_masked():
    assert rules.mask_contact("13812345678") == "138****5678"
    assert rules.mask_contact("+86 138-1234-5678") == "861****5678"
    assert rules.mask_contact("zhang.wei@example.com") == "z***@example.com"
    assert rules.mask_contact("WeChat li") == "W***"


@pytest.fixture
def directory(loaded):
    with loaded.reading() as session:
        return load_directory(session)


def test_least_loaded_handler_with_stable_ties(directory):
    handlers = rules.handlers_of("intake", directory)
    assert [p.name for p in handlers] == ["Chen Jing", "Feng Yu", "Zheng Hao"]
    assert rules.least_loaded(handlers, {}).name == "Chen Jing"
    assert rules.least_loaded(handlers, {"U0CHENJING": 2, "U0FENGYU": 1, "U0ZHENGHAO": 1}).name == "Feng Yu"
    assert rules.least_loaded([], {}) is None
    # a unit without specialists is handled by whoever dispatches its work: its leader, else its head
    assert [p.name for p in rules.handlers_of("quality", directory)] == ["He Ping"]
    assert rules.dispatcher("quality", directory).name == "He Ping"
    assert rules.dispatcher("intake", directory).name == "Wu Fang"


def test_reviewers_are_the_group_leader_then_the_deputy_manager(directory):
    pair = rules.reviewers_for("intake", "U0FENGYU", directory)
    assert (pair.first.name, pair.second.name) == ("Wu Fang", "Zhou Jie")


def test_no_one_reviews_their_own_handling(directory):
    pair = rules.reviewers_for("intake", "U0WUFANG", directory)  # the group leader handled it
    assert (pair.first.name, pair.second.name) == ("Zhou Jie", "Sun Li")


def test_a_unit_without_a_leader_cannot_be_reviewed(directory):
    with pytest.raises(rules.NoReviewer) as raised:
        rules.reviewers_for("finance", "U0TANGXIN", directory)
    assert raised.value.role is Role.GROUP_LEADER
