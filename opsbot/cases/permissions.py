"""Who may do what with cases, each rule a named permission (`docs/permissions.md` has them all, route by
route), over a case as its permissions read it (`OnCase`). Every step that refuses a person does it with
`require_on`, naming what they tried (`action.case.<step>`)."""

from __future__ import annotations

from dataclasses import dataclass

from opsbot.cases import rules
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.records import SUBJECT, reference
from opsbot.context import Context
from opsbot.directory import Directory, Member
from opsbot.notices import Param
from opsbot.permissions import (
    IN_OWNERS_CHAIN,
    IN_SUBJECTS_UNIT,
    IS_MEMBER,
    IS_PARTY,
    Permission,
    at_least,
    has_role,
    in_chain_of,
    is_one_of,
    is_person,
    require,
)
from opsbot.roles import Role
from opsbot.subjects import Parties


@dataclass(frozen=True)
class OnCase(Parties):
    """A case as its permissions read it: its handler's (the owner), in its unit, with the people on it (as
    `records.SUBJECT` has them); and who took it in, who reviews it at the level it is at, who tells the
    customer (the handler; customer service a complaint's result), who follows it up, and who was asked in
    its latest joint review."""

    registrar: str | None = None
    reviewer: str | None = None
    teller: str | None = None
    follow_up_owner: str | None = None
    joint_reviewers: frozenset[str] = frozenset()


def on_case(case: Case, directory: Directory, *, joint_reviewers: frozenset[str] = frozenset()) -> OnCase:
    parties = SUBJECT.parties(case, directory)
    state = State(case.state)
    levels = {State.FIRST_REVIEW: case.first_reviewer, State.SECOND_REVIEW: case.second_reviewer}
    result_told_by_service = case.complaint and state is not State.REJECTED
    return OnCase(
        owner=parties.owner,
        unit=parties.unit,
        parties=parties.parties,
        registrar=case.registered_by,
        reviewer=levels.get(state),
        teller=case.registered_by if result_told_by_service else case.assignee,
        follow_up_owner=case.follow_up_owner,
        joint_reviewers=joint_reviewers,
    )


def require_on(
    permission: Permission[OnCase],
    ctx: Context,
    action: str,
    case: Case,
    *,
    joint_reviewers: frozenset[str] = frozenset(),
    **about: Param,
) -> Member | None:
    """`require` for a step of `case`: refused in the words of `action.<action>`, with the case's number."""
    subject = on_case(case, ctx.directory, joint_reviewers=joint_reviewers)
    return require(permission, ctx, action, subject=subject, number=reference(case), **about)


def _handlers(case: OnCase, directory: Directory) -> set[str]:
    return {person.slack_id for person in rules.handlers_of(case.unit or "", directory)}


def _dispatcher(case: OnCase, directory: Directory) -> str | None:
    found = rules.dispatcher(case.unit or "", directory)
    return found.slack_id if found else None


def _registrar(case: OnCase, _directory: Directory) -> str | None:
    return case.registrar


def _reviewer(case: OnCase, _directory: Directory) -> str | None:
    return case.reviewer


def _teller(case: OnCase, _directory: Directory) -> str | None:
    return case.teller


def _follow_up_owner(case: OnCase, _directory: Directory) -> str | None:
    return case.follow_up_owner


def _joint_reviewers(case: OnCase, _directory: Directory) -> frozenset[str]:
    return case.joint_reviewers


# Anyone in the directory takes in a customer's request, whatever their role or unit.
TAKES_IN_CASES = IS_MEMBER
# The handler, and their superiors, act on the case: accept, reject, ask for a joint review, add progress,
# submit the result, record a reply to the customer. (Only while in the directory: a handler who has left
# it no longer acts on their cases.)
WORKS_ON_CASE: Permission[OnCase] = IS_MEMBER & IN_OWNERS_CHAIN
# A handler of the case's unit (its specialists, or its dispatcher when it has none), or its dispatcher.
TAKES_CASE = is_one_of("case.unit_handler", _handlers) | is_person("case.dispatcher", _dispatcher)
# The unit's dispatcher (its group leader or supervisor, else its head) or anyone above them.
PICKS_HANDLER = in_chain_of("case.dispatcher_chain", _dispatcher)
# Only the people asked in the latest round of a joint review (not the handler, nor their superiors).
JOINT_REVIEWER = is_one_of("case.joint_reviewer", _joint_reviewers)
# The reviewer of the level the case is at, and no one else: no superior, no delegate.
REVIEWS_LEVEL = is_person("case.reviewer", _reviewer)
# Whoever tells the customer (the handler; customer service, who took it in, a complaint's result), or
# their superiors.
TELLS_CUSTOMER = in_chain_of("case.teller_chain", _teller)
FOLLOWS_UP = in_chain_of("case.follow_up_chain", _follow_up_owner)
# The clerk who took the case in, or their superiors, record what the customer sent in.
RECORDS_SUPPLEMENT = in_chain_of("case.registrar_chain", _registrar)
# The clerk who took it in (themselves, not their superiors), or the handler and their superiors.
COMPLETES_DETAILS: Permission[OnCase] = is_person("case.registrar", _registrar) | IN_OWNERS_CHAIN
# The people working on the case see the customer's contact unmasked: the handler and their superiors, the
# clerk who took it in, its reviewers and whoever follows it up.
SEES_CONTACT: Permission[OnCase] = IN_OWNERS_CHAIN | IS_PARTY
SEES_EVERY_CASE = has_role(Role.QC_INSPECTOR) | at_least(Role.MANAGER)
# Besides, anyone sees the cases of their unit and of the units under it, and those they work on.
MAY_SEE_CASE: Permission[OnCase] = SEES_EVERY_CASE | IN_SUBJECTS_UNIT | SEES_CONTACT
# The whole center's figures.
MAY_SEE_CASE_FIGURES = at_least(Role.GROUP_LEADER) | has_role(Role.QC_INSPECTOR)
