"""Permissions as named predicates: each one, combined, and the one refusal that names who may."""

from __future__ import annotations

import pytest

from handlers.app import wording
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.errors import NotAllowed, NotInDirectory
from opsbot.permissions import (
    IN_OWNERS_CHAIN,
    IS_ADMIN,
    IS_OWNER,
    IS_PARTY,
    allows,
    at_least,
    has_role,
    require,
)
from opsbot.roles import Role
from opsbot.subjects import Parties

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
    words = say.words | {"action.case.accept": "accept {number}"}
    text = type(say)(words, say.zone).plain(refused.value.notice)
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
