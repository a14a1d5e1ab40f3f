"""Chain resolution as a pure function: (kind, amount, requester, directory, delegations) → named steps.

The rules (REQUIREMENTS.md §2, segregation of incompatible duties, 不相容岗位分离):

- The tier is the first whose `up_to` is at least the amount, so an amount exactly at a boundary falls in
  the lower tier (with `up_to: 5000`, 5,000 is in that tier and 5,000.01 in the next).
- The requester never approves their own request, and no one approves two steps of the same chain. A step
  that would fall on the requester or on someone already in the chain goes to the next person up that
  person's superior chain (the first one who is neither).
- When no one up there is free, everyone from the step's holder upwards is the requester or already
  approves: the authority the step asks for already signs the chain, so the step is folded into the step of
  the first of them who approves (its label becomes "Department head + Director"). Refusing instead would
  make, in a center with two levels above its managers, every three-level chain impossible for a manager.
  A `next_level` step above the top of the center is folded into the step before it the same way.
- `MissingApprover` (refused at request time, naming the role) when no one holds the role, or when the
  step falls on the requester and no one in the center is above them: the director's own request whose
  policy has a `direct_superior` or `unit_head` step (or the director function) cannot be approved by anyone
  in the center (the regulation lets no one approve their own request), so it is decided outside opsbot.
- A delegation (approver → delegate: "while I am away, they decide for me") puts the delegate on that step,
  unless the delegate is the requester, approves another step, or already stands in on an earlier step:
  the delegate would then be deciding twice, so the approver keeps the step.

Step meanings:

- `direct_superior`: the requester's `reports_to`.
- `unit_head`: the head (`Directory.head_of`) of the requester's department, i.e. the unit on the
  requester's unit path that is a direct child of the root (for intake → business → center: business).
  Someone in the root unit itself (the director, a deputy director) has the root as department.
- `next_level`: the superior of the previous step's approver (the approver, not their delegate).
- `receiving_unit_head`: the head of the collaboration's target unit.
- a function name: the head of the function's unit, or the holder of its role anywhere in the center.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from opsbot.approvals import phrases
from opsbot.approvals.policy import (
    DIRECT_SUPERIOR,
    NEXT_LEVEL,
    RECEIVING_UNIT_HEAD,
    UNIT_HEAD,
    ApprovalKind,
    ApprovalSettings,
    UnknownKind,
)
from opsbot.directory import Directory, Member
from opsbot.errors import OpsError
from opsbot.escalation import escalation_target, function_holder
from opsbot.notices import Notice, Param, Term

__all__ = ["ChainStep", "MissingApprover", "UnknownKind", "department_of", "resolve_chain"]


@dataclass(frozen=True)
class ChainStep:
    # The step as `ApprovalStep.label` keeps it: the steps one person takes, joined (`phrases.label`).
    label: str
    approver: str
    # Who decides in the approver's place while a delegation is active; None when the approver decides.
    delegate: str | None = None


class MissingApprover(OpsError):
    """No one can take a step: no one holds the role, or it falls on the requester and no one is above
    them."""


def resolve_chain(
    settings: ApprovalSettings,
    kind_key: str,
    requester: str,
    directory: Directory,
    *,
    amount: Decimal | None = None,
    target_unit: str | None = None,
    delegations: Mapping[str, str] | None = None,
) -> list[ChainStep]:
    """The ordered steps of a request with their approvers (and delegates), or MissingApprover naming the
    role no one can take. The request is one its model has read (`opsbot.approvals.asking`): the amount and
    the receiving unit are the kind's and valid. Pure: reads only its arguments."""
    kind = settings.kind(kind_key)
    person = directory.member(requester)
    tier = kind.tier_for(amount)
    target = target_unit if "target_unit" in kind.fields else None
    excluded = {requester}
    approvers: list[tuple[str, Member]] = []
    for step in tier.steps:
        label = settings.step_label(step)
        previous = approvers[-1][1] if approvers else None
        natural = _natural_holder(settings, step, person, previous, target, directory)
        if natural is None and step == NEXT_LEVEL and approvers:
            # The previous approver is the top of the center: the highest authority already signs.
            approvers[-1] = (approvers[-1][0] + phrases.MERGED + label, approvers[-1][1])
            continue
        if natural is None:
            raise _nobody(settings, kind, step, person, target, directory)
        if natural.slack_id not in excluded:
            excluded.add(natural.slack_id)
            approvers.append((label, natural))
            continue
        free = escalation_target(directory, natural.slack_id, avoid=excluded)
        if free is not None:
            excluded.add(free.slack_id)
            approvers.append((label, free))
            continue
        # Everyone from the natural holder up is the requester or already approves: the step's authority is
        # already in the chain, so it is folded into the step of the first of them who approves.
        cover = _covering_step(natural, approvers, directory)
        if cover is None:
            raise _falls_on_requester(kind, label, person)
        approvers[cover] = (approvers[cover][0] + phrases.MERGED + label, approvers[cover][1])
    return _with_delegates(approvers, requester, delegations or {}, directory)


def department_of(unit: str, directory: Directory) -> str:
    """The requester's department: the unit on the path to the root that is a direct child of the root (the
    root itself for someone who sits in it)."""
    path = directory.unit_path(unit)
    if len(path) >= 2:
        return path[-2].key
    return path[0].key if path else unit


def _natural_holder(
    settings: ApprovalSettings,
    step: str,
    requester: Member,
    previous: Member | None,
    target: str | None,
    directory: Directory,
) -> Member | None:
    """Who the policy names for the step, before segregation of duties is applied."""
    if step == DIRECT_SUPERIOR:
        return escalation_target(directory, requester.slack_id)
    if step == UNIT_HEAD:
        return directory.head_of(department_of(requester.unit, directory))
    if step == NEXT_LEVEL:
        # Validation keeps next_level from coming first, so there is always a previous approver.
        return escalation_target(directory, previous.slack_id) if previous else None
    if step == RECEIVING_UNIT_HEAD:
        return directory.head_of(target) if target else None
    return function_holder(settings.functions[step], directory)


def _covering_step(natural: Member, approvers: list[tuple[str, Member]], directory: Directory) -> int | None:
    """The position of the step approved by the natural holder, or by the first of their superiors in it."""
    positions = {member.slack_id: index for index, (_, member) in enumerate(approvers)}
    for candidate in [natural, *directory.superior_chain(natural.slack_id)]:
        if candidate.slack_id in positions:
            return positions[candidate.slack_id]
    return None


def _falls_on_requester(kind: ApprovalKind, label: str, requester: Member) -> MissingApprover:
    return MissingApprover(
        "approval.chain.falls_on_requester",
        step=phrases.label(label),
        kind=kind.name,
        requester=requester.name,
    )


def _nobody(
    settings: ApprovalSettings,
    kind: ApprovalKind,
    step: str,
    requester: Member,
    target: str | None,
    directory: Directory,
) -> MissingApprover:
    if step == DIRECT_SUPERIOR and requester.reports_to is None:
        return MissingApprover(
            "approval.chain.top_of_center",
            step=phrases.label(settings.step_label(step)),
            kind=kind.name,
            requester=requester.name,
        )
    if step == DIRECT_SUPERIOR:
        # reports_to names someone who has left the directory.
        return MissingApprover("approval.chain.superior_gone", requester=requester.name)
    role = _role(settings, step, requester, target, directory)
    return MissingApprover("approval.chain.no_holder", role=role)


def _role(
    settings: ApprovalSettings, step: str, requester: Member, target: str | None, directory: Directory
) -> Param:
    """The role a step asks for, as a refusal names it: "head of Business Department", "finance function
    (head of Finance Department)"."""
    if step == UNIT_HEAD:
        return _head_of(department_of(requester.unit, directory), directory)
    if step == NEXT_LEVEL:
        return Term("approval.role.next_level")
    if step == RECEIVING_UNIT_HEAD:
        return _head_of(target or "", directory)
    function = settings.functions[step]
    holder = (
        _head_of(function.unit, directory)
        if function.unit is not None
        else Notice.of("approval.role.holder", role=Term(f"role.{function.role}"))
    )
    # The function as the center file names it, its words apart: `technical_support` → "technical support".
    return Notice.of("approval.role.function", function=step.replace("_", " "), holder=holder)


def _head_of(unit: str, directory: Directory) -> Notice:
    info = directory.units.get(unit)
    return Notice.of("approval.role.head_of", unit=info.name if info else unit)


def _with_delegates(
    approvers: list[tuple[str, Member]], requester: str, delegations: Mapping[str, str], directory: Directory
) -> list[ChainStep]:
    deciding = {member.slack_id for _, member in approvers}
    steps: list[ChainStep] = []
    for label, approver in approvers:
        delegate = delegations.get(approver.slack_id)
        if (
            delegate is None
            or delegate == approver.slack_id
            or delegate == requester
            or delegate in deciding
            or directory.get(delegate) is None  # a delegate who has left cannot decide
        ):
            steps.append(ChainStep(label=label, approver=approver.slack_id))
            continue
        deciding.add(delegate)
        steps.append(ChainStep(label=label, approver=approver.slack_id, delegate=delegate))
    return steps
