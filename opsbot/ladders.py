"""Escalation ladders: what happens, step by step, while a deadline runs, as the center file writes them
(`ladders:`, per subject kind and clock, and per priority where a kind has one).

A step is timed from the clock's start (`after`) or from its due instant (`before_due`, `after_due`;
`after_due: 0` is the due instant itself), in business or calendar hours; it does one thing (`remind`,
`overdue` or `escalate`) to the people it names: the owner, the owner's superior, the next level up from
whoever was escalated to last, a role in the subject's unit, a function, or a channel. Steps
`unless: acknowledged` stop once the subject is acknowledged; every step stops once it is resolved. A step
may repeat, a bounded number of times, until the next step falls. When each step falls is
`opsbot.ladder_times`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from opsbot.roles import Role

Action = Literal["remind", "overdue", "escalate"]
TARGET_WORDS = ("owner", "superior", "next_level")
TARGET_PREFIXES = ("role:", "function:", "channel:")


class LadderStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: float | None = Field(default=None, ge=0, le=5000)
    before_due: float | None = Field(default=None, ge=0, le=5000)
    after_due: float | None = Field(default=None, ge=0, le=5000)
    hours: Literal["business", "calendar"] = "business"
    unless: Literal["acknowledged", "resolved"] = "resolved"
    do: Action
    to: tuple[str, ...] = Field(min_length=1)
    repeat_every: float | None = Field(default=None, gt=0, le=5000)
    # How many times it repeats after it first fires (bounded: a ladder nags, it does not spam).
    repeats: int = Field(default=0, ge=0, le=20)

    @field_validator("to")
    @classmethod
    def _targets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for target in value:
            if target in TARGET_WORDS:
                continue
            prefix = next((p for p in TARGET_PREFIXES if target.startswith(p) and len(target) > len(p)), None)
            if prefix is None:
                raise ValueError(
                    f"unknown target {target!r}: use owner, superior, next_level, role:<role>, "
                    "function:<name> or channel:<purpose>"
                )
            if prefix == "role:" and target[5:] not in {role.value for role in Role}:
                raise ValueError(
                    f"unknown role {target[5:]!r}; roles are: {', '.join(role.value for role in Role)}"
                )
        return value

    @model_validator(mode="after")
    def _one_anchor(self) -> LadderStep:
        anchors = [a for a in (self.after, self.before_due, self.after_due) if a is not None]
        if len(anchors) != 1:
            raise ValueError("give exactly one of after, before_due or after_due (hours)")
        if self.repeats and self.repeat_every is None:
            raise ValueError("repeats needs repeat_every (hours between repeats)")
        if self.repeat_every is not None and not self.repeats:
            raise ValueError("repeat_every needs repeats (how many times, at most 20)")
        return self


Ladder = tuple[LadderStep, ...]


# Where the center file's ladders are keyed: `kind.clock`, or `kind.clock.priority` for one priority.
LadderKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+(\.[a-z0-9_]+)?$")]


def known_ladder_key(key: str, info: ValidationInfo) -> str:
    """A key names a clock some registered workflow runs (the validation context's `ladder_clocks`)."""
    clocks = (info.context or {}).get("ladder_clocks")
    clock = ".".join(key.split(".")[:2])
    if clocks is not None and clock not in clocks:
        raise ValueError(f"no deadline runs on {clock!r}; ladders are for: {', '.join(sorted(clocks))}")
    return key


# Settings that ladders replaced, and the ladder step each one now is.
MOVED_TO_LADDERS = {
    "remind_before_hours": "ladders: {case.reply: [{before_due: 2, do: remind, to: [owner]}, …]}",
    "remind_after_hours": "ladders: {approval.step: [{after: 4, do: remind, to: [owner]}, …]}",
    "escalate_after_hours": "ladders: {approval.step: [… {after: 8, do: escalate, to: [superior]}]}",
}


def refuse_moved_settings(data: Any) -> Any:
    """A center file written before ladders names where each of its old settings went."""
    if isinstance(data, Mapping):
        for name, instead in MOVED_TO_LADDERS.items():
            if name in data:
                raise ValueError(f"{name} is now a ladder step; write it as {instead}")
    return data
