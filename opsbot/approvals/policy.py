"""The approvals section of the center file: request kinds, their form fields and their chain policies.

A chain policy is graded authorization (分级审批): amount tiers, each an ordered list of steps. A step is
either relative to the requester (`direct_superior`, `unit_head`, `next_level`, `receiving_unit_head`) or a
fixed function named in `functions` (finance, QC, …) so that the policy speaks in roles, never in names.

Like the rest of the center file, every problem carries the path of the field it is in
(`approvals.kinds[2].tiers[1].steps[0]: unknown step 'cfo'`). Cross references (unit keys, function names)
are checked per field against the validation context that `opsbot.center.parse_center` builds from the raw
file, so each error keeps its own path; without a context the same checks run on the whole section. Rules
across several values (tiers ascend, fields match the steps, unique keys) read the section as written
(`opsbot.rules`), so a wrong step does not hide a tier out of order: both are reported.

It imports nothing from Slack.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    model_validator,
)

from opsbot.center import Function, Section
from opsbot.errors import InvalidInput, OpsError
from opsbot.names import Name60
from opsbot.notices import Name, Quote
from opsbot.rules import Problem, entries, items, read, repeated, unique_keys, with_rules

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=60)]

# Form fields a kind may ask for besides the purpose, which every request has. The Slack form knows how to
# draw each of them, so the vocabulary is fixed; the catalogue words each (`approval.field_label.<name>`).
FieldName = Literal["amount", "start_date", "end_date", "target_unit", "deadline", "details"]

# Steps relative to the requester (or, for next_level, to the approver of the step before). They are opsbot's
# own steps, so the catalogue words them (`approval.step.<name>`); a function's step reads as the center file
# names it.
DIRECT_SUPERIOR = "direct_superior"
UNIT_HEAD = "unit_head"
NEXT_LEVEL = "next_level"
RECEIVING_UNIT_HEAD = "receiving_unit_head"
RELATIVE_STEPS = (DIRECT_SUPERIOR, UNIT_HEAD, NEXT_LEVEL, RECEIVING_UNIT_HEAD)

# The context key parse_center fills with the function names the file declares.
FUNCTION_NAMES = "function_names"


class UnknownKind(OpsError):
    """The request names a kind the center file does not define."""

    def __init__(self, key: str, known: list[str]) -> None:
        super().__init__("approval.unknown_kind", field="kind", kind=Quote(key), known=known)
        self.key = key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _step_known(value: str, info: ValidationInfo) -> str:
    functions = (info.context or {}).get(FUNCTION_NAMES)
    if value not in RELATIVE_STEPS and functions is not None and value not in functions:
        raise ValueError(_unknown_step_message(value, functions))
    return value


def _unknown_step_message(value: str, functions: set[str] | list[str]) -> str:
    known = sorted(RELATIVE_STEPS) + sorted(functions)
    return f"unknown step {value!r}; steps are: {', '.join(known)}"


StepName = Annotated[Key, AfterValidator(_step_known)]
# The highest amount a tier covers (inclusive).
Bound = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
_BOUND: TypeAdapter[Decimal] = TypeAdapter(Bound)


class Tier(_Strict):
    # None for the last tier, or for a kind without amount.
    up_to: Bound | None = None
    steps: tuple[StepName, ...] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        return with_rules(data, handler, _tier_rules(data))


class ApprovalKind(_Strict):
    key: Key
    name: Name60
    fields: tuple[FieldName, ...] = ()
    # The regulation lets this kind be "returned for correction" (e.g. an expense whose receipts are wrong),
    # not only approved or denied.
    returnable: bool = False
    tiers: tuple[Tier, ...] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        return with_rules(data, handler, _kind_rules(data))

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


class ApprovalSettings(Section):
    KEY: ClassVar[str] = "approvals"

    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    functions: dict[Key, Function] = Field(default_factory=dict)
    kinds: tuple[ApprovalKind, ...] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo) -> Self:
        return with_rules(data, handler, _settings_rules(data, (info.context or {}).get(FUNCTION_NAMES)))

    def kind(self, key: str) -> ApprovalKind:
        """The kind a person names: by its key (typed as `Expense` as often as `expense`), by its name in any
        language the file gives it, or as the one kind whose name holds the word (报销 for 费用报销); else
        UnknownKind listing the keys a person can use."""
        word = key.strip().lower()
        if not word:
            raise InvalidInput("approval.kind_required", field="kind")
        named = [kind for kind in self.kinds if kind.key == word or word in _names(kind)]
        holding = [kind for kind in self.kinds if any(word in name for name in _names(kind))]
        found = named or (holding if len(holding) == 1 else [])
        if not found:
            raise UnknownKind(key, [kind.key for kind in self.kinds])
        return found[0]

    def step_label(self, step: str) -> str:
        """How a step is kept in a chain's label: a step relative to the requester by its name, which the
        catalogue words (`unit_head`); a function by what the center file calls it ("Finance review", or
        "Qc" from its name)."""
        if step in RELATIVE_STEPS:
            return step
        function = self.functions.get(step)
        if function is not None and function.label:
            return function.label
        return step.replace("_", " ").capitalize()


def _names(kind: ApprovalKind) -> set[str]:
    """A kind's name in each language, as people may type it."""
    given = kind.name.by_locale.values() if isinstance(kind.name, Name) else [kind.name]
    return {name.lower() for name in given}


def function_names(raw_approvals: object) -> set[str]:
    """The function names a raw (unvalidated) approvals section declares, for the validation context."""
    if not isinstance(raw_approvals, dict) or not isinstance(raw_approvals.get("functions"), dict):
        return set()
    return {name for name in raw_approvals["functions"] if isinstance(name, str)}


# ------------------------------------------------------------------ rules, on the section as written


def _tier_rules(raw: object) -> list[Problem]:
    steps = items(raw.get("steps")) if isinstance(raw, Mapping) else None
    # next_level is "the superior of the previous step's approver": there must be a previous step.
    if steps and steps[0] == NEXT_LEVEL:
        return [(("steps",), "next_level is the superior of the step before it, so it cannot come first")]
    return []


def _kind_rules(raw: object) -> list[Problem]:
    if not isinstance(raw, Mapping):
        return []
    fields = items(raw.get("fields", ()))
    tiers = entries(raw.get("tiers"))
    problems: list[Problem] = []
    if fields is not None and repeated(fields):
        problems.append((("fields",), f"field(s) listed twice: {', '.join(repeated(fields))}"))
    if tiers:  # no list, or an empty one, is a mistake of the field itself
        problems += [(("tiers",), message) for message in _tier_order(tiers)]
        if fields is not None:
            problems += [((), message) for message in _fields_for_steps(fields, tiers)]
    return problems


def _tier_order(tiers: list[Mapping[str, Any]]) -> list[str]:
    *upper, last = tiers
    problems = []
    if last.get("up_to") is not None:
        problems.append(
            f"the last tier (tiers[{len(tiers) - 1}]) must have no up_to: it covers every larger amount"
        )
    problems += [
        f"tiers[{index}] needs an up_to: only the last tier has none"
        for index, tier in enumerate(upper)
        if tier.get("up_to") is None
    ]
    bounds = [read(_BOUND, tier.get("up_to")) for tier in upper]  # None: not given, or not an amount
    for index in range(1, len(bounds)):
        bound, below = bounds[index], bounds[index - 1]
        if bound is not None and below is not None and bound <= below:
            problems.append(
                f"tiers must ascend: tiers[{index}].up_to {bound} is not above "
                f"tiers[{index - 1}].up_to {below}"
            )
    return problems


def _fields_for_steps(fields: list[Any], tiers: list[Mapping[str, Any]]) -> list[str]:
    problems = []
    graded = len(tiers) > 1
    if graded and "amount" not in fields:
        problems.append("fields must include amount: the tiers are graded by amount (up_to)")
    if not graded and "amount" in fields:
        problems.append(
            "fields include amount but there is a single tier: add tiers with up_to, or drop amount"
        )
    receiving = any(RECEIVING_UNIT_HEAD in (items(tier.get("steps")) or ()) for tier in tiers)
    if receiving and "target_unit" not in fields:
        problems.append("fields must include target_unit: a step is receiving_unit_head")
    if not receiving and "target_unit" in fields:
        problems.append("fields include target_unit but no step is receiving_unit_head")
    return problems


def _settings_rules(raw: object, known_functions: set[str] | None) -> list[Problem]:
    if not isinstance(raw, Mapping):
        return []
    functions = function_names(raw)
    kinds = entries(raw.get("kinds")) or []
    problems: list[Problem] = []
    clash = sorted(name for name in functions if name in RELATIVE_STEPS)
    if clash:
        problems.append(
            (
                ("functions",),
                f"{', '.join(clash)}: already a step relative to the requester; name it otherwise",
            )
        )
    problems += unique_keys(kinds, "kinds", "kind")
    if known_functions is None:  # without a context, steps were not checked per field: check them here
        problems += _unknown_steps(kinds, functions)
    return problems


def _unknown_steps(kinds: list[Mapping[str, Any]], functions: set[str]) -> list[Problem]:
    return [
        (("kinds", k, "tiers", t, "steps", s), _unknown_step_message(step, functions))
        for k, kind in enumerate(kinds)
        for t, tier in enumerate(entries(kind.get("tiers")) or [])
        for s, step in enumerate(items(tier.get("steps")) or [])
        if isinstance(step, str) and step not in RELATIVE_STEPS and step not in functions
    ]
