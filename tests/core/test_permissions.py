"""Permissions as named predicates: each one, combined, and the one refusal that names who may."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from handlers.app import wording
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.errors import NotAllowed, NotInDirectory
from opsbot.permissions import (
    ANYONE,
    IN_OWNERS_CHAIN,
    IN_SUBJECTS_UNIT,
    IS_ADMIN,
    IS_MEMBER,
    IS_OWNER,
    IS_PARTY,
    Permission,
    allows,
    at_least,
    grants,
    has_role,
    in_chain_of,
    is_one_of,
    is_person,
    require,
)
from opsbot.roles import Role
from opsbot.subjects import Parties
from tests.wordings import english_wording

DIRECTOR, MANAGER, LEADER, CLERK = "U0ZHAOMIN", "U0SUNLI", "U0WUFANG", "U0ZHENGHAO"
QC, ADMIN, OTHER_CLERK, STRANGER = "U0LUYAN", "U0XUKAI", "U0FENGYU", "U0NOBODY"
HANDLED_BY_CLERK = Parties(owner=CLERK, unit="intake", parties=frozenset({CLERK, OTHER_CLERK}))


@pytest.fixture
def context(loaded, center, clock):
    with loaded.reading() as session:
        directory = load_directory(session)
    return lambda actor: Context(center, directory, clock.now(), actor)


@pytest.mark.parametrize(
    ("permission", "subject", "allowed"),
    [
        (at_least(Role.SUPERVISOR), None, {DIRECTOR, MANAGER, LEADER}),
        (at_least(Role.MANAGER), None, {DIRECTOR, MANAGER}),
        (has_role(Role.QC_INSPECTOR), None, {QC}),
        (at_least(Role.GROUP_LEADER) | has_role(Role.QC_INSPECTOR), None, {DIRECTOR, MANAGER, LEADER, QC}),
        (IS_ADMIN, None, {ADMIN}),
        (IS_OWNER, HANDLED_BY_CLERK, {CLERK}),
        # The clerk's chain: Wu Fang, Zhou Jie, Sun Li, Qian Lei, Zhao Min.
        (IN_OWNERS_CHAIN, HANDLED_BY_CLERK, {CLERK, LEADER, MANAGER, DIRECTOR}),
        (IS_PARTY, HANDLED_BY_CLERK, {CLERK, OTHER_CLERK}),
        (IS_OWNER, None, set()),
    ],
)
def test_each_predicate_lets_in_exactly_whom_it_names(context, permission, subject, allowed):
    everyone = {DIRECTOR, MANAGER, LEADER, CLERK, QC, ADMIN, OTHER_CLERK}
    assert {p for p in everyone if allows(permission, context(p), subject)} == allowed


def test_require_returns_the_person_it_lets_in(context):
    assert require(at_least(Role.SUPERVISOR), context(LEADER), "announce").name == "Wu Fang"


def test_the_refusal_names_every_alternative_the_action_and_the_actor_s_role(context, center):
    say = wording(center.calendar.zone)
    permission = IN_OWNERS_CHAIN | has_role(Role.QC_INSPECTOR)
    with pytest.raises(NotAllowed) as refused:
        require(
            permission,
            context(OTHER_CLERK),
            "case.accept",
            subject=HANDLED_BY_CLERK,
            number="CASE-2026-000001",
        )
    words = say.catalogue.english | {"action.case.accept": "accept {number}"}
    text = english_wording(words, say.zone).plain(refused.value.notice)
    assert text == (
        "Only Zheng Hao or their superiors or quality control can accept CASE-2026-000001; you are a "
        "specialist."
    )


def test_an_admin_need_not_be_in_the_directory_and_a_stranger_is_told_they_are_not(context, center):
    outsider = center.model_copy(update={"admins": (STRANGER,)})
    ctx = context(STRANGER)
    assert (
        require(IS_ADMIN, Context(outsider, ctx.directory, ctx.now, STRANGER), "look_after_deliveries")
        is None
    )
    with pytest.raises(NotInDirectory):
        require(IS_ADMIN, ctx, "look_after_deliveries")


# A subject a workflow reads more of: who took it in, and who stands in for its owner (if anyone).
@dataclass(frozen=True)
class Taken(Parties):
    clerk: str | None = None
    standing_in: str | None = None


TAKEN = Taken(owner=OTHER_CLERK, unit="intake", parties=frozenset({OTHER_CLERK}), clerk=CLERK)
CLERKS_CHAIN = in_chain_of("clerk_chain", lambda s, _d: s.clerk)
STANDS_IN = is_person("stands_in", lambda s, _d: s.standing_in)
WORDS = {
    "permission.clerk_chain": "{person} (who took it in) or their superiors",
    "permission.stands_in": "{person} (standing in)",
    "permission.first": "the first",
    "action.look": "look at {number}",
}


@pytest.mark.parametrize(
    ("permission", "subject", "allowed"),
    [
        (is_person("clerk", lambda s, _d: s.clerk), TAKEN, {CLERK}),
        (CLERKS_CHAIN, TAKEN, {CLERK, LEADER, MANAGER, DIRECTOR}),
        (is_one_of("asked", lambda _s, _d: {QC, ADMIN}), TAKEN, {QC, ADMIN}),
        # Intake's people and those of the units over it: business (Sun Li) and the center (Zhao Min).
        (IN_SUBJECTS_UNIT, TAKEN, {LEADER, CLERK, OTHER_CLERK, MANAGER, DIRECTOR}),
        (IS_MEMBER, None, {DIRECTOR, MANAGER, LEADER, CLERK, QC, ADMIN, OTHER_CLERK}),
        (IS_MEMBER & IS_OWNER, TAKEN, {OTHER_CLERK}),
        (STANDS_IN, TAKEN, set()),
    ],
)
def test_the_predicates_over_a_workflows_subject(context, permission, subject, allowed):
    everyone = {DIRECTOR, MANAGER, LEADER, CLERK, QC, ADMIN, OTHER_CLERK}
    assert {p for p in everyone if allows(permission, context(p), subject)} == allowed


def words_of(center, refused):
    say = wording(center.calendar.zone)
    return english_wording(say.catalogue.english | WORDS, say.zone).plain(refused.value.notice)


def test_a_refusal_of_permissions_joined_by_and_names_the_first_that_does_not_hold(context, center):
    first = Permission(("first",), lambda a: a.actor != QC)
    permission = first & (CLERKS_CHAIN | STANDS_IN)
    with pytest.raises(NotAllowed) as refused:
        require(permission, context(QC), "look", subject=TAKEN, number="CASE-2026-000001")
    assert words_of(center, refused) == "Only the first can look at CASE-2026-000001; you are a QC inspector."
    with pytest.raises(NotAllowed) as refused:
        require(permission, context(ADMIN), "look", subject=TAKEN, number="CASE-2026-000001")
    # No one stands in: that alternative is left out.
    assert words_of(center, refused) == (
        "Only Zheng Hao (who took it in) or their superiors can look at CASE-2026-000001; "
        "you are a specialist."
    )
    assert permission.codes == ("first", "clerk_chain", "stands_in")
    with pytest.raises(TypeError):
        _ = permission | IS_OWNER


def test_three_alternatives_or_more_are_listed_with_commas(context, center):
    permission = at_least(Role.MANAGER) | has_role(Role.QC_INSPECTOR) | IN_OWNERS_CHAIN
    with pytest.raises(NotAllowed) as refused:
        require(permission, context(CLERK), "look", subject=TAKEN, number="CASE-2026-000001")
    assert words_of(center, refused) == (
        "Only managers and above, quality control, or Feng Yu or their superiors can look at "
        "CASE-2026-000001; you are a specialist."
    )


def test_grants_reads_a_person_without_a_context_and_knows_no_admin(context):
    ctx = context(ADMIN)
    person = ctx.directory.member(ADMIN)
    assert grants(IN_SUBJECTS_UNIT | IS_ADMIN, person, ctx.directory, TAKEN) is False
    assert allows(IS_ADMIN, ctx) and grants(ANYONE, person, ctx.directory)
