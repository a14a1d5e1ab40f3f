"""The approvals section of the center file: request kinds, their form fields and their chain policies.

A chain policy is graded authorization (分级审批): amount tiers, each an ordered list of steps. A step is
either relative to the requester (`direct_superior`, `unit_head`, `next_level`, `receiving_unit_head`) or a
fixed function named in `functions` (finance, QC, …) so that the policy speaks in roles, never in names.

Like the rest of the center file, every problem carries the path of the field it is in
(`approvals.kinds[2].tiers[1].steps[0]: unknown step 'cfo'`). Cross references (unit keys, function names)
are checked per field against the validation context that `opsbot.center.parse_center` builds from the raw
file, so each error keeps its own path; without a context the same checks run on the whole section.

This module imports nothing from `opsbot.center` (which imports it) and nothing from Slack.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from opsbot.errors import OpsError
from opsbot.roles import Role

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=60)]

# Form fields a kind may ask for besides the purpose, which every request has. The Slack form knows how to
# draw each of them, so the vocabulary is fixed.
FieldName = Literal["amount", "start_date", "end_date", "target_unit", "deadline", "details"]
# How each field reads on the form, the card and `/approval show`.
FIELD_LABELS: dict[str, str] = {
    "amount": "Amount",
    "start_date": "From",
    "end_date": "To (last day)",
    "target_unit": "Receiving unit",
    "deadline": "Deadline",
    "details": "Details",
}

# Steps relative to the requester (or, for next_level, to the approver of the step before).
DIRECT_SUPERIOR = "direct_superior"
UNIT_HEAD = "unit_head"
NEXT_LEVEL = "next_level"
RECEIVING_UNIT_HEAD = "receiving_unit_head"
RELATIVE_STEPS: dict[str, str] = {
    DIRECT_SUPERIOR: "Direct superior",
    UNIT_HEAD: "Department head",
    NEXT_LEVEL: "Next level up",
    RECEIVING_UNIT_HEAD: "Receiving unit head",
}

# The context key parse_center fills with the function names the file declares.
FUNCTION_NAMES = "function_names"


class UnknownKind(OpsError):
    """The request names a kind the center file does not define."""

    def __init__(self, key: str, known: list[str]) -> None:
        super().__init__(f"There is no approval kind `{key}`. Kinds are: {', '.join(known)}.", field="kind")
        self.key = key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _unit_known(value: str | None, info: ValidationInfo) -> str | None:
    known = (info.context or {}).get("unit_keys")
    if value is not None and known is not None and value not in known:
        raise ValueError(f"unknown unit {value!r}; units are: {', '.join(sorted(known))}")
    return value


def _step_known(value: str, info: ValidationInfo) -> str:
    functions = (info.context or {}).get(FUNCTION_NAMES)
    if value not in RELATIVE_STEPS and functions is not None and value not in functions:
        raise ValueError(_unknown_step_message(value, functions))
    return value


def _unknown_step_message(value: str, functions: set[str] | list[str]) -> str:
    known = sorted(RELATIVE_STEPS) + sorted(functions)
    return f"unknown step {value!r}; steps are: {', '.join(known)}"


StepName = Annotated[Key, AfterValidator(_step_known)]


class Function(_Strict):
    """Who holds a fixed function: the head of a unit (`{unit: finance}`), or the holder of a role anywhere in
    the center (`{role: director}`)."""

    unit: Key | None = None
    role: Role | None = None
    # How the step reads on the approval card; defaults to the function's name ("Finance", "Qc").
    label: Label | None = None

    @field_validator("unit")
    @classmethod
    def _unit_exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _unit_known(value, info)

    @model_validator(mode="after")
    def _one_holder(self) -> Function:
        if (self.unit is None) == (self.role is None):
            raise ValueError("give either unit (the head of that unit) or role (the holder of that role)")
        return self


class Tier(_Strict):
    # The highest amount this tier covers (inclusive); None for the last tier, or for a kind without amount.
    up_to: Decimal | None = Field(None, gt=0, allow_inf_nan=False)
    steps: tuple[StepName, ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _next_level_follows_a_step(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # next_level is "the superior of the previous step's approver": there must be a previous step.
        if value and value[0] == NEXT_LEVEL:
            raise ValueError("next_level is the superior of the step before it, so it cannot come first")
        return value


class ApprovalKind(_Strict):
    key: Key
    name: Label
    fields: tuple[FieldName, ...] = ()
    # The regulation lets this kind be "returned for correction" (e.g. an expense whose receipts are wrong),
    # not only approved or denied.
    returnable: bool = False
    tiers: tuple[Tier, ...] = Field(min_length=1)

    @field_validator("fields")
    @classmethod
    def _fields_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValueError(f"field(s) listed twice: {', '.join(repeated)}")
        return value

    @field_validator("tiers")
    @classmethod
    def _tiers_ascend(cls, value: tuple[Tier, ...]) -> tuple[Tier, ...]:
        *upper, last = value
        if last.up_to is not None:
            raise ValueError(
                f"the last tier (tiers[{len(value) - 1}]) must have no up_to: it covers every larger amount"
            )
        for index, tier in enumerate(upper):
            if tier.up_to is None:
                raise ValueError(f"tiers[{index}] needs an up_to: only the last tier has none")
            if index and upper[index - 1].up_to is not None and tier.up_to <= upper[index - 1].up_to:  # type: ignore[operator]
                raise ValueError(
                    f"tiers must ascend: tiers[{index}].up_to {tier.up_to} is not above "
                    f"tiers[{index - 1}].up_to {upper[index - 1].up_to}"
                )
        return value

    @model_validator(mode="after")
    def _fields_match_steps(self) -> ApprovalKind:
        graded = len(self.tiers) > 1
        if graded and "amount" not in self.fields:
            raise ValueError("fields must include amount: the tiers are graded by amount (up_to)")
        if not graded and "amount" in self.fields:
            raise ValueError(
                "fields include amount but there is a single tier: add tiers with up_to, or drop amount"
            )
        receiving = any(RECEIVING_UNIT_HEAD in tier.steps for tier in self.tiers)
        if receiving and "target_unit" not in self.fields:
            raise ValueError("fields must include target_unit: a step is receiving_unit_head")
        if not receiving and "target_unit" in self.fields:
            raise ValueError("fields include target_unit but no step is receiving_unit_head")
        return self

    @property
    def has_amount(self) -> bool:
        return "amount" in self.fields

    def tier_for(self, amount: Decimal | None) -> Tier:
        """The first tier whose up_to is at least the amount: an amount exactly at a boundary belongs to the
        lower tier (5,000 with `up_to: 5000` is in that tier; 5,000.01 is in the next)."""
        for tier in self.tiers:
            if tier.up_to is None or (amount is not None and amount <= tier.up_to):
                return tier
        return self.tiers[-1]  # unreachable: validation guarantees the last tier has no up_to


class ApprovalSettings(_Strict):
    # Business hours a step may wait before its approver is reminded, and before it goes to their superior.
    remind_after_hours: float = Field(4, gt=0, le=200)
    escalate_after_hours: float = Field(8, gt=0, le=400)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    functions: dict[Key, Function] = {}
    kinds: tuple[ApprovalKind, ...] = Field(min_length=1)

    @field_validator("functions")
    @classmethod
    def _not_a_relative_step(cls, value: dict[str, Function]) -> dict[str, Function]:
        clash = sorted(name for name in value if name in RELATIVE_STEPS)
        if clash:
            raise ValueError(
                f"{', '.join(clash)}: already a step relative to the requester; name it otherwise"
            )
        return value

    @field_validator("kinds")
    @classmethod
    def _unique_keys(cls, value: tuple[ApprovalKind, ...]) -> tuple[ApprovalKind, ...]:
        keys = [kind.key for kind in value]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"kind keys must be unique; repeated: {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ApprovalSettings:
        if self.escalate_after_hours <= self.remind_after_hours:
            raise ValueError(
                "escalate_after_hours must exceed remind_after_hours (remind first, then escalate)"
            )
        # Steps were checked per field when the context named the functions; without one, check them here.
        problems = [
            f"kinds[{k}].tiers[{t}].steps[{s}]: {_unknown_step_message(step, list(self.functions))}"
            for k, kind in enumerate(self.kinds)
            for t, tier in enumerate(kind.tiers)
            for s, step in enumerate(tier.steps)
            if step not in RELATIVE_STEPS and step not in self.functions
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def kind(self, key: str) -> ApprovalKind:
        """The kind with this key, or UnknownKind listing the keys a person can use."""
        for kind in self.kinds:
            if kind.key == key.strip().lower():  # typed in a command as `Expense` as often as `expense`
                return kind
        raise UnknownKind(key, [kind.key for kind in self.kinds])

    def step_label(self, step: str) -> str:
        """How a step reads on the card: "Direct superior", "Finance", …"""
        if step in RELATIVE_STEPS:
            return RELATIVE_STEPS[step]
        function = self.functions.get(step)
        if function is not None and function.label:
            return function.label
        return step.replace("_", " ").capitalize()


def function_names(raw_approvals: object) -> set[str]:
    """The function names a raw (unvalidated) approvals section declares, for the validation context."""
    if not isinstance(raw_approvals, dict) or not isinstance(raw_approvals.get("functions"), dict):
        return set()
    return {name for name in raw_approvals["functions"] if isinstance(name, str)}
