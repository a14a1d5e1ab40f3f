"""Who may do what with approval requests, each rule a named permission (`docs/permissions.md` has them all,
route by route): over the request's parties (its requester's; for `/approval show`, everyone with a part in
it), or over one step of its chain as a decision reads it (`OnStep`)."""

from __future__ import annotations

from dataclasses import dataclass

from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import SUBJECT, on_other_steps
from opsbot.directory import Directory
from opsbot.permissions import (
    IS_MEMBER,
    IS_PARTY,
    Asking,
    Permission,
    at_least,
    has_role,
    is_person,
)
from opsbot.roles import Role
from opsbot.subjects import Parties


@dataclass(frozen=True)
class OnStep(Parties):
    """A request as a decision on one of its steps reads it: the requester's (the owner); the step's
    approver, whoever stands in for them, the superior it was escalated to, and everyone who approves,
    decided or was escalated another step of the chain."""

    approver: str | None = None
    delegate: str | None = None
    escalated_to: str | None = None
    other_steps: frozenset[str] = frozenset()


def on_step(
    request: ApprovalRequest,
    step: ApprovalStep,
    steps: list[ApprovalStep],
    directory: Directory,
    delegations: dict[str, str],
) -> OnStep:
    parties = SUBJECT.parties(request, directory)
    return OnStep(
        owner=parties.owner,
        unit=parties.unit,
        parties=parties.parties,
        approver=step.approver,
        delegate=delegations.get(step.approver),
        escalated_to=step.escalated_to,
        other_steps=on_other_steps(step, steps),
    )


def _requester(request: Parties, _directory: Directory) -> str | None:
    return request.owner


def _approver(step: OnStep, _directory: Directory) -> str | None:
    return step.approver


def _delegate(step: OnStep, _directory: Directory) -> str | None:
    return step.delegate


def _escalated_to(step: OnStep, _directory: Directory) -> str | None:
    return step.escalated_to


def _not_the_requester(asking: Asking[OnStep]) -> bool:
    return asking.subject is not None and asking.actor != asking.subject.owner


def _one_step_each(asking: Asking[OnStep]) -> bool:
    """The step's own approver, or someone with no part in another step of the chain."""
    step = asking.subject
    return step is not None and (asking.actor == step.approver or asking.actor not in step.other_steps)


# Anyone in the directory asks for any kind of approval.
ASKS = IS_MEMBER
# Anyone in the directory has anyone in it stand in for them, for as long as they say.
DELEGATES = IS_MEMBER
# Only its requester withdraws a request, or resubmits it once returned for correction.
IS_REQUESTER: Permission[Parties] = is_person("approval.requester", _requester)
# A step is decided by its approver, whoever stands in for them (a delegation in force), or the superior it
# was escalated to; never by the requester; and, segregating incompatible duties, no one but the step's own
# approver decides it while they approve, decided or were escalated another step of the chain.
DECIDES_STEP: Permission[OnStep] = (
    Permission(("approval.not_requester",), _not_the_requester)
    & (
        is_person("approval.approver", _approver)
        | is_person("approval.stand_in", _delegate)
        | is_person("approval.escalated_to", _escalated_to)
    )
    & Permission(("approval.one_step",), _one_step_each)
)
# Its requester, everyone with a part in it (approvers, deciders, the superiors steps were escalated to,
# whoever stands in for a waiting step), quality control, and managers and above.
MAY_SEE_REQUEST = IS_PARTY | has_role(Role.QC_INSPECTOR) | at_least(Role.MANAGER)
