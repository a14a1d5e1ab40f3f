"""The center file's kernel: units, people, channels, the business calendar (`opsbot.working_calendar`), the
fixed functions, ladders and admins, as pydantic models; each registered workflow adds its own section
(`Section`), composed in by `opsbot.center_file`, which reads the file."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from opsbot.ladders import Ladder, LadderKey, known_ladder_key, refuse_moved_settings
from opsbot.languages import ENGLISH, LOCALES, supported
from opsbot.names import Name60, Name80
from opsbot.roles import Role
from opsbot.rules import Problem, with_rules
from opsbot.working_calendar import Calendar

SlackUserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")]
SlackChannelId = Annotated[str, StringConstraints(pattern=r"^[CGD][A-Z0-9]{2,}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]


def _locale(tag: str) -> str:
    found = supported(tag)
    if found is None:
        raise ValueError(f"opsbot speaks {' and '.join(LOCALES)}, not {tag!r}")
    return found


Locale = Annotated[str, AfterValidator(_locale)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(Strict):
    key: Key
    name: Name80
    children: tuple[Unit, ...] = ()


class Person(Strict):
    slack_id: SlackUserId
    name: str = Field(min_length=1, max_length=80)
    role: Role
    unit: Key
    reports_to: SlackUserId | None = None
    locale: Locale | None = None  # the language they read, whatever they or Slack say

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


class Channels(Strict):
    """Where each kind of message goes, by purpose: leadership's (the top of every escalation), and those
    the registered workflows post to (the validation context's `channels`), each of which the file must
    give. Further purposes are the center's own (announcements may go there)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    leadership: SlackChannelId

    @model_validator(mode="wrap")
    @classmethod
    def _rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo) -> Self:
        required = (info.context or {}).get("channels", ())
        return with_rules(data, handler, _extra_channel_rules(data, required))

    def by_purpose(self) -> dict[str, str]:
        return {"leadership": self.leadership} | dict(self.model_extra or {})

    def of(self, purpose: str) -> str:
        """The channel for `purpose` (one a registered workflow posts to, so the file gives it)."""
        return self.by_purpose()[purpose]


class Section(Strict):
    """A workflow's own section of the center file, under `KEY`; `of` reads it from a center."""

    KEY: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        """A section written before ladders names where its old deadline settings went."""
        return refuse_moved_settings(data)

    @classmethod
    def of(cls, center: Center) -> Self:
        found = getattr(center, cls.KEY, None)
        if not isinstance(found, cls):
            raise LookupError(f"the center has no {cls.KEY} section: is its workflow registered?")
        return found


class Function(Strict):
    """Who holds a fixed function (finance review, QC, …): the head of a unit (`{unit: finance}`), or the
    holder of a role anywhere in the center (`{role: director}`)."""

    unit: Key | None = None
    role: Role | None = None
    # How a step it takes reads (on an approval card); defaults to the function's name ("Finance", "Qc").
    label: Name60 | None = None

    @field_validator("unit")
    @classmethod
    def _unit_exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        return Person._unit_known(value, info) if value is not None else None

    @model_validator(mode="after")
    def _one_holder(self) -> Function:
        if (self.unit is None) == (self.role is None):
            raise ValueError("give either unit (the head of that unit) or role (the holder of that role)")
        return self


class Center(Strict):
    name: str = Field(min_length=1, max_length=80)
    # The center's language: shared channels' cards and alerts, and each person's who has none of their own.
    locale: Locale = ENGLISH
    calendar: Calendar
    units: tuple[Unit, ...] = Field(min_length=1)
    people: tuple[Person, ...] = Field(min_length=1)
    channels: Channels
    # What happens while each deadline runs: reminders, overdue marks, escalation (opsbot/ladders.py).
    ladders: dict[Annotated[LadderKey, AfterValidator(known_ladder_key)], Ladder] = {}
    # Admins look after deliveries (`/ops deliveries`); they need not be in `people`.
    admins: tuple[SlackUserId, ...] = ()
    # The workflows' sections are fields of the model `center_model` composes; the ladders their clocks
    # start with, and the fixed functions their sections name, are kept beside them.
    _default_ladders: dict[str, Ladder] = PrivateAttr(default_factory=dict)
    _functions: dict[str, Function] = PrivateAttr(default_factory=dict)

    def ladder(self, kind: str, clock: str, priority: str | None = None) -> Ladder:
        """The ladder a clock starts with: the file's for its priority, the file's, or its workflow's."""
        key = f"{kind}.{clock}"
        if priority is not None and f"{key}.{priority}" in self.ladders:
            return self.ladders[f"{key}.{priority}"]
        return self.ladders.get(key, self._default_ladders.get(key, ()))

    @property
    def functions(self) -> Mapping[str, Function]:
        return self._functions

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


def _extra_channel_rules(raw: object, required: Collection[str]) -> list[Problem]:
    """Purposes beyond leadership's, as written: each must name a channel, and each a workflow posts to must
    be there."""
    if not isinstance(raw, Mapping):
        return []
    problems: list[Problem] = [
        ((purpose,), f"{channel!r} is not a Slack channel id (C… or G…)")
        for purpose, channel in raw.items()
        if purpose not in Channels.model_fields
        and (not isinstance(channel, str) or channel[:1] not in ("C", "G") or not channel.isalnum())
    ]
    problems += [((purpose,), "Field required") for purpose in sorted(required) if purpose not in raw]
    return problems
