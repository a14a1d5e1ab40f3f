"""Reading the center file: its YAML as written (`opsbot.center_yaml`), validated by pydantic as the center
composed with the registered workflows' sections, every problem reported at once with the path of the field it
is in (`people[3].reports_to`), so an admin fixes the file in one pass."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError, create_model

from opsbot.center import Center, Function, Section
from opsbot.center_rules import ladder_target_problems, organisation_problems, person_ids, unit_key_paths
from opsbot.center_yaml import read_yaml
from opsbot.ladders import Ladder
from opsbot.names import CENTER_LOCALE
from opsbot.public_holidays import library_of


class CenterFileError(Exception):
    """The center file cannot be used; `problems` lists every one as `path: message`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: {len(problems)} problem(s)")
        self.source = source
        self.problems = problems


@dataclass(frozen=True)
class CenterShape:
    """What the registered workflows add to the center file: their sections (`Section` models, each under its
    `KEY`), the channel purposes they post to, the ladders their clocks start with (`kind.clock`), and where
    their sections name fixed functions (a raw section's function names, a validated section's functions)."""

    sections: tuple[type[Section], ...] = ()
    channels: frozenset[str] = frozenset()
    ladders: Mapping[str, Ladder] = field(default_factory=dict)
    function_names: Mapping[str, Callable[[object], set[str]]] = field(default_factory=dict)
    functions: Mapping[str, Callable[[Any], Mapping[str, Function]]] = field(default_factory=dict)


@functools.cache
def center_model(sections: tuple[type[Section], ...]) -> type[Center]:
    """The center with a required field for each section, so that one validation reports every problem of
    the file, each with its path (`cases.types[0].unit`), and a section no workflow brings is refused."""
    fields: dict[str, Any] = {section.KEY: (section, ...) for section in sections}
    return create_model("Center", __base__=Center, **fields)


def load(path: Path, shape: CenterShape) -> Center:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CenterFileError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise CenterFileError(str(path), [f"not UTF-8 text: {exc.reason} at byte {exc.start}"]) from None
    return parse(text, shape, source=str(path))


def parse(text: str, shape: CenterShape, *, source: str = "<center file>") -> Center:
    try:
        raw, problems = read_yaml(text)
    except yaml.YAMLError as exc:
        raise CenterFileError(source, [_not_yaml(exc)]) from None
    if not isinstance(raw, dict):
        raise CenterFileError(
            source, [*problems, "the file must be a mapping with name, calendar, units, people, channels"]
        )
    functions = {name for key, names in shape.function_names.items() for name in names(raw.get(key))}
    # Cross references are checked per field (so each error keeps its path) against what the file names.
    context = {
        "unit_keys": {key for _, key in unit_key_paths(raw.get("units"))},
        "person_ids": person_ids(raw.get("people")),
        "function_names": functions,
        "channels": shape.channels,
        "ladder_clocks": {".".join(key.split(".")[:2]) for key in shape.ladders},
        CENTER_LOCALE: raw.get("locale"),
    }
    try:
        center = center_model(shape.sections).model_validate(raw, context=context)
    except ValidationError as exc:
        problems += [_describe(error) for error in exc.errors()]
    problems += organisation_problems(raw) + ladder_target_problems(raw, functions)
    if problems:
        raise CenterFileError(source, problems)
    center._default_ladders = dict(shape.ladders)
    center._functions = {
        name: function
        for key, found in shape.functions.items()
        for name, function in found(getattr(center, key)).items()
    }
    return center


def holiday_gaps(center: Center, today: date) -> list[str]:
    """A warning (`path: message`, as a problem reads) for each year, `today`'s and the next on the center's
    clock, that `holidays_from`'s library has no data for: no reason to refuse the file, for the center still
    runs on the file's own days, but it must hear of it, or that year's holidays would silently not count."""
    country = center.calendar.holidays_from
    if country is None:
        return []
    library = library_of(country)
    return [
        f"calendar.holidays_from: {library} has no {country} holidays for {year}: that year "
        f"only the file's working_days, holidays and extra_working_days count (upgrade {library} once the "
        f"year's holidays are published, or list them in the file)"
        for year in center.calendar.uncovered_years((today.year, today.year + 1))
    ]


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
