"""What opsbot tells people, as data rather than sentences: a code, and its parameters.

The core never writes a sentence, a mention or markup. It says *what happened* — `case.rejected`, with the
case, who rejected it and the reason they gave — and the Slack side finds the words for the code in its
catalogue, in the reader's language, and renders each parameter by its kind:

- `Quote`: people's words (a summary, a reason), stored verbatim and always shown as typed, never formatted;
- `Person`: someone opsbot itself names (an assignee, an approver), who may be mentioned;
- `Term`: one of opsbot's own words that the catalogue translates (a state, a role, a clock);
- `Time`: an instant, shown on the reader's clock;
- `Day`: a calendar day (a follow-up's, a leave's), written as the reader's locale writes dates;
- `Money`: an amount in a currency, written as the reader's locale writes money (¥48,000.00);
- `Name`: a name the center file gives (a unit, a case type), in the reader's language where it gives one;
- a plain `str`, `int` or `float`: a record number, a count — data, escaped like everything else;
- a list of any of these.

A notice travels through the outbox as JSON (`dump` / `load`), so what a reader sees is rendered when it is
delivered, and a refusal (`errors.OpsError`) carries one too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Union


class Quote(str):
    """People's words, as they typed them."""

    __slots__ = ()


@dataclass(frozen=True)
class Person:
    """Someone opsbot names: their Slack id, and their name for where a mention cannot go."""

    id: str
    name: str


@dataclass(frozen=True)
class Term:
    """One of opsbot's words, by its code in the catalogue (`state.in_progress`, `role.group_leader`)."""

    code: str


@dataclass(frozen=True)
class Time:
    at: datetime


@dataclass(frozen=True)
class Day:
    on: date


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217: CNY


class Name(str):
    """A name from the center file: the text in the center's language, which everything that keeps or
    compares it uses, and the name in each language the file gives (`{en: …, zh: …}`)."""

    __slots__ = ("by_locale",)
    by_locale: Mapping[str, str]

    def __new__(cls, text: str, by_locale: Mapping[str, str] | None = None) -> Name:
        made = super().__new__(cls, text)
        made.by_locale = dict(by_locale or {})
        return made

    def in_(self, locale: str) -> str:
        return self.by_locale.get(locale, str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Name, (str(self), self.by_locale))


Param = Union[str, int, float, Quote, Person, Term, Time, Day, Money, Name, "Notice", Sequence["Param"], None]


@dataclass(frozen=True)
class Notice:
    """What happened (`code`) and the values its wording needs (`params`). A notice may be a parameter of
    another (a line that quotes what was decided)."""

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, /, **params: Param) -> Notice:
        return cls(code, params)

    def dump(self) -> dict[str, Any]:
        return {"code": self.code, "params": {name: _dump(value) for name, value in self.params.items()}}

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Notice:
        return cls(str(data["code"]), {name: _load(value) for name, value in data.get("params", {}).items()})

    def __str__(self) -> str:
        """For logs: the code and its parameters, never shown to anyone."""
        return f"{self.code} {dict(self.params)}" if self.params else self.code


def dump_param(value: Param) -> Any:
    """One parameter as JSON (for a payload that carries one outside a notice)."""
    return _dump(value)


def load_param(value: Any) -> Param:
    return _load(value)


def _dump(value: Param) -> Any:
    if isinstance(value, Quote):
        return {"quote": str(value)}
    if isinstance(value, Name):
        return {"name": str(value), "by_locale": dict(value.by_locale)}
    if isinstance(value, Person):
        return {"person": value.id, "name": value.name}
    if isinstance(value, Term):
        return {"term": value.code}
    if isinstance(value, Time):
        return {"time": value.at.isoformat()}
    if isinstance(value, Money):
        return {"money": str(value.amount), "currency": value.currency}
    if isinstance(value, Day):
        return {"day": value.on.isoformat()}
    if isinstance(value, Notice):
        return {"notice": value.dump()}
    if isinstance(value, str | int | float) or value is None:
        return value
    return {"list": [_dump(item) for item in value]}


def _load(value: Any) -> Param:
    if not isinstance(value, Mapping):
        return value  # str, int, float or None as stored
    if "quote" in value:
        return Quote(value["quote"])
    if "person" in value:
        return Person(str(value["person"]), str(value.get("name", "")))
    if "by_locale" in value:
        return Name(str(value["name"]), {str(k): str(v) for k, v in value["by_locale"].items()})
    if "term" in value:
        return Term(str(value["term"]))
    if "time" in value:
        return Time(datetime.fromisoformat(value["time"]))
    if "day" in value:
        return Day(date.fromisoformat(value["day"]))
    if "money" in value:
        return Money(Decimal(str(value["money"])), str(value["currency"]))
    if "notice" in value:
        return Notice.load(value["notice"])
    return [_load(item) for item in value.get("list", ())]
