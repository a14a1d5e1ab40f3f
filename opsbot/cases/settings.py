"""The cases section of the center file: the case types (who handles each, what it needs, how fast it must be
answered) and the follow-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)

from opsbot.center import Key, Person, Section, Strict
from opsbot.names import Name60
from opsbot.rules import Problem, entries, read, unique_keys, with_rules


class CaseType(Strict):
    """A kind of customer request: who handles it, what it needs, how fast it must be answered."""

    key: Key
    name: Name60
    unit: Key
    # Checked at intake; a case missing any of them is returned to the customer for supplement.
    required_items: tuple[Name60, ...] = ()
    # Business hours from registration to the promised reply and to resolution.
    reply_hours: float = Field(gt=0, le=2000)
    resolve_hours: float = Field(gt=0, le=5000)
    complaint: bool = False
    default: bool = False

    @field_validator("unit")
    @classmethod
    def _unit_known(cls, value: str, info: ValidationInfo) -> str:
        return Person._unit_known(value, info)

    @model_validator(mode="after")
    def _reply_before_resolution(self) -> CaseType:
        if self.reply_hours > self.resolve_hours:
            raise ValueError("reply_hours must not exceed resolve_hours")
        return self


class CaseSettings(Section):
    KEY: ClassVar[str] = "cases"

    types: tuple[CaseType, ...] = Field(min_length=1)
    # Working days after the customer is informed until the satisfaction follow-up is due.
    follow_up_days: int = Field(3, ge=0, le=60)

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        return with_rules(data, handler, _case_type_rules(data))

    @property
    def default_type(self) -> CaseType:
        return next(t for t in self.types if t.default)

    def type(self, key: str) -> CaseType | None:
        return next((t for t in self.types if t.key == key), None)


_FLAG: TypeAdapter[bool] = TypeAdapter(bool)


def _case_type_rules(raw: object) -> list[Problem]:
    types = entries(raw.get("types")) if isinstance(raw, Mapping) else None
    if not types:  # no list, or an empty one, is a mistake of the field itself
        return []
    problems: list[Problem] = []
    flags = [read(_FLAG, kind.get("default", False)) for kind in types]
    if None not in flags and flags.count(True) != 1:  # a flag that is not yes or no is its own mistake
        problems.append(
            (
                ("types",),
                f"exactly one case type must be the default (default: true); found {flags.count(True)}",
            )
        )
    return problems + unique_keys(types, "types", "case type")
