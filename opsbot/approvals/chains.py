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

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

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
from opsbot.errors import InvalidInput, OpsError
from opsbot.escalation import escalation_target, function_holder

__all__ = [
    "MAX_AMOUNT",
    "ChainStep",
    "InvalidAmount",
    "MissingApprover",
    "MissingTarget",
    "UnknownKind",
    "amount_of",
    "department_of",
    "resolve_chain",
    "too_large",
]

FIX_IT = "ask an admin to complete the center file."
# The largest amount a request may carry: the amount column is NUMERIC(14, 2), which holds less than 10^12.
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass(frozen=True)
class ChainStep:
    label: str
    approver: str
    # Who decides in the approver's place while a delegation is active; None when the approver decides.
    delegate: str | None = None


class MissingApprover(OpsError):
    """No one can take a step: no one holds the role, or it falls on the requester and no one is above them.
    `role` names what is missing ("finance function (head of Finance Department)", "direct superior")."""

    def __init__(self, role: str, message: str | None = None) -> None:
        super().__init__(message or f"No one holds the {role}; {FIX_IT}")
        self.role = role


class InvalidAmount(OpsError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="amount")


class MissingTarget(OpsError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="target_unit")


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
    """The ordered steps of a request with their approvers (and delegates), or an OpsError saying what is
    wrong with the request or which role is missing. Pure: reads only its arguments."""
    kind = settings.kind(kind_key)
    person = directory.member(requester)
    tier = kind.tier_for(_checked_amount(kind, amount, settings.currency))
    target = _checked_target(kind, target_unit, directory)
    excluded = {requester}
    approvers: list[tuple[str, Member]] = []
    for step in tier.steps:
        label = settings.step_label(step)
        previous = approvers[-1][1] if approvers else None
        natural = _natural_holder(settings, step, person, previous, target, directory)
        if natural is None and step == NEXT_LEVEL and approvers:
            # The previous approver is the top of the center: the highest authority already signs.
            approvers[-1] = (f"{approvers[-1][0]} + {label}", approvers[-1][1])
            continue
        if natural is None:
            raise MissingApprover(
                label.lower()
                if step == DIRECT_SUPERIOR
                else _role_description(settings, step, person, target, directory),
                _nobody_message(settings, kind, step, person, target, directory),
            )
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
            raise _top_of_center(kind, label, person)
        approvers[cover] = (f"{approvers[cover][0]} + {label}", approvers[cover][1])
    return _with_delegates(approvers, requester, delegations or {}, directory)


def department_of(unit: str, directory: Directory) -> str:
    """The requester's department: the unit on the path to the root that is a direct child of the root (the
    root itself for someone who sits in it)."""
    path = directory.unit_path(unit)
    if len(path) >= 2:
        return path[-2].key
    return path[0].key if path else unit


def _checked_amount(kind: ApprovalKind, amount: Decimal | None, currency: str) -> Decimal | None:
    if not kind.has_amount:
        if amount is not None:
            raise InvalidAmount(f"{_a(kind.name).capitalize()} has no amount; leave it out.")
        return None
    if amount is None:
        raise InvalidAmount(f"{_a(kind.name).capitalize()} needs an amount (in {currency}).")
    if not amount.is_finite() or amount <= 0:
        raise InvalidAmount(f"`{amount}` is not an amount; give a positive number (in {currency}).")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(too_large(amount, currency))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidAmount(f"`{amount}` is not an amount; give at most two decimals (in {currency}).")
    return amount


# Digits, with thousands commas every three digits or none, and at most two decimals: 48000, 48,000, 48000.50.
AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")


def amount_of(text: str) -> Decimal:
    """An amount as people write it. Decimal alone would also take 1e10, 1_000 and 1,2,3 (commas dropped):
    those are refused, as is anything above what the database records."""
    text = text.strip()
    if not AMOUNT.fullmatch(text):
        raise InvalidInput(
            "`{amount}` is not an amount; write digits with at most two decimals, like 48000, 48,000 "
            "or 48000.50.",
            field="amount",
            quotes={"amount": text},
        )
    value = Decimal(text.replace(",", ""))
    if value <= 0:
        raise InvalidInput(
            "`{amount}` is not an amount; give a positive number.", field="amount", quotes={"amount": text}
        )
    if value > MAX_AMOUNT:
        raise InvalidInput(too_large(text), field="amount")
    return value


def too_large(amount: object, currency: str | None = None) -> str:
    """The refusal of an amount above MAX_AMOUNT."""
    limit = f"{MAX_AMOUNT:,} {currency}" if currency else f"{MAX_AMOUNT:,}"
    return (
        f"`{amount}` is more than opsbot can record: amounts go up to {limit}. "
        "Split the request, or decide it outside opsbot."
    )


def _checked_target(kind: ApprovalKind, target_unit: str | None, directory: Directory) -> str | None:
    if "target_unit" not in kind.fields:
        return None  # other kinds have no receiving unit; a stray value is not part of their form
    if not target_unit:
        raise MissingTarget(
            f"{_a(kind.name).capitalize()} needs the receiving unit: choose the unit you are asking."
        )
    if target_unit not in directory.units:
        known = ", ".join(sorted(directory.units))
        raise MissingTarget(f"There is no unit `{target_unit}` in this center. Units are: {known}.")
    return target_unit


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


def _top_of_center(kind: ApprovalKind, label: str, requester: Member) -> MissingApprover:
    return MissingApprover(
        label.lower(),
        f"No one can take the {label.lower()} step of this {kind.name.lower()}: it falls on "
        f"{requester.name}, who asks, no one approves their own request, and no one in the center is above "
        f"{requester.name}. Decide it outside opsbot.",
    )


def _role_description(
    settings: ApprovalSettings, step: str, requester: Member, target: str | None, directory: Directory
) -> str:
    if step == UNIT_HEAD:
        return f"head of {_unit_name(department_of(requester.unit, directory), directory)}"
    if step == NEXT_LEVEL:
        return "next level up"
    if step == RECEIVING_UNIT_HEAD:
        return f"head of {_unit_name(target or '', directory)}"
    function = settings.functions[step]
    holder = (
        f"head of {_unit_name(function.unit, directory)}"
        if function.unit is not None
        else f"holder of the {function.role.title if function.role else '?'} role"
    )
    return f"{step.replace('_', ' ')} function ({holder})"


def _nobody_message(
    settings: ApprovalSettings,
    kind: ApprovalKind,
    step: str,
    requester: Member,
    target: str | None,
    directory: Directory,
) -> str:
    if step == DIRECT_SUPERIOR and requester.reports_to is None:
        return (
            f"No one can take the direct superior step of this {kind.name.lower()}: {requester.name} is at "
            "the top of the center, and no one approves their own request. Decide it outside opsbot."
        )
    if step == DIRECT_SUPERIOR:
        # reports_to names someone who has left the directory.
        return f"{requester.name} has no direct superior in the directory any more; {FIX_IT}"
    role = _role_description(settings, step, requester, target, directory)
    return f"No one holds the {role}; {FIX_IT}"


def _a(name: str) -> str:
    """The name with its article: "an expense reimbursement", "a leave of absence"."""
    name = name.lower()
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


def _unit_name(key: str, directory: Directory) -> str:
    info = directory.units.get(key)
    return info.name if info else key


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
