"""The center file: units, people, channels and the business calendar, validated by pydantic.

Every problem is reported with the path of the field it is in (`people[3].reports_to`), all at once,
so an admin fixes the file in one pass: the YAML is read so that pydantic sees what was written
(`opsbot.center_yaml`), and rules across several values read the file as written (`opsbot.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from opsbot.approvals.policy import FUNCTION_NAMES, ApprovalSettings, function_names
from opsbot.center_yaml import read_yaml
from opsbot.ladders import Ladder, LadderKey, known_ladder_key, refuse_moved_settings
from opsbot.roles import Role
from opsbot.rules import Problem, entries, read, repeated, with_rules

SlackUserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")]
SlackChannelId = Annotated[str, StringConstraints(pattern=r"^[CGD][A-Z0-9]{2,}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(Strict):
    key: Key
    name: str = Field(min_length=1, max_length=80)
    children: tuple[Unit, ...] = ()


class Person(Strict):
    slack_id: SlackUserId
    name: str = Field(min_length=1, max_length=80)
    role: Role
    unit: Key
    reports_to: SlackUserId | None = None

    @field_validator("unit")
    @classmethod
    def _unit_known(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("unit_keys")
        if known is not None and value not in known:
            raise ValueError(f"unknown unit {value!r}; units are: {', '.join(sorted(known))}")
        return value

    @field_validator("reports_to")
    @classmethod
    def _superior_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = (info.context or {}).get("person_ids")
        if value is not None and known is not None and value not in known:
            raise ValueError(f"unknown person {value!r}: reports_to must name someone in people")
        return value


def _without_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give the time without an offset: working hours are in calendar.timezone")
    return value


# A time of day on the center's clock.
LocalTime = Annotated[time, AfterValidator(_without_offset)]


class WorkingHours(Strict):
    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Calendar(Strict):
    timezone: str
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    hours: WorkingHours = WorkingHours(start=time(9), end=time(18))
    holidays: tuple[date, ...] = ()
    # Make-up working days that fall on a weekend (调休), common in the center's calendar.
    extra_working_days: tuple[date, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
            ) from None
        return value

    @field_validator("working_days")
    @classmethod
    def _weekday_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [day for day in value if day not in WEEKDAYS]
        if wrong:
            raise ValueError(f"unknown day(s) {', '.join(wrong)}; use {', '.join(WEEKDAYS)}")
        if not value:
            raise ValueError("at least one working day is needed")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Channels(Strict):
    """Where each kind of message goes, by purpose. Extra purposes are allowed for later workflows."""

    model_config = ConfigDict(extra="allow", frozen=True)

    intake: SlackChannelId
    approvals: SlackChannelId
    problems: SlackChannelId
    risk: SlackChannelId
    leadership: SlackChannelId
    announcements: SlackChannelId

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        return with_rules(data, handler, _extra_channel_rules(data))

    def by_purpose(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in type(self).model_fields} | dict(self.model_extra or {})


class CaseType(Strict):
    """A kind of customer request: who handles it, what it needs, how fast it must be answered."""

    key: Key
    name: str = Field(min_length=1, max_length=60)
    unit: Key
    # Checked at intake; a case missing any of them is returned to the customer for supplement.
    required_items: tuple[Annotated[str, StringConstraints(min_length=1, max_length=60)], ...] = ()
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


class CaseSettings(Strict):
    types: tuple[CaseType, ...] = Field(min_length=1)
    # Working days after the customer is informed until the satisfaction follow-up is due.
    follow_up_days: int = Field(3, ge=0, le=60)

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        return refuse_moved_settings(data)

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        return with_rules(data, handler, _case_type_rules(data))

    @property
    def default_type(self) -> CaseType:
        return next(t for t in self.types if t.default)

    def type(self, key: str) -> CaseType | None:
        return next((t for t in self.types if t.key == key), None)


class Center(Strict):
    name: str = Field(min_length=1, max_length=80)
    calendar: Calendar
    units: tuple[Unit, ...] = Field(min_length=1)
    people: tuple[Person, ...] = Field(min_length=1)
    channels: Channels
    cases: CaseSettings
    # Request kinds and their chain policies (graded authorization); see opsbot/approvals/policy.py.
    approvals: ApprovalSettings
    # What happens while each deadline runs: reminders, overdue marks, escalation (opsbot/ladders.py).
    ladders: dict[Annotated[LadderKey, AfterValidator(known_ladder_key)], Ladder] = {}
    # Admins look after deliveries (`/ops deliveries`); they need not be in `people`.
    admins: tuple[SlackUserId, ...] = ()

    def all_units(self) -> list[tuple[Unit, str | None]]:
        """Every unit with its parent's key, parents first."""
        found: list[tuple[Unit, str | None]] = []

        def walk(unit: Unit, parent: str | None) -> None:
            found.append((unit, parent))
            for child in unit.children:
                walk(child, unit.key)

        for root in self.units:
            walk(root, None)
        return found


_FLAG: TypeAdapter[bool] = TypeAdapter(bool)


def _extra_channel_rules(raw: object) -> list[Problem]:
    """Purposes beyond the known ones, as written: each must name a channel."""
    if not isinstance(raw, Mapping):
        return []
    return [
        ((purpose,), f"{channel!r} is not a Slack channel id (C… or G…)")
        for purpose, channel in raw.items()
        if purpose not in Channels.model_fields
        and (not isinstance(channel, str) or channel[:1] not in ("C", "G") or not channel.isalnum())
    ]


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
    keys = repeated([kind["key"] for kind in types if isinstance(kind.get("key"), str)])
    if keys:
        problems.append((("types",), f"case type keys must be unique; repeated: {', '.join(keys)}"))
    return problems


def organisation_problems(raw: Mapping[str, Any]) -> list[str]:
    """Whole-file rules, each problem with the path of the entry at fault: unique unit keys and Slack ids,
    one top of the reporting tree, no reporting loops. They read the file as written, so they are reported
    together with the mistakes of single fields."""
    problems = []
    first_at: dict[str, str] = {}
    for path, key in _unit_key_paths(raw.get("units")):
        if key in first_at:
            problems.append(f"{path}: duplicate unit key {key!r} (also at {first_at[key]})")
        first_at.setdefault(key, path)
    listed = raw.get("people")
    people = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    index_of: dict[str, int] = {}
    for index, person in enumerate(people):
        pid = person.get("slack_id")
        if not isinstance(pid, str):
            continue
        if pid in index_of:
            problems.append(
                f"people[{index}].slack_id: duplicate slack_id {pid!r} (also people[{index_of[pid]}])"
            )
        index_of.setdefault(pid, index)
    if people:
        tops = [p.get("slack_id") for p in people if p.get("reports_to") is None]
        if len(tops) != 1:
            problems.append(
                "people: exactly one person must have no reports_to (the top of the center); "
                f"found {len(tops)}" + (f": {', '.join(map(str, tops))}" if tops else "")
            )
    # A reports_to that is not an id is a mistake of its field; it ends the chain here.
    superior = {pid: _text_or_none(people[index].get("reports_to")) for pid, index in index_of.items()}
    return problems + _reporting_loops(superior, index_of)


def ladder_target_problems(raw: Mapping[str, Any]) -> list[str]:
    """A ladder step's `function:` and `channel:` targets must be ones the file names."""
    ladders = raw.get("ladders")
    channels = raw.get("channels")
    purposes = set(channels) if isinstance(channels, Mapping) else set()
    functions = function_names(raw.get("approvals"))
    known = {"function": functions, "channel": purposes}
    problems = []
    for key, steps in ladders.items() if isinstance(ladders, Mapping) else ():
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            targets = step.get("to") if isinstance(step, Mapping) else None
            for target in targets if isinstance(targets, list) else []:
                what, _, name = str(target).partition(":")
                if what in known and name and name not in known[what]:
                    names = ", ".join(sorted(known[what])) or "none"
                    problems.append(
                        f"ladders.{key}[{index}].to: unknown {what} {name!r}; the file has: {names}"
                    )
    return problems


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _reporting_loops(superior: Mapping[str, Any], index_of: Mapping[str, int]) -> list[str]:
    """Each loop once, named from the person who comes first in the file."""
    problems = []
    looped: set[str] = set()
    for pid in index_of:
        path = [pid]
        current = superior.get(pid)
        while current is not None and current not in looped:
            if current in path:
                loop = path[path.index(current) :]
                looped.update(loop)
                start = min(loop, key=lambda member: index_of[member])
                turn = loop[loop.index(start) :] + loop[: loop.index(start)] + [start]
                problems.append(f"people[{index_of[start]}].reports_to: reporting loop {' → '.join(turn)}")
                break
            path.append(current)
            current = superior.get(current)
    return problems


def _unit_key_paths(units: object, prefix: str = "units") -> list[tuple[str, str]]:
    """(path, key) of every unit in the tree, in the file's order."""
    found: list[tuple[str, str]] = []
    for index, unit in enumerate(units if isinstance(units, list) else []):
        if not isinstance(unit, dict):
            continue
        here = f"{prefix}[{index}]"
        if isinstance(unit.get("key"), str):
            found.append((f"{here}.key", unit["key"]))
        found += _unit_key_paths(unit.get("children"), f"{here}.children")
    return found


class CenterFileError(Exception):
    """The center file cannot be used; `problems` lists every one as `path: message`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: {len(problems)} problem(s)")
        self.source = source
        self.problems = problems


def load_center(path: Path) -> Center:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CenterFileError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise CenterFileError(str(path), [f"not UTF-8 text: {exc.reason} at byte {exc.start}"]) from None
    return parse_center(text, source=str(path))


def parse_center(text: str, *, source: str = "<center file>") -> Center:
    try:
        raw, problems = read_yaml(text)
    except yaml.YAMLError as exc:
        raise CenterFileError(source, [_not_yaml(exc)]) from None
    if not isinstance(raw, dict):
        raise CenterFileError(
            source, [*problems, "the file must be a mapping with name, calendar, units, people, channels"]
        )
    # Cross references are checked per field (so each error keeps its path) against what the file names.
    context = {
        "unit_keys": {key for _, key in _unit_key_paths(raw.get("units"))},
        "person_ids": _person_ids(raw.get("people")),
        FUNCTION_NAMES: function_names(raw.get("approvals")),
    }
    try:
        center = Center.model_validate(raw, context=context)
    except ValidationError as exc:
        problems += [_describe(error) for error in exc.errors()]
    problems += organisation_problems(raw) + ladder_target_problems(raw)
    if problems:
        raise CenterFileError(source, problems)
    return center


def _not_yaml(exc: yaml.YAMLError) -> str:
    """PyYAML's several-line message on one line, starting with where."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = ", ".join(part for part in (exc.context, exc.problem) if part)
        return f"line {mark.line + 1}, column {mark.column + 1}: not valid YAML ({what})"
    return f"not valid YAML: {exc}"


def _describe(error: Any) -> str:
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch":
        message = f"{error['input']!r} is not the expected form ({error['ctx']['pattern']})"
    elif error["type"] in _NOT_READ_AS:
        message = _NOT_READ_AS[error["type"]].format(value=error["input"], reason=error["ctx"]["error"])
    return f"{path or '(top level)'}: {message}"


# pydantic's words for a date or time it cannot read, and what the file should say instead.
_NOT_READ_AS = {
    "date_parsing": "{value} is not a date ({reason})",
    "date_from_datetime_parsing": "{value} is not a date ({reason})",
    "time_parsing": "{value} is not a time ({reason}): write it as HH:MM, such as 09:00",
}


def _person_ids(people: object) -> set[str]:
    if not isinstance(people, list):
        return set()
    return {p["slack_id"] for p in people if isinstance(p, dict) and isinstance(p.get("slack_id"), str)}
